package report

import (
	"context"
	"fmt"
	"slices"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/unit"
)

// GroupFunc names the group a counter row belongs to ("" for one total).
type GroupFunc func(procedureCode string, ch dossier.Channel) string

// Store is what reports need from storage.
type Store interface {
	UnitByCode(ctx context.Context, code string) (unit.Unit, error)
	UnitsUnder(ctx context.Context, id int64) ([]int64, error)
	ProcedureNames(ctx context.Context, units []int64) (map[string][3]string, error)
	ReportSums(ctx context.Context, units []int64, from, to calendar.Date, group GroupFunc) (map[string]Sums, error)
}

// By is how a report is broken down.
type By string

const (
	ByNone      By = ""
	ByField     By = "field"
	ByProcedure By = "procedure"
	ByChannel   By = "channel"
)

// Group is one row of a broken-down report.
type Group struct {
	Key   string `json:"key"`
	Label string `json:"label"`
	OneStop
}

// Result is a one-stop report: the totals at the top level, rows per group when asked.
type Result struct {
	Unit     string  `json:"unit"`
	UnitName string  `json:"unit_name"`
	From     string  `json:"from"`
	To       string  `json:"to"`
	By       By      `json:"by,omitempty"`
	Groups   []Group `json:"groups,omitempty"`
	OneStop
}

// Errors of report parameters.
var (
	ErrPeriod = apperr.New(apperr.Invalid, "invalid_period", "Kỳ báo cáo cần from và to dạng YYYY-MM-DD, from không sau to, trong khoảng 1900–2199.")
	ErrBy     = apperr.New(apperr.Invalid, "invalid_by", "Tham số by phải là field, procedure hoặc channel.")
)

// Params are a report's inputs as typed.
type Params struct {
	Unit, From, To string
	By             By
	// Today is the local date a period ending later is measured to (the 766 index);
	// zero: the current date.
	Today calendar.Date
	// WholeOnly asks the 766 index for the whole period without its month-by-month trend
	// (the leader's dashboard shows one figure: a year's trend is twelve more sums).
	WholeOnly bool
}

// Check parses a report's period and breakdown.
func (p Params) Check() (from, to calendar.Date, err error) {
	from, err1 := calendar.ParseDate(p.From)
	to, err2 := calendar.ParseDate(p.To)
	if err1 != nil || err2 != nil || to.Before(from) || from.Year < calendar.MinYear || to.Year > calendar.MaxYear {
		return from, to, ErrPeriod
	}
	if !slices.Contains([]By{ByNone, ByField, ByProcedure, ByChannel}, p.By) {
		return from, to, ErrBy
	}
	return from, to, nil
}

// OneStopReport computes the one-stop report of a unit (a province rolls up its
// communes) for a period.
func OneStopReport(ctx context.Context, st Store, u unit.Unit, p Params) (Result, error) {
	from, to, err := p.Check()
	if err != nil {
		return Result{}, err
	}
	units, err := st.UnitsUnder(ctx, u.ID)
	if err != nil {
		return Result{}, err
	}
	// Names are for the groups by field or procedure: a province's catalogs are thousands
	// of rows, not read for a total.
	var names map[string][3]string
	if p.By == ByField || p.By == ByProcedure {
		if names, err = st.ProcedureNames(ctx, units); err != nil {
			return Result{}, err
		}
	}
	group := func(proc string, ch dossier.Channel) string {
		switch p.By {
		case ByProcedure:
			return proc
		case ByChannel:
			return string(ch)
		case ByField:
			return names[proc][1]
		}
		return ""
	}
	sums, err := st.ReportSums(ctx, units, from, to, group)
	if err != nil {
		return Result{}, fmt.Errorf("report: %w", err)
	}
	res := Result{Unit: u.Code, UnitName: u.Name, From: from.String(), To: to.String(), By: p.By}
	total := NewSums()
	for key, s := range sums {
		merge(&total, s)
		if p.By != ByNone {
			res.Groups = append(res.Groups, Group{Key: key, Label: label(p.By, key, names), OneStop: Compute(s)})
		}
	}
	res.OneStop = Compute(total)
	slices.SortFunc(res.Groups, func(a, b Group) int {
		if a.Received.Total != b.Received.Total {
			return int(b.Received.Total - a.Received.Total)
		}
		return compareStrings(a.Key, b.Key)
	})
	return res, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func label(by By, key string, names map[string][3]string) string {
	switch by {
	case ByProcedure:
		if n, ok := names[key]; ok {
			return n[0]
		}
	case ByChannel:
		return dossier.Channel(key).Label()
	case ByField:
		for _, n := range names {
			if n[1] == key {
				return n[2]
			}
		}
	}
	return key
}

func merge(dst *Sums, src Sums) {
	for m, byCh := range src.Period {
		for ch, n := range byCh {
			dst.AddPeriod(m, ch, n)
		}
	}
	for m, n := range src.Before {
		dst.Before[m] += n
	}
	for m, n := range src.Through {
		dst.Through[m] += n
	}
	dst.OpenOverdue += src.OpenOverdue
}
