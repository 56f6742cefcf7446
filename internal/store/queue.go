package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/queue"
)

// The service centre's floor (queue.Store): groups, desks, kiosks, tickets, calls,
// bookings and desk ratings.

// QueueGroups lists a unit's service groups in the kiosk's order.
func (s *Store) QueueGroups(ctx context.Context, unitID int64) ([]queue.Group, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT unit_id, code, letter, name, sort_order, slot_minutes, slot_capacity
		FROM queue_groups WHERE unit_id = $1 ORDER BY sort_order, code`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Group
	for rows.Next() {
		var g queue.Group
		if err := rows.Scan(&g.UnitID, &g.Code, &g.Letter, &g.Name, &g.Position, &g.SlotMinutes, &g.SlotCapacity); err != nil {
			return nil, err
		}
		out = append(out, g)
	}
	return out, mapErr(rows.Err())
}

// SetQueueGroup creates or replaces a service group.
func (s *Store) SetQueueGroup(ctx context.Context, g queue.Group) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_groups (unit_id, code, letter, name, sort_order, slot_minutes, slot_capacity)
			VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (unit_id, code) DO UPDATE SET letter = excluded.letter,
			name = excluded.name, sort_order = excluded.sort_order, slot_minutes = excluded.slot_minutes, slot_capacity = excluded.slot_capacity`,
			g.UnitID, g.Code, g.Letter, g.Name, g.Position, g.SlotMinutes, g.SlotCapacity); err != nil {
			if isUnique(err) {
				return queue.ErrLetterTaken
			}
			return fmt.Errorf("store: queue group %s: %w", g.Code, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: g.UnitID, Action: "queue.group.set", ObjectType: "queue_group",
			ObjectID: g.Code, Fields: []string{"letter", "name", "sort_order", "slot_minutes", "slot_capacity"}})
	})
}

// SetQueueDesk creates or replaces a desk (its holder is kept).
func (s *Store) SetQueueDesk(ctx context.Context, d queue.Desk) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_desks (unit_id, number, group_codes, name) VALUES ($1, $2, $3, $4)
			ON CONFLICT (unit_id, number) DO UPDATE SET group_codes = excluded.group_codes, name = excluded.name`,
			d.UnitID, d.Number, queue.GroupsText(d.Groups), d.Name); err != nil {
			return fmt.Errorf("store: desk %d: %w", d.Number, err)
		}
		if err := bumpFloor(ctx, tx, d.UnitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: "queue.desk.set", ObjectType: "queue_desk",
			ObjectID: strconv.Itoa(d.Number), Fields: []string{"group_codes", "name"}})
	})
}

// SetQueueKiosk creates or replaces a kiosk.
func (s *Store) SetQueueKiosk(ctx context.Context, k queue.Kiosk) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_kiosks (unit_id, code, printer, name, token, enabled) VALUES ($1, $2, $3, $4, $5, $6)
			ON CONFLICT (unit_id, code) DO UPDATE SET printer = excluded.printer, name = excluded.name, token = excluded.token,
			enabled = excluded.enabled`, k.UnitID, k.Code, k.Printer, k.Name, k.Token, !k.Disabled); err != nil {
			return fmt.Errorf("store: kiosk %s: %w", k.Code, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: k.UnitID, Action: "queue.kiosk.set", ObjectType: "queue_kiosk",
			ObjectID: k.Code, Fields: []string{"printer", "name", "token", "enabled"}})
	})
}

// QueueDesks lists a unit's desks with their holders.
func (s *Store) QueueDesks(ctx context.Context, unitID int64) ([]queue.Desk, error) {
	return queueDesks(ctx, s.r, unitID)
}

