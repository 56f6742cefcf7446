package notify

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"
)

// Channels of the ladder (docs/NOTIFY.md), in the default order a citizen is reached by.
const (
	ChanPush    = "push"    // Web Push (RFC 8030/8291/8292)
	ChanZNS     = "zns"     // Zalo ZNS, a template message
	ChanSMS     = "sms"     // SMS through an HTTP gateway, with the commune's brand name
	ChanEmail   = "email"   // e-mail (Sender)
	ChanPrinter = "printer" // a kiosk's slip printer (escpos://, through Sender)
)

// DefaultOrder is the ladder when the citizen set none.
var DefaultOrder = []string{ChanPush, ChanZNS, ChanSMS, ChanEmail}

// Kinds of messages (the templates' keys).
const (
	KindReceipt          = "receipt"
	KindSubmitted        = "submitted"
	KindSupplement       = "supplement"
	KindApology          = "apology"
	KindResult           = "result"
	KindRefused          = "refused"
	KindFee              = "fee"
	KindFeedbackAnswered = "feedback_answered"
	KindOTP              = "otp"
	KindReply            = "reply"        // the answer to a message asking a dossier's status
	KindAnnouncement     = "announcement" // a commune's announcement, to its subscribers
)

// TelScheme starts a direct SMS recipient: "tel:+84912345678" (one-time codes).
const TelScheme = "tel:"

// OTPLifetime is how long a one-time code may still be sent: after it, the message
// expires unsent and its body is blanked.
const OTPLifetime = 10 * time.Minute

// Consent is a citizen's consent to a channel (Law 91/2025): the text shown, when it was
// given and withdrawn; Position orders their own ladder (0: the default order).
type Consent struct {
	Channel     string
	Position    int
	Text        string
	GrantedAt   time.Time
	WithdrawnAt time.Time // zero: in force
}

// Subscription is a browser's Web Push subscription.
type Subscription struct {
	ID       int64
	UserID   int64
	Endpoint string
	P256dh   string // base64url
	Auth     string // base64url
}

// Contacts is what is known of a citizen account for the ladder.
type Contacts struct {
	Consents      []Consent
	Subscriptions []Subscription
}

// Route is one rung of the ladder: a channel and the address on it.
type Route struct {
	Channel string
	Address string        // phone (E.164), e-mail, printer address; push: the endpoint
	Push    *Subscription // the push subscription
}

// Ladder is the channels a message goes to, in order. A direct recipient (To) has one
// rung: tel: by SMS, zalo: by ZNS, escpos:// to the printer, anything else by e-mail. A message to a
// person walks the citizen's consented channels in their order (Web Push to each
// subscription, Zalo ZNS and SMS to the phone, e-mail); a person without an account, or
// an account that never chose, is reached by the contacts the dossier recorded: the
// phone by SMS, the e-mail by e-mail.
func Ladder(m Message, c Contacts) []Route {
	if m.To != "" {
		switch {
		case strings.HasPrefix(m.To, TelScheme):
			return []Route{{Channel: ChanSMS, Address: strings.TrimPrefix(m.To, TelScheme)}}
		case strings.HasPrefix(m.To, ZaloScheme):
			return []Route{{Channel: ChanZNS, Address: strings.TrimPrefix(m.To, ZaloScheme)}}
		case strings.HasPrefix(m.To, "escpos://"):
			return []Route{{Channel: ChanPrinter, Address: m.To}}
		default:
			return []Route{{Channel: ChanEmail, Address: m.To}}
		}
	}
	var consents []Consent
	for _, k := range c.Consents {
		if k.WithdrawnAt.IsZero() {
			consents = append(consents, k)
		}
	}
	if m.UserID == 0 || len(c.Consents) == 0 {
		var out []Route
		if m.Phone != "" {
			out = append(out, Route{Channel: ChanSMS, Address: m.Phone})
		}
		if m.Email != "" {
			out = append(out, Route{Channel: ChanEmail, Address: m.Email})
		}
		return out
	}
	rank := func(ch string) int { return slices.Index(DefaultOrder, ch) }
	slices.SortStableFunc(consents, func(a, b Consent) int {
		pa, pb := a.Position, b.Position
		if pa == 0 {
			pa = 1000
		}
		if pb == 0 {
			pb = 1000
		}
		if pa != pb {
			return pa - pb
		}
		return rank(a.Channel) - rank(b.Channel)
	})
	var out []Route
	for _, k := range consents {
		switch k.Channel {
		case ChanPush:
			for _, s := range c.Subscriptions {
				out = append(out, Route{Channel: ChanPush, Address: s.Endpoint, Push: &s})
			}
		case ChanZNS, ChanSMS:
			if m.Phone != "" {
				out = append(out, Route{Channel: k.Channel, Address: m.Phone})
			}
		case ChanEmail:
			if m.Email != "" {
				out = append(out, Route{Channel: ChanEmail, Address: m.Email})
			}
		}
	}
	return out
}

