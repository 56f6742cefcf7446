package api

import (
	"net/http"
	"strconv"

	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
)

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
	hu, err := httpx.ReadUpload(w, r, h.FileLimit, dossierfile.Fields...)
	if err != nil {
		return err
	}
	u := dossierfile.NewUpload(hu.FileName, hu.File, hu.Fields)
	u.IdemKey = key
	f, err := h.Files.Add(r.Context(), d, auth.PrincipalFrom(r.Context()), u)
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
	c, err := h.Files.Open(r.Context(), f, r.URL.Query().Get("preview") == "1")
	if err != nil {
		return err
	}
	defer c.Body.Close()
	httpx.ServeFile(w, r, c.Body, httpx.FileMeta(c.Meta))
	return nil
}
