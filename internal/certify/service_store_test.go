package certify_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// certEnv is the demo commune (no history) with the register's service on a clock the
// test moves.
type certEnv struct {
	s    *store.Store
	svc  *certify.Service
	pay  *payment.Service
	unit int64
	now  time.Time
}

func newCertEnv(t *testing.T) *certEnv {
	t.Helper()
	ctx := context.Background()
	s := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, s, auth.NewHasher(auth.TestParams, 1), demo.Options{}); err != nil {
		t.Fatal(err)
	}
	u, err := s.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	e := &certEnv{s: s, unit: u.ID, now: time.Date(2026, 7, 2, 9, 0, 0, 0, locale.Zone)}
	e.svc = &certify.Service{Store: s, Now: func() time.Time { return e.now }}
	e.pay = &payment.Service{Store: s, Now: func() time.Time { return e.now }}
	return e
}

// principal is a demo user as the server would see them.
func (e *certEnv) principal(t *testing.T, username string) *auth.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := e.s.UserByUsername(ctx, username)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.s.Memberships(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: ms}
}

func copyReq(pages, copies int) certify.Request {
	return certify.Request{Kind: certify.KindCopy, Pages: pages, Copies: copies, Document: "Giấy khai sinh", Requester: "Nguyễn Văn An"}
}

func TestRecordNumbersFeeAndPayment(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	counter := e.principal(t, "motcua")
	first, err := e.svc.Record(ctx, counter, e.unit, copyReq(3, 2))
	if err != nil {
		t.Fatal(err)
	}
	if first.Number != 1 || first.Book != "01/2026-SCT/BS" || first.Fee != 10000 || first.Year != 2026 {
		t.Errorf("first = number %d book %q fee %d year %d", first.Number, first.Book, first.Fee, first.Year)
	}
	if !strings.Contains(first.Statement, "Số chứng thực: 1, quyển số 01/2026-SCT/BS") {
		t.Errorf("statement %q", first.Statement)
	}
	second, err := e.svc.Record(ctx, counter, e.unit, copyReq(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	sig, err := e.svc.Record(ctx, counter, e.unit, certify.Request{Kind: certify.KindSignature, Pages: 1, Copies: 1,
		Document: "Giấy ủy quyền", Requester: "Trần Thị Bình", Certifier: "lanhdao"})
	if err != nil {
		t.Fatal(err)
	}
	if second.Number != 2 || sig.Number != 1 || sig.Book != "01/2026-SCT/CK,ĐC" || sig.CertifierName != "Nguyễn Văn Dũng" {
		t.Errorf("second %d, signature %d %q by %q: each book numbers its own lines", second.Number, sig.Number, sig.Book, sig.CertifierName)
	}

	// The fee's request: pending, the fee's amount, confirmed in cash by the counter.
	prs, err := e.s.PaymentRequestsByReference(ctx, first.PaymentReference)
	if err != nil || len(prs) != 1 {
		t.Fatalf("request %s: %v %v", first.PaymentReference, prs, err)
	}
	pr := prs[0]
	if pr.Amount != 10000 || pr.State != payment.StatePending || pr.CertificationID != first.ID || pr.DossierID != 0 {
		t.Errorf("request = %+v", pr)
	}
	if _, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "EBL01", Series: "26T",
		Collector: payment.Party{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "2700123456"}}); err != nil {
		t.Fatal(err)
	}
	_, issued, err := e.pay.Do(ctx, counter, pr.Reference, e.unit, payment.Act{Action: payment.ActConfirm, Version: pr.Version,
		Method: payment.MethodCash, Amount: 10000})
	if err != nil {
		t.Fatalf("cash for the fee: %v", err)
	}
	// Its receipt names whoever asked for the certification as the payer.
	if issued.Receipt == nil || issued.Receipt.Payer.Name != "Nguyễn Văn An" || issued.Receipt.Total != 10000 {
		t.Errorf("receipt = %+v (not issued: %v)", issued.Receipt, issued.NotIssued)
	}

	rec, err := e.svc.Reconcile(ctx, e.principal(t, "ketoan"), e.unit, calendar.NewDate(2026, 7, 2))
	if err != nil {
		t.Fatal(err)
	}
	if rec.Fees != 10000+2000+10000 || rec.Collected != 10000 || rec.Receipts != 1 || rec.Balanced || len(rec.Problems) != 2 {
		t.Errorf("reconciliation = fees %d collected %d balanced %v problems %v", rec.Fees, rec.Collected, rec.Balanced, rec.Problems)
	}
	for _, p := range rec.Problems {
		if p.Problem != "unpaid" {
			t.Errorf("problem %+v, want unpaid", p)
		}
	}

	// The audit names the line and its fields, never the requester or the document.
	recs, _, err := e.s.AuditRecords(ctx, e.unit, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, r := range recs {
		b := r.Event.ObjectID + strings.Join(r.Event.Fields, ",") + r.Actor
		if strings.Contains(b, "Nguyễn Văn An") || strings.Contains(b, "Giấy khai sinh") {
			t.Errorf("audit record %+v names a personal value", r)
		}
		found = found || r.Event.Action == "certification.record"
	}
	if !found {
		t.Error("no certification.record audit record")
	}
}

func TestRecordRefusals(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	counter := e.principal(t, "motcua")
	for _, c := range []struct {
		name string
		who  string
		req  certify.Request
		code string
	}{
		{"zero pages", "motcua", copyReq(0, 1), "invalid_pages"},
		{"zero copies", "motcua", copyReq(1, 0), "invalid_copies"},
		{"unknown kind", "motcua", certify.Request{Kind: "apostille", Pages: 1, Copies: 1, Document: "x", Requester: "y"}, "invalid_certification_kind"},
		{"certifier not a certifier", "motcua", func() certify.Request { r := copyReq(1, 1); r.Certifier = "ketoan"; return r }(), "invalid_certifier"},
		{"certifier unknown", "motcua", func() certify.Request { r := copyReq(1, 1); r.Certifier = "khongco"; return r }(), "invalid_certifier"},
		{"accountant records", "ketoan", copyReq(1, 1), "forbidden"},
		{"volunteer records", "tocongnghe", copyReq(1, 1), "forbidden"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := e.svc.Record(ctx, e.principal(t, c.who), e.unit, c.req)
			if got := apperr.From(err).Code; got != c.code {
				t.Errorf("Record = %v, want %s", err, c.code)
			}
		})
	}
	// Nothing was numbered by the refusals.
	got, err := e.svc.Record(ctx, counter, e.unit, copyReq(1, 1))
	if err != nil || got.Number != 1 {
		t.Errorf("first accepted line = %d, %v; want number 1", got.Number, err)
	}
}