// Policy is how often a channel is tried before the ladder moves on, and the delays.
type Policy struct {
	Tries  int
	Delays []time.Duration // before try n+1 after n failed tries (the last repeats)
}

// Delay is the wait after n failed tries.
func (p Policy) Delay(n int) time.Duration {
	return p.Delays[min(max(n-1, 0), len(p.Delays)-1)]
}

// Policies are the channels' retries: SMS three tries over about ten minutes, ZNS and
// push three over a few minutes; e-mail and printers as before the ladder (MaxAttempts,
// Backoff, about two days) since they are the last rung.
var Policies = map[string]Policy{
	ChanPush:    {Tries: 3, Delays: []time.Duration{time.Minute, 4 * time.Minute}},
	ChanZNS:     {Tries: 3, Delays: []time.Duration{time.Minute, 4 * time.Minute}},
	ChanSMS:     {Tries: 3, Delays: []time.Duration{2 * time.Minute, 8 * time.Minute}},
	ChanEmail:   {Tries: MaxAttempts, Delays: []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}},
	ChanPrinter: {Tries: MaxAttempts, Delays: []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}},
}

// Delivery is one attempt handed to a gateway.
type Delivery struct {
	AttemptID int64 // the gateway's idempotency key
	Route     Route
	Kind      string
	Ref       string
	Subject   string
	Text      string            // the channel's rendering
	Params    map[string]string // ZNS template parameters
	URL       string            // push: the page to open
}

// Gateway sends one delivery on its channel and answers the provider's message id.
type Gateway interface {
	Send(ctx context.Context, d Delivery) (providerID string, err error)
}

// ErrPermanent marks a refusal retrying will not change (a ZNS template refused, a push
// subscription gone): the ladder moves to the next channel at once.
var ErrPermanent = errors.New("notify: refused for good")

// E164 writes a Vietnamese phone number as +84…: 0 or 84 or +84 and 9 digits (mobile
// numbers; 10 digits for the old 11-digit numbers), spaces, dots and dashes ignored. Not
// Vietnamese: "".
func E164(phone string) string {
	var d []byte
	for i, r := range phone {
		switch {
		case r >= '0' && r <= '9':
			d = append(d, byte(r))
		case r == '+' && i == 0, r == ' ', r == '.', r == '-':
		default:
			return ""
		}
		if len(d) > 15 {
			return ""
		}
	}
	s := string(d)
	switch {
	case strings.HasPrefix(s, "84") && strings.HasPrefix(phone, "+"), strings.HasPrefix(s, "84") && len(s) >= 11:
		s = s[2:]
	case strings.HasPrefix(s, "0"):
		s = s[1:]
	default:
		return ""
	}
	if len(s) < 9 || len(s) > 10 || s[0] == '0' {
		return ""
	}
	return "+84" + s
}
