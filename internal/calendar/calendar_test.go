package calendar

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// at parses "2026-02-13 09:00" as Vietnamese time.
func at(t testing.TB, s string) time.Time {
	t.Helper()
	tm, err := time.ParseInLocation("2006-01-02 15:04", s, locale.Zone)
	if err != nil {
		t.Fatal(err)
	}
	return tm
}

func fmtTime(t time.Time) string { return t.In(locale.Zone).Format("2006-01-02 15:04 Mon") }

// defaultCalendar compiles the built-in data for 2023–2027 once for the tests.
var defaultCalendar = sync.OnceValues(func() (*Calendar, error) { return Default(2023, 2027) })

func mustDefault(t testing.TB) *Calendar {
	t.Helper()
	c, err := defaultCalendar()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// saturdayDesk is the default calendar of a unit whose desk also opens on Saturday
// morning.
func saturdayDesk(t testing.TB) *Calendar {
	t.Helper()
	h := DefaultOfficeHours()
	h.Week[time.Saturday] = Shift{{NewClock(7, 30), NewClock(11, 30)}}
	days, err := defaultDays(2023, 2027)
	if err != nil {
		t.Fatal(err)
	}
	c, err := Compile(days, h, 2023, 2027)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestDays(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		year int
		want string
	}{
		{2024, `2024-01-01	holiday	Tết Dương lịch
2024-02-08	decreed-off	Tết Nguyên đán
2024-02-09	holiday	Tết Nguyên đán
2024-02-10	holiday	Tết Nguyên đán
2024-02-11	holiday	Tết Nguyên đán
2024-02-12	holiday	Tết Nguyên đán
2024-02-13	holiday	Tết Nguyên đán
2024-02-14	compensatory	Nghỉ bù Tết Nguyên đán
2024-04-18	holiday	Giỗ Tổ Hùng Vương
2024-04-29	decreed-off	Nghỉ hoán đổi dịp 30/4 và 1/5
2024-04-30	holiday	Ngày Chiến thắng
2024-05-01	holiday	Ngày Quốc tế Lao động
2024-05-04	decreed-workday	Làm bù ngày 29/4
2024-09-02	holiday	Quốc khánh
2024-09-03	holiday	Quốc khánh
`},
		{2025, `2025-01-01	holiday	Tết Dương lịch
2025-01-27	decreed-off	Tết Nguyên đán
2025-01-28	holiday	Tết Nguyên đán
2025-01-29	holiday	Tết Nguyên đán
2025-01-30	holiday	Tết Nguyên đán
2025-01-31	holiday	Tết Nguyên đán
2025-02-01	holiday	Tết Nguyên đán
2025-04-07	holiday	Giỗ Tổ Hùng Vương
2025-04-26	decreed-workday	Làm bù ngày 02/5
2025-04-30	holiday	Ngày Chiến thắng
2025-05-01	holiday	Ngày Quốc tế Lao động
2025-05-02	decreed-off	Nghỉ hoán đổi dịp 30/4 và 1/5
2025-09-01	decreed-off	Quốc khánh
2025-09-02	holiday	Quốc khánh
`},
		{2026, `2026-01-01	holiday	Tết Dương lịch
2026-01-02	decreed-off	Nghỉ hoán đổi dịp Tết Dương lịch
2026-01-10	decreed-workday	Làm bù ngày 02/01
2026-02-16	holiday	Tết Nguyên đán
2026-02-17	holiday	Tết Nguyên đán
2026-02-18	holiday	Tết Nguyên đán
2026-02-19	holiday	Tết Nguyên đán
2026-02-20	holiday	Tết Nguyên đán
2026-04-26	holiday	Giỗ Tổ Hùng Vương
2026-04-27	compensatory	Nghỉ bù Giỗ Tổ Hùng Vương
2026-04-30	holiday	Ngày Chiến thắng
2026-05-01	holiday	Ngày Quốc tế Lao động
2026-09-02	holiday	Quốc khánh
2026-09-03	holiday	Quốc khánh
`},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			if got := formatDays(c.Days(tt.year)); got != tt.want {
				t.Errorf("Days(%d) =\n%s\nwant\n%s", tt.year, got, tt.want)
			}
		})
	}
	if got := c.Days(2030); got != nil {
		t.Errorf("Days(2030) outside the compiled years = %v, want nil", got)
	}
}

