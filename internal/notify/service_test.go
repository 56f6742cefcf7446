package notify_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/ratelimit"
)

func TestE164(t *testing.T) {
	for in, want := range map[string]string{
		"0912345678": "+84912345678", "+84 912 345 678": "+84912345678", "84912345678": "+84912345678", "091.234.5678": "+84912345678",
		"02293123456": "+842293123456", "+1 415 555 0100": "", "12345": "", "0012345678": "", "09123456789012": "", "091234567a": "", "": "",
	} {
		if got := notify.E164(in); got != want {
			t.Errorf("E164(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestTemplateChecks(t *testing.T) {
	if _, err := notify.CheckTemplate(notify.KindResult, notify.ChanSMS, "Ho so {{ma_ho_so}} {{ho_ten_cha}}"); !errors.Is(err, notify.ErrPlaceholder) {
		t.Errorf("unknown placeholder: %v", err)
	}
	if _, err := notify.CheckTemplate(notify.KindResult, notify.ChanSMS, "Ho so {{ma_ho_so"); !errors.Is(err, notify.ErrPlaceholder) {
		t.Errorf("unclosed placeholder: %v", err)
	}
	if _, err := notify.CheckTemplate(notify.KindResult, notify.ChanZNS, strings.Repeat("á", 401)); !errors.Is(err, notify.ErrZNSTooLong) {
		t.Errorf("ZNS 401 characters: %v", err)
	}
	if _, err := notify.CheckTemplate(notify.KindResult, notify.ChanZNS, strings.Repeat("á", 400)); err != nil {
		t.Errorf("ZNS 400 characters: %v", err)
	}
	if _, err := notify.CheckTemplate("nope", notify.ChanSMS, "x"); !errors.Is(err, notify.ErrTemplateKind) {
		t.Errorf("unknown kind: %v", err)
	}
	if _, err := notify.CheckTemplate(notify.KindResult, notify.ChanSMS, "  "); !errors.Is(err, notify.ErrTemplateEmpty) {
		t.Errorf("empty: %v", err)
	}
	for _, c := range []struct {
		text string
		n    int
		ucs2 bool
	}{
		{strings.Repeat("a", 160), 1, false}, {strings.Repeat("a", 161), 2, false}, {strings.Repeat("a", 306), 2, false},
		{strings.Repeat("a", 307), 3, false}, {strings.Repeat("[", 80), 1, false}, {strings.Repeat("[", 81), 2, false},
		{strings.Repeat("ệ", 70), 1, true}, {strings.Repeat("ệ", 71), 2, true}, {strings.Repeat("ệ", 134), 2, true}, {strings.Repeat("ệ", 135), 3, true},
	} {
		if n, u := notify.SMSSegments(c.text); n != c.n || u != c.ucs2 {
			t.Errorf("SMSSegments(%d × %q) = %d %v, want %d %v", len([]rune(c.text)), []rune(c.text)[0], n, u, c.n, c.ucs2)
		}
	}
	if got := notify.StripMarks("Đơn đề nghị cấp bản sao trích lục khai tử — Ủy ban xã Yên Từ"); got != "Don de nghi cap ban sao trich luc khai tu — Uy ban xa Yen Tu" {
		t.Errorf("StripMarks: %q", got)
	}
	if n, u := notify.SMSSegments(notify.StripMarks("Hồ sơ đã có kết quả")); n != 1 || u {
		t.Errorf("stripped text is not GSM-7: %d %v", n, u)
	}
	if got := notify.Render("Hồ sơ {{ma_ho_so}}, hẹn {{ ngay_hen }}{{khong_co}}.", map[string]string{"ma_ho_so": "H45-1", "ngay_hen": "02/03"}); got != "Hồ sơ H45-1, hẹn 02/03." {
		t.Errorf("Render: %q", got)
	}
}

func TestParseAsk(t *testing.T) {
	for in, want := range map[string][2]string{
		"HS 000.31.37.H45-260302-0001 abc123":     {"000.31.37.H45-260302-0001", "ABC123"},
		"hs:000.31.37.H45-260302-0001, ABC123":    {"000.31.37.H45-260302-0001", "ABC123"},
		"Hồ sơ 000.31.37.h45-260302-0001  abc123": {"000.31.37.H45-260302-0001", "ABC123"},
		"  000.31.37.H45-260302-0001 ABC123 ":     {"000.31.37.H45-260302-0001", "ABC123"},
		"HOSO H45-260302-0001 X":                  {"H45-260302-0001", "X"},
	} {
		code, secret, ok := notify.ParseAsk(in)
		if !ok || code != want[0] || secret != want[1] {
			t.Errorf("ParseAsk(%q) = %q %q %v", in, code, secret, ok)
		}
	}
	for _, in := range []string{"", "xin chào", "HS 000.31.37.H45-260302-0001", "HS a b c", "HS abc def", strings.Repeat("HS ", 1000)} {
		if _, _, ok := notify.ParseAsk(in); ok {
			t.Errorf("ParseAsk(%q) ok", in)
		}
	}
}

func FuzzParseAsk(f *testing.F) {
	for _, s := range []string{"HS 000.31.37.H45-260302-0001 ABC123", "hồ sơ a-b c", "", strings.Repeat("Đ", 5000), "HS \x00-\xff x", strings.Repeat("- ", 3000)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, secret, ok := notify.ParseAsk(s)
		if ok && (len(code) > 64 || len(secret) > 64 || !strings.Contains(code, "-")) {
			t.Fatalf("%q %q", code, secret)
		}
	})
}

func FuzzParseWebhooks(f *testing.F) {
	for _, s := range []string{`{"id":"sms-1","status":"delivered"}`, `{"id":"1","from":"0912345678","text":"HS a-b c"}`,
		`{"id":"` + strings.Repeat("9", 5000) + `"}`, strings.Repeat("[", 5000), `{"id":"x","status":"failed","error":"` + strings.Repeat("ế", 400) + `"}`,
		`{"id":1e999999}`, "\xff\xfe"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if n, err := notify.ParseReceipt(raw); err == nil && (len(raw) > notify.MaxWebhook || len(n.Error) > 500 || n.ID == "") {
			t.Fatalf("accepted %q", raw)
		}
		if in, err := notify.ParseInbound(raw); err == nil && (in.From != notify.E164(in.From) || len(in.Text) > notify.MaxInboundText) {
			t.Fatalf("accepted %q", raw)
		}
	})
}

// TestWebhooks: receipts and questions must carry the gateway's HMAC; a question gets
// its answer by the same channel, once per gateway message, and a wrong secret the
// same "not found" as an unknown dossier.
func TestWebhooks(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	secret := []byte("bí mật của cổng SMS")
	svc := &notify.Service{Store: r.st, Secrets: map[string][]byte{"sms": secret}, HomeUnitID: r.unitID, Now: r.clock,
		Senders: ratelimit.New(2, 1).WithClock(r.clock),
		Lookup: func(_ context.Context, code, sec string) (notify.Answer, error) {
			if code == "H45-260302-0001" && sec == "ABC123" {
				return notify.Answer{Found: true, UnitID: r.unitID, Status: "Đang giải quyết", DueDate: "05/03/2026"}, nil
			}
			return notify.Answer{}, nil
		}}
	post := func(gateway, body string) error {
		return svc.Inbound(ctx, gateway, []byte(body), notify.Sign(secret, []byte(body)))
	}
	if err := svc.Inbound(ctx, "sms", []byte(`{"id":"m1","from":"0912000009","text":"HS H45-260302-0001 abc123"}`), "00"); !errors.Is(err, notify.ErrWebhookSignature) {
		t.Fatalf("unsigned: %v", err)
	}
	if err := post("viber", `{}`); !errors.Is(err, notify.ErrWebhookGateway) {
		t.Fatalf("unknown gateway: %v", err)
	}
	if err := post("sms", `{"id":"m1","from":"+1 415 555 0100","text":"HS"}`); !errors.Is(err, notify.ErrWebhookBody) {
		t.Fatalf("foreign sender: %v", err)
	}
	if err := post("sms", `{"id":"m1","from":"0912000009","text":"HS H45-260302-0001 abc123"}`); err != nil {
		t.Fatal(err)
	}
	if err := post("sms", `{"id":"m1","from":"0912000009","text":"HS H45-260302-0001 abc123"}`); err != nil { // the gateway's replay
		t.Fatal(err)
	}
	if err := post("sms", `{"id":"m2","from":"0912000010","text":"HS H45-260302-0001 WRONG"}`); err != nil {
		t.Fatal(err)
	}
	if err := post("sms", `{"id":"m3","from":"0912000011","text":"HS H45-260302-9999 ABC123"}`); err != nil {
		t.Fatal(err)
	}
	r.run(t, time.Minute)
	sent := r.sms.Sent()
	if len(sent) != 3 {
		t.Fatalf("replies %+v", sent)
	}
	if !strings.Contains(sent[0].Text, "Đang giải quyết") || !strings.Contains(sent[0].Text, "05/03/2026") || sent[0].To != "+84912000009" {
		t.Errorf("answer %+v", sent[0])
	}
	if sent[1].Text != sent[2].Text || strings.Contains(sent[1].Text, "giải quyết") {
		t.Errorf("a wrong secret answers otherwise than an unknown dossier: %q / %q", sent[1].Text, sent[2].Text)
	}
	// Rate limit per sender: two, then refused.
	post("sms", `{"id":"m4","from":"0912000012","text":"x"}`)
	post("sms", `{"id":"m5","from":"0912000012","text":"x"}`)
	if err := post("sms", `{"id":"m6","from":"0912000012","text":"x"}`); !errors.Is(err, notify.ErrInboundLimit) {
		t.Fatalf("flood: %v", err)
	}

	// A receipt with a bad signature changes nothing; a good one marks the attempt.
	body, sig := notify.ReceiptBody(secret, sent[0].ID, "delivered")
	if _, err := svc.Receipt(ctx, "sms", body, "ab"+sig[2:]); !errors.Is(err, notify.ErrWebhookSignature) {
		t.Fatalf("forged receipt: %v", err)
	}
	if found, err := svc.Receipt(ctx, "sms", body, sig); err != nil || !found {
		t.Fatalf("receipt: %v %v", found, err)
	}
	big := make([]byte, notify.MaxWebhook+1)
	if _, err := svc.Receipt(ctx, "sms", big, notify.Sign(secret, big)); !errors.Is(err, notify.ErrWebhookTooLarge) {
		t.Fatalf("bomb: %v", err)
	}
	if a := attemptsOf(t, r.st, "inbound:sms"); len(a) != 3 || a[len(a)-1].Status != "delivered" {
		t.Fatalf("attempts %+v", a)
	}
}

func TestPushSubscriptions(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	svc := &notify.Service{Store: r.st, PushBases: []string{r.pushSv.URL}, Now: r.clock}
	an, binh := r.citizen(t, "an"), r.citizen(t, "binh")
	pa, pb := &auth.Principal{UserID: an}, &auth.Principal{UserID: binh}
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	sec := make([]byte, 16)
	rand.Read(sec)
	in := notify.SubscriptionJSON{Endpoint: "https://fcm.googleapis.com/fcm/send/abc"}
	in.Keys.P256dh, in.Keys.Auth = b64.EncodeToString(ua.PublicKey().Bytes()), b64.EncodeToString(sec)
	if _, err := svc.Subscribe(ctx, pa, in); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, pa, in); err != nil { // the same browser again
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, pb, in); !errors.Is(err, notify.ErrSubscriptionTaken) {
		t.Fatalf("another user's endpoint: %v", err)
	}
	if err := svc.Unsubscribe(ctx, pb, in.Endpoint); !errors.Is(err, notify.ErrNoSubscription) {
		t.Fatalf("another user's unsubscribe: %v", err)
	}
	if err := svc.Unsubscribe(ctx, pa, in.Endpoint); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Subscribe(ctx, pb, in); err != nil {
		t.Fatalf("re-bound after its owner let go: %v", err)
	}
	for _, bad := range []func(*notify.SubscriptionJSON){
		func(s *notify.SubscriptionJSON) { s.Endpoint = "http://push.example.vn/x" },
		func(s *notify.SubscriptionJSON) { s.Endpoint = "https://u:p@push.example.vn/x" },
		func(s *notify.SubscriptionJSON) { s.Endpoint = "https://push.example.vn/" + strings.Repeat("x", 1000) },
		func(s *notify.SubscriptionJSON) { s.Keys.P256dh = b64.EncodeToString(make([]byte, 65)) },
		func(s *notify.SubscriptionJSON) { s.Keys.Auth = "AAAA" },
	} {
		s := in
		s.Endpoint = "https://push.example.vn/new"
		bad(&s)
		if _, err := svc.Subscribe(ctx, pa, s); apperr.From(err).Kind != apperr.Invalid {
			t.Errorf("%+v accepted: %v", s, err)
		}
	}
	fake := in
	fake.Endpoint = r.pushSv.URL + "/push/x"
	if _, err := svc.Subscribe(ctx, pa, fake); err != nil {
		t.Fatalf("the configured fake's endpoint: %v", err)
	}
	if _, err := svc.Subscribe(ctx, nil, fake); !errors.Is(err, notify.ErrNotCitizen) {
		t.Fatal(err)
	}
}

