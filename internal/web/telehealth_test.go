package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/telehealth"
)

// The health station publishes a morning on the next working day; an anonymous phone
// user books a slot in two steps without JavaScript (the code by SMS, then the booking)
// and sees the room's time and the station's phone; a second booking of the slot by the
// API is refused slot_taken; the station sees the booking on its day (the reason, the
// phone), may not mark it before its start; the citizen cancels with the secret and the
// slot is free again. Other officials do not see the station's day.
func TestTelehealthBookingPages(t *testing.T) {
	e := newEnv(t)
	station, resp := e.login(t, "tramyte", demo.Password)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/tram-y-te" {
		t.Fatalf("the station's login: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	day := ""
	for i := 1; i <= 7 && day == ""; i++ {
		d := time.Now().In(locale.Zone).AddDate(0, 0, i).Format("2006-01-02")
		resp, err := station.PostForm(e.ts.URL+"/tram-y-te/khung-gio", url.Values{"doctor": {"BS. Phạm Thị Hạnh"}, "kind": {"video"},
			"day": {d}, "from": {"08:00"}, "minutes": {"20"}, "count": {"4"}})
		if err != nil {
			t.Fatal(err)
		}
		page := readBody(t, resp)
		switch resp.StatusCode {
		case http.StatusSeeOther:
			day = d
		case http.StatusUnprocessableEntity:
			if !strings.Contains(page, "không phải ngày làm việc") {
				t.Fatalf("publish on %s: %s", d, page)
			}
		default:
			t.Fatalf("publish: %d", resp.StatusCode)
		}
	}
	if day == "" {
		t.Fatal("no working day in a week")
	}
	anon := e.client()
	_, page := get(t, anon, e.ts.URL+"/kham-tu-xa")
	m := regexp.MustCompile(`href="/kham-tu-xa/dat/(\d+)"`).FindStringSubmatch(page)
	if m == nil || !strings.Contains(page, "BS. Phạm Thị Hạnh") {
		t.Fatalf("no free slot on /kham-tu-xa")
	}
	slot := m[1]
	form := url.Values{"phone": {"0987 654 321"}, "reason": {"Con sốt hai ngày"}, "name": {"Chị Hoa"}}
	resp, err := anon.PostForm(e.ts.URL+"/kham-tu-xa/dat/"+slot+"/ma", form)
	if err != nil {
		t.Fatal(err)
	}
	page = readBody(t, resp)
	ch := regexp.MustCompile(`name="challenge" value="([a-z2-7]+)"`).FindStringSubmatch(page)
	if resp.StatusCode != 200 || ch == nil || !strings.Contains(page, "Con sốt hai ngày") {
		t.Fatalf("the code's step: %d", resp.StatusCode)
	}
	code := ""
	ps, err := e.st.ClaimOutbox(context.Background(), time.Now().Add(time.Hour), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Ref == "otp:"+ch[1] {
			code = regexp.MustCompile(`\b([0-9]{6})\b`).FindStringSubmatch(p.Body)[1]
		}
	}
	form.Set("challenge", ch[1])
	form.Set("code", code)
	resp, err = anon.PostForm(e.ts.URL+"/kham-tu-xa/dat/"+slot, form)
	if err != nil {
		t.Fatal(err)
	}
	page = readBody(t, resp)
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("book: %d %s", resp.StatusCode, page)
	}
	bcode, secret := byID(t, page, "booking-code"), byID(t, page, "booking-secret")
	if !telehealth.ValidCode(bcode) || secret == "" || !strings.Contains(page, `id="room-later"`) {
		t.Fatalf("booking page: %q %q", bcode, secret)
	}
	// Another person by the API: the slot is taken.
	if code, body := apiSend(t, e, bearer(t, e, "congdan"), "POST", "/api/v1/telehealth/bookings",
		`{"slot_id":`+slot+`,"reason":"Khám"}`); code != http.StatusConflict || !strings.Contains(body, "slot_taken") {
		t.Fatalf("second booking: %d %s", code, body)
	}
	// Without the secret, nothing is shown.
	if resp, _ := get(t, e.client(), e.ts.URL+"/kham-tu-xa/lich/"+bcode); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("booking without its secret: %d", resp.StatusCode)
	}
	// The station's day shows it with its reason and phone; other officials are refused.
	_, page = get(t, station, e.ts.URL+"/tram-y-te?ngay="+day)
	if !strings.Contains(page, bcode) || !strings.Contains(page, "Con sốt hai ngày") || !strings.Contains(page, "0987654321") {
		t.Fatal("the station's day lacks the booking")
	}
	leader, _ := e.login(t, "lanhdao", demo.Password)
	if resp, _ := get(t, leader, e.ts.URL+"/tram-y-te"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the leader on the station's day: %d", resp.StatusCode)
	}
	if code, body := apiSend(t, e, bearer(t, e, "tramyte"), "POST", "/api/v1/telehealth/bookings/"+bcode+"/mark",
		`{"status":"attended"}`); code != http.StatusConflict || !strings.Contains(body, "mark_too_early") {
		t.Fatalf("early mark: %d %s", code, body)
	}
	var dayList struct {
		Items []struct {
			Code   string `json:"code"`
			Reason string `json:"reason"`
		} `json:"items"`
		Total int `json:"total"`
	}
	if code, _ := apiGet(t, e, bearer(t, e, "tramyte"), "/api/v1/telehealth/day?date="+day, &dayList); code != 200 || dayList.Total != 1 ||
		dayList.Items[0].Code != bcode {
		t.Fatalf("the day by the API: %d %+v", code, dayList)
	}
	// The citizen cancels with the secret: the slot is free again.
	resp, err = anon.PostForm(e.ts.URL+"/kham-tu-xa/lich/"+bcode+"/huy", url.Values{"ma": {secret}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("cancel: %d", resp.StatusCode)
	}
	_, page = get(t, anon, e.ts.URL+"/kham-tu-xa/lich/"+bcode+"?ma="+url.QueryEscape(secret))
	if byID(t, page, "booking-status") != "Đã hủy" || strings.Contains(page, "Con sốt hai ngày") {
		t.Fatal("cancelled booking: status or reason")
	}
	var free struct {
		Items []struct {
			ID int64 `json:"id"`
		} `json:"items"`
	}
	if code, _ := apiGet(t, e, "", "/api/v1/telehealth/slots", &free); code != 200 {
		t.Fatal(code)
	}
	id, _ := strconv.ParseInt(slot, 10, 64)
	found := false
	for _, s := range free.Items {
		found = found || s.ID == id
	}
	if !found {
		t.Fatal("the cancelled slot is not free again")
	}
	// The demo citizen books it by the API: 201 with the code and the secret; the
	// room's links are empty a day before.
	status, body := apiSend(t, e, bearer(t, e, "congdan"), "POST", "/api/v1/telehealth/bookings", `{"slot_id":`+slot+`,"reason":"Khám lại","phone":"0912 000 111"}`)
	var booked struct {
		Code, Secret, Status, Phone string
		AudioOnly                   string `json:"audio_only_url"`
	}
	if err := json.Unmarshal([]byte(body), &booked); err != nil || status != http.StatusCreated || !telehealth.ValidCode(booked.Code) ||
		booked.Secret == "" || booked.Status != "booked" || booked.Phone != "+84912000111" || booked.AudioOnly != "" {
		t.Fatalf("book by the API: %d %s", status, body)
	}
	var months struct {
		Items []json.RawMessage `json:"items"`
	}
	if code, _ := apiGet(t, e, bearer(t, e, "tramyte"), "/api/v1/telehealth/months", &months); code != 200 || len(months.Items) != 12 {
		t.Fatalf("months: %d %d", code, len(months.Items))
	}
}
