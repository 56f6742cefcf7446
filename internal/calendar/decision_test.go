package calendar

import (
	"errors"
	"testing"
	"time"
)

func TestDecisionsBuiltin(t *testing.T) {
	ds := Decisions()
	if len(ds) == 0 {
		t.Fatal("no built-in decisions")
	}
	years := map[int]bool{}
	for _, d := range ds {
		t.Run(d.Number, func(t *testing.T) {
			if err := d.Validate(); err != nil {
				t.Error(err)
			}
			if d.Unit != "" {
				t.Errorf("Unit = %q, want nationwide", d.Unit)
			}
			if d.Title == "" || d.Note == "" {
				t.Error("missing title or note")
			}
			for _, dd := range d.Days {
				years[dd.Date.Year] = true
				// A working weekday in a decision only makes sense where the law
				// gives that day off (a compensatory or adjacent day moved).
				if !dd.Off && !isWeekend(dd.Date) {
					holidays, _ := LegalHolidays(dd.Date.Year)
					if !containsDate(holidays, dd.Date) {
						t.Errorf("%v: working weekday that the law does not give off", dd.Date)
					}
				}
			}
		})
	}
	for _, y := range []int{2024, 2025, 2026} {
		if !years[y] {
			t.Errorf("no built-in decision for %d", y)
		}
	}
	ds[0].Days[0].Name = "changed"
	if Decisions()[0].Days[0].Name == "changed" {
		t.Error("Decisions returns shared slices")
	}
}

func containsDate(days []Day, d Date) bool {
	for _, x := range days {
		if x.Date == d {
			return true
		}
	}
	return false
}

func TestDecisionEntries(t *testing.T) {
	d := Decision{
		Number: "1/QĐ-UBND",
		Days: []DecidedDay{
			{Date: Date{2026, time.January, 2}, Off: true, Name: "Nghỉ"},
			{Date: Date{2026, time.January, 10}, Off: false, Name: "Làm bù"},
		},
	}
	want := []Day{
		{Date{2026, time.January, 2}, KindDecreedOff, "Nghỉ"},
		{Date{2026, time.January, 10}, KindDecreedWorkday, "Làm bù"},
	}
	got := d.Entries()
	if len(got) != len(want) {
		t.Fatalf("Entries() = %v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("Entries()[%d] = %v, want %v", i, got[i], want[i])
		}
	}
}

func TestDecisionValidate(t *testing.T) {
	day := DecidedDay{Date: Date{2026, time.January, 2}, Off: true, Name: "Nghỉ"}
	tests := []struct {
		name string
		d    Decision
	}{
		{"no number", Decision{Days: []DecidedDay{day}}},
		{"invalid date", Decision{Number: "1", Date: Date{2026, time.February, 30}}},
		{"invalid day", Decision{Number: "1", Days: []DecidedDay{{Date: Date{2026, time.February, 30}, Name: "x"}}}},
		{"unnamed day", Decision{Number: "1", Days: []DecidedDay{{Date: day.Date}}}},
		{"day twice", Decision{Number: "1", Days: []DecidedDay{day, day}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if err := tt.d.Validate(); !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate() = %v, want ErrInvalid", err)
			}
		})
	}
	if err := (Decision{Number: "1", Days: []DecidedDay{day}}).Validate(); err != nil {
		t.Errorf("Validate() of a good decision = %v", err)
	}
}