// TestDaysOff checks whole stretches against the published holiday periods: every day
// from the first to the last listed is off, and the days around them are worked.
func TestDaysOff(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name        string
		first, last string
	}{
		{"Tết 2024", "2024-02-08", "2024-02-14"},
		{"30/4 2024", "2024-04-27", "2024-05-01"},
		{"Quốc khánh 2024", "2024-08-31", "2024-09-03"},
		{"Tết 2025", "2025-01-25", "2025-02-02"},
		{"30/4 2025", "2025-04-30", "2025-05-04"},
		{"Quốc khánh 2025", "2025-08-30", "2025-09-02"},
		{"Tết Dương lịch 2026", "2026-01-01", "2026-01-04"},
		{"Tết 2026", "2026-02-14", "2026-02-22"},
		{"Giỗ Tổ 2026", "2026-04-25", "2026-04-27"},
		{"30/4 2026", "2026-04-30", "2026-05-03"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, _ := ParseDate(tt.first)
			last, _ := ParseDate(tt.last)
			if !c.IsWorkingDay(first.AddDays(-1)) || !c.IsWorkingDay(last.AddDays(1)) {
				t.Errorf("the days around %v..%v are not both worked", first, last)
			}
			for d := first; !d.After(last); d = d.AddDays(1) {
				if c.IsWorkingDay(d) {
					t.Errorf("%v is a working day", d)
				}
			}
		})
	}
}

func TestIsWorkingDay(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		date string
		want bool
	}{
		{"2026-01-10", true}, // Saturday worked for Friday 2 January
		{"2026-01-17", false},
		{"2024-05-04", true},
		{"2025-04-26", true},
		{"2025-02-03", true},  // the law's compensatory day, worked by decision
		{"2025-09-03", true},  // the law's default adjacent day, worked by decision
		{"2026-04-27", false}, // compensatory for Giỗ Tổ on Sunday
		{"2026-03-02", true},
		{"2022-12-30", false}, // outside the compiled years
		{"2028-01-03", false},
	}
	for _, tt := range tests {
		d, _ := ParseDate(tt.date)
		if got := c.IsWorkingDay(d); got != tt.want {
			t.Errorf("IsWorkingDay(%s) = %v, want %v", tt.date, got, tt.want)
		}
	}
}

