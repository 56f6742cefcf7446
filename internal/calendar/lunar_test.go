package calendar

import (
	"errors"
	"testing"
	"time"
)

// tetAndGioTo lists Tết (lunar 1/1) and Giỗ Tổ Hùng Vương (lunar 10/3) for 2000–2050.
//
// Source: published Vietnamese lunar calendars (lịch vạn niên) and holiday notices,
// written down from them, not from this package; cross-checked against the DOMAIN check
// points (Tết 2025-01-29, 2026-02-17; Giỗ Tổ 2026-04-26; 2007 and 2030 a day before the
// Chinese New Year) and verified independently with the PyEphem ephemeris by the same
// rules (testdata/ephem_months.py). That check corrected nine recalled Giỗ Tổ dates by
// one day (2005, 2009, 2032, 2037, 2038, 2040, 2047, 2048, 2049); in 2009 the new moon
// fell at 23:06 in Vietnam, so Vietnam's lunar 10/3 was 4 April and China's 5 April.
var tetAndGioTo = []struct {
	year       int
	tet, gioTo string
}{
	{2000, "2000-02-05", "2000-04-14"},
	{2001, "2001-01-24", "2001-04-03"},
	{2002, "2002-02-12", "2002-04-22"},
	{2003, "2003-02-01", "2003-04-11"},
	{2004, "2004-01-22", "2004-04-28"}, // leap 2nd month comes first
	{2005, "2005-02-09", "2005-04-18"},
	{2006, "2006-01-29", "2006-04-07"},
	{2007, "2007-02-17", "2007-04-26"}, // China: 2007-02-18
	{2008, "2008-02-07", "2008-04-15"},
	{2009, "2009-01-26", "2009-04-04"},
	{2010, "2010-02-14", "2010-04-23"},
	{2011, "2011-02-03", "2011-04-12"},
	{2012, "2012-01-23", "2012-03-31"},
	{2013, "2013-02-10", "2013-04-19"},
	{2014, "2014-01-31", "2014-04-09"},
	{2015, "2015-02-19", "2015-04-28"},
	{2016, "2016-02-08", "2016-04-16"},
	{2017, "2017-01-28", "2017-04-06"},
	{2018, "2018-02-16", "2018-04-25"},
	{2019, "2019-02-05", "2019-04-14"},
	{2020, "2020-01-25", "2020-04-02"},
	{2021, "2021-02-12", "2021-04-21"},
	{2022, "2022-02-01", "2022-04-10"},
	{2023, "2023-01-22", "2023-04-29"}, // leap 2nd month comes first
	{2024, "2024-02-10", "2024-04-18"},
	{2025, "2025-01-29", "2025-04-07"},
	{2026, "2026-02-17", "2026-04-26"},
	{2027, "2027-02-06", "2027-04-16"},
	{2028, "2028-01-26", "2028-04-04"},
	{2029, "2029-02-13", "2029-04-23"},
	{2030, "2030-02-02", "2030-04-12"}, // China: 2030-02-03
	{2031, "2031-01-23", "2031-04-01"}, // the regular 3rd month; the leap one follows
	{2032, "2032-02-11", "2032-04-19"},
	{2033, "2033-01-31", "2033-04-09"},
	{2034, "2034-02-19", "2034-04-28"},
	{2035, "2035-02-08", "2035-04-17"},
	{2036, "2036-01-28", "2036-04-06"},
	{2037, "2037-02-15", "2037-04-24"},
	{2038, "2038-02-04", "2038-04-13"},
	{2039, "2039-01-24", "2039-04-03"},
	{2040, "2040-02-12", "2040-04-20"},
	{2041, "2041-02-01", "2041-04-10"},
	{2042, "2042-01-22", "2042-04-29"}, // leap 2nd month comes first
	{2043, "2043-02-10", "2043-04-19"},
	{2044, "2044-01-30", "2044-04-07"},
	{2045, "2045-02-17", "2045-04-26"},
	{2046, "2046-02-06", "2046-04-15"},
	{2047, "2047-01-26", "2047-04-04"},
	{2048, "2048-02-14", "2048-04-22"},
	{2049, "2049-02-02", "2049-04-11"},
	{2050, "2050-01-23", "2050-04-01"},
}

