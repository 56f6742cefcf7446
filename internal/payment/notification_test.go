package payment

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// The worked example of docs/PAYMENTS.md: keep the two in step.
const (
	exampleSecret = "k7Qm2vX9pL4sT8wZ1cR6nY3bH5jD0fGa"
	exampleBody   = `{"transaction_id":"FT26183912345678","bank_bin":"970415","account":"113366668888","amount":50000,"description":"MBVCB.3278614178.Le phi XS260702000719H.CT tu 0011004123456 NGUYEN VAN A","transacted_at":"2026-07-02T09:14:05+07:00"}`
	exampleUnix   = 1782958470 // 2026-07-02T09:14:30+07:00
	exampleHeader = "t=1782958470,v1=" + exampleMAC
	exampleMAC    = "c403ce39c843380e9249d6460137872523ad08464937fdecf3a26931e8048572" // openssl dgst -sha256 -hmac agrees
)

var exampleTime = time.Unix(exampleUnix, 0)

func TestExampleSignature(t *testing.T) {
	if got := exampleTime.In(time.FixedZone("ICT", 7*3600)).Format(time.RFC3339); got != "2026-07-02T09:14:30+07:00" {
		t.Errorf("example time is %s", got)
	}
	got := SignNotification([]byte(exampleBody), []byte(exampleSecret), exampleTime)
	if got != exampleHeader {
		t.Errorf("SignNotification = %s\nwant (docs/PAYMENTS.md)  %s", got, exampleHeader)
	}
	n, err := VerifyNotification([]byte(exampleBody), got, []byte(exampleSecret), exampleTime.Add(2*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	want := Notification{TransactionID: "FT26183912345678", BankBIN: "970415", Account: "113366668888", Amount: 50000,
		Description:  "MBVCB.3278614178.Le phi XS260702000719H.CT tu 0011004123456 NGUYEN VAN A",
		TransactedAt: time.Date(2026, 7, 2, 2, 14, 5, 0, time.UTC)}
	if !reflect.DeepEqual(n, want) {
		t.Errorf("VerifyNotification =\n%+v\nwant\n%+v", n, want)
	}
}

var secret = []byte(exampleSecret)

// wantNotifErr checks that err is a *NotificationError of kind about field.
func wantNotifErr(t *testing.T, err error, kind *apperr.Error, field string) {
	t.Helper()
	var ne *NotificationError
	if !errors.As(err, &ne) {
		t.Fatalf("error = %v (%T), want *NotificationError %s on %s", err, err, kind.Code, field)
	}
	if !errors.Is(err, kind) || ne.Field != field {
		t.Errorf("error = %v, want %s on %q", err, kind.Code, field)
	}
}

func TestVerifySignature(t *testing.T) {
	body := []byte(exampleBody)
	sign := func(b []byte, at time.Time) string { return SignNotification(b, secret, at) }
	good := sign(body, exampleTime)
	for _, tc := range []struct {
		name   string
		body   []byte
		header string
		secret []byte
		now    time.Time
		kind   *apperr.Error
		field  string
	}{
		{"no header", body, "", secret, exampleTime, ErrSignatureMissing, "header"},
		{"forged: signed with another secret", body, SignNotification(body, []byte(strings.Repeat("x", 32)), exampleTime), secret, exampleTime, ErrSignatureInvalid, "header"},
		{"forged: body changed after signing", []byte(strings.Replace(exampleBody, "50000", "5000", 1)), good, secret, exampleTime, ErrSignatureInvalid, "header"},
		{"forged: time changed after signing", body, strings.Replace(good, "t=1782958470", "t=1782958471", 1), secret, exampleTime, ErrSignatureInvalid, "header"},
		{"stale: a replay six minutes later", body, good, secret, exampleTime.Add(6 * time.Minute), ErrStale, "header"},
		{"future: the sender's clock is ahead", body, good, secret, exampleTime.Add(-6 * time.Minute), ErrFuture, "header"},
		{"no secret configured", body, good, nil, exampleTime, ErrSecret, "secret"},
		{"short secret", body, good, []byte("short"), exampleTime, ErrSecret, "secret"},
		{"no t", body, "v1=" + strings.Repeat("0", 64), secret, exampleTime, ErrSignatureMalformed, "header"},
		{"no v1", body, "t=1782958470", secret, exampleTime, ErrSignatureMalformed, "header"},
		{"t twice", body, "t=1,t=2,v1=" + strings.Repeat("0", 64), secret, exampleTime, ErrSignatureMalformed, "header"},
		{"t not a number", body, "t=soon,v1=" + strings.Repeat("0", 64), secret, exampleTime, ErrSignatureMalformed, "header"},
		{"t negative", body, "t=-1,v1=" + strings.Repeat("0", 64), secret, exampleTime, ErrSignatureMalformed, "header"},
		{"v1 short", body, "t=1782958470,v1=abcd", secret, exampleTime, ErrSignatureMalformed, "header"},
		{"v1 not hex", body, "t=1782958470,v1=" + strings.Repeat("g", 64), secret, exampleTime, ErrSignatureMalformed, "header"},
		{"unknown key", body, good + ",v0=abc", secret, exampleTime, ErrSignatureMalformed, "header"},
		{"not key=value", body, good + ",junk", secret, exampleTime, ErrSignatureMalformed, "header"},
		{"too large", []byte(strings.Repeat(" ", MaxNotificationSize+1)), good, secret, exampleTime, ErrTooLarge, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyNotification(tc.body, tc.header, tc.secret, tc.now)
			wantNotifErr(t, err, tc.kind, tc.field)
		})
	}

	for _, tc := range []struct {
		name, header string
		now          time.Time
	}{
		{"at the edge of the past window", good, exampleTime.Add(NotificationTolerance)},
		{"at the edge of the future window", good, exampleTime.Add(-NotificationTolerance)},
		{"spaces after commas", strings.Replace(good, ",", ", ", 1), exampleTime},
		{"upper-case hex", strings.ToUpper(good[:0]) + "t=1782958470,v1=" + strings.ToUpper(good[len("t=1782958470,v1="):]), exampleTime},
		{"secret rotation: old and new", "t=1782958470,v1=" + strings.Repeat("ab", 32) + "," + good[len("t=1782958470,"):], exampleTime},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := VerifyNotification(body, tc.header, secret, tc.now); err != nil {
				t.Errorf("refused: %v", err)
			}
		})
	}
}

