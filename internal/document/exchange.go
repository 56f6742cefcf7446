package document

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The documents' side of the exchange platform (docs/EXCHANGE.md): ExchangeAdapter is
// exchange.Service's Registrar (an arriving edXML document registered in the incoming
// register) and StatusListener (the statuses recipients send about documents the unit
// issued), and it sends the issued documents owed to recipients written as organ ids.

// StatusMessenger builds a status message to the body that sent a document
// (exchange.Service.StatusMessage); the Store queues it in the change's transaction.
type StatusMessenger interface {
	StatusMessage(ctx context.Context, unitID int64, doc edxml.ResponseFor, to, code, description string) (exchange.Outgoing, error)
}

// ExchangeSender queues an outgoing edXML document (exchange.Service.SendDocument).
type ExchangeSender interface {
	SendDocument(ctx context.Context, unitID int64, m *edxml.Message) ([]string, error)
}

// ExchangeStore is what the adapter needs from storage beyond Store.
type ExchangeStore interface {
	Store
	// ClaimDocumentDispatches leases due dispatch rows of a channel (ChannelExchange).
	ClaimDocumentDispatches(ctx context.Context, channel string, now time.Time, lease time.Duration, n int) ([]Dispatch, error)
	// MarkDocumentDispatch records an attempt: sent (reason "") with its message id, or
	// failed with the next attempt at next (final: no more).
	MarkDocumentDispatch(ctx context.Context, id int64, at time.Time, reason, messageID string, next time.Time, final bool) error
	// SetDocumentExchangeStatus records the last exchange status of a document, with its
	// audit record.
	SetDocumentExchangeStatus(ctx context.Context, d Document, code string) error
}

// UnitOrgan is a unit as an edXML organ: its identification code (Decision 20/2020) is
// its organ id; a unit without one is named by its statistics code.
func UnitOrgan(u unit.Unit) edxml.Organ {
	id := u.IdentCode
	if id == "" {
		id = u.Code
	}
	return edxml.Organ{ID: id, Name: u.Name}
}

// AnswerRecall answers the sender's recall (13) of a document received through the
// exchange: 15 accepted or 16 refused, queued in the transaction that records it (the
// clerk).
func (s *Service) AnswerRecall(ctx context.Context, p *auth.Principal, id int64, version int, accept bool) (Document, error) {
	d, err := s.load(ctx, p, id, version, RegisterRoles)
	if err != nil {
		return d, err
	}
	if d.Direction != Incoming || d.Source != Exchange || d.ExchangeStatus != edxml.StatusRecall {
		return d, ErrState
	}
	code := edxml.StatusRecallRefused
	if accept {
		code = edxml.StatusRecallAccepted
	}
	ch := Change{Doc: d, Action: "document.recall_answered", Fields: []string{"exchange_status"}}
	if ch.Outbox, err = s.owedStatus(ctx, d, code); err != nil {
		return d, err
	}
	if len(ch.Outbox) == 0 {
		return d, ErrState
	}
	ch.Doc.ExchangeStatus = code
	return s.Store.SaveDocument(ctx, ch)
}

// OutgoingExchangeID is the edXML DocumentId an issued outgoing document d of the unit
// of organ id organ travels under (<organ id>,yyyy/MM/dd,<number/symbol>); the statuses
// its recipients send name it.
func OutgoingExchangeID(organ string, d Document) string {
	return organ + "," + strings.ReplaceAll(d.IssuedOn, "-", "/") + "," + d.NumberNotation
}

// responseFor names an incoming exchange document in the statuses about it.
func responseFor(d Document) edxml.ResponseFor {
	return edxml.ResponseFor{OrganID: d.ExchangeOrgan, Code: d.NumberNotation,
		PromulgationDate: strings.ReplaceAll(d.IssuedOn, "-", "/"), DocumentID: d.ExchangeID}
}

// owedStatus is the status message an incoming exchange document owes its sender when it
// is directed (05) or done (06); none for other documents or without an exchange.
func (s *Service) owedStatus(ctx context.Context, d Document, code string) ([]exchange.Outgoing, error) {
	if s.Exchange == nil || d.Direction != Incoming || d.Source != Exchange || d.ExchangeOrgan == "" || d.ExchangeID == "" {
		return nil, nil
	}
	o, err := s.Exchange.StatusMessage(ctx, d.UnitID, responseFor(d), d.ExchangeOrgan, code, "")
	if err != nil {
		return nil, err
	}
	return []exchange.Outgoing{o}, nil
}

