package store

import (
	"context"
	"fmt"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/report"
)

// EndedDossiers is dossier.ProcessingStore's list of the received dossiers whose
// processing has ended, by id.
func (s *Store) EndedDossiers(ctx context.Context, afterID int64, limit int, all bool) ([]dossier.Dossier, error) {
	cond := ""
	if !all {
		cond = " AND d.processing_time IS NULL"
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id > $1 AND d.received_at IS NOT NULL
		AND (d.resolved_at IS NOT NULL OR d.ended_at IS NOT NULL)`+cond+` ORDER BY d.id LIMIT $2`, afterID, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// SetProcessing records a dossier's processing time (dossier.MeasureProcessing).
func (s *Store) SetProcessing(ctx context.Context, dossierID int64, p *dossier.Processing) error {
	var t, u, l any = nil, "", 0
	if p != nil {
		t, u, l = p.Time, string(p.Unit), p.Limit
	}
	_, err := s.w.ExecContext(ctx, `UPDATE dossiers SET processing_time = $1, processing_unit = $2, processing_limit = $3 WHERE id = $4`,
		t, u, l, dossierID)
	if err != nil {
		return fmt.Errorf("store: dossier %d processing time: %w", dossierID, mapErr(err))
	}
	return nil
}

// ProcessingTimes is report.IndexStore's sums for indicator 2.2: per procedure and
// unit of time, the dossiers of units received on the local days from..to whose
// processing ended by the end of day to, and their processing times. One grouped query
// over the index dossiers_processing; the name is the one the dossiers were filed under.
func (s *Store) ProcessingTimes(ctx context.Context, units []int64, from, to calendar.Date) ([]report.ProcessingSum, error) {
	if len(units) == 0 {
		return nil, nil
	}
	end := utc(to.AddDays(1).Time())
	args := []any{utc(from.Time()), end}
	for _, u := range units {
		args = append(args, u)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT d.procedure_code, MAX(d.procedure_name), d.processing_unit, MAX(d.processing_limit), COUNT(*),
		CAST(SUM(d.processing_time) AS BIGINT) FROM dossiers d
		WHERE d.competent_unit_id IN (`+placeholders(3, len(units))+`) AND d.received_at >= $1 AND d.received_at < $2
		AND d.processing_time IS NOT NULL AND COALESCE(d.resolved_at, d.ended_at) < $2
		GROUP BY d.procedure_code, d.processing_unit ORDER BY d.procedure_code, d.processing_unit`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []report.ProcessingSum
	for rows.Next() {
		var p report.ProcessingSum
		var unit string
		if err := rows.Scan(&p.Procedure, &p.Name, &unit, &p.Limit, &p.Finished, &p.Total); err != nil {
			return nil, err
		}
		p.Unit = catalog.DurationUnit(unit)
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}
