// Package printing fills the one-stop forms of Circular 03/2025/TT-VPCP (internal/forms)
// from a dossier, its history and its procedure: the receipt (01), the supplement request
// (02), the refusal (03), the apology and extension (04), the stop notice (05) and the
// process-control slip (06). The API and the office pages serve what it returns.
package printing

import (
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Printable is a filled form.
type Printable interface {
	PDF(w io.Writer) error
	HTML(w io.Writer) error
}

// Input is everything a form may show.
type Input struct {
	Dossier   dossier.Dossier
	Events    []dossier.Event
	Procedure catalog.Procedure
	Receiving unit.Unit
	Competent unit.Unit
	Calendar  *calendar.Calendar // the competent unit's, for each step's timeliness
	LookupURL string             // what the receipt's QR code opens: the look-up page with the secret
	// Paperwork is what the forms record beyond the dossier's row: the papers
	// received, its register line, the letters issued.
	Paperwork dossier.Paperwork
}

// Errors of this package.
var (
	ErrUnknownForm   = apperr.New(apperr.NotFound, "unknown_form", "Không có biểu mẫu này (01 đến 06).")
	ErrNotApplicable = apperr.New(apperr.Conflict, "form_not_applicable", "Hồ sơ chưa có sự việc mà biểu mẫu này ghi nhận (ví dụ: chưa tiếp nhận, chưa yêu cầu bổ sung, chưa từ chối).")
)

// Numbers lists the forms a dossier can print.
var Numbers = []string{"01", "02", "03", "04", "05", "06"}

// Form fills form number for the dossier of in.
func Form(number string, in Input) (Printable, error) {
	d := in.Dossier
	head := header(in.Receiving)
	who := forms.Person{Name: d.Applicant.FullName, Address: d.Applicant.Address, Phone: d.Applicant.Phone, Email: d.Applicant.Email}
	switch number {
	case "01":
		if d.ReceivedAt.IsZero() {
			return nil, ErrNotApplicable
		}
		code, err := qr.PNG(in.LookupURL, qr.PrintSize)
		if err != nil {
			return nil, err
		}
		// The papers the officer received, never the catalog's list (DOMAIN §3); the
		// legal time in the law's words, not the workflow's budget.
		r := forms.Receipt{Unit: head, Code: d.Code, LookupCode: d.Secret, QR: code, Applicant: who, Request: in.Procedure.Name, Sets: 1,
			LegalTime: in.Procedure.LegalTime.Words(in.Procedure.CutOff), ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
			ReturnPlace: in.Receiving.Desk(), Officer: actorOf(in.Events, dossier.ActReceive)}
		for _, p := range in.Paperwork.Papers {
			r.Papers = append(r.Papers, forms.Paper{Name: p.Name, Form: p.Form.Label(), Quantity: p.Count})
		}
		if pw := in.Paperwork; pw.RegisterLine > 0 {
			r.RegisterBook, r.RegisterNo = strconv.Itoa(pw.RegisterYear), strconv.FormatInt(pw.RegisterLine, 10)
		}
		for _, f := range in.Procedure.Fees {
			if n := f.AmountFor(d.Channel.Electronic()); n > 0 {
				r.Fees = append(r.Fees, forms.Fee{Name: f.Name, Amount: n})
			}
		}
		return r, nil
	case "02":
		ev, ok := last(in.Events, dossier.ActRequestSupplement)
		if !ok {
			return nil, ErrNotApplicable
		}
		return forms.Supplement{Unit: head, Code: d.Code, IssuedAt: ev.At, Applicant: who, Request: in.Procedure.Name,
			Items: []forms.Requirement{{Paper: "Giấy tờ cần bổ sung, hoàn thiện", Detail: ev.Note}}, Reason: ev.Note, Officer: ev.ActorName}, nil
	case "03":
		if d.Status != dossier.StatusRefused {
			return nil, ErrNotApplicable
		}
		ev, _ := last(in.Events, dossier.ActRefuse)
		return forms.Refusal{Unit: head, Code: d.Code, IssuedAt: d.EndedAt, Applicant: who, Request: in.Procedure.Name,
			Reason: d.Reason, Officer: ev.ActorName}, nil
	case "04":
		ev, ok := last(in.Events, dossier.ActExtend)
		if !ok || d.ExtendedDueAt.IsZero() {
			return nil, ErrNotApplicable
		}
		letter, _ := in.Paperwork.Letter("04")
		return forms.Apology{Unit: forms.Header{Parent: "", Issuer: upper("Ủy ban nhân dân " + in.Competent.Name), Place: place(in.Competent)},
			Desk: in.Receiving.Desk(), Number: letter.Notation, IssuedAt: ev.At, Applicant: who, Code: d.Code, Request: in.Procedure.Name, ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
			Reason: ev.Note, NewDueAt: d.ExtendedDueAt, Signer: chair(), Recipients: []string{"Như trên;", "Lưu: VT."}}, nil
	case "05":
		if d.Status != dossier.StatusStopped {
			return nil, ErrNotApplicable
		}
		// UNCONFIRMED: the provision of Decree 118/2025 that grounds a stop; the
		// administrator's procedure data should carry it when it is known.
		return forms.StopNotice{Unit: forms.Header{Issuer: upper("Ủy ban nhân dân " + in.Competent.Name), Place: place(in.Competent)},
			Desk: in.Receiving.Desk(), IssuedAt: d.EndedAt, Applicant: who, Code: d.Code, Request: in.Procedure.Name, ReceivedAt: d.ReceivedAt,
			LegalBasis: "Nghị định số 118/2025/NĐ-CP", Reason: d.Reason, Signer: chair(), Recipients: []string{"Như trên;", "Lưu: VT."}}, nil
	case "06":
		if d.ReceivedAt.IsZero() {
			return nil, ErrNotApplicable
		}
		return forms.ControlSlip{Unit: head, Code: d.Code, Applicant: who, Request: in.Procedure.Name, Competent: in.Competent.Name,
			ReceivedAt: d.ReceivedAt, DueAt: d.DueAt, HandOvers: handOvers(in), BlankRows: 2}, nil
	}
	return nil, ErrUnknownForm
}

// handOvers are the moves between workflow steps, each with the timeliness of the step
// it closes: the step's budget in working hours from when the step began.
func handOvers(in Input) []forms.HandOver {
	steps := in.Procedure.Workflow.Steps
	var out []forms.HandOver
	started := in.Dossier.ReceivedAt
	for _, ev := range in.Events {
		if ev.FromStep == ev.ToStep || ev.FromStep >= len(steps) || ev.ToStep >= len(steps) {
			continue
		}
		from, to := steps[ev.FromStep], steps[ev.ToStep]
		result := ""
		if in.Calendar != nil && !started.IsZero() {
			due, err := in.Calendar.AddWorkingHours(started, time.Duration(from.BudgetHours*float64(time.Hour)))
			if err == nil {
				result = dossier.Classify(ev.At, due).Label()
			}
		}
		out = append(out, forms.HandOver{From: from.Name, To: to.Name, At: ev.At, Giver: ev.ActorName,
			Receiver: to.Role.Label(), Result: result, Note: ev.Action.Label()})
		started = ev.At
	}
	return out
}

// header is the desk's slips' header: the People's Committee above the desk under the
// name the unit set (unit.Unit.Desk).
func header(u unit.Unit) forms.Header {
	return forms.Header{Parent: upper("Ủy ban nhân dân " + u.Name), Issuer: upper(u.Desk()), Place: place(u)}
}

// place is the unit's place name for the date line: "Yên Từ" of "Xã Yên Từ".
func place(u unit.Unit) string {
	for _, p := range []string{"Xã ", "Phường ", "Đặc khu ", "Tỉnh ", "Thành phố "} {
		if rest, ok := strings.CutPrefix(u.Name, p); ok {
			return rest
		}
	}
	return u.Name
}

func upper(s string) string { return strings.ToUpper(s) }

func chair() forms.Signer {
	return forms.Signer{Title: []string{"TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"}}
}

func last(evs []dossier.Event, act dossier.Action) (dossier.Event, bool) {
	for i := len(evs) - 1; i >= 0; i-- {
		if evs[i].Action == act {
			return evs[i], true
		}
	}
	return dossier.Event{}, false
}

// actorOf names who did act first, the receiving officer of the receipt.
func actorOf(evs []dossier.Event, act dossier.Action) string {
	for _, e := range evs {
		if e.Action == act {
			return e.ActorName
		}
	}
	return ""
}

// RegisterInput is a register's period and its dossiers, with the names of units.
type RegisterInput struct {
	Unit     unit.Unit
	From, To time.Time
	Dossiers []dossier.Dossier
	Units    map[int64]string // competent units' names
}

// Register fills form 07, the register of dossiers received in a period.
func Register(in RegisterInput) forms.Register {
	r := forms.Register{Unit: header(in.Unit), From: in.From, To: in.To}
	for _, d := range in.Dossiers {
		contact := strings.TrimSpace(strings.Join([]string{d.Applicant.Address, d.Applicant.Phone}, "; "))
		e := forms.RegisterEntry{Code: d.Code, Procedure: d.ProcedureName, Sets: 1, Applicant: d.Applicant.FullName,
			Contact: strings.Trim(contact, "; "), Competent: in.Units[d.CompetentUnitID], ReceivedAt: d.ReceivedAt, DueAt: d.DueAt,
			ResolvedAt: d.ResolvedAt, Note: d.Status.Label()}
		if d.Status == dossier.StatusReturned {
			e.ReturnedAt = d.EndedAt
		}
		r.Entries = append(r.Entries, e)
	}
	return r
}
