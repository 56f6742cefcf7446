package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The accountant's page (/office/payments): one day of the unit's fee collection
// reconciled (payment.Reconcile through store.PaymentDay), the requests still waiting
// for money with the actions on them, and the day's transfers no request took. Every
// action is a plain form POST (cross-origin requests are refused by the server's
// CrossOriginProtection, as for every form) that goes through the same state machine
// and store methods as the JSON API (docs/PAYMENTS.md §7): one transaction per change,
// with its history event and audit record. The unit's administrators see the page;
// only its accountants act.

// paymentPageRoles may open the accountant's page; paymentActRoles may act on it.
var (
	paymentPageRoles = []auth.Role{auth.RoleAccountant, auth.RoleUnitAdmin}
	paymentActRoles  = []auth.Role{auth.RoleAccountant}
)

// Errors of the accountant's page; their codes are stable.
var (
	errPayDate = apperr.New(apperr.Invalid, "invalid_date", "Ngày phải có dạng năm-tháng-ngày (ví dụ 2026-07-02).")
	errPayForm = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")
	// errPayAction is an action the page does not have.
	errPayAction = apperr.New(apperr.NotFound, "unknown_action", "Không có thao tác này.")
)

// Field messages of the page's forms, each with its stable code.
var (
	fieldAmount      = fieldError{"invalid_payment_amount", "Nhập số tiền bằng chữ số, lớn hơn 0 (ví dụ 50000 hoặc 50.000)."}
	fieldTxRequired  = fieldError{"transaction_id_required", "Nhập mã giao dịch in trên sao kê ngân hàng."}
	fieldTxInvalid   = fieldError{"invalid_transaction_id", "Mã giao dịch gồm 1–64 chữ cái không dấu, chữ số hoặc . _ : / -."}
	fieldPaidAt      = fieldError{"invalid_paid_at", "Thời điểm nộp tiền không hợp lệ hoặc ở tương lai."}
	fieldReason      = fieldError{"payment_reason_required", "Nhập lý do."}
	fieldReasonLong  = fieldError{"payment_reason_too_long", "Lý do dài quá 2000 ký tự."}
	fieldRefund      = fieldError{"invalid_refund_amount", "Số tiền hoàn không hợp lệ: không quá số đã nộp, và yêu cầu đã nộp đủ chỉ hoàn phần nộp thừa hoặc toàn bộ."}
	fieldReference   = fieldError{"payment_request_not_found", "Không có yêu cầu thanh toán nào của đơn vị với nội dung chuyển khoản này."}
	fieldRefRequired = fieldError{"payment_reference_required", "Nhập nội dung chuyển khoản (mã XS… gồm 15 ký tự) của yêu cầu được thanh toán."}
)

type fieldError struct{ Code, Message string }

// transactionRE is the shape of a bank transaction id, as the webhook accepts it.
var transactionRE = regexp.MustCompile(`^[A-Za-z0-9._:/-]{1,64}$`)

// payForm is what a form of the page was sent with and what was wrong with it, so the
// page can be drawn again with the values kept and the messages at their fields.
type payForm struct {
	Values map[string]string
	Errors map[string]fieldError
	// Alert is a message for the whole form (a conflict); Code its stable code.
	Alert, Code string
}

func (f payForm) Value(name string) string { return f.Values[name] }

// Failed reports whether the form was sent and refused.
func (f payForm) Failed() bool { return len(f.Errors) > 0 || f.Alert != "" }

// payRequestView is one request on the page with its forms.
type payRequestView struct {
	store.PaymentRequest
	StateLabel  string
	Outstanding int64
	Receipt     *store.StoredReceipt
	// Signature is the receipt's signature check (Store.CheckReceiptSignature).
	Signature payment.SignatureReport
	// Forms by action: confirm (statement), cash, cancel, refund, receipt.
	Forms   map[string]payForm
	CanAct  bool
	Actions map[string]bool
	Page    *paymentsPage
	// Listed: the request is drawn with its forms elsewhere on the page (among the
	// pending ones); here it is a summary linking there.
	Listed bool
}

// transferView is an unmatched bank transfer with the requests it may pay.
type transferView struct {
	store.StoredNotification
	OutcomeLabel string
	Suggested    []string // references
	Form         payForm
}

