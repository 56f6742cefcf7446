package broadcast

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, locale.Zone)
	if err != nil {
		panic(err)
	}
	return t
}

func times(ts []time.Time) string {
	s := make([]string, len(ts))
	for i, t := range ts {
		s[i] = t.In(locale.Zone).Format("2006-01-02 Mon 15:04")
	}
	return strings.Join(s, ", ")
}

func TestScheduleBetween(t *testing.T) {
	for _, c := range []struct {
		name, rule string
		start, end string // end "" : none
		from, to   string
		want       string
	}{
		{"the daily programmes", "FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0", "2026-12-01 06:00", "2026-12-31 23:59",
			"2026-12-07 00:00", "2026-12-09 00:00",
			"2026-12-07 Mon 06:00, 2026-12-07 Mon 17:00, 2026-12-08 Tue 06:00, 2026-12-08 Tue 17:00"},
		{"the hours given in any order", "FREQ=DAILY;BYHOUR=17,6;BYMINUTE=30,0", "2026-12-01 06:00", "2026-12-31 23:59",
			"2026-12-07 00:00", "2026-12-08 00:00",
			"2026-12-07 Mon 06:00, 2026-12-07 Mon 06:30, 2026-12-07 Mon 17:00, 2026-12-07 Mon 17:30"},
		{"the time of the start when no hour", "FREQ=DAILY", "2026-12-01 10:15", "2026-12-03 23:59",
			"2026-11-01 00:00", "2027-01-01 00:00", "2026-12-01 Tue 10:15, 2026-12-02 Wed 10:15, 2026-12-03 Thu 10:15"},
		{"the start's first slot passed", "FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0", "2026-12-07 12:00", "2026-12-08 12:00",
			"2026-12-01 00:00", "2026-12-31 00:00", "2026-12-07 Mon 17:00, 2026-12-08 Tue 06:00"},
		{"working days", "FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR;BYHOUR=6;BYMINUTE=0", "2026-12-01 06:00", "2027-12-31 00:00",
			"2026-12-04 00:00", "2026-12-09 00:00", "2026-12-04 Fri 06:00, 2026-12-07 Mon 06:00, 2026-12-08 Tue 06:00"},
		{"every other week", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SA;BYHOUR=8;BYMINUTE=0", "2026-12-01 06:00", "2027-12-31 00:00",
			"2026-12-01 00:00", "2027-01-01 00:00", "2026-12-05 Sat 08:00, 2026-12-19 Sat 08:00"},
		{"the last Friday of the month", "FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=19;BYMINUTE=0", "2026-10-01 00:00", "2027-12-31 00:00",
			"2026-10-01 00:00", "2027-01-01 00:00", "2026-10-30 Fri 19:00, 2026-11-27 Fri 19:00, 2026-12-25 Fri 19:00"},
		{"the first Monday", "FREQ=MONTHLY;BYDAY=1MO;BYHOUR=7;BYMINUTE=30", "2026-10-01 00:00", "2027-12-31 00:00",
			"2026-10-01 00:00", "2027-01-01 00:00", "2026-10-05 Mon 07:30, 2026-11-02 Mon 07:30, 2026-12-07 Mon 07:30"},
		{"the last day of the month", "FREQ=MONTHLY;BYMONTHDAY=-1", "2026-01-31 16:00", "2026-12-31 23:59",
			"2026-01-01 00:00", "2026-04-01 00:00", "2026-01-31 Sat 16:00, 2026-02-28 Sat 16:00, 2026-03-31 Tue 16:00"},
		{"monthly on the start's day", "FREQ=MONTHLY", "2026-01-31 16:00", "2026-12-31 23:59",
			"2026-01-01 00:00", "2026-06-01 00:00", "2026-01-31 Sat 16:00, 2026-03-31 Tue 16:00, 2026-05-31 Sun 16:00"},
		{"yearly", "FREQ=YEARLY;BYMONTH=9;BYMONTHDAY=2;BYHOUR=6;BYMINUTE=0", "2026-01-01 00:00", "2030-12-31 00:00",
			"2026-01-01 00:00", "2027-01-01 00:00", "2026-09-02 Wed 06:00"},
		{"COUNT counts from the start", "FREQ=DAILY;COUNT=5;BYHOUR=6;BYMINUTE=0", "2026-12-01 00:00", "",
			"2026-12-04 00:00", "2027-01-01 00:00", "2026-12-04 Fri 06:00, 2026-12-05 Sat 06:00"},
		{"UNTIL before the end", "FREQ=DAILY;UNTIL=20261203;BYHOUR=6;BYMINUTE=0", "2026-12-01 00:00", "2026-12-31 00:00",
			"2026-12-01 00:00", "2027-01-01 00:00", "2026-12-01 Tue 06:00, 2026-12-02 Wed 06:00, 2026-12-03 Thu 06:00"},
		{"the end before UNTIL", "FREQ=DAILY;UNTIL=20261231;BYHOUR=6;BYMINUTE=0", "2026-12-01 00:00", "2026-12-02 12:00",
			"2026-12-01 00:00", "2027-01-01 00:00", "2026-12-01 Tue 06:00, 2026-12-02 Wed 06:00"},
		{"a rule that never plays", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "2026-01-01 00:00", "2030-12-31 00:00",
			"2026-01-01 00:00", "2027-01-01 00:00", ""},
		{"a one-off", "", "2026-12-07 10:15", "", "2026-12-07 00:00", "2026-12-08 00:00", "2026-12-07 Mon 10:15"},
		{"a one-off outside the window", "", "2026-12-07 10:15", "", "2026-12-08 00:00", "2026-12-09 00:00", ""},
	} {
		s := Schedule{Start: at(c.start)}
		if c.end != "" {
			s.End = at(c.end)
		}
		if c.rule != "" {
			r, err := ParseRule(c.rule)
			if err != nil {
				t.Fatalf("%s: %v", c.name, err)
			}
			s.Rule = &r
		}
		got, err := s.Between(at(c.from), at(c.to))
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if times(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, times(got), c.want)
		}
	}
}