func queueDesks(ctx context.Context, q rowsQuerier, unitID int64) ([]queue.Desk, error) {
	rows, err := q.QueryContext(ctx, `SELECT d.unit_id, d.number, d.group_codes, COALESCE(d.holder_id, 0), COALESCE(u.full_name, ''), d.name
		FROM queue_desks d LEFT JOIN users u ON u.id = d.holder_id WHERE d.unit_id = $1 ORDER BY d.number`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Desk
	for rows.Next() {
		var d queue.Desk
		var groups string
		if err := rows.Scan(&d.UnitID, &d.Number, &groups, &d.HolderID, &d.HolderName, &d.Name); err != nil {
			return nil, err
		}
		d.Groups = queue.ParseGroups(groups)
		out = append(out, d)
	}
	return out, mapErr(rows.Err())
}

// QueueKiosk returns a unit's kiosk.
func (s *Store) QueueKiosk(ctx context.Context, unitID int64, code string) (queue.Kiosk, error) {
	k := queue.Kiosk{UnitID: unitID, Code: code}
	var enabled bool
	err := s.r.QueryRowContext(ctx, `SELECT printer, name, token, enabled FROM queue_kiosks WHERE unit_id = $1 AND code = $2`, unitID, code).
		Scan(&k.Printer, &k.Name, &k.Token, &enabled)
	if err != nil {
		return k, notFound(err, apperr.ErrNotFound)
	}
	k.Disabled = !enabled
	return k, nil
}

// QueueKiosks lists a unit's kiosks by code.
func (s *Store) QueueKiosks(ctx context.Context, unitID int64) ([]queue.Kiosk, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT code, printer, name, token, enabled FROM queue_kiosks WHERE unit_id = $1 ORDER BY code`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Kiosk
	for rows.Next() {
		k := queue.Kiosk{UnitID: unitID}
		var enabled bool
		if err := rows.Scan(&k.Code, &k.Printer, &k.Name, &k.Token, &enabled); err != nil {
			return nil, err
		}
		k.Disabled = !enabled
		out = append(out, k)
	}
	return out, mapErr(rows.Err())
}

// ReleaseDesk leaves a desk without a holder.
func (s *Store) ReleaseDesk(ctx context.Context, unitID int64, desk int) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE queue_desks SET holder_id = NULL WHERE unit_id = $1 AND number = $2`, unitID, desk)
		if err != nil {
			return fmt.Errorf("store: desk %d: %w", desk, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return queue.ErrUnknownDesk
		}
		if err := bumpFloor(ctx, tx, unitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "queue.desk.release", ObjectType: "queue_desk",
			ObjectID: strconv.Itoa(desk), Fields: []string{"holder_id"}})
	})
}

// bumpFloor moves the unit's floor revision on, inside tx.
func bumpFloor(ctx context.Context, tx *sql.Tx, unitID int64) error {
	if _, err := tx.ExecContext(ctx, `INSERT INTO queue_revisions (unit_id, n) VALUES ($1, 1)
		ON CONFLICT (unit_id) DO UPDATE SET n = queue_revisions.n + 1`, unitID); err != nil {
		return fmt.Errorf("store: floor revision: %w", err)
	}
	return nil
}

// QueueRevision is the unit's floor revision (0 before any change).
func (s *Store) QueueRevision(ctx context.Context, unitID int64) (int64, error) {
	var n int64
	err := s.r.QueryRowContext(ctx, `SELECT n FROM queue_revisions WHERE unit_id = $1`, unitID).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	return n, mapErr(err)
}

func newTicketToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return fmt.Sprintf("%x", b)
}

