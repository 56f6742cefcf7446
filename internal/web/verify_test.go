package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/pdf"
	"github.com/xaso-vn/xaso/internal/pdf/pdfbomb"
	"github.com/xaso-vn/xaso/internal/signing"
)

func TestPublicVerificationPage(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ca, err := democa.New("xaso Demo CA (THỬ NGHIỆM)", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.AddTrustAnchor(ctx, ca.Cert); err != nil {
		t.Fatal(err)
	}
	cert, key, err := ca.Issue(democa.CertOptions{CommonName: "Nguyễn Văn Dũng", Organization: "UBND xã Yên Từ", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	signer, err := signing.NewKeySigner(key, []*x509.Certificate{cert, ca.Cert})
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := (forms.Receipt{Code: "H01.20-261126-0001", Request: "Đăng ký khai sinh", ReceivedAt: time.Now(), DueAt: time.Now()}).PDF(&b); err != nil {
		t.Fatal(err)
	}
	signed, err := signing.SignPDF(ctx, b.Bytes(), signer, signing.Options{Reason: "Phê duyệt kết quả"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := e.st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(signed)
	issued, err := e.st.RegisterIssuedDocument(ctx, u.ID, "H01.20-261126-0001", hex.EncodeToString(sum[:]))
	if err != nil {
		t.Fatal(err)
	}
	upload := func(name string, data []byte) (int, string) {
		ct, body := filingBody(t, nil, map[string][]namedFile{"file": {{name, data}}})
		resp, page := postMultipart(t, e.client(), e.ts.URL+"/xac-thuc", ct, body)
		return resp.StatusCode, page
	}
	status, page := upload("kq.pdf", signed)
	if status != 200 || !strings.Contains(page, "HỢP LỆ") || strings.Contains(page, "KHÔNG HỢP LỆ") || !strings.Contains(page, "Nguyễn Văn Dũng") ||
		!strings.Contains(page, issued.DocumentCode) || !strings.Contains(page, "còn nguyên vẹn") {
		t.Fatalf("valid file: %d\n%s", status, page)
	}
	bad := append([]byte(nil), signed...)
	bad[bytes.Index(bad, []byte("stream\n"))+30] ^= 1
	if status, page := upload("kq.pdf", bad); status != 200 || !strings.Contains(page, "KHÔNG HỢP LỆ") || !strings.Contains(page, "đã bị thay đổi") {
		t.Fatalf("changed file: %d\n%s", status, page)
	}
	if status, page := upload("x.pdf", []byte("not a pdf")); status != 422 || !strings.Contains(page, "không phải là PDF") {
		t.Fatalf("not a PDF: %d", status)
	}
	if status, page := upload("x.pdf", b.Bytes()); status != 422 || !strings.Contains(page, "không có chữ ký số") {
		t.Fatalf("unsigned: %d", status)
	}
	if status, _ := upload("big.pdf", make([]byte, 21<<20)); status != 413 {
		t.Fatalf("too large: %d", status)
	}
	// The QR code's link: ?ma=<result code>.
	resp, page := get(t, e.client(), e.ts.URL+"/xac-thuc?ma="+issued.DocumentCode)
	if resp.StatusCode != 200 || !strings.Contains(page, "Hệ thống đã phát hành văn bản này") || !strings.Contains(page, issued.SHA256) {
		t.Fatalf("by code: %d\n%s", resp.StatusCode, page)
	}
	if _, page := get(t, e.client(), e.ts.URL+"/xac-thuc?ma=KHONG-CO"); !strings.Contains(page, "Không tìm thấy văn bản") {
		t.Fatal("unknown code")
	}
	if resp, page := get(t, e.client(), e.ts.URL+"/xac-thuc"); resp.StatusCode != 200 || !strings.Contains(page, `enctype="multipart/form-data"`) {
		t.Fatalf("form: %d", resp.StatusCode)
	}
}

// TestVerifyPageRefusesTheXRefBomb: issue 15's file posted anonymously to /xac-thuc is
// refused with its stable code (pdf_too_many_objects, 422), and so are four of them at
// once (each refused as such, or turned away by the concurrency limit with 429).
func TestVerifyPageRefusesTheXRefBomb(t *testing.T) {
	e := newEnv(t)
	bomb := pdfbomb.XRef()
	ct, body := filingBody(t, nil, map[string][]namedFile{"file": {{"bom.pdf", bomb}}})
	resp, page := postMultipart(t, e.client(), e.ts.URL+"/xac-thuc", ct, body)
	if resp.StatusCode != 422 || !strings.Contains(page, `data-code="pdf_too_many_objects"`) || !strings.Contains(page, pdf.ErrTooManyObjects.Message) {
		t.Fatalf("the bomb: %d\n%s", resp.StatusCode, page)
	}
	type answer struct {
		status     int
		retryAfter string
		page       string
		err        error
	}
	answers := make(chan answer, 4)
	for range 4 {
		ct, body := filingBody(t, nil, map[string][]namedFile{"file": {{"bom.pdf", bomb}}})
		go func() {
			resp, err := e.client().Post(e.ts.URL+"/xac-thuc", ct, body)
			if err != nil {
				answers <- answer{err: err}
				return
			}
			defer resp.Body.Close()
			b, err := io.ReadAll(resp.Body)
			answers <- answer{resp.StatusCode, resp.Header.Get("Retry-After"), string(b), err}
		}()
	}
	for range 4 {
		a := <-answers
		switch {
		case a.err != nil:
			t.Fatal(a.err)
		case a.status == 422 && strings.Contains(a.page, `data-code="pdf_too_many_objects"`):
		case a.status == 429 && a.retryAfter != "" && strings.Contains(a.page, `data-code="verify_busy"`):
		default:
			t.Fatalf("one of four bombs: %d (Retry-After %q)\n%s", a.status, a.retryAfter, a.page)
		}
	}
}

// TestVerifyPageConcurrencyLimit: when every verification slot is taken, an upload is
// turned away at once with 429, a Vietnamese message and Retry-After, not queued; once a
// slot is free, the same upload is checked.
func TestVerifyPageConcurrencyLimit(t *testing.T) {
	e := newEnv(t)
	var b bytes.Buffer
	if err := (forms.Receipt{Code: "H01.20-261126-0001", Request: "Đăng ký khai sinh", ReceivedAt: time.Now(), DueAt: time.Now()}).PDF(&b); err != nil {
		t.Fatal(err)
	}
	upload := func() (*http.Response, string) {
		ct, body := filingBody(t, nil, map[string][]namedFile{"file": {{"x.pdf", b.Bytes()}}})
		return postMultipart(t, e.client(), e.ts.URL+"/xac-thuc", ct, body)
	}
	release := e.srv.HoldVerifySlots()
	resp, page := upload()
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(page, `data-code="verify_busy"`) ||
		!strings.Contains(page, "Vui lòng thử lại") {
		t.Fatalf("all slots taken: %d (Retry-After %q)\n%s", resp.StatusCode, resp.Header.Get("Retry-After"), page)
	}
	release()
	if resp, page := upload(); resp.StatusCode != 422 || !strings.Contains(page, `data-code="pdf_not_signed"`) {
		t.Fatalf("a slot free again: %d\n%s", resp.StatusCode, page)
	}
}
