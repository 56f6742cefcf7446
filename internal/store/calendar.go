package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// nullUnit stores scope 0 (nationwide) as NULL.
func nullUnit(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// placeholders returns "$k, $k+1, …" for n arguments starting at k.
func placeholders(k, n int) string {
	ps := make([]string, n)
	for i := range ps {
		ps[i] = "$" + strconv.Itoa(k+i)
	}
	return strings.Join(ps, ", ")
}

// bumpCalendar records a change of scope's calendar in tx, so that every instance
// recompiles the calendars that depend on it.
func (s *Store) bumpCalendar(ctx context.Context, tx *sql.Tx, scope int64) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO calendar_revisions (scope_id, revision) VALUES ($1, 1)
		ON CONFLICT (scope_id) DO UPDATE SET revision = calendar_revisions.revision + 1`, scope)
	return err
}

// CreateDecision stores a decision for a unit (0: nationwide) and returns its id.
func (s *Store) CreateDecision(ctx context.Context, unitID int64, d calendar.Decision) (int64, error) {
	if err := workcal.CheckDecision(d); err != nil {
		return 0, err
	}
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		signed := ""
		if !d.Date.IsZero() {
			signed = d.Date.String()
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO calendar_decisions (unit_id, number, signed_on, title, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, nullUnit(unitID), d.Number, signed, d.Title, s.timestamp()).Scan(&id); err != nil {
			return fmt.Errorf("store: decision %s: %w", d.Number, err)
		}
		for _, dd := range d.Days {
			if _, err := tx.ExecContext(ctx, `INSERT INTO calendar_days (decision_id, unit_id, day, off, name) VALUES ($1, $2, $3, $4, $5)`,
				id, nullUnit(unitID), dd.Date.String(), dd.Off, dd.Name); err != nil {
				return fmt.Errorf("store: decision %s day %s: %w", d.Number, dd.Date, err)
			}
		}
		if err := s.bumpCalendar(ctx, tx, unitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "calendar.decision.create", ObjectType: "calendar_decision",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"number", "signed_on", "title", "days"}})
	})
	return id, err
}

// CalendarDecision returns one stored decision.
func (s *Store) CalendarDecision(ctx context.Context, id int64) (workcal.Decision, error) {
	ds, err := s.decisions(ctx, `d.id = $1`, id)
	if err != nil {
		return workcal.Decision{}, err
	}
	if len(ds) == 0 {
		return workcal.Decision{}, workcal.ErrNotFound
	}
	return ds[0], nil
}

// DeleteDecision removes a decision and its days.
func (s *Store) DeleteDecision(ctx context.Context, id int64) error {
	d, err := s.CalendarDecision(ctx, id)
	if err != nil {
		return err
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_days WHERE decision_id = $1`, id); err != nil {
			return fmt.Errorf("store: delete decision %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM calendar_decisions WHERE id = $1`, id); err != nil {
			return fmt.Errorf("store: delete decision %d: %w", id, err)
		}
		if err := s.bumpCalendar(ctx, tx, d.UnitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: "calendar.decision.delete", ObjectType: "calendar_decision",
			ObjectID: strconv.FormatInt(id, 10)})
	})
}

// CalendarDecisions returns the decisions of the scopes (0 = nationwide) in entry order.
func (s *Store) CalendarDecisions(ctx context.Context, scopes []int64) ([]workcal.Decision, error) {
	var conds []string
	var args []any
	for _, sc := range scopes {
		if sc == 0 {
			conds = append(conds, "d.unit_id IS NULL")
			continue
		}
		args = append(args, sc)
		conds = append(conds, "d.unit_id = $"+strconv.Itoa(len(args)))
	}
	if len(conds) == 0 {
		return nil, nil
	}
	return s.decisions(ctx, "("+strings.Join(conds, " OR ")+")", args...)
}

