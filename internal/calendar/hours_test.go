package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestParseClock(t *testing.T) {
	tests := []struct {
		in      string
		want    Clock
		wantErr bool
	}{
		{"07:30", NewClock(7, 30), false},
		{"00:00", 0, false},
		{"24:00", 24 * 60, false},
		{"15:00", 900, false},
		{"24:01", 0, true},
		{"7:30", 0, true},
		{"07:60", 0, true},
		{"07-30", 0, true},
		{"+7:30", 0, true},
		{"07:3a", 0, true},
		{"", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseClock(tt.in)
			if tt.wantErr {
				if !errors.Is(err, ErrSyntax) {
					t.Fatalf("ParseClock(%q) = %v, %v; want ErrSyntax", tt.in, got, err)
				}
				return
			}
			if err != nil || got != tt.want || got.String() != tt.in {
				t.Fatalf("ParseClock(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestClockOf(t *testing.T) {
	if got := ClockOf(time.Date(2026, 3, 2, 2, 15, 59, 0, time.UTC)); got != NewClock(9, 15) {
		t.Errorf("ClockOf = %v, want 09:15 (UTC+7, seconds dropped)", got)
	}
}

func TestShift(t *testing.T) {
	s := StandardShift()
	if got := s.Minutes(); got != 8*60 {
		t.Errorf("Minutes() = %d, want 480", got)
	}
	tests := []struct {
		clock    Clock
		contains bool
		before   int
	}{
		{NewClock(7, 0), false, 0},
		{NewClock(7, 30), true, 0},
		{NewClock(9, 0), true, 90},
		{NewClock(11, 29), true, 239},
		{NewClock(11, 30), false, 240},
		{NewClock(12, 0), false, 240},
		{NewClock(13, 0), true, 240},
		{NewClock(16, 59), true, 479},
		{NewClock(17, 0), false, 480},
		{NewClock(23, 59), false, 480},
	}
	for _, tt := range tests {
		if got := s.Contains(tt.clock); got != tt.contains {
			t.Errorf("Contains(%v) = %v, want %v", tt.clock, got, tt.contains)
		}
		if got := s.minutesBefore(tt.clock); got != tt.before {
			t.Errorf("minutesBefore(%v) = %d, want %d", tt.clock, got, tt.before)
		}
	}
	for _, tt := range []struct {
		m    int
		want Clock
	}{
		{1, NewClock(7, 31)}, {240, NewClock(11, 30)}, {241, NewClock(13, 1)}, {480, NewClock(17, 0)},
	} {
		if got := s.clockAfter(tt.m); got != tt.want {
			t.Errorf("clockAfter(%d) = %v, want %v", tt.m, got, tt.want)
		}
	}
}

func TestOfficeHoursValidate(t *testing.T) {
	if err := DefaultOfficeHours().Validate(); err != nil {
		t.Fatalf("default hours: %v", err)
	}
	tests := []struct {
		name   string
		change func(*OfficeHours)
	}{
		{"weekday without hours", func(h *OfficeHours) { h.Week[time.Wednesday] = nil }},
		{"makeup day without hours", func(h *OfficeHours) { h.Makeup = nil }},
		{"empty interval", func(h *OfficeHours) { h.Week[time.Monday] = Shift{{NewClock(8, 0), NewClock(8, 0)}} }},
		{"past midnight", func(h *OfficeHours) { h.Week[time.Monday] = Shift{{NewClock(8, 0), NewClock(24, 1)}} }},
		{"negative", func(h *OfficeHours) { h.Week[time.Monday] = Shift{{-1, NewClock(8, 0)}} }},
		{"overlap", func(h *OfficeHours) {
			h.Week[time.Friday] = Shift{{NewClock(7, 30), NewClock(12, 0)}, {NewClock(11, 0), NewClock(17, 0)}}
		}},
		{"out of order", func(h *OfficeHours) {
			h.Makeup = Shift{{NewClock(13, 0), NewClock(17, 0)}, {NewClock(7, 30), NewClock(11, 30)}}
		}},
		{"bad Saturday", func(h *OfficeHours) { h.Week[time.Saturday] = Shift{{NewClock(11, 0), NewClock(7, 0)}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := DefaultOfficeHours()
			tt.change(&h)
			if err := h.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate() = %v, want ErrInvalid", err)
			}
		})
	}
}

func TestParseShift(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"07:30-11:30,13:00-17:00", "07:30-11:30,13:00-17:00", true},
		{" 07:30 - 11:30 ", "07:30-11:30", true},
		{"", "", true},
		{"07:30-11:30,11:00-17:00", "", false}, // overlap
		{"11:30-07:30", "", false},
		{"7:30-11:30", "", false},
		{"07:30", "", false},
		{"07:30-25:00", "", false},
	}
	for _, tt := range tests {
		s, err := ParseShift(tt.in)
		if (err == nil) != tt.ok {
			t.Errorf("ParseShift(%q) err = %v", tt.in, err)
			continue
		}
		if tt.ok && s.String() != tt.want {
			t.Errorf("ParseShift(%q) = %q, want %q", tt.in, s, tt.want)
		}
	}
	if StandardShift().String() != "07:30-11:30,13:00-17:00" {
		t.Errorf("StandardShift = %s", StandardShift())
	}
}
