package dossierfile

import (
	"bytes"
	"context"
	"image/jpeg"
	"io"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/pdf"
)

// PreviewWidth is the width of the JPEG shown for an image (?preview=1).
const PreviewWidth = 1024

var errNoPreview = apperr.New(apperr.Invalid, "preview_not_available", "Chỉ ảnh mới có bản xem thu nhỏ.")

// Content is an attachment opened to be sent: its bytes (the caller closes Body) and
// how they are described.
type Content struct {
	Body io.ReadSeekCloser
	Meta Meta
}

// Meta describes the bytes of a Content. It has httpx.FileMeta's fields, so that the
// pages and the API hand it to httpx.ServeFile by a conversion.
type Meta struct {
	Name        string // the file name given to the browser
	ContentType string // the sniffed type, or application/octet-stream
	ETag        string // quoted
	Inline      bool   // shown in the browser; otherwise only downloaded
	Modified    time.Time
}

// Open reads an attachment to be served: its sniffed type (a type not accepted at
// upload is application/octet-stream, never interpreted), shown in the browser or
// downloaded as inlineAllowed decides; with preview an image as a JPEG at most
// PreviewWidth wide, made once and then read from the blob store.
func (s *Service) Open(ctx context.Context, f dossier.File, preview bool) (Content, error) {
	if s.Blobs == nil {
		return Content{}, ErrNoBlobStore
	}
	activePDF, err := s.activePDF(ctx, f)
	if err != nil {
		return Content{}, err
	}
	m := Meta{Name: f.FileName, Inline: inlineAllowed(f.ContentType, activePDF), Modified: f.CreatedAt}
	key := f.BlobKey
	if preview {
		if !attach.IsImage(f.ContentType) {
			return Content{}, errNoPreview
		}
		if key, err = s.preview(ctx, f); err != nil {
			return Content{}, err
		}
		// Our own JPEG, made from an image: always shown.
		m.ContentType, m.ETag = attach.JPEG, `"`+f.BlobKey+`-p`+strconv.Itoa(PreviewWidth)+`"`
		m.Name, m.Inline = strings.TrimSuffix(m.Name, path.Ext(m.Name))+"-xem-truoc.jpg", true
	} else {
		m.ContentType, m.ETag = f.ContentType, `"`+f.BlobKey+`"`
		if attach.Extension(m.ContentType) == "" {
			m.ContentType = "application/octet-stream" // not a type we accept: never interpreted
		}
	}
	rc, err := s.Blobs.Open(ctx, key)
	if err != nil {
		return Content{}, err
	}
	return Content{Body: rc, Meta: m}, nil
}

// activePDFs remembers, per blob, whether a PDF carries active content. Blobs are
// content-addressed, so an answer never goes stale; the map is emptied when full.
var activePDFs = struct {
	sync.Mutex
	m map[string]bool
}{m: map[string]bool{}}

const activePDFsMax = 4096

// activePDF reports whether f is a PDF that carries active content (JavaScript, an
// automatic action, an embedded file: pdf.ActiveContent). Results with it are
// refused at upload; a citizen's paper with it is accepted, and so are files stored
// before the check existed, but they are only ever downloaded, never opened in the
// office's browser. A PDF that cannot be read within the limits counts as active.
func (s *Service) activePDF(ctx context.Context, f dossier.File) (bool, error) {
	if f.ContentType != attach.PDF {
		return false, nil
	}
	activePDFs.Lock()
	active, known := activePDFs.m[f.BlobKey]
	activePDFs.Unlock()
	if known {
		return active, nil
	}
	rc, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return false, err
	}
	data, err := io.ReadAll(io.LimitReader(rc, f.Size+1))
	rc.Close()
	if err != nil {
		return false, err
	}
	active, err = pdf.ActiveContent(data)
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

// previewSlot lets one preview be made at a time in the process: each image's preview
// is made once, and one decoding at a time keeps the memory of previews within one
// image's budget (attach.DecodeBudget) however many are asked for at once.
var previewSlot = make(chan struct{}, 1)

// preview returns the key of the blob holding f's preview, making it on the first
// request: the image decoded within its budget, scaled down, encoded as JPEG, stored
// content-addressed and recorded under the original's key and the width.
func (s *Service) preview(ctx context.Context, f dossier.File) (string, error) {
	if key, err := s.Store.BlobPreview(ctx, f.BlobKey, PreviewWidth); err != nil || key != "" {
		return key, err
	}
	select {
	case previewSlot <- struct{}{}:
		defer func() { <-previewSlot }()
	case <-ctx.Done():
		return "", ctx.Err()
	}
	// Another request may have made it while this one waited.
	if key, err := s.Store.BlobPreview(ctx, f.BlobKey, PreviewWidth); err != nil || key != "" {
		return key, err
	}
	rc, err := s.Blobs.Open(ctx, f.BlobKey)
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
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(b.Bytes()), int64(b.Len()))
	if err != nil {
		return "", err
	}
	if err := s.Store.SaveBlobPreview(ctx, f.BlobKey, PreviewWidth, key, size); err != nil {
		return "", err
	}
	if s.PreviewMade != nil {
		s.PreviewMade()
	}
	return key, nil
}
