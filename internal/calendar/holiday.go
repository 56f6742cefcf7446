package calendar

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"
)

// Kind says why a day departs from the weekly pattern (Monday–Friday worked, Saturday
// and Sunday off). The zero Kind is invalid.
type Kind int

// The kinds of days, named as the glossary pairs them: ngày lễ / nghỉ bù / nghỉ theo
// quyết định / làm bù.
const (
	// KindHoliday is a public holiday of the Labour Code (ngày lễ, tết).
	KindHoliday Kind = iota + 1
	// KindCompensatory is the day off given for a holiday that fell on a weekend
	// (nghỉ bù, Labour Code 2019 art. 111(3)).
	KindCompensatory
	// KindDecreedOff is a day off by a decision of the government or the unit (nghỉ
	// theo quyết định), usually swapped for a weekend day worked.
	KindDecreedOff
	// KindDecreedWorkday is a working day by decision (làm bù), usually a Saturday.
	KindDecreedWorkday
)

var kindNames = [...]string{
	KindHoliday:        "holiday",
	KindCompensatory:   "compensatory",
	KindDecreedOff:     "decreed-off",
	KindDecreedWorkday: "decreed-workday",
}

// String returns the stable name of the kind used by the command line, the API and
// storage: "holiday", "compensatory", "decreed-off" or "decreed-workday".
func (k Kind) String() string {
	if k < KindHoliday || k > KindDecreedWorkday {
		return fmt.Sprintf("Kind(%d)", int(k))
	}
	return kindNames[k]
}

// ParseKind returns the kind named s, as [Kind.String] writes it.
func ParseKind(s string) (Kind, error) {
	for k := KindHoliday; k <= KindDecreedWorkday; k++ {
		if kindNames[k] == s {
			return k, nil
		}
	}
	return 0, fmt.Errorf("calendar: day kind %q: %w", s, ErrSyntax)
}

// Working reports whether a day of this kind is a working day.
func (k Kind) Working() bool { return k == KindDecreedWorkday }

// Day is a day that departs from the weekly pattern, with its reason and its Vietnamese
// name ("Tết Nguyên đán", "Nghỉ bù Giỗ Tổ Hùng Vương").
type Day struct {
	Date Date
	Kind Kind
	Name string
}

// Rule is one public holiday of the Labour Code, in force from ValidFrom to ValidTo
// (zero: still in force). It is data, not code, so that a change of the law is a new
// record with new dates.
//
// A rule gives Length days from its anchor (Month/Day, of the lunar calendar if Lunar)
// moved by Offset days: Tết is anchored at lunar 1/1 with Offset -1 and Length 5 (the
// last day of the old year and the first four of the new, the usual choice; the
// government fixes the actual days each year by decision). A year's occurrence applies
// when its anchor falls between ValidFrom and ValidTo.
type Rule struct {
	Name      string `json:"name"`
	Lunar     bool   `json:"lunar"`
	Month     int    `json:"month"`
	Day       int    `json:"day"`
	Offset    int    `json:"offset"`
	Length    int    `json:"length"`
	ValidFrom Date   `json:"valid_from"`
	ValidTo   Date   `json:"valid_to"`
	// Source names the legal text, and says what is UNCONFIRMED.
	Source string `json:"source"`
}

// Rules is a set of holiday rules.
type Rules []Rule

//go:embed holidays.json
var holidaysJSON []byte

var legalRules = sync.OnceValue(func() Rules {
	var data struct{ Rules Rules }
	if err := decodeStrict(holidaysJSON, &data); err != nil {
		panic("calendar: embedded holidays.json: " + err.Error())
	}
	if err := data.Rules.validate(); err != nil {
		panic("calendar: embedded holidays.json: " + err.Error())
	}
	return data.Rules
})

// LegalRules returns the built-in holiday rules: the Labour Code of 1994 (as amended in
// 2007), of 2012 (from 1 May 2013) and of 2019 (from 1 January 2021). Before 1995 there
// are none.
func LegalRules() Rules { return slices.Clone(legalRules()) }

// LegalHolidays returns the public holidays of a year under the built-in rules, with the
// compensatory days they give, sorted by date: [LegalRules]().Holidays(year).
func LegalHolidays(year int) ([]Day, error) { return legalRules().Holidays(year) }

