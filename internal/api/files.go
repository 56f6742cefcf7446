package api

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"image/jpeg"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/store"
)

// File kinds (dossier_files.kind).
const (
	KindPaper      = "paper"      // a paper of the dossier as filed
	KindSupplement = "supplement" // sent in answer to a supplement request
	KindResult     = "result"     // the result (e.g. the signed decision)
	KindForm       = "form"       // a form 01–06 seal-signed by the organisation
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

// PreviewWidth is the width of the JPEG shown for an image (?preview=1).
const PreviewWidth = 1024

var (
	errMultipart        = apperr.New(apperr.Invalid, "multipart_required", "Hãy gửi tệp dưới dạng multipart/form-data, trường file.")
	errNoFile           = apperr.New(apperr.Invalid, "file_required", "Vui lòng chọn tệp cần đính kèm.")
	errFileKind         = apperr.New(apperr.Invalid, "invalid_file_kind", "Loại tệp phải là paper (giấy tờ), supplement (bổ sung) hoặc result (kết quả).")
	errFileName         = apperr.New(apperr.Invalid, "invalid_file_name", "Tên giấy tờ tối đa 200 ký tự.")
	errNoPreview        = apperr.New(apperr.Invalid, "preview_not_available", "Chỉ ảnh mới có bản xem thu nhỏ.")
	errResultNumberKind = apperr.New(apperr.Invalid, "result_number_not_result",
		"Chỉ tệp kết quả giải quyết mới có số, quyển số và nơi cấp.")
	errResultNumberLength = apperr.New(apperr.Invalid, "result_number_too_long",
		"Số và quyển số tối đa 50 ký tự, nơi cấp tối đa 200 ký tự.")
	// ErrNoBlobStore: attachments are not configured.
	ErrNoBlobStore = apperr.New(apperr.Unavailable, "attachments_unavailable", "Chưa cấu hình nơi lưu tệp đính kèm.")
)

// Upload is one attachment as sent in a multipart form: the fields file, kind, name.
type Upload struct {
	Kind, Name, FileName string
	File                 attach.File
	// A result issued by another system: its number, book and issuer (result only).
	ResultNumber, ResultBook, ResultIssuer string
	// IdemKey is the request's Idempotency-Key: the same key with the same file, kind
	// and name records it once.
	IdemKey string
}

// ReadUpload reads a multipart/form-data body part by part, checking the file as it
// comes (attach.Check) and refusing a body larger than the file limit plus a little for
// the other fields. Nothing touches the disk.
func ReadUpload(w http.ResponseWriter, r *http.Request, limit int64) (Upload, error) {
	if limit <= 0 {
		limit = attach.DefaultLimit
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return Upload{}, errMultipart
	}
	var u Upload
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Upload{}, uploadErr(err)
		}
		switch part.FormName() {
		case "file":
			if seen {
				return Upload{}, errMultipart
			}
			seen = true
			u.FileName = CleanName(part.FileName())
			if u.File, err = attach.Check(part, limit); err != nil {
				return Upload{}, uploadErr(err)
			}
		case "kind", "name", "result_number", "result_book", "result_issuer":
			b, err := io.ReadAll(io.LimitReader(part, 4<<10))
			if err != nil {
				return Upload{}, uploadErr(err)
			}
			v := strings.TrimSpace(norm.NFC.String(string(b)))
			switch part.FormName() {
			case "kind":
				u.Kind = v
			case "name":
				u.Name = v
			case "result_number":
				u.ResultNumber = v
			case "result_book":
				u.ResultBook = v
			case "result_issuer":
				u.ResultIssuer = v
			}
		}
		part.Close()
	}
	if !seen || len(u.File.Data) == 0 {
		return Upload{}, errNoFile
	}
	return u, nil
}

func uploadErr(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return attach.ErrTooLarge.With(err)
	}
	if _, ok := errors.AsType[*apperr.Error](err); ok {
		return err
	}
	return errMultipart.With(err)
}