// TakeTicket stores a ticket with the next number of its group's day: the sequence row
// is incremented in the transaction that inserts it (locked until commit on PostgreSQL,
// one writer on SQLite), so no number is given twice nor skipped.
func (s *Store) TakeTicket(ctx context.Context, nt queue.NewTicket) (queue.Ticket, error) {
	t := nt.Ticket
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if t.BookingID != 0 {
			res, err := tx.ExecContext(ctx, `UPDATE queue_bookings SET status = $1, checked_in_at = $2
				WHERE id = $3 AND status = $4`, queue.BookingCheckedIn, utc(t.TakenAt), t.BookingID, queue.BookingBooked)
			if err != nil {
				return fmt.Errorf("store: booking %d: %w", t.BookingID, err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return queue.ErrBookingUsed
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO queue_sequences (unit_id, day, group_code, n) VALUES ($1, $2, $3, 1)
			ON CONFLICT (unit_id, day, group_code) DO UPDATE SET n = queue_sequences.n + 1 RETURNING n`,
			t.UnitID, t.Day, t.Group).Scan(&t.Seq); err != nil {
			return fmt.Errorf("store: ticket sequence: %w", err)
		}
		t.Number, t.Token = queue.FormatNumber(nt.Letter, t.Seq), newTicketToken()
		if err := tx.QueryRowContext(ctx, `INSERT INTO queue_tickets (unit_id, day, group_code, seq, number, priority, status, desk,
			kiosk, token, booking_id, taken_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			t.UnitID, t.Day, t.Group, t.Seq, t.Number, t.Priority, t.Status, t.Desk, t.Kiosk, t.Token, nullID(t.BookingID),
			utc(t.TakenAt)).Scan(&t.ID); err != nil {
			return fmt.Errorf("store: ticket %s: %w", t.Number, err)
		}
		if t.BookingID != 0 {
			if _, err := tx.ExecContext(ctx, `UPDATE queue_bookings SET ticket_id = $1 WHERE id = $2`, t.ID, t.BookingID); err != nil {
				return fmt.Errorf("store: booking %d: %w", t.BookingID, err)
			}
			if err := s.appendAudit(ctx, tx, audit.Event{Chain: t.UnitID, Action: "queue.booking.check_in", ObjectType: "queue_booking",
				ObjectID: strconv.FormatInt(t.BookingID, 10), Fields: []string{"status", "ticket_id"}}); err != nil {
				return err
			}
		}
		if nt.Messages != nil {
			for _, m := range nt.Messages(t) {
				if err := s.enqueue(ctx, tx, m); err != nil {
					return err
				}
			}
		}
		if err := bumpFloor(ctx, tx, t.UnitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: t.UnitID, Action: "queue.ticket.take", ObjectType: "queue_ticket",
			ObjectID: strconv.FormatInt(t.ID, 10), Fields: []string{"number", "group_code", "priority"}})
	})
	return t, err
}

const ticketCols = `id, unit_id, day, group_code, seq, number, priority, status, desk, COALESCE(officer_id, 0), kiosk, token,
	COALESCE(booking_id, 0), COALESCE(dossier_code, ''), taken_at, called_at, finished_at, calls`

func scanTicket(row interface{ Scan(...any) error }) (queue.Ticket, error) {
	var t queue.Ticket
	var called, finished sql.NullTime
	err := row.Scan(&t.ID, &t.UnitID, &t.Day, &t.Group, &t.Seq, &t.Number, &t.Priority, &t.Status, &t.Desk, &t.OfficerID,
		&t.Kiosk, &t.Token, &t.BookingID, &t.DossierCode, &t.TakenAt, &called, &finished, &t.Calls)
	t.TakenAt = t.TakenAt.UTC()
	if called.Valid {
		t.CalledAt = called.Time.UTC()
	}
	if finished.Valid {
		t.FinishedAt = finished.Time.UTC()
	}
	return t, err
}

