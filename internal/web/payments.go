package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
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
	"github.com/xaso-vn/xaso/internal/unit"
)

// The accountant's page (/office/payments): one day of the unit's fee collection
// reconciled (payment.Reconcile through store.PaymentDay), the requests still waiting
// for money with the actions on them, and the day's transfers no request took. Every
// action is a plain form POST (cross-origin requests are refused by the server's
// CrossOriginProtection, as for every form) that goes through the same state machine
// (payment.Service) as the JSON API (docs/PAYMENTS.md §7): one transaction per change,
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
	fieldPaidAt      = fieldOf(payment.ErrPaidAt)
	fieldReason      = fieldError{"payment_reason_required", "Nhập lý do."}
	fieldReasonLong  = fieldError{"payment_reason_too_long", "Lý do dài quá 2000 ký tự."}
	fieldRefund      = fieldError{"invalid_refund_amount", "Số tiền hoàn không hợp lệ: không quá số đã nộp, và yêu cầu đã nộp đủ chỉ hoàn phần nộp thừa hoặc toàn bộ."}
	fieldReference   = fieldError{"payment_request_not_found", "Không có yêu cầu thanh toán nào của đơn vị với nội dung chuyển khoản này."}
	fieldRefRequired = fieldError{"payment_reference_required", "Nhập nội dung chuyển khoản (mã XS… gồm 15 ký tự) của yêu cầu được thanh toán."}
)

type fieldError struct{ Code, Message string }

// fieldOf is the message of a payment rule's error, drawn at the field it concerns.
func fieldOf(err error) fieldError {
	e := apperr.From(err)
	return fieldError{e.Code, e.Message}
}

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
	payment.StoredRequest
	StateLabel  string
	Outstanding int64
	Receipt     *payment.StoredFeeReceipt
	// Signature is the receipt's signature check (payment.Service.CheckReceiptSignature).
	Signature payment.SignatureReport
	// Forms by action: confirm (statement), cash, cancel, refund, receipt.
	Forms   map[string]payForm
	CanAct  bool
	Actions map[string]bool
	Page    *paymentsPage
	// Listed: the request is drawn with its forms elsewhere on the page (among the
	// pending ones); here it is a summary linking there.
	Listed bool
	// Payer is the dossier's applicant, who pays.
	Payer string
}

// transferView is an unmatched bank transfer with the requests it may pay.
type transferView struct {
	payment.StoredNotification
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
	payers    map[int64]string // the applicants' names by dossier id
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
	rec, _, err := s.Store.PaymentDay(ctx, u.ID, day)
	if err != nil {
		return err
	}
	page := &paymentsPage{Unit: u, Day: day, Prev: day.AddDays(-1), Next: day.AddDays(1), Rec: rec,
		CanAct: auth.PrincipalFrom(ctx).Can(u.ID, paymentActRoles...), Today: day == calendar.DateOf(s.paymentsNow())}
	if q := r.URL.Query().Get("unit"); q != "" || r.PostFormValue("unit") != "" {
		page.UnitQuery = "&unit=" + url.QueryEscape(u.Code)
	}
	page.CSV = "/api/v1/payments/reconciliation?format=csv&unit=" + url.QueryEscape(u.Code) + "&date=" + day.String()
	page.Summary = "/api/v1/payments/receipts/summary?unit=" + url.QueryEscape(u.Code) + "&date=" + day.String()
	if err := s.payRequests(ctx, page, rec, last); err != nil {
		return err
	}
	// The queue: every transfer still unmatched, whatever its day (the day's figures
	// count the day's own, unmatched).
	queue, err := s.Store.UnmatchedNotifications(ctx, u.ID, 200)
	if err != nil {
		return err
	}
	page.Transfers = s.transferViews(ctx, u, queue, last)
	v := s.view(r, "Thu phí, lệ phí")
	v.Area, v.Nav = "office", "payments"
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Data = *page
	return s.views.render(w, status, "payments", v)
}

