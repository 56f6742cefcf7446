package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Item is a message of the official mailbox in the clerk's list.
type Item struct {
	ID            int64
	UnitID        int64
	UIDValidity   uint32
	UID           uint32
	MessageID     string
	Sender        string
	Subject       string
	SentAt        time.Time // zero when the message had no readable date
	Size          int64
	Attachments   int
	State         string // new, registering, registered, dismissed, too_large, unreadable
	ArrivalNumber int
	FetchedAt     time.Time
	Raw           []byte // only from Store.MailItem
}

// Item states.
const (
	StateNew         = "new"
	StateRegistering = "registering"
	StateRegistered  = "registered"
	StateDismissed   = "dismissed"
	StateTooLarge    = "too_large"
	StateUnreadable  = "unreadable"
)

// Incoming is what registering a message hands to the register of incoming documents.
type Incoming struct {
	Sender      string // address
	SenderName  string
	Subject     string
	MessageID   string
	SentAt      time.Time
	ReceivedAt  time.Time
	Text        string
	Attachments []Attachment
}

// Registrar registers an incoming document (internal/document implements it) and
// returns its arrival number.
type Registrar interface {
	RegisterIncoming(ctx context.Context, unitID int64, in Incoming) (arrivalNumber int, err error)
}

// Fetcher reads the mailbox (IMAP implements it).
type Fetcher interface {
	Fetch(ctx context.Context, validity, since uint32, max int) (uint32, []Fetched, error)
}

// Store is what the Service needs from storage.
type Store interface {
	// MailCursor is the UIDVALIDITY and the highest UID fetched for the unit.
	MailCursor(ctx context.Context, unitID int64) (validity, lastUID uint32, err error)
	// AddMail stores a fetched message with its audit record; false when it is there.
	AddMail(ctx context.Context, it Item) (bool, error)
	MailItems(ctx context.Context, unitID int64, state string, limit, offset int) ([]Item, int, error)
	MailItem(ctx context.Context, unitID, id int64) (Item, error)
	// SetMailState moves an item from state from to state to (with its arrival number),
	// audited; ErrNotInState when it is not in from.
	SetMailState(ctx context.Context, unitID, id int64, from, to string, arrival int) error
}

// Refusals.
var (
	ErrNotInState = apperr.New(apperr.Conflict, "mail_state_changed", "Thư đã được xử lý (vào sổ hoặc bỏ qua) trước đó.")
)

// Service owns the official mailbox's rules.
type Service struct {
	Store     Store
	Registrar Registrar
	Limits    Limits
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Fetch reads up to 100 new messages from the mailbox into the unit's list and returns
// how many were added. A message too large or unreadable is listed as such, so the
// clerk knows it arrived.
func (s *Service) Fetch(ctx context.Context, unitID int64, f Fetcher) (int, error) {
	validity, last, err := s.Store.MailCursor(ctx, unitID)
	if err != nil {
		return 0, err
	}
	uv, msgs, err := f.Fetch(ctx, validity, last, 100)
	added := 0
	for _, m := range msgs {
		it := Item{UnitID: unitID, UIDValidity: uv, UID: m.UID, Size: m.Size, State: StateNew, FetchedAt: s.now(), Raw: m.Raw}
		switch p, perr := s.Limits.Parse(m.Raw); {
		case m.TooLarge:
			it.State, it.Raw = StateTooLarge, nil
		case perr != nil:
			it.State = StateUnreadable
		default:
			it.MessageID, it.Sender, it.Subject, it.SentAt, it.Attachments = p.MessageID, p.From, p.Subject, p.Date, len(p.Attachments)
		}
		ok, aerr := s.Store.AddMail(ctx, it)
		if aerr != nil {
			return added, aerr
		}
		if ok {
			added++
		}
	}
	return added, err
}

// List is the clerk's list: items in state ("" for all), newest first.
func (s *Service) List(ctx context.Context, unitID int64, state string, limit, offset int) ([]Item, int, error) {
	return s.Store.MailItems(ctx, unitID, state, limit, offset)
}

// Register registers a new message with one click and returns its arrival number. Two
// clicks register it once: the item is claimed before the registrar runs.
func (s *Service) Register(ctx context.Context, unitID, id int64) (int, error) {
	it, err := s.Store.MailItem(ctx, unitID, id)
	if err != nil {
		return 0, err
	}
	p, err := s.Limits.Parse(it.Raw)
	if err != nil {
		return 0, err
	}
	if err := s.Store.SetMailState(ctx, unitID, id, StateNew, StateRegistering, 0); err != nil {
		return 0, err
	}
	n, err := s.Registrar.RegisterIncoming(ctx, unitID, Incoming{Sender: p.From, SenderName: p.FromName, Subject: p.Subject,
		MessageID: p.MessageID, SentAt: p.Date, ReceivedAt: it.FetchedAt, Text: p.Text, Attachments: p.Attachments})
	if err != nil {
		if rerr := s.Store.SetMailState(ctx, unitID, id, StateRegistering, StateNew, 0); rerr != nil {
			return 0, errors.Join(err, rerr)
		}
		return 0, err
	}
	if err := s.Store.SetMailState(ctx, unitID, id, StateRegistering, StateRegistered, n); err != nil {
		return 0, fmt.Errorf("mail: registered as %d but not marked: %w", n, err)
	}
	return n, nil
}

// Dismiss takes a new message off the list (spam, a copy of a registered document).
func (s *Service) Dismiss(ctx context.Context, unitID, id int64) error {
	return s.Store.SetMailState(ctx, unitID, id, StateNew, StateDismissed, 0)
}