func queryTickets(ctx context.Context, q rowsQuerier, where string, args ...any) ([]queue.Ticket, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ticketCols+` FROM queue_tickets WHERE `+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Ticket
	for rows.Next() {
		t, err := scanTicket(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// OpenTickets are a unit's waiting and called tickets of a day.
func (s *Store) OpenTickets(ctx context.Context, unitID int64, day string) ([]queue.Ticket, error) {
	return queryTickets(ctx, s.r, `unit_id = $1 AND day = $2 AND status IN ('waiting', 'called') ORDER BY id`, unitID, day)
}

// FloorTickets are a unit's tickets taken from one day to another (inclusive).
func (s *Store) FloorTickets(ctx context.Context, unitID int64, from, to string) ([]queue.Ticket, error) {
	return queryTickets(ctx, s.r, `unit_id = $1 AND day >= $2 AND day <= $3 ORDER BY id`, unitID, from, to)
}

// FloorAssignees maps the dossiers started from a unit's tickets of a period (days
// inclusive) to the officer each is assigned to by name, for those assigned.
func (s *Store) FloorAssignees(ctx context.Context, unitID int64, from, to string) (map[string]int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT d.code, d.assigned_to FROM queue_tickets t JOIN dossiers d ON d.code = t.dossier_code
		WHERE t.unit_id = $1 AND t.day >= $2 AND t.day <= $3 AND d.assigned_to IS NOT NULL`, unitID, from, to)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int64{}
	for rows.Next() {
		var code string
		var id int64
		if err := rows.Scan(&code, &id); err != nil {
			return nil, err
		}
		out[code] = id
	}
	return out, mapErr(rows.Err())
}

// TicketByToken returns the ticket a phone follows.
func (s *Store) TicketByToken(ctx context.Context, token string) (queue.Ticket, error) {
	t, err := scanTicket(s.r.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM queue_tickets WHERE token = $1`, token))
	if err != nil {
		return t, notFound(err, queue.ErrTicketNotFound)
	}
	return t, nil
}

// TicketByID returns a unit's ticket.
func (s *Store) TicketByID(ctx context.Context, unitID, id int64) (queue.Ticket, error) {
	t, err := scanTicket(s.r.QueryRowContext(ctx, `SELECT `+ticketCols+` FROM queue_tickets WHERE id = $1 AND unit_id = $2`, id, unitID))
	if err != nil {
		return t, notFound(err, queue.ErrTicketNotFound)
	}
	return t, nil
}

// HoldDesk gives a desk to a user, releasing any other desk they held in the unit.
func (s *Store) HoldDesk(ctx context.Context, unitID int64, desk int, userID int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE queue_desks SET holder_id = NULL WHERE unit_id = $1 AND holder_id = $2 AND number <> $3`,
			unitID, userID, desk); err != nil {
			return fmt.Errorf("store: desk %d: %w", desk, err)
		}
		res, err := tx.ExecContext(ctx, `UPDATE queue_desks SET holder_id = $1 WHERE unit_id = $2 AND number = $3`, userID, unitID, desk)
		if err != nil {
			return fmt.Errorf("store: desk %d: %w", desk, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return queue.ErrUnknownDesk
		}
		if err := bumpFloor(ctx, tx, unitID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "queue.desk.hold", ObjectType: "queue_desk",
			ObjectID: strconv.Itoa(desk), Fields: []string{"holder_id"}})
	})
}

// ChangeFloor implements queue.Store: the updates are stored only over the tickets as
// decide saw them (status, desk and calls unchanged); otherwise the floor is read and
// decided again, a few times.
func (s *Store) ChangeFloor(ctx context.Context, unitID int64, day string, decide func(queue.Floor) ([]queue.Update, error)) ([]queue.Update, error) {
	for attempt := 0; ; attempt++ {
		var ups []queue.Update
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			desks, err := queueDesks(ctx, tx, unitID)
			if err != nil {
				return err
			}
			open, err := queryTickets(ctx, tx, `unit_id = $1 AND day = $2 AND status IN ('waiting', 'called') ORDER BY id`, unitID, day)
			if err != nil {
				return err
			}
			if ups, err = decide(queue.Floor{Desks: desks, Tickets: open}); err != nil {
				return err
			}
			for _, u := range ups {
				if err := s.applyTicket(ctx, tx, u); err != nil {
					return err
				}
			}
			return bumpFloor(ctx, tx, unitID)
		})
		if errors.Is(err, queue.ErrChanged) && attempt < 4 {
			continue
		}
		return ups, err
	}
}

func (s *Store) applyTicket(ctx context.Context, tx *sql.Tx, u queue.Update) error {
	b, a := u.Before, u.After
	res, err := tx.ExecContext(ctx, `UPDATE queue_tickets SET status = $1, desk = $2, officer_id = $3, called_at = $4, finished_at = $5,
		calls = $6 WHERE id = $7 AND status = $8 AND desk = $9 AND calls = $10`,
		a.Status, a.Desk, nullID(a.OfficerID), nullTime(a.CalledAt), nullTime(a.FinishedAt), a.Calls, a.ID, b.Status, b.Desk, b.Calls)
	if err != nil {
		return fmt.Errorf("store: ticket %s: %w", a.Number, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return queue.ErrChanged
	}
	if u.Announce {
		if _, err := tx.ExecContext(ctx, `INSERT INTO queue_calls (unit_id, day, ticket_id, number, desk, called_at) VALUES ($1, $2, $3, $4, $5, $6)`,
			a.UnitID, a.Day, a.ID, a.Number, a.Desk, s.timestamp()); err != nil {
			return fmt.Errorf("store: call %s: %w", a.Number, err)
		}
	}
	return s.appendAudit(ctx, tx, audit.Event{Chain: a.UnitID, Action: u.Action, ObjectType: "queue_ticket",
		ObjectID: strconv.FormatInt(a.ID, 10), Fields: []string{"status", "desk", "officer_id", "calls"}})
}

func scanCall(row interface{ Scan(...any) error }) (queue.Call, error) {
	var c queue.Call
	err := row.Scan(&c.ID, &c.TicketID, &c.Number, &c.Desk, &c.At)
	c.At = c.At.UTC()
	return c, err
}

// LastCalls are the latest n calls of a unit's day, the latest first.
func (s *Store) LastCalls(ctx context.Context, unitID int64, day string, n int) ([]queue.Call, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, ticket_id, number, desk, called_at FROM queue_calls
		WHERE unit_id = $1 AND day = $2 ORDER BY id DESC LIMIT $3`, unitID, day, n)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Call
	for rows.Next() {
		c, err := scanCall(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// QueueCall returns one call of a unit.
func (s *Store) QueueCall(ctx context.Context, unitID, id int64) (queue.Call, error) {
	c, err := scanCall(s.r.QueryRowContext(ctx, `SELECT id, ticket_id, number, desk, called_at FROM queue_calls
		WHERE id = $1 AND unit_id = $2`, id, unitID))
	if err != nil {
		return c, notFound(err, apperr.ErrNotFound)
	}
	return c, nil
}

// SlotsTaken counts the places taken in each slot of a group's day.
func (s *Store) SlotsTaken(ctx context.Context, unitID int64, group, day string) (map[string]int, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT slot, n FROM queue_slot_counts WHERE unit_id = $1 AND group_code = $2 AND day = $3`,
		unitID, group, day)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var slot string
		var n int
		if err := rows.Scan(&slot, &n); err != nil {
			return nil, err
		}
		out[slot] = n
	}
	return out, mapErr(rows.Err())
}

// CreateBooking takes a place in the booking's slot — the counter row is incremented
// only while under the capacity, so concurrent bookings never overfill it — and stores
// the booking with a fresh code and its messages (the reminder due at its time).
func (s *Store) CreateBooking(ctx context.Context, nb queue.NewBooking) (queue.Booking, error) {
	b := nb.Booking
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var n int
		err := tx.QueryRowContext(ctx, `INSERT INTO queue_slot_counts (unit_id, group_code, day, slot, n) VALUES ($1, $2, $3, $4, 1)
			ON CONFLICT (unit_id, group_code, day, slot) DO UPDATE SET n = queue_slot_counts.n + 1
			WHERE queue_slot_counts.n < $5 RETURNING n`, b.UnitID, b.Group, b.Day, b.Slot, nb.Capacity).Scan(&n)
		switch {
		case errors.Is(err, sql.ErrNoRows):
			return queue.ErrSlotFull
		case err != nil:
			return fmt.Errorf("store: slot %s %s: %w", b.Day, b.Slot, err)
		case n > nb.Capacity:
			return queue.ErrSlotFull
		}
		b.Code = queue.NewBookingCode()
		if err := tx.QueryRowContext(ctx, `INSERT INTO queue_bookings (unit_id, group_code, day, slot, slot_end, code, status, email, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, b.UnitID, b.Group, b.Day, b.Slot, b.SlotEnd, b.Code, b.Status,
			b.Email, utc(b.CreatedAt)).Scan(&b.ID); err != nil {
			return fmt.Errorf("store: booking: %w", err)
		}
		if nb.Messages != nil {
			for _, m := range nb.Messages(b) {
				if err := s.enqueueAt(ctx, tx, m.Message, m.At); err != nil {
					return err
				}
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: b.UnitID, Action: "queue.booking.create", ObjectType: "queue_booking",
			ObjectID: strconv.FormatInt(b.ID, 10), Fields: []string{"group_code", "day", "slot", "email"}})
	})
	return b, err
}

// enqueueAt writes a message due at at (zero: now) to the outbox inside tx.
func (s *Store) enqueueAt(ctx context.Context, tx *sql.Tx, m notify.Message, at time.Time) error {
	now := s.timestamp()
	due := now
	if !at.IsZero() {
		due = utc(at)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO outbox (unit_id, recipient, subject, body, ref, created_at, next_attempt_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, m.UnitID, m.To, m.Subject, m.Body, m.Ref, now, due); err != nil {
		return fmt.Errorf("store: outbox: %w", err)
	}
	return nil
}

const bookingCols = `id, unit_id, group_code, day, slot, slot_end, code, status, email, COALESCE(ticket_id, 0), created_at,
	checked_in_at, cancelled_at`

func scanBooking(row interface{ Scan(...any) error }) (queue.Booking, error) {
	var b queue.Booking
	var in, cancelled sql.NullTime
	err := row.Scan(&b.ID, &b.UnitID, &b.Group, &b.Day, &b.Slot, &b.SlotEnd, &b.Code, &b.Status, &b.Email, &b.TicketID,
		&b.CreatedAt, &in, &cancelled)
	b.CreatedAt = b.CreatedAt.UTC()
	if in.Valid {
		b.CheckedInAt = in.Time.UTC()
	}
	if cancelled.Valid {
		b.CancelledAt = cancelled.Time.UTC()
	}
	return b, err
}

// BookingByCode returns a booking.
func (s *Store) BookingByCode(ctx context.Context, code string) (queue.Booking, error) {
	b, err := scanBooking(s.r.QueryRowContext(ctx, `SELECT `+bookingCols+` FROM queue_bookings WHERE code = $1`, code))
	if err != nil {
		return b, notFound(err, queue.ErrBookingNotFound)
	}
	return b, nil
}

// FloorBookings are a unit's bookings from one day to another (inclusive).
func (s *Store) FloorBookings(ctx context.Context, unitID int64, from, to string) ([]queue.Booking, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+bookingCols+` FROM queue_bookings WHERE unit_id = $1 AND day >= $2 AND day <= $3
		ORDER BY day, slot, id`, unitID, from, to)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Booking
	for rows.Next() {
		b, err := scanBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, mapErr(rows.Err())
}

// CancelBooking cancels a booked visit: its place goes back to the slot and its pending
// reminder is dropped, in one transaction.
func (s *Store) CancelBooking(ctx context.Context, id int64, at time.Time) (queue.Booking, error) {
	var b queue.Booking
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var err error
		b, err = scanBooking(tx.QueryRowContext(ctx, `UPDATE queue_bookings SET status = $1, cancelled_at = $2
			WHERE id = $3 AND status = $4 RETURNING `+bookingCols, queue.BookingCancelled, utc(at), id, queue.BookingBooked))
		if errors.Is(err, sql.ErrNoRows) {
			return queue.ErrBookingUsed
		}
		if err != nil {
			return fmt.Errorf("store: booking %d: %w", id, err)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE queue_slot_counts SET n = n - 1 WHERE unit_id = $1 AND group_code = $2 AND day = $3
			AND slot = $4 AND n > 0`, b.UnitID, b.Group, b.Day, b.Slot); err != nil {
			return fmt.Errorf("store: slot: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE ref = $1 AND status = 'pending' AND attempts = 0`,
			"booking:"+strconv.FormatInt(id, 10)+":reminder"); err != nil {
			return fmt.Errorf("store: reminder: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: b.UnitID, Action: "queue.booking.cancel", ObjectType: "queue_booking",
			ObjectID: strconv.FormatInt(id, 10), Fields: []string{"status"}})
	})
	return b, err
}