func TestAddWorkingDays(t *testing.T) {
	c := mustDefault(t)
	morningMakeup := DefaultOfficeHours()
	morningMakeup.Makeup = Shift{{NewClock(7, 30), NewClock(11, 30)}}
	days, err := defaultDays(2025, 2026)
	if err != nil {
		t.Fatal(err)
	}
	short, err := Compile(days, morningMakeup, 2025, 2026)
	if err != nil {
		t.Fatal(err)
	}
	lawOnly, err := Compile(mustLegal(t, 2025), DefaultOfficeHours(), 2025, 2025)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		c    *Calendar
		from string
		n    int
		want string
	}{
		// Tết 2026: off Monday 16 to Friday 20, weekends around; work resumes Monday 23.
		{"Tết 2026, 3 days", c, "2026-02-13 09:00", 3, "2026-02-25 09:00"},
		{"Tết 2026, 1 day", c, "2026-02-13 09:00", 1, "2026-02-23 09:00"},
		{"Tết 2026, received after closing", c, "2026-02-13 17:30", 1, "2026-02-24 07:30"},
		{"Tết 2026, received during Tết", c, "2026-02-18 10:00", 1, "2026-02-24 07:30"},
		// Tết 2025: off 25 January to 2 February; Monday 3 February, the law's
		// compensatory day, is worked by decision in exchange for Monday 27 January.
		{"Tết 2025, 1 day", c, "2025-01-24 10:00", 1, "2025-02-03 10:00"},
		{"Tết 2025, law alone", lawOnly, "2025-01-24 10:00", 1, "2025-01-27 10:00"},
		{"Tết 2025, 2 days", c, "2025-01-23 10:00", 2, "2025-02-03 10:00"},
		// New Year 2026: 1 January holiday, 2 January off by decision, Saturday 10
		// January worked.
		{"New Year 2026, 1 day", c, "2025-12-31 14:00", 1, "2026-01-05 14:00"},
		{"New Year 2026, 5 days", c, "2025-12-31 14:00", 5, "2026-01-09 14:00"},
		{"New Year 2026, onto the worked Saturday", c, "2025-12-31 14:00", 6, "2026-01-10 14:00"},
		{"New Year 2026, past the worked Saturday", c, "2025-12-31 14:00", 7, "2026-01-12 14:00"},
		{"worked Saturday with morning-only hours", short, "2026-01-08 16:00", 2, "2026-01-10 11:30"},
		{"from the worked Saturday", c, "2026-01-10 09:00", 1, "2026-01-12 09:00"},
		// Giỗ Tổ 2026 falls on Sunday 26 April: Monday 27 is compensatory.
		{"Giỗ Tổ 2026, 1 day", c, "2026-04-24 08:00", 1, "2026-04-28 08:00"},
		{"Giỗ Tổ and 30/4 2026, 3 days", c, "2026-04-24 08:00", 3, "2026-05-04 08:00"},
		// Receipt times outside working time count from the next opening.
		{"during hours", c, "2026-03-02 09:00", 1, "2026-03-03 09:00"},
		{"before opening", c, "2026-03-02 06:00", 1, "2026-03-03 07:30"},
		{"at lunch", c, "2026-03-02 12:00", 1, "2026-03-03 13:00"},
		{"at closing", c, "2026-03-02 17:00", 1, "2026-03-04 07:30"},
		{"on Saturday", c, "2026-03-07 09:00", 2, "2026-03-11 07:30"},
		{"zero days from hours", c, "2026-03-02 09:00", 0, "2026-03-02 09:00"},
		{"zero days from Sunday", c, "2026-03-08 09:00", 0, "2026-03-09 07:30"},
		{"across the year end", c, "2026-12-30 10:00", 3, "2027-01-05 10:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.c.AddWorkingDays(at(t, tt.from), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingDays(%s, %d) = %s, want %s", tt.from, tt.n, fmtTime(got), fmtTime(want))
			}
			if got.Location() != locale.Zone {
				t.Errorf("result in %v, want %v", got.Location(), locale.Zone)
			}
			if n, err := tt.c.WorkingDaysBetween(at(t, tt.from), got); err != nil || n != tt.n {
				t.Errorf("WorkingDaysBetween(from, due) = %d, %v; want %d", n, err, tt.n)
			}
		})
	}
}

func TestAddCalendarDays(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name string
		from string
		n    int
		want string
	}{
		// Tết 2026 (14–22 February off) does not lengthen a limit in calendar days.
		{"15 days across Tết 2026", "2026-02-12 09:00", 15, "2026-02-27 09:00"},
		{"15 days ending on a Saturday: back to Friday", "2026-02-13 09:00", 15, "2026-02-27 09:00"},
		{"ending inside Tết: back to the last day worked before it", "2026-02-05 10:00", 10, "2026-02-13 10:00"},
		{"received during Tết", "2026-02-18 10:00", 15, "2026-03-05 10:00"},
		{"ending on the worked Saturday of January 2026", "2025-12-27 09:00", 14, "2026-01-10 09:00"},
		{"across the year end, New Year's Day off", "2026-12-30 10:00", 3, "2026-12-31 10:00"},
		// The clock is the receipt's, kept within the due day's office hours.
		{"received after closing", "2026-03-02 18:00", 3, "2026-03-05 17:00"},
		{"received before opening", "2026-03-02 06:00", 3, "2026-03-05 07:30"},
		{"received at lunch", "2026-03-02 12:00", 3, "2026-03-05 12:00"},
		// No working day within the period after the receipt's date: the close of that day.
		{"one day from Friday afternoon", "2026-03-06 16:00", 1, "2026-03-06 17:00"},
		{"one day from Friday after closing", "2026-03-06 18:00", 1, "2026-03-06 18:00"},
		{"ordinary week", "2026-03-02 09:00", 7, "2026-03-09 09:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.AddCalendarDays(at(t, tt.from), tt.n)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("AddCalendarDays(%s, %d) = %s, want %s", tt.from, tt.n, fmtTime(got), fmtTime(want))
			}
			if got.Location() != locale.Zone {
				t.Errorf("result in %v, want %v", got.Location(), locale.Zone)
			}
			if limit := DateOf(at(t, tt.from)).AddDays(tt.n); DateOf(got).After(limit) {
				t.Errorf("due %s after the legal limit %s", fmtTime(got), limit)
			}
		})
	}
	if _, err := c.AddCalendarDays(at(t, "2027-12-30 09:00"), 5); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("past the compiled years: err = %v, want ErrOutOfRange", err)
	}
	if _, err := c.AddCalendarDays(at(t, "2026-03-02 09:00"), -1); !errors.Is(err, ErrNegative) {
		t.Errorf("negative: err = %v, want ErrNegative", err)
	}
}

