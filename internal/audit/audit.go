// Package audit defines the tamper-evident audit log (nhật ký kiểm tra): every
// security-relevant action and every data change appends a record whose hash covers the
// previous record of the same chain. There is one chain per administrative unit and one
// (chain 0) for system events, so units never wait on each other's appends.
//
// Records name the object and the fields that changed, never personal values: the Law on
// Personal Data Protection (in force since 1 January 2026) applies to logs too.
package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SystemChain is the chain of events that belong to no unit (logins, system users).
const SystemChain int64 = 0

// GenesisHash is the "previous hash" of a chain's first record.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// Event is what a caller records.
type Event struct {
	Chain      int64    // unit id, or SystemChain
	Action     string   // e.g. "user.create", "login.fail"
	ObjectType string   // e.g. "user"
	ObjectID   string   // e.g. "42" — an id, never a name or an ID number
	Fields     []string // names of the fields that changed
}

// Record is an appended event.
type Record struct {
	ID       int64
	Chain    int64
	Seq      int64
	At       time.Time // UTC, microsecond precision (what both engines keep)
	Actor    string
	Event    Event
	PrevHash string
	Hash     string
}

// Compute returns the hash of r given its fields and PrevHash. The encoding is
// length-prefixed so no two different records encode alike.
func Compute(r Record) string {
	h := sha256.New()
	put := func(s string) { fmt.Fprintf(h, "%d:%s|", len(s), s) }
	put(r.PrevHash)
	put(strconv.FormatInt(r.Chain, 10))
	put(strconv.FormatInt(r.Seq, 10))
	put(r.At.UTC().Format("2006-01-02T15:04:05.000000Z"))
	put(r.Actor)
	put(r.Event.Action)
	put(r.Event.ObjectType)
	put(r.Event.ObjectID)
	put(strings.Join(r.Event.Fields, ","))
	return hex.EncodeToString(h.Sum(nil))
}

// Break describes the first broken link of a chain.
type Break struct {
	Chain  int64
	Seq    int64
	ID     int64
	Reason string
}

func (b *Break) Error() string {
	return fmt.Sprintf("audit: chain %d broken at seq %d (record id %d): %s", b.Chain, b.Seq, b.ID, b.Reason)
}

// Verifier checks one chain record by record, in sequence order.
type Verifier struct {
	chain    int64
	prevHash string
	nextSeq  int64
}

// NewVerifier starts checking chain.
func NewVerifier(chain int64) *Verifier {
	return &Verifier{chain: chain, prevHash: GenesisHash, nextSeq: 1}
}

// Next checks the next record; it returns a *Break at the first inconsistency.
func (v *Verifier) Next(r Record) error {
	brk := func(reason string) error { return &Break{Chain: v.chain, Seq: r.Seq, ID: r.ID, Reason: reason} }
	switch {
	case r.Chain != v.chain:
		return brk("record of another chain")
	case r.Seq != v.nextSeq:
		return brk(fmt.Sprintf("sequence gap: want %d", v.nextSeq))
	case r.PrevHash != v.prevHash:
		return brk("previous hash does not match the previous record")
	case Compute(r) != r.Hash:
		return brk("record content does not match its hash (modified)")
	}
	v.prevHash, v.nextSeq = r.Hash, r.Seq+1
	return nil
}

// Head checks that the chain ends where the chain head says it does, which detects
// deleted trailing records.
func (v *Verifier) Head(seq int64, hash string) error {
	if seq != v.nextSeq-1 || hash != v.prevHash {
		return &Break{Chain: v.chain, Seq: v.nextSeq, Reason: fmt.Sprintf("chain head says seq %d, records end at %d (records deleted?)", seq, v.nextSeq-1)}
	}
	return nil
}

type actorKey struct{}

// WithActor names who acts in ctx: "user:motcua", "cli:root", "system".
func WithActor(ctx context.Context, actor string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor)
}

// ActorFrom returns the actor of ctx ("system" when none was set).
func ActorFrom(ctx context.Context) string {
	if a, ok := ctx.Value(actorKey{}).(string); ok && a != "" {
		return a
	}
	return "system"
}
