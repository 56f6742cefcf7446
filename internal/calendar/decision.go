package calendar

import (
	_ "embed"
	"fmt"
	"slices"
	"sync"
)

// Decision is an official notice that fixes the days off around a holiday for civil
// servants (cán bộ, công chức, viên chức): the Prime Minister's instruction conveyed by
// the Government Office, or the Ministry's notice. They add days off and swap working
// days with weekend days; the law's own holidays need no decision.
type Decision struct {
	// Number is the document's number and symbol, "12729/VPCP-KGVX".
	Number string `json:"number"`
	// Date is the date it was signed; zero when not known.
	Date Date `json:"date"`
	// Unit is the administrative unit it binds; "" for the whole country.
	Unit string `json:"unit"`
	// Title is its abstract (trích yếu).
	Title string `json:"title"`
	// Note records provenance and what is UNCONFIRMED.
	Note string       `json:"note"`
	Days []DecidedDay `json:"days"`
}

// DecidedDay is one day a decision rules on: a day off (Off) or a working day.
type DecidedDay struct {
	Date Date   `json:"date"`
	Off  bool   `json:"off"`
	Name string `json:"name"`
}

// Entries returns the decision's days as calendar days: KindDecreedOff for days off,
// KindDecreedWorkday for working days. Place them after the legal holidays in the list
// given to [Compile], which lets later entries override earlier ones. A decision binds
// its Unit only: a unit's calendar takes the nationwide decisions and its own (and its
// province's); choosing them is the caller's part.
func (d Decision) Entries() []Day {
	out := make([]Day, len(d.Days))
	for i, dd := range d.Days {
		k := KindDecreedWorkday
		if dd.Off {
			k = KindDecreedOff
		}
		out[i] = Day{Date: dd.Date, Kind: k, Name: dd.Name}
	}
	return out
}

//go:embed decisions.json
var decisionsJSON []byte

var builtinDecisions = sync.OnceValue(func() []Decision {
	var data struct{ Decisions []Decision }
	if err := decodeStrict(decisionsJSON, &data); err != nil {
		panic("calendar: embedded decisions.json: " + err.Error())
	}
	for _, d := range data.Decisions {
		if err := d.Validate(); err != nil {
			panic("calendar: embedded decisions.json: " + err.Error())
		}
	}
	return data.Decisions
})

// Decisions returns the built-in nationwide decisions for civil servants, 2024 to 2026,
// in the order they were issued. Each one's Note says which of its facts are
// UNCONFIRMED. Administrators enter later years' decisions as data.
func Decisions() []Decision {
	ds := slices.Clone(builtinDecisions())
	for i := range ds {
		ds[i].Days = slices.Clone(ds[i].Days)
	}
	return ds
}

// Validate checks that the decision has a number and valid, distinct days, each named.
func (d Decision) Validate() error {
	if d.Number == "" || (!d.Date.IsZero() && !d.Date.IsValid()) {
		return fmt.Errorf("calendar: decision %q dated %v: %w", d.Number, d.Date, ErrInvalid)
	}
	seen := map[Date]bool{}
	for _, dd := range d.Days {
		if !dd.Date.IsValid() || dd.Name == "" || seen[dd.Date] {
			return fmt.Errorf("calendar: decision %s: day %v %q: %w", d.Number, dd.Date, dd.Name, ErrInvalid)
		}
		seen[dd.Date] = true
	}
	return nil
}