// payRequests fills the page's pending requests (all of them, whatever their day) and the
// day's lines, each with its forms; a line drawn among the pending ones is Listed.
func (s *Server) payRequests(ctx context.Context, page *paymentsPage, rec payment.Reconciliation, last *payAttempt) error {
	pending, err := s.Store.PendingPaymentRequests(ctx, page.Unit.ID, 200)
	if err != nil {
		return err
	}
	var lines []payment.StoredRequest
	for _, l := range rec.Lines {
		if !l.Known {
			continue
		}
		pr, err := s.Store.PaymentRequest(ctx, l.RequestID)
		if err != nil {
			return err
		}
		lines = append(lines, pr)
	}
	ids := make([]int64, 0, len(pending)+len(lines))
	for _, pr := range slices.Concat(pending, lines) {
		ids = append(ids, pr.DossierID)
	}
	if page.payers, err = s.Store.ApplicantNames(ctx, ids); err != nil {
		return err
	}
	seen := map[int64]bool{}
	for _, pr := range pending {
		v, err := s.payRequestView(ctx, page, pr, last)
		if err != nil {
			return err
		}
		page.Pending = append(page.Pending, v)
		seen[pr.ID] = true
	}
	for _, pr := range lines {
		v, err := s.payRequestView(ctx, page, pr, last)
		if err != nil {
			return err
		}
		v.Listed = seen[pr.ID]
		page.Lines = append(page.Lines, v)
	}
	return nil
}

// payRequestView is one request with the actions its state allows, its receipt and its
// signature check, and the form last refused on it.
func (s *Server) payRequestView(ctx context.Context, page *paymentsPage, pr payment.StoredRequest, last *payAttempt) (payRequestView, error) {
	v := payRequestView{StoredRequest: pr, StateLabel: pr.State.Label(), Outstanding: pr.Outstanding(), CanAct: page.CanAct,
		Forms: map[string]payForm{}, Actions: map[string]bool{}, Page: page, Payer: page.payers[pr.DossierID]}
	for _, a := range payment.Allowed(pr.State) {
		v.Actions[string(a)] = true
	}
	v.Actions["cash"] = v.Actions["confirm"] && pr.State == payment.StatePending
	v.Actions["receipt"] = pr.State == payment.StatePaid && pr.ReceiptID == 0
	if pr.ReceiptID != 0 {
		rc, err := s.Store.FeeReceipt(ctx, pr.ReceiptID)
		if err != nil {
			return v, err
		}
		v.Receipt = &rc
		if v.Signature, err = s.Payments.CheckReceiptSignature(ctx, rc); err != nil {
			return v, err
		}
		v.Actions["receipt-cancel"] = rc.Cancellation == nil
		v.Actions["receipt-replace"] = rc.Cancellation != nil && rc.ReplacedBy == 0
	}
	if last != nil && last.Key == pr.Reference {
		v.Forms[last.Action] = last.Form
	}
	return v, nil
}

// transferViews are the day's unmatched transfers, each with the requests of the unit it
// may pay and the form last refused on it.
func (s *Server) transferViews(ctx context.Context, u unit.Unit, unmatched []payment.StoredNotification, last *payAttempt) []transferView {
	var out []transferView
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
		out = append(out, t)
	}
	return out
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

// payActionsOf are the page's actions on a request, as the service names them.
var payActionsOf = map[string]payment.Action{"confirm": payment.ActConfirm, "cash": payment.ActConfirm,
	"cancel": payment.ActCancel, "refund": payment.ActRefund, "receipt": payment.ActIssueReceipt,
	"receipt-cancel": payment.ActIssueReceipt, "receipt-replace": payment.ActIssueReceipt}

