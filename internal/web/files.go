package web

import (
	"context"
	"fmt"
	"github.com/xaso-vn/xaso/internal/signing"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// fileRow is an attachment on the dossier page.
type fileRow struct {
	Name, FileName, Kind, Size, At string
	URL, PreviewURL                string
	PDF, Digitised                 bool
	Issued                         string // a result issued elsewhere: "số …, quyển số …, …"
	// SignedBy lists the signatures of a file xaso signed: "Ký bởi …, … lúc …".
	SignedBy []string
	id       int64
	result   bool
	// doc is the file's entry in the register of documents xaso signed (nil: none);
	// at and by, when and by whom it was added.
	doc *signing.IssuedDocument
	at  time.Time
	by  int64
}

// issuedAs describes a result's number, book and issuer as a person reads them.
func issuedAs(f dossier.File) string {
	var parts []string
	if f.ResultNumber != "" {
		parts = append(parts, "số "+f.ResultNumber)
	}
	if f.ResultBook != "" {
		parts = append(parts, "quyển số "+f.ResultBook)
	}
	if f.ResultIssuer != "" {
		parts = append(parts, "cấp qua "+f.ResultIssuer)
	}
	return strings.Join(parts, ", ")
}

func (s *Server) fileRows(ctx context.Context, d dossier.Dossier) ([]fileRow, error) {
	fs, err := s.Store.DossierFiles(ctx, d.ID)
	if err != nil {
		return nil, err
	}
	var out []fileRow
	for _, f := range fs {
		row := fileRow{Name: f.Name, FileName: f.FileName, Kind: dossierfile.KindLabel(f.Kind), Size: byteSize(f.Size), At: shortTime(f.CreatedAt),
			URL: httpx.FileURL(d.Code, f.ID), PDF: f.ContentType == attach.PDF, Digitised: f.Digitised, Issued: issuedAs(f),
			id: f.ID, result: f.Kind == dossierfile.KindResult, at: f.CreatedAt, by: f.UploadedBy}
		if f.Kind == dossierfile.KindResult || f.Kind == dossierfile.KindForm {
			if row.doc, err = s.Store.IssuedDocumentBySHA256(ctx, f.BlobKey); err != nil {
				return nil, err
			}
			if row.doc != nil {
				row.SignedBy = s.signedBy(ctx, f)
			}
		}
		if attach.IsImage(f.ContentType) {
			row.PreviewURL = row.URL + "?preview=1"
		}
		out = append(out, row)
	}
	return out, nil
}

// serveFile sends an attachment of a dossier as the API does (dossierfile.Service.Open),
// sharing its previews.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, f dossier.File) error {
	c, err := s.Files.Open(r.Context(), f, r.URL.Query().Get("preview") == "1")
	if err != nil {
		return err
	}
	defer c.Body.Close()
	httpx.ServeFile(w, r, c.Body, httpx.FileMeta(c.Meta))
	return nil
}

// readUpload reads an attachment sent from a page's form (httpx.ReadUpload).
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request) (dossierfile.Upload, error) {
	u, err := httpx.ReadUpload(w, r, s.FileLimit, dossierfile.Fields...)
	if err != nil {
		return dossierfile.Upload{}, err
	}
	return dossierfile.NewUpload(u.FileName, u.File, u.Fields), nil
}

// byteSize writes a size the way people read it.
func byteSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%d byte", n)
}

// dossierUpload attaches a file from the dossier page's form (multipart, no script
// needed) and returns to the page with a flash; a refused file is explained on the page.
func (s *Server) dossierUpload(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	var f dossier.File
	u, err := s.readUpload(w, r)
	if err == nil {
		f, err = s.Files.Add(ctx, d, auth.PrincipalFrom(ctx), u)
	}
	if err != nil {
		e, ok := s.uploadProblem(err)
		if !ok {
			return err
		}
		return s.renderDossier(w, r, e.Kind.HTTPStatus(), d, a, &attempt{err: e.Message, upload: true})
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã đính kèm “%s” vào hồ sơ %s.", f.Name, d.Code))
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code)+"#giay-to", http.StatusSeeOther)
	return nil
}
