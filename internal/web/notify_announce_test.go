package web_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// TestAnnouncementSubscriptionPages: a citizen follows the commune's or a village's
// announcements on /account/thong-bao (the consent ticked) and through the API.
func TestAnnouncementSubscriptionPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	villages, err := e.st.Villages(ctx, u.ID)
	if err != nil || len(villages) < 2 {
		t.Fatalf("villages %v %v", villages, err)
	}
	c, _ := e.login(t, "congdan", demo.Password)
	if _, page := get(t, c, e.ts.URL+"/account/thong-bao"); !strings.Contains(page, "Thông báo của xã") || !strings.Contains(page, villages[0].Name) {
		t.Fatal("no announcements section")
	}
	v := fmt.Sprint(villages[1].ID)
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"action": {"announcements"}, "village": {v}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("without consent: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/account/thong-bao"); strings.Contains(page, "Đang nhận") {
		t.Fatal("followed without the consent ticked")
	}
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"action": {"announcements"}, "village": {v}, "agree": {"yes"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("follow: %d", resp.StatusCode)
	}
	if _, page := get(t, c, e.ts.URL+"/account/thong-bao"); !strings.Contains(page, "Đang nhận") || !strings.Contains(page, "của: "+villages[1].Name) {
		t.Fatal("the village followed is not shown")
	}
	if resp, _ := post(t, c, e.ts.URL+"/account/thong-bao", url.Values{"action": {"announcements"}, "village": {"abc"}, "agree": {"yes"}}); resp.StatusCode != 400 && resp.StatusCode != 422 {
		t.Fatalf("a bad village: %d", resp.StatusCode)
	}

	token := bearer(t, e, "congdan")
	if status, out := apiSend(t, e, token, "GET", "/api/v1/me/announcement-subscriptions", ""); status != 200 || !strings.Contains(out, `"commune":false,"villages":[`+v+`]`) {
		t.Fatalf("GET: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "PUT", "/api/v1/me/announcement-subscriptions", `{"commune":true}`); status != 422 || !strings.Contains(out, "consent_not_confirmed") {
		t.Fatalf("without agree: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "PUT", "/api/v1/me/announcement-subscriptions", `{"agree":true,"villages":[-1]}`); status != 422 || !strings.Contains(out, "subscription_village_invalid") {
		t.Fatalf("a village not of the commune: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "PUT", "/api/v1/me/announcement-subscriptions", `{"agree":true,"commune":true}`); status != 200 || !strings.Contains(out, `"commune":true,"villages":[]`) {
		t.Fatalf("PUT: %d %s", status, out)
	}
	if status, out := apiSend(t, e, token, "PUT", "/api/v1/me/announcement-subscriptions", `{"commune":`+strings.Repeat("[", 10000)); status != 400 && status != 413 && status != 422 {
		t.Fatalf("bomb: %d %s", status, out)
	}
}
