// Package dossierfile is the attachments of dossiers: the kinds of file and who may add
// which, the rules of a file's name and of a result's number, the upload caps asked
// before the bytes are stored, storing and recording a file (Service.Add), and reading
// one back with its preview and whether it may be shown in the browser (Service.Open).
// The API and the pages call the same Service; what is HTTP (reading a multipart body,
// writing the answer's headers) is httpx's.
package dossierfile

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/pdf"
)

// File kinds (dossier_files.kind).
const (
	KindPaper      = "paper"            // a paper of the dossier as filed
	KindSupplement = "supplement"       // sent in answer to a supplement request
	KindResult     = dossier.ResultKind // the result (e.g. the signed decision)
	KindForm       = "form"             // a form 01–06 seal-signed by the organisation
)

// KindLabel names a file kind in Vietnamese.
func KindLabel(kind string) string {
	switch kind {
	case KindPaper:
		return "Giấy tờ trong hồ sơ"
	case KindSupplement:
		return "Giấy tờ bổ sung"
	case KindResult:
		return "Kết quả giải quyết"
	case KindForm:
		return "Phiếu đã ký số của cơ quan"
	}
	return kind
}

var (
	errFileKind         = apperr.New(apperr.Invalid, "invalid_file_kind", "Loại tệp phải là paper (giấy tờ), supplement (bổ sung) hoặc result (kết quả).")
	errFileName         = apperr.New(apperr.Invalid, "invalid_file_name", "Tên giấy tờ tối đa 200 ký tự.")
	errResultNumberKind = apperr.New(apperr.Invalid, "result_number_not_result",
		"Chỉ tệp kết quả giải quyết mới có số, quyển số và nơi cấp.")
	errResultNumberLength = apperr.New(apperr.Invalid, "result_number_too_long",
		"Số và quyển số tối đa 50 ký tự, nơi cấp tối đa 200 ký tự.")
	// ErrNoBlobStore: attachments are not configured.
	ErrNoBlobStore = apperr.New(apperr.Unavailable, "attachments_unavailable", "Chưa cấu hình nơi lưu tệp đính kèm.")
)

// Store is what the attachments need from storage (store.Store).
type Store interface {
	// CheckUploadCaps refuses files more files of size bytes in all beyond the caps of
	// the dossier and of the user (store.UploadCaps).
	CheckUploadCaps(ctx context.Context, dossierID, userID int64, files int, size int64) error
	// AddDossierFile records a file whose bytes are stored, within the caps, with its
	// audit record, in one transaction.
	AddDossierFile(ctx context.Context, code string, f dossier.File) (dossier.File, error)
	// BlobPreview is the key of the preview of width pixels made from the blob with
	// key ("" when none was made); SaveBlobPreview records one.
	BlobPreview(ctx context.Context, key string, width int) (string, error)
	SaveBlobPreview(ctx context.Context, key string, width int, previewKey string, size int64) error
	// OwnerResultFiles returns the result files of the dossiers ownerID owns that have
	// their result, each dossier's together, at most limit (Service.OwnerResults).
	OwnerResultFiles(ctx context.Context, ownerID int64, limit int) ([]OwnedResult, error)
}

// Service adds and reads dossiers' attachments.
type Service struct {
	Store Store
	// Blobs keeps the files' bytes (nil: attachments answer ErrNoBlobStore).
	Blobs blob.Store
	// PreviewMade, when set, is called after each preview made from its image, that is
	// after each decoding of an image for viewing (the xaso_previews_made_total metric).
	PreviewMade func()
}

// Fields are the form fields of an upload besides its file.
var Fields = []string{"kind", "name", "result_number", "result_book", "result_issuer"}

// Upload is one attachment as sent: the file, its kind and name.
type Upload struct {
	Kind, Name, FileName string
	File                 attach.File
	// A result issued by another system: its number, book and issuer (result only).
	ResultNumber, ResultBook, ResultIssuer string
	// IdemKey is the request's Idempotency-Key: the same key with the same file, kind
	// and name records it once.
	IdemKey string
}

// NewUpload is the upload of file, sent under the client's fileName, with the values of
// the form's Fields.
func NewUpload(fileName string, file attach.File, fields map[string]string) Upload {
	return Upload{FileName: fileName, File: file, Kind: fields["kind"], Name: fields["name"],
		ResultNumber: fields["result_number"], ResultBook: fields["result_book"], ResultIssuer: fields["result_issuer"]}
}