type paymentsPage struct {
	Unit      unit.Unit
	UnitQuery string // "&unit=CODE" when the page was opened for a chosen unit
	Day       calendar.Date
	Prev      calendar.Date
	Next      calendar.Date
	Today     bool
	Rec       payment.Reconciliation
	Lines     []payRequestView
	Pending   []payRequestView
	Transfers []transferView
	CanAct    bool
	CSV       string
	Summary   string
}

// paymentsUnit is the unit whose collection the page shows: ?unit=CODE, which the
// caller must be an accountant or administrator of, else the caller's first such unit,
// else (the system administrator) the home unit.
func (s *Server) paymentsUnit(r *http.Request) (unit.Unit, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	code := r.URL.Query().Get("unit")
	if code == "" && r.Method == http.MethodPost {
		code = r.PostFormValue("unit")
	}
	if code != "" {
		u, err := s.Store.UnitByCode(ctx, code)
		if err != nil {
			return u, err
		}
		if !p.Can(u.ID, paymentPageRoles...) {
			return u, apperr.ErrForbidden
		}
		return u, nil
	}
	for _, m := range p.Memberships {
		if m.Role == auth.RoleAccountant || m.Role == auth.RoleUnitAdmin {
			return s.Store.UnitByID(ctx, m.UnitID)
		}
	}
	if p.IsSystemAdmin() {
		return s.Store.UnitByID(ctx, s.HomeUnitID)
	}
	return unit.Unit{}, apperr.ErrForbidden
}

func (s *Server) paymentsNow() time.Time {
	if s.Dossiers != nil && s.Dossiers.Now != nil {
		return s.Dossiers.Now()
	}
	return time.Now()
}

// payDay reads a day (YYYY-MM-DD); today in Vietnam when empty.
func payDay(v string, now time.Time) (calendar.Date, error) {
	if v == "" {
		return calendar.DateOf(now), nil
	}
	d, err := calendar.ParseDate(v)
	if err != nil || !d.IsValid() {
		return d, errPayDate
	}
	return d, nil
}

func (s *Server) paymentsPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.paymentsUnit(r)
	if err != nil {
		return err
	}
	day, err := payDay(r.URL.Query().Get("date"), s.paymentsNow())
	if err != nil {
		return err
	}
	return s.renderPayments(w, r, http.StatusOK, u, day, nil)
}

// payAttempt is a refused form: Key names what it acted on (the request's reference, or
// "transfer:ID"), Action which of its forms.
type payAttempt struct {
	Key    string
	Action string
	Form   payForm
}

func (s *Server) renderPayments(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, day calendar.Date, last *payAttempt) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	rec, unmatched, err := s.Store.PaymentDay(ctx, u.ID, day)
	if err != nil {
		return err
	}
	pending, err := s.Store.PendingPaymentRequests(ctx, u.ID, 200)
	if err != nil {
		return err
	}
	page := paymentsPage{Unit: u, Day: day, Prev: day.AddDays(-1), Next: day.AddDays(1), Rec: rec,
		CanAct: p.Can(u.ID, paymentActRoles...)}
	page.Today = day == calendar.DateOf(s.paymentsNow())
	if q := r.URL.Query().Get("unit"); q != "" || r.PostFormValue("unit") != "" {
		page.UnitQuery = "&unit=" + url.QueryEscape(u.Code)
	}
	page.CSV = "/api/v1/payments/reconciliation?format=csv&unit=" + url.QueryEscape(u.Code) + "&date=" + day.String()
	page.Summary = "/api/v1/payments/receipts/summary?unit=" + url.QueryEscape(u.Code) + "&date=" + day.String()
	view := func(pr store.PaymentRequest) (payRequestView, error) {
		v := payRequestView{PaymentRequest: pr, StateLabel: pr.State.Label(), Outstanding: pr.Outstanding(), CanAct: page.CanAct,
			Forms: map[string]payForm{}, Actions: map[string]bool{}, Page: &page}
		for _, a := range payment.Allowed(pr.State) {
			v.Actions[string(a)] = true
		}
		v.Actions["cash"] = v.Actions["confirm"] && pr.State == payment.StatePending
		v.Actions["receipt"] = pr.State == payment.StatePaid && pr.ReceiptID == 0
		if pr.ReceiptID != 0 {
			rc, err := s.Store.Receipt(ctx, pr.ReceiptID)
			if err != nil {
				return v, err
			}
			v.Receipt = &rc
			if v.Signature, err = s.Store.CheckReceiptSignature(ctx, rc); err != nil {
				return v, err
			}
		}
		if last != nil && last.Key == pr.Reference {
			v.Forms[last.Action] = last.Form
		}
		return v, nil
	}
	seen := map[int64]bool{}
	for _, pr := range pending {
		v, err := view(pr)
		if err != nil {
			return err
		}
		page.Pending = append(page.Pending, v)
		seen[pr.ID] = true
	}
	for _, l := range rec.Lines {
		if !l.Known {
			continue
		}
		pr, err := s.Store.PaymentRequest(ctx, l.RequestID)
		if err != nil {
			return err
		}
		v, err := view(pr)
		if err != nil {
			return err
		}
		v.Listed = seen[pr.ID]
		page.Lines = append(page.Lines, v)
	}
	for _, n := range unmatched {
		t := transferView{StoredNotification: n, OutcomeLabel: n.Outcome.Label()}
		for _, id := range n.Suggestions {
			if pr, err := s.Store.PaymentRequest(ctx, id); err == nil && pr.UnitID == u.ID && pr.State != payment.StateRefunded {
				t.Suggested = append(t.Suggested, pr.Reference)
			}
		}
		if last != nil && last.Key == "transfer:"+strconv.FormatInt(n.ID, 10) {
			t.Form = last.Form
		}
		page.Transfers = append(page.Transfers, t)
	}
	v := s.view(r, "Thu phí, lệ phí")
	v.Area, v.Nav = "office", "payments"
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Data = page
	return s.views.render(w, status, "payments", v)
}

