package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/app"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/testtool"
	"github.com/xaso-vn/xaso/internal/webtest"
)

// newQREnv is the web test environment with the QR forms' own blob store.
func newQREnv(t testing.TB) (*env, *blob.Local) {
	t.Helper()
	d := webtest.Deps(t, demo.Options{}, time.Now)
	files, err := blob.OpenLocal(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { files.Close() })
	d.QRFormFiles = files
	srv, err := app.New(d)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	return &env{srv: srv, ts: ts, st: d.Store}, files
}

var formIDRE = regexp.MustCompile(`^/office/bieu-mau/(\d+)`)

// builderForm is the builder's page form of a small health declaration.
func builderForm(now time.Time) url.Values {
	in := func(t time.Time) string { return t.In(time.FixedZone("ICT", 7*3600)).Format("2006-01-02T15:04") }
	return url.Values{
		"title": {"Tờ khai y tế"}, "purpose": {"Theo dõi sức khỏe người về địa phương."},
		"opens_at": {in(now.Add(-time.Hour))}, "closes_at": {in(now.Add(48 * time.Hour))}, "retention_days": {"14"},
		"label_1": {"Họ và tên"}, "kind_1": {"text"}, "required_1": {"1"}, "help_1": {""}, "options_1": {""},
		"label_2": {"Thôn, xóm"}, "kind_2": {"village"}, "required_2": {"1"}, "help_2": {""}, "options_2": {""},
		"label_3": {"Triệu chứng"}, "kind_3": {"multi"}, "help_3": {"Chọn tất cả các triệu chứng"}, "options_3": {"Sốt\r\nHo\r\nKhông có"},
		"label_4": {"Ảnh giấy xét nghiệm"}, "kind_4": {"file"}, "help_4": {""}, "options_4": {""},
		"label_5": {""}, "kind_5": {"text"}, "help_5": {""}, "options_5": {""},
	}
}