// CreateRating stores a desk rating; the ticket's unique key refuses a second one.
func (s *Store) CreateRating(ctx context.Context, r queue.Rating) (queue.Rating, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO desk_ratings (unit_id, desk, officer_id, ticket_id, dossier_code, score, reason, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, r.UnitID, r.Desk, r.OfficerID, r.TicketID, nullString(r.DossierCode),
			r.Score, r.Reason, utc(r.At)).Scan(&r.ID); err != nil {
			if isUnique(err) {
				return queue.ErrNothingToRate
			}
			return fmt.Errorf("store: desk rating: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: r.UnitID, Action: "queue.rating.create", ObjectType: "desk_rating",
			ObjectID: strconv.FormatInt(r.ID, 10), Fields: []string{"score", "reason", "officer_id", "ticket_id"}})
	})
	return r, err
}

// FloorRatings are a unit's desk ratings given in [from, to).
func (s *Store) FloorRatings(ctx context.Context, unitID int64, from, to time.Time) ([]queue.Rating, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, unit_id, desk, officer_id, ticket_id, COALESCE(dossier_code, ''), score, reason, created_at
		FROM desk_ratings WHERE unit_id = $1 AND created_at >= $2 AND created_at < $3 ORDER BY id`, unitID, utc(from), utc(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []queue.Rating
	for rows.Next() {
		var r queue.Rating
		if err := rows.Scan(&r.ID, &r.UnitID, &r.Desk, &r.OfficerID, &r.TicketID, &r.DossierCode, &r.Score, &r.Reason, &r.At); err != nil {
			return nil, err
		}
		r.At = r.At.UTC()
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// UserNames gives the full names of users by id.
func (s *Store) UserNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, full_name FROM users WHERE id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, mapErr(rows.Err())
}

// linkQueueTicket records, in the transaction that files d, the queue ticket its
// counter visit came with: on the dossier, and the dossier's code on the ticket.
func linkQueueTicket(ctx context.Context, tx *sql.Tx, d dossier.Dossier, day string) error {
	if _, err := tx.ExecContext(ctx, `UPDATE dossiers SET queue_ticket = $1 WHERE id = $2`, d.QueueTicket, d.ID); err != nil {
		return fmt.Errorf("store: dossier %s ticket: %w", d.Code, err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE queue_tickets SET dossier_code = $1 WHERE unit_id = $2 AND day = $3 AND number = $4
		AND dossier_code IS NULL`, d.Code, d.ReceivingUnitID, day, d.QueueTicket); err != nil {
		return fmt.Errorf("store: ticket %s dossier: %w", d.QueueTicket, err)
	}
	return nil
}

// DossierQueueTicket is the queue ticket a dossier was received from ("" : none).
func (s *Store) DossierQueueTicket(ctx context.Context, code string) (string, error) {
	var t sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT queue_ticket FROM dossiers WHERE code = $1`, code).Scan(&t)
	return t.String, notFound(err, dossier.ErrNotFound)
}
