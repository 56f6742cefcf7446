package store

import (
	"context"

	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/payment"
)

// The reads of a citizen's "Hồ sơ của tôi" (internal/mine): each section is one query
// over what the citizen owns, never one query per dossier.

// OwnedDossiers lists the dossiers a citizen owns, by urgency (Store.Dossiers), with
// their count.
func (s *Store) OwnedDossiers(ctx context.Context, ownerID int64, limit, offset int) ([]dossier.Dossier, int, error) {
	return s.Dossiers(ctx, DossierQuery{OwnerID: ownerID, Limit: limit, Offset: offset})
}

// SupplementReasons is, for each dossier of ownerID waiting for a supplement, the
// reason of the last request for it (the note of its request_supplement event).
func (s *Store) SupplementReasons(ctx context.Context, ownerID int64) (map[int64]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT e.dossier_id, e.note FROM dossier_events e JOIN dossiers d ON d.id = e.dossier_id
		WHERE d.owner_id = $1 AND d.status = $2 AND e.action = $3 ORDER BY e.id`,
		ownerID, dossier.StatusSupplementRequested, dossier.ActRequestSupplement)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var note string
		if err := rows.Scan(&id, &note); err != nil {
			return nil, mapErr(err)
		}
		out[id] = note // the later request wins
	}
	return out, mapErr(rows.Err())
}

// Helpers names the members who filed ownerID's dossiers for them (assisted), by user id.
func (s *Store) Helpers(ctx context.Context, ownerID int64) (map[int64]string, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT DISTINCT u.id, u.full_name FROM dossiers d JOIN users u ON u.id = d.assisted_by
		WHERE d.owner_id = $1 AND d.channel = $2`, ownerID, dossier.ChannelAssisted)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, mapErr(err)
		}
		out[id] = name
	}
	return out, mapErr(rows.Err())
}

// PaymentRequestsOfDossiers returns the requests of the dossiers ids, oldest first, in
// one query.
func (s *Store) PaymentRequestsOfDossiers(ctx context.Context, ids []int64) ([]payment.StoredRequest, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return paymentRequestsWhere(ctx, s.r, "r.dossier_id IN ("+placeholders(1, len(ids))+")", anyIDs(ids)...)
}

// OwnerPaymentRequests returns the payment requests of the dossiers ownerID owns, the
// latest first, at most limit.
func (s *Store) OwnerPaymentRequests(ctx context.Context, ownerID int64, limit int) ([]payment.StoredRequest, error) {
	limit, _ = page(limit, 0)
	rows, err := s.r.QueryContext(ctx, `SELECT `+paymentCols+paymentFrom+` JOIN dossiers d ON d.id = r.dossier_id
		WHERE d.owner_id = $1 ORDER BY r.id DESC LIMIT $2`, ownerID, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []payment.StoredRequest
	for rows.Next() {
		r, err := scanPaymentRequest(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, mapErr(rows.Err())
}

// OwnerResultFiles returns the result files of the dossiers ownerID owns that have
// their result (resolved or returned), the latest dossier first and each dossier's
// files in order, at most limit, with what the register knows of each (signed by xaso,
// the latest version). The caller keeps those the applicant sees
// (dossierfile.ApplicantSees).
func (s *Store) OwnerResultFiles(ctx context.Context, ownerID int64, limit int) ([]dossierfile.OwnedResult, error) {
	limit, _ = page(limit, 0)
	rows, err := s.r.QueryContext(ctx, `SELECT f.id, f.dossier_id, f.unit_id, f.kind, f.name, f.file_name, f.content_type, f.size,
		f.blob_key, f.digitised, f.uploaded_by, f.created_at, f.result_number, f.result_book, f.result_issuer,
		d.code, d.procedure_name, d.status, i.sha256 IS NOT NULL,
		(SELECT COUNT(*) FROM issued_documents l WHERE l.document_code = i.document_code AND l.version > i.version)
		FROM dossier_files f JOIN dossiers d ON d.id = f.dossier_id LEFT JOIN issued_documents i ON i.sha256 = f.blob_key
		WHERE d.owner_id = $1 AND f.kind = $2 AND d.status IN ($3, $4)
		ORDER BY f.dossier_id DESC, f.id LIMIT $5`,
		ownerID, dossierfile.KindResult, dossier.StatusResolved, dossier.StatusReturned, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []dossierfile.OwnedResult
	for rows.Next() {
		var o dossierfile.OwnedResult
		var later int
		f, err := scanFile(rows, &o.DossierCode, &o.ProcedureName, &o.Status, &o.Reg.Signed, &later)
		if err != nil {
			return nil, mapErr(err)
		}
		o.File, o.Reg.Latest = f, o.Reg.Signed && later == 0
		out = append(out, o)
	}
	return out, mapErr(rows.Err())
}
