package broadcast

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

func once(id int64, title string, p Priority, at_ string, seconds float64, clusters ...int64) Bulletin {
	return Bulletin{ID: id, Title: title, Priority: p, Clusters: clusters, Schedule: Schedule{Start: at(at_)}, Seconds: seconds}
}

func daily(t *testing.T, id int64, title string, p Priority, rule, start, end string, seconds float64, clusters ...int64) Bulletin {
	t.Helper()
	r, err := ParseRule(rule)
	if err != nil {
		t.Fatal(err)
	}
	return Bulletin{ID: id, Title: title, Priority: p, Clusters: clusters, Seconds: seconds,
		Schedule: Schedule{Start: at(start), Rule: &r, End: at(end)}}
}

func moved(b Bulletin, ms ...Move) Bulletin {
	b.Moves = ms
	return b
}

func timeline(slots []Slot) string {
	var b strings.Builder
	for _, s := range slots {
		fmt.Fprintf(&b, "%s %s–%s", s.Title, s.Start.In(locale.Zone).Format("15:04:05"), s.End.In(locale.Zone).Format("15:04:05"))
		if s.Delayed {
			b.WriteString(" delayed")
		}
		if s.Cut {
			b.WriteString(" cut")
		}
		if s.Moved {
			b.WriteString(" moved from " + s.Due.In(locale.Zone).Format("15:04"))
		}
		b.WriteString("; ")
	}
	return b.String()
}

func TestPlaylist(t *testing.T) {
	programme := daily(t, 1, "programme", Normal, "FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0", "2026-12-01 00:00", "2026-12-31 23:59", 600, 1, 2)
	for _, c := range []struct {
		name      string
		bulletins []Bulletin
		cluster   int64
		want      string
	}{
		{"the daily programmes", []Bulletin{programme}, 1,
			"programme 06:00:00–06:10:00; programme 17:00:00–17:10:00; "},
		{"another cluster hears nothing", []Bulletin{programme}, 3, ""},
		{"a one-off at 10:15 lands between them", []Bulletin{programme, once(2, "vaccination", Normal, "2026-12-07 10:15", 90, 1)}, 1,
			"programme 06:00:00–06:10:00; vaccination 10:15:00–10:16:30; programme 17:00:00–17:10:00; "},
		{"one due while another plays waits", []Bulletin{programme, once(2, "notice", Normal, "2026-12-07 06:05", 60, 1)}, 1,
			"programme 06:00:00–06:10:00; notice 06:10:00–06:11:00 delayed; programme 17:00:00–17:10:00; "},
		{"of two due at once the higher priority first", []Bulletin{
			once(2, "ordinary", Normal, "2026-12-07 08:00", 60, 1), once(3, "urgent-ish", Preferred, "2026-12-07 08:00", 60, 1)}, 1,
			"urgent-ish 08:00:00–08:01:00; ordinary 08:01:00–08:02:00 delayed; "},
		{"an emergency cuts what plays", []Bulletin{programme, once(9, "flood", Emergency, "2026-12-07 06:04", 120, 1)}, 1,
			"programme 06:00:00–06:04:00 cut; flood 06:04:00–06:06:00; programme 17:00:00–17:10:00; "},
		{"what waits starts after the emergency", []Bulletin{programme, once(2, "notice", Normal, "2026-12-07 06:05", 300, 1),
			once(9, "flood", Emergency, "2026-12-07 06:08", 60, 1)}, 1,
			"programme 06:00:00–06:08:00 cut; flood 06:08:00–06:09:00; notice 06:09:00–06:14:00 delayed; programme 17:00:00–17:10:00; "},
		// The operator's moves (Service.Move) of single plays on one cluster's day.
		{"the evening play moved to 19:30", []Bulletin{moved(programme, Move{Cluster: 1, Due: at("2026-12-07 17:00"), To: at("2026-12-07 19:30")})}, 1,
			"programme 06:00:00–06:10:00; programme 19:30:00–19:40:00 moved from 17:00; "},
		{"moved on one cluster only", []Bulletin{moved(programme, Move{Cluster: 1, Due: at("2026-12-07 17:00"), To: at("2026-12-07 19:30")})}, 2,
			"programme 06:00:00–06:10:00; programme 17:00:00–17:10:00; "},
		{"the morning play skipped", []Bulletin{moved(programme, Move{Cluster: 1, Due: at("2026-12-07 06:00"), Skip: true})}, 1,
			"programme 17:00:00–17:10:00; "},
		{"another day's move is not this day's", []Bulletin{moved(programme, Move{Cluster: 1, Due: at("2026-12-08 06:00"), Skip: true})}, 1,
			"programme 06:00:00–06:10:00; programme 17:00:00–17:10:00; "},
		{"moved before a one-off, which waits for it", []Bulletin{moved(programme, Move{Cluster: 1, Due: at("2026-12-07 17:00"), To: at("2026-12-07 10:10")}),
			once(2, "vaccination", Normal, "2026-12-07 10:15", 90, 1)}, 1,
			"programme 06:00:00–06:10:00; programme 10:10:00–10:20:00 moved from 17:00; vaccination 10:20:00–10:21:30 delayed; "},
		{"an emergency cuts a moved play", []Bulletin{moved(programme, Move{Cluster: 1, Due: at("2026-12-07 17:00"), To: at("2026-12-07 08:00")}),
			once(9, "flood", Emergency, "2026-12-07 08:05", 60, 1)}, 1,
			"programme 06:00:00–06:10:00; programme 08:00:00–08:05:00 cut moved from 17:00; flood 08:05:00–08:06:00; "},
		{"an emergency's plays are never moved", []Bulletin{moved(once(9, "flood", Emergency, "2026-12-07 08:05", 60, 1),
			Move{Cluster: 1, Due: at("2026-12-07 08:05"), To: at("2026-12-07 09:00")})}, 1,
			"flood 08:05:00–08:06:00; "},
	} {
		got, err := Playlist(c.cluster, c.bulletins, at("2026-12-07 00:00"), at("2026-12-08 00:00"))
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if timeline(got) != c.want {
			t.Errorf("%s:\n got %s\nwant %s", c.name, timeline(got), c.want)
		}
	}
}