// Holidays returns the holidays the rules give in a solar year, and the compensatory
// days, sorted by date.
//
// A holiday on a Saturday or Sunday gives a compensatory day off on the next working
// day (art. 111(3)): the next weekday that is neither a holiday nor already a
// compensatory day, taken in date order. So in 2023 Giỗ Tổ on Saturday 29/4 and 30/4 on
// Sunday gave Tuesday 2/5 and Wednesday 3/5, Monday 1/5 being a holiday itself.
// Holidays of two rules on one date make one day whose names are joined; the law gives
// no extra day for that.
func (rs Rules) Holidays(year int) ([]Day, error) {
	if year < MinYear || year > MaxYear {
		return nil, fmt.Errorf("calendar: holidays of %d: outside %d..%d: %w", year, MinYear, MaxYear, ErrOutOfRange)
	}
	// Occurrences of the year before can send a compensatory day into this year.
	byDate := map[Date]*Day{}
	for y := max(year-1, MinYear); y <= year; y++ {
		for _, r := range rs {
			days, err := r.occurrence(y)
			if err != nil {
				return nil, err
			}
			for _, d := range days {
				if h, ok := byDate[d]; ok {
					h.Name += "; " + r.Name
					continue
				}
				byDate[d] = &Day{Date: d, Kind: KindHoliday, Name: r.Name}
			}
		}
	}
	holidays := make([]Day, 0, len(byDate))
	for _, d := range byDate {
		holidays = append(holidays, *d)
	}
	slices.SortFunc(holidays, func(a, b Day) int { return a.Date.Compare(b.Date) })

	taken := map[Date]bool{}
	for _, h := range holidays {
		taken[h.Date] = true
	}
	var out []Day
	for _, h := range holidays {
		if h.Date.Year == year {
			out = append(out, h)
		}
		if !isWeekend(h.Date) {
			continue
		}
		c := h.Date.AddDays(1)
		for taken[c] || isWeekend(c) {
			c = c.AddDays(1)
		}
		taken[c] = true
		if c.Year == year {
			out = append(out, Day{Date: c, Kind: KindCompensatory, Name: "Nghỉ bù " + h.Name})
		}
	}
	slices.SortFunc(out, func(a, b Day) int { return a.Date.Compare(b.Date) })
	return out, nil
}

// occurrence returns the days rule r gives for its anchor in year y, none when r is not
// in force then.
func (r Rule) occurrence(y int) ([]Date, error) {
	// Skip before converting: lunar conversion fails outside the supported range.
	if r.ValidFrom.Year > y || (!r.ValidTo.IsZero() && r.ValidTo.Year < y) {
		return nil, nil
	}
	anchor := Date{y, time.Month(r.Month), r.Day}
	if r.Lunar {
		var err error
		if anchor, err = LunarToSolar(LunarDate{Year: y, Month: r.Month, Day: r.Day}); err != nil {
			return nil, fmt.Errorf("calendar: holiday %q of %d: %w", r.Name, y, err)
		}
	}
	if anchor.Before(r.ValidFrom) || (!r.ValidTo.IsZero() && anchor.After(r.ValidTo)) {
		return nil, nil
	}
	days := make([]Date, r.Length)
	for i := range days {
		days[i] = anchor.AddDays(r.Offset + i)
	}
	return days, nil
}

func (rs Rules) validate() error {
	for _, r := range rs {
		switch {
		case r.Name == "", r.Length < 1, r.Month < 1, r.Month > 12, r.Day < 1, r.Day > 31,
			r.Lunar && r.Day > 30, !r.Lunar && !(Date{2000, time.Month(r.Month), r.Day}).IsValid(),
			!r.ValidFrom.IsValid(), !r.ValidTo.IsZero() && r.ValidTo.Before(r.ValidFrom):
			return fmt.Errorf("calendar: holiday rule %+v: %w", r, ErrInvalid)
		}
	}
	return nil
}

// decodeStrict decodes JSON refusing unknown fields, so that a typo in embedded data
// fails the tests instead of silently dropping a value.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}