func TestDecodeNotification(t *testing.T) {
	base := map[string]string{
		"transaction_id": `"FT1"`, "bank_bin": `"970415"`, "account": `"113366668888"`, "amount": `50000`,
		"description": `"Le phi XS260702000719H"`, "transacted_at": `"2026-07-02T09:14:05+07:00"`,
	}
	order := []string{"transaction_id", "bank_bin", "account", "amount", "description", "transacted_at"}
	body := func(change map[string]string, extra string) string {
		var parts []string
		for _, k := range order {
			v, ok := change[k]
			if !ok {
				v = base[k]
			}
			if v == "-" {
				continue
			}
			parts = append(parts, fmt.Sprintf("%q:%s", k, v))
		}
		return "{" + strings.Join(parts, ",") + extra + "}"
	}
	for _, tc := range []struct {
		name, body, field string
	}{
		{"not JSON", `transaction_id=FT1`, "body"},
		{"an array", `[` + body(nil, "") + `]`, "body"},
		{"two objects", body(nil, "") + body(nil, ""), "body"},
		{"trailing garbage", body(nil, "") + `x`, "body"},
		{"unknown member", body(nil, `,"fee":0`), "fee"},
		{"member in another case", body(map[string]string{"amount": "-"}, `,"Amount":50000`), "Amount"},
		{"duplicate member", body(nil, `,"amount":1`), "amount"},
		{"missing amount", body(map[string]string{"amount": "-"}, ""), "amount"},
		{"missing transaction_id", body(map[string]string{"transaction_id": "-"}, ""), "transaction_id"},
		{"missing description", body(map[string]string{"description": "-"}, ""), "description"},
		{"amount as string", body(map[string]string{"amount": `"50000"`}, ""), "amount"},
		{"amount with a fraction", body(map[string]string{"amount": `50000.0`}, ""), "amount"},
		{"amount with an exponent", body(map[string]string{"amount": `5e4`}, ""), "amount"},
		{"amount negative", body(map[string]string{"amount": `-50000`}, ""), "amount"},
		{"amount zero", body(map[string]string{"amount": `0`}, ""), "amount"},
		{"amount of 14 digits", body(map[string]string{"amount": `10000000000000`}, ""), "amount"},
		{"amount null", body(map[string]string{"amount": `null`}, ""), "amount"},
		{"description null", body(map[string]string{"description": `null`}, ""), "description"},
		{"description of 501 characters", body(map[string]string{"description": `"` + strings.Repeat("ệ", 501) + `"`}, ""), "description"},
		{"description with a newline", body(map[string]string{"description": `"a\nb"`}, ""), "description"},
		{"description with a lone surrogate", body(map[string]string{"description": `"\ud800"`}, ""), "description"},
		{"bank_bin of 5", body(map[string]string{"bank_bin": `"97041"`}, ""), "bank_bin"},
		{"account with a space", body(map[string]string{"account": `"1133 6666"`}, ""), "account"},
		{"transaction id empty", body(map[string]string{"transaction_id": `""`}, ""), "transaction_id"},
		{"transaction id with a space", body(map[string]string{"transaction_id": `"FT 1"`}, ""), "transaction_id"},
		{"time without offset", body(map[string]string{"transacted_at": `"2026-07-02T09:14:05"`}, ""), "transacted_at"},
		{"time as a date", body(map[string]string{"transacted_at": `"2026-07-02"`}, ""), "transacted_at"},
		{"time in lower case", body(map[string]string{"transacted_at": `"2026-07-02t09:14:05z"`}, ""), "transacted_at"},
		{"time as unix seconds", body(map[string]string{"transacted_at": `1782958445`}, ""), "transacted_at"},
		{"transaction in the future", body(map[string]string{"transacted_at": `"2026-07-02T10:00:00+07:00"`}, ""), "transacted_at"},
		{"invalid UTF-8", strings.Replace(body(nil, ""), "Le phi", "Le \xff", 1), "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := VerifyNotification([]byte(tc.body), SignNotification([]byte(tc.body), secret, exampleTime), secret, exampleTime)
			kind := ErrBody
			if tc.field == "transacted_at" && strings.Contains(tc.name, "future") {
				kind = ErrFuture
			}
			wantNotifErr(t, err, kind, tc.field)
		})
	}
	t.Run("valid with members reordered and escaped", func(t *testing.T) {
		b := `{ "amount" : 50000, "description":"L\u1ec7 ph\u00ed XS260702000719H", "transacted_at":"2026-07-02T02:14:05.5Z",` +
			` "account":"113366668888","bank_bin":"970415","transaction_id":"FT:1/2-3_4.5" }`
		n, err := VerifyNotification([]byte(b), SignNotification([]byte(b), secret, exampleTime), secret, exampleTime)
		if err != nil {
			t.Fatal(err)
		}
		if n.Description != "Lệ phí XS260702000719H" || n.TransactionID != "FT:1/2-3_4.5" || n.TransactedAt.Nanosecond() != 5e8 {
			t.Errorf("decoded %+v", n)
		}
	})
}

