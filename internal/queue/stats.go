package queue

import (
	"cmp"
	"slices"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Times are the floor's figures for one group, desk or officer.
type Times struct {
	Key     string // group code, desk number, officer id
	Name    string
	Tickets int // called to it (served or skipped)
	Served  int
	Skipped int
	// AvgWait is from taking the ticket to its first call; AvgService from the first
	// call to the end of service (served tickets only).
	AvgWait, AvgService time.Duration
	wait, service       time.Duration
}

// OfficerFigure is an officer's figure from the desk ratings, for the leader's
// dashboard and the satisfaction figures.
type OfficerFigure struct {
	OfficerID int64
	Name      string
	Ratings   int
	Counts    [5]int // by score, 1..4 (index 0 unused)
	Average   float64
	// Satisfied is the share rated Hài lòng or Rất hài lòng, in percent.
	Satisfied float64
}

// Stats are the floor's statistics over a period.
type Stats struct {
	From, To string
	Tickets  int
	// Waiting are the tickets still waiting at the period's end (not called).
	Waiting                    int
	ByGroup, ByDesk, ByOfficer []Times
	// PerHour counts the tickets taken in each hour of the day (Vietnam's time).
	PerHour [24]int
	// Skipped tickets were called and their holder was absent; NoShows are booked
	// visits never checked in after their slot.
	Skipped, Bookings, NoShows int
	Officers                   []OfficerFigure
	Overall                    Times
	// Dossiers are the dossiers started from the period's tickets, per officer
	// (CountDossiers).
	Dossiers []DossierCount
}

// DossierCount is how many dossiers started from tickets are an officer's.
type DossierCount struct {
	OfficerID int64
	Name      string
	Dossiers  int
}

// CountDossiers counts the dossiers started from tickets per officer: on the officer
// the dossier is assigned to by name where there is one (assigned, by dossier code),
// else on who called the ticket. The most first, then by name.
func CountDossiers(tickets []Ticket, assigned map[string]int64, names map[int64]string) []DossierCount {
	by := map[int64]int{}
	for _, t := range tickets {
		if t.DossierCode == "" {
			continue
		}
		who := t.OfficerID
		if a := assigned[t.DossierCode]; a != 0 {
			who = a
		}
		if who != 0 {
			by[who]++
		}
	}
	out := make([]DossierCount, 0, len(by))
	for id, n := range by {
		out = append(out, DossierCount{OfficerID: id, Name: names[id], Dossiers: n})
	}
	slices.SortFunc(out, func(a, b DossierCount) int {
		if c := cmp.Compare(b.Dossiers, a.Dossiers); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Name, b.Name); c != 0 {
			return c
		}
		return cmp.Compare(a.OfficerID, b.OfficerID)
	})
	return out
}

// ComputeStats computes Stats from the period's tickets, bookings and ratings; names
// gives the groups' and officers' names.
func ComputeStats(from, to string, groups []Group, tickets []Ticket, bookings []Booking, ratings []Rating,
	officers map[int64]string, now time.Time) Stats {
	st := Stats{From: from, To: to, Tickets: len(tickets), Bookings: len(bookings)}
	byGroup, byDesk, byOfficer := map[string]*Times{}, map[string]*Times{}, map[string]*Times{}
	get := func(m map[string]*Times, key, name string) *Times {
		t, ok := m[key]
		if !ok {
			t = &Times{Key: key, Name: name}
			m[key] = t
		}
		return t
	}
	groupName := map[string]string{}
	for _, g := range groups {
		groupName[g.Code] = g.Name
	}
	for _, t := range tickets {
		st.PerHour[t.TakenAt.In(locale.Zone).Hour()]++
		if t.CalledAt.IsZero() {
			st.Waiting++
			continue
		}
		rows := []*Times{&st.Overall, get(byGroup, t.Group, groupName[t.Group])}
		if t.Desk != 0 {
			rows = append(rows, get(byDesk, strconv.Itoa(t.Desk), "Quầy "+strconv.Itoa(t.Desk)))
		}
		if t.OfficerID != 0 {
			rows = append(rows, get(byOfficer, strconv.FormatInt(t.OfficerID, 10), officers[t.OfficerID]))
		}
		for _, r := range rows {
			r.Tickets++
			r.wait += t.CalledAt.Sub(t.TakenAt)
			switch {
			case t.Status == StatusSkipped:
				r.Skipped++
			case t.Status == StatusDone && !t.FinishedAt.IsZero():
				r.Served++
				r.service += t.FinishedAt.Sub(t.CalledAt)
			}
		}
		if t.Status == StatusSkipped {
			st.Skipped++
		}
	}
	for _, b := range bookings {
		if b.NoShow(now) {
			st.NoShows++
		}
	}
	finish := func(m map[string]*Times) []Times {
		out := make([]Times, 0, len(m))
		for _, t := range m {
			t.average()
			out = append(out, *t)
		}
		slices.SortFunc(out, func(a, b Times) int { return cmp.Compare(a.Key, b.Key) })
		return out
	}
	st.Overall.average()
	st.ByGroup, st.ByDesk, st.ByOfficer = finish(byGroup), finish(byDesk), finish(byOfficer)
	st.Officers = OfficerFigures(ratings, officers)
	return st
}

func (t *Times) average() {
	if t.Tickets > 0 {
		t.AvgWait = (t.wait / time.Duration(t.Tickets)).Round(time.Second)
	}
	if t.Served > 0 {
		t.AvgService = (t.service / time.Duration(t.Served)).Round(time.Second)
	}
}

// OfficerFigures sums ratings by officer, the best average first.
func OfficerFigures(ratings []Rating, officers map[int64]string) []OfficerFigure {
	by := map[int64]*OfficerFigure{}
	for _, r := range ratings {
		f, ok := by[r.OfficerID]
		if !ok {
			f = &OfficerFigure{OfficerID: r.OfficerID, Name: officers[r.OfficerID]}
			by[r.OfficerID] = f
		}
		f.Ratings++
		f.Counts[r.Score]++
	}
	out := make([]OfficerFigure, 0, len(by))
	for _, f := range by {
		sum := 0
		for s := 1; s <= 4; s++ {
			sum += s * f.Counts[s]
		}
		f.Average = float64(sum) / float64(f.Ratings)
		f.Satisfied = 100 * float64(f.Counts[ScoreHappy]+f.Counts[ScoreVeryHappy]) / float64(f.Ratings)
		out = append(out, *f)
	}
	slices.SortFunc(out, func(a, b OfficerFigure) int {
		if c := cmp.Compare(b.Average, a.Average); c != 0 {
			return c
		}
		return cmp.Compare(a.OfficerID, b.OfficerID)
	})
	return out
}