// TestVAPIDKeyMadeOnce: the key is made and stored once, sealed under a KEK when there
// is one; every later load answers the same public key.
func TestVAPIDKeyMadeOnce(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	svc := &notify.Service{Store: r.st, Subject: "mailto:a@example.vn", Sealer: xorSealer{}}
	v1, err := svc.VAPID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	v2, err := svc.VAPID(ctx)
	if err != nil || v2.PublicKey() != v1.PublicKey() || len(v1.PublicKey()) != 87 {
		t.Fatalf("%v %q %q", err, v1.PublicKey(), v2.PublicKey())
	}
	if _, err := (&notify.Service{Store: r.st}).VAPID(ctx); err == nil {
		t.Fatal("a sealed key opened without the KEK")
	}
	auth, err := v1.Authorization("https://fcm.googleapis.com/fcm/send/x", r.clock())
	if err != nil {
		t.Fatal(err)
	}
	if err := notify.VerifyVAPID(auth, "https://fcm.googleapis.com", r.clock()); err != nil {
		t.Fatal(err)
	}
	if err := notify.VerifyVAPID(auth, "https://updates.push.services.mozilla.com", r.clock()); err == nil {
		t.Fatal("another audience accepted")
	}
	if err := notify.VerifyVAPID(auth, "https://fcm.googleapis.com", r.clock().Add(13*time.Hour)); err == nil {
		t.Fatal("an expired JWT accepted")
	}
}

type xorSealer struct{}

func (xorSealer) Seal(p, _ []byte) ([]byte, error) {
	out := make([]byte, len(p))
	for i, b := range p {
		out[i] = b ^ 0x5a
	}
	return out, nil
}
func (x xorSealer) Open(s, aad []byte) ([]byte, error) { return x.Seal(s, aad) }
