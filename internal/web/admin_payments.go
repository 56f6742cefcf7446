package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The administrator's payment settings (/admin/payments): the unit's collection
// account, the bank-notification webhook's secret (generated here and shown once) and
// the receipt configuration. They write through the store methods the API uses
// (SetPaymentAccount, RotateWebhookSecret, SetReceiptConfig), each one transaction with
// its audit record; the unit's administrators, and the system administrator everywhere.

var (
	binRE           = regexp.MustCompile(`^[0-9]{6}$`)
	accountNumberRE = regexp.MustCompile(`^[0-9A-Za-z]{1,19}$`)
	cardNumberRE    = regexp.MustCompile(`^[0-9]{1,19}$`)
)

var (
	fieldBIN         = fieldError{"invalid_bin", "Mã ngân hàng (BIN) gồm đúng 6 chữ số, ví dụ 970415 (VietinBank)."}
	fieldNumber      = fieldError{"invalid_account_number", "Số tài khoản gồm 1–19 chữ số (tài khoản định danh có thể có chữ cái), không có dấu cách hay dấu chấm."}
	fieldCardNumber  = fieldError{"invalid_card_number", "Số thẻ gồm 1–19 chữ số."}
	fieldHolder      = fieldError{"account_name_required", "Nhập tên chủ tài khoản như ngân hàng hiển thị, ví dụ UBND XA YEN TU."}
	fieldHolderLong  = fieldError{"account_name_too_long", "Tên chủ tài khoản tối đa 100 ký tự."}
	fieldValidity    = fieldError{"invalid_date", "Ngày không hợp lệ: chọn ngày trên lịch hoặc ghi năm-tháng-ngày, ví dụ 2026-07-01."}
	errSettingsForms = apperr.New(apperr.Invalid, "invalid_form", "Thông tin chưa hợp lệ.")
)

type adminPaymentsPage struct {
	Unit       unit.Unit
	UnitQuery  string // "?unit=CODE" when chosen
	Units      []unit.Unit
	Account    *payment.StoredAccount
	Bank       string
	WebhookURL string
	// NewSecret is the secret just generated: shown once, never again.
	NewSecret     string
	PreviousUntil time.Time
	Receipt       *payment.ReceiptConfig
	Rules         payment.ReceiptRules
	NextRules     *payment.ReceiptRules
	// SeriesYear is the year a series such as "26T" is valid in (0: the series carries
	// no year).
	SeriesYear  int
	Today       calendar.Date
	AccountForm payForm
	ReceiptForm payForm
	SecretForm  payForm
	// ReceiptKeys are the unit's own receipt keys (the one in use first); KEKSet says
	// whether the server can seal and open them (XASO_RECEIPT_KEK).
	ReceiptKeys []payment.ReceiptKey
	KEKSet      bool
	KeyForm     payForm
}

func (s *Server) adminPaymentsPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	return s.renderAdminPayments(w, r, http.StatusOK, u, func(*adminPaymentsPage) {})
}

func (s *Server) renderAdminPayments(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, with func(*adminPaymentsPage)) error {
	ctx := r.Context()
	page := adminPaymentsPage{Unit: u, UnitQuery: unitQuery(r)}
	if auth.PrincipalFrom(ctx).IsSystemAdmin() {
		units, _, err := s.Store.Units(ctx, 500, 0)
		if err != nil {
			return err
		}
		page.Units = units
	}
	if err := s.adminPaymentSettings(r, &page); err != nil {
		return err
	}
	today := calendar.DateOf(s.paymentsNow())
	page.Today = today
	page.Rules = payment.RulesOn(today)
	// The next version of the rules, when one is already known.
	for d := today.AddDays(1); d.Sub(today) <= 366; d = d.AddDays(1) {
		if rl := payment.RulesOn(d); rl.From != page.Rules.From {
			page.NextRules = &rl
			break
		}
	}
	page.storedForms()
	keys, err := s.Store.ReceiptKeys(ctx, u.ID)
	if err != nil {
		return err
	}
	page.ReceiptKeys, page.KEKSet = keys, s.Payments.KEK != nil
	page.KeyForm = payForm{Values: map[string]string{}}
	with(&page)
	v := s.view(r, "Tài khoản thu và biên lai")
	v.Area, v.Nav = "office", "admin-payments"
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Data = page
	return s.views.render(w, status, "admin_payments", v)
}

