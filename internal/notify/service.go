package notify

import (
	"context"
	"crypto/ecdh"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/ratelimit"
)

// ServiceStore is what the notification service needs from storage.
type ServiceStore interface {
	Enqueue(ctx context.Context, m Message) error
	Receipt(ctx context.Context, channel, providerID, status, reason string, at time.Time) (bool, error)
	SavePushSubscription(ctx context.Context, sub Subscription) (int64, error)
	DeletePushSubscription(ctx context.Context, userID int64, endpoint string) (bool, error)
	PushSubscriptions(ctx context.Context, userID int64) ([]Subscription, error)
	NotifyConsents(ctx context.Context, userID int64) ([]Consent, error)
	SetNotifyConsent(ctx context.Context, userID int64, c Consent, grant bool) error
	Template(ctx context.Context, unitID int64, kind, channel string) (string, error)
	SaveTemplate(ctx context.Context, unitID int64, kind, channel, body string) error
	NotifyKey(ctx context.Context, name string) (public, private []byte, sealed, found bool, err error)
	CreateNotifyKey(ctx context.Context, name string, public, private []byte, sealed bool) error
}

// Sealer seals the VAPID private key at rest (kek.Key).
type Sealer interface {
	Seal(plaintext, aad []byte) ([]byte, error)
	Open(sealed, aad []byte) ([]byte, error)
}

// Answer is what "ask by message" answers about a dossier: found only when the code
// and its look-up secret match.
type Answer struct {
	Found   bool
	UnitID  int64
	Status  string // Vietnamese label
	DueDate string // the appointment, "" none
}

// Service runs the notifications' rules: delivery receipts and inbound messages from
// the gateways (verified), push subscriptions, consents to channels, the units'
// templates and the server's VAPID key.
type Service struct {
	Store ServiceStore
	// Secrets are the gateways' shared webhook secrets (sms, zalo): a gateway without
	// one is refused.
	Secrets map[string][]byte
	// PushBases are endpoint prefixes accepted besides https:// (the local fake push
	// service in the demo and tests).
	PushBases []string
	// Lookup answers a dossier's status for its code and secret (the same privacy as the
	// web look-up: a wrong secret is "not found").
	Lookup func(ctx context.Context, code, secret string) (Answer, error)
	// HomeUnitID answers for messages about no dossier.
	HomeUnitID int64
	// Senders limits inbound messages per sender.
	Senders *ratelimit.Limiter
	Sealer  Sealer
	Subject string // VAPID subject: mailto: or the portal's address
	Now     func() time.Time
	// Announcements keeps the subscriptions to the commune's announcements (nil: none).
	Announcements AnnouncementStore
}

// Errors of the notification service.
var (
	ErrWebhookSignature = apperr.New(apperr.Unauthenticated, "webhook_signature", "Chữ ký của thông báo không đúng.")
	ErrWebhookGateway   = apperr.New(apperr.NotFound, "unknown_gateway", "Không có cổng tin nhắn này.")
	ErrWebhookBody      = apperr.New(apperr.Invalid, "webhook_body_invalid", "Nội dung thông báo không hợp lệ.")
	ErrWebhookTooLarge  = apperr.New(apperr.Invalid, "webhook_body_too_large", "Nội dung thông báo quá lớn.")
	ErrSubscription     = apperr.New(apperr.Invalid, "push_subscription_invalid", "Đăng ký nhận thông báo của trình duyệt không hợp lệ.")
	ErrSubscriptionURL  = apperr.New(apperr.Invalid, "push_endpoint_invalid", "Địa chỉ nhận thông báo phải là địa chỉ https của dịch vụ đẩy tin.")
	// ErrSubscriptionTaken: the endpoint is another user's.
	ErrSubscriptionTaken = apperr.New(apperr.Forbidden, "push_subscription_taken", "Trình duyệt này đang nhận thông báo cho tài khoản khác; tài khoản đó cần tắt trước.")
	ErrNoSubscription    = apperr.New(apperr.NotFound, "push_subscription_not_found", "Không tìm thấy đăng ký nhận thông báo.")
	ErrChannel           = apperr.New(apperr.Invalid, "unknown_channel", "Không có kênh nhận thông báo này.")
	ErrNotCitizen        = apperr.New(apperr.Forbidden, "not_logged_in", "Cần đăng nhập để chọn kênh nhận thông báo.")
	ErrNotUnitAdmin      = apperr.New(apperr.Forbidden, "not_unit_admin", "Chỉ quản trị viên của đơn vị được sửa mẫu tin nhắn.")
	ErrInboundLimit      = apperr.New(apperr.TooManyRequests, "inbound_limit", "Quá nhiều tin nhắn từ một số; vui lòng thử lại sau.")
)

