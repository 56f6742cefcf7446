package dossier

import (
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Errors of adding a file to a dossier.
var (
	ErrClosed = apperr.New(apperr.Conflict, "dossier_closed",
		"Hồ sơ đã kết thúc (đã trả kết quả, bị từ chối, dừng giải quyết hoặc đã rút), không nhận thêm tệp.")
	ErrNoSupplementAsked = apperr.New(apperr.Conflict, "no_supplement_requested",
		"Hồ sơ không ở trạng thái chờ bổ sung, không cần gửi thêm giấy tờ.")
)

// TakesFiles says whether a file may be added to d now, by an official of it or not
// (its owner, or whoever holds its look-up secret). Nothing is added once the dossier
// has ended. Others than its officials add papers only while it waits to be received
// (the papers of an online filing sent through the API) or waits for a supplement, as
// the look-up page allows: the office works on what it received.
func (d Dossier) TakesFiles(official bool) error {
	switch {
	case d.Status.Final():
		return ErrClosed
	case official:
		return nil
	case d.Status == StatusSubmitted || d.Status == StatusSupplementRequested:
		return nil
	}
	return ErrNoSupplementAsked
}

// File is an attachment of a dossier: its description and the key of its bytes in
// the blob store.
type File struct {
	ID          int64
	DossierID   int64
	UnitID      int64 // the dossier's competent unit
	Kind        string
	Name        string
	FileName    string
	ContentType string
	Size        int64
	BlobKey     string
	Digitised   bool
	// A result issued by another system keeps its number, book and issuer.
	ResultNumber, ResultBook, ResultIssuer string
	UploadedBy                             int64 // 0: unknown
	CreatedAt                              time.Time
	// IdemKey and IdemHash: the upload's Idempotency-Key and what it carried (not read
	// back); Replayed says the key had already recorded this file.
	IdemKey, IdemHash string
	Replayed          bool
}