func TestNowAndNext(t *testing.T) {
	programme := daily(t, 1, "programme", Normal, "FREQ=DAILY;BYHOUR=6,17;BYMINUTE=0", "2026-12-01 00:00", "2026-12-31 23:59", 600, 1)
	// At 6:03 the morning programme (due before the window) is playing; the evening one is next.
	cur, next, err := NowAndNext(1, []Bulletin{programme}, at("2026-12-07 06:03"), 24*time.Hour)
	if err != nil || cur == nil || cur.Title != "programme" || !cur.Start.Equal(at("2026-12-07 06:00")) {
		t.Fatalf("now: %+v, %v", cur, err)
	}
	if len(next) != 2 || !next[0].Start.Equal(at("2026-12-07 17:00")) || !next[1].Start.Equal(at("2026-12-08 06:00")) {
		t.Fatalf("next: %s", timeline(next))
	}
	// An emergency posted for 6:04 is now at the head of what comes, and cuts the programme.
	flood := once(9, "flood", Emergency, "2026-12-07 06:04", 120, 1)
	cur, next, err = NowAndNext(1, []Bulletin{programme, flood}, at("2026-12-07 06:03"), 24*time.Hour)
	if err != nil || cur == nil || !cur.Cut || !cur.End.Equal(at("2026-12-07 06:04")) || len(next) == 0 || next[0].Priority != Emergency {
		t.Fatalf("with the emergency: now %+v, next %s, %v", cur, timeline(next), err)
	}
	// At 10:00 nothing plays.
	if cur, _, _ := NowAndNext(1, []Bulletin{programme}, at("2026-12-07 10:00"), time.Hour); cur != nil {
		t.Fatalf("at 10:00: %+v", cur)
	}
}