// CleanName keeps the last element of a client's file name, without control characters,
// at most 200 characters.
func CleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return -1
		}
		return c
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	return name
}

// AddFile stores an upload as an attachment of d: the one way a file is added, from the
// API, the dossier page and the look-up page. The bytes are stored first: the store is
// content-addressed, so a failed row leaves at most an unreferenced blob, never a row
// without its bytes. Officials of d's units may attach any kind; its owner papers and
// supplements (a result comes from the office), while the dossier takes them
// (Dossier.TakesFiles).
func AddFile(ctx context.Context, st *store.Store, blobs blob.Store, d dossier.Dossier, p *auth.Principal, u Upload) (dossier.File, error) {
	if blobs == nil {
		return dossier.File{}, ErrNoBlobStore
	}
	official := d.HandledBy(p)
	if err := d.TakesFiles(official); err != nil {
		return dossier.File{}, err
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
			return dossier.File{}, apperr.ErrForbidden
		}
	default:
		return dossier.File{}, errFileKind
	}
	// The name stored and served: the client's, with the extension of the content.
	u.FileName = attach.SafeName(u.FileName, u.File.ContentType)
	if u.Name == "" {
		u.Name = u.FileName
	}
	if len([]rune(u.Name)) > 200 {
		return dossier.File{}, errFileName
	}
	if u.Kind != KindResult && u.ResultNumber+u.ResultBook+u.ResultIssuer != "" {
		return dossier.File{}, errResultNumberKind
	}
	if len([]rune(u.ResultNumber)) > 50 || len([]rune(u.ResultBook)) > 50 || len([]rune(u.ResultIssuer)) > 200 {
		return dossier.File{}, errResultNumberLength
	}
	if u.Kind == KindResult && u.File.ContentType == attach.PDF {
		if err := checkResultPDF(u.File.Data); err != nil {
			return dossier.File{}, err
		}
	}
	if u.IdemKey == "" {
		// Asked before the bytes are stored, so that a refused file leaves nothing; the
		// store asks again when it records the file (and only then for a retried
		// request, which may have been recorded already).
		if err := st.CheckUploadCaps(ctx, d.ID, p.UserID, 1, int64(len(u.File.Data))); err != nil {
			return dossier.File{}, err
		}
	}
	key, size, err := blobs.Put(ctx, bytes.NewReader(u.File.Data), int64(len(u.File.Data)))
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
	return st.AddDossierFile(ctx, d.Code, f)
}

// checkResultPDF refuses a result PDF that carries JavaScript, an automatic action or an
// embedded file (signing.ActiveContent): citizens open results, trusting them as the
// office's, in whatever reader they have. A file that cannot be read within the limits
// of reading a PDF is refused with that limit's code.
func checkResultPDF(pdf []byte) error {
	active, err := signing.ActiveContent(pdf)
	if err != nil {
		return err
	}
	if active {
		return signing.ErrPDFActiveContent
	}
	return nil
}

// FileItem is an attachment as the API shows it.
type FileItem struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Digitised   bool   `json:"digitised"`
	// A result issued by another system (e.g. the civil-status register).
	ResultNumber string `json:"result_number,omitempty"`
	ResultBook   string `json:"result_book,omitempty"`
	ResultIssuer string `json:"result_issuer,omitempty"`
	UploadedAt   string `json:"uploaded_at"`
	URL          string `json:"url"`
	PreviewURL   string `json:"preview_url,omitempty"`
}

func fileItem(code string, f dossier.File) FileItem {
	it := FileItem{ID: f.ID, Kind: f.Kind, Name: f.Name, FileName: f.FileName, ContentType: f.ContentType, Size: f.Size,
		Digitised: f.Digitised, ResultNumber: f.ResultNumber, ResultBook: f.ResultBook, ResultIssuer: f.ResultIssuer,
		UploadedAt: *rfc3339(f.CreatedAt), URL: httpx.FileURL(code, f.ID)}
	if attach.IsImage(f.ContentType) {
		it.PreviewURL = it.URL + "?preview=1"
	}
	return it
}

