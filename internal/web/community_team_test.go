package web_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// On /office/thon the leader records a member's training and ends their service: a
// date before they joined or in the future is refused with a Vietnamese message; the
// member keeps their history (the membership with its left date, the training); their
// volunteer role goes with their last membership, so /cong-dong refuses them at once.
// Both steps are audited without personal values. Works without JavaScript: plain forms.
func TestEndMembershipAndTrainingPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	volunteerUser, err := e.st.UserByUsername(ctx, "tocongnghe")
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.st.MemberOf(ctx, volunteerUser.ID)
	if err != nil || len(ms) != 1 {
		t.Fatalf("the volunteer's memberships: %v %+v", err, ms)
	}
	m := ms[0]
	village := demo.CommuneCode + "-01"
	base := fmt.Sprintf("%s/office/thon/%s/thanh-vien/%d/", e.ts.URL, village, m.ID)

	volunteer, _ := e.login(t, "tocongnghe", demo.Password)
	if resp, _ := get(t, volunteer, e.ts.URL+"/cong-dong"); resp.StatusCode != http.StatusOK {
		t.Fatalf("the volunteer's page before: %d", resp.StatusCode)
	}
	// A volunteer cannot end their own (or anyone's) membership.
	if resp, _ := post(t, volunteer, base+"thoi", url.Values{"left": {"2025-01-01"}}); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a volunteer ends a membership: %d", resp.StatusCode)
	}

	leader, _ := e.login(t, "lanhdao", demo.Password)
	_, page := get(t, leader, e.ts.URL+"/office/thon")
	if !strings.Contains(page, `action="/office/thon/`+village+fmt.Sprintf(`/thanh-vien/%d/thoi"`, m.ID)) ||
		!strings.Contains(page, `for="tc-`+fmt.Sprint(m.ID)+`"`) {
		t.Fatal("the villages' page lacks the member's forms")
	}
	// A training: course, date, certificate number.
	resp, body := post(t, leader, base+"tap-huan", url.Values{"course": {"Kỹ năng số cơ bản"}, "held": {"2024-05-10"}, "certificate": {"CN-2024-077"}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("training: %d %s", resp.StatusCode, body)
	}
	if resp, body := post(t, leader, base+"tap-huan", url.Values{"course": {""}, "held": {"2024-05-10"}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "tên khóa tập huấn") {
		t.Fatalf("a training without its course: %d", resp.StatusCode)
	}
	_, page = get(t, leader, e.ts.URL+"/office/thon")
	if !strings.Contains(page, "Kỹ năng số cơ bản (10/05/2024, chứng nhận số CN-2024-077)") {
		t.Fatal("the training is not shown")
	}

	// Ending: not before joining, not in the future.
	today := time.Now().In(locale.Zone)
	for _, bad := range []struct{ left, want string }{
		{m.Joined.Time().AddDate(0, 0, -1).Format("2006-01-02"), "trước ngày tham gia"},
		{today.AddDate(0, 0, 2).Format("2006-01-02"), "sau hôm nay"},
		{"", "ngày thôi tham gia"},
	} {
		resp, body := post(t, leader, base+"thoi", url.Values{"left": {bad.left}})
		if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, bad.want) {
			t.Errorf("left %q: %d, want 422 with %q", bad.left, resp.StatusCode, bad.want)
		}
	}
	left := today.Format("2006-01-02")
	resp, _ = post(t, leader, base+"thoi", url.Values{"left": {left}})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("end: %d", resp.StatusCode)
	}
	_, page = get(t, leader, e.ts.URL+"/office/thon")
	if !strings.Contains(page, "thôi tham gia "+today.Format("02/01/2006")) || !strings.Contains(page, "Vai trò tổ công nghệ số của người này tại xã đã được thu hồi") {
		t.Fatal("the page does not show the membership ended and the role taken")
	}
	if resp, body := post(t, leader, base+"thoi", url.Values{"left": {left}}); resp.StatusCode != http.StatusConflict || !strings.Contains(body, "đã thôi tham gia") {
		t.Fatalf("ending twice: %d", resp.StatusCode)
	}
	// The history stays: the membership with its dates, the training; the role is gone.
	ms, _ = e.st.MemberOf(ctx, volunteerUser.ID)
	if len(ms) != 1 || ms[0].Left.String() != left || ms[0].Joined != m.Joined {
		t.Fatalf("membership after: %+v", ms)
	}
	if ts, _ := e.st.Trainings(ctx, m.ID); len(ts) < 2 { // the demo's and ours
		t.Fatalf("trainings after: %+v", ts)
	}
	roles, _ := e.st.Memberships(ctx, volunteerUser.ID)
	for _, r := range roles {
		if r.UnitID == u.ID && r.Role == auth.RoleDigitalTeam {
			t.Fatal("the volunteer role is still held")
		}
	}
	if resp, _ := get(t, volunteer, e.ts.URL+"/cong-dong"); resp.StatusCode != http.StatusForbidden {
		t.Fatalf("the former volunteer's page: %d", resp.StatusCode)
	}
	recs, _, err := e.st.AuditRecords(ctx, u.ID, 1000, 0)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, r := range recs {
		seen[r.Event.Action] = true
		if strings.Contains(strings.Join(r.Event.Fields, ",")+r.Event.ObjectID, m.Phone) || strings.Contains(strings.Join(r.Event.Fields, ","), "Kỹ năng") {
			t.Errorf("audit record with a personal value: %+v", r.Event)
		}
	}
	for _, a := range []string{"team.training.add", "team.member.end", "membership.revoke"} {
		if !seen[a] {
			t.Errorf("no %s audit record", a)
		}
	}
}