// TestReplay: the same notification delivered twice records one payment; the second
// delivery is recognised by its key and changes nothing; a forged one is refused.
func TestReplay(t *testing.T) {
	r := req(StatePending, 0, 0)
	r.Reference = mustRef(t, code7, 1)
	// What storage keeps: the notifications by key, in the transaction that applies them.
	stored := map[string]Notification{}
	deliver := func(raw []byte, header string, at time.Time) error {
		n, err := VerifyNotification(raw, header, secret, at)
		if err != nil {
			return err
		}
		if earlier, ok := stored[n.Key()]; ok {
			return CheckReplay(earlier, n)
		}
		stored[n.Key()] = n
		res := Match(n, account, []Request{r})
		if !res.Outcome.Applies() {
			return fmt.Errorf("not applied: %s", res.Outcome)
		}
		_, err = r.Confirm(n.Payment(), at)
		return err
	}
	body := []byte(exampleBody)
	if err := deliver(body, SignNotification(body, secret, exampleTime), exampleTime); err != nil {
		t.Fatalf("first delivery: %v", err)
	}
	// The sender retries a minute later, signing again.
	later := exampleTime.Add(time.Minute)
	if err := deliver(body, SignNotification(body, secret, later), later); !errors.Is(err, ErrReplay) {
		t.Errorf("second delivery: %v, want ErrReplay", err)
	}
	// An attacker replays the first delivery as captured, after the window.
	if err := deliver(body, SignNotification(body, secret, exampleTime), exampleTime.Add(10*time.Minute)); !errors.Is(err, ErrStale) {
		t.Errorf("captured replay: %v, want ErrStale", err)
	}
	forged := []byte(strings.Replace(exampleBody, "FT26183912345678", "FT26183912345679", 1))
	if err := deliver(forged, SignNotification(forged, []byte(strings.Repeat("k", 32)), later), later); !errors.Is(err, ErrSignatureInvalid) {
		t.Errorf("forged delivery: %v, want ErrSignatureInvalid", err)
	}
	// Same transaction id, different content: refused.
	changed := []byte(strings.Replace(exampleBody, `"amount":50000`, `"amount":60000`, 1))
	if err := deliver(changed, SignNotification(changed, secret, later), later); !errors.Is(err, ErrTransactionReused) {
		t.Errorf("reused transaction id: %v, want ErrTransactionReused", err)
	}
	if r.Paid != 50000 || r.State != StatePaid || r.Flags.Any() {
		t.Errorf("after the deliveries: %+v", r)
	}
}

