package queue

import (
	"net/mail"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// BookingStatus is where a booked visit stands.
type BookingStatus string

const (
	BookingBooked    BookingStatus = "booked"     // đã đặt
	BookingCheckedIn BookingStatus = "checked_in" // đã lấy số
	BookingCancelled BookingStatus = "cancelled"  // đã hủy
)

// Booking is a booked visit (lịch hẹn) to a group of the floor, in a slot of a day.
type Booking struct {
	ID          int64
	UnitID      int64
	Group       string
	Day         string // YYYY-MM-DD
	Slot        string // HH:MM, the slot's start
	SlotEnd     string // HH:MM
	Code        string
	Status      BookingStatus
	Email       string // for the confirmation and the reminder ("" : none)
	TicketID    int64
	CreatedAt   time.Time
	CheckedInAt time.Time
	CancelledAt time.Time
}

// NoShow reports whether the booking was missed: still booked after its slot ended.
func (b Booking) NoShow(now time.Time) bool {
	if b.Status != BookingBooked {
		return false
	}
	d, err := calendar.ParseDate(b.Day)
	if err != nil {
		return false
	}
	end, err := calendar.ParseClock(b.SlotEnd)
	if err != nil {
		return false
	}
	return now.After(d.At(end))
}

// BookingRequest is what a citizen asks for.
type BookingRequest struct {
	UnitID int64
	Group  string
	Day    string // YYYY-MM-DD
	Slot   string // HH:MM
	Email  string // optional
}

// MaxBookingDays is how far ahead a visit may be booked.
const MaxBookingDays = 30

// CheckEmail accepts "" (no messages) or one plain address.
func CheckEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", nil
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Address != s || len(s) > 254 || strings.ContainsAny(s, "\r\n") {
		return "", ErrBadEmail
	}
	return s, nil
}

// CheckBooking checks a request against the slots of its day (DaySlots) at now and
// returns the slot asked for: a real day within MaxBookingDays, a slot the desk is
// open in, not already begun.
func CheckBooking(req BookingRequest, slots []Slot, now time.Time) (Slot, error) {
	day, err := calendar.ParseDate(strings.TrimSpace(req.Day))
	if err != nil || !day.IsValid() {
		return Slot{}, ErrBookingDay
	}
	today := calendar.DateOf(now)
	if day.Sub(today) > MaxBookingDays {
		return Slot{}, ErrTooFar
	}
	start, err := calendar.ParseClock(strings.TrimSpace(req.Slot))
	if err != nil {
		return Slot{}, ErrOutsideHours
	}
	for _, s := range slots {
		if s.Start == start {
			if !day.At(s.Start).After(now) {
				return Slot{}, ErrSlotPast
			}
			return s, nil
		}
	}
	if day.Before(today) {
		return Slot{}, ErrSlotPast
	}
	return Slot{}, ErrOutsideHours
}

// ReminderAt is when a booking's reminder goes out: at 16:00 the day before, or two
// hours before the slot when the booking was made after that; false when even that has
// passed (no reminder for a visit booked at the last minute).
func ReminderAt(day calendar.Date, start calendar.Clock, now time.Time) (time.Time, bool) {
	eve := day.AddDays(-1).At(calendar.NewClock(16, 0))
	if eve.After(now) {
		return eve, true
	}
	soon := day.At(start).Add(-2 * time.Hour)
	return soon, soon.After(now)
}

// Rating is a citizen's verdict on the officer who served a ticket at a desk: a face
// and an optional reason from RatingReasons; nothing about the citizen.
type Rating struct {
	ID          int64
	UnitID      int64
	Desk        int
	OfficerID   int64
	TicketID    int64
	DossierCode string
	Score       int
	Reason      string
	At          time.Time
}
