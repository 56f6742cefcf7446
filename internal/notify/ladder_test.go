package notify_test

import (
	"bytes"
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/notify/notifytest"
	"github.com/xaso-vn/xaso/internal/store"
)

var b64 = base64.RawURLEncoding

func mustB64(t *testing.T, s string) []byte {
	t.Helper()
	b, err := b64.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEncryptRFC8291Vector: the RFC's Appendix A keys and salt give its bytes.
func TestEncryptRFC8291Vector(t *testing.T) {
	as, err := ecdh.P256().NewPrivateKey(mustB64(t, "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"))
	if err != nil {
		t.Fatal(err)
	}
	got, err := notify.EncryptWith([]byte("When I grow up, I want to be a watermelon"),
		mustB64(t, "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"),
		mustB64(t, "BTBZMqHH6r4Tts7J_aSIgg"), as, mustB64(t, "DGv6ra1nlYgDCS1FRnbzlw"))
	if err != nil {
		t.Fatal(err)
	}
	want := mustB64(t, "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN")
	if !bytes.Equal(got, want) {
		t.Fatalf("encrypt:\n got %x\nwant %x", got, want)
	}
	ua, _ := ecdh.P256().NewPrivateKey(mustB64(t, "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"))
	plain, err := notifytest.Decrypt(got, ua, mustB64(t, "BTBZMqHH6r4Tts7J_aSIgg"))
	if err != nil || string(plain) != "When I grow up, I want to be a watermelon" {
		t.Fatalf("decrypt: %q %v", plain, err)
	}
}

// rig is a store, the three fakes on loopback, and a worker on an injected clock.
type rig struct {
	st     *store.Store
	unitID int64
	now    time.Time
	mu     sync.Mutex
	sms    *notify.FakeSMS
	zns    *notify.FakeZNS
	push   *notify.FakePush
	pushSv *httptest.Server
	mail   *flaky
	w      *notify.Worker
}

func (r *rig) clock() time.Time        { r.mu.Lock(); defer r.mu.Unlock(); return r.now }
func (r *rig) advance(d time.Duration) { r.mu.Lock(); r.now = r.now.Add(d); r.mu.Unlock() }

func newRig(t *testing.T) *rig {
	st, unitID := newStore(t)
	r := &rig{st: st, unitID: unitID, now: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC), sms: &notify.FakeSMS{Token: "t"}, zns: &notify.FakeZNS{}, mail: &flaky{}}
	st.SetClock(r.clock)
	smsSv := httptest.NewServer(r.sms)
	znsSv := httptest.NewServer(r.zns)
	r.push = &notify.FakePush{Now: r.clock}
	r.pushSv = httptest.NewServer(r.push)
	r.push.Origin = r.pushSv.URL
	t.Cleanup(func() { smsSv.Close(); znsSv.Close(); r.pushSv.Close() })
	key, err := notify.NewVAPIDKey()
	if err != nil {
		t.Fatal(err)
	}
	r.w = &notify.Worker{Store: st, Sender: r.mail, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: r.clock,
		Gateways: map[string]notify.Gateway{
			notify.ChanSMS:  notify.SMSGateway{URL: smsSv.URL, Token: "t", BrandName: "UBND XA"},
			notify.ChanZNS:  notify.ZNSGateway{URL: znsSv.URL, Token: "z"},
			notify.ChanPush: notify.PushGateway{VAPID: notify.VAPID{Key: key, Subject: "mailto:motcua@example.vn"}, Now: r.clock},
		}}
	return r
}

