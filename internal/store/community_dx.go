package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The digital-transformation indicators per village, the rows behind them and the app
// installs the citizen app reports (internal/community/dxmore.go, migration 0054).

// dxInstalls counts the unit's app installs first seen in [from, to).
func (s *Store) dxInstalls(ctx context.Context, unitID int64, from, to time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM app_installs WHERE unit_id = $1 AND first_seen >= $2 AND first_seen < $3`,
		unitID, utc(from), utc(to)).Scan(&n)
	return n, mapErr(err)
}

// DXVillageCounts counts, for each of the unit's villages (in code order), the rows of
// [from, to) that name the village: its latest households count up to yearEnd, the
// dossiers filed on a citizen's behalf by a member of its team, its help requests
// finished (on time), the app installs set up for it, its team's visits.
func (s *Store) DXVillageCounts(ctx context.Context, unitID int64, from, to time.Time, yearEnd calendar.Date) ([]community.VillageDX, error) {
	from, to = utc(from), utc(to)
	rows, err := s.r.QueryContext(ctx, `SELECT id, code, name FROM villages WHERE unit_id = $1 ORDER BY code, id`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []community.VillageDX
	at := map[int64]int{}
	for rows.Next() {
		var v community.VillageDX
		if err := rows.Scan(&v.VillageID, &v.Code, &v.Name); err != nil {
			rows.Close()
			return nil, err
		}
		at[v.VillageID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	groups := []struct {
		query string
		args  []any
		set   func(v *community.VillageDX, n []int)
		width int
	}{
		{`SELECT c.village_id, c.households FROM village_counts c JOIN villages v ON v.id = c.village_id
			WHERE v.unit_id = $1 AND c.id = (SELECT c2.id FROM village_counts c2 WHERE c2.village_id = c.village_id AND c2.as_of <= $2
			ORDER BY c2.as_of DESC, c2.id DESC LIMIT 1)`, []any{unitID, yearEnd.String()},
			func(v *community.VillageDX, n []int) { v.Households = n[0] }, 1},
		{`SELECT m.village_id, COUNT(DISTINCT d.id) FROM dossiers d JOIN team_members m ON m.user_id = d.assisted_by
			JOIN villages v ON v.id = m.village_id
			WHERE v.unit_id = $1 AND d.competent_unit_id = $1 AND d.channel = 'assisted' AND d.received_at >= $2 AND d.received_at < $3
			GROUP BY m.village_id`, []any{unitID, from, to},
			func(v *community.VillageDX, n []int) { v.Assisted = n[0] }, 1},
		{`SELECT h.village_id, COUNT(*), COALESCE(SUM(CASE WHEN d.first_done <= h.due_at THEN 1 ELSE 0 END), 0)
			FROM help_requests h JOIN (SELECT request_id, MIN(at) AS first_done FROM help_request_events WHERE status = 'done' GROUP BY request_id) d
			ON d.request_id = h.id WHERE h.unit_id = $1 AND h.filed_at >= $2 AND h.filed_at < $3 GROUP BY h.village_id`, []any{unitID, from, to},
			func(v *community.VillageDX, n []int) { v.HelpDone, v.HelpDoneOnTime = n[0], n[1] }, 2},
		{`SELECT village_id, COUNT(*) FROM app_installs WHERE unit_id = $1 AND village_id IS NOT NULL AND first_seen >= $2 AND first_seen < $3
			GROUP BY village_id`, []any{unitID, from, to},
			func(v *community.VillageDX, n []int) { v.Installs = n[0] }, 1},
		{`SELECT t.village_id, COALESCE(SUM(t.households), 0), COALESCE(SUM(t.installs), 0), COALESCE(SUM(t.accounts), 0)
			FROM team_visits t JOIN villages v ON v.id = t.village_id
			WHERE v.unit_id = $1 AND t.visited_on >= $2 AND t.visited_on <= $3 GROUP BY t.village_id`,
			[]any{unitID, fmt.Sprintf("%04d-01-01", yearEnd.Year), yearEnd.String()},
			func(v *community.VillageDX, n []int) { v.Visited, v.InstallsHelped, v.Opened = n[0], n[1], n[2] }, 3},
	}
	for _, g := range groups {
		rows, err := s.r.QueryContext(ctx, g.query, g.args...)
		if err != nil {
			return nil, mapErr(err)
		}
		for rows.Next() {
			var id int64
			n := make([]int, g.width)
			dest := []any{&id}
			for i := range n {
				dest = append(dest, &n[i])
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, err
			}
			if i, ok := at[id]; ok {
				g.set(&out[i], n)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, mapErr(err)
		}
	}
	return out, nil
}

// dxRowSQL is the query of the rows behind an indicator's part: code, at, detail
// (villages' counts: code, day, detail, households), with its arguments.
func dxRowSQL(q community.RowQuery) (string, []any, bool, error) {
	args := []any{q.UnitID, utc(q.From), utc(q.To)}
	var bad error
	// village narrows to q's village by cond ("": the part names no village).
	village := func(cond string) string {
		if q.VillageID == 0 {
			return ""
		}
		if cond == "" {
			bad = community.ErrDXUnattributed
			return ""
		}
		args = append(args, q.VillageID)
		return fmt.Sprintf(" AND "+cond, len(args))
	}
	dossiers := `SELECT d.code, d.received_at, d.channel FROM dossiers d WHERE d.competent_unit_id = $1 AND d.received_at >= $2 AND d.received_at < $3`
	num := q.Part == community.Numerator
	var query string
	counts := false
	switch q.Indicator {
	case "online_dossier_rate":
		if num {
			dossiers += ` AND d.channel IN ('online', 'national_portal', 'assisted')`
		}
		query = dossiers + village("") + ` ORDER BY d.received_at, d.id`
	case "assisted_dossier_share":
		if num {
			dossiers += ` AND d.channel = 'assisted'` + village(`d.assisted_by IN (SELECT m.user_id FROM team_members m WHERE m.village_id = $%d)`)
		} else {
			dossiers += village("")
		}
		query = dossiers + ` ORDER BY d.received_at, d.id`
	case "accounts_per_household":
		if num {
			args = []any{q.UnitID}
			query = `SELECT CAST(m.user_id AS TEXT), m.created_at, m.role FROM memberships m WHERE m.unit_id = $1 AND m.role = 'citizen'` +
				village("") + ` ORDER BY m.created_at, m.user_id`
			break
		}
		args, counts = []any{q.UnitID, q.YearEnd.String()}, true
		query = `SELECT v.code, c.as_of, v.name, c.households FROM village_counts c JOIN villages v ON v.id = c.village_id
			WHERE v.unit_id = $1 AND c.id = (SELECT c2.id FROM village_counts c2 WHERE c2.village_id = c.village_id AND c2.as_of <= $2
			ORDER BY c2.as_of DESC, c2.id DESC LIMIT 1)` + village("v.id = $%d") + ` ORDER BY v.code, v.id`
	case "qr_payment_share":
		query = `SELECT p.reference, p.paid_at, p.method FROM payment_requests p WHERE p.unit_id = $1 AND p.state = 'paid'
			AND p.paid_at >= $2 AND p.paid_at < $3`
		if num {
			query += ` AND p.method = 'bank_notification'`
		}
		query += village("") + ` ORDER BY p.paid_at, p.id`
	case "help_on_time":
		query = `SELECT h.code, h.filed_at, h.status FROM help_requests h JOIN (SELECT request_id, MIN(at) AS first_done
			FROM help_request_events WHERE status = 'done' GROUP BY request_id) d ON d.request_id = h.id
			WHERE h.unit_id = $1 AND h.filed_at >= $2 AND h.filed_at < $3`
		if num {
			query += ` AND d.first_done <= h.due_at`
		}
		query += village("h.village_id = $%d") + ` ORDER BY h.filed_at, h.id`
	case "app_installs_counted":
		if !num {
			return "", nil, false, community.ErrDXPart
		}
		query = `SELECT SUBSTR(a.id_hash, 1, 12), a.first_seen, COALESCE(v.name, '') FROM app_installs a LEFT JOIN villages v ON v.id = a.village_id
			WHERE a.unit_id = $1 AND a.first_seen >= $2 AND a.first_seen < $3` + village("a.village_id = $%d") + ` ORDER BY a.first_seen, a.id`
	case "telehealth_people":
		if !num {
			return "", nil, false, community.ErrDXPart
		}
		// One row per person: their first consultation of the period marked attended.
		query = `SELECT b.code, s.starts_at, s.doctor FROM telehealth_bookings b JOIN telehealth_slots s ON s.id = b.slot_id
			WHERE b.unit_id = $1 AND b.status = 'attended' AND s.starts_at >= $2 AND s.starts_at < $3
			AND b.id = (SELECT b2.id FROM telehealth_bookings b2 JOIN telehealth_slots s2 ON s2.id = b2.slot_id
				WHERE b2.unit_id = b.unit_id AND b2.person_hash = b.person_hash AND b2.status = 'attended'
				AND s2.starts_at >= $2 AND s2.starts_at < $3 ORDER BY s2.starts_at, b2.id LIMIT 1)` + village("") + ` ORDER BY s.starts_at, b.id`
	default:
		return "", nil, false, community.ErrDXPart
	}
	if bad != nil {
		return "", nil, false, bad
	}
	return query, args, counts, nil
}

// DXRows lists a page of the rows behind a computed indicator's numerator or
// denominator (Limit 0: all), their number and the sum of their counts.
func (s *Store) DXRows(ctx context.Context, q community.RowQuery) ([]community.DXRow, int, int, error) {
	query, args, counts, err := dxRowSQL(q)
	if err != nil {
		return nil, 0, 0, err
	}
	var total, sum int
	count := `SELECT COUNT(*), COUNT(*) FROM (` + query + `) x`
	if counts {
		count = `SELECT COUNT(*), COALESCE(SUM(x.households), 0) FROM (` + query + `) x`
	}
	if err := s.r.QueryRowContext(ctx, count, args...).Scan(&total, &sum); err != nil {
		return nil, 0, 0, mapErr(err)
	}
	if q.Limit > 0 {
		query += fmt.Sprintf(` LIMIT %d OFFSET %d`, q.Limit, max(q.Offset, 0))
	}
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, 0, 0, mapErr(err)
	}
	defer rows.Close()
	var out []community.DXRow
	for rows.Next() {
		r := community.DXRow{Count: 1}
		if counts {
			var day string
			if err := rows.Scan(&r.Code, &day, &r.Detail, &r.Count); err != nil {
				return nil, 0, 0, err
			}
			r.Day = parseDate(day)
		} else {
			var at sql.NullTime
			if err := rows.Scan(&r.Code, &at, &r.Detail); err != nil {
				return nil, 0, 0, err
			}
			r.At = at.Time
		}
		out = append(out, r)
	}
	return out, total, sum, mapErr(rows.Err())
}

// DXFirstYear is the first year (Vietnam's) of a dossier received, a payment, a help
// request, an install or a manual value of the unit; 0 when there is none.
func (s *Store) DXFirstYear(ctx context.Context, unitID int64) (int, error) {
	var first time.Time
	for _, q := range []string{
		`SELECT received_at FROM dossiers WHERE competent_unit_id = $1 AND received_at IS NOT NULL ORDER BY received_at LIMIT 1`,
		`SELECT paid_at FROM payment_requests WHERE unit_id = $1 AND paid_at IS NOT NULL ORDER BY paid_at LIMIT 1`,
		`SELECT filed_at FROM help_requests WHERE unit_id = $1 ORDER BY filed_at LIMIT 1`,
		`SELECT first_seen FROM app_installs WHERE unit_id = $1 ORDER BY first_seen LIMIT 1`,
		`SELECT s.starts_at FROM telehealth_bookings b JOIN telehealth_slots s ON s.id = b.slot_id WHERE b.unit_id = $1 AND b.status = 'attended' ORDER BY s.starts_at LIMIT 1`,
	} {
		var at time.Time
		switch err := s.r.QueryRowContext(ctx, q, unitID).Scan(&at); {
		case errors.Is(err, sql.ErrNoRows):
			continue
		case err != nil:
			return 0, mapErr(err)
		}
		if first.IsZero() || at.Before(first) {
			first = at
		}
	}
	year := 0
	if !first.IsZero() {
		year = first.In(locale.Zone).Year()
	}
	var manual sql.NullInt64
	if err := s.r.QueryRowContext(ctx, `SELECT MIN(year) FROM dx_values WHERE unit_id = $1`, unitID).Scan(&manual); err != nil {
		return 0, mapErr(err)
	}
	if manual.Valid && (year == 0 || int(manual.Int64) < year) {
		year = int(manual.Int64)
	}
	return year, nil
}

// RecordInstall keeps an install once (by its id's hash), audited when new.
func (s *Store) RecordInstall(ctx context.Context, in community.Install) (bool, error) {
	created := false
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `INSERT INTO app_installs (id_hash, unit_id, village_id, first_seen) VALUES ($1, $2, $3, $4)
			ON CONFLICT (id_hash) DO NOTHING`, in.IDHash, in.UnitID, nullID(in.VillageID), utc(in.At))
		if err != nil {
			return fmt.Errorf("store: install: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		created = true
		fields := []string{"unit"}
		if in.VillageID != 0 {
			fields = append(fields, "village")
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: in.UnitID, Action: "app.install", ObjectType: "app_install",
			ObjectID: in.IDHash[:12], Fields: fields})
	})
	return created, err
}
