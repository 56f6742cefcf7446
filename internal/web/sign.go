package web

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/printing"
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
	// Selected is the file the officer most likely signs now: for the clerk's seal, the
	// latest version the leader signed; for the leader, the newest draft.
	Selected string
	Error    string
}

// signable lists the statuses whose result may be signed.
func signable(st dossier.Status) bool {
	return st == dossier.StatusProcessing || st == dossier.StatusResolved || st == dossier.StatusReturned
}

// signForm is the signing form for the officer, or nil when they hold no key for the
// dossier's unit or there is nothing to sign: the result PDFs (while the dossier is being
// processed or after), and, for the holder of the organisation's seal, the forms 01–06
// the dossier can print (drawn and signed at once).
func (s *Server) signForm(ctx context.Context, d dossier.Dossier, files []fileRow, forms []printLink, last *attempt) (*signView, error) {
	p := auth.PrincipalFrom(ctx)
	keys, err := s.Store.SigningKeys(ctx, p.UserID)
	if err != nil {
		return nil, err
	}
	v := &signView{}
	seal := false
	for _, k := range keys {
		if k.UnitID == d.CompetentUnitID {
			label := "Chữ ký số cá nhân"
			if k.Kind == "seal" {
				label, seal = "Chữ ký số của cơ quan (con dấu)", true
			}
			v.Keys = append(v.Keys, option{strconv.FormatInt(k.ID, 10), fmt.Sprintf("%s — %s (hết hạn %s)", label, k.Subject,
				k.NotAfter.In(locale.Zone).Format("02/01/2006"))})
		}
	}
	if signable(d.Status) {
		var signed, drafts []option
		for _, f := range files {
			if !f.result || !f.PDF {
				continue
			}
			o := option{strconv.FormatInt(f.id, 10), f.FileName + " — " + f.Name}
			switch {
			case f.doc == nil:
				drafts = append(drafts, o)
			case f.doc.Latest:
				o.Label += " (bản đã ký mới nhất)"
				signed = append(signed, o)
			}
		}
		// The clerk seals what the leader signed: that version first and chosen; the
		// leader signs a draft: the newest first and chosen. Superseded versions are not
		// offered (signing them is refused: document_superseded).
		slices.Reverse(drafts)
		slices.Reverse(signed)
		if seal {
			v.Files = append(signed, drafts...)
		} else {
			v.Files = append(drafts, signed...)
		}
		if len(v.Files) > 0 {
			v.Selected = v.Files[0].Value
		}
	}
	if seal {
		for _, f := range forms {
			v.Files = append(v.Files, option{formPrefix + f.Number, "Mẫu " + f.Number + ": " + f.Title + " (lập và ký số của cơ quan)"})
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

// formPrefix marks a form in the signing form's file list: "mau-01" … "mau-06".
const formPrefix = "mau-"

var (
	errSignKey  = apperr.New(apperr.Invalid, "signing_key_required", "Chọn khóa ký số của bạn.")
	errSignFile = apperr.New(apperr.Invalid, "result_file_required", "Chọn tệp kết quả (PDF) cần ký.")
	errSignPass = apperr.New(apperr.Invalid, "passphrase_required", "Nhập mật khẩu của khóa ký số.")
	errSignSeal = apperr.New(apperr.Invalid, "seal_key_required",
		"Phiếu do cơ quan phát hành: hãy chọn chữ ký số của cơ quan (con dấu).")
	errSignOld = apperr.New(apperr.Conflict, "document_superseded",
		"Tệp này đã có bản ký sau; hãy ký trên bản ký sau cùng.")
	errSignNot = apperr.New(apperr.Conflict, "result_not_signable",
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
	signed, doc, err := s.sign(r, d, p, r.PostFormValue("file"), r.PostFormValue("key"), r.PostFormValue("passphrase"))
	if err != nil {
		e := apperr.From(err)
		switch e.Kind {
		case apperr.Unauthenticated: // a wrong passphrase: the officer stays logged in
			return s.renderDossier(w, r, http.StatusUnprocessableEntity, d, a, &attempt{err: e.Message, sign: true})
		case apperr.TooManyRequests: // too many wrong passphrases: wait
			setRetryAfter(w, err)
			return s.renderDossier(w, r, http.StatusTooManyRequests, d, a, &attempt{err: e.Message, sign: true})
		case apperr.Invalid, apperr.Conflict, apperr.NotFound:
			return s.renderDossier(w, r, e.Kind.HTTPStatus(), d, a, &attempt{err: e.Message, sign: true})
		}
		return err
	}
	msg := fmt.Sprintf("Đã ký số: %s (%s).", doc.DocumentCode, signed.FileName)
	msg += s.signTheResult(r, d, a, signed)
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code)+"#giay-to", http.StatusSeeOther)
	return nil
}

// signTheResult completes the leader's step once their signature is on the result: when
// the workflow lets them "sign the result" (ActSign) now, it is applied, so signing is
// one act, and the answer says what comes next. It returns the sentence to add to the
// flash ("" when there is nothing to apply).
func (s *Server) signTheResult(r *http.Request, d dossier.Dossier, a dossier.Actor, signed dossier.File) string {
	ctx := r.Context()
	if signed.Kind != dossierfile.KindResult {
		return ""
	}
	current, err := s.Store.DossierByCode(ctx, d.Code)
	if err != nil {
		return ""
	}
	rules, err := s.Dossiers.Rules(ctx, current)
	if err != nil || !slices.Contains(current.Allowed(rules, a, s.paymentsNow()), dossier.ActSign) {
		return ""
	}
	if _, err := s.Dossiers.Act(ctx, d.Code, dossier.Request{Action: dossier.ActSign, Actor: a}); err != nil {
		return " Chưa chuyển được hồ sơ sang “Đã có kết quả”: " + apperr.From(err).Message
	}
	return " Hồ sơ đã chuyển sang “Đã có kết quả, chờ trả”. Tiếp theo: văn thư đóng dấu số của cơ quan lên bản này."
}

func (s *Server) sign(r *http.Request, d dossier.Dossier, p *auth.Principal, fileID, keyID, passphrase string) (dossier.File, signing.IssuedDocument, error) {
	ctx := r.Context()
	var none signing.IssuedDocument
	if number, ok := strings.CutPrefix(fileID, formPrefix); ok {
		return s.signDossierForm(r, d, p, number, keyID, passphrase)
	}
	if !signable(d.Status) {
		return dossier.File{}, none, errSignNot
	}
	fid, err := strconv.ParseInt(fileID, 10, 64)
	if err != nil {
		return dossier.File{}, none, errSignFile
	}
	f, err := s.Store.DossierFile(ctx, fid)
	if err != nil || f.DossierID != d.ID || f.Kind != dossierfile.KindResult || f.ContentType != attach.PDF {
		return dossier.File{}, none, errSignFile
	}
	k, signer, err := s.unlockKey(ctx, d, p, keyID, passphrase)
	if err != nil {
		return dossier.File{}, none, err
	}
	if s.Blobs == nil {
		return dossier.File{}, none, dossierfile.ErrNoBlobStore
	}
	rc, err := s.Blobs.Open(ctx, f.BlobKey)
	if err != nil {
		return dossier.File{}, none, err
	}
	pdf, err := io.ReadAll(rc)
	rc.Close()
	if err != nil {
		return dossier.File{}, none, err
	}
	u, err := s.Store.UnitByID(ctx, d.CompetentUnitID)
	if err != nil {
		return dossier.File{}, none, err
	}
	opts := signing.Options{Reason: "Ký duyệt kết quả giải quyết hồ sơ " + d.Code, Location: u.Name}
	name := "Kết quả đã ký số"
	if k.Kind == "seal" {
		opts.Reason, name = "Ký số của cơ quan, tổ chức: "+u.Name, "Kết quả đã ký số và đóng dấu số"
	}
	return s.signAndFile(r, d, p, k, signer, pdf, opts, dossier.File{Kind: dossierfile.KindResult, Name: name})
}

// unlockKey opens the officer's stored key for the dossier's unit with the passphrase
// typed now.
func (s *Server) unlockKey(ctx context.Context, d dossier.Dossier, p *auth.Principal, keyID, passphrase string) (store.SigningKey, signing.Signer, error) {
	return s.unlockUnitKey(ctx, d.CompetentUnitID, p, keyID, passphrase)
}

// unlockUnitKey opens the officer's stored key for unit unitID with the passphrase typed
// now (the passphrase's attempts are limited per user).
func (s *Server) unlockUnitKey(ctx context.Context, unitID int64, p *auth.Principal, keyID, passphrase string) (store.SigningKey, signing.Signer, error) {
	kid, err := strconv.ParseInt(keyID, 10, 64)
	if err != nil {
		return store.SigningKey{}, nil, errSignKey
	}
	if passphrase == "" {
		return store.SigningKey{}, nil, errSignPass
	}
	k, err := s.Store.SigningKey(ctx, kid)
	if err != nil || k.UserID != p.UserID || k.UnitID != unitID {
		return store.SigningKey{}, nil, errSignKey
	}
	var signer signing.Signer
	err = s.Auth.UnlockPassphrase(p.UserID, func() error {
		var err error
		signer, err = signing.OpenSealedPKCS12(k.Sealed, passphrase)
		return err
	})
	if err != nil {
		return store.SigningKey{}, nil, err
	}
	return k, signer, nil
}

// signDossierForm draws form number of the dossier and signs it with the organisation's
// seal: a new document <dossier code>-PH<n>, stamped with its verification QR code,
// showing Decree 30's text block (number and code, signing time) at the top right.
func (s *Server) signDossierForm(r *http.Request, d dossier.Dossier, p *auth.Principal, number, keyID, passphrase string) (dossier.File, signing.IssuedDocument, error) {
	ctx := r.Context()
	var none signing.IssuedDocument
	title, ok := formTitles[number]
	if !ok {
		return dossier.File{}, none, errSignFile
	}
	k, signer, err := s.unlockKey(ctx, d, p, keyID, passphrase)
	if err != nil {
		return dossier.File{}, none, err
	}
	if k.Kind != "seal" {
		return dossier.File{}, none, errSignSeal
	}
	f, err := printing.DossierForm(ctx, s.Store, s.Dossiers, d, number, s.absolute(r, "/tra-cuu/"+url.PathEscape(d.Code)+"?secret="+url.QueryEscape(d.Secret)))
	if err != nil {
		return dossier.File{}, none, err
	}
	var buf bytes.Buffer
	if err := f.PDF(&buf); err != nil {
		return dossier.File{}, none, err
	}
	u, err := s.Store.UnitByID(ctx, d.CompetentUnitID)
	if err != nil {
		return dossier.File{}, none, err
	}
	opts := signing.Options{Reason: "Ký số của cơ quan, tổ chức: " + u.Name, Location: u.Name}
	return s.signAndFile(r, d, p, k, signer, buf.Bytes(), opts, dossier.File{Kind: dossierfile.KindForm, Name: "Mẫu " + number + " đã ký số: " + title})
}

// signAndFile signs pdf with the officer's key and attaches the signed file to the
// dossier as file.Kind (result or form), registering it: the next version of a document
// xaso signed before, or a new document whose code and verification QR code are stamped
// on the file before its first signature.
func (s *Server) signAndFile(r *http.Request, d dossier.Dossier, p *auth.Principal, k store.SigningKey, signer signing.Signer, pdf []byte,
	opts signing.Options, file dossier.File) (dossier.File, signing.IssuedDocument, error) {
	ctx := r.Context()
	var none signing.IssuedDocument
	if s.Blobs == nil {
		return dossier.File{}, none, dossierfile.ErrNoBlobStore
	}
	before := sha256.Sum256(pdf)
	prev, err := s.Store.IssuedDocumentBySHA256(ctx, hex.EncodeToString(before[:]))
	if err != nil {
		return dossier.File{}, none, err
	}
	is := store.DocumentEntry{Kind: store.DocumentResult}
	if file.Kind == dossierfile.KindForm {
		is.Kind = store.DocumentForm
	}
	if prev != nil {
		// A later signature of a registered result (the clerk's seal on the leader's
		// signature): the same code, the next version.
		if !prev.Latest {
			return dossier.File{}, none, errSignOld
		}
		is.PrevSHA256 = prev.SHA256
	} else {
		// A new result: its code, stamped with the verification QR code before the
		// first signature, unless the file was signed elsewhere before.
		if is.Code, err = s.Store.NextDocumentCode(ctx, d.Code, is.Kind); err != nil {
			return dossier.File{}, none, err
		}
		out, err := signing.AddStamp(pdf, s.verifyStamp(r, is.Code))
		switch {
		case err == nil:
			pdf = out
		case !errors.Is(err, signing.ErrAlreadySigned):
			return dossier.File{}, none, err
		}
	}
	if file.Kind == dossierfile.KindForm {
		// An organisation's form: Decree 30's block for a document signed by the
		// organisation without a handwritten signature; two lines, 3 mm from the top, to
		// stay in the forms' 15 mm top margin.
		opts.Appearance = &signing.Appearance{TextBlock: true, DocumentNumber: is.Code, TopMM: 3}
	} else if opts.Appearance, err = appearanceFor(pdf, k, prev == nil, opts.Location, is.Code); err != nil {
		return dossier.File{}, none, err
	}
	opts.TSAURL = s.TSAURL
	out, err := signing.SignPDF(ctx, pdf, signer, opts)
	if err != nil {
		return dossier.File{}, none, err
	}
	key, size, err := s.Blobs.Put(ctx, bytes.NewReader(out), int64(len(out)))
	if err != nil {
		return dossier.File{}, none, err
	}
	sum := sha256.Sum256(out)
	file.DossierID, file.UnitID, file.ContentType, file.Size, file.BlobKey, file.UploadedBy = d.ID, d.CompetentUnitID, attach.PDF, size, key, p.UserID
	return s.Store.AddSignedDocument(ctx, d.Code, file, hex.EncodeToString(sum[:]), is)
}

// verifyStamp is the verification stamp of a document: the QR code of
// <base>/xac-thuc?ma=<code>.
func (s *Server) verifyStamp(r *http.Request, code string) signing.Stamp {
	site := strings.TrimPrefix(strings.TrimPrefix(s.absolute(r, "/xac-thuc"), "https://"), "http://")
	return signing.Stamp{URL: s.absolute(r, "/xac-thuc?ma="+url.QueryEscape(code)), Code: code, Site: site}
}

// appearanceFor is what a signature with key k shows (signing.Decree30Appearance).
func appearanceFor(file []byte, k store.SigningKey, first bool, org, code string) (*signing.Appearance, error) {
	return signing.Decree30Appearance(file, k.Kind == "seal", k.Image, first, org, code)
}
