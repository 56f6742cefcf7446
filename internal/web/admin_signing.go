package web

import (
	"crypto/sha256"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/signing"
)

// The administrator's signing page (/admin/signing): the trust anchors every signature
// is checked against (the Vietnamese roots; the test CA in the demo) — installation-wide,
// so only the system administrator adds or removes them — and the officials' stored
// keys with their expiry, so an administrator sees a certificate running out before a
// leader finds it cannot sign. Keys themselves are added by `xaso signkey add`: the
// passphrase that seals them is the official's own.

type anchorRow struct {
	Subject, Issuer, SHA256, Validity string
	Expired                           bool
}

type keyRow struct {
	Holder, Unit, Kind, Subject, NotAfter string
	Image                                 bool
	Warning                               string // expired, or expiring within 30 days
}

type signingAdminView struct {
	Anchors []anchorRow
	Keys    []keyRow
	CanEdit bool // the system administrator
}

// anchorLimit bounds an uploaded PEM file of root certificates.
const anchorLimit = 256 << 10

var (
	errAnchorFile = apperr.New(apperr.Invalid, "trust_anchor_file_required", "Chọn tệp chứng thư gốc (PEM, tối đa 256 KB).")
	errAnchorNoCA = apperr.New(apperr.Invalid, "trust_anchor_not_ca",
		"Tệp có chứng thư không phải của tổ chức chứng thực (CA); chỉ thêm chứng thư gốc hoặc trung gian của CA.")
)

func (s *Server) signingAdmin(w http.ResponseWriter, r *http.Request) error {
	return s.renderSigningAdmin(w, r, http.StatusOK, "")
}

func (s *Server) renderSigningAdmin(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	anchors, err := s.Store.TrustAnchors(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	data := signingAdminView{CanEdit: p.IsSystemAdmin()}
	for _, c := range anchors {
		sum := sha256.Sum256(c.Raw)
		data.Anchors = append(data.Anchors, anchorRow{Subject: c.Subject.String(), Issuer: c.Issuer.String(), SHA256: hex.EncodeToString(sum[:]),
			Validity: c.NotBefore.In(locale.Zone).Format("02/01/2006") + " – " + c.NotAfter.In(locale.Zone).Format("02/01/2006"), Expired: now.After(c.NotAfter)})
	}
	keys, err := s.Store.SigningKeysInUnit(ctx, p.AdminScope())
	if err != nil {
		return err
	}
	for _, k := range keys {
		row := keyRow{Holder: k.FullName + " (" + k.Username + ")", Unit: k.UnitName, Kind: "Chữ ký cá nhân", Subject: k.Subject,
			NotAfter: k.NotAfter.In(locale.Zone).Format("02/01/2006"), Image: k.Image != nil}
		if k.Kind == "seal" {
			row.Kind = "Con dấu của cơ quan"
		}
		switch days := int(k.NotAfter.Sub(now).Hours() / 24); {
		case now.After(k.NotAfter):
			row.Warning = "Đã hết hạn: không ký được nữa"
		case days < 30:
			row.Warning = fmt.Sprintf("Còn %d ngày: cần gia hạn chứng thư", days)
		}
		data.Keys = append(data.Keys, row)
	}
	v := s.view(r, "Chữ ký số")
	v.Area, v.Nav, v.Data, v.Error = "office", "admin-signing", data, problem
	return s.views.render(w, status, "admin_signing", v)
}

// addTrustAnchors adds the CA certificates of an uploaded PEM file (system
// administrator only).
func (s *Server) addTrustAnchors(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !auth.PrincipalFrom(ctx).IsSystemAdmin() {
		return apperr.ErrForbidden
	}
	refuse := func(e *apperr.Error) error {
		return s.renderSigningAdmin(w, r, http.StatusUnprocessableEntity, e.Message)
	}
	r.Body = http.MaxBytesReader(w, r.Body, anchorLimit+16<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		return refuse(errAnchorFile)
	}
	defer r.MultipartForm.RemoveAll()
	file, _, err := r.FormFile("file")
	if err != nil {
		return refuse(errAnchorFile)
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, anchorLimit+1))
	if err != nil || len(data) > anchorLimit {
		return refuse(errAnchorFile)
	}
	certs, err := signing.ParseCertsPEM(data)
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) {
			return refuse(ae)
		}
		return err
	}
	for _, c := range certs {
		if !c.IsCA {
			return refuse(errAnchorNoCA)
		}
	}
	for _, c := range certs {
		if err := s.Store.AddTrustAnchor(ctx, c); err != nil {
			return err
		}
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã thêm %d chứng thư gốc tin cậy: %s.", len(certs), names(certs)))
	http.Redirect(w, r, "/admin/signing", http.StatusSeeOther)
	return nil
}

func names(certs []*x509.Certificate) string {
	out := ""
	for i, c := range certs {
		if i > 0 {
			out += "; "
		}
		out += c.Subject.CommonName
	}
	return out
}

// removeTrustAnchor removes one anchor by its SHA-256 (system administrator only).
func (s *Server) removeTrustAnchor(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !auth.PrincipalFrom(ctx).IsSystemAdmin() {
		return apperr.ErrForbidden
	}
	if err := s.Store.RemoveTrustAnchor(ctx, r.PathValue("sha")); err != nil {
		return err // not found: 404
	}
	s.sessions.Put(ctx, "flash", "Đã gỡ chứng thư gốc tin cậy.")
	http.Redirect(w, r, "/admin/signing", http.StatusSeeOther)
	return nil
}