func TestTetAndGioTo(t *testing.T) {
	for _, tt := range tetAndGioTo {
		t.Run(CanChi(tt.year), func(t *testing.T) {
			for _, c := range []struct {
				lunar LunarDate
				want  string
			}{
				{LunarDate{Year: tt.year, Month: 1, Day: 1}, tt.tet},
				{LunarDate{Year: tt.year, Month: 3, Day: 10}, tt.gioTo},
			} {
				want, err := ParseDate(c.want)
				if err != nil {
					t.Fatal(err)
				}
				if got, err := LunarToSolar(c.lunar); err != nil || got != want {
					t.Errorf("LunarToSolar(%v) = %v, %v; want %v", c.lunar, got, err, want)
				}
				if got, err := SolarToLunar(want); err != nil || got != c.lunar {
					t.Errorf("SolarToLunar(%v) = %v, %v; want %v", want, got, err, c.lunar)
				}
			}
		})
	}
}

func TestLeapMonth(t *testing.T) {
	tests := []struct{ year, month int }{
		{2020, 4}, {2023, 2}, {2025, 6}, {2028, 5}, {2031, 3}, {2033, 11},
		{2024, 0}, {2026, 0}, {2027, 0},
	}
	for _, tt := range tests {
		if got, err := LeapMonth(tt.year); err != nil || got != tt.month {
			t.Errorf("LeapMonth(%d) = %d, %v; want %d", tt.year, got, err, tt.month)
		}
	}
	if _, err := LeapMonth(2300); !errors.Is(err, ErrOutOfRange) {
		t.Errorf("LeapMonth(2300) error = %v, want ErrOutOfRange", err)
	}
}

func TestSolarToLunar(t *testing.T) {
	tests := []struct {
		solar Date
		want  LunarDate
	}{
		{Date{2026, time.February, 17}, LunarDate{Year: 2026, Month: 1, Day: 1}},
		// Ất Tỵ's last month has 29 days: the 2026 Tết notice calls 16/2 "29 tháng Chạp".
		{Date{2026, time.February, 16}, LunarDate{Year: 2025, Month: 12, Day: 29}},
		// Quý Mão's has 30: the 2024 notice calls 8/2 "29 tháng Chạp".
		{Date{2024, time.February, 8}, LunarDate{Year: 2023, Month: 12, Day: 29}},
		{Date{2024, time.February, 9}, LunarDate{Year: 2023, Month: 12, Day: 30}},
		{Date{2025, time.July, 25}, LunarDate{Year: 2025, Month: 6, Day: 1, Leap: true}},
		{Date{2025, time.August, 22}, LunarDate{Year: 2025, Month: 6, Day: 29, Leap: true}},
		{Date{2025, time.August, 23}, LunarDate{Year: 2025, Month: 7, Day: 1}},
		{Date{2031, time.April, 30}, LunarDate{Year: 2031, Month: 3, Day: 10, Leap: true}},
		{Date{1900, time.January, 1}, LunarDate{Year: 1899, Month: 12, Day: 1}},
		{Date{2199, time.December, 31}, LunarDate{Year: 2199, Month: 11, Day: 14}},
	}
	for _, tt := range tests {
		t.Run(tt.solar.String(), func(t *testing.T) {
			if got, err := SolarToLunar(tt.solar); err != nil || got != tt.want {
				t.Errorf("SolarToLunar(%v) = %v, %v; want %v", tt.solar, got, err, tt.want)
			}
		})
	}
	for _, d := range []Date{{1899, time.December, 31}, {2200, time.January, 1}, {}} {
		if _, err := SolarToLunar(d); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("SolarToLunar(%v) error = %v, want ErrOutOfRange", d, err)
		}
	}
}

