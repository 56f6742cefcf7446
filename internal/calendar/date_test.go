package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in      string
		want    Date
		wantErr bool
	}{
		{"2026-02-17", Date{2026, time.February, 17}, false},
		{"2024-02-29", Date{2024, time.February, 29}, false},
		{"1900-01-01", Date{1900, time.January, 1}, false},
		{"2025-02-29", Date{}, true},
		{"2026-13-01", Date{}, true},
		{"2026-2-17", Date{}, true},
		{"17/02/2026", Date{}, true},
		{"2026-02-17T00:00:00Z", Date{}, true},
		{"", Date{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDate(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrSyntax) {
					t.Fatalf("ParseDate(%q) error = %v, want ErrSyntax", tt.in, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
			if got.String() != tt.in {
				t.Errorf("String() = %q, want %q", got.String(), tt.in)
			}
		})
	}
}

// TestDayNumbers checks the integer date arithmetic against the time package for every
// day of 1600–2400, which spans every leap-year rule.
func TestDayNumbers(t *testing.T) {
	start := time.Date(1600, 1, 1, 0, 0, 0, 0, time.UTC)
	n0 := daysFromCivil(1600, time.January, 1)
	if want := int(start.Unix() / 86400); n0 != want {
		t.Fatalf("daysFromCivil(1600-01-01) = %d, want %d", n0, want)
	}
	for i, tm := 0, start; tm.Year() < 2401; i, tm = i+1, tm.AddDate(0, 0, 1) {
		want := Date{tm.Year(), tm.Month(), tm.Day()}
		if got := dateOfDays(n0 + i); got != want {
			t.Fatalf("dateOfDays(%d) = %v, want %v", n0+i, got, want)
		}
		if got := want.days(); got != n0+i {
			t.Fatalf("%v.days() = %d, want %d", want, got, n0+i)
		}
		if got := want.Weekday(); got != tm.Weekday() {
			t.Fatalf("%v.Weekday() = %v, want %v", want, got, tm.Weekday())
		}
	}
}

func TestDateMethods(t *testing.T) {
	tet := Date{2026, time.February, 17}
	t.Run("AddDays", func(t *testing.T) {
		for _, tt := range []struct {
			n    int
			want Date
		}{
			{0, tet},
			{12, Date{2026, time.March, 1}},
			{-48, Date{2025, time.December, 31}},
			{365, Date{2027, time.February, 17}},
		} {
			if got := tet.AddDays(tt.n); got != tt.want {
				t.Errorf("AddDays(%d) = %v, want %v", tt.n, got, tt.want)
			}
			if got := tt.want.Sub(tet); got != tt.n {
				t.Errorf("%v.Sub(%v) = %d, want %d", tt.want, tet, got, tt.n)
			}
		}
	})
	t.Run("Weekday", func(t *testing.T) {
		if got := tet.Weekday(); got != time.Tuesday {
			t.Errorf("Weekday() = %v, want Tuesday", got)
		}
	})
	t.Run("Compare", func(t *testing.T) {
		next := tet.AddDays(1)
		if tet.Compare(next) != -1 || next.Compare(tet) != 1 || tet.Compare(tet) != 0 {
			t.Error("Compare is not -1/+1/0")
		}
		if !tet.Before(next) || tet.After(next) || !next.After(tet) || tet.Before(tet) {
			t.Error("Before/After disagree with the order")
		}
	})
	t.Run("NewDate normalises", func(t *testing.T) {
		if got := NewDate(2026, time.February, 30); got != (Date{2026, time.March, 2}) {
			t.Errorf("NewDate(2026, 2, 30) = %v", got)
		}
		if got := NewDate(2026, 13, 1); got != (Date{2027, time.January, 1}) {
			t.Errorf("NewDate(2026, 13, 1) = %v", got)
		}
		if got := NewDate(2026, 0, 1); got != (Date{2025, time.December, 1}) {
			t.Errorf("NewDate(2026, 0, 1) = %v", got)
		}
	})
	t.Run("IsValid", func(t *testing.T) {
		if !tet.IsValid() || (Date{2026, time.February, 29}).IsValid() || (Date{}).IsValid() {
			t.Error("IsValid wrong")
		}
		if !(Date{}).IsZero() || tet.IsZero() {
			t.Error("IsZero wrong")
		}
	})
	t.Run("time conversions", func(t *testing.T) {
		// 17:30 UTC on the 16th is 00:30 on the 17th in Vietnam.
		if got := DateOf(time.Date(2026, 2, 16, 17, 30, 0, 0, time.UTC)); got != tet {
			t.Errorf("DateOf = %v, want %v", got, tet)
		}
		if got, want := tet.Time(), time.Date(2026, 2, 16, 17, 0, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("Time() = %v, want %v", got, want)
		}
		if got, want := tet.At(NewClock(7, 30)), time.Date(2026, 2, 17, 0, 30, 0, 0, time.UTC); !got.Equal(want) {
			t.Errorf("At(07:30) = %v, want %v", got, want)
		}
	})
	t.Run("text", func(t *testing.T) {
		b, err := tet.MarshalText()
		if err != nil || string(b) != "2026-02-17" {
			t.Fatalf("MarshalText = %q, %v", b, err)
		}
		var d Date
		if err := d.UnmarshalText(b); err != nil || d != tet {
			t.Fatalf("UnmarshalText = %v, %v", d, err)
		}
		if b, _ := (Date{}).MarshalText(); len(b) != 0 {
			t.Errorf("zero MarshalText = %q, want empty", b)
		}
		if err := d.UnmarshalText(nil); err != nil || !d.IsZero() {
			t.Errorf("UnmarshalText(empty) = %v, %v", d, err)
		}
		if err := d.UnmarshalText([]byte("2026-02-30")); !errors.Is(err, ErrSyntax) {
			t.Errorf("UnmarshalText(bad) error = %v", err)
		}
	})
}