// parseAmount reads an amount of đồng as people type it: digits, with dots, commas or
// spaces between thousands, and an optional "đ" or "đồng".
func parseAmount(s string) (int64, bool) {
	s = strings.TrimSpace(strings.ToLower(s))
	s = strings.TrimSuffix(strings.TrimSuffix(s, "đồng"), "đ")
	s = strings.NewReplacer(".", "", ",", "", " ", "", "\u00a0", "").Replace(s)
	if s == "" || len(s) > 13 {
		return 0, false
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}

// paidAtLayout is what an <input type="datetime-local"> sends.
const paidAtLayout = "2006-01-02T15:04"

func (s *Server) paymentAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	action := r.PathValue("action")
	switch action {
	case "confirm", "cash", "cancel", "refund", "receipt":
	default:
		return errPayAction
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errPayForm
	}
	u, err := s.paymentsUnit(r)
	if err != nil {
		return err
	}
	day, err := payDay(r.PostFormValue("date"), s.paymentsNow())
	if err != nil {
		return err
	}
	pr, err := s.unitRequest(r, u, r.PathValue("reference"))
	if err != nil {
		return err
	}
	form := payForm{Values: map[string]string{}, Errors: map[string]fieldError{}}
	for _, k := range []string{"amount", "transaction_id", "paid_at", "reason", "note"} {
		form.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	refuse := func(err error) error {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		switch {
		case errors.Is(err, payment.ErrReasonRequired):
			form.Errors["reason"] = fieldReason
		case errors.Is(err, payment.ErrRefundAmount):
			form.Errors["amount"] = fieldRefund
		case errors.Is(err, payment.ErrInvalidAmount):
			form.Errors["amount"] = fieldAmount
		default:
			if len(form.Errors) == 0 {
				form.Alert, form.Code = e.Message, e.Code
			}
		}
		return s.renderPayments(w, r, e.Kind.HTTPStatus(), u, day, &payAttempt{Key: pr.Reference, Action: action, Form: form})
	}
	if v := r.PostFormValue("version"); v != strconv.Itoa(pr.Version) {
		return refuse(store.ErrPaymentChanged)
	}
	now := s.paymentsNow()
	if action == "receipt" {
		if _, err := s.Store.IssueReceipt(ctx, pr.ID, now); err != nil {
			return refuse(err)
		}
		return s.paymentDone(w, r, u, day, "Đã lập biên lai cho yêu cầu "+pr.Reference+".")
	}
	after := pr
	var ev payment.Event
	switch action {
	case "confirm", "cash":
		pay := payment.Payment{Method: payment.MethodCash, At: now, By: payActor(p), Note: form.Values["note"]}
		amount, ok := parseAmount(form.Values["amount"])
		if !ok {
			form.Errors["amount"] = fieldAmount
		}
		pay.Amount = amount
		if action == "confirm" {
			pay.Method, pay.TransactionID = payment.MethodStatement, form.Values["transaction_id"]
			switch {
			case pay.TransactionID == "":
				form.Errors["transaction_id"] = fieldTxRequired
			case !transactionRE.MatchString(pay.TransactionID):
				form.Errors["transaction_id"] = fieldTxInvalid
			}
		}
		if v := form.Values["paid_at"]; v != "" {
			t, err := time.ParseInLocation(paidAtLayout, v, calendar.Location)
			if err != nil || t.After(now.Add(payment.NotificationTolerance)) || t.Year() < 2020 {
				form.Errors["paid_at"] = fieldPaidAt
			} else {
				pay.At = t
			}
		}
		if len(form.Errors) > 0 {
			return refuse(errPayFields)
		}
		if ev, err = after.Confirm(pay, now); err != nil {
			return refuse(err)
		}
	case "cancel", "refund":
		if utf8.RuneCountInString(form.Values["reason"]) > 2000 {
			form.Errors["reason"] = fieldReasonLong
		} else if form.Values["reason"] == "" {
			form.Errors["reason"] = fieldReason
		}
		var amount int64
		if action == "refund" {
			var ok bool
			if amount, ok = parseAmount(form.Values["amount"]); !ok {
				form.Errors["amount"] = fieldAmount
			}
		}
		if len(form.Errors) > 0 {
			return refuse(errPayFields)
		}
		if action == "cancel" {
			ev, err = after.Cancel(payActor(p), form.Values["reason"], now)
		} else {
			ev, err = after.Refund(payActor(p), amount, form.Values["reason"], now)
		}
		if err != nil {
			return refuse(err)
		}
	}
	saved, issued, err := s.Store.SavePayment(ctx, store.PaymentChange{Before: pr, After: after.Request, Event: ev})
	if err != nil {
		return refuse(err)
	}
	msg := fmt.Sprintf("%s: yêu cầu %s (hồ sơ %s) — %s.", payActionLabels[action], saved.Reference, saved.DossierCode, saved.State.Label())
	switch {
	case saved.Flags.Partial:
		msg += " Còn thiếu " + locale.Money(saved.Outstanding()) + "."
	case saved.Flags.Over:
		msg += " Nộp thừa " + locale.Money(saved.Net()-saved.Amount) + ": cần hoàn lại."
	}
	if issued.Receipt != nil {
		msg += " Đã lập biên lai số " + issued.Receipt.NumberText() + "."
	} else if issued.NotIssued != nil {
		msg += " Chưa lập được biên lai: " + apperr.From(issued.NotIssued).Message
	}
	return s.paymentDone(w, r, u, day, msg)
}

var errPayFields = apperr.New(apperr.Invalid, "invalid_form", "Thông tin chưa hợp lệ.")

var payActionLabels = map[string]string{
	"confirm": "Đã ghi nhận chuyển khoản theo sao kê",
	"cash":    "Đã thu tiền mặt",
	"cancel":  "Đã hủy",
	"refund":  "Đã ghi nhận hoàn tiền",
}

// paymentDone sends the accountant back to the day, with what happened.
func (s *Server) paymentDone(w http.ResponseWriter, r *http.Request, u unit.Unit, day calendar.Date, msg string) error {
	s.sessions.Put(r.Context(), "flash", msg)
	dest := "/office/payments?date=" + day.String()
	if r.PostFormValue("unit") != "" {
		dest += "&unit=" + url.QueryEscape(u.Code)
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}

// unitRequest is the request of unit u with a reference, for an accountant of u; any
// other caller, and a reference of another unit, is 404.
func (s *Server) unitRequest(r *http.Request, u unit.Unit, ref string) (store.PaymentRequest, error) {
	p := auth.PrincipalFrom(r.Context())
	ref = strings.ToUpper(strings.TrimSpace(ref))
	if len(ref) != payment.ReferenceLength {
		return store.PaymentRequest{}, store.ErrPaymentNotFound
	}
	prs, err := s.Store.PaymentRequestsByReference(r.Context(), ref)
	if err != nil {
		return store.PaymentRequest{}, err
	}
	for _, pr := range prs {
		if pr.UnitID == u.ID && p.Can(pr.UnitID, paymentActRoles...) {
			return pr, nil
		}
	}
	return store.PaymentRequest{}, store.ErrPaymentNotFound
}

// matchTransfer records an unmatched transfer on the request the accountant names: a
// confirmation by statement that takes the transfer's amount, time and transaction id,
// and ties the notification to the request in the same transaction.
func (s *Server) matchTransfer(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errPayForm
	}
	u, err := s.paymentsUnit(r)
	if err != nil {
		return err
	}
	if !p.Can(u.ID, paymentActRoles...) {
		return apperr.ErrForbidden
	}
	day, err := payDay(r.PostFormValue("date"), s.paymentsNow())
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return store.ErrNotificationNotFound
	}
	n, err := s.Store.PaymentNotification(ctx, id)
	if err != nil {
		return err
	}
	if n.UnitID != u.ID {
		return store.ErrNotificationNotFound
	}
	form := payForm{Values: map[string]string{"reference": strings.TrimSpace(r.PostFormValue("reference"))}, Errors: map[string]fieldError{}}
	refuse := func(err error) error {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict && e.Kind != apperr.NotFound {
			return err
		}
		if len(form.Errors) == 0 {
			form.Alert, form.Code = e.Message, e.Code
		}
		status := e.Kind.HTTPStatus()
		if e.Kind == apperr.NotFound {
			status = http.StatusUnprocessableEntity
		}
		return s.renderPayments(w, r, status, u, day, &payAttempt{Key: "transfer:" + strconv.FormatInt(id, 10), Form: form})
	}
	if n.RequestID != 0 {
		return refuse(store.ErrNotificationMatched)
	}
	ref, _ := payment.ParseReference(form.Values["reference"])
	switch {
	case form.Values["reference"] == "":
		form.Errors["reference"] = fieldRefRequired
		return refuse(errPayFields)
	case ref == "":
		ref = strings.ToUpper(form.Values["reference"])
	}
	pr, err := s.unitRequest(r, u, ref)
	if errors.Is(err, store.ErrPaymentNotFound) {
		form.Errors["reference"] = fieldReference
		return refuse(errPayFields)
	}
	if err != nil {
		return err
	}
	now := s.paymentsNow()
	after := pr
	ev, err := after.Confirm(payment.Payment{Method: payment.MethodStatement, Amount: n.Amount, At: n.TransactedAt,
		TransactionID: n.TransactionID, By: payActor(p)}, now)
	if err != nil {
		return refuse(err)
	}
	saved, issued, err := s.Store.SavePayment(ctx, store.PaymentChange{Before: pr, After: after.Request, Event: ev, NotificationID: n.ID})
	if err != nil {
		return refuse(err)
	}
	msg := fmt.Sprintf("Đã ghi nhận giao dịch %s (%s) cho yêu cầu %s — %s.", n.TransactionID, locale.Money(n.Amount), saved.Reference, saved.State.Label())
	if issued.Receipt != nil {
		msg += " Đã lập biên lai số " + issued.Receipt.NumberText() + "."
	}
	return s.paymentDone(w, r, u, day, msg)
}