// exchangeMessage is issued outgoing document d as an edXML document from organ from, its
// signed PDF attached (a paper-signed one is announced with a paper copy to follow).
func (s *Service) exchangeMessage(ctx context.Context, d Document, from edxml.Organ) (*edxml.Message, error) {
	if d.Direction != Outgoing || d.Number == 0 || d.NumberNotation == "" {
		return nil, ErrNotIssued
	}
	m := &edxml.Message{Kind: edxml.KindDocument, From: from, Subject: d.Subject,
		Priority: edxmlPriority(d.Urgency), ToPlaces: d.Recipients, DocumentType: 2}
	if d.Legal {
		m.DocumentType = 1
	}
	if t, ok := TypeByCode(d.TypeCode); ok {
		m.TypeName = t.Name
	}
	number, notation, _ := strings.Cut(d.NumberNotation, "/")
	m.Code = edxml.Code{Number: number, Notation: notation}
	issued := d.CreatedAt
	if t, err := time.Parse(time.DateOnly, d.IssuedOn); err == nil {
		issued = t
	}
	m.PromulgationDate = issued.Format(edxml.DateLayout)
	for _, r := range d.Recipients {
		if edxml.ValidOrganID(r) {
			m.To = append(m.To, edxml.Organ{ID: r})
		}
	}
	if d.SignedBlob == "" {
		m.Business.Paper = 1
		return m, nil
	}
	if s.Blobs == nil {
		return nil, errors.New("document: no blob store")
	}
	pdf, err := s.readBlob(ctx, d.SignedBlob, maxExportPDF)
	if err != nil {
		return nil, err
	}
	name := strings.ReplaceAll(d.NumberNotation, "/", "-")
	m.Attachments = []edxml.Attachment{{ContentID: "1", Name: name + ".pdf", ContentType: "application/pdf", Data: pdf}}
	for i, a := range d.Attachments {
		b, err := s.readBlob(ctx, a, maxExportPDF)
		if err != nil {
			return nil, err
		}
		n := strconv.Itoa(i + 1)
		m.Attachments = append(m.Attachments, edxml.Attachment{ContentID: strconv.Itoa(i + 2), Name: name + "-phu-luc-" + n + ".pdf",
			ContentType: "application/pdf", Description: "Phụ lục " + n, Data: b})
	}
	return m, nil
}

