package dossier

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Record is one historical dossier brought in from a previous system (one line of the
// JSON Lines file of `xaso import dossiers`, documented in docs/IMPORT.md), so that
// statistics cover the years before xaso.
type Record struct {
	Code          string           `json:"code,omitempty"` // kept when given; else made from the unit and the receipt date
	Unit          string           `json:"unit"`           // receiving unit's statistics code
	CompetentUnit string           `json:"competent_unit,omitempty"`
	ProcedureCode string           `json:"procedure_code"`
	Channel       Channel          `json:"channel"`
	Applicant     Applicant        `json:"applicant"`
	SubmittedAt   *time.Time       `json:"submitted_at,omitempty"` // default: received_at
	ReceivedAt    time.Time        `json:"received_at"`
	DueAt         time.Time        `json:"due_at"`
	ExtendedDueAt *time.Time       `json:"extended_due_at,omitempty"`
	Supplements   []SupplementSpan `json:"supplements,omitempty"`
	ResolvedAt    *time.Time       `json:"resolved_at,omitempty"`
	Status        Status           `json:"status"`
	EndedAt       *time.Time       `json:"ended_at,omitempty"` // returned, refused, stopped or withdrawn at
	Reason        string           `json:"reason,omitempty"`
}

// SupplementSpan is one wait for the citizen's supplement; the working time between the
// two instants was already added to due_at by the previous system, or is counted here
// as paused time only.
type SupplementSpan struct {
	RequestedAt time.Time `json:"requested_at"`
	SuppliedAt  time.Time `json:"supplied_at"`
}

// ErrImport is the kind of import errors; the message names the line and the field.
var ErrImport = apperr.New(apperr.Invalid, "invalid_import", "Tệp nhập hồ sơ có dòng không hợp lệ.")

// ImportError locates a problem in an import file.
type ImportError struct {
	Line  int
	Field string
	Msg   string
}

func (e *ImportError) Error() string {
	return fmt.Sprintf("dòng %d, trường %s: %s", e.Line, e.Field, e.Msg)
}

// Unwrap gives the kind.
func (e *ImportError) Unwrap() error { return ErrImport }

// Details locates the problem for the API.
func (e *ImportError) Details() []apperr.Detail {
	return []apperr.Detail{{Field: fmt.Sprintf("line %d: %s", e.Line, e.Field), Message: e.Error()}}
}

// ParseRecord decodes and checks one line.
func ParseRecord(line int, b []byte) (Record, error) {
	var r Record
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&r); err != nil {
		var ute *json.UnmarshalTypeError
		field := "(dòng)"
		if errors.As(err, &ute) {
			field = ute.Field
		}
		return r, &ImportError{Line: line, Field: field, Msg: "JSON không hợp lệ: " + err.Error()}
	}
	bad := func(field, msg string) (Record, error) { return r, &ImportError{Line: line, Field: field, Msg: msg} }
	switch {
	case r.Unit == "":
		return bad("unit", "cần mã đơn vị tiếp nhận")
	case r.ProcedureCode == "":
		return bad("procedure_code", "cần mã thủ tục")
	case r.ReceivedAt.IsZero():
		return bad("received_at", "cần thời điểm tiếp nhận")
	case r.DueAt.IsZero() || r.DueAt.Before(r.ReceivedAt):
		return bad("due_at", "cần hạn giải quyết, không trước thời điểm tiếp nhận")
	case r.Applicant.FullName == "":
		return bad("applicant.full_name", "cần họ tên người nộp")
	}
	if _, ok := ParseChannel(string(r.Channel)); !ok {
		return bad("channel", "kênh nộp không hợp lệ")
	}
	if r.Code != "" {
		if _, _, _, err := ParseCode(r.Code); err != nil {
			return bad("code", "mã hồ sơ không đúng dạng")
		}
	}
	if r.SubmittedAt != nil && r.SubmittedAt.After(r.ReceivedAt) {
		return bad("submitted_at", "không sau thời điểm tiếp nhận")
	}
	for i, s := range r.Supplements {
		if s.RequestedAt.Before(r.ReceivedAt) || s.SuppliedAt.Before(s.RequestedAt) {
			return bad(fmt.Sprintf("supplements[%d]", i), "yêu cầu bổ sung phải sau tiếp nhận, bổ sung sau yêu cầu")
		}
	}
	if r.ResolvedAt != nil && r.ResolvedAt.Before(r.ReceivedAt) {
		return bad("resolved_at", "không trước thời điểm tiếp nhận")
	}
	switch r.Status {
	case StatusReceived, StatusProcessing:
		if r.ResolvedAt != nil || r.EndedAt != nil {
			return bad("status", "hồ sơ đang giải quyết không có thời điểm giải quyết xong hay kết thúc")
		}
	case StatusResolved:
		if r.ResolvedAt == nil || r.EndedAt != nil {
			return bad("resolved_at", "hồ sơ đã giải quyết cần resolved_at và chưa kết thúc")
		}
	case StatusReturned:
		if r.ResolvedAt == nil || r.EndedAt == nil || r.EndedAt.Before(*r.ResolvedAt) {
			return bad("ended_at", "hồ sơ đã trả cần resolved_at và ended_at (thời điểm trả, không trước resolved_at)")
		}
	case StatusRefused, StatusStopped, StatusWithdrawn:
		if r.EndedAt == nil || r.Reason == "" {
			return bad("reason", "hồ sơ từ chối, dừng hoặc rút cần ended_at và lý do")
		}
	default:
		return bad("status", "trạng thái không hợp lệ cho hồ sơ đã tiếp nhận")
	}
	return r, nil
}

