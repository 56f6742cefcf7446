package ratelimit

import (
	"testing"
	"time"
)

func TestBackoffGrowsDoublesAndCaps(t *testing.T) {
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	b := NewBackoff(Policy{Free: 3, First: 2 * time.Second, Max: 30 * time.Second, Forget: time.Hour}).
		WithClock(func() time.Time { return now })
	for i := range 3 {
		if d := b.Fail("a"); d != 0 {
			t.Fatalf("free failure %d: delay %s", i+1, d)
		}
		if w := b.Wait("a"); w != 0 {
			t.Fatalf("wait after free failure %d: %s", i+1, w)
		}
	}
	for _, want := range []time.Duration{2, 4, 8, 16, 30, 30} {
		want *= time.Second
		if d := b.Fail("a"); d != want {
			t.Fatalf("delay %s, want %s", d, want)
		}
		if w := b.Wait("a"); w != want {
			t.Fatalf("wait %s, want %s", w, want)
		}
		if w := b.Wait("b"); w != 0 {
			t.Fatal("keys must be independent")
		}
		// Refused attempts do not lengthen the delay: waiting it out is enough.
		now = now.Add(want - time.Second)
		if w := b.Wait("a"); w != time.Second {
			t.Fatalf("a second before the end: wait %s", w)
		}
		now = now.Add(time.Second)
		if w := b.Wait("a"); w != 0 {
			t.Fatalf("after the delay: wait %s", w)
		}
	}
	b.Reset("a")
	if d := b.Fail("a"); d != 0 {
		t.Fatalf("after Reset: delay %s", d)
	}
}

func TestBackoffForgets(t *testing.T) {
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	b := NewBackoff(Policy{Free: 1, First: time.Second, Max: time.Minute, Forget: 10 * time.Minute}).
		WithClock(func() time.Time { return now })
	b.Fail("a")
	b.Fail("a")
	b.Fail("b")
	now = now.Add(10 * time.Minute)
	if d := b.Fail("a"); d != 0 {
		t.Fatalf("after a quiet Forget, the count starts afresh: delay %s", d)
	}
	if _, ok := b.keys["b"]; ok {
		t.Fatal("a forgotten key is kept")
	}
}

// TestPolicies: the account's delay is bounded by a minute, the address's grows further
// and faster.
func TestPolicies(t *testing.T) {
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	acct, addr := NewBackoff(PerAccount).WithClock(func() time.Time { return now }), NewBackoff(PerAddress).WithClock(func() time.Time { return now })
	var da, dd time.Duration
	for range 100 {
		da, dd = acct.Fail("k"), addr.Fail("k")
		if da > time.Minute {
			t.Fatalf("account delay %s beyond a minute", da)
		}
	}
	if da != time.Minute || dd != 15*time.Minute {
		t.Fatalf("caps: account %s, address %s", da, dd)
	}
}