func TestCheckOverlap(t *testing.T) {
	flood := once(9, "flood", Emergency, "2026-12-07 06:04", 120, 1)
	programme := daily(t, 1, "programme", Normal, "FREQ=DAILY;BYHOUR=6;BYMINUTE=0", "2026-12-01 00:00", "2026-12-31 23:59", 600, 1, 2)
	from, to := at("2026-12-01 00:00"), at("2027-01-01 00:00")
	if err := CheckOverlap(programme, []Bulletin{flood}, from, to); !errors.Is(err, ErrOverlapsEmergency) {
		t.Errorf("a programme over an emergency: %v", err)
	}
	other := programme
	other.Clusters = []int64{2}
	if err := CheckOverlap(other, []Bulletin{flood}, from, to); err != nil {
		t.Errorf("on another cluster: %v", err)
	}
	// An emergency may be put over ordinary bulletins (it cuts them), not over another emergency.
	if err := CheckOverlap(flood, []Bulletin{programme}, from, to); err != nil {
		t.Errorf("an emergency over the programme: %v", err)
	}
	storm := once(10, "storm", Emergency, "2026-12-07 06:05", 60, 1)
	if err := CheckOverlap(storm, []Bulletin{flood}, from, to); !errors.Is(err, ErrOverlapsEmergency) {
		t.Errorf("two emergencies at once: %v", err)
	}
	later := once(11, "after", Normal, "2026-12-07 06:06", 60, 1)
	if err := CheckOverlap(later, []Bulletin{flood}, from, to); err != nil {
		t.Errorf("right after the emergency: %v", err)
	}
}

// Whatever the bulletins, the timeline plays one sound at a time, emergencies at their
// time and whole, others never before they are due and never cut but by an emergency.
func TestPlaylistProperties(t *testing.T) {
	rnd := rand.New(rand.NewPCG(7, 11))
	prios := []Priority{Normal, Preferred, Emergency}
	for round := range 300 {
		var bs []Bulletin
		for i := range 2 + rnd.IntN(8) {
			p := prios[rnd.IntN(3)]
			start := at("2026-12-07 06:00").Add(time.Duration(rnd.IntN(120)) * time.Minute)
			b := once(int64(i+1), fmt.Sprint("b", i+1), p, start.In(locale.Zone).Format("2006-01-02 15:04"), float64(30+rnd.IntN(900)), 1)
			if p == Emergency && CheckOverlap(b, bs, at("2026-12-07 00:00"), at("2026-12-08 00:00")) != nil {
				continue
			}
			bs = append(bs, b)
		}
		slots, err := Playlist(1, bs, at("2026-12-07 00:00"), at("2026-12-08 00:00"))
		if err != nil {
			t.Fatal(err)
		}
		for i, s := range slots {
			if s.Start.Before(s.Due) || !s.End.After(s.Start) {
				t.Fatalf("round %d: %s starts before it is due or is empty: %s", round, s.Title, timeline(slots))
			}
			if s.Priority == Emergency && (s.Delayed || s.Cut || !s.Start.Equal(s.Due)) {
				t.Fatalf("round %d: emergency %s moved or cut: %s", round, s.Title, timeline(slots))
			}
			if s.Cut && !slices.ContainsFunc(slots, func(e Slot) bool { return e.Priority == Emergency && e.Start.Equal(s.End) }) {
				t.Fatalf("round %d: %s cut by no emergency: %s", round, s.Title, timeline(slots))
			}
			if i > 0 && slots[i-1].End.After(s.Start) {
				t.Fatalf("round %d: %s and %s overlap: %s", round, slots[i-1].Title, s.Title, timeline(slots))
			}
		}
		if len(slots) != len(bs) {
			t.Fatalf("round %d: %d bulletins, %d slots: %s", round, len(bs), len(slots), timeline(slots))
		}
	}
}
