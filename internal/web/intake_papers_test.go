package web_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

var usedRE = regexp.MustCompile(`(\d+) hồ sơ trong 12 tháng`)

// TestCounterIntakePicker: the procedure search is folded ("ho tich" finds "Hộ tịch"),
// works as a plain GET form, and lists the most used procedures first.
func TestCounterIntakePicker(t *testing.T) {
	e := newEnv(t)
	counter, _ := e.login(t, "motcua", demo.Password)
	// Two dossiers of 1.004873 make it the most used hộ tịch procedure of the last year
	// (the demo's current dossiers count too).
	for range 2 {
		receive(t, e, counter, "1.004873", url.Values{"applicant.full_name": {"Lê Thị Hoa"}, "channel": {"counter"}})
	}
	resp, page := get(t, counter, e.ts.URL+"/office/receive?q=ho+tich")
	if resp.StatusCode != 200 {
		t.Fatalf("search: %d", resp.StatusCode)
	}
	items := all(t, page, "ol.picks li")
	if len(items) == 0 {
		t.Fatal("no procedure found for “ho tich”")
	}
	last := int64(1 << 62)
	for _, li := range items {
		txt := textOf(li)
		if !strings.Contains(txt, "Hộ tịch") {
			t.Errorf("a result outside hộ tịch: %q", txt)
		}
		var n int64
		if m := usedRE.FindStringSubmatch(txt); m != nil {
			n, _ = strconv.ParseInt(m[1], 10, 64)
		}
		if n > last {
			t.Errorf("not most used first: %q after a procedure used %d times", txt, last)
		}
		last = n
	}
	if first := textOf(items[0]); !strings.Contains(first, "1.004873") && usedRE.FindStringSubmatch(first) == nil {
		t.Errorf("the most used is not first: %q", first)
	}
	if href, _ := attr(all(t, page, "ol.picks li a")[0], "href"); !strings.HasPrefix(href, "/office/receive?") || !strings.Contains(href, "procedure=") {
		t.Errorf("a result does not open its intake form: %q", href)
	}
	if _, page := get(t, counter, e.ts.URL+"/office/receive?q=zzqx"); !has(t, page, "p.note[role=status]") || has(t, page, "ol.picks") {
		t.Error("a search without results says nothing")
	}
	// Without a search: the procedures the desk receives, most used first.
	if _, page := get(t, counter, e.ts.URL+"/office/receive"); !strings.Contains(textAt(t, page, "ol.picks"), "1.004873") {
		t.Error("the most used procedures are not offered without a search")
	}
}