func TestScheduleRefusals(t *testing.T) {
	for _, c := range []struct {
		rule string
		want error
	}{
		{"FREQ=MINUTELY", ErrTooFrequent},
		{"FREQ=HOURLY;INTERVAL=1", ErrTooFrequent},
		{"FREQ=DAILY;BYSECOND=0,30", ErrTooFrequent},
		{"FREQ=DAILY;BYHOUR=0,1,2,3,4,5,6,7,8,9,10,11,12;BYMINUTE=0,30", ErrTooFrequent},
		{"FREQ=DAILY;BYSETPOS=1", ErrRule},
		{"FREQ=DAILY;BYDAY=1MO", ErrRule},
		{"FREQ=DAILY;COUNT=3;UNTIL=20261231", ErrRule},
		{"FREQ=DAILY;FREQ=WEEKLY", ErrRule},
		{"BYHOUR=6", ErrRule},
		{"FREQ=DAILY;BYHOUR=24", ErrRule},
		{"FREQ=DAILY;BYHOUR=6,6", ErrRule},
		{"FREQ=DAILY;INTERVAL=0", ErrRule},
		{"FREQ=MONTHLY;BYMONTHDAY=0", ErrRule},
		{"FREQ=DAILY;UNTIL=2026-12-31", ErrRule},
		{"FREQ=DAILY;" + strings.Repeat("BYHOUR=6;", 40), ErrRule},
		{"", ErrRule},
	} {
		if _, err := ParseRule(c.rule); !errors.Is(err, c.want) {
			t.Errorf("%.60q: %v, want %v", c.rule, err, c.want)
		}
	}
	daily, _ := ParseRule("FREQ=DAILY;BYHOUR=6;BYMINUTE=0")
	start := at("2026-12-01 06:00")
	for _, c := range []struct {
		s    Schedule
		want error
	}{
		{Schedule{Start: start, Rule: &daily}, ErrNoEnd},                              // forever
		{Schedule{Start: start, Rule: &daily, End: start.AddDate(6, 0, 0)}, ErrNoEnd}, // beyond five years
		{Schedule{Start: start, Rule: &daily, End: start.AddDate(0, 0, -1)}, ErrEndsBeforeStart},
		{Schedule{Rule: &daily, End: start}, ErrRule},
	} {
		if err := c.s.Check(); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", c.s, err, c.want)
		}
	}
	ok := Schedule{Start: start, Rule: &daily, End: start.AddDate(1, 0, 0)}
	if _, err := ok.Between(start, start.AddDate(0, 0, 401)); !errors.Is(err, ErrWindow) {
		t.Errorf("a 401-day window: %v", err)
	}
}