func TestLunarToSolarErrors(t *testing.T) {
	tests := []struct {
		name string
		in   LunarDate
		want error
	}{
		{"leap month the year lacks", LunarDate{Year: 2026, Month: 1, Day: 1, Leap: true}, ErrNoSuchDate},
		{"leap month of another number", LunarDate{Year: 2025, Month: 5, Day: 1, Leap: true}, ErrNoSuchDate},
		{"day 30 of a 29-day month", LunarDate{Year: 2025, Month: 12, Day: 30}, ErrNoSuchDate},
		{"day 0", LunarDate{Year: 2026, Month: 1, Day: 0}, ErrNoSuchDate},
		{"day 31", LunarDate{Year: 2026, Month: 1, Day: 31}, ErrNoSuchDate},
		{"month 13", LunarDate{Year: 2026, Month: 13, Day: 1}, ErrNoSuchDate},
		{"month 0", LunarDate{Year: 2026, Month: 0, Day: 1}, ErrNoSuchDate},
		{"year before the range", LunarDate{Year: 1899, Month: 1, Day: 1}, ErrOutOfRange},
		{"partial first year of the table", LunarDate{Year: 1898, Month: 1, Day: 1}, ErrOutOfRange},
		{"year after the range", LunarDate{Year: 2300, Month: 1, Day: 1}, ErrOutOfRange},
		{"late 2199 falls in 2200", LunarDate{Year: 2199, Month: 12, Day: 1}, ErrOutOfRange},
		{"lunar 2200", LunarDate{Year: 2200, Month: 1, Day: 1}, ErrOutOfRange},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got, err := LunarToSolar(tt.in); !errors.Is(err, tt.want) {
				t.Errorf("LunarToSolar(%v) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestMonthDays(t *testing.T) {
	tests := []struct {
		year, month int
		leap        bool
		want        int
	}{
		{2025, 12, false, 29},
		{2023, 12, false, 30},
		{2025, 6, true, 29},
	}
	for _, tt := range tests {
		if got, err := MonthDays(tt.year, tt.month, tt.leap); err != nil || got != tt.want {
			t.Errorf("MonthDays(%d, %d, %v) = %d, %v; want %d", tt.year, tt.month, tt.leap, got, err, tt.want)
		}
	}
	if _, err := MonthDays(2026, 6, true); !errors.Is(err, ErrNoSuchDate) {
		t.Errorf("MonthDays of a missing leap month: error = %v, want ErrNoSuchDate", err)
	}
}

// TestLunarProperties walks every day of the supported range: solar→lunar→solar is the
// identity, days run 1, 2, … within a month, every month has 29 or 30 days, months run
// 1…12 with at most one leap month (taking the number of the month before it), and a
// year has 13 months exactly when it has a leap month.
func TestLunarProperties(t *testing.T) {
	first, last := Date{MinYear, time.January, 1}, Date{MaxYear, time.December, 31}
	prev, err := SolarToLunar(first)
	if err != nil {
		t.Fatal(err)
	}
	monthsInYear := map[int]int{}
	leapsInYear := map[int]int{}
	for d := first.AddDays(1); !d.After(last); d = d.AddDays(1) {
		l, err := SolarToLunar(d)
		if err != nil {
			t.Fatalf("SolarToLunar(%v): %v", d, err)
		}
		if back, err := LunarToSolar(l); err != nil || back != d {
			t.Fatalf("LunarToSolar(SolarToLunar(%v) = %v) = %v, %v", d, l, back, err)
		}
		if l.Day != 1 {
			if l.Day != prev.Day+1 || l.Month != prev.Month || l.Leap != prev.Leap || l.Year != prev.Year {
				t.Fatalf("%v: %v follows %v", d, l, prev)
			}
			prev = l
			continue
		}
		if prev.Day != 29 && prev.Day != 30 {
			t.Fatalf("month of %v has %d days", prev, prev.Day)
		}
		switch {
		case l.Leap:
			if l.Month != prev.Month || l.Year != prev.Year || prev.Leap {
				t.Fatalf("%v: leap month %v follows %v", d, l, prev)
			}
			leapsInYear[l.Year]++
		case prev.Month == 12:
			if l.Month != 1 || l.Year != prev.Year+1 {
				t.Fatalf("%v: %v follows %v", d, l, prev)
			}
		default:
			if l.Month != prev.Month+1 || l.Year != prev.Year {
				t.Fatalf("%v: %v follows %v", d, l, prev)
			}
		}
		monthsInYear[l.Year]++
		prev = l
	}
	for y := MinYear; y < MaxYear; y++ { // 2199 is cut by the range
		want := 12 + leapsInYear[y]
		if leapsInYear[y] > 1 || monthsInYear[y] != want {
			t.Errorf("lunar year %d: %d months, %d leap", y, monthsInYear[y], leapsInYear[y])
		}
		if leap, _ := LeapMonth(y); (leap != 0) != (leapsInYear[y] == 1) {
			t.Errorf("LeapMonth(%d) = %d, walk found %d leap months", y, leap, leapsInYear[y])
		}
	}
}

func TestCanChi(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2026, "Bính Ngọ"}, {2025, "Ất Tỵ"}, {2024, "Giáp Thìn"}, {2023, "Quý Mão"},
		{2000, "Canh Thìn"}, {1984, "Giáp Tý"}, {1968, "Mậu Thân"}, {1945, "Ất Dậu"},
		{1900, "Canh Tý"}, {2031, "Tân Hợi"}, {2199, "Kỷ Hợi"}, {-1, "Kỷ Mùi"},
	}
	for _, tt := range tests {
		if got := CanChi(tt.year); got != tt.want {
			t.Errorf("CanChi(%d) = %q, want %q", tt.year, got, tt.want)
		}
	}
}

func TestLunarString(t *testing.T) {
	tests := []struct {
		in   LunarDate
		want string
	}{
		{LunarDate{Year: 2026, Month: 1, Day: 1}, "01/01/2026"},
		{LunarDate{Year: 2020, Month: 4, Day: 15, Leap: true}, "15/04/2020 nhuận"},
		{LunarDate{Year: 2025, Month: 12, Day: 29}, "29/12/2025"},
	}
	for _, tt := range tests {
		if got := tt.in.String(); got != tt.want {
			t.Errorf("%+v.String() = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestParseLunar(t *testing.T) {
	tests := []struct {
		in      string
		want    LunarDate
		wantErr bool
	}{
		{"1/1/2026", LunarDate{Year: 2026, Month: 1, Day: 1}, false},
		{"01/01/2026", LunarDate{Year: 2026, Month: 1, Day: 1}, false},
		{"10/3/2031", LunarDate{Year: 2031, Month: 3, Day: 10}, false},
		{"10/3/2031 nhuận", LunarDate{Year: 2031, Month: 3, Day: 10, Leap: true}, false},
		{"10/03/2031 Nhuan", LunarDate{Year: 2031, Month: 3, Day: 10, Leap: true}, false},
		{"  30/12/2023 ", LunarDate{Year: 2023, Month: 12, Day: 30}, false},
		{"31/1/2026", LunarDate{}, true},
		{"0/1/2026", LunarDate{}, true},
		{"1/13/2026", LunarDate{}, true},
		{"1/0/2026", LunarDate{}, true},
		{"1/1/26", LunarDate{}, true},
		{"1/1/20260", LunarDate{}, true},
		{"001/1/2026", LunarDate{}, true},
		{"1-1-2026", LunarDate{}, true},
		{"1/1/2026 leap", LunarDate{}, true},
		{"+1/1/2026", LunarDate{}, true},
		{"1//2026", LunarDate{}, true},
		{"1/1/2026/1", LunarDate{}, true},
		{"", LunarDate{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseLunar(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrSyntax) {
					t.Fatalf("ParseLunar(%q) = %v, %v; want ErrSyntax", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseLunar(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func FuzzLunarRoundTrip(f *testing.F) {
	for _, s := range []string{"1900-01-01", "2026-02-17", "2025-07-25", "2031-04-30", "2199-12-31"} {
		d, _ := ParseDate(s)
		f.Add(int64(d.days()))
	}
	first := Date{MinYear, time.January, 1}.days()
	span := Date{MaxYear, time.December, 31}.days() - first + 1
	f.Fuzz(func(t *testing.T, n int64) {
		d := dateOfDays(first + int(((n%int64(span))+int64(span))%int64(span)))
		l, err := SolarToLunar(d)
		if err != nil {
			t.Fatalf("SolarToLunar(%v): %v", d, err)
		}
		if back, err := LunarToSolar(l); err != nil || back != d {
			t.Fatalf("LunarToSolar(%v) = %v, %v; want %v", l, back, err, d)
		}
		if p, err := ParseLunar(l.String()); err != nil || p != l {
			t.Fatalf("ParseLunar(%q) = %v, %v; want %v", l.String(), p, err, l)
		}
	})
}

func FuzzParseLunar(f *testing.F) {
	for _, s := range []string{"1/1/2026", "10/03/2031 nhuận", "30/12/2025", "29/2/1899 nhuan", "1/1/2026 x", " / / "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		l, err := ParseLunar(s)
		if err != nil {
			if !errors.Is(err, ErrSyntax) {
				t.Fatalf("ParseLunar(%q) error %v is not ErrSyntax", s, err)
			}
			return
		}
		if p, err := ParseLunar(l.String()); err != nil || p != l {
			t.Fatalf("ParseLunar(%q) = %v, but its String %q parses to %v, %v", s, l, l.String(), p, err)
		}
		d, err := LunarToSolar(l)
		switch {
		case errors.Is(err, ErrNoSuchDate), errors.Is(err, ErrOutOfRange):
		case err != nil:
			t.Fatalf("LunarToSolar(%v): unexpected error %v", l, err)
		default:
			if back, err := SolarToLunar(d); err != nil || back != l {
				t.Fatalf("SolarToLunar(LunarToSolar(%v) = %v) = %v, %v", l, d, back, err)
			}
		}
	})
}