func mustLegal(t testing.TB, year int) []Day {
	t.Helper()
	days, err := LegalHolidays(year)
	if err != nil {
		t.Fatal(err)
	}
	return days
}

func TestAddWorkingDaysErrors(t *testing.T) {
	c := mustDefault(t)
	if _, err := c.AddWorkingDays(at(t, "2026-03-02 09:00"), -1); !errors.Is(err, ErrNegative) {
		t.Errorf("n = -1: error = %v, want ErrNegative", err)
	}
	for _, tt := range []struct {
		from string
		n    int
	}{
		{"2022-12-30 09:00", 1}, // received before the compiled years
		{"2028-01-03 09:00", 1}, // after
		{"2027-12-30 09:00", 2}, // due after
		{"2027-12-31 17:00", 0}, // next opening after
	} {
		if _, err := c.AddWorkingDays(at(t, tt.from), tt.n); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("AddWorkingDays(%s, %d) error = %v, want ErrOutOfRange", tt.from, tt.n, err)
		}
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		a, b string
		want int
	}{
		{"2026-03-02 09:00", "2026-03-02 16:00", 0},
		{"2026-03-02 09:00", "2026-03-03 08:00", 1}, // by date: due on the 3rd
		{"2026-03-02 09:00", "2026-03-06 17:00", 4},
		{"2026-03-02 09:00", "2026-03-08 12:00", 4}, // Sunday counts as Friday's count
		{"2026-03-06 09:00", "2026-03-02 09:00", -4},
		{"2026-03-07 10:00", "2026-03-09 10:00", 0}, // Saturday's receipt starts Monday
		{"2026-02-13 09:00", "2026-02-25 09:00", 3},
		{"2026-01-01 00:00", "2026-12-31 23:59", 249}, // 250 working days less the start day, 5 January
	}
	for _, tt := range tests {
		t.Run(tt.a+" to "+tt.b, func(t *testing.T) {
			if got, err := c.WorkingDaysBetween(at(t, tt.a), at(t, tt.b)); err != nil || got != tt.want {
				t.Errorf("WorkingDaysBetween = %d, %v; want %d", got, err, tt.want)
			}
		})
	}
	if _, err := c.WorkingDaysBetween(at(t, "2026-03-02 09:00"), at(t, "2030-01-01 09:00")); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("b out of range: error = %v, want ErrOutOfRange", err)
	}
}

func TestAddWorkingHours(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		name string
		from string
		d    time.Duration
		want string
	}{
		{"one working day", "2026-03-02 09:00", 8 * time.Hour, "2026-03-03 09:00"},
		{"a morning", "2026-03-02 07:30", 4 * time.Hour, "2026-03-02 11:30"},
		{"across lunch", "2026-03-02 11:00", time.Hour, "2026-03-02 13:30"},
		{"from lunch", "2026-03-02 12:00", 30 * time.Minute, "2026-03-02 13:30"},
		{"overnight", "2026-03-02 16:30", time.Hour, "2026-03-03 08:00"},
		{"to closing", "2026-03-02 16:30", 30 * time.Minute, "2026-03-02 17:00"},
		{"over the weekend", "2026-03-06 16:00", 2 * time.Hour, "2026-03-09 08:30"},
		{"over Tết 2026", "2026-02-13 16:00", 2 * time.Hour, "2026-02-23 08:30"},
		{"from Saturday", "2026-03-07 10:00", time.Hour, "2026-03-09 08:30"},
		{"onto the worked Saturday", "2026-01-09 16:00", 2 * time.Hour, "2026-01-10 08:30"},
		{"three days", "2026-03-02 09:00", 24 * time.Hour, "2026-03-05 09:00"},
		{"minutes", "2026-03-02 09:00", 90 * time.Second, "2026-03-02 09:01"},
		{"zero", "2026-03-02 12:00", 0, "2026-03-02 13:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.AddWorkingHours(at(t, tt.from), tt.d)
			if err != nil {
				t.Fatal(err)
			}
			if want := at(t, tt.want); !got.Equal(want) {
				t.Errorf("AddWorkingHours(%s, %v) = %s, want %s", tt.from, tt.d, fmtTime(got), fmtTime(want))
			}
			if d, err := c.WorkingHoursBetween(at(t, tt.from), got); err != nil || d != tt.d.Truncate(time.Minute) {
				t.Errorf("WorkingHoursBetween(from, due) = %v, %v; want %v", d, err, tt.d.Truncate(time.Minute))
			}
		})
	}
	if _, err := c.AddWorkingHours(at(t, "2026-03-02 09:00"), -time.Minute); !errors.Is(err, ErrNegative) {
		t.Errorf("negative: error = %v, want ErrNegative", err)
	}
	if _, err := c.AddWorkingHours(at(t, "2027-12-31 16:00"), 2*time.Hour); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("past the end: error = %v, want ErrOutOfRange", err)
	}
}