// paymentAction runs one of a request's forms through the payment service; a refused
// form comes back open with the values typed and the messages at their fields.
func (s *Server) paymentAction(w http.ResponseWriter, r *http.Request) error {
	action := r.PathValue("action")
	if _, ok := payActionsOf[action]; !ok {
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
	ref := strings.ToUpper(strings.TrimSpace(r.PathValue("reference")))
	form := payFormOf(r, "amount", "transaction_id", "paid_at", "reason", "note", "payer_name", "payer_address")
	refuse := func(err error) error {
		return s.refusePayment(w, r, u, day, &payAttempt{Key: ref, Action: action, Form: form}, err)
	}
	if action == "receipt" {
		if _, err := s.Payments.IssueFeeReceipt(r.Context(), auth.PrincipalFrom(r.Context()), ref, u.ID); err != nil {
			return refuse(err)
		}
		return s.paymentDone(w, r, u, day, "Đã lập biên lai cho yêu cầu "+ref+".")
	}
	if action == "receipt-cancel" || action == "receipt-replace" {
		// The request's receipt (the last of its chain): cancelled with a reason, then
		// replaced by a new one that refers to it.
		p := auth.PrincipalFrom(r.Context())
		pr, _, err := s.Payments.FindFor(r.Context(), p, payment.ActIssueReceipt, ref, u.ID)
		if err != nil {
			return refuse(err)
		}
		if pr.ReceiptID == 0 {
			return refuse(payment.ErrReceiptNotFound)
		}
		if action == "receipt-cancel" {
			if utf8.RuneCountInString(form.Values["reason"]) > 2000 {
				form.Errors["reason"] = fieldReasonLong
				return refuse(errPayFields)
			}
			rc, err := s.Payments.CancelFeeReceipt(r.Context(), p, pr.ReceiptID, form.Values["reason"])
			if err != nil {
				if errors.Is(err, payment.ErrCancelReason) {
					form.Errors["reason"] = fieldReason
				}
				return refuse(err)
			}
			return s.paymentDone(w, r, u, day, "Đã hủy biên lai số "+rc.NumberText()+" của yêu cầu "+ref+". Lập biên lai thay thế ở mục của yêu cầu.")
		}
		rc, err := s.Payments.ReplaceFeeReceipt(r.Context(), p, pr.ReceiptID, payment.Party{Name: form.Values["payer_name"], Address: form.Values["payer_address"]})
		if err != nil {
			return refuse(err)
		}
		return s.paymentDone(w, r, u, day, "Đã lập biên lai số "+rc.NumberText()+" thay thế cho biên lai đã hủy của yêu cầu "+ref+".")
	}
	act := form.act(action, s.paymentsNow())
	act.Version, err = strconv.Atoi(r.PostFormValue("version"))
	if err != nil || act.Version <= 0 {
		act.Version = -1 // not the version of any request: payment_changed
	}
	if len(form.Errors) > 0 {
		return refuse(errPayFields)
	}
	saved, issued, err := s.Payments.Do(r.Context(), auth.PrincipalFrom(r.Context()), ref, u.ID, act)
	if err != nil {
		return refuse(err)
	}
	return s.paymentDone(w, r, u, day, payDoneMessage(action, saved, issued))
}

// payFormOf is a posted form with the values of its fields, trimmed.
func payFormOf(r *http.Request, fields ...string) payForm {
	form := payForm{Values: map[string]string{}, Errors: map[string]fieldError{}}
	for _, k := range fields {
		form.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	return form
}

// act reads the change a form of action asks for, noting at their fields the values
// that cannot be read or that the payment rules refuse on their face.
func (f payForm) act(action string, now time.Time) payment.Act {
	act := payment.Act{Action: payActionsOf[action], Reason: f.Values["reason"], Note: f.Values["note"]}
	switch action {
	case "confirm", "cash":
		act.Method = payment.MethodCash
		if action == "confirm" {
			act.Method, act.TransactionID = payment.MethodStatement, f.Values["transaction_id"]
			if err := payment.CheckTransactionID(act.TransactionID); err != nil {
				f.Errors["transaction_id"] = fieldOf(err)
			}
		}
		act.PaidAt = f.paidAt(now)
	default:
		if utf8.RuneCountInString(act.Reason) > 2000 {
			f.Errors["reason"] = fieldReasonLong
		} else if act.Reason == "" {
			f.Errors["reason"] = fieldReason
		}
	}
	if action != "cancel" {
		var ok bool
		if act.Amount, ok = parseAmount(f.Values["amount"]); !ok {
			f.Errors["amount"] = fieldAmount
		}
	}
	return act
}

// paidAt reads the optional time the money moved, typed in Vietnam's time.
func (f payForm) paidAt(now time.Time) time.Time {
	v := f.Values["paid_at"]
	if v == "" {
		return time.Time{}
	}
	t, err := time.ParseInLocation(paidAtLayout, v, locale.Zone)
	if err == nil {
		err = payment.CheckPaidAt(t, now)
	}
	if err != nil {
		f.Errors["paid_at"] = fieldPaidAt
		return time.Time{}
	}
	return t
}

// refusePayment draws the page again with the refused form of attempt open: the
// payment rules' field errors at their fields, any other refusal (a conflict) as the
// form's alert. Errors that are not the caller's (not found, forbidden, failures) are
// returned as they are.
func (s *Server) refusePayment(w http.ResponseWriter, r *http.Request, u unit.Unit, day calendar.Date, attempt *payAttempt, err error) error {
	e := apperr.From(err)
	if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
		return err
	}
	form := attempt.Form
	switch {
	case errors.Is(err, payment.ErrReasonRequired):
		form.Errors["reason"] = fieldReason
	case errors.Is(err, payment.ErrRefundAmount):
		form.Errors["amount"] = fieldRefund
	case errors.Is(err, payment.ErrInvalidAmount):
		form.Errors["amount"] = fieldAmount
	case errors.Is(err, payment.ErrTransactionIDRequired), errors.Is(err, payment.ErrTransactionID):
		form.Errors["transaction_id"] = fieldOf(err)
	case errors.Is(err, payment.ErrPaidAt):
		form.Errors["paid_at"] = fieldPaidAt
	default:
		if len(form.Errors) == 0 {
			form.Alert, form.Code = e.Message, e.Code
		}
	}
	attempt.Form = form
	return s.renderPayments(w, r, e.Kind.HTTPStatus(), u, day, attempt)
}

// payDoneMessage says what a change did, for the flash message.
func payDoneMessage(action string, saved payment.StoredRequest, issued payment.Issued) string {
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
	return msg
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

// matchTransfer records an unmatched transfer on the request the accountant names
// (payment.Service.MatchTransfer): a confirmation by statement that takes the transfer's
// amount, time and transaction id, and ties the notification to the request in the same
// transaction.
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
		return payment.ErrNotificationNotFound
	}
	form := payFormOf(r, "reference")
	saved, issued, n, err := s.Payments.MatchTransfer(ctx, p, u.ID, id, form.Values["reference"])
	if err != nil {
		return s.refuseTransfer(w, r, u, day, &payAttempt{Key: "transfer:" + strconv.FormatInt(id, 10), Form: form}, err)
	}
	msg := fmt.Sprintf("Đã ghi nhận giao dịch %s (%s) cho yêu cầu %s — %s.", n.TransactionID, locale.Money(n.Amount), saved.Reference, saved.State.Label())
	if issued.Receipt != nil {
		msg += " Đã lập biên lai số " + issued.Receipt.NumberText() + "."
	}
	return s.paymentDone(w, r, u, day, msg)
}

// refuseTransfer draws the page again with the refused transfer's form open. A
// notification that is not the unit's is not found; a reference that names no request
// of the unit is the form's problem (422), at its field.
func (s *Server) refuseTransfer(w http.ResponseWriter, r *http.Request, u unit.Unit, day calendar.Date, attempt *payAttempt, err error) error {
	form := attempt.Form
	switch {
	case errors.Is(err, payment.ErrNotificationNotFound):
		return err
	case errors.Is(err, payment.ErrReferenceRequired):
		form.Errors["reference"] = fieldRefRequired
		err = errPayFields
	case errors.Is(err, payment.ErrRequestNotFound):
		form.Errors["reference"] = fieldReference
		err = errPayFields
	}
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
	attempt.Form = form
	return s.renderPayments(w, r, status, u, day, attempt)
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
func (p paymentsPage) DateText() string { return locale.Day(p.Day.Time()) }

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
