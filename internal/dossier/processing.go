package dossier

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
)

// Processing is a finished dossier's processing time, as indicator 2.2 of Decision 766
// (average time per procedure) measures it: from its receipt to its end of processing,
// less the citizen's supplement waits, in hundredths of its procedure's own unit —
// working hours, working days (8 working hours) or calendar days — with the
// procedure's legal limit in that unit. Hundredths keep sums exact integers over a
// province-year.
type Processing struct {
	Time  int64                // hundredths of Unit
	Unit  catalog.DurationUnit // the procedure's unit
	Limit int                  // the legal limit in Unit
}

// ProcessingOf measures a dossier's processing time from its history (oldest first),
// through the event that ends its processing (the same end as indicator 2.1:
// endsProcessing). The clock runs from the receipt while the dossier is received or in
// processing and stops while it waits for a supplement (measured at the request, as 2.1
// does); working units count the unit's working time (cal), calendar days count every
// hour. ok is false for a dossier never received or not ended.
func ProcessingOf(cal *calendar.Calendar, limit catalog.Duration, d Dossier, evs []Event) (p Processing, ok bool, err error) {
	if d.ReceivedAt.IsZero() {
		return Processing{}, false, nil
	}
	var total time.Duration
	span := func(a, b time.Time) error {
		if !b.After(a) {
			return nil
		}
		if limit.Unit == catalog.CalendarDays {
			total += b.Sub(a)
			return nil
		}
		w, err := cal.WorkingHoursBetween(a, b)
		if err != nil {
			return fmt.Errorf("dossier %s: processing time: %w", d.Code, err)
		}
		total += w
		return nil
	}
	running, since := true, d.ReceivedAt
	for _, ev := range evs {
		if ev.At.Before(d.ReceivedAt) {
			continue
		}
		switch {
		case endsProcessing(ev):
			if running {
				if err := span(since, ev.At); err != nil {
					return Processing{}, false, err
				}
			}
			return Processing{Time: hundredths(total, limit.Unit), Unit: limit.Unit, Limit: limit.Value}, true, nil
		case ev.ToStatus == StatusSupplementRequested && ev.FromStatus != StatusSupplementRequested:
			if running {
				if err := span(since, ev.At); err != nil {
					return Processing{}, false, err
				}
			}
			running = false
		case ev.FromStatus == StatusSupplementRequested && ev.ToStatus != StatusSupplementRequested:
			running, since = true, ev.At
		}
	}
	return Processing{}, false, nil
}

// hundredths converts a duration into hundredths of a unit, rounded to the nearest.
func hundredths(d time.Duration, u catalog.DurationUnit) int64 {
	per := int64(time.Hour / time.Minute) // minutes per unit
	switch u {
	case catalog.Days:
		per *= catalog.HoursPerDay
	case catalog.CalendarDays:
		per *= 24
	}
	m := int64(d / time.Minute)
	return (m*100 + per/2) / per
}

// ProcessingStore is what MeasureProcessing needs from storage.
type ProcessingStore interface {
	// EndedDossiers lists, by ascending id after the id given, at most limit received
	// dossiers whose processing has ended (resolved, or ended without being resolved);
	// only those without a recorded processing time unless all.
	EndedDossiers(ctx context.Context, afterID int64, limit int, all bool) ([]Dossier, error)
	DossierEvents(ctx context.Context, dossierID int64) ([]Event, error)
	ProcedureVersion(ctx context.Context, id int64) (catalog.Procedure, error)
	// SetProcessing records a dossier's processing time (nil: none).
	SetProcessing(ctx context.Context, dossierID int64, p *Processing) error
}

// MeasureProcessing records the processing time of ended dossiers from their
// histories: those ended before it was recorded with the end (migration 0036) and those
// imported, or every one (all, for `xaso report rebuild`). It reports how many it
// measured. Each dossier is one small write, so it runs beside the transitions.
func MeasureProcessing(ctx context.Context, st ProcessingStore, cals interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
}, all bool) (int, error) {
	procs := map[int64]catalog.Procedure{}
	n := 0
	var after int64
	for {
		batch, err := st.EndedDossiers(ctx, after, 500, all)
		if err != nil {
			return n, err
		}
		if len(batch) == 0 {
			return n, nil
		}
		for _, d := range batch {
			after = d.ID
			proc, ok := procs[d.ProcedureID]
			if !ok {
				if proc, err = st.ProcedureVersion(ctx, d.ProcedureID); err != nil {
					return n, fmt.Errorf("dossier %s: procedure: %w", d.Code, err)
				}
				procs[d.ProcedureID] = proc
			}
			cal, err := cals.For(ctx, d.CompetentUnitID)
			if err != nil {
				return n, err
			}
			evs, err := st.DossierEvents(ctx, d.ID)
			if err != nil {
				return n, err
			}
			p, ok, err := ProcessingOf(cal, proc.LegalTime, d, evs)
			if err != nil {
				return n, err
			}
			var rec *Processing
			if ok {
				rec = &p
				n++
			}
			if err := st.SetProcessing(ctx, d.ID, rec); err != nil {
				return n, err
			}
		}
	}
}