// TestCounterDossierWithOnePaper (issue 16's "done when"): a counter dossier filed with
// one paper prints form 01 with that paper only, the look-up code beside the dossier
// code, the register's book and line, the legal time in the law's words, and the unit's
// desk name as its administrator set it.
func TestCounterDossierWithOnePaper(t *testing.T) {
	e := newEnv(t)
	admin, _ := e.login(t, "quantri", demo.Password)
	// The unit's settings page: a wrong symbol is refused at its field; a name is kept.
	resp, page := post(t, admin, e.ts.URL+"/admin/unit", url.Values{"desk_name": {"Trung tâm PVHCC xã Yên Từ"}, "letter_symbol": {"ubnd vp"}})
	if resp.StatusCode != 422 || textAt(t, page, "p#letter_symbol-error") == "" || !has(t, page, "div.error-summary a[href='#letter_symbol']") {
		t.Fatalf("a bad symbol: %d", resp.StatusCode)
	}
	if got := attrAt(t, page, "input#desk_name", "value"); got != "Trung tâm PVHCC xã Yên Từ" {
		t.Errorf("what was typed is lost: %q", got)
	}
	desk := "Trung tâm Phục vụ hành chính công xã Yên Từ, điểm Quảng Từ"
	if resp, _ := post(t, admin, e.ts.URL+"/admin/unit", url.Values{"desk_name": {desk}, "letter_symbol": {"UBND-VP"}}); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("settings: %d", resp.StatusCode)
	}
	if _, page := get(t, admin, e.ts.URL+"/admin/unit"); !strings.Contains(textAt(t, page, "main"), "Đang in: "+desk) {
		t.Error("the settings page does not show the name printed")
	}

	counter, _ := e.login(t, "motcua", demo.Password)
	_, page = get(t, counter, e.ts.URL+"/office/receive?procedure=1.001193")
	// The checklist: the procedure's papers, the required ones ticked, the others not.
	if !has(t, page, "input#paper-0[checked]") || !has(t, page, "input#paper-1[checked]") || has(t, page, "input#paper-2[checked]") {
		t.Error("required papers ticked and conditional ones unticked, expected")
	}
	if got := attrAt(t, page, "input#paper-1-count", "value"); got != "1" {
		t.Errorf("count %q, want the catalog's 1", got)
	}
	// The requester is the applicant unless said otherwise: folded away.
	if has(t, page, "details.requester[open]") || !has(t, page, "details.requester input#fields-requester_name") {
		t.Error("the requester's questions are not folded under the applicant's")
	}
	key := attrAt(t, page, "input[name=key]", "value")
	base := url.Values{"procedure": {"1.001193"}, "key": {key}, "channel": {"counter"}, "applicant.full_name": {"Trần Văn Bình"},
		"applicant.phone": {"0987654321"}, "paper.1": {"1"}, "paper.1.form": {"certified_copy"}}
	// A count of 0: the message at the paper's row, nothing filed.
	bad := cloneValues(base)
	bad.Set("paper.1.count", "0")
	resp, page = post(t, counter, e.ts.URL+"/office/receive", bad)
	if resp.StatusCode != 422 || textAt(t, page, "p#paper-1-error") == "" || !has(t, page, "div.error-summary a[href='#paper-1']") {
		t.Fatalf("count 0: %d %s", resp.StatusCode, textAt(t, page, "main"))
	}
	if has(t, page, "input#paper-0[checked]") || !has(t, page, "input#paper-1[checked]") || attrAt(t, page, "input#paper-1-count", "value") != "0" {
		t.Error("the checklist as posted is not kept")
	}
	good := cloneValues(base)
	good.Set("paper.1.count", "2")
	resp, _ = post(t, counter, e.ts.URL+"/office/receive", good)
	m := dossierPathRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("intake: %d", resp.StatusCode)
	}
	code := m[1]
	d, err := e.st.DossierByCode(context.Background(), code)
	if err != nil {
		t.Fatal(err)
	}
	if d.Fields["requester_name"] != "Trần Văn Bình" {
		t.Errorf("the requester is not the applicant: %v", d.Fields)
	}
	_, page = get(t, counter, e.ts.URL+"/office/dossiers/"+code)
	if got := textAt(t, page, "section.papers-received ol"); !strings.Contains(got, "Giấy chứng sinh") || !strings.Contains(got, "Bản sao có chứng thực, 2 bản") {
		t.Errorf("the dossier page's papers: %q", got)
	}

	pw, err := e.st.DossierPaperwork(context.Background(), d.ID)
	if err != nil || pw.RegisterLine == 0 {
		t.Fatalf("register line: %+v %v", pw, err)
	}
	year := strconv.Itoa(time.Now().In(locale.Zone).Year())
	// The desk heads the form (in capitals) and is where the result is collected.
	wants := []string{code, d.Secret, "Mã tra cứu", "Giấy chứng sinh", "Bản sao có chứng thực", "TRUNG TÂM PHỤC VỤ HÀNH", desk,
		"Trong ngày làm việc; sau 15 giờ thì trả trong ngày làm việc tiếp theo",
		"Quyển số: " + year + ", Số thứ tự: " + strconv.FormatInt(pw.RegisterLine, 10)}
	// Another paper of the procedure, the catalog's other forms and its internal budget
	// must not be there.
	unwanted := []string{"Tờ khai đăng ký khai sinh theo mẫu", "Giấy tờ tùy thân của người yêu cầu", "2 giờ làm việc", "Bản chính hoặc bản sao"}
	_, html := get(t, counter, e.ts.URL+"/api/v1/dossiers/"+code+"/forms/01.html")
	checkText(t, "01.html", html, append(wants, strings.ToUpper(desk)), unwanted)

	pdftotext := testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	req, _ := http.NewRequest(http.MethodGet, e.ts.URL+"/api/v1/dossiers/"+code+"/forms/01.pdf", nil)
	resp, err = counter.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	pdf, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatalf("01.pdf: %d", resp.StatusCode)
	}
	cmd := exec.Command(pdftotext, "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	txt, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	// pdftotext breaks long lines: compare with spaces and line breaks folded.
	checkText(t, "01.pdf", strings.Join(strings.Fields(string(txt)), " "), wants, unwanted)
	if t.Failed() {
		t.Logf("pdftotext:\n%s", txt)
	}
}

func checkText(t *testing.T, what, text string, wants, unwanted []string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
	for _, u := range unwanted {
		if strings.Contains(text, u) {
			t.Errorf("%s has %q", what, u)
		}
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}
