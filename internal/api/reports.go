package api

import (
	"bytes"
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/printing"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/unit"
)

// reportUnit is the unit of a report: ?unit=CODE or the caller's first unit with a
// reporting role.
func (h handlers) reportUnit(r *http.Request) (unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err := h.Store.UnitByCode(r.Context(), code)
		if err != nil {
			return u, err
		}
		if !report.Allowed(p, u) {
			return u, apperr.ErrForbidden
		}
		return u, nil
	}
	for _, m := range p.Memberships {
		for _, role := range report.Roles {
			if m.Role == role {
				return h.Store.UnitByID(r.Context(), m.UnitID)
			}
		}
	}
	return unit.Unit{}, apperr.ErrForbidden
}

var errReportFormat = apperr.New(apperr.Invalid, "invalid_format", "Tham số format phải là json, csv, xlsx hoặc pdf.")

func (h handlers) oneStopReport(w http.ResponseWriter, r *http.Request) error {
	u, err := h.reportUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	res, err := report.OneStopReport(r.Context(), h.Store, u, report.Params{From: q.Get("from"), To: q.Get("to"), By: report.By(q.Get("by"))})
	if err != nil {
		return err
	}
	switch q.Get("format") {
	case "", "json":
		return httpx.WriteJSON(w, http.StatusOK, res)
	case "xlsx":
		var buf bytes.Buffer
		if err := report.WriteXLSX(&buf, res); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="bao-cao-`+res.Unit+`-`+res.From+`-`+res.To+`.xlsx"`)
		_, err := w.Write(buf.Bytes())
		return err
	case "csv":
		var buf bytes.Buffer
		if err := report.WriteCSV(&buf, res); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/csv; charset=utf-8")
		w.Header().Set("Content-Disposition", `attachment; filename="bao-cao-`+res.Unit+`-`+res.From+`-`+res.To+`.csv"`)
		_, err := w.Write(buf.Bytes())
		return err
	case "pdf":
		var buf bytes.Buffer
		if err := printing.OneStopReport(u, res, time.Now()).PDF(&buf); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="bao-cao-`+res.Unit+`-`+res.From+`-`+res.To+`.pdf"`)
		w.Header().Set("Cache-Control", "private, no-store")
		_, err := w.Write(buf.Bytes())
		return err
	}
	return errReportFormat
}

func (h handlers) index766(w http.ResponseWriter, r *http.Request) error {
	u, err := h.reportUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	idx, err := report.IndexReport(r.Context(), h.Store, u, report.Params{From: q.Get("from"), To: q.Get("to"),
		Today: calendar.DateOf(h.now())})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, idx)
}
