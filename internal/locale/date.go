package locale

import (
	"fmt"
	"time"
)

// Blanks printed in place of a missing date or time, so that a form printed before the
// date is known can be completed by hand.
const (
	blankDateLong = "ngày … tháng … năm …"
	blankDate     = "…/…/…"
	blankClock    = "… giờ … phút"
)

// DateLong writes the date of t in Vietnam the way an administrative document dates
// itself: "ngày 26 tháng 11 năm 2026". Decree 30/2020/NĐ-CP (Appendix I) requires a
// leading zero on days below 10 and on months 1 and 2 — "ngày 05 tháng 02 năm 2026" but
// "ngày 05 tháng 7 năm 2026" — so that a digit cannot be added in front of them later
// (there is no month 13 to forge from 3 onwards). The zero time gives blanks to fill in
// by hand.
func DateLong(t time.Time) string {
	if t.IsZero() {
		return blankDateLong
	}
	y, m, d := t.In(Zone).Date()
	return fmt.Sprintf("ngày %02d tháng %s năm %d", d, month(m), y)
}

// PlaceDate writes the place-and-date line of a document's header: "Yên Từ, ngày 26
// tháng 11 năm 2026". With no place it is the capitalised date alone.
func PlaceDate(place string, t time.Time) string {
	if place == "" {
		return capitalise(DateLong(t))
	}
	return place + ", " + DateLong(t)
}

// Date writes the date of t in Vietnam in figures, "26/11/2026", with the same leading
// zeros as [DateLong] ("05/02/2026", "05/7/2026"), as legal texts cite dates in running
// text.
func Date(t time.Time) string {
	if t.IsZero() {
		return blankDate
	}
	y, m, d := t.In(Zone).Date()
	return fmt.Sprintf("%02d/%s/%d", d, month(m), y)
}

// DateTime writes an instant in Vietnamese civil time the way receipts give the time of
// receipt and of the appointment: "15 giờ 04 phút, ngày 26/11/2026".
func DateTime(t time.Time) string {
	if t.IsZero() {
		return blankClock + ", ngày " + blankDate
	}
	v := t.In(Zone)
	return fmt.Sprintf("%02d giờ %02d phút, ngày %s", v.Hour(), v.Minute(), Date(v))
}

func month(m time.Month) string {
	if m <= time.February {
		return fmt.Sprintf("%02d", int(m))
	}
	return fmt.Sprint(int(m))
}

// Day writes an instant's day in Vietnamese civil time as screens write it,
// dd/mm/yyyy with two-digit months (05/03/2026); "" for the zero time. Paper follows
// Decree 30 instead ([Date]).
func Day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(Zone).Format("02/01/2006")
}