func (h handlers) addFile(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.load(r)
	if err != nil {
		return err
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	u, err := ReadUpload(w, r, h.FileLimit)
	if err != nil {
		return err
	}
	u.IdemKey = key
	f, err := AddFile(r.Context(), h.Store, h.Blobs, d, auth.PrincipalFrom(r.Context()), u)
	if err != nil {
		return err
	}
	w.Header().Set("Location", httpx.FileURL(d.Code, f.ID))
	status := http.StatusCreated
	if f.Replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return httpx.WriteJSON(w, status, fileItem(d.Code, f))
}

func (h handlers) listFiles(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.load(r)
	if err != nil {
		return err
	}
	fs, err := h.Store.DossierFiles(r.Context(), d.ID)
	if err != nil {
		return err
	}
	items := make([]FileItem, 0, len(fs))
	for _, f := range fs {
		items = append(items, fileItem(d.Code, f))
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, len(items)))
}

func (h handlers) getFile(w http.ResponseWriter, r *http.Request) error {
	d, _, err := h.load(r)
	if err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return store.ErrFileNotFound
	}
	f, err := h.Store.DossierFile(r.Context(), id)
	if err != nil {
		return err
	}
	if f.DossierID != d.ID {
		return store.ErrFileNotFound
	}
	return Files{Store: h.Store, Blobs: h.Blobs, PreviewMade: h.PreviewMade}.Serve(w, r, f)
}

// Files serves attachments and their previews.
type Files struct {
	Store *store.Store
	Blobs blob.Store
	// PreviewMade, when set, is called after each preview made from its image, that is
	// after each decoding of an image for viewing (the xaso_previews_made_total metric).
	PreviewMade func()
}

// Serve writes an attachment: its sniffed type, never re-sniffed (nosniff), shown in
// the browser or downloaded as inlineAllowed decides; with ?preview=1 an image as a JPEG
// at most PreviewWidth wide, made once and then read from the blob store.
func (fs Files) Serve(w http.ResponseWriter, r *http.Request, f dossier.File) error {
	if fs.Blobs == nil {
		return ErrNoBlobStore
	}
	ctx := r.Context()
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, max-age=3600")
	name, key := f.FileName, f.BlobKey
	activePDF, err := fs.activePDF(ctx, f)
	if err != nil {
		return err
	}
	disposition := "attachment"
	if inlineAllowed(f.ContentType, activePDF) {
		disposition = "inline"
	}
	if r.URL.Query().Get("preview") == "1" {
		if !attach.IsImage(f.ContentType) {
			return errNoPreview
		}
		if key, err = fs.preview(ctx, f); err != nil {
			return err
		}
		// Our own JPEG, made from an image: always shown.
		hd.Set("Content-Type", attach.JPEG)
		hd.Set("ETag", `"`+f.BlobKey+`-p`+strconv.Itoa(PreviewWidth)+`"`)
		name, disposition = strings.TrimSuffix(name, path.Ext(name))+"-xem-truoc.jpg", "inline"
	} else {
		ct := f.ContentType
		if attach.Extension(ct) == "" {
			ct = "application/octet-stream" // not a type we accept: never interpreted
		}
		hd.Set("Content-Type", ct)
		hd.Set("ETag", `"`+f.BlobKey+`"`)
	}
	rc, err := fs.Blobs.Open(ctx, key)
	if err != nil {
		return err
	}
	defer rc.Close()
	hd.Set("Content-Disposition", contentDisposition(disposition, name))
	http.ServeContent(w, r, "", f.CreatedAt, rc)
	return nil
}

