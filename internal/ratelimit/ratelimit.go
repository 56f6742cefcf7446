// Package ratelimit is a small keyed token-bucket limiter kept in memory.
//
// It is per process: with several instances behind a load balancer each one enforces the
// limit on its own, so the effective limit is multiplied by the number of instances. That
// is acceptable for its use (slowing down password guessing and look-up scraping); the
// per-account password limit is what protects an account, and it is strict enough at
// N times its rate.
package ratelimit

import (
	"sync"
	"time"
)

// Limiter allows Burst events at once per key and refills at Rate per second.
type Limiter struct {
	Rate  float64
	Burst float64
	now   func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweepAt time.Time
}

type bucket struct {
	tokens float64
	last   time.Time
}

// New returns a limiter allowing burst events at once and perMinute events a minute.
func New(burst int, perMinute float64) *Limiter {
	return &Limiter{Rate: perMinute / 60, Burst: float64(burst), now: time.Now, buckets: map[string]*bucket{}}
}

// WithClock replaces the clock, for tests.
func (l *Limiter) WithClock(now func() time.Time) *Limiter { l.now = now; return l }

// Allow takes one token for key and reports whether there was one.
func (l *Limiter) Allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	l.sweep(now)
	b, ok := l.buckets[key]
	if !ok {
		b = &bucket{tokens: l.Burst, last: now}
		l.buckets[key] = b
	}
	b.tokens = min(l.Burst, b.tokens+now.Sub(b.last).Seconds()*l.Rate)
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// sweep drops buckets that have refilled completely, so memory stays bounded by the
// number of keys active in the last few minutes.
func (l *Limiter) sweep(now time.Time) {
	if now.Before(l.sweepAt) {
		return
	}
	l.sweepAt = now.Add(time.Minute)
	for k, b := range l.buckets {
		if b.tokens+now.Sub(b.last).Seconds()*l.Rate >= l.Burst {
			delete(l.buckets, k)
		}
	}
}