// adminPaymentSettings reads the unit's collection account, its webhook address and its
// receipt configuration into the page.
func (s *Server) adminPaymentSettings(r *http.Request, page *adminPaymentsPage) error {
	ctx, u := r.Context(), page.Unit
	switch a, err := s.Store.PaymentAccount(ctx, u.ID); {
	case err == nil:
		page.Account = &a
		if payment.KnownBank(a.BIN) {
			page.Bank = payment.BankName(a.BIN)
		}
	case !errors.Is(err, payment.ErrNoAccount):
		return err
	}
	base := s.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	page.WebhookURL = strings.TrimSuffix(base, "/") + "/api/v1/payments/notifications/" + url.PathEscape(u.Code)
	switch cfg, err := s.Store.ReceiptConfig(ctx, u.ID); {
	case err == nil:
		page.Receipt = &cfg
		if len(cfg.Series) >= 2 && cfg.Series[0] >= '0' && cfg.Series[0] <= '9' && cfg.Series[1] >= '0' && cfg.Series[1] <= '9' {
			page.SeriesYear = 2000 + int(cfg.Series[0]-'0')*10 + int(cfg.Series[1]-'0')
		}
	case !errors.Is(err, payment.ErrNoReceiptConfig):
		return err
	}
	return nil
}

// storedForms starts the page's forms with what is stored; a refused form keeps what
// was typed instead.
func (page *adminPaymentsPage) storedForms() {
	page.AccountForm = payForm{Values: map[string]string{}}
	if a := page.Account; a != nil {
		page.AccountForm.Values = map[string]string{"bin": a.BIN, "number": a.Number, "name": a.Name}
		if a.Card {
			page.AccountForm.Values["card"] = "1"
		}
	}
	page.ReceiptForm = payForm{Values: map[string]string{}}
	if c := page.Receipt; c != nil {
		page.ReceiptForm.Values = map[string]string{"name": c.Name, "template": c.Template, "series": c.Series,
			"collector_name": c.Collector.Name, "collector_tax_code": c.Collector.TaxCode, "collector_address": c.Collector.Address,
			"valid_from": dateText(c.ValidFrom), "valid_until": dateText(c.ValidUntil)}
	}
}

func (s *Server) settingsForm(w http.ResponseWriter, r *http.Request) (unit.Unit, payForm, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return unit.Unit{}, payForm{}, errPayForm
	}
	u, err := s.procedureAdminUnit(r)
	return u, payForm{Values: map[string]string{}, Errors: map[string]fieldError{}}, err
}

func (s *Server) settingsDone(w http.ResponseWriter, r *http.Request, msg string) error {
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/admin/payments"+unitQuery(r), http.StatusSeeOther)
	return nil
}