// FuzzVerifyNotification signs whatever body it is given and checks that the verifier
// never panics, refuses with a *NotificationError, and that what it accepts is a valid
// notification that survives being written back as JSON, signed and verified again.
func FuzzVerifyNotification(f *testing.F) {
	f.Add([]byte(exampleBody), int64(0))
	f.Add([]byte(`{"transaction_id":"a","bank_bin":"000000","account":"0","amount":1,"description":"","transacted_at":"2000-01-01T00:00:00Z"}`), int64(-299))
	f.Add([]byte(`{"amount":1e3}`), int64(301))
	f.Add([]byte(`{"transaction_id":"a","transaction_id":"b"}`), int64(0))
	f.Add([]byte(`{"description":"\ud800\udc00"}`), int64(0))
	f.Add([]byte(`null`), int64(0))
	f.Fuzz(func(t *testing.T, body []byte, skew int64) {
		at := exampleTime.Add(time.Duration(skew%1000) * time.Second)
		n, err := VerifyNotification(body, SignNotification(body, secret, at), secret, exampleTime)
		if err != nil {
			var ne *NotificationError
			if !errors.As(err, &ne) || apperr.From(err).Code == "internal" {
				t.Fatalf("error %v (%T) is not a NotificationError", err, err)
			}
			return
		}
		if skew%1000 > 300 || skew%1000 < -300 {
			t.Fatalf("accepted a signature %ds away", skew%1000)
		}
		if n.Amount <= 0 || n.Amount > maxAmount || n.TransactionID == "" || len(n.BankBIN) != 6 || n.Account == "" ||
			n.TransactedAt.IsZero() || n.TransactedAt.Location() != time.UTC {
			t.Fatalf("accepted an invalid notification %+v", n)
		}
		again, err := json.Marshal(n)
		if err != nil {
			t.Fatal(err)
		}
		m, err := VerifyNotification(again, SignNotification(again, secret, exampleTime), secret, exampleTime)
		if err != nil {
			t.Fatalf("%s written back as %s is refused: %v", body, again, err)
		}
		if !reflect.DeepEqual(m, n) {
			t.Fatalf("round trip: %+v != %+v", m, n)
		}
		if CheckReplay(n, m) != ErrReplay {
			t.Fatal("a notification is not a replay of itself")
		}
	})
}

// FuzzSignatureHeader checks that no header but one carrying the true MAC of the body
// is accepted, whatever it looks like.
func FuzzSignatureHeader(f *testing.F) {
	good := SignNotification([]byte(exampleBody), secret, exampleTime)
	f.Add(good)
	f.Add("t=1782958470,v1=" + strings.Repeat("0", 64))
	f.Add("t=1782958470,v1=" + strings.Repeat("0", 64) + "," + good[len("t=1782958470,"):])
	f.Add("t=01782958470," + good[len("t=1782958470,"):])
	f.Add("t=,v1=")
	f.Add(" , ,=,")
	f.Fuzz(func(t *testing.T, header string) {
		_, err := VerifyNotification([]byte(exampleBody), header, secret, exampleTime)
		if err != nil {
			var ne *NotificationError
			if !errors.As(err, &ne) {
				t.Fatalf("error %v (%T) is not a NotificationError", err, err)
			}
			return
		}
		ts, sigs, perr := parseSignature(header)
		if perr != nil {
			t.Fatalf("accepted %q that does not parse: %v", header, perr)
		}
		want := mac(secret, ts, []byte(exampleBody))
		found := false
		for _, s := range sigs {
			found = found || string(s) == string(want)
		}
		if !found {
			t.Fatalf("accepted %q without the body's MAC", header)
		}
	})
}
