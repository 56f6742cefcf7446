package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/signing"
)

// AddSignedDocument records a signed result or form of a dossier in one transaction: it
// registers the bytes' SHA-256 in the register of issued documents as is says (a new
// document's code, or the next version of the document signed before), and attaches the
// file (whose bytes are already in the blob store, f.Kind "result" or "form") named by
// that code. Signing the same bytes again changes nothing and returns the first entry
// with the file attached then.
func (s *Store) AddSignedDocument(ctx context.Context, dossierCode string, f dossier.File, sha string, is DocumentEntry) (dossier.File, signing.IssuedDocument, error) {
	sha = strings.ToLower(sha)
	var doc signing.IssuedDocument
	out := f
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `SELECT sha256, dossier_code, document_code, kind, version, issued_at FROM issued_documents WHERE sha256 = $1`, sha).
			Scan(&doc.SHA256, &doc.DossierCode, &doc.DocumentCode, &doc.Kind, &doc.Version, &doc.IssuedAt)
		switch {
		case err == nil:
			prev, err := scanFile(tx.QueryRowContext(ctx, `SELECT `+fileCols+` FROM dossier_files WHERE dossier_id = $1 AND blob_key = $2
				AND kind = $3 ORDER BY id LIMIT 1`, f.DossierID, f.BlobKey, f.Kind))
			if err != nil {
				return fmt.Errorf("store: signed result %s without its file: %w", doc.DocumentCode, err)
			}
			out = prev
			return nil
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		if doc, err = s.registerIssued(ctx, tx, f.UnitID, dossierCode, sha, is); err != nil {
			return err
		}
		f.FileName = doc.DocumentCode + ".pdf"
		if doc.Version > 1 {
			f.FileName = fmt.Sprintf("%s-v%d.pdf", doc.DocumentCode, doc.Version)
		}
		out, err = s.insertFile(ctx, tx, dossierCode, f)
		return err
	})
	if err != nil {
		return out, doc, fmt.Errorf("store: signed result of %s: %w", dossierCode, mapErr(err))
	}
	return out, doc, nil
}