func TestRuleString(t *testing.T) {
	for _, s := range []string{
		"FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0",
		"FREQ=WEEKLY;INTERVAL=2;BYDAY=SA,SU;BYHOUR=8;WKST=SU",
		"FREQ=MONTHLY;COUNT=12;BYDAY=-1FR,1MO;BYMONTHDAY=-1,15",
		"FREQ=YEARLY;UNTIL=20301231T165959Z;BYMONTHDAY=2;BYMONTH=9",
	} {
		r, err := ParseRule(s)
		if err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if r.String() != s {
			t.Errorf("%s read and written back: %s", s, r.String())
		}
	}
}

func FuzzSchedule(f *testing.F) {
	for _, s := range []string{"FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0", "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "FREQ=MONTHLY;BYDAY=-1FR",
		"FREQ=WEEKLY;INTERVAL=366;COUNT=10000", "RRULE:FREQ=DAILY;UNTIL=20991231T000000Z", "FREQ=MINUTELY", ";;;", "FREQ=DAILY;BYDAY=5SU"} {
		f.Add(s, int64(0), int64(400))
	}
	f.Fuzz(func(t *testing.T, rule string, startOffsetDays, windowDays int64) {
		r, err := ParseRule(rule)
		if err != nil {
			return
		}
		start := at("2026-01-01 06:00").AddDate(0, 0, int(startOffsetDays%4000))
		s := Schedule{Start: start, Rule: &r, End: start.AddDate(maxYears, 0, 0)}
		from := start.AddDate(0, 0, int(windowDays%2000))
		got, err := s.Between(from, from.AddDate(0, 0, 400))
		if errors.Is(err, ErrEndsBeforeStart) { // an UNTIL before the start
			return
		}
		if err != nil {
			t.Fatalf("%q: %v", rule, err)
		}
		if len(got) > 400*maxPerDay {
			t.Fatalf("%q: %d times in 400 days", rule, len(got))
		}
		for i := 1; i < len(got); i++ {
			if !got[i].After(got[i-1]) {
				t.Fatalf("%q: %v not after %v", rule, got[i], got[i-1])
			}
		}
	})
}

func TestDescribe(t *testing.T) {
	for _, c := range []struct{ rule, start, end, want string }{
		{"", "2026-12-07 10:15", "", "Một lần lúc 10:15 ngày 07/12/2026"},
		{"FREQ=DAILY;BYHOUR=17,6;BYMINUTE=0", "2026-12-07 00:00", "2026-12-31 23:59", "Hằng ngày lúc 06:00, 17:00, từ 07/12/2026 đến 31/12/2026"},
		{"FREQ=WEEKLY;BYDAY=MO,FR;BYHOUR=7;BYMINUTE=30", "2026-12-07 00:00", "2027-06-30 00:00", "Các ngày thứ Hai, thứ Sáu lúc 07:30, từ 07/12/2026 đến 30/06/2027"},
		{"FREQ=WEEKLY", "2026-12-07 19:00", "2027-06-30 00:00", "Hằng tuần vào thứ Hai lúc 19:00, từ 07/12/2026 đến 30/06/2027"},
		{"FREQ=DAILY;COUNT=3", "2026-12-07 06:00", "", "Hằng ngày lúc 06:00, từ 07/12/2026 (3 lần)"},
		{"FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=19;BYMINUTE=0", "2026-12-07 00:00", "2027-06-30 00:00", "Theo quy tắc FREQ=MONTHLY;BYDAY=-1FR;BYHOUR=19;BYMINUTE=0 lúc 19:00, từ 07/12/2026 đến 30/06/2027"},
	} {
		s := Schedule{Start: at(c.start)}
		if c.end != "" {
			s.End = at(c.end)
		}
		if c.rule != "" {
			r, err := ParseRule(c.rule)
			if err != nil {
				t.Fatal(err)
			}
			s.Rule = &r
		}
		if got := s.Describe(); got != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.rule, got, c.want)
		}
	}
}