func TestWorkingHoursBetween(t *testing.T) {
	c := mustDefault(t)
	tests := []struct {
		a, b string
		want time.Duration
	}{
		{"2026-03-02 09:00", "2026-03-02 14:00", 3*time.Hour + 30*time.Minute},
		{"2026-03-06 16:00", "2026-03-09 08:00", 90 * time.Minute},
		{"2026-03-09 08:00", "2026-03-06 16:00", -90 * time.Minute},
		{"2026-03-07 08:00", "2026-03-08 17:00", 0},
		{"2026-03-02 00:00", "2026-03-07 00:00", 40 * time.Hour},
	}
	for _, tt := range tests {
		if got, err := c.WorkingHoursBetween(at(t, tt.a), at(t, tt.b)); err != nil || got != tt.want {
			t.Errorf("WorkingHoursBetween(%s, %s) = %v, %v; want %v", tt.a, tt.b, got, err, tt.want)
		}
	}
}

func TestOpeningAndDesk(t *testing.T) {
	c := saturdayDesk(t)
	tests := []struct {
		at      string
		inHours bool
		desk    bool
		next    string
	}{
		{"2026-03-02 07:29", false, false, "2026-03-02 07:30"},
		{"2026-03-02 07:30", true, true, "2026-03-02 07:30"},
		{"2026-03-02 11:30", false, false, "2026-03-02 13:00"},
		{"2026-03-02 16:59", true, true, "2026-03-02 16:59"},
		{"2026-03-02 17:00", false, false, "2026-03-03 07:30"},
		{"2026-03-07 09:00", false, true, "2026-03-09 07:30"},  // Saturday desk: open, not working time
		{"2026-03-07 13:00", false, false, "2026-03-09 07:30"}, // Saturday afternoon
		{"2026-03-08 09:00", false, false, "2026-03-09 07:30"}, // Sunday
		{"2025-02-01 09:00", false, false, "2025-02-03 07:30"}, // Tết on a Saturday: desk closed
		{"2026-01-10 14:00", true, true, "2026-01-10 14:00"},   // worked Saturday: full hours
		{"2026-02-18 09:00", false, false, "2026-02-23 07:30"}, // Tết
	}
	for _, tt := range tests {
		t.Run(tt.at, func(t *testing.T) {
			tm := at(t, tt.at)
			if got := c.InOfficeHours(tm); got != tt.inHours {
				t.Errorf("InOfficeHours = %v, want %v", got, tt.inHours)
			}
			if got := c.DeskOpen(tm); got != tt.desk {
				t.Errorf("DeskOpen = %v, want %v", got, tt.desk)
			}
			got, err := c.NextOpening(tm)
			if err != nil || !got.Equal(at(t, tt.next)) {
				t.Errorf("NextOpening = %s, %v; want %s", fmtTime(got), err, tt.next)
			}
		})
	}
	outside := at(t, "2030-01-01 09:00")
	if c.InOfficeHours(outside) || c.DeskOpen(outside) {
		t.Error("outside the compiled years reports open")
	}
	if _, err := c.NextOpening(outside); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("NextOpening outside: error = %v, want ErrOutOfRange", err)
	}
}