func (s *Server) saveCollectionAccount(w http.ResponseWriter, r *http.Request) error {
	u, form, err := s.settingsForm(w, r)
	if err != nil {
		return err
	}
	for _, k := range []string{"bin", "number", "name"} {
		form.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	card := r.PostFormValue("card") == "1"
	if card {
		form.Values["card"] = "1"
	}
	// Account numbers are often copied with spaces or dots between groups.
	number := strings.NewReplacer(" ", "", ".", "", "-", "").Replace(form.Values["number"])
	if !binRE.MatchString(form.Values["bin"]) {
		form.Errors["bin"] = fieldBIN
	}
	switch {
	case card && !cardNumberRE.MatchString(number):
		form.Errors["number"] = fieldCardNumber
	case !card && !accountNumberRE.MatchString(number):
		form.Errors["number"] = fieldNumber
	}
	switch name := form.Values["name"]; {
	case name == "":
		form.Errors["name"] = fieldHolder
	case utf8.RuneCountInString(name) > 100:
		form.Errors["name"] = fieldHolderLong
	}
	refuse := func(err error) error {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		if len(form.Errors) == 0 {
			form.Alert, form.Code = e.Message, e.Code
		}
		return s.renderAdminPayments(w, r, e.Kind.HTTPStatus(), u, func(p *adminPaymentsPage) { p.AccountForm = form })
	}
	if len(form.Errors) > 0 {
		return refuse(errSettingsForms)
	}
	a, err := s.Payments.SetAccount(r.Context(), payment.Account{UnitID: u.ID, BIN: form.Values["bin"], Number: number,
		Name: form.Values["name"], Card: card})
	if err != nil {
		return refuse(err)
	}
	msg := "Đã lưu tài khoản thu " + a.Number + " tại ngân hàng có BIN " + a.BIN
	if payment.KnownBank(a.BIN) {
		msg += " (" + payment.BankName(a.BIN) + ")"
	}
	return s.settingsDone(w, r, msg+". Mã VietQR của các yêu cầu thanh toán từ nay chuyển tiền vào tài khoản này.")
}

func (s *Server) rotateSecret(w http.ResponseWriter, r *http.Request) error {
	u, form, err := s.settingsForm(w, r)
	if err != nil {
		return err
	}
	secret, ws, err := s.Payments.RotateWebhookSecret(r.Context(), u.ID)
	if errors.Is(err, payment.ErrNoAccount) {
		form.Alert, form.Code = "Hãy khai báo tài khoản thu trước khi tạo khóa bí mật.", apperr.From(err).Code
		return s.renderAdminPayments(w, r, http.StatusConflict, u, func(p *adminPaymentsPage) { p.SecretForm = form })
	}
	if err != nil {
		return err
	}
	// Shown in this answer only (pages are never cached): no redirect, which would need
	// to keep the secret somewhere to show it after.
	return s.renderAdminPayments(w, r, http.StatusOK, u, func(p *adminPaymentsPage) {
		p.NewSecret = secret
		if !ws.PreviousUntil.IsZero() && len(ws.Previous) > 0 {
			p.PreviousUntil = ws.PreviousUntil
		}
	})
}

func (s *Server) saveReceiptConfig(w http.ResponseWriter, r *http.Request) error {
	u, form, err := s.settingsForm(w, r)
	if err != nil {
		return err
	}
	for _, k := range []string{"name", "template", "series", "collector_name", "collector_tax_code", "collector_address", "valid_from", "valid_until"} {
		form.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	dates := map[string]calendar.Date{}
	for _, k := range []string{"valid_from", "valid_until"} {
		if v := form.Values[k]; v != "" {
			d, err := calendar.ParseDate(v)
			if err != nil || !d.IsValid() {
				form.Errors[k] = fieldValidity
				continue
			}
			dates[k] = d
		}
	}
	if len(form.Errors) > 0 {
		return s.renderAdminPayments(w, r, http.StatusUnprocessableEntity, u, func(p *adminPaymentsPage) { p.ReceiptForm = form })
	}
	cfg, err := s.Payments.SetReceiptConfig(r.Context(), payment.ReceiptConfig{UnitID: u.ID, Name: form.Values["name"],
		Template: form.Values["template"], Series: form.Values["series"], Collector: payment.Party{Name: form.Values["collector_name"],
			TaxCode: form.Values["collector_tax_code"], Address: form.Values["collector_address"]},
		ValidFrom: dates["valid_from"], ValidUntil: dates["valid_until"]})
	if err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid {
			return err
		}
		var re *payment.FeeReceiptError
		if errors.As(err, &re) {
			for _, p := range re.Problems {
				// The form names collector.tax_code collector_tax_code.
				name := strings.ReplaceAll(p.Field, ".", "_")
				if _, ok := form.Values[name]; ok {
					form.Errors[name] = fieldError{"invalid_receipt_" + name, upperFirst(p.Message) + "."}
				}
			}
		}
		if len(form.Errors) == 0 {
			form.Alert, form.Code = e.Message, e.Code
		}
		return s.renderAdminPayments(w, r, http.StatusUnprocessableEntity, u, func(p *adminPaymentsPage) { p.ReceiptForm = form })
	}
	return s.settingsDone(w, r, "Đã lưu cấu hình biên lai: mẫu "+cfg.Template+", ký hiệu "+cfg.Series+". Biên lai lập từ nay theo cấu hình này.")
}

// receiptKeyLimit bounds an uploaded PKCS #12 file: a key and a few certificates.
const receiptKeyLimit = 64 << 10

var (
	fieldKeyFile       = fieldError{"receipt_key_file_required", "Chọn tệp PKCS#12 (.p12 hoặc .pfx) chứa khóa và chứng thư số của đơn vị, tối đa 64 KiB."}
	fieldKeyPassphrase = fieldError{"receipt_key_passphrase_required", "Nhập mật khẩu của tệp PKCS#12."}
)

// installReceiptKey installs the unit's own receipt key from an uploaded PKCS #12 file
// and its passphrase (used to open the file, never kept): the checks and the sealing of
// payment.Service.AddReceiptKey, as `xaso receiptkey add`. The certificate's problems come back at
// the file's field with their codes (cert_expired, cert_no_signing_usage…).
func (s *Server) installReceiptKey(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, receiptKeyLimit+16<<10)
	if err := r.ParseMultipartForm(receiptKeyLimit + 16<<10); err != nil {
		return errPayForm
	}
	defer r.MultipartForm.RemoveAll()
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	form := payForm{Values: map[string]string{}, Errors: map[string]fieldError{}}
	refuse := func(status int) error {
		return s.renderAdminPayments(w, r, status, u, func(p *adminPaymentsPage) { p.KeyForm = form })
	}
	pass := r.PostFormValue("passphrase")
	if pass == "" {
		form.Errors["passphrase"] = fieldKeyPassphrase
	}
	var p12 []byte
	if f, hdr, err := r.FormFile("p12"); err == nil {
		defer f.Close()
		if hdr.Size > 0 && hdr.Size <= receiptKeyLimit {
			p12 = make([]byte, hdr.Size)
			if _, err := io.ReadFull(f, p12); err != nil {
				p12 = nil
			}
		}
	}
	if p12 == nil {
		form.Errors["p12"] = fieldKeyFile
	}
	if len(form.Errors) > 0 {
		return refuse(http.StatusUnprocessableEntity)
	}
	k, err := s.Payments.AddReceiptKey(r.Context(), u.ID, p12, pass)
	if err != nil {
		e := apperr.From(err)
		switch e.Kind {
		case apperr.Invalid, apperr.Conflict, apperr.Unauthenticated:
		default:
			return err
		}
		if errors.Is(err, signing.ErrWrongPassphrase) {
			form.Errors["passphrase"] = fieldError{e.Code, e.Message}
		} else {
			form.Errors["p12"] = fieldError{e.Code, e.Message}
		}
		status := e.Kind.HTTPStatus()
		if e.Kind == apperr.Unauthenticated {
			status = http.StatusUnprocessableEntity // a wrong passphrase is a form error, not a logout
		}
		return refuse(status)
	}
	return s.settingsDone(w, r, "Đã cài khóa ký biên lai của đơn vị: "+xmldsig.Name(k.Chain[0])+", hiệu lực đến "+
		locale.Day(k.NotAfter)+". Biên lai và bảng tổng hợp lập từ nay được ký bằng khóa này.")
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return strings.ToUpper(string(r)) + s[n:]
}

