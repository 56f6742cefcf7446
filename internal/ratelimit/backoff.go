package ratelimit

import (
	"sync"
	"time"
)

// Policy says how a Backoff answers repeated failures of one key: Free failures pass
// without delay; each further one refuses the key's next attempts for a delay that starts
// at First and doubles with each failure, up to Max. A key that has not failed for Forget
// starts afresh.
type Policy struct {
	Free   int
	First  time.Duration
	Max    time.Duration
	Forget time.Duration
}

// The policies of password and passphrase guessing. Per account the delay stays short
// (at most a minute): an attacker from elsewhere can make the real owner wait, but never
// longer than that, and while the delay runs nobody, the attacker included, may guess.
// Per address it grows to a quarter of an hour: that is what stops one machine guessing
// across many accounts. An office behind one address (NAT) has ten mistakes in an hour
// before any delay.
var (
	PerAccount = Policy{Free: 5, First: time.Second, Max: time.Minute, Forget: 15 * time.Minute}
	PerAddress = Policy{Free: 10, First: 4 * time.Second, Max: 15 * time.Minute, Forget: time.Hour}
)

// Backoff counts failures per key (an account, an address) in memory and says how long
// a key must wait before its next attempt. Only failures count: a refused attempt does
// not lengthen the delay, so whoever waits it out gets their try.
type Backoff struct {
	policy Policy
	now    func() time.Time

	mu      sync.Mutex
	keys    map[string]*failures
	sweepAt time.Time
}

type failures struct {
	n     int
	last  time.Time // the last failure
	until time.Time // attempts are refused before this
}

// NewBackoff returns a Backoff with policy p.
func NewBackoff(p Policy) *Backoff {
	return &Backoff{policy: p, now: time.Now, keys: map[string]*failures{}}
}

// WithClock replaces the clock, for tests.
func (b *Backoff) WithClock(now func() time.Time) *Backoff { b.now = now; return b }

// Wait returns how long key must still wait before an attempt; 0: it may try now.
func (b *Backoff) Wait(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	f := b.get(key, now)
	if f == nil || !now.Before(f.until) {
		return 0
	}
	return f.until.Sub(now)
}

// Fail records a failed attempt of key and returns the delay before its next one.
func (b *Backoff) Fail(key string) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	b.sweep(now)
	f := b.get(key, now)
	if f == nil {
		f = &failures{}
		b.keys[key] = f
	}
	f.n++
	f.last = now
	if f.n <= b.policy.Free {
		return 0
	}
	d := b.policy.First
	for i := b.policy.Free + 1; i < f.n && d < b.policy.Max; i++ {
		d *= 2
	}
	d = min(d, b.policy.Max)
	f.until = now.Add(d)
	return d
}

// Reset forgets key's failures (a successful login resets the account's).
func (b *Backoff) Reset(key string) {
	b.mu.Lock()
	delete(b.keys, key)
	b.mu.Unlock()
}

// get returns key's failures, or nil once they are forgotten.
func (b *Backoff) get(key string, now time.Time) *failures {
	f, ok := b.keys[key]
	if !ok {
		return nil
	}
	if b.forgotten(f, now) {
		delete(b.keys, key)
		return nil
	}
	return f
}

func (b *Backoff) forgotten(f *failures, now time.Time) bool {
	return !now.Before(f.last.Add(b.policy.Forget)) && !now.Before(f.until)
}

// sweep drops forgotten keys once a minute, so memory stays bounded by the keys that
// failed within the last Forget.
func (b *Backoff) sweep(now time.Time) {
	if now.Before(b.sweepAt) {
		return
	}
	b.sweepAt = now.Add(time.Minute)
	for k, f := range b.keys {
		if b.forgotten(f, now) {
			delete(b.keys, k)
		}
	}
}
