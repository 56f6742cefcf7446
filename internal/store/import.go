package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// ImportDossiers stores historical dossiers in one transaction, all or nothing, with
// their events and counters. Kept codes move their unit's daily sequence past them so
// that new codes never collide; missing codes are issued in order.
func (s *Store) ImportDossiers(ctx context.Context, items []dossier.Imported) ([]string, error) {
	codes := make([]string, len(items))
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		raise := `INSERT INTO dossier_sequences (unit_id, day, n) VALUES ($1, $2, $3)
			ON CONFLICT (unit_id, day) DO UPDATE SET n = MAX(dossier_sequences.n, excluded.n)`
		if s.dialect == Postgres {
			raise = `INSERT INTO dossier_sequences (unit_id, day, n) VALUES ($1, $2, $3)
				ON CONFLICT (unit_id, day) DO UPDATE SET n = GREATEST(dossier_sequences.n, excluded.n)`
		}
		insDossier, err := tx.PrepareContext(ctx, `INSERT INTO dossiers (receiving_unit_id, competent_unit_id, code, secret, procedure_id, procedure_code,
			procedure_version, procedure_name, channel, applicant_name, applicant_id, applicant_phone, applicant_email, applicant_address,
			owner_id, assisted_by, consent, fields, status, step, submitted_at, received_at, due_at, extended_due_at, paused_at,
			paused_minutes, supplements, step_started_at, resolved_at, timeliness, ended_at, reason, version, changed_at, applicant_fold)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, NULL, NULL, '', '{}', $15, 0, $16, $17, $18, $19, NULL,
			$20, $21, $22, $23, $24, $25, $26, 1, $27, $28) RETURNING id`)
		if err != nil {
			return err
		}
		defer insDossier.Close()
		insEvent, err := tx.PrepareContext(ctx, `INSERT INTO dossier_events (dossier_id, unit_id, at, actor_id, actor_name, action, from_status,
			to_status, from_step, to_step, note, due_at) VALUES ($1, $2, $3, NULL, $4, $5, $6, $7, 0, 0, $8, $9)`)
		if err != nil {
			return err
		}
		defer insEvent.Close()
		units := map[int64]bool{}
		for i, it := range items {
			d := it.Dossier
			// The previous system kept the final appointment only: every imported event
			// records that one.
			evs := make([]dossier.Event, len(it.Events))
			for i, ev := range it.Events {
				ev.Due = d.DueAt
				evs[i] = ev
				d.ChangedAt = ev.At
			}
			day := calendar.DateOf(d.SubmittedAt)
			if d.Code == "" {
				var seq int
				if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_sequences (unit_id, day, n) VALUES ($1, $2, 1)
					ON CONFLICT (unit_id, day) DO UPDATE SET n = dossier_sequences.n + 1 RETURNING n`, d.ReceivingUnitID, day.String()).Scan(&seq); err != nil {
					return err
				}
				d.Code = dossier.FormatCode(it.Ident, day, seq)
			} else {
				_, cday, seq, err := dossier.ParseCode(d.Code)
				if err != nil {
					return err
				}
				if _, err := tx.ExecContext(ctx, raise, d.ReceivingUnitID, cday.String(), seq); err != nil {
					return err
				}
			}
			if err := insDossier.QueryRowContext(ctx, d.ReceivingUnitID, d.CompetentUnitID, d.Code, dossier.NewSecret(), d.ProcedureID,
				d.ProcedureCode, d.ProcedureVersion, d.ProcedureName, d.Channel, d.Applicant.FullName, d.Applicant.IDNumber, d.Applicant.Phone,
				d.Applicant.Email, d.Applicant.Address, d.Status, utc(d.SubmittedAt), nullTime(d.ReceivedAt), nullTime(d.DueAt),
				nullTime(d.ExtendedDueAt), d.PausedMinutes, d.Supplements, utc(d.StepStartedAt), nullTime(d.ResolvedAt), d.Timeliness,
				nullTime(d.EndedAt), d.Reason, nullTime(d.ChangedAt), searchName(d.Applicant.FullName)).Scan(&d.ID); err != nil {
				if isUnique(err) {
					return fmt.Errorf("store: import: mã hồ sơ %s đã có: %w", d.Code, dossier.ErrImport)
				}
				return fmt.Errorf("store: import %s: %w", d.Code, err)
			}
			for _, ev := range evs {
				if _, err := insEvent.ExecContext(ctx, d.ID, d.CompetentUnitID, utc(ev.At), ev.ActorName, ev.Action, ev.FromStatus, ev.ToStatus, ev.Note,
					nullTime(ev.Due)); err != nil {
					return fmt.Errorf("store: import %s events: %w", d.Code, err)
				}
			}
			if err := s.countEvent(ctx, tx, dossier.HistoryCounts(d, evs)); err != nil {
				return fmt.Errorf("store: import %s counters: %w", d.Code, err)
			}
			codes[i] = d.Code
			units[d.CompetentUnitID] = true
		}
		for u := range units {
			n := 0
			for _, it := range items {
				if it.Dossier.CompetentUnitID == u {
					n++
				}
			}
			if err := s.appendAudit(ctx, tx, audit.Event{Chain: u, Action: "dossier.import", ObjectType: "dossier_batch",
				ObjectID: strconv.Itoa(n), Fields: []string{"dossiers", "events", "counts"}}); err != nil {
				return err
			}
		}
		return nil
	})
	return codes, err
}