// MaxWebhook bounds a gateway's webhook body (receipts and inbound messages).
const MaxWebhook = 4 << 10

// Gateways whose webhooks are taken, with the channel their receipts are about.
var webhookChannels = map[string]string{"sms": ChanSMS, "zalo": ChanZNS}

// ReceiptNote is a delivery receipt.
type ReceiptNote struct {
	ID     string `json:"id"`
	Status string `json:"status"` // delivered, failed
	Error  string `json:"error"`
}

// ParseReceipt reads a receipt body: bounded, JSON, a known status.
func ParseReceipt(raw []byte) (ReceiptNote, error) {
	var n ReceiptNote
	if len(raw) > MaxWebhook {
		return n, ErrWebhookTooLarge
	}
	if err := json.Unmarshal(raw, &n); err != nil {
		return n, ErrWebhookBody.With(err)
	}
	if n.ID == "" || len(n.ID) > 200 || (n.Status != "delivered" && n.Status != "failed") || !utf8.ValidString(n.Error) {
		return n, ErrWebhookBody
	}
	if len(n.Error) > 500 {
		n.Error = n.Error[:500]
		for !utf8.ValidString(n.Error) {
			n.Error = n.Error[:len(n.Error)-1]
		}
	}
	return n, nil
}

func (s *Service) verify(gateway string, raw []byte, sig string) (string, error) {
	ch, ok := webhookChannels[gateway]
	if !ok {
		return "", ErrWebhookGateway
	}
	if len(raw) > MaxWebhook {
		return "", ErrWebhookTooLarge
	}
	if !Verify(s.Secrets[gateway], raw, sig) {
		return "", ErrWebhookSignature
	}
	return ch, nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Receipt applies a gateway's signed delivery receipt. found is false for an id no
// attempt has (answered 200 all the same: the gateway need not retry).
func (s *Service) Receipt(ctx context.Context, gateway string, raw []byte, sig string) (found bool, err error) {
	ch, err := s.verify(gateway, raw, sig)
	if err != nil {
		return false, err
	}
	n, err := ParseReceipt(raw)
	if err != nil {
		return false, err
	}
	return s.Store.Receipt(ctx, ch, n.ID, n.Status, n.Error, s.now())
}

// Inbound is a message a citizen sent to the commune's SMS number or Zalo OA.
type Inbound struct {
	ID   string `json:"id"`   // the gateway's message id (a replay is answered once)
	From string `json:"from"` // the sender's phone
	Text string `json:"text"`
}

// MaxInboundText bounds the text of an inbound message, in bytes.
const MaxInboundText = 1000

// ParseInbound reads an inbound message body: bounded, JSON, a Vietnamese sender.
func ParseInbound(raw []byte) (Inbound, error) {
	var in Inbound
	if len(raw) > MaxWebhook {
		return in, ErrWebhookTooLarge
	}
	if err := json.Unmarshal(raw, &in); err != nil {
		return in, ErrWebhookBody.With(err)
	}
	in.From = E164(in.From)
	if in.ID == "" || len(in.ID) > 200 || in.From == "" || len(in.Text) > MaxInboundText || !utf8.ValidString(in.Text) {
		return in, ErrWebhookBody
	}
	return in, nil
}

// ParseAsk reads "HS <code> <secret>" tolerantly: any case, with or without marks
// ("hồ sơ", "HOSO"), separated by spaces, commas, colons or semicolons; the keyword may
// be left out. ok is false when the text is not such a question.
func ParseAsk(text string) (code, secret string, ok bool) {
	if len(text) > MaxInboundText {
		return "", "", false
	}
	fields := strings.FieldsFunc(StripMarks(text), func(r rune) bool {
		return unicode.IsSpace(r) || r == ',' || r == ':' || r == ';' || r == '#'
	})
	if len(fields) > 0 && slices.Contains([]string{"HS", "HOSO", "MAHS"}, strings.ToUpper(fields[0])) {
		fields = fields[1:]
	} else if len(fields) > 1 && strings.EqualFold(fields[0], "HO") && strings.EqualFold(fields[1], "SO") {
		fields = fields[2:]
	}
	if len(fields) != 2 {
		return "", "", false
	}
	code, secret = strings.ToUpper(fields[0]), strings.ToUpper(fields[1])
	if len(code) > 64 || len(secret) > 64 || !strings.Contains(code, "-") {
		return "", "", false
	}
	return code, secret, true
}

// Inbound answers a citizen's question by message: "HS <code> <secret>" gets the
// dossier's status and appointment back by the same channel, through the outbox
// (deduplicated by the gateway's message id). A wrong code or secret gets the same "not
// found" as an unknown dossier; a text that is no question gets the how-to.
func (s *Service) Inbound(ctx context.Context, gateway string, raw []byte, sig string) error {
	if _, err := s.verify(gateway, raw, sig); err != nil {
		return err
	}
	in, err := ParseInbound(raw)
	if err != nil {
		return err
	}
	if s.Senders != nil && !s.Senders.Allow(gateway+":"+in.From) {
		return ErrInboundLimit
	}
	unitID := s.HomeUnitID
	text := "Khong tim thay ho so. Vui long kiem tra ma ho so va ma tra cuu tren giay hen."
	data := map[string]string{}
	code, secret, ok := ParseAsk(in.Text)
	switch {
	case !ok:
		text = "De tra cuu ho so, nhan tin: HS <ma ho so> <ma tra cuu> (in tren giay hen)."
	case s.Lookup != nil:
		a, err := s.Lookup(ctx, code, secret)
		if err != nil {
			return err
		}
		if a.Found {
			unitID = a.UnitID
			data["ma_ho_so"], data["trang_thai"] = code, a.Status
			if a.DueDate != "" {
				data["ngay_hen"] = "Hen tra: " + a.DueDate + "."
			}
			text = ""
		}
	}
	to := TelScheme + in.From
	if gateway == "zalo" {
		to = ZaloScheme + in.From
	}
	m := Message{UnitID: unitID, To: to, Ref: "inbound:" + gateway, Subject: "Tra lời tra cứu", Body: text,
		DedupKey: "inbound:" + gateway + ":" + in.ID}
	if text == "" {
		m.Kind, m.Data = KindReply, data
	}
	return s.Store.Enqueue(ctx, m)
}

// ZaloScheme starts a direct Zalo recipient (a reply to a message sent to the OA).
const ZaloScheme = "zalo:"

// SubscriptionJSON is a browser's PushSubscription.toJSON().
type SubscriptionJSON struct {
	Endpoint string `json:"endpoint"`
	Keys     struct {
		P256dh string `json:"p256dh"`
		Auth   string `json:"auth"`
	} `json:"keys"`
}

// MaxSubscription bounds a subscription's JSON.
const MaxSubscription = 4 << 10

func (s *Service) endpointOK(e string) bool {
	if len(e) > 1000 || !utf8.ValidString(e) {
		return false
	}
	for _, b := range s.PushBases {
		if b != "" && strings.HasPrefix(e, strings.TrimSuffix(b, "/")+"/") {
			return true
		}
	}
	u, err := url.Parse(e)
	return err == nil && u.Scheme == "https" && u.Host != "" && u.User == nil
}

// CheckSubscription validates a subscription: https endpoint (or a configured fake's),
// a P-256 key, a 16-byte auth secret.
func (s *Service) CheckSubscription(in SubscriptionJSON) (Subscription, error) {
	if !s.endpointOK(in.Endpoint) {
		return Subscription{}, ErrSubscriptionURL
	}
	pub, err := b64.DecodeString(strings.TrimRight(in.Keys.P256dh, "="))
	if err != nil || len(pub) != 65 {
		return Subscription{}, ErrSubscription
	}
	if _, err := ecdh.P256().NewPublicKey(pub); err != nil {
		return Subscription{}, ErrSubscription
	}
	sec, err := b64.DecodeString(strings.TrimRight(in.Keys.Auth, "="))
	if err != nil || len(sec) != 16 {
		return Subscription{}, ErrSubscription
	}
	return Subscription{Endpoint: in.Endpoint, P256dh: b64.EncodeToString(pub), Auth: b64.EncodeToString(sec)}, nil
}

// Subscribe binds a browser's subscription to the logged-in user.
func (s *Service) Subscribe(ctx context.Context, p *auth.Principal, in SubscriptionJSON) (Subscription, error) {
	if p == nil || p.UserID == 0 {
		return Subscription{}, ErrNotCitizen
	}
	sub, err := s.CheckSubscription(in)
	if err != nil {
		return sub, err
	}
	sub.UserID = p.UserID
	sub.ID, err = s.Store.SavePushSubscription(ctx, sub)
	return sub, err
}

// Unsubscribe removes the user's own subscription of endpoint.
func (s *Service) Unsubscribe(ctx context.Context, p *auth.Principal, endpoint string) error {
	if p == nil || p.UserID == 0 {
		return ErrNotCitizen
	}
	ok, err := s.Store.DeletePushSubscription(ctx, p.UserID, endpoint)
	if err == nil && !ok {
		return ErrNoSubscription
	}
	return err
}

// ConsentTexts are the texts a citizen agrees to, per channel (recorded with the
// consent, Law 91/2025).
var ConsentTexts = map[string]string{
	ChanPush:  "Tôi đồng ý nhận thông báo về hồ sơ, phí và kết quả của tôi qua thông báo đẩy của trình duyệt trên thiết bị này.",
	ChanZNS:   "Tôi đồng ý để Ủy ban nhân dân xã gửi thông báo về hồ sơ của tôi qua Zalo đến số điện thoại của tôi.",
	ChanSMS:   "Tôi đồng ý nhận tin nhắn SMS về hồ sơ, phí, kết quả và mã xác thực đến số điện thoại của tôi.",
	ChanEmail: "Tôi đồng ý nhận thư điện tử về hồ sơ, phí và kết quả đến địa chỉ thư của tôi.",
}

// ChannelLabels are the channels' Vietnamese names.
var ChannelLabels = map[string]string{
	ChanPush: "Thông báo trên trình duyệt", ChanZNS: "Zalo", ChanSMS: "Tin nhắn SMS", ChanEmail: "Thư điện tử", ChanPrinter: "Máy in phiếu",
}

// StatusLabels are the attempts' statuses in Vietnamese.
var StatusLabels = map[string]string{
	"sending": "Đang gửi", "accepted": "Đã gửi", "delivered": "Đã nhận", "failed": "Không gửi được", "expired": "Hết hạn",
}

// SetConsent grants (with the channel's text, at position: 0 the default order) or
// withdraws the logged-in citizen's consent to a channel.
func (s *Service) SetConsent(ctx context.Context, p *auth.Principal, channel string, grant bool, position int) error {
	if p == nil || p.UserID == 0 {
		return ErrNotCitizen
	}
	text, ok := ConsentTexts[channel]
	if !ok {
		return ErrChannel
	}
	if position < 0 || position > len(DefaultOrder) {
		position = 0
	}
	return s.Store.SetNotifyConsent(ctx, p.UserID, Consent{Channel: channel, Position: position, Text: text}, grant)
}

// Consents lists the citizen's consents and push subscriptions.
func (s *Service) Consents(ctx context.Context, p *auth.Principal) ([]Consent, []Subscription, error) {
	if p == nil || p.UserID == 0 {
		return nil, nil, ErrNotCitizen
	}
	cs, err := s.Store.NotifyConsents(ctx, p.UserID)
	if err != nil {
		return nil, nil, err
	}
	subs, err := s.Store.PushSubscriptions(ctx, p.UserID)
	return cs, subs, err
}

// TemplateView is one kind × channel of a unit's templates.
type TemplateView struct {
	Kind, KindLabel, Channel, ChannelLabel string
	Body                                   string
	Custom                                 bool // the unit's own, not the default
	Segments                               int  // SMS parts the text takes (placeholders counted as written)
	UCS2                                   bool
}

// TemplateChannels are the channels whose wording a unit may change.
var TemplateChannels = []string{ChanPush, ChanZNS, ChanSMS}

// KindOrder is the kinds in the order pages list them.
var KindOrder = []string{KindReceipt, KindSubmitted, KindSupplement, KindApology, KindResult, KindRefused, KindFee, KindFeedbackAnswered, KindOTP, KindReply, KindAnnouncement}

// Templates lists a unit's templates, defaults where it has none.
func (s *Service) Templates(ctx context.Context, p *auth.Principal, unitID int64) ([]TemplateView, error) {
	if !p.Can(unitID, auth.RoleUnitAdmin, auth.RoleSystemAdmin) {
		return nil, ErrNotUnitAdmin
	}
	var out []TemplateView
	for _, k := range KindOrder {
		for _, ch := range TemplateChannels {
			body, err := s.Store.Template(ctx, unitID, k, ch)
			if err != nil {
				return nil, err
			}
			v := TemplateView{Kind: k, KindLabel: Kinds[k], Channel: ch, ChannelLabel: ChannelLabels[ch], Body: body, Custom: body != ""}
			if body == "" {
				v.Body = DefaultTemplate(k, ch)
			}
			v.Segments, v.UCS2 = SMSSegments(v.Body)
			out = append(out, v)
		}
	}
	return out, nil
}

// SaveTemplate checks and stores a unit's wording ("" : back to the default).
func (s *Service) SaveTemplate(ctx context.Context, p *auth.Principal, unitID int64, kind, channel, body string) (TemplateView, error) {
	if !p.Can(unitID, auth.RoleUnitAdmin, auth.RoleSystemAdmin) {
		return TemplateView{}, ErrNotUnitAdmin
	}
	body = strings.TrimSpace(body)
	if body != "" {
		if _, err := CheckTemplate(kind, channel, body); err != nil {
			return TemplateView{}, err
		}
	} else if _, err := CheckTemplate(kind, channel, "x"); err != nil {
		return TemplateView{}, err
	}
	if err := s.Store.SaveTemplate(ctx, unitID, kind, channel, body); err != nil {
		return TemplateView{}, err
	}
	v := TemplateView{Kind: kind, KindLabel: Kinds[kind], Channel: channel, ChannelLabel: ChannelLabels[channel], Body: body, Custom: body != ""}
	if body == "" {
		v.Body = DefaultTemplate(kind, channel)
	}
	v.Segments, v.UCS2 = SMSSegments(v.Body)
	return v, nil
}

// vapidName is the VAPID key's row.
const vapidName = "vapid"

// VAPID loads the server's VAPID key, making and storing it the first time (sealed when
// a Sealer is set). Two instances racing keep the first stored.
func (s *Service) VAPID(ctx context.Context) (VAPID, error) {
	for range 2 {
		_, priv, sealed, found, err := s.Store.NotifyKey(ctx, vapidName)
		if err != nil {
			return VAPID{}, err
		}
		if found {
			if sealed {
				if s.Sealer == nil {
					return VAPID{}, errors.New("notify: the VAPID key is sealed and no KEK is configured")
				}
				if priv, err = s.Sealer.Open(priv, []byte(vapidName)); err != nil {
					return VAPID{}, fmt.Errorf("notify: VAPID key: %w", err)
				}
			}
			k, err := ParseVAPIDKey(priv)
			if err != nil {
				return VAPID{}, err
			}
			return VAPID{Key: k, Subject: s.Subject}, nil
		}
		k, err := NewVAPIDKey()
		if err != nil {
			return VAPID{}, err
		}
		der, err := MarshalVAPIDKey(k)
		if err != nil {
			return VAPID{}, err
		}
		pub, err := k.PublicKey.ECDH()
		if err != nil {
			return VAPID{}, err
		}
		if s.Sealer != nil {
			if der, err = s.Sealer.Seal(der, []byte(vapidName)); err != nil {
				return VAPID{}, err
			}
		}
		if err := s.Store.CreateNotifyKey(ctx, vapidName, pub.Bytes(), der, s.Sealer != nil); err != nil {
			return VAPID{}, err
		}
	}
	return VAPID{}, errors.New("notify: VAPID key not stored")
}