// activePDFs remembers, per blob, whether a PDF carries active content. Blobs are
// content-addressed, so an answer never goes stale; the map is emptied when full.
var activePDFs = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

const activePDFsMax = 4096

// activePDF reports whether f is a PDF that carries active content (JavaScript, an
// automatic action, an embedded file: signing.ActiveContent). Results with it are
// refused at upload; a citizen's paper with it is accepted, and so are files stored
// before the check existed, but they are only ever downloaded, never opened in the
// office's browser. A PDF that cannot be read within the limits counts as active.
func (fs Files) activePDF(ctx context.Context, f dossier.File) (bool, error) {
	if f.ContentType != attach.PDF {
		return false, nil
	}
	activePDFs.Lock()
	active, known := activePDFs.m[f.BlobKey]
	activePDFs.Unlock()
	if known {
		return active, nil
	}
	rc, err := fs.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return false, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, f.Size+1))
	rc.Close()
	if err != nil {
		return false, err
	}
	active, err = signing.ActiveContent(data)
	active = active || err != nil
	activePDFs.Lock()
	if len(activePDFs.m) >= activePDFsMax {
		clear(activePDFs.m)
	}
	activePDFs.m[f.BlobKey] = active
	activePDFs.Unlock()
	return active, nil
}

// inlineAllowed is the one decision of how an attachment is served: shown in the
// browser (inline) only when it is a PDF or an image of the types accepted and sniffed
// at upload, and not a PDF that carries active content (activePDF: JavaScript,
// /OpenAction); anything else is only downloaded (attachment).
func inlineAllowed(contentType string, activePDF bool) bool {
	switch contentType {
	case attach.PDF:
		return !activePDF
	case attach.JPEG, attach.PNG:
		return true
	}
	return false
}

// contentDisposition names the file for the browser: an ASCII name for old clients
// (Vietnamese without its marks, quotes and backslashes replaced) and the real name in
// RFC 5987 form (filename*), which browsers prefer.
func contentDisposition(disposition, name string) string {
	var ascii, ext strings.Builder
	for _, c := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case c == 'đ':
			ascii.WriteByte('d')
		case c == 'Đ':
			ascii.WriteByte('D')
		case c < 0x20 || c >= 0x7F || c == '"' || c == '\\':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(c)
		}
	}
	for _, b := range []byte(name) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return disposition + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}

// previewSlot lets one preview be made at a time in the process: each image's preview
// is made once, and one decoding at a time keeps the memory of previews within one
// image's budget (attach.DecodeBudget) however many are asked for at once.
var previewSlot = make(chan struct{}, 1)

// preview returns the key of the blob holding f's preview, making it on the first
// request: the image decoded within its budget, scaled down, encoded as JPEG, stored
// content-addressed and recorded under the original's key and the width.
func (fs Files) preview(ctx context.Context, f dossier.File) (string, error) {
	if key, err := fs.Store.BlobPreview(ctx, f.BlobKey, PreviewWidth); err != nil || key != "" {
		return key, err
	}
	select {
	case previewSlot <- struct{}{}:
		defer func() { <-previewSlot }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	// Another request may have made it while this one waited.
	if key, err := fs.Store.BlobPreview(ctx, f.BlobKey, PreviewWidth); err != nil || key != "" {
		return key, err
	}
	rc, err := fs.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return "", err
	}
	data, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return "", err
	}
	img, err := attach.Decode(data)
	if err != nil {
		return "", err
	}
	var b bytes.Buffer
	if err := jpeg.Encode(&b, attach.Thumbnail(img, PreviewWidth), &jpeg.Options{Quality: 82}); err != nil {
		return "", err
	}
	key, size, err := fs.Blobs.Put(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		return "", err
	}
	if err := fs.Store.SaveBlobPreview(ctx, f.BlobKey, PreviewWidth, key, size); err != nil {
		return "", err
	}
	if fs.PreviewMade != nil {
		fs.PreviewMade()
	}
	return key, nil
}
