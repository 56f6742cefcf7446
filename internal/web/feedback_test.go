package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
)

// TestFeedbackPages: the applicant files a complaint on the look-up page with the
// receipt's secret (a wrong secret is 404, bad content is drawn at the form with what was
// typed); the counter officer finds it in /office/feedback, assigns it to the
// specialist, who answers; the applicant sees the answer, says they are satisfied, and
// answers the survey once.
func TestFeedbackPages(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ds, _, err := e.st.Dossiers(ctx, store.DossierQuery{Statuses: []dossier.Status{dossier.StatusReturned}, Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatalf("a returned dossier: %v", err)
	}
	d := ds[0]
	base := e.ts.URL + "/tra-cuu/" + url.PathEscape(d.Code)
	q := "?secret=" + url.QueryEscape(d.Secret)
	anonymous := e.client()
	if resp, _ := post(t, anonymous, base+"/phan-anh?secret=SAIMATRA", url.Values{"kind": {"complaint"}, "content": {"Cán bộ hẹn nhiều lần."}}); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("a wrong secret: %d", resp.StatusCode)
	}
	resp, page := post(t, anonymous, base+"/phan-anh"+q, url.Values{"kind": {"complaint"}, "content": {"ngắn"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "section#phan-anh"), "ít nhất 10 ký tự") ||
		!strings.Contains(page, ">ngắn</textarea>") {
		t.Fatalf("too short: %d %s", resp.StatusCode, textAt(t, page, "section#phan-anh"))
	}
	content := "Cán bộ hẹn trả kết quả nhiều lần nhưng chưa có, tôi phải đi lại."
	if resp, _ := post(t, anonymous, base+"/phan-anh"+q, url.Values{"kind": {"complaint"}, "content": {content}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("file: %d", resp.StatusCode)
	}
	_, page = get(t, anonymous, base+q)
	if got := textAt(t, page, "section#phan-anh"); !strings.Contains(got, content) || !strings.Contains(got, "Chờ phân công") {
		t.Fatalf("the look-up page: %s", got)
	}

	counter, _ := e.login(t, "motcua", demo.Password)
	_, page = get(t, counter, e.ts.URL+"/office/feedback")
	link := attrAt(t, page, "#feedback-list a", "href")
	_, page = get(t, counter, e.ts.URL+link)
	if !strings.Contains(textAt(t, page, "#feedback-content"), content) {
		t.Fatalf("the feedback page: %s", page)
	}
	specialist, err := e.st.UserByUsername(ctx, "chuyenvien")
	if err != nil {
		t.Fatal(err)
	}
	version := attrAt(t, page, "#assign-form input[name=version]", "value")
	if resp, _ := post(t, counter, e.ts.URL+link+"/assign", url.Values{"assignee": {strconv.FormatInt(specialist.ID, 10)}, "version": {version}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("assign: %d", resp.StatusCode)
	}
	spec, _ := e.login(t, "chuyenvien", demo.Password)
	_, page = get(t, spec, e.ts.URL+link)
	version = attrAt(t, page, "#answer-form input[name=version]", "value")
	if resp, page := post(t, spec, e.ts.URL+link+"/answer", url.Values{"answer": {""}, "version": {version}}); resp.StatusCode != http.StatusUnprocessableEntity ||
		!strings.Contains(textAt(t, page, "#feedback-error"), "nội dung trả lời") {
		t.Fatalf("an empty answer: %d", resp.StatusCode)
	}
	answer := "Đơn vị xin lỗi ông/bà; kết quả đã được trả ngày hôm nay."
	if resp, _ := post(t, spec, e.ts.URL+link+"/answer", url.Values{"answer": {answer}, "version": {version}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("answer: %d", resp.StatusCode)
	}

	_, page = get(t, anonymous, base+q)
	action := attrAt(t, page, "section#phan-anh form.row", "action")
	if got := textAt(t, page, "section#phan-anh"); !strings.Contains(got, answer) {
		t.Fatalf("the answer on the look-up page: %s", got)
	}
	if resp, _ := post(t, anonymous, e.ts.URL+action, url.Values{"verdict": {"satisfied"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("verdict: %d", resp.StatusCode)
	}
	scores := url.Values{"score_attitude": {"5"}, "score_time": {"4"}, "score_transparency": {"4"}, "score_simplicity": {"3"}, "score_result": {"5"}}
	if resp, _ := post(t, anonymous, base+"/khao-sat"+q, scores); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("survey: %d", resp.StatusCode)
	}
	if resp, _ := post(t, anonymous, base+"/khao-sat"+q, scores); resp.StatusCode != http.StatusConflict {
		t.Fatalf("survey twice: %d", resp.StatusCode)
	}
	if _, page = get(t, anonymous, base+q); !strings.Contains(textAt(t, page, "#khao-sat"), "đã trả lời khảo sát") {
		t.Fatalf("after the survey: %s", textAt(t, page, "#khao-sat"))
	}

	// About the service, logged in: the form, a problem drawn at its field, then filed.
	citizen, _ := e.login(t, "congdan", demo.Password)
	if resp, page := get(t, citizen, e.ts.URL+"/phan-anh"); resp.StatusCode != http.StatusOK || !strings.Contains(page, "service-feedback-form") {
		t.Fatalf("the service feedback form: %d", resp.StatusCode)
	}
	resp, page = post(t, citizen, e.ts.URL+"/phan-anh", url.Values{"kind": {"proposal"}, "content": {"x"}})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(textAt(t, page, "#fb-content-error"), "ít nhất 10 ký tự") {
		t.Fatalf("a short proposal: %d", resp.StatusCode)
	}
	if resp, _ := post(t, citizen, e.ts.URL+"/phan-anh", url.Values{"kind": {"proposal"}, "content": {"Đề nghị mở quầy tiếp nhận sáng thứ Bảy."}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a proposal: %d", resp.StatusCode)
	}
}