// TestNumbersRestartOnFirstJanuary moves the clock across New Year's Eve in Vietnam:
// 23:59 on 31 December is the old year's book, 00:00 on 1 January (still 31 December in
// UTC) starts the new one at 1.
func TestNumbersRestartOnFirstJanuary(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	counter := e.principal(t, "motcua")
	e.now = time.Date(2025, 12, 31, 23, 58, 0, 0, locale.Zone)
	for want := 1; want <= 3; want++ {
		got, err := e.svc.Record(ctx, counter, e.unit, copyReq(1, 1))
		if err != nil || got.Number != want || got.Year != 2025 || got.Book != "01/2025-SCT/BS" {
			t.Fatalf("2025 line = %d %d %q, %v; want %d", got.Number, got.Year, got.Book, err, want)
		}
	}
	e.now = time.Date(2026, 1, 1, 0, 0, 0, 0, locale.Zone)
	got, err := e.svc.Record(ctx, counter, e.unit, copyReq(1, 1))
	if err != nil || got.Number != 1 || got.Year != 2026 || got.Book != "01/2026-SCT/BS" {
		t.Fatalf("first line of 2026 = %d %d %q, %v; want 1 in 01/2026-SCT/BS", got.Number, got.Year, got.Book, err)
	}
	old, err := e.svc.Register(ctx, counter, e.unit, certify.KindCopy, 2025)
	if err != nil || len(old) != 3 {
		t.Errorf("2025 book = %d lines, %v", len(old), err)
	}
}

