package exchange

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/notify"
)

// Service owns the exchange's rules.
type Service struct {
	Store     Store
	Platform  Platform
	Registrar Registrar
	Statuses  StatusListener // optional
	Limits    edxml.Limits   // zero: edxml.DefaultLimits
	Now       func() time.Time
	Log       *slog.Logger
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) log() *slog.Logger {
	if s.Log != nil {
		return s.Log
	}
	return slog.Default()
}

// organ is the unit's organ id (its identification code).
func (s *Service) organ(ctx context.Context, unitID int64) (string, error) {
	u, err := s.Store.UnitByID(ctx, unitID)
	if err != nil {
		return "", err
	}
	if !edxml.ValidOrganID(u.IdentCode) {
		return "", ErrNoOrganID
	}
	return u.IdentCode, nil
}

// vnTime is the standard's timestamps' zone.
var vnTime = time.FixedZone("ICT", 7*3600)

// SendDocument queues an outgoing document m, from the unit, to each of m.To. It fills
// From, DocumentId and the unit's trace header, and returns the message ids. Sending it
// again queues nothing new.
func (s *Service) SendDocument(ctx context.Context, unitID int64, m *edxml.Message) ([]string, error) {
	organ, err := s.organ(ctx, unitID)
	if err != nil {
		return nil, err
	}
	c := *m
	c.Kind = edxml.KindDocument
	c.From.ID = organ
	c.DocumentID = organ + "," + c.PromulgationDate + "," + c.Code.String()
	c.Traces = append(append([]edxml.Trace(nil), c.Traces...), edxml.Trace{OrganID: organ, Timestamp: s.now().In(vnTime).Format(edxml.TimeLayout)})
	payload, err := edxml.Build(&c)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, to := range c.To {
		id := MessageID(edxml.KindDocument, c.DocumentID, "", organ, to.ID)
		if _, err := s.Store.EnqueueExchange(ctx, Outgoing{UnitID: unitID, MessageID: id, To: to.ID, Kind: edxml.KindDocument,
			DocumentID: c.DocumentID, Payload: payload}); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// Report queues a status about a document the unit received (05 when it is assigned, 06
// when done, 15/16 to answer a recall) to the organ that sent it.
func (s *Service) Report(ctx context.Context, unitID int64, doc edxml.ResponseFor, to, code, description string) error {
	organ, err := s.organ(ctx, unitID)
	if err != nil {
		return err
	}
	o, err := s.status(unitID, organ, to, doc, code, description)
	if err != nil {
		return err
	}
	_, err = s.Store.EnqueueExchange(ctx, o)
	return err
}

// StatusMessage builds, without queuing it, the status message Report would queue: for a
// caller that queues it in the transaction of the change it reports (document.Service
// directing or finishing a document that came through the exchange).
func (s *Service) StatusMessage(ctx context.Context, unitID int64, doc edxml.ResponseFor, to, code, description string) (Outgoing, error) {
	organ, err := s.organ(ctx, unitID)
	if err != nil {
		return Outgoing{}, err
	}
	return s.status(unitID, organ, to, doc, code, description)
}

func (s *Service) status(unitID int64, organ, to string, doc edxml.ResponseFor, code, description string) (Outgoing, error) {
	m := &edxml.Message{Kind: edxml.KindStatus, From: edxml.Organ{ID: organ}, To: []edxml.Organ{{ID: to}},
		ResponseFor: doc, StatusCode: code, Description: description, Timestamp: s.now().In(vnTime).Format(edxml.TimeLayout)}
	if description == "" {
		m.Description = edxml.StatusName(code)
	}
	payload, err := edxml.Build(m)
	if err != nil {
		return Outgoing{}, err
	}
	return Outgoing{UnitID: unitID, MessageID: MessageID(edxml.KindStatus, doc.DocumentID, code, organ, to), To: to,
		Kind: edxml.KindStatus, DocumentID: doc.DocumentID, StatusCode: code, Payload: payload}, nil
}

// Deliver sends what is due and reports how many messages the platform took.
func (s *Service) Deliver(ctx context.Context) (int, error) {
	batch, err := s.Store.ClaimExchange(ctx, s.now(), 2*time.Minute, 20)
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, p := range batch {
		organ, err := s.organ(ctx, p.UnitID)
		if err == nil {
			sctx, cancel := context.WithTimeout(ctx, time.Minute)
			err = s.Platform.Send(sctx, Envelope{MessageID: p.MessageID, From: organ, To: p.To, Content: p.Payload})
			cancel()
		}
		if err == nil {
			if err := s.Store.MarkExchangeSent(ctx, p.ID, s.now()); err != nil {
				return sent, err
			}
			sent++
			continue
		}
		final := p.Attempts >= notify.MaxAttempts
		s.log().Warn("exchange message not sent", "exchange_id", p.ID, "message_id", p.MessageID, "attempt", p.Attempts, "final", final, "err", err)
		if err := s.Store.MarkExchangeFailed(ctx, p.ID, err.Error(), s.now().Add(notify.Backoff(p.Attempts)), final); err != nil {
			return sent, err
		}
	}
	return sent, nil
}

// Result is what receiving one message did.
type Result struct {
	Kind          edxml.Kind
	ArrivalNumber int    // of a registered document
	StatusCode    string // the status sent back: 03 accepted, 02 refused ("" for a status message)
	Duplicate     bool   // the message was handled before
}

// Poll fetches what waits for the unit on the platform, handles each message and
// acknowledges it; it reports how many it handled.
func (s *Service) Poll(ctx context.Context, unitID int64) (int, error) {
	organ, err := s.organ(ctx, unitID)
	if err != nil {
		return 0, err
	}
	n := 0
	for range 100 {
		batch, err := s.Platform.Receive(ctx, organ, 1)
		if err != nil {
			return n, err
		}
		if len(batch) == 0 {
			return n, nil
		}
		for _, e := range batch {
			if _, err := s.receive(ctx, unitID, organ, e.MessageID, e.From, e.Content); err != nil && apperr.KindOf(err) != apperr.Invalid {
				return n, err // left on the platform: the next poll tries again
			}
			if err := s.Platform.Ack(ctx, organ, e.MessageID); err != nil {
				return n, err
			}
			n++
		}
	}
	return n, nil
}

// Receive handles one edXML message pushed to the unit (POST /api/v1/documents/edxml).
// A message refused as malformed is answered with status 02 when its sender is known.
func (s *Service) Receive(ctx context.Context, unitID int64, content []byte) (Result, error) {
	organ, err := s.organ(ctx, unitID)
	if err != nil {
		return Result{}, err
	}
	return s.receive(ctx, unitID, organ, "", "", content)
}

func (s *Service) receive(ctx context.Context, unitID int64, organ, messageID, from string, content []byte) (Result, error) {
	m, perr := s.Limits.ParseBytes(content)
	if perr == nil && from != "" && m.From.ID != from {
		// The platform authenticated the sender: a message claiming another is refused.
		perr = ErrSenderMismatch.With(fmt.Errorf("sent by %s, claims %s", from, m.From.ID))
	}
	if perr != nil {
		if from == "" || messageID == "" {
			return Result{}, perr
		}
		// Tell the sender, if the platform named one; the refusal is recorded once.
		in := Incoming{UnitID: unitID, MessageID: messageID, From: from, Kind: edxml.KindDocument, Payload: []byte{}, State: "refused"}
		reply, err := s.status(unitID, organ, from, edxml.ResponseFor{DocumentID: messageID}, edxml.StatusRefused, apperr.From(perr).Message)
		if err != nil {
			return Result{}, errors.Join(perr, err)
		}
		if _, err := s.Store.RecordExchangeIncoming(ctx, in, []Outgoing{reply}); err != nil {
			return Result{}, err
		}
		return Result{StatusCode: edxml.StatusRefused}, perr
	}
	if from == "" {
		from = m.From.ID
	}
	if messageID == "" {
		messageID = MessageID(m.Kind, m.DocumentID+m.ResponseFor.DocumentID, m.StatusCode, m.From.ID, organ)
	}
	in := Incoming{UnitID: unitID, MessageID: messageID, From: m.From.ID, Kind: m.Kind, Payload: content, State: "received"}
	if m.Kind == edxml.KindStatus {
		in.DocumentID, in.StatusCode = m.ResponseFor.DocumentID, m.StatusCode
		fresh, err := s.Store.RecordExchangeIncoming(ctx, in, nil)
		if err != nil {
			return Result{}, err
		}
		if fresh && s.Statuses != nil {
			if err := s.Statuses.DocumentStatus(ctx, unitID, m.ResponseFor.DocumentID, m.From.ID, m.StatusCode); err != nil {
				return Result{}, err
			}
		}
		return Result{Kind: edxml.KindStatus, Duplicate: !fresh}, nil
	}
	in.DocumentID = m.DocumentID
	if !addressedTo(m, organ) {
		return Result{}, ErrNotForUs.With(fmt.Errorf("for %v, this unit is %s", m.To, organ))
	}
	doc := edxml.ResponseFor{OrganID: m.From.ID, Code: m.Code.String(), PromulgationDate: m.PromulgationDate, DocumentID: m.DocumentID}
	arrival, rerr := s.Registrar.RegisterIncoming(ctx, unitID, m)
	dup := false
	switch {
	case rerr == nil:
	case apperr.KindOf(rerr) == apperr.Conflict:
		dup = true // registered before (a retry after a crash): answer again, ids dedupe
	case apperr.KindOf(rerr) == apperr.Invalid:
		reply, err := s.status(unitID, organ, m.From.ID, doc, edxml.StatusRefused, apperr.From(rerr).Message)
		if err != nil {
			return Result{}, err
		}
		in.State = "refused"
		if _, err := s.Store.RecordExchangeIncoming(ctx, in, []Outgoing{reply}); err != nil {
			return Result{}, err
		}
		return Result{Kind: edxml.KindDocument, StatusCode: edxml.StatusRefused}, rerr
	default:
		return Result{}, rerr
	}
	var replies []Outgoing
	for _, code := range []string{edxml.StatusArrived, edxml.StatusAccepted} {
		o, err := s.status(unitID, organ, m.From.ID, doc, code, "")
		if err != nil {
			return Result{}, err
		}
		replies = append(replies, o)
	}
	fresh, err := s.Store.RecordExchangeIncoming(ctx, in, replies)
	if err != nil {
		return Result{}, err
	}
	return Result{Kind: edxml.KindDocument, ArrivalNumber: arrival, StatusCode: edxml.StatusAccepted, Duplicate: dup || !fresh}, nil
}

func addressedTo(m *edxml.Message, organ string) bool {
	for _, t := range m.To {
		if t.ID == organ {
			return true
		}
	}
	return false
}

// StatusesOf lists the statuses received for a document the unit sent.
func (s *Service) StatusesOf(ctx context.Context, unitID int64, documentID string) ([]StatusRecord, error) {
	return s.Store.ExchangeStatuses(ctx, unitID, documentID)
}