func (s *Server) adminPaymentRoutes() []httpx.Route {
	admin := httpx.OnlyRoles(auth.AdminRoles...)
	return []httpx.Route{
		{Pattern: "GET /admin/payments", Access: admin, Handler: s.adminPaymentsPage},
		{Pattern: "POST /admin/payments/account", Access: admin, Handler: s.saveCollectionAccount},
		{Pattern: "POST /admin/payments/secret", Access: admin, Handler: s.rotateSecret},
		{Pattern: "POST /admin/payments/receipts", Access: admin, Handler: s.saveReceiptConfig},
		{Pattern: "POST /admin/payments/receipt-key", Access: admin, Handler: s.installReceiptKey},
	}
}

// RulesFrom is the first day of the rules in force, as dates are written.
func (p adminPaymentsPage) RulesFrom() string { return locale.Day(p.Rules.From.Time()) }

// NextFrom is the first day of the next rules ("" when none is known).
func (p adminPaymentsPage) NextFrom() string {
	if p.NextRules == nil {
		return ""
	}
	return locale.Day(p.NextRules.From.Time())
}

func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// Validity writes the configuration's days of validity ("" when unbounded).
func (p adminPaymentsPage) Validity() string {
	c := p.Receipt
	switch {
	case c == nil || c.ValidFrom.IsZero() && c.ValidUntil.IsZero():
		return ""
	case c.ValidUntil.IsZero():
		return "từ ngày " + locale.Day(c.ValidFrom.Time())
	case c.ValidFrom.IsZero():
		return "đến hết ngày " + locale.Day(c.ValidUntil.Time())
	}
	return "từ ngày " + locale.Day(c.ValidFrom.Time()) + " đến hết ngày " + locale.Day(c.ValidUntil.Time())
}

// InForce reports whether the configuration may be used today.
func (p adminPaymentsPage) InForce() bool {
	return p.Receipt != nil && p.Receipt.InForce(p.Today)
}
