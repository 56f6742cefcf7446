package demo

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The pilot commune's 2021 figures (PRODUCT.md): 2,094 dossiers received, 547 of them
// online; 43.9% resolved before the appointment and 56.1% on it, for the online dossiers
// and for all of them; none late. The demo reproduces them exactly.
const (
	Year2021        = 2021
	Received2021    = 2094
	Online2021      = 547
	EarlyOnline2021 = 240
	EarlyAll2021    = 919
)

var (
	familyNames = []string{"Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đinh", "Bùi", "Đỗ", "Ngô", "Dương", "Lý"}
	middleNames = []string{"Văn", "Thị", "Đức", "Ngọc", "Minh", "Thu", "Quang", "Hồng", "Xuân", "Thanh"}
	givenNames  = []string{"An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hoa", "Hùng", "Lan", "Linh", "Mai", "Nam", "Phương", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Tú", "Vân"}
)

// History2021 makes the records of the demo commune's 2021: every dossier received,
// resolved and returned within the year, early or on time as the figures say. The
// same seed gives the same year.
func History2021(unitCode string, procs []catalog.Procedure, cal *calendar.Calendar, seed uint64) ([]dossier.Record, error) {
	rng := rand.New(rand.NewPCG(seed, 2021))
	var days, hours, online []catalog.Procedure
	for _, p := range procs {
		if p.LegalTime.Unit == catalog.Hours {
			hours = append(hours, p)
		} else {
			days = append(days, p)
		}
		if p.OnlineLevel != catalog.OnlineNone && p.LegalTime.Unit != catalog.Hours {
			online = append(online, p)
		}
	}
	if len(days) == 0 || len(hours) == 0 || len(online) == 0 {
		return nil, fmt.Errorf("demo: the catalog needs day-based, same-day and online procedures")
	}
	// Working days of the year on which a dossier can be received and still be
	// returned within the year (a margin for the longest legal time).
	var workdays []calendar.Date
	for d := calendar.NewDate(Year2021, time.January, 4); d.Before(calendar.NewDate(Year2021, time.November, 30)); d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			workdays = append(workdays, d)
		}
	}
	recs := make([]dossier.Record, 0, Received2021)
	for i := range Received2021 {
		isOnline := i < Online2021
		early := i < EarlyOnline2021 || (i >= Online2021 && i < Online2021+EarlyAll2021-EarlyOnline2021)
		var p catalog.Procedure
		switch {
		case isOnline:
			p = online[rng.IntN(len(online))]
		case early:
			p = days[rng.IntN(len(days))]
		default:
			// Counter dossiers resolved on their appointment: most certifications and
			// civil-status registrations are settled the same day.
			if rng.IntN(3) > 0 {
				p = hours[rng.IntN(len(hours))]
			} else {
				p = days[rng.IntN(len(days))]
			}
		}
		day := workdays[rng.IntN(len(workdays))]
		received := day.At(calendar.NewClock(7, 45+rng.IntN(30))).Add(time.Duration(rng.IntN(360)) * time.Minute)
		if received.In(locale.Zone).Hour() >= 11 && received.In(locale.Zone).Hour() < 13 {
			received = received.Add(2 * time.Hour) // nobody is received at lunch
		}
		due, err := dossier.DueAt(dossier.Rules{Procedure: p, Calendar: cal}, received)
		if err != nil {
			return nil, err
		}
		resolved := due.Add(-30 * time.Minute)
		if early {
			// A working day before the due date, in the afternoon.
			start := calendar.DateOf(received)
			span := calendar.DateOf(due).Sub(start)
			d := start.AddDays(rng.IntN(max(span, 1)))
			for !cal.IsWorkingDay(d) {
				d = d.AddDays(-1)
			}
			resolved = d.At(calendar.NewClock(14, rng.IntN(120)))
			if resolved.Before(received) {
				resolved = received.Add(time.Hour)
			}
		} else if calendar.DateOf(resolved) != calendar.DateOf(due) || resolved.Before(received) {
			resolved = due
		}
		returned := resolved.Add(time.Duration(30+rng.IntN(300)) * time.Minute)
		channel := dossier.ChannelCounter
		if isOnline {
			channel = dossier.ChannelOnline
			if rng.IntN(4) == 0 {
				channel = dossier.ChannelAssisted
			}
		}
		name := familyNames[rng.IntN(len(familyNames))] + " " + middleNames[rng.IntN(len(middleNames))] + " " + givenNames[rng.IntN(len(givenNames))]
		rs, ret := resolved, returned
		recs = append(recs, dossier.Record{Unit: unitCode, ProcedureCode: p.Code, Channel: channel,
			Applicant:  dossier.Applicant{FullName: name, Address: Villages[rng.IntN(len(Villages))] + ", xã Yên Từ"},
			ReceivedAt: received, DueAt: due, ResolvedAt: &rs, Status: dossier.StatusReturned, EndedAt: &ret})
	}
	// Imported in order of receipt, so codes follow the days.
	slices.SortStableFunc(recs, func(a, b dossier.Record) int { return a.ReceivedAt.Compare(b.ReceivedAt) })
	return recs, nil
}
