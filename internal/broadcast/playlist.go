package broadcast

import (
	"cmp"
	"fmt"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// What each cluster of speakers plays: the bulletins' times laid out on a timeline, one
// sound at a time. The rules, as a loudspeaker operator expects them:
//   - an emergency bulletin (khẩn cấp) plays at its time whatever else is on: what was
//     playing stops there (Cut) and is not resumed;
//   - a bulletin due while another plays waits for it to end (Delayed), in the order they
//     were due, the higher priority first among those due at once;
//   - a bulletin that would start after the day's window is not played that day.
// The schedule of a new bulletin may not overlap an emergency on a cluster they share
// (ErrOverlapsEmergency), and two emergencies may not overlap each other.

// Priority is a bulletin's priority (Circular 39/2020): thường, ưu tiên, khẩn cấp.
type Priority string

const (
	Normal    Priority = "normal"
	Preferred Priority = "priority"
	Emergency Priority = "emergency"
)

// ParsePriority reads a priority as the API writes it.
func ParsePriority(s string) (Priority, error) {
	switch p := Priority(s); p {
	case Normal, Preferred, Emergency:
		return p, nil
	}
	return "", ErrPriority
}

func (p Priority) rank() int {
	switch p {
	case Emergency:
		return 2
	case Preferred:
		return 1
	}
	return 0
}

// Label is the priority's name on screen.
func (p Priority) Label() string {
	switch p {
	case Emergency:
		return "Khẩn cấp"
	case Preferred:
		return "Ưu tiên"
	}
	return "Thường"
}

var (
	ErrPriority = apperr.New(apperr.Invalid, "bulletin_priority_invalid",
		"Mức ưu tiên phải là thường, ưu tiên hoặc khẩn cấp.")
	ErrOverlapsEmergency = apperr.New(apperr.Conflict, "schedule_overlaps_emergency",
		"Lịch phát trùng giờ với một bản tin khẩn cấp trên cùng cụm loa.")
)

// Bulletin is what the timeline needs of a bulletin: its sound's length, its priority,
// the clusters it plays on and its schedule.
type Bulletin struct {
	ID       int64
	Title    string
	Priority Priority
	Clusters []int64
	Schedule Schedule
	Seconds  float64 // the sound's duration
	AudioKey string  // the sound's blob
	// Moves are the operator's changes of single plays on a cluster's day (Service.Move):
	// a play moved to another time of its day, or skipped that day.
	Moves []Move
}

// Move changes one play of a bulletin on one cluster: the play due at Due (its
// schedule's time, the play's key) plays at To instead, the same day, or not at all
// (Skip). An emergency's plays are never moved.
type Move struct {
	Cluster int64
	Due     time.Time
	To      time.Time // zero when skipped
	Skip    bool
}

// move is b's move of the play due at t on cluster, if any.
func (b Bulletin) move(cluster int64, t time.Time) (Move, bool) {
	for _, m := range b.Moves {
		if m.Cluster == cluster && m.Due.Equal(t) {
			return m, true
		}
	}
	return Move{}, false
}

func (b Bulletin) plays(cluster int64) bool { return slices.Contains(b.Clusters, cluster) }

func (b Bulletin) length() time.Duration {
	return time.Duration(b.Seconds * float64(time.Second)).Round(time.Millisecond)
}

// Slot is one play of a bulletin on a cluster's timeline.
type Slot struct {
	Bulletin   int64     `json:"bulletin"`
	Title      string    `json:"title"`
	Priority   Priority  `json:"priority"`
	Due        time.Time `json:"due"`   // when its schedule said
	Start      time.Time `json:"start"` // when it plays: Due, or later after what played before
	End        time.Time `json:"end"`
	Delayed    bool      `json:"delayed,omitempty"` // started after Due
	Cut        bool      `json:"cut,omitempty"`     // stopped by an emergency before its end
	Moved      bool      `json:"moved,omitempty"`   // moved by the operator: it plays at Start, not at Due
	AudioKey   string    `json:"audio_key,omitempty"`
	Occurrence time.Time `json:"-"` // Due, the key of its play log
}

// Playlist lays out what cluster plays within [from, to): every time of every bulletin
// that plays on it, by the rules above. A bulletin already playing at from (due before
// it) is included when it still plays then.
func Playlist(cluster int64, bulletins []Bulletin, from, to time.Time) ([]Slot, error) {
	var due []Slot
	// Look back over the longest sound, so a bulletin due before from but still playing
	// is in the list.
	var longest time.Duration
	for _, b := range bulletins {
		longest = max(longest, b.length())
	}
	for _, b := range bulletins {
		if !b.plays(cluster) || b.length() <= 0 {
			continue
		}
		times, err := b.Schedule.Between(from.Add(-longest), to)
		if err != nil {
			return nil, fmt.Errorf("bulletin %d: %w", b.ID, err)
		}
		for _, t := range times {
			if _, moved := b.move(cluster, t); moved && b.Priority != Emergency {
				continue // laid out below at its new time, or skipped
			}
			due = append(due, Slot{Bulletin: b.ID, Title: b.Title, Priority: b.Priority, Due: t, Occurrence: t,
				AudioKey: b.AudioKey, End: t.Add(b.length())})
		}
		// A moved play is laid out at its new time (Due while laying out, put back after).
		for _, m := range b.Moves {
			if m.Cluster != cluster || m.Skip || b.Priority == Emergency || m.To.Before(from.Add(-longest)) || !m.To.Before(to) {
				continue
			}
			due = append(due, Slot{Bulletin: b.ID, Title: b.Title, Priority: b.Priority, Due: m.To, Occurrence: m.Due,
				AudioKey: b.AudioKey, End: m.To.Add(b.length()), Moved: true})
		}
	}
	slices.SortStableFunc(due, func(a, b Slot) int {
		if c := a.Due.Compare(b.Due); c != 0 {
			return c
		}
		return cmp.Compare(b.Priority.rank(), a.Priority.rank())
	})
	emergencies := slices.DeleteFunc(slices.Clone(due), func(s Slot) bool { return s.Priority != Emergency })
	var out []Slot
	free := time.Time{} // when the cluster is free again
	for _, s := range due {
		length := s.End.Sub(s.Due)
		s.Start = s.Due
		if s.Priority != Emergency && s.Start.Before(free) {
			s.Start, s.Delayed = free, true
		}
		if s.Priority != Emergency {
			// Waiting may run into emergencies: start after each it would meet.
			for _, e := range emergencies {
				if e.Due.Before(s.Start.Add(length)) && e.End.After(s.Start) && !e.Due.After(s.Start) {
					s.Start, s.Delayed = e.End, true
				}
			}
		}
		s.End = s.Start.Add(length)
		if !s.Start.Before(to) {
			continue
		}
		if s.Priority == Emergency {
			// What plays now stops for it.
			for i := range out {
				if out[i].Priority != Emergency && out[i].Start.Before(s.Start) && out[i].End.After(s.Start) {
					out[i].End, out[i].Cut = s.Start, true
				}
			}
		} else if next := nextEmergency(emergencies, s.Start); !next.IsZero() && next.Before(s.End) {
			s.End, s.Cut = next, true
		}
		if s.End.After(free) {
			free = s.End
		}
		out = append(out, s)
	}
	// Keep what plays within the window; the slots stay in the order they start.
	out = slices.DeleteFunc(out, func(s Slot) bool { return !s.End.After(from) })
	for i := range out {
		out[i].Due = out[i].Occurrence // a moved play keeps its key
	}
	slices.SortStableFunc(out, func(a, b Slot) int { return a.Start.Compare(b.Start) })
	return out, nil
}

// nextEmergency is the first emergency due after t, or zero.
func nextEmergency(emergencies []Slot, t time.Time) time.Time {
	for _, e := range emergencies {
		if e.Due.After(t) {
			return e.Due
		}
	}
	return time.Time{}
}

// Now and Next: what a speaker of cluster plays at now, and the slots after it within
// horizon.
func NowAndNext(cluster int64, bulletins []Bulletin, now time.Time, horizon time.Duration) (*Slot, []Slot, error) {
	slots, err := Playlist(cluster, bulletins, now, now.Add(horizon))
	if err != nil {
		return nil, nil, err
	}
	var cur *Slot
	var next []Slot
	for i, s := range slots {
		switch {
		case !s.Start.After(now) && s.End.After(now):
			cur = &slots[i]
		case s.Start.After(now):
			next = append(next, s)
		}
	}
	return cur, next, nil
}

// CheckOverlap refuses a bulletin b whose plays within [from, to) overlap an emergency
// of others on a cluster they share, or, when b is an emergency, any other emergency
// there.
func CheckOverlap(b Bulletin, others []Bulletin, from, to time.Time) error {
	mine, err := b.Schedule.Between(from, to)
	if err != nil {
		return err
	}
	for _, o := range others {
		if o.ID == b.ID || (o.Priority != Emergency && b.Priority != Emergency) {
			continue
		}
		if b.Priority == Emergency && o.Priority != Emergency {
			continue // an emergency may be put over ordinary bulletins: it cuts them
		}
		if !slices.ContainsFunc(b.Clusters, o.plays) {
			continue
		}
		theirs, err := o.Schedule.Between(from.Add(-b.length()), to.Add(o.length()))
		if err != nil {
			return err
		}
		for _, m := range mine {
			for _, t := range theirs {
				if m.Before(t.Add(o.length())) && t.Before(m.Add(b.length())) {
					return ErrOverlapsEmergency.With(fmt.Errorf("bulletin %d at %s", o.ID, t.Format(time.RFC3339)))
				}
			}
		}
	}
	return nil
}