// A culture officer builds a health declaration on the pages, publishes it and prints its
// poster, whose QR code decodes to the form's link; a person answers it without an
// account and without JavaScript; refusals are clear; the answers export.
func TestQRFormPages(t *testing.T) {
	e, _ := newQREnv(t)
	c, _ := e.login(t, "vanhoa", demo.Password)
	resp, err := c.PostForm(e.ts.URL+"/office/bieu-mau", builderForm(time.Now()))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	m := formIDRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || m == nil {
		t.Fatalf("create: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	id := m[1]
	// An invalid draft comes back with its messages.
	bad := builderForm(time.Now())
	bad.Set("title", "")
	resp, page := postQRForm(t, c, e.ts.URL+"/office/bieu-mau", bad)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Vui lòng nhập tiêu đề biểu mẫu.") {
		t.Fatalf("invalid draft: %d", resp.StatusCode)
	}
	resp, _ = postQRForm(t, c, e.ts.URL+"/office/bieu-mau/"+id+"/phat-hanh", url.Values{})
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("publish: %d", resp.StatusCode)
	}
	resp, page = get(t, c, e.ts.URL+"/office/bieu-mau/"+id)
	if resp.StatusCode != 200 {
		t.Fatalf("form page: %d", resp.StatusCode)
	}
	link := text(t, page, "a") // first link is the site's; find ours
	lm := regexp.MustCompile(`id="qr-link">([^<]+)<`).FindStringSubmatch(page)
	if lm == nil {
		t.Fatalf("no link on the form's page (%s)", link)
	}
	link = lm[1]
	code := link[strings.LastIndex(link, "/")+1:]

	// The poster: a PDF whose QR code decodes to the link.
	resp, pdf := get(t, c, e.ts.URL+"/office/bieu-mau/"+id+"/ap-phich")
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(pdf, "%PDF") {
		t.Fatalf("poster: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if got := decodePosterQR(t, []byte(pdf)); got != link {
		t.Fatalf("poster QR decodes to %q, want %q", got, link)
	}

	// Anonymous, without JavaScript: the purpose, the retention, the consent.
	anon := e.client()
	resp, page = get(t, anon, e.ts.URL+"/bm/"+code)
	if resp.StatusCode != 200 || !strings.Contains(page, "Theo dõi sức khỏe người về địa phương.") || !strings.Contains(page, "14 ngày") ||
		!strings.Contains(page, `name="consent"`) || !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatalf("public form: %d", resp.StatusCode)
	}
	// Refused: no consent and a required field missing, a PDF that is not one.
	resp, page = postQRMultipart(t, anon, e.ts.URL+"/bm/"+code, map[string][]string{"f2": {demo.CommuneCode + "-01"}},
		map[string][]byte{"f4": []byte("%PDF-1.4 no end")})
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "Họ và tên: vui lòng trả lời câu hỏi này.") ||
		!strings.Contains(page, "Vui lòng đồng ý") || !strings.Contains(page, "Ảnh giấy xét nghiệm:") {
		t.Fatalf("refusal: %d", resp.StatusCode)
	}
	photo := tinyPNG(t)
	resp, page = postQRMultipart(t, anon, e.ts.URL+"/bm/"+code, map[string][]string{"f1": {"Trần Văn Bốn"}, "f2": {demo.CommuneCode + "-01"},
		"f3": {"Sốt", "Ho"}, "consent": {"1"}}, map[string][]byte{"f4": photo})
	if resp.StatusCode != http.StatusCreated || !strings.Contains(page, "Đã gửi") {
		t.Fatalf("answer: %d", resp.StatusCode)
	}
	// The builder downloads the photo from the answers' list; a visitor cannot.
	_, page = get(t, c, e.ts.URL+"/office/bieu-mau/"+id)
	fm := regexp.MustCompile(`href="(/office/bieu-mau/tep/\d+/f4)"`).FindStringSubmatch(page)
	if fm == nil {
		t.Fatal("no link to the answer's file")
	}
	resp, got := get(t, c, e.ts.URL+fm[1])
	if resp.StatusCode != 200 || got != string(photo) || resp.Header.Get("Content-Type") != "image/png" {
		t.Fatalf("file: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if resp, _ := get(t, anon, e.ts.URL+fm[1]); resp.StatusCode == 200 {
		t.Fatal("a visitor downloads an answer's file")
	}
	// A logged-in citizen finds their name filled in.
	citizen, _ := e.login(t, "congdan", demo.Password)
	_, page = get(t, citizen, e.ts.URL+"/bm/"+code)
	if !strings.Contains(page, `value="Nguyễn Văn An"`) {
		t.Fatal("the citizen's name is not prefilled")
	}
	// The API: an answer in JSON, then the list and the counts.
	body := `{"consent":true,"values":{"f1":"Lê Thị Năm","f2":"` + demo.CommuneCode + `-02","f3":["Không có"]}}`
	resp, err = http.Post(e.ts.URL+"/api/v1/forms/"+id+"/answers", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("API answer: %d", resp.StatusCode)
	}
	resp, page = get(t, c, e.ts.URL+"/office/bieu-mau/"+id+"?choice=f3%3DS%E1%BB%91t")
	if !strings.Contains(page, `<span id="qr-listed">1</span>`) || !strings.Contains(page, `<span id="qr-total">2</span>`) || !strings.Contains(page, "<svg") {
		t.Fatalf("answers page: %d", resp.StatusCode)
	}
	resp, csvBody := get(t, c, e.ts.URL+"/office/bieu-mau/"+id+"/xuat?format=csv")
	if resp.StatusCode != 200 || !strings.HasPrefix(csvBody, "\uFEFF") || !strings.Contains(csvBody, "Lê Thị Năm") || !strings.Contains(csvBody, "Trần Văn Bốn") {
		t.Fatalf("CSV: %d", resp.StatusCode)
	}
	resp, x := get(t, c, e.ts.URL+"/office/bieu-mau/"+id+"/xuat?format=xlsx")
	if resp.StatusCode != 200 || !strings.HasPrefix(x, "PK") {
		t.Fatalf("XLSX: %d", resp.StatusCode)
	}
	// The fields are frozen now.
	change := builderForm(time.Now())
	change.Set("label_3", "")
	resp, page = postQRForm(t, c, e.ts.URL+"/office/bieu-mau/"+id, change)
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(page, "không sửa được các câu hỏi") {
		t.Fatalf("frozen: %d", resp.StatusCode)
	}
}

