package api

import (
	"errors"
	"mime"
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
)

// An official's signing key through the API, as on the user's page (/admin/users/{id}):
// the same account.Service methods, bounds and errors.

// SigningKey is the public facts of an installed key: never the key or its image.
type SigningKey struct {
	ID       int64     `json:"id"`
	Unit     string    `json:"unit"` // the unit's code
	Kind     string    `json:"kind"` // personal | seal
	Subject  string    `json:"subject"`
	Serial   string    `json:"serial"` // hexadecimal
	NotAfter time.Time `json:"not_after"`
	// Valid: the certificate has not expired (its chain and revocation are checked at
	// each signing and verification).
	Valid     bool      `json:"valid"`
	HasImage  bool      `json:"has_image"`
	CreatedAt time.Time `json:"created_at"`
}

var errKeyMultipart = apperr.New(apperr.Invalid, "multipart_required",
	"Gửi khóa ký số dưới dạng multipart/form-data: trường p12 (tệp chứng thư số), passphrase, image (ảnh PNG, không bắt buộc), kind, unit.")

func signingKeyRoutes(h handlers) []httpx.Route {
	admins := httpx.OnlyRoles(auth.AdminRoles...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/users/{id}/signing-key", Access: admins, Handler: h.signingKeys},
		{Pattern: "PUT /api/v1/users/{id}/signing-key", Access: admins, Handler: h.putSigningKey},
		{Pattern: "DELETE /api/v1/users/{id}/signing-key", Access: admins, Handler: h.withdrawSigningKey},
	}
}

// keyUnit resolves the optional unit code of a key's request (0: the one unit of the
// user's that the caller administers).
func (h handlers) keyUnit(r *http.Request, code string) (int64, error) {
	if code == "" {
		return 0, nil
	}
	u, err := h.Store.UnitByCode(r.Context(), code)
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

func (h handlers) signingKeyList(w http.ResponseWriter, r *http.Request, id int64, status int) error {
	keys, err := h.Accounts.Keys(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	now := time.Now()
	items := make([]SigningKey, len(keys))
	for i, k := range keys {
		items[i] = SigningKey{ID: k.ID, Unit: k.UnitCode, Kind: k.Kind, Subject: k.Subject, Serial: k.Serial,
			NotAfter: k.NotAfter.In(locale.Zone), Valid: now.Before(k.NotAfter), HasImage: k.HasImage, CreatedAt: k.Created.In(locale.Zone)}
	}
	return httpx.WriteJSON(w, status, httpx.NewList(items, len(items)))
}

// signingKeys lists the user's keys in the units the caller administers.
func (h handlers) signingKeys(w http.ResponseWriter, r *http.Request) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	return h.signingKeyList(w, r, id, http.StatusOK)
}

// putSigningKey installs the user's key: multipart/form-data with p12 (the PKCS#12
// file), passphrase, image (optional PNG), kind (personal, the default, or seal) and
// unit (a code; optional when the user serves in one unit the caller administers). It
// replaces the user's key of that kind in the unit, and answers the user's keys.
func (h handlers) putSigningKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "multipart/form-data" {
		return errKeyMultipart
	}
	r.Body = http.MaxBytesReader(w, r.Body, account.MaxKeyUpload)
	if err := r.ParseMultipartForm(account.MaxKeyUpload); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return account.ErrKeyTooLarge
		}
		return errKeyMultipart.With(err)
	}
	defer r.MultipartForm.RemoveAll()
	unitID, err := h.keyUnit(r, r.PostFormValue("unit"))
	if err != nil {
		return err
	}
	in := account.KeyUpload{UnitID: unitID, Kind: r.PostFormValue("kind"), Passphrase: r.PostFormValue("passphrase")}
	if in.P12, err = httpx.FormFile(r, "p12", account.MaxP12Size, account.ErrKeyTooLarge); err != nil {
		return err
	}
	if in.Image, err = httpx.FormFile(r, "image", account.MaxImageSize, account.ErrKeyTooLarge); err != nil {
		return err
	}
	if _, err := h.Accounts.SetKey(r.Context(), auth.PrincipalFrom(r.Context()), id, in); err != nil {
		return err
	}
	return h.signingKeyList(w, r, id, http.StatusOK)
}

// withdrawSigningKey withdraws the user's key of ?kind= (personal, the default, or
// seal) in ?unit= (optional as for PUT).
func (h handlers) withdrawSigningKey(w http.ResponseWriter, r *http.Request) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	unitID, err := h.keyUnit(r, q.Get("unit"))
	if err != nil {
		return err
	}
	if err := h.Accounts.WithdrawKey(r.Context(), auth.PrincipalFrom(r.Context()), id, unitID, q.Get("kind")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
