package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/telehealth"
)

// Tele-health slots and bookings (internal/telehealth, docs/TELEHEALTH.md). A slot holds
// one live booking by the unique index on telehealth_bookings.active_slot.

const slotCols = `s.id, s.unit_id, s.doctor, s.kind, s.starts_at, s.ends_at,
	EXISTS (SELECT 1 FROM telehealth_bookings b WHERE b.active_slot = s.id)`

func scanSlot(row interface{ Scan(...any) error }) (telehealth.Slot, error) {
	var sl telehealth.Slot
	err := row.Scan(&sl.ID, &sl.UnitID, &sl.Doctor, &sl.Kind, &sl.Start, &sl.End, &sl.Taken)
	sl.Start, sl.End = sl.Start.UTC(), sl.End.UTC()
	return sl, err
}

// AddSlots stores a doctor's slots, all or none, refusing any that overlaps a slot of
// the same doctor in the unit (telehealth.ErrOverlap), audited.
func (s *Store) AddTeleSlots(ctx context.Context, slots []telehealth.Slot, by int64) ([]telehealth.Slot, error) {
	if len(slots) == 0 {
		return nil, nil
	}
	out := make([]telehealth.Slot, len(slots))
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.timestamp()
		for i, sl := range slots {
			var n int
			if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM telehealth_slots WHERE unit_id = $1 AND doctor = $2
				AND starts_at < $3 AND ends_at > $4`, sl.UnitID, sl.Doctor, utc(sl.End), utc(sl.Start)).Scan(&n); err != nil {
				return fmt.Errorf("store: slots: %w", err)
			}
			if n > 0 {
				return telehealth.ErrOverlap
			}
			if err := tx.QueryRowContext(ctx, `INSERT INTO telehealth_slots (unit_id, doctor, kind, starts_at, ends_at, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, sl.UnitID, sl.Doctor, sl.Kind, utc(sl.Start), utc(sl.End), nullID(by),
				now).Scan(&sl.ID); err != nil {
				return fmt.Errorf("store: slots: %w", err)
			}
			out[i] = sl
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: slots[0].UnitID, Action: "telehealth.slots.publish", ObjectType: "telehealth_slot",
			ObjectID: strconv.FormatInt(out[0].ID, 10) + "+" + strconv.Itoa(len(out)-1), Fields: []string{"doctor", "kind", "starts_at", "ends_at"}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Slots lists a unit's slots starting in [from, to).
func (s *Store) TeleSlots(ctx context.Context, unitID int64, from, to time.Time) ([]telehealth.Slot, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+slotCols+` FROM telehealth_slots s WHERE s.unit_id = $1 AND s.starts_at >= $2
		AND s.starts_at < $3 ORDER BY s.starts_at, s.doctor, s.id`, unitID, utc(from), utc(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []telehealth.Slot
	for rows.Next() {
		sl, err := scanSlot(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sl)
	}
	return out, mapErr(rows.Err())
}

// Slot loads one slot (telehealth.ErrSlotNotFound).
func (s *Store) TeleSlot(ctx context.Context, id int64) (telehealth.Slot, error) {
	sl, err := scanSlot(s.r.QueryRowContext(ctx, `SELECT `+slotCols+` FROM telehealth_slots s WHERE s.id = $1`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return sl, telehealth.ErrSlotNotFound
	}
	return sl, mapErr(err)
}

const teleBookingCols = `b.id, b.code, b.slot_id, b.unit_id, COALESCE(b.user_id, 0), b.secret_hash, b.room, b.name, b.phone, b.reason,
	b.person_hash, b.status, b.booked_at, b.cancelled_at, b.marked_at,
	s.id, s.unit_id, s.doctor, s.kind, s.starts_at, s.ends_at, b.active_slot IS NOT NULL`

func scanTeleBooking(row interface{ Scan(...any) error }) (telehealth.Booking, error) {
	var b telehealth.Booking
	var cancelled, marked sql.NullTime
	err := row.Scan(&b.ID, &b.Code, &b.SlotID, &b.UnitID, &b.UserID, &b.SecretHash, &b.Room, &b.Name, &b.Phone, &b.Reason,
		&b.PersonHash, &b.Status, &b.BookedAt, &cancelled, &marked,
		&b.Slot.ID, &b.Slot.UnitID, &b.Slot.Doctor, &b.Slot.Kind, &b.Slot.Start, &b.Slot.End, &b.Slot.Taken)
	b.BookedAt, b.Slot.Start, b.Slot.End = b.BookedAt.UTC(), b.Slot.Start.UTC(), b.Slot.End.UTC()
	if cancelled.Valid {
		b.CancelledAt = cancelled.Time.UTC()
	}
	if marked.Valid {
		b.MarkedAt = marked.Time.UTC()
	}
	return b, err
}

func (s *Store) teleBookings(ctx context.Context, where string, args ...any) ([]telehealth.Booking, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+teleBookingCols+` FROM telehealth_bookings b JOIN telehealth_slots s ON s.id = b.slot_id
		WHERE `+where, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []telehealth.Booking
	for rows.Next() {
		b, err := scanTeleBooking(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, b)
	}
	return out, mapErr(rows.Err())
}

// Book stores a booking on its slot with its messages, consuming the phone's challenge,
// in one transaction; a booking already standing on the slot makes it
// telehealth.ErrSlotTaken (the unique index decides, on either engine).
func (s *Store) BookTeleSlot(ctx context.Context, b telehealth.Booking, challengeID string, msgs []telehealth.Scheduled) (telehealth.Booking, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if challengeID != "" {
			res, err := tx.ExecContext(ctx, `UPDATE account_challenges SET consumed_at = $1, target = '' WHERE id = $2 AND purpose = $3
				AND consumed_at IS NULL`, s.timestamp(), challengeID, string(citizen.Booking))
			if err != nil {
				return fmt.Errorf("store: booking challenge: %w", err)
			}
			if n, _ := res.RowsAffected(); n == 0 {
				return citizen.ErrCodeInvalid
			}
		}
		err := tx.QueryRowContext(ctx, `INSERT INTO telehealth_bookings (code, slot_id, active_slot, unit_id, user_id, secret_hash, room,
			name, phone, reason, person_hash, status, booked_at) VALUES ($1, $2, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
			b.Code, b.SlotID, b.UnitID, nullID(b.UserID), b.SecretHash, b.Room, b.Name, b.Phone, b.Reason, b.PersonHash, b.Status,
			utc(b.BookedAt)).Scan(&b.ID)
		if isUnique(err) {
			return telehealth.ErrSlotTaken
		}
		if err != nil {
			return fmt.Errorf("store: booking: %w", err)
		}
		for _, m := range msgs {
			if err := s.enqueueDue(ctx, tx, m.Message, m.At); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: b.UnitID, Action: "telehealth.booking.booked", ObjectType: "telehealth_booking",
			ObjectID: b.Code, Fields: []string{"slot_id", "name", "phone", "reason", "status"}})
	})
	if err != nil {
		return telehealth.Booking{}, err
	}
	b.Slot.Taken = true
	return b, nil
}

// Booking loads a booking by code (telehealth.ErrBookingNotFound).
func (s *Store) TeleBooking(ctx context.Context, code string) (telehealth.Booking, error) {
	bs, err := s.teleBookings(ctx, `b.code = $1`, code)
	if err != nil {
		return telehealth.Booking{}, err
	}
	if len(bs) == 0 {
		return telehealth.Booking{}, telehealth.ErrBookingNotFound
	}
	return bs[0], nil
}

// Upcoming counts a person's bookings still booked on slots ending after now.
func (s *Store) TeleUpcoming(ctx context.Context, personHash string, now time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM telehealth_bookings b JOIN telehealth_slots s ON s.id = b.slot_id
		WHERE b.person_hash = $1 AND b.status = 'booked' AND s.ends_at > $2`, personHash, utc(now)).Scan(&n)
	return n, mapErr(err)
}

// BookingsOn lists a unit's bookings on slots starting in [from, to).
func (s *Store) TeleBookingsOn(ctx context.Context, unitID int64, from, to time.Time) ([]telehealth.Booking, error) {
	return s.teleBookings(ctx, `b.unit_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3 ORDER BY s.starts_at, b.id`,
		unitID, utc(from), utc(to))
}

// MyBookings lists a citizen account's bookings, the latest slot first.
func (s *Store) MyTeleBookings(ctx context.Context, userID int64, limit int) ([]telehealth.Booking, error) {
	return s.teleBookings(ctx, `b.user_id = $1 ORDER BY s.starts_at DESC, b.id DESC LIMIT $2`, userID, limit)
}

// CancelBooking cancels a booked booking: the slot is free again, the reason blanked,
// the pending reminders dropped, audited, in one transaction.
func (s *Store) CancelTeleBooking(ctx context.Context, b telehealth.Booking, at time.Time, by int64) (telehealth.Booking, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE telehealth_bookings SET status = 'cancelled', active_slot = NULL, reason = '',
			cancelled_at = $1 WHERE id = $2 AND status = 'booked'`, utc(at), b.ID)
		if err != nil {
			return fmt.Errorf("store: cancel booking: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return telehealth.ErrBookingStep
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE ref = $1 AND status = 'pending' AND attempts = 0`,
			telehealth.ReminderRef(b.Code)); err != nil {
			return fmt.Errorf("store: reminders: %w", err)
		}
		_ = by
		return s.appendAudit(ctx, tx, audit.Event{Chain: b.UnitID, Action: "telehealth.booking.cancelled", ObjectType: "telehealth_booking",
			ObjectID: b.Code, Fields: []string{"status", "reason"}})
	})
	if err != nil {
		return b, err
	}
	b.Status, b.CancelledAt, b.Reason, b.Slot.Taken = telehealth.StatusCancelled, utc(at), "", false
	return b, nil
}

// MarkBooking sets attended or no-show on a booking not cancelled, audited.
func (s *Store) MarkTeleBooking(ctx context.Context, b telehealth.Booking, status telehealth.Status, at time.Time, by int64) (telehealth.Booking, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE telehealth_bookings SET status = $1, marked_at = $2 WHERE id = $3 AND status <> 'cancelled'`,
			string(status), utc(at), b.ID)
		if err != nil {
			return fmt.Errorf("store: mark booking: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return telehealth.ErrBookingStep
		}
		_ = by
		return s.appendAudit(ctx, tx, audit.Event{Chain: b.UnitID, Action: "telehealth.booking." + string(status), ObjectType: "telehealth_booking",
			ObjectID: b.Code, Fields: []string{"status"}})
	})
	if err != nil {
		return b, err
	}
	b.Status, b.MarkedAt = status, utc(at)
	return b, nil
}

// TelehealthMonths counts a unit's bookings by month of the slot (in Vietnam) in [from, to).
func (s *Store) TelehealthMonths(ctx context.Context, unitID int64, from, to time.Time) ([]telehealth.Month, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT s.starts_at, b.status FROM telehealth_bookings b JOIN telehealth_slots s ON s.id = b.slot_id
		WHERE b.unit_id = $1 AND s.starts_at >= $2 AND s.starts_at < $3`, unitID, utc(from), utc(to))
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	months := map[int]*telehealth.Month{}
	for rows.Next() {
		var at time.Time
		var st string
		if err := rows.Scan(&at, &st); err != nil {
			return nil, err
		}
		m := int(at.In(from.Location()).Month())
		x := months[m]
		if x == nil {
			x = &telehealth.Month{Month: m}
			months[m] = x
		}
		x.All++
		switch telehealth.Status(st) {
		case telehealth.StatusBooked:
			x.Booked++
		case telehealth.StatusCancelled:
			x.Cancelled++
		case telehealth.StatusAttended:
			x.Attended++
		case telehealth.StatusNoShow:
			x.NoShow++
		}
	}
	out := make([]telehealth.Month, 0, len(months))
	for i := 1; i <= 12; i++ {
		if m := months[i]; m != nil {
			out = append(out, *m)
		}
	}
	return out, mapErr(rows.Err())
}

