package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/payment"
)

// The fees of a dossier on the office's dossier page: bill it (again), change the copies
// a pending request charges for, cancel it. Each form posts to
// /office/dossiers/{code}/fees[/{reference}/{change|cancel}] and calls payment.Service
// as the API does; a refusal comes back on the page with the message at its field.

func (s *Server) dossierFeeRoutes() []httpx.Route {
	office := httpx.OnlyRoles(auth.OfficeRoles...)
	return []httpx.Route{
		{Pattern: "POST /office/dossiers/{code}/fees", Access: office, Handler: s.billDossier},
		{Pattern: "POST /office/dossiers/{code}/fees/{ref}/{op}", Access: office, Handler: s.changeFee},
	}
}

// feeDesk is what the officer may do with the dossier's fees.
type feeDesk struct {
	// Bill: the officer may make a request (none pending or paid, and the procedure
	// charges something); Copies: its fees are charged per copy.
	Bill, Copies bool
	Edits        []feeEdit
	// The last attempt's problem, drawn at its form: Form is "bill" or a reference.
	Form, Field, Error, Code string
	Typed                    url.Values
}

// feeEdit is a pending request the officer may change or cancel.
type feeEdit struct {
	Reference string
	Version   int
	Copies    int // as the request charges them (1 when no fee is per copy)
}

// feeAttempt is a refused fee form, to draw again with what was typed.
type feeAttempt struct {
	form, field string
	err         *apperr.Error
	typed       url.Values
}

// FieldError is the message of the attempt at field, or "".
func (f feeDesk) FieldError(form, field string) string {
	if f.Form == form && f.Field == field {
		return f.Error
	}
	return ""
}

// Open reports whether form ("<reference>/change") is the one that failed.
func (f feeDesk) Open(form string) bool { return f.Form == form }

// RequestError is a problem with request ref as a whole (changed meanwhile, no longer
// pending), from either of its forms.
func (f feeDesk) RequestError(ref string) string {
	if strings.HasPrefix(f.Form, ref+"/") && f.Field == "form" {
		return f.Error
	}
	return ""
}

// Value is what was typed at field of form in the failed attempt.
func (f feeDesk) Value(form, field string) string {
	if f.Form == form {
		return f.Typed.Get(field)
	}
	return ""
}

func (s *Server) feeDesk(ctx context.Context, d dossier.Dossier, a dossier.Actor, last *feeAttempt) (*feeDesk, error) {
	rules, err := s.Dossiers.Rules(ctx, d)
	if err != nil {
		return nil, err
	}
	prs, err := s.Store.PaymentRequestsOfDossier(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	desk := &feeDesk{Copies: perCopy(rules.Procedure)}
	open := false
	for _, pr := range prs {
		if pr.State == payment.StatePending || pr.State == payment.StatePaid {
			open = true
		}
		if pr.State == payment.StatePending && payment.MayChange(a.P, pr, d) && pr.Paid == 0 {
			e := feeEdit{Reference: pr.Reference, Version: pr.Version, Copies: 1}
			for _, it := range pr.Items {
				if it.Quantity > 0 {
					e.Copies = it.Quantity
				}
			}
			desk.Edits = append(desk.Edits, e)
		}
	}
	ended := d.Status == dossier.StatusRefused || d.Status == dossier.StatusStopped || d.Status == dossier.StatusWithdrawn
	desk.Bill = !open && !ended && payment.MayBill(d, a) && charges(rules.Procedure)
	if last != nil {
		desk.Form, desk.Field, desk.Error, desk.Code, desk.Typed = last.form, last.field, last.err.Message, last.err.Code, last.typed
		if last.form == "bill" {
			desk.Bill = true // a refused bill shows its form with the message
		}
	}
	if !desk.Bill && len(desk.Edits) == 0 && last == nil {
		return nil, nil
	}
	return desk, nil
}

// feeForm reads a fee form's body.
func feeForm(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	return nil
}

// copiesOf reads the copies typed ("" is one).
func copiesOf(r *http.Request) (int, error) {
	v := strings.TrimSpace(r.PostFormValue("copies"))
	if v == "" {
		return 1, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, payment.ErrInvalidCopies
	}
	return n, nil
}

func (s *Server) billDossier(w http.ResponseWriter, r *http.Request) error {
	if err := feeForm(w, r); err != nil {
		return err
	}
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	copies, err := copiesOf(r)
	if err == nil {
		_, err = s.Payments.CreateRequestFor(r.Context(), d, a, copies)
	}
	if err != nil {
		return s.feeRefused(w, r, d, a, "bill", err)
	}
	return s.feeDone(w, r, d, "Đã lập yêu cầu nộp phí, lệ phí.")
}

func (s *Server) changeFee(w http.ResponseWriter, r *http.Request) error {
	if err := feeForm(w, r); err != nil {
		return err
	}
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	ref, op := r.PathValue("ref"), r.PathValue("op")
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	reason := r.PostFormValue("reason")
	var msg string
	switch op {
	case "change":
		var copies int
		if copies, err = copiesOf(r); err == nil {
			_, err = s.Payments.ChangeRequest(r.Context(), d, a, ref, version, copies, reason)
		}
		msg = "Đã lập lại yêu cầu nộp phí theo số bản mới; yêu cầu cũ đã hủy."
	case "cancel":
		_, err = s.Payments.CancelRequest(r.Context(), d, a, ref, version, reason)
		msg = "Đã hủy yêu cầu nộp phí " + ref + "."
	default:
		return errNoPage
	}
	if err != nil {
		return s.feeRefused(w, r, d, a, ref+"/"+op, err)
	}
	return s.feeDone(w, r, d, msg)
}

func (s *Server) feeDone(w http.ResponseWriter, r *http.Request, d dossier.Dossier, msg string) error {
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code)+"#nop-phi", http.StatusSeeOther)
	return nil
}

// feeFields maps a refusal to the input it is about.
var feeFieldOf = map[string]string{
	payment.ErrInvalidCopies.Code:  "copies",
	payment.ErrNothingDue.Code:     "copies",
	payment.ErrReasonRequired.Code: "reason",
}

// feeRefused draws the dossier page again with the refused form open and its message at
// its field; errors that are no refusal of the input (not found, forbidden, a failure)
// go to the error adapter.
func (s *Server) feeRefused(w http.ResponseWriter, r *http.Request, d dossier.Dossier, a dossier.Actor, form string, err error) error {
	e := apperr.From(err)
	if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
		return err
	}
	field := feeFieldOf[e.Code]
	if field == "" {
		field = "form"
	}
	fa := &feeAttempt{form: form, field: field, err: e, typed: r.PostForm}
	return s.renderDossier(w, r, e.Kind.HTTPStatus(), d, a, &attempt{fee: fa})
}
