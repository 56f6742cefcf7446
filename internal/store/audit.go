package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/xaso-vn/xaso/internal/audit"
)

// appendAudit appends ev to its chain inside tx, so the record commits with the change it
// describes or not at all. The upsert of the chain head (a new chain starts at the
// genesis hash) takes the next sequence number and locks that chain's row until commit:
// appends to one chain are serialised, other chains do not wait.
func (s *Store) appendAudit(ctx context.Context, tx *sql.Tx, ev audit.Event) error {
	r := audit.Record{Chain: ev.Chain, At: s.timestamp(), Actor: audit.ActorFrom(ctx), Event: ev}
	if err := tx.QueryRowContext(ctx, `INSERT INTO audit_chains (chain_id, seq, head_hash) VALUES ($1, 1, $2)
		ON CONFLICT (chain_id) DO UPDATE SET seq = audit_chains.seq + 1 RETURNING seq, head_hash`,
		ev.Chain, audit.GenesisHash).Scan(&r.Seq, &r.PrevHash); err != nil {
		return fmt.Errorf("store: audit chain %d: %w", ev.Chain, err)
	}
	r.Hash = audit.Compute(r)
	if _, err := tx.ExecContext(ctx, `INSERT INTO audit_log (chain_id, seq, at, actor, action, object_type, object_id, fields, prev_hash, hash)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		r.Chain, r.Seq, r.At, r.Actor, ev.Action, ev.ObjectType, ev.ObjectID, strings.Join(ev.Fields, ","), r.PrevHash, r.Hash); err != nil {
		return fmt.Errorf("store: audit append: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `UPDATE audit_chains SET head_hash = $1 WHERE chain_id = $2`, r.Hash, ev.Chain); err != nil {
		return fmt.Errorf("store: audit chain %d: %w", ev.Chain, err)
	}
	return nil
}

// AppendAudit records an event that changes no other data (a login, a failed login).
func (s *Store) AppendAudit(ctx context.Context, ev audit.Event) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.appendAudit(ctx, tx, ev) })
}

// VerifyAudit checks every chain and returns the first break found (an *audit.Break) and
// the number of records checked.
func (s *Store) VerifyAudit(ctx context.Context) (checked int64, err error) {
	type head struct {
		chain, seq int64
		hash       string
	}
	var heads []head
	rows, err := s.r.QueryContext(ctx, `SELECT chain_id, seq, head_hash FROM audit_chains ORDER BY chain_id`)
	if err != nil {
		return 0, mapErr(err)
	}
	for rows.Next() {
		var h head
		if err := rows.Scan(&h.chain, &h.seq, &h.hash); err != nil {
			rows.Close()
			return 0, err
		}
		heads = append(heads, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, mapErr(err)
	}
	for _, h := range heads {
		v := audit.NewVerifier(h.chain)
		n, err := s.verifyChain(ctx, v, h.chain)
		checked += n
		if err != nil {
			return checked, err
		}
		if err := v.Head(h.seq, h.hash); err != nil {
			return checked, err
		}
	}
	return checked, nil
}

func (s *Store) verifyChain(ctx context.Context, v *audit.Verifier, chain int64) (int64, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, seq, at, actor, action, object_type, object_id, fields, prev_hash, hash
		FROM audit_log WHERE chain_id = $1 ORDER BY seq`, chain)
	if err != nil {
		return 0, mapErr(err)
	}
	defer rows.Close()
	var n int64
	for rows.Next() {
		r := audit.Record{Chain: chain}
		var fields string
		if err := rows.Scan(&r.ID, &r.Seq, &r.At, &r.Actor, &r.Event.Action, &r.Event.ObjectType, &r.Event.ObjectID,
			&fields, &r.PrevHash, &r.Hash); err != nil {
			return n, err
		}
		r.Event.Chain = chain
		if fields != "" {
			r.Event.Fields = strings.Split(fields, ",")
		}
		n++
		if err := v.Next(r); err != nil {
			return n, err
		}
	}
	return n, mapErr(rows.Err())
}

// AuditRecords lists the latest records of a chain, newest first.
func (s *Store) AuditRecords(ctx context.Context, chain int64, limit, offset int) ([]audit.Record, int, error) {
	limit, offset = page(limit, offset)
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM audit_log WHERE chain_id = $1`, chain).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, seq, at, actor, action, object_type, object_id, fields, prev_hash, hash
		FROM audit_log WHERE chain_id = $1 ORDER BY seq DESC LIMIT $2 OFFSET $3`, chain, limit, offset)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []audit.Record
	for rows.Next() {
		r := audit.Record{Chain: chain}
		var fields string
		if err := rows.Scan(&r.ID, &r.Seq, &r.At, &r.Actor, &r.Event.Action, &r.Event.ObjectType, &r.Event.ObjectID,
			&fields, &r.PrevHash, &r.Hash); err != nil {
			return nil, 0, err
		}
		r.Event.Chain = chain
		if fields != "" {
			r.Event.Fields = strings.Split(fields, ",")
		}
		out = append(out, r)
	}
	return out, total, mapErr(rows.Err())
}