func (s *Store) decisions(ctx context.Context, where string, args ...any) ([]workcal.Decision, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.id, COALESCE(d.unit_id, 0), d.number, d.signed_on, d.title, c.day, c.off, c.name
		FROM calendar_decisions d LEFT JOIN calendar_days c ON c.decision_id = d.id
		WHERE `+where+` ORDER BY d.id, c.day`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []workcal.Decision
	for rows.Next() {
		var d workcal.Decision
		var signed string
		var day, name sql.NullString
		var off sql.NullBool
		if err := rows.Scan(&d.ID, &d.UnitID, &d.Number, &signed, &d.Title, &day, &off, &name); err != nil {
			return nil, err
		}
		if n := len(out); n == 0 || out[n-1].ID != d.ID {
			if signed != "" {
				if d.Date, err = calendar.ParseDate(signed); err != nil {
					return nil, fmt.Errorf("store: decision %d: %w", d.ID, err)
				}
			}
			out = append(out, d)
		}
		if day.Valid {
			date, err := calendar.ParseDate(day.String)
			if err != nil {
				return nil, fmt.Errorf("store: decision %d: %w", d.ID, err)
			}
			last := &out[len(out)-1]
			last.Days = append(last.Days, calendar.DecidedDay{Date: date, Off: off.Bool, Name: name.String})
		}
	}
	return out, mapErr(rows.Err())
}

// weekdayColumns are the office_hours columns, indexed by time.Weekday.
var weekdayColumns = workcal.WeekdayNames

// SetOfficeHours stores a unit's office hours.
func (s *Store) SetOfficeHours(ctx context.Context, unitID int64, h calendar.OfficeHours) error {
	if err := h.Validate(); err != nil {
		return err
	}
	args := []any{unitID}
	for d := time.Sunday; d <= time.Saturday; d++ {
		args = append(args, h.Week[d].String())
	}
	args = append(args, h.Makeup.String(), s.timestamp())
	cols := strings.Join(weekdayColumns[:], ", ")
	var set []string
	for _, c := range append(weekdayColumns[:], "makeup", "updated_at") {
		set = append(set, c+" = excluded."+c)
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO office_hours (unit_id, `+cols+`, makeup, updated_at) VALUES (`+placeholders(1, 10)+`)
			ON CONFLICT (unit_id) DO UPDATE SET `+strings.Join(set, ", "), args...); err != nil {
			return fmt.Errorf("store: office hours of unit %d: %w", unitID, err)
		}
		if err := s.bumpCalendar(ctx, tx, unitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "calendar.hours.set", ObjectType: "unit",
			ObjectID: strconv.FormatInt(unitID, 10), Fields: append(weekdayColumns[:], "makeup")})
	})
}

// OfficeHours returns a unit's stored office hours.
func (s *Store) OfficeHours(ctx context.Context, unitID int64) (calendar.OfficeHours, bool, error) {
	var h calendar.OfficeHours
	var texts [8]string
	dest := make([]any, 8)
	for i := range texts {
		dest[i] = &texts[i]
	}
	err := s.r.QueryRowContext(ctx, `SELECT `+strings.Join(weekdayColumns[:], ", ")+`, makeup FROM office_hours WHERE unit_id = $1`, unitID).Scan(dest...)
	if err == sql.ErrNoRows {
		return h, false, nil
	}
	if err != nil {
		return h, false, mapErr(err)
	}
	for i, t := range texts {
		sh, err := calendar.ParseShift(t)
		if err != nil {
			return h, false, fmt.Errorf("store: office hours of unit %d: %w", unitID, err)
		}
		if i < 7 {
			h.Week[i] = sh
		} else {
			h.Makeup = sh
		}
	}
	return h, true, nil
}

// CalendarRevision returns a unit and the sum of the revisions of its scopes (the
// country, its parent, itself) in one read: any change of their decisions or office
// hours makes the sum grow.
func (s *Store) CalendarRevision(ctx context.Context, unitID int64) (unit.Unit, int64, error) {
	var rev int64
	u, err := scanUnit(rowWith{s.r.QueryRowContext(ctx, `SELECT u.`+strings.ReplaceAll(unitCols, ", ", ", u.")+`,
		(SELECT CAST(COALESCE(SUM(r.revision), 0) AS BIGINT) FROM calendar_revisions r
		 WHERE r.scope_id = 0 OR r.scope_id = u.id OR r.scope_id = u.parent_id)
		FROM units u WHERE u.id = $1`, unitID), &rev})
	if err != nil {
		return u, 0, fmt.Errorf("store: calendar of unit %d: %w", unitID, notFound(err, unit.ErrNotFound))
	}
	return u, rev, nil
}

// rowWith scans a row whose last columns, after those its scanner reads, go to extra.
type rowWith struct {
	row   *sql.Row
	extra any
}

func (r rowWith) Scan(dest ...any) error { return r.row.Scan(append(dest, r.extra)...) }
