// Package exchange sends and receives official documents through the province's exchange
// platform (LGSP / the national document exchange, VDXP) as edXML messages (QCVN
// 102:2016), and carries the status messages back (01 arrived, 03 accepted, 05
// processing, 06 done, 02 refused; recall 13/15/16).
//
// Sending goes through an outbox (the exchange_messages table): Service.SendDocument and
// Service.Report write the message in one transaction with its audit record, and
// Service.Deliver sends what is due at least once, retrying with growing delays. Every
// message has a deterministic id, so queuing the same message twice is a no-op, the
// platform drops a second copy of a retried send, and a receiver handles a message once.
// Receiving polls the platform (Service.Poll) or takes a message pushed to xaso
// (Service.Receive): an incoming document is registered through the Registrar, which gives
// it the next arrival number, and the sender is told 01 then 03 (or 02 with the reason).
//
// Platform is the adapter: Client speaks HTTP to the platform; Fake is a local platform
// (an http.Handler) for the tests and the demo, so two xaso units exchange end to end.
package exchange

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Envelope is one message on the platform: an edXML payload from one organ to another.
type Envelope struct {
	MessageID string `json:"message_id"`
	From      string `json:"from"`
	To        string `json:"to"`
	Content   []byte `json:"content"` // the edXML (base64 in JSON)
}

// Delivery states the platform reports for a sent message.
const (
	DeliveryQueued    = "queued"    // waiting for the recipient to fetch it
	DeliveryDelivered = "delivered" // fetched and acknowledged by the recipient
)

// Platform is the exchange platform as xaso uses it.
type Platform interface {
	// Send hands a message to the platform; a message id it already has is accepted
	// again without a second delivery.
	Send(ctx context.Context, e Envelope) error
	// Receive returns up to max messages waiting for organ, oldest first; they stay
	// until acknowledged.
	Receive(ctx context.Context, organ string, max int) ([]Envelope, error)
	// Ack removes a received message from organ's queue.
	Ack(ctx context.Context, organ, messageID string) error
	// Status reports a sent message's delivery state.
	Status(ctx context.Context, organ, messageID string) (string, error)
}

// Registrar registers an incoming document in the unit's register of incoming documents
// and returns its arrival number (số đến). internal/document implements it; a duplicate
// (same sender, number, date) is an apperr of kind Conflict.
type Registrar interface {
	RegisterIncoming(ctx context.Context, unitID int64, m *edxml.Message) (arrivalNumber int, err error)
}

// StatusListener hears the statuses other bodies send about documents this unit sent.
type StatusListener interface {
	DocumentStatus(ctx context.Context, unitID int64, documentID, fromOrgan, code string) error
}

// Outgoing is a message queued for sending.
type Outgoing struct {
	UnitID     int64
	MessageID  string
	To         string // organ id
	Kind       edxml.Kind
	DocumentID string
	StatusCode string
	Payload    []byte
}

// Pending is an outgoing message claimed for delivery.
type Pending struct {
	ID       int64
	Attempts int // including this one
	Outgoing
}

// Incoming is a message received.
type Incoming struct {
	UnitID     int64
	MessageID  string
	From       string
	Kind       edxml.Kind
	DocumentID string
	StatusCode string
	Payload    []byte
	State      string // received, refused
}

// StatusRecord is a status received for a document this unit sent.
type StatusRecord struct {
	From       string
	Code       string
	ReceivedAt time.Time
}

// Store is what the Service needs from storage.
type Store interface {
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	// EnqueueExchange queues o with its audit record; false when its message id is
	// already queued for the unit.
	EnqueueExchange(ctx context.Context, o Outgoing) (bool, error)
	ClaimExchange(ctx context.Context, now time.Time, lease time.Duration, n int) ([]Pending, error)
	MarkExchangeSent(ctx context.Context, id int64, at time.Time) error
	MarkExchangeFailed(ctx context.Context, id int64, reason string, next time.Time, final bool) error
	// RecordExchangeIncoming records a received message with its audit record and the
	// replies it causes, in one transaction; false when the message id was seen before.
	RecordExchangeIncoming(ctx context.Context, in Incoming, replies []Outgoing) (bool, error)
	// ExchangeStatuses lists the statuses received for documentID, oldest first.
	ExchangeStatuses(ctx context.Context, unitID int64, documentID string) ([]StatusRecord, error)
}

// Refusals.
var (
	ErrNoOrganID      = apperr.New(apperr.Invalid, "exchange_no_organ_id", "Đơn vị chưa có mã định danh cơ quan để trao đổi văn bản điện tử.")
	ErrNotForUs       = apperr.New(apperr.Invalid, "exchange_wrong_recipient", "Văn bản điện tử không gửi cho đơn vị này.")
	ErrSenderMismatch = apperr.New(apperr.Invalid, "exchange_sender_mismatch", "Cơ quan gửi ghi trong văn bản khác cơ quan đã gửi qua trục liên thông.")
	ErrPlatform       = apperr.New(apperr.Unavailable, "exchange_unavailable", "Trục liên thông văn bản không trả lời; hệ thống sẽ thử gửi lại.")
)

// MessageID is the deterministic id of a message: the same document (or status) to the
// same organ always has the same id.
func MessageID(kind edxml.Kind, documentID, statusCode, from, to string) string {
	h := sha256.Sum256([]byte(string(kind) + "\x00" + documentID + "\x00" + statusCode + "\x00" + from + "\x00" + to))
	return hex.EncodeToString(h[:16])
}