// PurgeTelehealth blanks the reasons of bookings whose slot ended before reasonsBefore
// and the names and phones of those that ended before contactsBefore, audited by count.
func (s *Store) PurgeTelehealth(ctx context.Context, reasonsBefore, contactsBefore time.Time) (int, error) {
	var total int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.timestamp()
		res, err := tx.ExecContext(ctx, `UPDATE telehealth_bookings SET reason = '', purged_at = $1 WHERE reason <> ''
			AND slot_id IN (SELECT id FROM telehealth_slots WHERE ends_at < $2)`, now, utc(reasonsBefore))
		if err != nil {
			return fmt.Errorf("store: purge reasons: %w", err)
		}
		n1, _ := res.RowsAffected()
		res, err = tx.ExecContext(ctx, `UPDATE telehealth_bookings SET name = '', phone = '', purged_at = $1 WHERE (name <> '' OR phone <> '')
			AND slot_id IN (SELECT id FROM telehealth_slots WHERE ends_at < $2)`, now, utc(contactsBefore))
		if err != nil {
			return fmt.Errorf("store: purge contacts: %w", err)
		}
		n2, _ := res.RowsAffected()
		total = n1 + n2
		if total == 0 {
			return nil
		}
		return s.appendAudit(ctx, tx, audit.Event{Action: "telehealth.purge", ObjectType: "telehealth_booking",
			ObjectID: strconv.FormatInt(n1, 10) + " reasons, " + strconv.FormatInt(n2, 10) + " contacts", Fields: []string{"reason", "name", "phone"}})
	})
	return int(total), err
}

// AccountPhone is the number a citizen account was opened with ("" : none).
func (s *Store) AccountPhone(ctx context.Context, userID int64) (string, error) {
	var phone sql.NullString
	err := s.r.QueryRowContext(ctx, `SELECT phone FROM users WHERE id = $1`, userID).Scan(&phone)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return phone.String, mapErr(err)
}

var _ telehealth.Store = (*Store)(nil)
