package web_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
)

// The culture officer attaches a PDF to a draft on the officers' page and more through
// the API (at most five); a file that is not a PDF or an image is refused in words; the
// draft's files are the officials' only, and once the leader publishes it anyone
// downloads them from its page; no file is added after publication.
func TestAnnouncementAttachments(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	culture, _ := e.login(t, "vanhoa", demo.Password)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	anon := e.client()
	commune, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	today := calendar.DateOf(time.Now())
	if resp, _ := post(t, culture, e.ts.URL+"/office/thong-bao", url.Values{"title": {"Lịch tiêm phòng"}, "body": {"Xem tệp đính kèm."},
		"from": {today.String()}, "to": {today.AddDays(3).String()}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("write: %d", resp.StatusCode)
	}
	stored, err := e.st.Announcements(ctx, commune.ID)
	if err != nil || len(stored) == 0 {
		t.Fatal(stored, err)
	}
	id := strconv.FormatInt(stored[0].ID, 10)
	send := func(c *http.Client, name string, data []byte) (*http.Response, string) {
		t.Helper()
		ct, body := multipartBody(t, name, data, nil)
		resp, err := c.Post(e.ts.URL+"/office/thong-bao/"+id+"/tep", ct, body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	if resp, page := send(culture, "ghi-chu.txt", []byte("chỉ là chữ")); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(textAt(t, page, "#announcement-error"), "Chỉ nhận tệp PDF") {
		t.Fatalf("a text file: %d", resp.StatusCode)
	}
	if resp, _ := send(culture, "lịch tiêm.pdf", []byte(testPDF)); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("attach: %d", resp.StatusCode)
	}
	_, page := get(t, culture, e.ts.URL+"/office/thong-bao")
	link := attrAt(t, page, `ul.files a`, "href")
	if link != "/thong-bao/"+id+"/tep/1" || textAt(t, page, "ul.files a") != "lịch tiêm.pdf" {
		t.Fatalf("the file's link %q, name %q", link, textAt(t, page, "ul.files a"))
	}
	if resp, _ := get(t, anon, e.ts.URL+link); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("the public opens a draft's file: %d", resp.StatusCode)
	}
	if resp, body := get(t, culture, e.ts.URL+link); resp.StatusCode != http.StatusOK || body != testPDF || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("the officer opens it: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	// Through the API, up to five.
	token := bearer(t, e, "vanhoa")
	apiAttach := func() (int, string) {
		ct, body := multipartBody(t, "thong-bao.pdf", []byte(testPDF), nil)
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/announcements/"+id+"/attachments", body)
		req.Header.Set("Content-Type", ct)
		req.Header.Set("Authorization", "Bearer "+token)
		return do(t, req)
	}
	for n := 2; n <= 5; n++ {
		code, body := apiAttach()
		var doc struct {
			N   int    `json:"n"`
			URL string `json:"url"`
		}
		if err := json.Unmarshal([]byte(body), &doc); code != http.StatusCreated || err != nil || doc.N != n || doc.URL != "/thong-bao/"+id+"/tep/"+strconv.Itoa(n) {
			t.Fatalf("API attachment %d: %d %s", n, code, body)
		}
	}
	if code, body := apiAttach(); code != http.StatusUnprocessableEntity || !strings.Contains(body, "announcement_attachments_full") {
		t.Fatalf("a sixth: %d %s", code, body)
	}
	if _, page := get(t, culture, e.ts.URL+"/office/thong-bao"); has(t, page, `form[action="/office/thong-bao/`+id+`/tep"]`) {
		t.Fatal("a full draft still offers to attach")
	}
	// Published: on its page for anyone, downloadable; the API lists the files.
	if resp, _ := post(t, leader, e.ts.URL+"/office/thong-bao/"+id+"/dang", nil); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}
	resp, page := get(t, anon, e.ts.URL+"/thong-bao/"+id)
	if resp.StatusCode != http.StatusOK || len(all(t, page, "#tep-dinh-kem a")) != 5 {
		t.Fatalf("the public page: %d", resp.StatusCode)
	}
	if resp, body := get(t, anon, e.ts.URL+link); resp.StatusCode != http.StatusOK || body != testPDF {
		t.Fatalf("the public downloads it: %d", resp.StatusCode)
	}
	var list struct {
		Items []struct {
			ID          int64 `json:"id"`
			Attachments []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"attachments"`
		} `json:"items"`
	}
	if code, _ := apiGet(t, e, "", "/api/v1/announcements", &list); code != 200 || len(list.Items) != 1 || len(list.Items[0].Attachments) != 5 ||
		list.Items[0].Attachments[0].Name != "lịch tiêm.pdf" {
		t.Fatalf("the API's list: %d %+v", code, list)
	}
	if code, body := apiAttach(); code != http.StatusConflict || !strings.Contains(body, "announcement_attachment_state") {
		t.Fatalf("attached once published: %d %s", code, body)
	}
	if resp, _ := get(t, anon, e.ts.URL+"/thong-bao/"+id+"/tep/x"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a file without a number: %d", resp.StatusCode)
	}
}