func TestApplyCutoff(t *testing.T) {
	c := mustDefault(t)
	cutoff := NewClock(15, 0)
	tests := []struct {
		name, at, want string
	}{
		{"before the cut-off", "2026-03-02 14:00", "2026-03-02 14:00"},
		{"at the cut-off minute", "2026-03-02 15:00", "2026-03-02 15:00"},
		{"after the cut-off", "2026-03-02 15:01", "2026-03-03 07:30"},
		{"after closing", "2026-03-02 17:30", "2026-03-03 07:30"},
		{"before opening", "2026-03-02 06:00", "2026-03-02 07:30"},
		{"at lunch", "2026-03-02 12:00", "2026-03-02 13:00"},
		{"Friday before Tết", "2026-02-13 16:00", "2026-02-23 07:30"},
		{"Saturday afternoon", "2026-03-07 16:00", "2026-03-09 07:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := c.ApplyCutoff(at(t, tt.at), cutoff)
			if err != nil || !got.Equal(at(t, tt.want)) {
				t.Errorf("ApplyCutoff(%s) = %s, %v; want %s", tt.at, fmtTime(got), err, tt.want)
			}
		})
	}
	// A same-day procedure received at 15:30: counted from the next morning, due then.
	start, err := c.ApplyCutoff(at(t, "2026-03-02 15:30"), cutoff)
	if err != nil {
		t.Fatal(err)
	}
	if due, err := c.AddWorkingHours(start, 4*time.Hour); err != nil || !due.Equal(at(t, "2026-03-03 11:30")) {
		t.Errorf("due = %s, %v; want 2026-03-03 11:30", fmtTime(due), err)
	}
	if _, err := c.ApplyCutoff(at(t, "2027-12-31 16:00"), cutoff); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("past the end: error = %v, want ErrOutOfRange", err)
	}
}

func TestCompile(t *testing.T) {
	hours := DefaultOfficeHours()
	mon := Date{2026, time.March, 2}
	sat := Date{2026, time.March, 7}
	t.Run("errors", func(t *testing.T) {
		badHours := DefaultOfficeHours()
		badHours.Week[time.Monday] = nil
		tests := []struct {
			name     string
			days     []Day
			hours    OfficeHours
			from, to int
			want     error
		}{
			{"years reversed", nil, hours, 2027, 2026, ErrOutOfRange},
			{"before MinYear", nil, hours, 1899, 2026, ErrOutOfRange},
			{"after MaxYear", nil, hours, 2026, 2200, ErrOutOfRange},
			{"bad hours", nil, badHours, 2026, 2026, ErrInvalid},
			{"zero kind", []Day{{mon, 0, "x"}}, hours, 2026, 2026, ErrInvalid},
			{"unknown kind", []Day{{mon, 9, "x"}}, hours, 2026, 2026, ErrInvalid},
			{"invalid date", []Day{{Date{2026, 2, 30}, KindHoliday, "x"}}, hours, 2026, 2026, ErrInvalid},
			{"no name", []Day{{mon, KindHoliday, ""}}, hours, 2026, 2026, ErrInvalid},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if _, err := Compile(tt.days, tt.hours, tt.from, tt.to); !errors.Is(err, tt.want) {
					t.Errorf("Compile error = %v, want %v", err, tt.want)
				}
			})
		}
	})
	t.Run("later entries override", func(t *testing.T) {
		tests := []struct {
			name    string
			days    []Day
			date    Date
			working bool
			listed  string
		}{
			{"restating keeps the holiday", []Day{{mon, KindHoliday, "Lễ"}, {mon, KindDecreedOff, "Nghỉ"}}, mon, false, "2026-03-02\tholiday\tLễ\n"},
			{"a workday overrides a holiday", []Day{{mon, KindHoliday, "Lễ"}, {mon, KindDecreedWorkday, "Làm"}}, mon, true, ""},
			{"and a later day off overrides it back", []Day{{mon, KindHoliday, "Lễ"}, {mon, KindDecreedWorkday, "Làm"}, {mon, KindDecreedOff, "Nghỉ"}}, mon, false, "2026-03-02\tdecreed-off\tNghỉ\n"},
			{"a worked Saturday", []Day{{sat, KindDecreedWorkday, "Làm bù"}}, sat, true, "2026-03-07\tdecreed-workday\tLàm bù\n"},
			{"a Saturday off is not listed", []Day{{sat, KindDecreedOff, "Nghỉ"}}, sat, false, ""},
			{"entries outside the years are ignored", []Day{{Date{2030, 1, 1}, KindHoliday, "x"}}, mon, true, ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				c, err := Compile(tt.days, hours, 2026, 2026)
				if err != nil {
					t.Fatal(err)
				}
				if got := c.IsWorkingDay(tt.date); got != tt.working {
					t.Errorf("IsWorkingDay(%v) = %v, want %v", tt.date, got, tt.working)
				}
				if got := formatDays(c.Days(2026)); got != tt.listed {
					t.Errorf("Days =\n%s\nwant\n%s", got, tt.listed)
				}
			})
		}
	})
	t.Run("the caller's hours are copied", func(t *testing.T) {
		h := DefaultOfficeHours()
		c, err := Compile(nil, h, 2026, 2026)
		if err != nil {
			t.Fatal(err)
		}
		h.Week[time.Monday][0].Start = NewClock(9, 0)
		if !c.InOfficeHours(at(t, "2026-03-02 08:00")) {
			t.Error("changing the caller's OfficeHours changed the calendar")
		}
		if from, to := c.Years(); from != 2026 || to != 2026 {
			t.Errorf("Years() = %d, %d", from, to)
		}
	})
}

