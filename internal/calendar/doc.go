// Package calendar is xaso's working-day calendar (lịch làm việc): civil dates in
// Vietnam, the Vietnamese lunar calendar (âm lịch), the Labour Code's public holidays,
// the government's yearly decisions that move days off and working days, office hours,
// and the deadline arithmetic built on them.
//
// The package is pure: no I/O, no clock, no globals that change. Storage, pages and the
// command line wrap it.
//
// Three ideas are kept apart on purpose:
//
//   - A working day (ngày làm việc) is a day the calendar counts for deadlines: Monday to
//     Friday, less public holidays, compensatory days and days off by decision, plus
//     weekend days worked by decision (làm bù). Deadlines in days count working days.
//   - Working time is the office hours of a working day. Deadlines in hours count
//     working time; a receipt outside it counts from the next opening.
//   - The one-stop desk may also receive dossiers at other times (many open on Saturday
//     morning). That makes the desk open, not the day a working day: a dossier received
//     on Saturday morning counts from Monday's opening. See [Calendar.DeskOpen].
//
// The flow is: take the legal holidays of each year ([LegalHolidays]), add the days of
// the decisions in force ([Decisions], [Decision.Entries]), and [Compile] them with the
// unit's [OfficeHours] into a [Calendar], whose queries are O(1) or O(log n).
// [Default] does all of that with the built-in data.
//
// Times are Vietnamese civil time ([locale.Zone], UTC+7) and are handled to the minute.
package calendar

import "errors"

// Errors returned by the package, wrapped with the detail of the failing input; test
// them with errors.Is.
var (
	// ErrOutOfRange: a date or year outside the range the package or a Calendar covers.
	ErrOutOfRange = errors.New("out of range")
	// ErrNoSuchDate: a date that does not exist, such as a leap month the lunar year
	// lacks or day 30 of a 29-day lunar month.
	ErrNoSuchDate = errors.New("no such date")
	// ErrNegative: a negative number of working days or hours.
	ErrNegative = errors.New("negative amount")
	// ErrSyntax: text that does not parse.
	ErrSyntax = errors.New("syntax error")
	// ErrInvalid: malformed input data, such as overlapping office hours or an unknown
	// day kind.
	ErrInvalid = errors.New("invalid")
)
