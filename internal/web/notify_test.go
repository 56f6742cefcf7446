package web_test

import (
	"context"
	"crypto/ecdh"
	"crypto/rand"
	"encoding/base64"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	notifypkg "github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store"
)

// TestNotifyPages: the citizen grants and withdraws a channel with its text; the unit
// admin's templates are checked at save; the officer's dossier page lists the messages
// sent and their status, never a body.
func TestNotifyPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := e.login(t, "congdan", demo.Password)
	if resp, page := get(t, c, e.ts.URL+"/account"); resp.StatusCode != 200 || !strings.Contains(page, `href="/account/thong-bao"`) {
		t.Fatalf("account page: %d", resp.StatusCode)
	}
	if resp, page := get(t, c, e.ts.URL+"/account/thong-bao"); resp.StatusCode != 200 || !strings.Contains(page, notifypkg.ConsentTexts[notifypkg.ChanSMS]) {
		t.Fatalf("channels page: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"channel": {"sms"}, "action": {"grant"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant without agreeing: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/account/thong-bao"); !strings.Contains(page, "Tôi đồng ý") || strings.Contains(page, "Đang nhận") {
		t.Fatal("recorded without agreeing")
	}
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"channel": {"sms"}, "action": {"grant"}, "agree": {"yes"}, "position": {"1"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("grant: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/account/thong-bao"); !strings.Contains(page, "Đang nhận") {
		t.Fatal("consent not shown")
	}
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"channel": {"telegram"}, "action": {"grant"}, "agree": {"yes"}}); resp.StatusCode != 422 {
		t.Fatalf("unknown channel: %d", resp.StatusCode)
	}
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"channel": {"sms"}, "action": {"withdraw"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("withdraw: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/account/thong-bao"); !strings.Contains(page, "Đã rút lại") {
		t.Fatal("withdrawal not shown")
	}

	// The same through the API.
	token := bearer(t, e, "congdan")
	if status, out := apiSend(t, e, token, "PUT", "/api/v1/me/notifications/zns", `{"agree":true,"position":2}`); status != 200 || !strings.Contains(out, `"channel":"zns"`) || !strings.Contains(out, `"granted":true,"granted_at":"`) {
		t.Fatalf("grant by API: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "PUT", "/api/v1/me/notifications/fax", `{"agree":true}`); status != 422 || !strings.Contains(out, "unknown_channel") {
		t.Fatalf("unknown channel by API: %d %s", status, out)
	}

	// Push subscriptions through the API: https only, bound to the caller.
	ua, _ := ecdh.P256().GenerateKey(rand.Reader)
	keys := `"keys":{"p256dh":"` + base64.RawURLEncoding.EncodeToString(ua.PublicKey().Bytes()) + `","auth":"AAAAAAAAAAAAAAAAAAAAAA"}`
	if status, out := apiSend(t, e, token, "POST", "/api/v1/push-subscriptions", `{"endpoint":"https://fcm.googleapis.com/fcm/send/x1",`+keys+`}`); status != 201 {
		t.Fatalf("subscribe: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "POST", "/api/v1/push-subscriptions", `{"endpoint":"http://evil.example/x",`+keys+`}`); status != 422 || !strings.Contains(out, "push_endpoint_invalid") {
		t.Fatalf("http endpoint: %d %s", status, out)
	}
	other := bearer(t, e, "motcua")
	if status, out := apiSend(t, e, other, "POST", "/api/v1/push-subscriptions", `{"endpoint":"https://fcm.googleapis.com/fcm/send/x1",`+keys+`}`); status != 403 || !strings.Contains(out, "push_subscription_taken") {
		t.Fatalf("another user's endpoint: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "POST", "/api/v1/push-subscriptions", `{"endpoint":`+strings.Repeat(`"x`, 5000)); status != 400 && status != 413 && status != 422 {
		t.Fatalf("bomb: %d %s", status, out)
	}
	if status, _ := apiSend(t, e, other, "DELETE", "/api/v1/push-subscriptions?endpoint="+url.QueryEscape("https://fcm.googleapis.com/fcm/send/x1"), ""); status != 404 {
		t.Fatalf("another user's delete: %d", status)
	}
	if status, _ := apiSend(t, e, token, "DELETE", "/api/v1/push-subscriptions?endpoint="+url.QueryEscape("https://fcm.googleapis.com/fcm/send/x1"), ""); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if status, out := apiSend(t, e, "", "POST", "/api/v1/notify/receipts/sms", `{"id":"x","status":"delivered"}`); status != 401 {
		t.Fatalf("unsigned receipt: %d %s", status, out)
	}

	// Templates.
	admin, _ := e.login(t, "quantri", demo.Password)
	q := "?unit=" + demo.CommuneCode
	if resp, page := get(t, admin, e.ts.URL+"/admin/thong-bao"+q); resp.StatusCode != 200 || !strings.Contains(page, "Mẫu tin nhắn") {
		t.Fatalf("templates page: %d", resp.StatusCode)
	}
	resp, page := post(t, admin, e.ts.URL+"/admin/thong-bao"+q, url.Values{"kind": {"result"}, "channel": {"sms"}, "body": {"Ho so {{ma_ho_so}} {{ten_cha}}"}})
	if resp.StatusCode != 422 || !strings.Contains(page, "trường không có") {
		t.Fatalf("unknown placeholder: %d", resp.StatusCode)
	}
	if resp, _ := post(t, admin, e.ts.URL+"/admin/thong-bao"+q, url.Values{"kind": {"result"}, "channel": {"sms"}, "body": {"Ho so {{ma_ho_so}} da co ket qua."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("save: %d", resp.StatusCode)
	}
	if status, out := apiSend(t, e, bearer(t, e, "quantri"), "PUT", "/api/v1/notify/templates/result/zns", `{"unit":"`+demo.CommuneCode+`","body":"`+strings.Repeat("a", 401)+`"}`); status != 422 || !strings.Contains(out, "zns_too_long") {
		t.Fatalf("ZNS too long: %d %s", status, out)
	}

	// The officer sees what was sent about a dossier, never a body.
	ds, _, err := e.st.Dossiers(ctx, store.DossierQuery{Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatal(err)
	}
	d := ds[0]
	home, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	e.st.Enqueue(ctx, notifypkg.Message{UnitID: home.ID, To: "tel:+84912000123", Kind: notifypkg.KindOTP, Ref: d.Code, Body: "Ma 987654",
		ExpiresAt: time.Now().Add(48 * time.Hour)})
	w := &notifypkg.Worker{Store: e.st, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return time.Now().Add(time.Hour) }}
	if _, err := w.Deliver(ctx); err != nil {
		t.Fatal(err)
	}
	officer, _ := e.login(t, "motcua", demo.Password)
	resp, page = get(t, officer, e.ts.URL+"/office/dossiers/"+url.PathEscape(d.Code))
	if resp.StatusCode != 200 || !strings.Contains(page, "Tin nhắn đã gửi") || !strings.Contains(page, "Mã xác thực") || !strings.Contains(page, "Không gửi được") {
		t.Fatalf("dossier page: %d", resp.StatusCode)
	}
	if strings.Contains(page, "987654") {
		t.Fatal("the page shows a one-time code")
	}
}
