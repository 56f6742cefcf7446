package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xaso-vn/xaso/internal/api"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/store"
)

// Signing a result from the dossier page. The leader signs the result PDF with their
// personal key, the clerk adds the organisation's seal; each signature is an incremental
// update, so the earlier ones stay valid. The signed PDF is attached as a new result named
// by its code <dossier code>-KQ<n>, in the transaction that enters it in the register of
// issued documents (what /xac-thuc and `xaso verify --db` look up). Keys are stored
// sealed (xaso signkey add); the passphrase is typed at each signing and never kept.

// signView is the signing form of a dossier page.
type signView struct {
	Keys  []option // the officer's keys for the dossier's unit
	Files []option // the result PDFs that can be signed
	Error string
}

// signable lists the statuses whose result may be signed.
func signable(st dossier.Status) bool {
	return st == dossier.StatusProcessing || st == dossier.StatusResolved || st == dossier.StatusReturned
}

// signForm is the signing form for the officer, or nil when they hold no key for the
// dossier's unit or there is no result PDF to sign.
func (s *Server) signForm(ctx context.Context, d dossier.Dossier, files []fileRow, last *attempt) (*signView, error) {
	if !signable(d.Status) {
		return nil, nil
	}
	p := auth.PrincipalFrom(ctx)
	keys, err := s.Store.SigningKeys(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	v := &signView{}
	for _, k := range keys {
		if k.UnitID == d.CompetentUnitID {
			label := "Chữ ký số cá nhân"
			if k.Kind == "seal" {
				label = "Chữ ký số của cơ quan (con dấu)"
			}
			v.Keys = append(v.Keys, option{strconv.FormatInt(k.ID, 10), fmt.Sprintf("%s — %s (hết hạn %s)", label, k.Subject,
				k.NotAfter.In(ict).Format("02/01/2006"))})
		}
	}
	for _, f := range files {
		if f.result && f.PDF {
			v.Files = append(v.Files, option{strconv.FormatInt(f.id, 10), f.Name + " (" + f.FileName + ")"})
		}
	}
	if len(v.Keys) == 0 || len(v.Files) == 0 {
		return nil, nil
	}
	if last != nil && last.sign {
		v.Error = last.err
	}
	return v, nil
}

var (
	errSignKey  = apperr.New(apperr.Invalid, "signing_key_required", "Chọn khóa ký số của bạn.")
	errSignFile = apperr.New(apperr.Invalid, "result_file_required", "Chọn tệp kết quả (PDF) cần ký.")
	errSignPass = apperr.New(apperr.Invalid, "passphrase_required", "Nhập mật khẩu của khóa ký số.")
	errSignNot  = apperr.New(apperr.Conflict, "result_not_signable",
		"Chỉ ký được kết quả của hồ sơ đang giải quyết, đã có kết quả hoặc đã trả kết quả.")
)

// signResult signs a result PDF of the dossier with the officer's key.
func (s *Server) signResult(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	signed, doc, err := s.sign(ctx, d, p, r.PostFormValue("file"), r.PostFormValue("key"), r.PostFormValue("passphrase"))
	if err != nil {
		e := apperr.From(err)
		switch e.Kind {
		case apperr.Unauthenticated: // a wrong passphrase: the officer stays logged in
			return s.renderDossier(w, r, http.StatusUnprocessableEntity, d, a, &attempt{err: e.Message, sign: true})
		case apperr.Invalid, apperr.Conflict, apperr.NotFound:
			return s.renderDossier(w, r, e.Kind.HTTPStatus(), d, a, &attempt{err: e.Message, sign: true})
		}
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã ký số kết quả: %s (%s).", doc.DocumentCode, signed.FileName))
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code)+"#giay-to", http.StatusSeeOther)
	return nil
}

func (s *Server) sign(ctx context.Context, d dossier.Dossier, p *auth.Principal, fileID, keyID, passphrase string) (store.DossierFile, signing.IssuedDocument, error) {
	var none signing.IssuedDocument
	if !signable(d.Status) {
		return store.DossierFile{}, none, errSignNot
	}
	fid, err := strconv.ParseInt(fileID, 10, 64)
	if err != nil {
		return store.DossierFile{}, none, errSignFile
	}
	kid, err := strconv.ParseInt(keyID, 10, 64)
	if err != nil {
		return store.DossierFile{}, none, errSignKey
	}
	if passphrase == "" {
		return store.DossierFile{}, none, errSignPass
	}
	f, err := s.Store.DossierFile(ctx, fid)
	if err != nil || f.DossierID != d.ID || f.Kind != api.KindResult || f.ContentType != attach.PDF {
		return store.DossierFile{}, none, errSignFile
	}
	k, err := s.Store.SigningKey(ctx, kid)
	if err != nil || k.UserID != p.UserID || k.UnitID != d.CompetentUnitID {
		return store.DossierFile{}, none, errSignKey
	}
	signer, err := signing.OpenSealedPKCS12(k.Sealed, passphrase)
	if err != nil {
		return store.DossierFile{}, none, err
	}
	if s.Blobs == nil {
		return store.DossierFile{}, none, api.ErrNoBlobStore
	}
	rc, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return store.DossierFile{}, none, err
	}
	pdf, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return store.DossierFile{}, none, err
	}
	u, err := s.Store.UnitByID(ctx, d.CompetentUnitID)
	if err != nil {
		return store.DossierFile{}, none, err
	}
	opts := signing.Options{Reason: "Ký duyệt kết quả giải quyết hồ sơ " + d.Code, Location: u.Name}
	if k.Kind == "seal" {
		opts.Reason = "Ký số của cơ quan, tổ chức: " + u.Name
	}
	// The first signature of a result shows the text block of an electronic document
	// (Decree 30/2020, Appendix I): who issued it, its code, the signing time. Later
	// signatures add to the same file without a second block.
	before := sha256.Sum256(pdf)
	if issued, err := s.Store.IssuedDocumentBySHA256(ctx, hex.EncodeToString(before[:])); err != nil {
		return store.DossierFile{}, none, err
	} else if issued == nil {
		opts.Appearance = &signing.Appearance{TextBlock: true, Organization: u.Name, DocumentNumber: d.Code}
	}
	out, err := signing.SignPDF(ctx, pdf, signer, opts)
	if err != nil {
		return store.DossierFile{}, none, err
	}
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return store.DossierFile{}, none, err
	}
	sum := sha256.Sum256(out)
	name := "Kết quả đã ký số"
	if k.Kind == "seal" {
		name = "Kết quả đã ký số và đóng dấu số"
	}
	return s.Store.AddSignedResult(ctx, d.Code, store.DossierFile{DossierID: d.ID, UnitID: d.CompetentUnitID, Name: name,
		ContentType: attach.PDF, Size: size, BlobKey: key, UploadedBy: p.UserID}, hex.EncodeToString(sum[:]))
}