// Add stores an upload as an attachment of d: the one way a file is added, from the
// API, the dossier page and the look-up page. The bytes are stored first: the store is
// content-addressed, so a failed row leaves at most an unreferenced blob, never a row
// without its bytes. Officials of d's units may attach any kind; its owner papers and
// supplements (a result comes from the office), while the dossier takes them
// (Dossier.TakesFiles).
func (s *Service) Add(ctx context.Context, d dossier.Dossier, p *auth.Principal, u Upload) (dossier.File, error) {
	if s.Blobs == nil {
		return dossier.File{}, ErrNoBlobStore
	}
	official := d.HandledBy(p)
	u, err := check(d, official, u)
	if err != nil {
		return dossier.File{}, err
	}
	if u.IdemKey == "" {
		// Asked before the bytes are stored, so that a refused file leaves nothing; the
		// store asks again when it records the file (and only then for a retried
		// request, which may have been recorded already).
		if err := s.Store.CheckUploadCaps(ctx, d.ID, p.UserID, 1, int64(len(u.File.Data))); err != nil {
			return dossier.File{}, err
		}
	}
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(u.File.Data), int64(len(u.File.Data)))
	if err != nil {
		return dossier.File{}, err
	}
	f := dossier.File{DossierID: d.ID, UnitID: d.CompetentUnitID, Kind: u.Kind, Name: u.Name,
		FileName: u.FileName, ContentType: u.File.ContentType, Size: size, BlobKey: key,
		Digitised: official && u.Kind == KindPaper, UploadedBy: p.UserID,
		ResultNumber: u.ResultNumber, ResultBook: u.ResultBook, ResultIssuer: u.ResultIssuer}
	if u.IdemKey != "" {
		sum := sha256.Sum256([]byte(strings.Join([]string{strconv.FormatInt(p.UserID, 10), u.Kind, u.Name, u.FileName, key,
			u.ResultNumber, u.ResultBook, u.ResultIssuer}, "\x00")))
		f.IdemKey, f.IdemHash = u.IdemKey, hex.EncodeToString(sum[:])
	}
	return s.Store.AddDossierFile(ctx, d.Code, f)
}

// check applies the rules of an upload to d by an official of it or not, before
// anything is stored: whether d takes files, which kinds the uploader may add (a
// dossier waiting for a supplement files papers as supplements), the name, a result's
// number and a result PDF's content. It returns the upload with its kind and names
// settled.
func check(d dossier.Dossier, official bool, u Upload) (Upload, error) {
	if err := d.TakesFiles(official); err != nil {
		return u, err
	}
	switch u.Kind {
	case "":
		u.Kind = KindPaper
		if d.Status == dossier.StatusSupplementRequested {
			u.Kind = KindSupplement
		}
	case KindPaper, KindSupplement:
	case KindResult:
		if !official {
			return u, apperr.ErrForbidden
		}
	default:
		return u, errFileKind
	}
	// The name stored and served: the client's, with the extension of the content.
	u.FileName = attach.SafeName(u.FileName, u.File.ContentType)
	if u.Name == "" {
		u.Name = u.FileName
	}
	if len([]rune(u.Name)) > 200 {
		return u, errFileName
	}
	if u.Kind != KindResult && u.ResultNumber+u.ResultBook+u.ResultIssuer != "" {
		return u, errResultNumberKind
	}
	if len([]rune(u.ResultNumber)) > 50 || len([]rune(u.ResultBook)) > 50 || len([]rune(u.ResultIssuer)) > 200 {
		return u, errResultNumberLength
	}
	if u.Kind == KindResult && u.File.ContentType == attach.PDF {
		if err := checkResultPDF(u.File.Data); err != nil {
			return u, err
		}
	}
	return u, nil
}

// checkResultPDF refuses a result PDF that carries JavaScript, an automatic action or an
// embedded file (pdf.ActiveContent): citizens open results, trusting them as the
// office's, in whatever reader they have. A file that cannot be read within the limits
// of reading a PDF is refused with that limit's code.
func checkResultPDF(file []byte) error {
	active, err := pdf.ActiveContent(file)
	if err != nil {
		return err
	}
	if active {
		return pdf.ErrActiveContent
	}
	return nil
}