// payActor is the official answering for a change.
func payActor(p *auth.Principal) payment.Actor {
	name := p.FullName
	if name == "" {
		name = p.Username
	}
	return payment.Actor{ID: p.UserID, Name: name}
}

// paymentPageRoutes are the accountant's page and its actions.
func (s *Server) paymentPageRoutes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /office/payments", Access: httpx.OnlyRoles(paymentPageRoles...), Handler: s.paymentsPage},
		{Pattern: "POST /office/payments/{reference}/{action}", Access: httpx.OnlyRoles(paymentActRoles...), Handler: s.paymentAction},
		{Pattern: "POST /office/payments/transfers/{id}", Access: httpx.OnlyRoles(paymentActRoles...), Handler: s.matchTransfer},
	}
}

// Err is the message at a field of the form ("" for none).
func (f payForm) Err(name string) string { return f.Errors[name].Message }

// ErrCode is the stable code of the problem at a field.
func (f payForm) ErrCode(name string) string { return f.Errors[name].Code }

// Form is the state of one of the request's forms.
func (v payRequestView) Form(action string) payForm { return v.Forms[action] }

// DateText is the day shown, as dates are written.
func (p paymentsPage) DateText() string { return locale.Date(p.Day.Time()) }

// payInput is one input of a form of the page, for the "payField" template.
type payInput struct {
	F                                    payForm
	ID, Name, Label, Type, Help, Default string
}

// Field describes an input of the form: its id prefix, name, label, type, help text and
// the value it starts with.
func (f payForm) Field(id, name, label, typ, help, def string) payInput {
	return payInput{F: f, ID: id, Name: name, Label: label, Type: typ, Help: help, Default: def}
}
