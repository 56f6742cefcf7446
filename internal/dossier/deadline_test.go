package dossier

import (
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
)

// TestDueAtByUnit: the appointment of a dossier received at a time, for each unit a
// legal time is counted in, on the built-in national calendar (Tết 2026: 14–22 February
// off). A limit in calendar days is never stretched by days off and never ends after
// the law's last day; a same-day procedure received after its cut-off counts from the
// next working day.
func TestDueAtByUnit(t *testing.T) {
	r := rules(t)
	tests := []struct {
		name     string
		legal    catalog.Duration
		cutOff   string
		received string
		want     string
	}{
		{"15 calendar days received just before Tết 2026", catalog.Duration{Value: 15, Unit: catalog.CalendarDays}, "",
			"2026-02-12T09:00:00+07:00", "2026-02-27T09:00:00+07:00"},
		{"15 calendar days ending on a Saturday: the Friday before", catalog.Duration{Value: 15, Unit: catalog.CalendarDays}, "",
			"2026-02-13T09:00:00+07:00", "2026-02-27T09:00:00+07:00"},
		{"the same 15 as working days would end after Tết", catalog.Duration{Value: 15, Unit: catalog.Days}, "",
			"2026-02-12T09:00:00+07:00", "2026-03-12T09:00:00+07:00"},
		{"10 calendar days ending inside Tết: the last day worked before it", catalog.Duration{Value: 10, Unit: catalog.CalendarDays}, "",
			"2026-02-05T10:00:00+07:00", "2026-02-13T10:00:00+07:00"},
		// The decision (docs/CATALOG.md §3): a period ending on a public holiday is not
		// carried to the next working day (Civil Code art. 148) but returned the working
		// day before, so the appointment never falls after the legal limit.
		{"15 calendar days ending on 30 April 2026 (holiday): the working day before", catalog.Duration{Value: 15, Unit: catalog.CalendarDays}, "",
			"2026-04-15T09:00:00+07:00", "2026-04-29T09:00:00+07:00"},
		{"same-day procedure before the cut-off", catalog.Duration{Value: 2, Unit: catalog.Hours}, "15:00",
			"2026-03-02T14:30:00+07:00", "2026-03-02T16:30:00+07:00"},
		{"same-day procedure at the cut-off minute", catalog.Duration{Value: 2, Unit: catalog.Hours}, "15:00",
			"2026-03-02T15:00:00+07:00", "2026-03-02T17:00:00+07:00"},
		{"same-day procedure after 15:00: the next working day", catalog.Duration{Value: 2, Unit: catalog.Hours}, "15:00",
			"2026-03-02T15:10:00+07:00", "2026-03-03T09:30:00+07:00"},
		{"same-day procedure after 15:00 on the Friday before Tết", catalog.Duration{Value: 2, Unit: catalog.Hours}, "15:00",
			"2026-02-13T15:30:00+07:00", "2026-02-23T09:30:00+07:00"},
		{"calendar days with a cut-off count from the next working day", catalog.Duration{Value: 3, Unit: catalog.CalendarDays}, "15:00",
			"2026-03-02T16:00:00+07:00", "2026-03-06T07:30:00+07:00"},
		{"working days", catalog.Duration{Value: 3, Unit: catalog.Days}, "",
			"2026-03-02T09:00:00+07:00", "2026-03-05T09:00:00+07:00"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rr := r
			rr.Procedure.LegalTime, rr.Procedure.CutOff = tt.legal, tt.cutOff
			got, err := DueAt(rr, at(tt.received))
			if err != nil {
				t.Fatal(err)
			}
			if got.In(locale.Zone).Format(time.RFC3339) != tt.want {
				t.Errorf("DueAt = %s, want %s", got.In(locale.Zone).Format(time.RFC3339), tt.want)
			}
		})
	}
}
