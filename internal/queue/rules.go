package queue

import (
	"cmp"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/speech"
)

// FormatNumber is a ticket's number: the group's letter and the day's sequence on three
// digits (A012), four from the thousandth ticket of a group's day.
func FormatNumber(letter string, seq int) string { return fmt.Sprintf("%s%03d", letter, seq) }

// ParsePriority accepts a priority's code ("" is none); booked is not chosen, it is
// earned by checking in (kiosk false allows it).
func ParsePriority(s string, kiosk bool) (Priority, error) {
	p := Priority(strings.TrimSpace(s))
	if p == PriorityNone || slices.Contains(KioskPriorities, p) || (!kiosk && p == PriorityBooked) {
		return p, nil
	}
	return "", ErrUnknownPriority
}

// before orders waiting tickets for a desk: those sent to it by a transfer first, then
// priority tickets, then by the time they were taken (the sequence breaks ties).
func before(desk int) func(a, b Ticket) int {
	rank := func(t Ticket) int {
		switch {
		case t.Desk == desk && desk != 0:
			return 0
		case t.Priority != PriorityNone:
			return 1
		}
		return 2
	}
	return func(a, b Ticket) int {
		if c := cmp.Compare(rank(a), rank(b)); c != 0 {
			return c
		}
		if c := a.TakenAt.Compare(b.TakenAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	}
}

// Eligible reports whether desk d may call the waiting ticket t: one sent to it, or one
// of a group it serves not sent to another desk.
func Eligible(d Desk, t Ticket) bool {
	return t.Status == StatusWaiting && (t.Desk == d.Number || t.Desk == 0 && d.Serves(t.Group))
}

// Queue returns the tickets desk d would call, in the order it would call them.
func Queue(d Desk, waiting []Ticket) []Ticket {
	var out []Ticket
	for _, t := range waiting {
		if Eligible(d, t) {
			out = append(out, t)
		}
	}
	slices.SortStableFunc(out, before(d.Number))
	return out
}

// PickNext is the ticket desk d calls next (false when nobody waits for it).
func PickNext(d Desk, waiting []Ticket) (Ticket, bool) {
	q := Queue(d, waiting)
	if len(q) == 0 {
		return Ticket{}, false
	}
	return q[0], true
}

// CallText is what the hall hears for a call: the number read sign by sign, then the
// desk's number in words — "số a không một hai, mời đến quầy số hai".
func CallText(number string, desk int) string {
	return "số " + speech.Spell(number) + ", mời đến quầy số " + strings.ToLower(locale.Words(int64(desk)))
}

// Booking codes: eight signs from an alphabet without the ones people confuse (0/O,
// 1/I/L), about 40 bits: printed on the confirmation, typed at the kiosk, in its QR code.
const (
	bookingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	bookingCodeLen  = 8
	// MaxCheckIn bounds what a kiosk's field (or its scanner) may send: a code, or the
	// address in its QR code.
	MaxCheckIn = 300
)

// NewBookingCode returns a fresh random code.
func NewBookingCode() string {
	b := make([]byte, bookingCodeLen)
	rand.Read(b)
	for i := range b {
		b[i] = bookingAlphabet[int(b[i])%len(bookingAlphabet)]
	}
	return string(b)
}

// BookingPath is the address a booking's QR code holds (after the site's base): the
// booking's page, which a phone opens and a kiosk's scanner types.
func BookingPath(code string) string { return "/hen/" + code }

// ParseBookingCode reads what a citizen typed or a scanner sent at the kiosk: the code
// itself (spaces, dashes and lower case forgiven) or an address ending in /hen/CODE. It
// refuses anything longer than MaxCheckIn before looking at it.
func ParseBookingCode(s string) (string, error) {
	if len(s) > MaxCheckIn {
		return "", ErrBookingNotFound
	}
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/hen/"); i >= 0 {
		s = s[i+len("/hen/"):]
		if j := strings.IndexAny(s, "/?#"); j >= 0 {
			s = s[:j]
		}
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == ' ' || r == '-':
			continue
		case r >= 'a' && r <= 'z':
			r -= 'a' - 'A'
		}
		if r > 0x7f || !strings.ContainsRune(bookingAlphabet, r) {
			return "", ErrBookingNotFound
		}
		b.WriteRune(r)
		if b.Len() > bookingCodeLen {
			return "", ErrBookingNotFound
		}
	}
	if b.Len() != bookingCodeLen {
		return "", ErrBookingNotFound
	}
	return b.String(), nil
}

// Slot is a bookable time of a group's day.
type Slot struct {
	Start, End calendar.Clock
	Taken      int
	Capacity   int
}

// Free is how many bookings the slot still takes.
func (s Slot) Free() int { return max(0, s.Capacity-s.Taken) }

// String is the slot's start as typed ("08:00").
func (s Slot) String() string { return s.Start.String() }

// DaySlots cuts the desk's opening hours of day into slots of g's length: the hours of
// its weekday (or of a decreed working weekend day), keeping only the slots whose start
// the calendar says the desk is open (a holiday has none).
func DaySlots(cal *calendar.Calendar, hours calendar.OfficeHours, day calendar.Date, g Group) []Slot {
	shift := hours.Week[day.Weekday()]
	if cal.IsWorkingDay(day) && (day.Weekday() == time.Saturday || day.Weekday() == time.Sunday) && len(hours.Makeup) > 0 {
		shift = hours.Makeup
	}
	step := calendar.Clock(max(g.SlotMinutes, 5))
	var out []Slot
	for _, iv := range shift {
		for s := iv.Start; s+step <= iv.End; s += step {
			if cal.DeskOpen(day.At(s)) {
				out = append(out, Slot{Start: s, End: s + step, Capacity: g.SlotCapacity})
			}
		}
	}
	return out
}

// Rating scores: four faces, from Không hài lòng to Rất hài lòng.
const (
	ScoreUnhappy   = 1
	ScoreNeutral   = 2
	ScoreHappy     = 3
	ScoreVeryHappy = 4
)

// ScoreLabels name the faces.
var ScoreLabels = map[int]string{ScoreUnhappy: "Không hài lòng", ScoreNeutral: "Bình thường",
	ScoreHappy: "Hài lòng", ScoreVeryHappy: "Rất hài lòng"}

// RatingReasons are the optional reasons a citizen may tick: fixed choices, so that a
// rating never holds free text, and so no personal data.
var RatingReasons = []string{"cho-lau", "huong-dan-chua-ro", "thai-do", "nhanh-chong", "tan-tinh"}

var reasonLabels = map[string]string{
	"cho-lau": "Phải chờ lâu", "huong-dan-chua-ro": "Hướng dẫn chưa rõ", "thai-do": "Thái độ chưa tốt",
	"nhanh-chong": "Giải quyết nhanh chóng", "tan-tinh": "Hướng dẫn tận tình",
}

// ReasonLabel is a reason's text on screen.
func ReasonLabel(code string) string { return reasonLabels[code] }

// CheckRating checks a score and its optional reason.
func CheckRating(score int, reason string) error {
	if score < ScoreUnhappy || score > ScoreVeryHappy {
		return ErrBadScore
	}
	if reason != "" && !slices.Contains(RatingReasons, reason) {
		return ErrBadReason
	}
	return nil
}

// RatingWindow is how long after a ticket was called its citizen may rate the officer
// at the desk's tablet.
const RatingWindow = time.Hour