// TestConcurrentNumbers records 60 lines in two books from 12 goroutines at once: each
// book's numbers are 1…n, none repeated, none skipped (on PostgreSQL too, with
// XASO_TEST_POSTGRES).
func TestConcurrentNumbers(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	counter := e.principal(t, "motcua")
	const workers, each = 12, 5
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			kind := certify.KindCopy
			if w%2 == 1 {
				kind = certify.KindSignature
			}
			for range each {
				_, err := e.svc.Record(ctx, counter, e.unit, certify.Request{Kind: kind, Pages: 1, Copies: 1, Document: "x", Requester: "y"})
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	for _, k := range []certify.Kind{certify.KindCopy, certify.KindSignature} {
		lines, err := e.svc.Register(ctx, counter, e.unit, k, 2026)
		if err != nil {
			t.Fatal(err)
		}
		if len(lines) != workers*each/2 {
			t.Fatalf("%s: %d lines", k, len(lines))
		}
		seen := map[int]bool{}
		for _, l := range lines {
			if seen[l.Number] {
				t.Errorf("%s: number %d twice", k, l.Number)
			}
			seen[l.Number] = true
		}
		for n := 1; n <= len(lines); n++ {
			if !seen[n] {
				t.Errorf("%s: number %d missing", k, n)
			}
		}
	}
}

// TestRegisterPrints prints the copies' book as PDF, read back by poppler's pdftotext,
// and as XLSX, opened with excelize.
func TestRegisterPrints(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	counter := e.principal(t, "motcua")
	for i := range 3 {
		r := copyReq(i+1, 1)
		r.Document = "Bằng tốt nghiệp trung học phổ thông số " + string(rune('A'+i))
		if _, err := e.svc.Record(ctx, counter, e.unit, r); err != nil {
			t.Fatal(err)
		}
	}
	u, err := e.s.UnitByID(ctx, e.unit)
	if err != nil {
		t.Fatal(err)
	}
	lines, err := e.svc.Register(ctx, counter, e.unit, certify.KindCopy, 2026)
	if err != nil {
		t.Fatal(err)
	}
	p := certify.Printed{Unit: u, Kind: certify.KindCopy, Year: 2026, Entries: lines, At: e.now}

	var x bytes.Buffer
	if err := p.WriteXLSX(&x); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&x)
	if err != nil {
		t.Fatalf("excelize cannot open the register: %v", err)
	}
	rows, err := f.GetRows("Sổ chứng thực")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3+3+1 || rows[3][0] != "1" || rows[5][3] != "Bằng tốt nghiệp trung học phổ thông số C" || rows[6][7] != "11000" {
		t.Errorf("workbook rows = %q", rows)
	}

	var pdf bytes.Buffer
	if err := p.WritePDF(&pdf); err != nil {
		t.Fatal(err)
	}
	bin := testtool.Path(t, "pdftotext", "apt-get install -y poppler-utils")
	path := filepath.Join(t.TempDir(), "so.pdf")
	if err := os.WriteFile(path, pdf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{"SỔ CHỨNG THỰC BẢN SAO TỪ BẢN CHÍNH", "01/2026-SCT/BS", "Nguyễn Văn An", "Tổng phí: 11.000 đồng"} {
		if !strings.Contains(text, want) {
			t.Errorf("PDF text lacks %q:\n%s", want, text)
		}
	}
}

func TestReadRights(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	line, err := e.svc.Record(ctx, e.principal(t, "motcua"), e.unit, copyReq(1, 1))
	if err != nil {
		t.Fatal(err)
	}
	for _, who := range []string{"motcua", "chuyenvien", "lanhdao", "ketoan", "quantri"} {
		if _, err := e.svc.Entry(ctx, e.principal(t, who), line.ID); err != nil {
			t.Errorf("%s reads the line: %v", who, err)
		}
	}
	for _, who := range []string{"tocongnghe", "congdan", "vanthu"} {
		if _, err := e.svc.Entry(ctx, e.principal(t, who), line.ID); !errors.Is(err, certify.ErrNotFound) {
			t.Errorf("%s reads the line: %v, want not found", who, err)
		}
		if _, err := e.svc.Register(ctx, e.principal(t, who), e.unit, certify.KindCopy, 2026); apperr.KindOf(err) != apperr.Forbidden {
			t.Errorf("%s reads the register: %v, want forbidden", who, err)
		}
	}
}

// A bank transfer quoting a certification's payment reference (as the payer's app
// mangles it) is matched to its request as a dossier's would be: paid, its receipt
// issued, and the day's register balanced.
func TestTransferQuotingCertificationReference(t *testing.T) {
	e := newCertEnv(t)
	ctx := context.Background()
	counter := e.principal(t, "motcua")
	entry, err := e.svc.Record(ctx, counter, e.unit, copyReq(3, 1))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(entry.PaymentReference, "CT26B0000001") {
		t.Fatalf("reference %q", entry.PaymentReference)
	}
	if _, err := e.pay.SetAccount(ctx, payment.Account{UnitID: e.unit, BIN: "970415", Number: "113366668888", Name: "UBND XA YEN TU"}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pay.SetReceiptConfig(ctx, payment.ReceiptConfig{UnitID: e.unit, Template: "EBL01", Series: "26T",
		Collector: payment.Party{Name: "Ủy ban nhân dân xã Yên Từ", TaxCode: "2700123456"}}); err != nil {
		t.Fatal(err)
	}
	ref := entry.PaymentReference
	n := payment.Notification{TransactionID: "FT26183900000001", BankBIN: "970415", Account: "113366668888", Amount: entry.Fee,
		Description:  "MBVCB.3278614178.Phi chung thuc " + strings.ToLower(ref[:5]) + "-" + ref[5:] + ".CT tu 0011004123456 NGUYEN VAN AN",
		TransactedAt: e.now.Add(-time.Minute)}
	res, err := e.pay.Record(ctx, e.unit, n, []byte(`{"raw":true}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Notification.Outcome != payment.MatchExact || res.Request == nil || res.Request.CertificationID != entry.ID ||
		res.Request.State != payment.StatePaid || res.Issued.Receipt == nil || res.Issued.Receipt.Total != entry.Fee {
		t.Fatalf("transfer: outcome %s, request %+v, receipt %+v", res.Notification.Outcome, res.Request, res.Issued.Receipt)
	}
	rec, err := e.svc.Reconcile(ctx, e.principal(t, "ketoan"), e.unit, calendar.DateOf(e.now))
	if err != nil {
		t.Fatal(err)
	}
	if !rec.Balanced || rec.Collected != entry.Fee || rec.Receipts != 1 {
		t.Errorf("reconciliation: balanced %v collected %d receipts %d problems %v", rec.Balanced, rec.Collected, rec.Receipts, rec.Problems)
	}
}