func (r *rig) citizen(t *testing.T, name string, channels ...string) int64 {
	t.Helper()
	ctx := context.Background()
	id, err := r.st.CreateUser(ctx, auth.User{Username: name, FullName: name}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, ch := range channels {
		if err := r.st.SetNotifyConsent(ctx, id, notify.Consent{Channel: ch, Position: i + 1, Text: "Tôi đồng ý nhận thông báo qua " + ch}, true); err != nil {
			t.Fatal(err)
		}
	}
	return id
}

// run delivers every minute for d of simulated time.
func (r *rig) run(t *testing.T, d time.Duration) {
	t.Helper()
	for end := r.clock().Add(d); r.clock().Before(end); r.advance(time.Minute) {
		if _, err := r.w.Deliver(context.Background()); err != nil {
			t.Fatal(err)
		}
	}
}

func attemptsOf(t *testing.T, st *store.Store, ref string) []store.Attempt {
	t.Helper()
	as, err := st.AttemptsFor(context.Background(), ref)
	if err != nil {
		t.Fatal(err)
	}
	return as
}

// TestLadderSMSDownZNSRefusing: the SMS gateway down for ten minutes and ZNS refusing;
// every owed message is accepted exactly once per citizen, by the next channel where
// the first failed, and a push reaches the subscribed browser (decrypted here).
func TestLadderSMSDownZNSRefusing(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.sms.SetDown(true)
	r.zns.SetRefuse(true)
	zalo := r.citizen(t, "zalo", notify.ChanZNS, notify.ChanSMS, notify.ChanEmail)
	pushed := r.citizen(t, "pushed", notify.ChanPush, notify.ChanSMS)
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	secret := make([]byte, 16)
	rand.Read(secret)
	if _, err := r.st.SavePushSubscription(ctx, notify.Subscription{UserID: pushed, Endpoint: r.pushSv.URL + "/push/b1",
		P256dh: b64.EncodeToString(ua.PublicKey().Bytes()), Auth: b64.EncodeToString(secret)}); err != nil {
		t.Fatal(err)
	}
	msgs := []notify.Message{
		{UserID: zalo, Phone: "+84912000001", Email: "zalo@example.vn", Ref: "A-1"},
		{UserID: pushed, Phone: "+84912000002", Ref: "B-1"},
		{Phone: "+84912000003", Email: "walkin@example.vn", Ref: "C-1"}, // walk-in: SMS, then e-mail
		{Phone: "+84912000004", Ref: "D-1"},                             // walk-in, phone only
	}
	for _, m := range msgs {
		m.UnitID, m.Kind, m.Subject, m.Body = r.unitID, notify.KindResult, "Hồ sơ "+m.Ref+" đã có kết quả", "Thư"
		m.Data, m.DedupKey = map[string]string{"ma_ho_so": m.Ref}, "dossier:"+m.Ref+":approve:1"
		if err := r.st.Enqueue(ctx, m); err != nil {
			t.Fatal(err)
		}
		if err := r.st.Enqueue(ctx, m); err != nil { // the replay: no second message
			t.Fatal(err)
		}
	}
	down := r.clock().Add(10 * time.Minute)
	for r.clock().Before(down.Add(30 * time.Minute)) {
		if !r.clock().Before(down) {
			r.sms.SetDown(false)
		}
		r.run(t, time.Minute)
	}
	counts, _ := r.st.OutboxCounts(ctx)
	if counts["sent"] != 4 || counts["pending"] != 0 || counts["failed"] != 0 {
		t.Fatalf("outbox %v", counts)
	}
	for _, m := range msgs {
		accepted := 0
		var channels []string
		for _, a := range attemptsOf(t, r.st, m.Ref) {
			channels = append(channels, a.Channel+":"+a.Status)
			if a.Status == "accepted" {
				accepted++
			}
			if a.Channel == notify.ChanZNS && a.Status != "failed" {
				t.Errorf("%s: ZNS %s", m.Ref, a.Status)
			}
		}
		if accepted != 1 {
			t.Errorf("%s: accepted %d times: %v", m.Ref, accepted, channels)
		}
	}
	// B-1 went by push, at once; the rest fell past ZNS to SMS (up again) or e-mail.
	got := r.push.Pushes("b1")
	if len(got) != 1 {
		t.Fatalf("pushes %d", len(got))
	}
	plain, err := notifytest.Decrypt(got[0], ua, secret)
	if err != nil {
		t.Fatal(err)
	}
	var p notify.PushPayload
	if err := json.Unmarshal(plain, &p); err != nil || !strings.Contains(p.Body, "B-1") {
		t.Fatalf("push %s %v", plain, err)
	}
	smsTo := map[string]int{}
	for _, s := range r.sms.Sent() {
		smsTo[s.To]++
	}
	delivered := len(r.mail.sent) + len(r.sms.Sent()) + len(got) + len(r.zns.Sent())
	if delivered != 4 {
		t.Fatalf("delivered %d times (mail %d, sms %v)", delivered, len(r.mail.sent), smsTo)
	}
	for to, n := range smsTo {
		if n != 1 {
			t.Errorf("%s: %d SMS", to, n)
		}
	}
}

// TestKilledDuringDelivery: a worker dies after the gateway took the SMS and before it
// recorded it; after the lease the message is tried again under the same idempotency
// key, and the gateway (which dedupes) keeps one SMS. Nothing is lost.
func TestKilledDuringDelivery(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	if err := r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, Phone: "+84912000005", Kind: notify.KindReceipt, Ref: "K-1",
		Data: map[string]string{"ma_ho_so": "K-1"}}); err != nil {
		t.Fatal(err)
	}
	ps, err := r.st.ClaimOutbox(ctx, r.clock(), 2*time.Minute, 10)
	if err != nil || len(ps) != 1 {
		t.Fatalf("claim %v %v", ps, err)
	}
	attempt, err := r.st.OpenAttempt(ctx, ps[0].ID, notify.ChanSMS, r.clock())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := r.w.Gateways[notify.ChanSMS].Send(ctx, notify.Delivery{AttemptID: attempt, Route: notify.Route{Channel: notify.ChanSMS, Address: "+84912000005"}, Text: "x"}); err != nil {
		t.Fatal(err)
	}
	// …killed here. Within the lease nobody sends it again.
	if n, _ := r.w.Deliver(ctx); n != 0 {
		t.Fatal("sent within the lease")
	}
	r.advance(3 * time.Minute)
	if n, err := r.w.Deliver(ctx); n != 1 || err != nil {
		t.Fatalf("after the lease: %d %v", n, err)
	}
	if s := r.sms.Sent(); len(s) != 1 {
		t.Fatalf("SMS %d", len(s))
	}
	as := attemptsOf(t, r.st, "K-1")
	if len(as) != 1 || as[0].Status != "accepted" {
		t.Fatalf("attempts %+v", as)
	}
}

