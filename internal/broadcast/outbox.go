package broadcast

import (
	"context"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
)

// OutboxEntry is one message to the province's source system (internal/broadcast/source)
// as the operator's page shows it: no payload, only what it is and how its delivery goes.
type OutboxEntry struct {
	Kind        string // bulletin, play-log
	BulletinID  int64
	State       string // pending, sent, failed
	Attempts    int
	LastError   string
	CreatedAt   time.Time
	SentAt      time.Time // zero: not sent
	NextAttempt time.Time
}

// Outbox sums up a unit's messages to the source system: how many wait, went, failed
// for good, and the latest ones.
type Outbox struct {
	Pending, Sent, Failed int
	Latest                []OutboxEntry
}

// outboxLatest is how many of the latest messages the page shows.
const outboxLatest = 20

// SourceOutbox is a unit's outbox to the source system for its operators.
func (s *Service) SourceOutbox(ctx context.Context, p *auth.Principal, unitID int64) (Outbox, error) {
	if !p.Can(unitID, operators...) {
		return Outbox{}, ErrForbidden
	}
	return s.Store.SourceOutbox(ctx, unitID, outboxLatest)
}