// Answers after the closing time are refused 409 form_closed.
func TestQRFormClosed(t *testing.T) {
	e, _ := newQREnv(t)
	ctx := context.Background()
	u, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	f := publishForm(t, e, u.ID, time.Now().Add(-48*time.Hour), time.Now().Add(-time.Hour))
	resp, err := http.Post(fmt.Sprintf("%s/api/v1/forms/%d/answers", e.ts.URL, f.ID), "application/json",
		strings.NewReader(`{"consent":true,"values":{"f1":"A"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var prob struct{ Code string }
	json.NewDecoder(resp.Body).Decode(&prob)
	resp.Body.Close()
	if resp.StatusCode != http.StatusConflict || prob.Code != "form_closed" {
		t.Fatalf("closed: %d %q", resp.StatusCode, prob.Code)
	}
	_, page := get(t, e.client(), e.ts.URL+"/bm/"+f.Code)
	if !strings.Contains(page, "không nhận câu trả lời lúc này") {
		t.Fatal("the closed form's page does not say so")
	}
}

func publishForm(t testing.TB, e *env, unitID int64, opens, closes time.Time) qrform.Form {
	t.Helper()
	ctx := context.Background()
	u, err := e.st.UserByUsername(ctx, "vanhoa")
	if err != nil {
		t.Fatal(err)
	}
	p := &authPrincipal{u.ID, unitID}
	d := qrform.Draft{Title: "Sổ khách đến", Purpose: "Ghi nhận khách đến làm việc.", OpensAt: opens, ClosesAt: closes, RetentionDays: 7,
		Fields: []qrform.Field{{Label: "Họ và tên", Kind: qrform.KindText, Required: true},
			{Label: "Mục đích", Kind: qrform.KindChoice, Options: []string{"Làm thủ tục", "Họp", "Khác"}}}}
	f, err := e.srv.QRForms.Create(ctx, p.principal(), unitID, d)
	if err != nil {
		t.Fatal(err)
	}
	if f, err = e.srv.QRForms.Publish(ctx, p.principal(), f.ID); err != nil {
		t.Fatal(err)
	}
	return f
}

// One form answered 1,000 times at once through the API (on the engine of
// XASO_TEST_POSTGRES, else SQLite): 1,000 stored, counted.
func TestQRFormLoad(t *testing.T) {
	e, _ := newQREnv(t)
	e.srv.QRForms.Limiter = nil // one test address sends them all
	ctx := context.Background()
	u, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	f := publishForm(t, e, u.ID, time.Now().Add(-time.Hour), time.Now().Add(time.Hour))
	const n = 1000
	answerConcurrently(t, e.ts.URL, f.ID, n)
	_, cs, err := e.srv.QRForms.Counts(ctx, (&authPrincipal{0, u.ID}).principal(), f.ID)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := e.srv.QRForms.Store.QRForm(ctx, f.ID)
	if cs[0].N != n || got.Stored != n {
		t.Fatalf("%d counted, %d stored; want %d", cs[0].N, got.Stored, n)
	}
}

func answerConcurrently(t testing.TB, base string, id int64, n int) {
	t.Helper()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	errs := make(chan string, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		sem <- struct{}{}
		go func(i int) {
			defer wg.Done()
			defer func() { <-sem }()
			body := fmt.Sprintf(`{"consent":true,"values":{"f1":"Khách %d","f2":"Họp"}}`, i)
			resp, err := client.Post(fmt.Sprintf("%s/api/v1/forms/%d/answers", base, id), "application/json", strings.NewReader(body))
			if err != nil {
				errs <- err.Error()
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				errs <- fmt.Sprintf("%d %s", resp.StatusCode, b)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatalf("answer refused: %s", e)
	}
}

// BenchmarkQRFormAnswer answers one form through the API, 64 at once (docs/BENCHMARKS.md).
func BenchmarkQRFormAnswer(b *testing.B) {
	e, _ := newQREnv(b)
	e.srv.QRForms.Limiter = nil
	ctx := context.Background()
	u, _ := e.st.UnitByCode(ctx, demo.CommuneCode)
	f := publishForm(b, e, u.ID, time.Now().Add(-time.Hour), time.Now().Add(24*time.Hour))
	b.ResetTimer()
	answerConcurrently(b, e.ts.URL, f.ID, b.N)
}

func postQRForm(t *testing.T, c *http.Client, u string, v url.Values) (*http.Response, string) {
	t.Helper()
	resp, err := c.PostForm(u, v)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

func postQRMultipart(t *testing.T, c *http.Client, u string, values map[string][]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	var b bytes.Buffer
	w := multipart.NewWriter(&b)
	for k, vs := range values {
		for _, v := range vs {
			w.WriteField(k, v)
		}
	}
	for k, data := range files {
		fw, _ := w.CreateFormFile(k, "tep.pdf")
		fw.Write(data)
	}
	w.Close()
	resp, err := c.Post(u, w.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp, string(body)
}

// decodePosterQR renders the poster's page with pdftoppm and decodes its QR code with
// zbarimg.
func decodePosterQR(t *testing.T, pdf []byte) string {
	t.Helper()
	pdftoppm := testtool.Path(t, "pdftoppm", "apt-get install poppler-utils")
	zbarimg := testtool.Path(t, "zbarimg", "apt-get install zbar-tools")
	dir := t.TempDir()
	in := filepath.Join(dir, "poster.pdf")
	if err := os.WriteFile(in, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(pdftoppm, "-png", "-r", "100", "-singlefile", in, filepath.Join(dir, "page")).CombinedOutput(); err != nil {
		t.Fatalf("pdftoppm: %v %s", err, out)
	}
	out, err := exec.Command(zbarimg, "--quiet", "--raw", filepath.Join(dir, "page.png")).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	return strings.TrimSpace(string(out))
}

// authPrincipal is a culture officer of a unit, for calling the service directly.
type authPrincipal struct{ userID, unitID int64 }

func (a *authPrincipal) principal() *auth.Principal {
	return &auth.Principal{UserID: a.userID, Memberships: []auth.Membership{{UnitID: a.unitID, Role: auth.RoleCulture}}}
}

func tinyPNG(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 3, 3))
	img.Set(1, 1, color.RGBA{0, 90, 200, 255})
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
