package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// ErrFileIdempotency: the Idempotency-Key was used on this dossier with another file.
var ErrFileIdempotency = apperr.New(apperr.Conflict, "idempotency_key_reused",
	"Khóa Idempotency-Key này đã được dùng với một tệp khác của hồ sơ.")

// ErrFileNotFound: no such attachment (or not of this dossier).
var ErrFileNotFound = apperr.New(apperr.NotFound, "file_not_found", "Không tìm thấy tệp đính kèm.")

// AddDossierFile records an attachment of the dossier with code, whose bytes are already
// stored, with its audit record in one transaction, within the upload caps (UploadCaps).
func (s *Store) AddDossierFile(ctx context.Context, code string, f dossier.File) (dossier.File, error) {
	add := func() (dossier.File, error) {
		out := f
		err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
			if f.IdemKey != "" {
				var hash sql.NullString
				prev, err := scanFile(tx.QueryRowContext(ctx, `SELECT `+fileCols+`, idem_hash FROM dossier_files
					WHERE dossier_id = $1 AND idem_key = $2`, f.DossierID, f.IdemKey), &hash)
				switch {
				case err == nil && hash.String == f.IdemHash:
					out, out.Replayed = prev, true
					return nil
				case err == nil:
					return ErrFileIdempotency
				case !errors.Is(err, sql.ErrNoRows):
					return err
				}
			}
			if err := s.checkUploadCaps(ctx, tx, f.DossierID, f.UploadedBy, 1, f.Size); err != nil {
				return err
			}
			var err error
			out, err = s.insertFile(ctx, tx, code, f)
			return err
		})
		return out, err
	}
	out, err := add()
	if err != nil && f.IdemKey != "" && isUnique(err) {
		// The same key raced in from another request: answer as it was answered.
		out, err = add()
	}
	return out, err
}

// insertFile records an attachment and its audit record in tx.
func (s *Store) insertFile(ctx context.Context, tx *sql.Tx, code string, f dossier.File) (dossier.File, error) {
	f.CreatedAt = s.timestamp()
	if err := tx.QueryRowContext(ctx, `INSERT INTO dossier_files (dossier_id, unit_id, kind, name, file_name, content_type, size,
		blob_key, digitised, uploaded_by, created_at, idem_key, idem_hash, result_number, result_book, result_issuer)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id`,
		f.DossierID, f.UnitID, f.Kind, f.Name, f.FileName, f.ContentType, f.Size, f.BlobKey, f.Digitised, nullID(f.UploadedBy),
		f.CreatedAt, nullString(f.IdemKey), nullString(f.IdemHash), f.ResultNumber, f.ResultBook, f.ResultIssuer).Scan(&f.ID); err != nil {
		return f, fmt.Errorf("store: dossier %s file: %w", code, err)
	}
	return f, s.appendAudit(ctx, tx, audit.Event{Chain: f.UnitID, Action: "dossier.file_added", ObjectType: "dossier",
		ObjectID: code, Fields: []string{"files"}})
}

const fileCols = `id, dossier_id, unit_id, kind, name, file_name, content_type, size, blob_key, digitised, uploaded_by, created_at,
	result_number, result_book, result_issuer`

func scanFile(row interface{ Scan(...any) error }, more ...any) (dossier.File, error) {
	var f dossier.File
	var by sql.NullInt64
	err := row.Scan(append([]any{&f.ID, &f.DossierID, &f.UnitID, &f.Kind, &f.Name, &f.FileName, &f.ContentType, &f.Size, &f.BlobKey,
		&f.Digitised, &by, &f.CreatedAt, &f.ResultNumber, &f.ResultBook, &f.ResultIssuer}, more...)...)
	f.UploadedBy, f.CreatedAt = by.Int64, f.CreatedAt.UTC()
	return f, err
}

// DossierFiles lists a dossier's attachments, oldest first.
func (s *Store) DossierFiles(ctx context.Context, dossierID int64) ([]dossier.File, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+fileCols+` FROM dossier_files WHERE dossier_id = $1 ORDER BY id`, dossierID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := []dossier.File{}
	for rows.Next() {
		f, err := scanFile(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, mapErr(rows.Err())
}

// DossierFile loads one attachment.
func (s *Store) DossierFile(ctx context.Context, id int64) (dossier.File, error) {
	f, err := scanFile(s.r.QueryRowContext(ctx, `SELECT `+fileCols+` FROM dossier_files WHERE id = $1`, id))
	if err != nil {
		return f, notFound(err, ErrFileNotFound)
	}
	return f, nil
}

// nullString stores "" as NULL.
func nullString(v string) any {
	if v == "" {
		return nil
	}
	return v
}

// BlobPreview returns the key of the preview of width pixels made from the blob with
// key, or "" when none has been made yet.
func (s *Store) BlobPreview(ctx context.Context, key string, width int) (string, error) {
	var preview string
	err := s.r.QueryRowContext(ctx, `SELECT preview_key FROM blob_previews WHERE blob_key = $1 AND width = $2`,
		key, width).Scan(&preview)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return preview, mapErr(err)
}

// SaveBlobPreview records that the preview of width pixels of the blob with key is the
// blob previewKey. The first one recorded stays. It is derived data, not a change of any
// record, and so is not audited.
func (s *Store) SaveBlobPreview(ctx context.Context, key string, width int, previewKey string, size int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO blob_previews (blob_key, width, preview_key, size) VALUES ($1, $2, $3, $4)
			ON CONFLICT (blob_key, width) DO NOTHING`, key, width, previewKey, size)
		return err
	})
}