// The visit form on /cong-dong goes through the citizen app's offline queue (marked
// data-offline, with its user and the page it lands on), and the route honours the
// phone's Idempotency-Key as the filing does: three replays record one visit, the same
// key with another visit is refused (409), the form's hidden key guards a double tap
// without JavaScript; the API does the same (201, then 200 Idempotent-Replayed).
func TestVisitReplayedFromThePhoneRecordsOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	c, _ := e.login(t, "tocongnghe", demo.Password)
	_, page := get(t, c, e.ts.URL+"/cong-dong")
	if _, ok := attr(one(t, page, "form#ghi-nhan"), "data-offline"); !ok || attrAt(t, page, "form#ghi-nhan", "data-user") != "tocongnghe" ||
		attrAt(t, page, "form#ghi-nhan", "data-done") != "/cong-dong" {
		t.Fatal("the visit form is not marked for the offline queue")
	}
	hidden := attrAt(t, page, `form#ghi-nhan input[name="key"]`, "value")
	if len(hidden) != 32 {
		t.Fatalf("the form's hidden key: %q", hidden)
	}
	src := attrAt(t, page, `script[src^="/static/app.js"]`, "src")
	if _, js := get(t, c, e.ts.URL+src); !strings.Contains(js, "path === rec.done") {
		t.Error("app.js does not know a visit's landing page")
	}
	u, _ := e.st.UserByUsername(ctx, "tocongnghe")
	count := func() int {
		t.Helper()
		_, totals, err := e.st.Visits(ctx, u.ID, 1)
		if err != nil {
			t.Fatal(err)
		}
		return totals.Visits
	}
	before := count()
	day := time.Now().In(locale.Zone).Format("2006-01-02")
	form := url.Values{"visited_on": {day}, "households": {"4"}, "installs": {"2"}, "accounts": {"1"}, "payments": {"0"}, "note": {"Xóm Đông"},
		"key": {hidden}}
	const phoneKey = "6b1d7c52-1f0e-4c1a-9d8b-3e2f1a0b9c8d"
	send := func(form url.Values, key string) *http.Response {
		t.Helper()
		req, _ := http.NewRequest("POST", e.ts.URL+"/cong-dong/tham", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if key != "" {
			req.Header.Set("Idempotency-Key", key)
		}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	for i := range 3 {
		if resp := send(form, phoneKey); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/cong-dong" {
			t.Fatalf("replay %d: %d %q", i+1, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	// The app's queue replays it as FormData (multipart): the same visit.
	var mp bytes.Buffer
	mw := multipart.NewWriter(&mp)
	for k, vs := range form {
		mw.WriteField(k, vs[0])
	}
	mw.Close()
	req, _ := http.NewRequest("POST", e.ts.URL+"/cong-dong/tham", &mp)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Idempotency-Key", phoneKey)
	if resp, err := c.Do(req); err != nil || resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("multipart replay: %v %v", err, resp)
	}
	if n := count(); n != before+1 {
		t.Fatalf("three replays recorded %d visits", n-before)
	}
	other := url.Values{"visited_on": {day}, "households": {"9"}}
	if resp := send(other, phoneKey); resp.StatusCode != http.StatusConflict {
		t.Fatalf("the same key with another visit: %d", resp.StatusCode)
	}
	// Without JavaScript: the form's hidden key; a double tap records once.
	for range 2 {
		if resp := send(form, ""); resp.StatusCode != http.StatusSeeOther {
			t.Fatalf("double tap: %d", resp.StatusCode)
		}
	}
	if n := count(); n != before+2 {
		t.Fatalf("after the double tap: %d visits, want %d", n-before, 2)
	}
	// The API: 201 the first time, 200 replayed after.
	token := bearer(t, e, "tocongnghe")
	for i, want := range []int{201, 200} {
		req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/community/visits", strings.NewReader(`{"visited_on":"`+day+`","households":3}`))
		req.Header.Set("Authorization", "Bearer "+token)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Idempotency-Key", "api-visit-1")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Fatalf("API call %d: %d, want %d", i+1, resp.StatusCode, want)
		}
	}
	if n := count(); n != before+3 {
		t.Fatalf("after the API's replay: %d visits, want 3", n-before)
	}
}

// The village's poster as an A4 PDF: the commune's name, the village, the QR code and
// the short link; rendered (pdftoppm) its QR code decodes (zbarimg) to the help form
// with the village chosen.
func TestVillagePosterPDF(t *testing.T) {
	e := newEnv(t)
	leader, _ := e.login(t, "lanhdao", demo.Password)
	village := demo.CommuneCode + "-01"
	resp, body := get(t, leader, e.ts.URL+"/office/thon/"+village+"/ap-phich.pdf")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(body, "%PDF-") {
		t.Fatalf("poster PDF: %d %q", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if _, page := get(t, leader, e.ts.URL+"/office/thon/"+village+"/ap-phich"); !strings.Contains(page, `href="/office/thon/`+village+`/ap-phich.pdf"`) {
		t.Error("the poster page does not link its PDF")
	}
	if resp, _ := get(t, e.client(), e.ts.URL+"/office/thon/"+village+"/ap-phich.pdf"); resp.StatusCode == http.StatusOK {
		t.Error("anonymous gets the poster PDF")
	}
	pdftoppm := testtool.Path(t, "pdftoppm", "apt-get install poppler-utils")
	zbar := testtool.Path(t, "zbarimg", "apt-get install zbar-tools")
	dir := t.TempDir()
	pdf := filepath.Join(dir, "poster.pdf")
	if err := os.WriteFile(pdf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-png", "-r", "100", "-singlefile", pdf, filepath.Join(dir, "poster")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	raw, err := exec.Command(zbar, "--raw", "-q", filepath.Join(dir, "poster.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got, want := strings.TrimSpace(string(raw)), e.ts.URL+"/ho-tro?thon="+village; got != want {
		t.Fatalf("the poster's QR code holds %q, want %q", got, want)
	}
	text, err := exec.Command(testtool.Path(t, "pdftotext", "apt-get install poppler-utils"), pdf, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	if s := string(text); !strings.Contains(s, "Thôn Quảng Từ") || !strings.Contains(s, "Xã Yên Từ") || !strings.Contains(s, "/ho-tro?thon="+village) {
		t.Errorf("the poster's text lacks the village, the commune or the link: %q", s)
	}
}