func (s *Service) readBlob(ctx context.Context, key string, max int64) ([]byte, error) {
	rc, err := s.Blobs.Open(ctx, key)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	var b bytes.Buffer
	if _, err := b.ReadFrom(io.LimitReader(rc, max)); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// ExchangeAdapter joins the document registers to exchange.Service: it is the service's
// Registrar and StatusListener, and Dispatch hands it the issued documents owed to
// organ ids.
type ExchangeAdapter struct {
	Docs  *Service
	Store ExchangeStore
	// Sender queues outgoing documents (exchange.Service).
	Sender ExchangeSender
	// Organ is a unit's organ id and name (its identification code).
	Organ func(ctx context.Context, unitID int64) (edxml.Organ, error)
	Log   *slog.Logger
	// Now is the outbox's clock (the store's rows are stamped with the real time); nil:
	// time.Now.
	Now func() time.Time
}

func (x *ExchangeAdapter) now() time.Time {
	if x.Now != nil {
		return x.Now()
	}
	return time.Now()
}

func (x *ExchangeAdapter) log() *slog.Logger {
	if x.Log != nil {
		return x.Log
	}
	return slog.Default()
}

// maxAttachment bounds one stored attachment of an arriving document (the edXML message
// itself is bounded before it is parsed).
const maxAttachment = 64 << 20

// typeByName finds a type by its Vietnamese name ("Quyết định"), as edXML writes it.
func typeByName(name string) string {
	for _, t := range Types {
		if strings.EqualFold(t.Name, strings.TrimSpace(name)) {
			return t.Code
		}
	}
	return ""
}

func urgencyOf(priority int) Urgency {
	switch priority {
	case edxml.PriorityKhan:
		return Khan
	case edxml.PriorityThuongKhan:
		return ThuongKhan
	case edxml.PriorityHoaToc, edxml.PriorityHoaTocHenGio:
		return HoaToc
	}
	return Normal
}

// RegisterIncoming implements exchange.Registrar: m registered as an incoming document of
// the unit with the next arrival number (the sequence paper and e-mail ones share), its
// attachments kept byte for byte as the document's files. A document registered before
// (same sender, number and date) is ErrDuplicate, with its arrival number.
func (x *ExchangeAdapter) RegisterIncoming(ctx context.Context, unitID int64, m *edxml.Message) (int, error) {
	if x.Docs.Blobs == nil && len(m.Attachments) > 0 {
		return 0, errors.New("document: no blob store for the attachments")
	}
	var keys []string
	for _, a := range m.Attachments {
		key, _, err := x.Docs.Blobs.Put(ctx, bytes.NewReader(a.Data), maxAttachment)
		if err != nil {
			return 0, err
		}
		keys = append(keys, key)
	}
	sender := strings.TrimSpace(m.From.Name)
	if sender == "" {
		sender = m.From.ID
	}
	in := IncomingInput{UnitID: unitID, Source: Exchange, TypeCode: typeByName(m.TypeName), Sender: sender,
		NumberNotation: m.Code.String(), IssuedOn: strings.ReplaceAll(m.PromulgationDate, "/", "-"), Subject: m.Subject,
		Urgency: string(urgencyOf(m.Priority)), Attachments: keys, ExchangeID: m.DocumentID, ExchangeOrgan: m.From.ID}
	d, err := x.Docs.RegisterIncoming(ctx, nil, in)
	if errors.Is(err, ErrDuplicate) {
		if prev, ferr := x.find(ctx, unitID, Incoming, m.DocumentID); ferr == nil {
			return prev.ArrivalNumber, err
		}
	}
	if err != nil {
		return 0, err
	}
	return d.ArrivalNumber, nil
}

// find is the unit's document of direction dir that the edXML DocumentId docID names
// (<organ id>,yyyy/MM/dd,<number/symbol>).
func (x *ExchangeAdapter) find(ctx context.Context, unitID int64, dir Direction, docID string) (Document, error) {
	parts := strings.SplitN(docID, ",", 3)
	if len(parts) != 3 || parts[2] == "" {
		return Document{}, ErrNotFound
	}
	day := strings.ReplaceAll(parts[1], "/", "-")
	docs, _, err := x.Store.Documents(ctx, Query{UnitID: unitID, Direction: dir, Number: parts[2], Limit: 100})
	if err != nil {
		return Document{}, err
	}
	for _, d := range docs {
		if d.IssuedOn != day {
			continue
		}
		if dir == Incoming && d.ExchangeID != docID {
			continue
		}
		return d, nil
	}
	return Document{}, ErrNotFound
}

// DocumentStatus implements exchange.StatusListener: a status about a document the unit
// issued (01, 02, 03, 05, 06, 15, 16) is recorded on it, when its sender is one of the
// document's recipients; a recall (13) of a document it received is recorded on that one,
// when its sender sent it. Any other is logged and dropped (it stays listed in the
// exchange's messages).
func (x *ExchangeAdapter) DocumentStatus(ctx context.Context, unitID int64, documentID, fromOrgan, code string) error {
	dir := Outgoing
	if code == edxml.StatusRecall {
		dir = Incoming
	}
	d, err := x.find(ctx, unitID, dir, documentID)
	if errors.Is(err, ErrNotFound) {
		x.log().Warn("exchange status for no known document", "unit_id", unitID, "status", code)
		return nil
	}
	if err != nil {
		return err
	}
	if dir == Incoming && d.ExchangeOrgan != fromOrgan || dir == Outgoing && !slices.Contains(d.Recipients, fromOrgan) {
		x.log().Warn("exchange status from an organ the document does not name", "unit_id", unitID, "document", d.ID, "status", code)
		return nil
	}
	return x.Store.SetDocumentExchangeStatus(ctx, d, code)
}

// Dispatch sends the issued documents owed to organ ids: each claimed dispatch row is
// queued on the exchange's outbox (at least once; the message id dedupes a second
// queuing) and marked sent, or tried again later with notify's retry ladder.
func (x *ExchangeAdapter) Dispatch(ctx context.Context) (int, error) {
	now := x.now()
	batch, err := x.Store.ClaimDocumentDispatches(ctx, ChannelExchange, now, 2*time.Minute, 20)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, p := range batch {
		id, err := x.dispatch(ctx, p)
		if err == nil {
			if err := x.Store.MarkDocumentDispatch(ctx, p.ID, x.now(), "", id, time.Time{}, false); err != nil {
				return n, err
			}
			n++
			continue
		}
		// Retried on the ladder even when refused as invalid: a unit without an organ id
		// yet is set right by its administrator, and the next attempt sends.
		final := p.Attempts >= notify.MaxAttempts
		x.log().Warn("document not handed to the exchange", "dispatch_id", p.ID, "document", p.DocumentID,
			"attempt", p.Attempts, "final", final, "err", err)
		reason := fmt.Sprint(err)
		if ae := apperr.From(err); ae.Kind != apperr.Internal {
			reason = ae.Code
		}
		if err := x.Store.MarkDocumentDispatch(ctx, p.ID, x.now(), reason, "", x.now().Add(notify.Backoff(p.Attempts)), final); err != nil {
			return n, err
		}
	}
	return n, nil
}

// dispatch queues p's document to its recipient and returns the exchange message's id.
func (x *ExchangeAdapter) dispatch(ctx context.Context, p Dispatch) (string, error) {
	d, err := x.Store.Document(ctx, p.DocumentID)
	if err != nil {
		return "", err
	}
	from, err := x.Organ(ctx, d.UnitID)
	if err != nil {
		return "", err
	}
	m, err := x.Docs.exchangeMessage(ctx, d, from)
	if err != nil {
		return "", err
	}
	m.To = []edxml.Organ{{ID: p.Recipient}}
	ids, err := x.Sender.SendDocument(ctx, d.UnitID, m)
	if err != nil || len(ids) == 0 {
		return "", err
	}
	return ids[0], nil
}