// Dossier turns the record into a dossier (without code, ids or procedure version) and
// the history events the previous system's instants imply.
func (r Record) Dossier() (Dossier, []Event) {
	d := Dossier{Channel: r.Channel, ProcedureCode: r.ProcedureCode, Applicant: r.Applicant, Code: r.Code,
		ReceivedAt: r.ReceivedAt, DueAt: r.DueAt, SubmittedAt: r.ReceivedAt, Status: r.Status, Reason: r.Reason,
		Supplements: len(r.Supplements), StepStartedAt: r.ReceivedAt, Fields: map[string]string{}}
	if r.SubmittedAt != nil {
		d.SubmittedAt = *r.SubmittedAt
	}
	if r.ExtendedDueAt != nil {
		d.ExtendedDueAt = *r.ExtendedDueAt
	}
	evs := []Event{{At: d.ReceivedAt, ActorName: "nhập từ hệ thống cũ", Action: ActReceive, ToStatus: StatusReceived}}
	for _, s := range r.Supplements {
		d.PausedMinutes += int64(s.SuppliedAt.Sub(s.RequestedAt) / time.Minute)
		evs = append(evs, Event{At: s.RequestedAt, ActorName: "nhập từ hệ thống cũ", Action: ActRequestSupplement, FromStatus: StatusProcessing, ToStatus: StatusSupplementRequested},
			Event{At: s.SuppliedAt, ActorName: "nhập từ hệ thống cũ", Action: ActSupplement, FromStatus: StatusSupplementRequested, ToStatus: StatusProcessing})
	}
	if r.ResolvedAt != nil {
		d.ResolvedAt = *r.ResolvedAt
		d.Timeliness = Classify(d.ResolvedAt, d.DueAt)
		evs = append(evs, Event{At: d.ResolvedAt, ActorName: "nhập từ hệ thống cũ", Action: ActApprove, FromStatus: StatusProcessing, ToStatus: StatusResolved})
	}
	if r.EndedAt != nil {
		d.EndedAt = *r.EndedAt
		act := map[Status]Action{StatusReturned: ActReturn, StatusRefused: ActRefuse, StatusStopped: ActStop, StatusWithdrawn: ActWithdraw}[r.Status]
		from := StatusProcessing
		if r.ResolvedAt != nil {
			from = StatusResolved
		}
		evs = append(evs, Event{At: d.EndedAt, ActorName: "nhập từ hệ thống cũ", Action: act, FromStatus: from, ToStatus: r.Status, Note: r.Reason})
	}
	return d, evs
}

// Imported is a historical dossier ready to store: the dossier with its units and
// procedure version set, its events, and the receiving unit's identifier for the code.
type Imported struct {
	Dossier Dossier
	Events  []Event
	Ident   string
}

// ImportStore is what Import needs besides Store.
type ImportStore interface {
	UnitByCode(ctx context.Context, code string) (unit.Unit, error)
	ImportDossiers(ctx context.Context, items []Imported) ([]string, error)
}

// Import stores historical records, all or nothing, each under the version of its
// procedure in force in the competent unit. It returns the codes, in order.
func Import(ctx context.Context, st interface {
	Store
	ImportStore
}, records []Record) ([]string, error) {
	units := map[string]unit.Unit{}
	unitOf := func(line int, field, code string) (unit.Unit, error) {
		if u, ok := units[code]; ok {
			return u, nil
		}
		u, err := st.UnitByCode(ctx, code)
		if err != nil {
			return u, &ImportError{Line: line, Field: field, Msg: "không có đơn vị mã " + code}
		}
		units[code] = u
		return u, nil
	}
	type procKey struct {
		unit int64
		code string
	}
	procs := map[procKey]struct {
		id   int64
		name string
		ver  int
	}{}
	items := make([]Imported, 0, len(records))
	for i, r := range records {
		line := i + 1
		recv, err := unitOf(line, "unit", r.Unit)
		if err != nil {
			return nil, err
		}
		if recv.IdentCode == "" && r.Code == "" {
			return nil, &ImportError{Line: line, Field: "unit", Msg: "đơn vị chưa có mã định danh điện tử để cấp mã hồ sơ"}
		}
		comp := recv
		if r.CompetentUnit != "" {
			if comp, err = unitOf(line, "competent_unit", r.CompetentUnit); err != nil {
				return nil, err
			}
		}
		k := procKey{comp.ID, r.ProcedureCode}
		p, ok := procs[k]
		if !ok {
			id, proc, err := st.PublishedProcedureVersion(ctx, comp.ID, r.ProcedureCode)
			if err != nil {
				return nil, &ImportError{Line: line, Field: "procedure_code", Msg: "thủ tục " + r.ProcedureCode + " không có trong danh mục đang áp dụng của đơn vị"}
			}
			p.id, p.name, p.ver = id, proc.Name, proc.Version
			procs[k] = p
		}
		d, evs := r.Dossier()
		d.ReceivingUnitID, d.CompetentUnitID, d.ProcedureID, d.ProcedureName, d.ProcedureVersion = recv.ID, comp.ID, p.id, p.name, p.ver
		items = append(items, Imported{Dossier: d, Events: evs, Ident: recv.IdentCode})
	}
	return st.ImportDossiers(ctx, items)
}