// TestReceipts: a delivered receipt marks the attempt; a failed one after acceptance
// puts the message on the next channel (e-mail).
func TestReceipts(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, Phone: "+84912000006", Email: "r@example.vn", Kind: notify.KindResult, Ref: "R-1", Subject: "s", Body: "b"})
	r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, Phone: "+84912000007", Email: "q@example.vn", Kind: notify.KindResult, Ref: "R-2", Subject: "s", Body: "b"})
	r.run(t, time.Minute)
	sent := r.sms.Sent()
	if len(sent) != 2 {
		t.Fatalf("sms %v", sent)
	}
	ok, err := r.st.Receipt(ctx, notify.ChanSMS, sent[0].ID, "delivered", "", r.clock())
	if !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := r.st.Receipt(ctx, notify.ChanSMS, sent[1].ID, "failed", "unreachable", r.clock()); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, _ := r.st.Receipt(ctx, notify.ChanSMS, "sms-999", "failed", "", r.clock()); ok {
		t.Fatal("unknown id found")
	}
	r.run(t, time.Minute)
	if len(r.mail.sent) != 1 || r.mail.sent[0].To != "q@example.vn" {
		t.Fatalf("mail %+v", r.mail.sent)
	}
	if a := attemptsOf(t, r.st, "R-1"); len(a) != 1 || a[0].Status != "delivered" {
		t.Fatalf("R-1 %+v", a)
	}
	if a := attemptsOf(t, r.st, "R-2"); len(a) != 2 || a[0].Channel != "email" || a[0].Status != "accepted" || a[1].Status != "failed" {
		t.Fatalf("R-2 %+v", a)
	}
}

// TestOTPExpires: a one-time code not sent within its life expires, its body blanked.
func TestOTPExpires(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.sms.SetDown(true)
	r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, To: "tel:+84912000008", Kind: notify.KindOTP, Ref: "otp:1", Body: "Mã 123456",
		Data: map[string]string{"ma_otp": "123456"}, ExpiresAt: r.clock().Add(notify.OTPLifetime)})
	r.run(t, 15*time.Minute)
	counts, _ := r.st.OutboxCounts(ctx)
	if counts["expired"] != 1 {
		t.Fatalf("outbox %v", counts)
	}
	if len(r.sms.Sent()) != 0 {
		t.Fatal("sent")
	}
	for _, a := range attemptsOf(t, r.st, "otp:1") {
		if a.Status == "accepted" || a.Status == "sending" {
			t.Fatalf("attempt %+v", a)
		}
	}
	if n, err := r.st.OutboxBodiesLike(ctx, "123456"); err != nil || n != 0 {
		t.Fatalf("the code is still stored: %d %v", n, err)
	}
}

