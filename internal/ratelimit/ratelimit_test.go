package ratelimit

import (
	"testing"
	"time"
)

func TestLimiter(t *testing.T) {
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	l := New(3, 6).WithClock(func() time.Time { return now }) // 3 at once, then one per 10 s
	for i := range 3 {
		if !l.Allow("a") {
			t.Fatalf("event %d refused within burst", i)
		}
	}
	if l.Allow("a") {
		t.Fatal("4th event allowed")
	}
	if !l.Allow("b") {
		t.Fatal("keys must be independent")
	}
	now = now.Add(10 * time.Second)
	if !l.Allow("a") {
		t.Fatal("not refilled after 10 s")
	}
	if l.Allow("a") {
		t.Fatal("refilled more than one token")
	}
	now = now.Add(time.Hour)
	l.Allow("c")
	if _, ok := l.buckets["b"]; ok {
		t.Fatal("full bucket not swept")
	}
}
