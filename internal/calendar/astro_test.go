package calendar

import (
	"bufio"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

// The worked examples of Meeus, Astronomical Algorithms.
func TestMeeusExamples(t *testing.T) {
	t.Run("49.a new moon of 1977 February", func(t *testing.T) {
		if got, want := newMoonJDE(-283), 2443192.65118; math.Abs(got-want) > 0.00001 {
			t.Errorf("newMoonJDE(-283) = %.5f, want %.5f", got, want)
		}
	})
	t.Run("25.a sun on 1992 October 13", func(t *testing.T) {
		if got, want := sunLongitude(2448908.5), 199.90895; math.Abs(got-want) > 0.0001 {
			t.Errorf("sunLongitude = %.5f, want %.5f", got, want)
		}
	})
}

func TestDeltaT(t *testing.T) {
	// Observed ΔT (IERS) at the start of each year, seconds; the polynomials keep within
	// a few seconds, which is what deciding calendar days needs.
	for _, tt := range []struct {
		year     int
		observed float64
	}{
		{1900, -2.7}, {1925, 23.6}, {1950, 29.1}, {1975, 45.5}, {2000, 63.8}, {2020, 69.4},
	} {
		jd := float64(daysFromCivil(tt.year, time.January, 1)) + jdUnixEpoch
		if got := deltaT(jd); math.Abs(got-tt.observed) > 3 {
			t.Errorf("deltaT(%d) = %.1f s, observed %.1f s", tt.year, got, tt.observed)
		}
	}
	// The pieces join without jumps of more than a second.
	for _, y := range []int{1920, 1941, 1961, 1986, 2005, 2050, 2150} {
		jd := jdJ2000 + (float64(y)-2000)*365.25
		if d := math.Abs(deltaT(jd+0.01) - deltaT(jd-0.01)); d > 1 {
			t.Errorf("deltaT jumps %.2f s at %d", d, y)
		}
	}
}

func TestWinterSolsticeDay(t *testing.T) {
	// December solstices in Vietnamese time, from the published instants in UT.
	tests := []struct{ year, day int }{
		{2023, 22}, // 03:27 UT
		{2024, 21}, // 09:21 UT
		{2025, 21}, // 15:03 UT, 22:03 in Vietnam
		{2026, 22}, // 20:50 UT, 03:50 on the 22nd in Vietnam
	}
	for _, tt := range tests {
		if got := dateOfDays(zone(vietnamZone).winterSolsticeDay(tt.year)); got != (Date{tt.year, time.December, tt.day}) {
			t.Errorf("winter solstice %d = %v, want day %d", tt.year, got, tt.day)
		}
	}
}

// TestAgainstEphemeris compares every month 1898–2200 with the months computed by an
// independent ephemeris (testdata/ephem_months.txt, from PyEphem's VSOP87 and
// ELP2000 theories instead of Meeus's series), down to leap months.
func TestAgainstEphemeris(t *testing.T) {
	f, err := os.Open("testdata/ephem_months.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	months := vietnamTable().months
	i := 0
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		if i >= len(months)-1 {
			t.Fatalf("ephemeris has more months than the table (%d)", len(months)-1)
		}
		m := months[i]
		leap := 0
		if m.leap {
			leap = 1
		}
		got := fmt.Sprintf("%v %d %d %d", dateOfDays(int(m.start)), m.year, m.month, leap)
		if got != line {
			t.Errorf("month %d = %q, ephemeris %q", i, got, line)
		}
		i++
	}
	if i != len(months)-1 {
		t.Errorf("ephemeris has %d months, table %d", i, len(months)-1)
	}
}

// TestChineseNewYear builds the calendar in UTC+8, the Chinese calendar's zone, and
// checks the years DOMAIN names where Tết and the Chinese New Year differ: the same
// rules in another zone, so both dates pin the algorithm.
func TestChineseNewYear(t *testing.T) {
	china := buildTable(func(float64) float64 { return 8 }, 1983, 2032)
	tests := []struct {
		year         int
		vietnam, cny Date
	}{
		{1985, Date{1985, time.January, 21}, Date{1985, time.February, 20}},
		{2007, Date{2007, time.February, 17}, Date{2007, time.February, 18}},
		{2030, Date{2030, time.February, 2}, Date{2030, time.February, 3}},
		{2026, Date{2026, time.February, 17}, Date{2026, time.February, 17}},
	}
	for _, tt := range tests {
		n, err := china.lunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1})
		if err != nil || dateOfDays(n) != tt.cny {
			t.Errorf("Chinese New Year %d = %v, %v; want %v", tt.year, dateOfDays(n), err, tt.cny)
		}
		if got, err := LunarToSolar(LunarDate{Year: tt.year, Month: 1, Day: 1}); err != nil || got != tt.vietnam {
			t.Errorf("Tết %d = %v, %v; want %v", tt.year, got, err, tt.vietnam)
		}
	}
}

// The calendar used UTC+8 until the end of 1967 and UTC+7 since. Tết Mậu Thân 1968
// came on 29 January in the North, a day before the South (still on UTC+8); Tết Ất Tỵ
// 1965 came on 2 February, as in China, where UTC+7 would have given 1 February.
func TestZoneSwitch1968(t *testing.T) {
	for _, want := range []Date{{1965, time.February, 2}, {1968, time.January, 29}} {
		if got, err := LunarToSolar(LunarDate{Year: want.Year, Month: 1, Day: 1}); err != nil || got != want {
			t.Errorf("Tết %d = %v, %v; want %v", want.Year, got, err, want)
		}
	}
}