// naiveCalendar answers the same questions the obvious way, walking day by day over a
// map of entries. It is the reference for the property tests and the baseline of the
// benchmarks.
type naiveCalendar struct {
	entries map[Date]Day
	hours   OfficeHours
}

func newNaive(days []Day, hours OfficeHours) *naiveCalendar {
	n := &naiveCalendar{entries: map[Date]Day{}, hours: hours}
	for _, d := range days {
		if old, ok := n.entries[d.Date]; ok && old.Kind.Working() == d.Kind.Working() {
			continue
		}
		n.entries[d.Date] = d
	}
	return n
}

func (n *naiveCalendar) working(d Date) bool {
	if e, ok := n.entries[d]; ok {
		return e.Kind.Working()
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

func (n *naiveCalendar) shift(d Date) Shift {
	if wd := d.Weekday(); wd == time.Saturday || wd == time.Sunday {
		return n.hours.Makeup
	}
	return n.hours.Week[d.Weekday()]
}

func (n *naiveCalendar) nextOpening(t time.Time) (Date, Clock) {
	d, c := DateOf(t), ClockOf(t)
	if n.working(d) {
		for _, iv := range n.shift(d) {
			if c < iv.End {
				return d, max(c, iv.Start)
			}
		}
	}
	for d = d.AddDays(1); !n.working(d); d = d.AddDays(1) {
	}
	return d, n.shift(d)[0].Start
}

func (n *naiveCalendar) addWorkingDays(t time.Time, k int) time.Time {
	d, c := n.nextOpening(t)
	for k > 0 {
		if d = d.AddDays(1); n.working(d) {
			k--
		}
	}
	s := n.shift(d)
	return d.At(min(max(c, s[0].Start), s[len(s)-1].End))
}

func (n *naiveCalendar) workingDaysBetween(a, b time.Time) int {
	start, _ := n.nextOpening(a)
	end := DateOf(b)
	count, step := 0, 1
	if end.Before(start) {
		start, end, step = end, start, -1
	}
	for d := start.AddDays(1); !d.After(end); d = d.AddDays(1) {
		if n.working(d) {
			count++
		}
	}
	return step * count
}

// TestAgainstNaive compares the compiled calendar with the day-by-day walk for receipts
// at every half hour of 2024–2026 and a spread of day counts, and checks the hour
// arithmetic's inverse on the same receipts.
func TestAgainstNaive(t *testing.T) {
	c := mustDefault(t)
	days, err := defaultDays(2023, 2027)
	if err != nil {
		t.Fatal(err)
	}
	naive := newNaive(days, DefaultOfficeHours())
	start := at(t, "2024-01-01 00:00")
	end := at(t, "2027-01-01 00:00")
	step := 30 * time.Minute
	if testing.Short() {
		step = 7 * time.Hour
	}
	i := 0
	for tm := start; tm.Before(end); tm, i = tm.Add(step), i+1 {
		n := i % 41
		got, err := c.AddWorkingDays(tm, n)
		if err != nil {
			t.Fatal(err)
		}
		if want := naive.addWorkingDays(tm, n); !got.Equal(want) {
			t.Fatalf("AddWorkingDays(%s, %d) = %s, naive %s", fmtTime(tm), n, fmtTime(got), fmtTime(want))
		}
		other := tm.Add(time.Duration(i%97-40) * 24 * time.Hour)
		gotN, err := c.WorkingDaysBetween(tm, other)
		if err != nil {
			t.Fatal(err)
		}
		if want := naive.workingDaysBetween(tm, other); gotN != want {
			t.Fatalf("WorkingDaysBetween(%s, %s) = %d, naive %d", fmtTime(tm), fmtTime(other), gotN, want)
		}
		d := time.Duration(i%300) * 7 * time.Minute
		due, err := c.AddWorkingHours(tm, d)
		if err != nil {
			t.Fatal(err)
		}
		if back, err := c.WorkingHoursBetween(tm, due); err != nil || back != d {
			t.Fatalf("WorkingHoursBetween(%s, AddWorkingHours(.., %v) = %s) = %v, %v", fmtTime(tm), d, fmtTime(due), back, err)
		}
	}
}

// TestConcurrentUse runs conversions and deadline queries from many goroutines at
// once; with -race it checks that the lazily built table and the compiled calendar are
// safe to share.
func TestConcurrentUse(t *testing.T) {
	c := mustDefault(t)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				d := Date{2000 + g, time.January, 1}.AddDays(i * 37)
				l, err := SolarToLunar(d)
				if err != nil {
					t.Error(err)
					return
				}
				if back, err := LunarToSolar(l); err != nil || back != d {
					t.Errorf("round trip %v: %v, %v", d, back, err)
					return
				}
				tm := Date{2025, time.March, 3}.AddDays(i).At(NewClock(9, g))
				if _, err := c.AddWorkingDays(tm, i%20); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

func benchTimes(b *testing.B) []time.Time {
	b.Helper()
	var ts []time.Time
	for tm := at(b, "2025-01-01 08:00"); tm.Year() < 2026; tm = tm.Add(5*time.Hour + 7*time.Minute) {
		ts = append(ts, tm)
	}
	return ts
}

// The deadline benchmarks add 30 working days (a long procedure) and count working days
// over a year, compiled tables against the day-by-day walk.
func BenchmarkAddWorkingDays(b *testing.B) {
	c := mustDefault(b)
	ts := benchTimes(b)
	for i := 0; b.Loop(); i++ {
		if _, err := c.AddWorkingDays(ts[i%len(ts)], 30); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAddWorkingDaysNaive(b *testing.B) {
	days, err := defaultDays(2023, 2027)
	if err != nil {
		b.Fatal(err)
	}
	n := newNaive(days, DefaultOfficeHours())
	ts := benchTimes(b)
	for i := 0; b.Loop(); i++ {
		n.addWorkingDays(ts[i%len(ts)], 30)
	}
}

func BenchmarkWorkingDaysBetween(b *testing.B) {
	c := mustDefault(b)
	ts := benchTimes(b)
	for i := 0; b.Loop(); i++ {
		a := ts[i%len(ts)]
		if _, err := c.WorkingDaysBetween(a, a.AddDate(1, 0, 0)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkWorkingDaysBetweenNaive(b *testing.B) {
	days, err := defaultDays(2023, 2027)
	if err != nil {
		b.Fatal(err)
	}
	n := newNaive(days, DefaultOfficeHours())
	ts := benchTimes(b)
	for i := 0; b.Loop(); i++ {
		a := ts[i%len(ts)]
		n.workingDaysBetween(a, a.AddDate(1, 0, 0))
	}
}

func BenchmarkAddWorkingHours(b *testing.B) {
	c := mustDefault(b)
	ts := benchTimes(b)
	for i := 0; b.Loop(); i++ {
		if _, err := c.AddWorkingHours(ts[i%len(ts)], 24*time.Hour); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSolarToLunar(b *testing.B) {
	d := Date{2026, time.February, 17}
	for i := 0; b.Loop(); i++ {
		if _, err := SolarToLunar(d.AddDays(i % 20000)); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLunarToSolar(b *testing.B) {
	for i := 0; b.Loop(); i++ {
		if _, err := LunarToSolar(LunarDate{Year: 1950 + i%200, Month: 1 + i%12, Day: 1 + i%29}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCompileDefault(b *testing.B) {
	for b.Loop() {
		if _, err := Default(2020, 2030); err != nil {
			b.Fatal(err)
		}
	}
}