// TestGatewayHangingOr500: an SMS gateway that hangs (the call's timeout ends it) or
// answers 500 is retried on its policy, then the message falls to e-mail; nothing lost.
func TestGatewayHangingOr500(t *testing.T) {
	ctx := context.Background()
	for _, name := range []string{"hang", "500"} {
		t.Run(name, func(t *testing.T) {
			r := newRig(t)
			release := make(chan struct{})
			sv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
				if name == "500" {
					http.Error(w, "boom", 500)
					return
				}
				select {
				case <-req.Context().Done():
				case <-release:
				}
			}))
			t.Cleanup(func() { close(release); sv.Close() })
			r.w.Gateways[notify.ChanSMS] = notify.SMSGateway{URL: sv.URL}
			r.w.Timeout = 50 * time.Millisecond
			r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, Phone: "+84912000013", Email: "h@example.vn", Kind: notify.KindResult, Ref: "G-1", Subject: "s", Body: "b"})
			r.run(t, 15*time.Minute)
			if len(r.mail.sent) != 1 {
				t.Fatalf("mail %d", len(r.mail.sent))
			}
			var sms int
			for _, a := range attemptsOf(t, r.st, "G-1") {
				if a.Channel == notify.ChanSMS {
					sms++
					if a.Status != "failed" {
						t.Errorf("sms attempt %+v", a)
					}
				}
			}
			if sms != notify.Policies[notify.ChanSMS].Tries {
				t.Fatalf("sms tries %d", sms)
			}
		})
	}
}

// TestOTPBlankedOnceSent: a one-time code's body is not kept once it was sent; its
// expiry defaults to ten minutes.
func TestOTPBlankedOnceSent(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, To: "tel:+84912000014", Kind: notify.KindOTP, Ref: "otp:2", Body: "Ma xac thuc 246810"})
	r.run(t, time.Minute)
	if s := r.sms.Sent(); len(s) != 1 || !strings.Contains(s[0].Text, "246810") {
		t.Fatalf("sms %+v", s)
	}
	if n, err := r.st.OutboxBodiesLike(ctx, "246810"); err != nil || n != 0 {
		t.Fatalf("the code is still stored: %d %v", n, err)
	}
	r.sms.SetDown(true)
	r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, To: "tel:+84912000014", Kind: notify.KindOTP, Ref: "otp:3", Body: "Ma xac thuc 135790"})
	r.run(t, 11*time.Minute)
	if counts, _ := r.st.OutboxCounts(ctx); counts["expired"]+counts["failed"] != 1 {
		t.Fatalf("outbox %v", counts)
	}
	if n, _ := r.st.OutboxBodiesLike(ctx, "135790"); n != 0 {
		t.Fatal("an undelivered code is still stored")
	}
}

// TestZNSFakeReceipts: the ZNS fake, given a callback, posts Zalo's signed delivery
// receipt of each message it took, and the receipts webhook marks the attempt delivered.
func TestZNSFakeReceipts(t *testing.T) {
	ctx := context.Background()
	r := newRig(t)
	secret := []byte("zalo-webhook-secret")
	svc := &notify.Service{Store: r.st, Secrets: map[string][]byte{"zalo": secret}}
	recorded := make(chan bool, 1)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(io.LimitReader(req.Body, notify.MaxWebhook+1))
		found, err := svc.Receipt(req.Context(), "zalo", body, req.Header.Get(notify.SignatureHeader))
		if err != nil || !found {
			http.Error(w, "not recorded", http.StatusConflict)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"outcome":"recorded"}`))
		recorded <- true
	}))
	t.Cleanup(hook.Close)
	r.zns.Callback, r.zns.Secret = hook.URL, secret
	r.st.Enqueue(ctx, notify.Message{UnitID: r.unitID, To: notify.ZaloScheme + "+84912000008", Kind: notify.KindReply, Ref: "Z-1",
		Subject: "s", Body: "b", Data: map[string]string{"ma_ho_so": "Z-1", "trang_thai": "Đang giải quyết"}})
	r.run(t, time.Minute)
	if len(r.zns.Sent()) != 1 {
		t.Fatalf("zns %v", r.zns.Sent())
	}
	<-recorded
	if a := attemptsOf(t, r.st, "Z-1"); len(a) != 1 || a[0].Channel != notify.ChanZNS || a[0].Status != "delivered" {
		t.Fatalf("Z-1 %+v", a)
	}
}
