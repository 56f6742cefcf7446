package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/document"
)

// SetDocumentExchangeStatus records the last exchange status of a document (a status its
// recipient sent, or a recall of one received) with its audit record. It takes the next
// version, so a change made from the document as it was before cannot overwrite it.
func (s *Store) SetDocumentExchangeStatus(ctx context.Context, d document.Document, code string) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE documents SET exchange_status = $1, updated_at = $2, version = version + 1 WHERE id = $3 AND unit_id = $4`,
			code, s.timestamp(), d.ID, d.UnitID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return document.ErrNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.UnitID, Action: "document.exchange_status", ObjectType: "document",
			ObjectID: strconv.FormatInt(d.ID, 10), Fields: []string{"exchange_status"}})
	})
	if err != nil {
		return fmt.Errorf("store: document exchange status: %w", mapErr(err))
	}
	return nil
}
