package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/xaso-vn/xaso/internal/signing"
)

// AddSignedResult records a signed result of a dossier in one transaction: it registers
// the bytes' SHA-256 in the register of issued documents under the dossier's next code
// <dossier code>-KQ<n>, and attaches the file (whose bytes are already in the blob store)
// named by that code. Signing the same bytes again changes nothing and returns the first
// entry's code with the file attached then.
func (s *Store) AddSignedResult(ctx context.Context, dossierCode string, f DossierFile, sha string) (DossierFile, signing.IssuedDocument, error) {
	sha = strings.ToLower(sha)
	var doc signing.IssuedDocument
	out := f
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT sha256, dossier_code, document_code, issued_at FROM issued_documents WHERE sha256 = $1`, sha).
			Scan(&doc.SHA256, &doc.DossierCode, &doc.DocumentCode, &doc.IssuedAt)
		switch {
		case err == nil:
			prev, err := scanFile(tx.QueryRowContext(ctx, `SELECT `+fileCols+` FROM dossier_files WHERE dossier_id = $1 AND blob_key = $2
				AND kind = 'result' ORDER BY id LIMIT 1`, f.DossierID, f.BlobKey))
			if err != nil {
				return fmt.Errorf("store: signed result %s without its file: %w", doc.DocumentCode, err)
			}
			out = prev
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if doc, err = s.registerIssued(ctx, tx, f.UnitID, dossierCode, sha); err != nil {
			return err
		}
		f.Kind, f.FileName = "result", doc.DocumentCode+".pdf"
		out, err = s.insertFile(ctx, tx, dossierCode, f)
		return err
	})
	if err != nil {
		return out, doc, fmt.Errorf("store: signed result of %s: %w", dossierCode, mapErr(err))
	}
	return out, doc, nil
}
