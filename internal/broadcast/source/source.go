// Package source sends the commune's loudspeaker reports to the province's source
// information system (hệ thống thông tin nguồn cấp tỉnh; Decision 135/2020, Circular
// 39/2020, guidance 1273/BTTTT-TTCS v1.0 and 2455/BTTTT-TTCS v2.0): each approved
// bulletin's metadata and each day's play log.
//
// UNCONFIRMED FORMAT. The guidance documents describe the connection's functions but
// their interface annexes could not be found; the JSON shapes below (BulletinInfo,
// PlayLogReport) and the two endpoints are xaso's own, documented in docs/BROADCAST.md,
// to be mapped onto the province's real interface when it is published to the commune.
//
// Messages go through an outbox (the source_messages table): they are written in the
// transaction of the change that owes them (the approval; the daily log job), each with
// a deterministic id, so queuing one twice is a no-op; Worker.Deliver sends them at least
// once, retrying with growing delays, in order per bulletin (a bulletin's play log never
// before its metadata), with the id as the Idempotency-Key so the system drops a
// second copy of a retried send.
package source

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"log/slog"
	"strconv"
	"time"
)

// Kinds of message.
const (
	KindBulletin = "bulletin" // a bulletin's metadata, when it is approved
	KindPlayLog  = "play-log" // a bulletin's plays of one day
)

// Message is one message to the source system.
type Message struct {
	UnitID     int64
	MessageID  string
	Kind       string
	BulletinID int64
	Payload    []byte // JSON: BulletinInfo or PlayLogReport
}

// Pending is a message claimed for delivery.
type Pending struct {
	ID       int64
	Attempts int // including this one
	Message
}

// BulletinInfo is a bulletin's metadata as sent (UNCONFIRMED shape).
type BulletinInfo struct {
	Unit       string    `json:"unit"` // the commune's code (mã đơn vị hành chính)
	Bulletin   int64     `json:"bulletin"`
	Title      string    `json:"title"`
	Priority   string    `json:"priority"` // normal, priority, emergency (thường, ưu tiên, khẩn cấp)
	Clusters   []string  `json:"clusters"` // the clusters' codes
	Schedule   string    `json:"schedule"` // in words, as the operator's page says it
	Rule       string    `json:"rule,omitempty"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end,omitempty"`
	Seconds    float64   `json:"seconds"`
	ApprovedAt time.Time `json:"approved_at"`
}

// PlayLogReport is a bulletin's plays of one day (UNCONFIRMED shape).
type PlayLogReport struct {
	Unit         string      `json:"unit"`
	Bulletin     int64       `json:"bulletin"`
	Day          string      `json:"day"` // YYYY-MM-DD, the commune's time
	Planned      int         `json:"planned"`
	Acknowledged int         `json:"acknowledged"`
	Plays        []PlayEntry `json:"plays"`
}

// PlayEntry is one planned play on one speaker.
type PlayEntry struct {
	Speaker  int64     `json:"speaker"`
	Cluster  string    `json:"cluster"`
	Due      time.Time `json:"due"`
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	Cut      bool      `json:"cut,omitempty"`
	Reported string    `json:"reported"` // played, cut, failed; "" nothing reported
}

// MessageID is a message's deterministic id: the same bulletin's metadata, or the same
// bulletin's log of the same day, always has the same id.
func MessageID(kind string, unitID, bulletinID int64, day string) string {
	h := sha256.Sum256([]byte(kind + "\x00" + strconv.FormatInt(unitID, 10) + "\x00" + strconv.FormatInt(bulletinID, 10) + "\x00" + day))
	return hex.EncodeToString(h[:16])
}

// System is the province's source information system as xaso uses it.
type System interface {
	// Send hands over one message; a message id it already has is accepted again.
	Send(ctx context.Context, m Message) error
}

// Store is what the worker needs from storage.
type Store interface {
	// ClaimSource leases up to n due messages, at most one per bulletin and none of a
	// bulletin whose earlier message is still pending.
	ClaimSource(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Pending, error)
	MarkSourceSent(ctx context.Context, id int64, at time.Time) error
	MarkSourceFailed(ctx context.Context, id int64, reason string, next time.Time, final bool) error
}

// MaxAttempts is how often a message is tried before it is given up.
const MaxAttempts = 10

func backoff(n int) time.Duration {
	ladder := []time.Duration{time.Minute, 5 * time.Minute, 15 * time.Minute, time.Hour, 3 * time.Hour, 6 * time.Hour}
	return ladder[min(max(n-1, 0), len(ladder)-1)]
}

// Worker delivers the outbox to the system.
type Worker struct {
	Store  Store
	System System
	Log    *slog.Logger
	Now    func() time.Time
}

// Deliver sends what is due and reports how many messages were sent; it claims again
// until nothing is due, so a bulletin's messages go out in order within one call.
func (w *Worker) Deliver(ctx context.Context) (int, error) {
	sent := 0
	for range 100 {
		batch, err := w.Store.ClaimSource(ctx, w.Now(), 2*time.Minute, 20)
		if err != nil || len(batch) == 0 {
			return sent, err
		}
		progress := false
		for _, p := range batch {
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			err := w.System.Send(sctx, p.Message)
			cancel()
			if err == nil {
				if err := w.Store.MarkSourceSent(ctx, p.ID, w.Now()); err != nil {
					return sent, err
				}
				sent++
				progress = true
				continue
			}
			final := p.Attempts >= MaxAttempts
			if w.Log != nil {
				w.Log.Warn("source system: not delivered", "source_message", p.ID, "kind", p.Kind, "attempt", p.Attempts, "final", final, "err", err)
			}
			if err := w.Store.MarkSourceFailed(ctx, p.ID, err.Error(), w.Now().Add(backoff(p.Attempts)), final); err != nil {
				return sent, err
			}
		}
		if !progress {
			return sent, nil
		}
	}
	return sent, nil
}

// ErrRefused: the system refused a message for good (4xx other than a duplicate).
var ErrRefused = errors.New("source: the source system refused the message")
