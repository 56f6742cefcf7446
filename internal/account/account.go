// Package account manages users' accounts for administrators (tài khoản người dùng):
// adding an official, setting their roles in a unit, resetting a password to a one-time
// password shown once, disabling and enabling an account, and installing an official's
// signing key (PKCS#12 and signature image). The Service owns who may do what; the store
// keeps each change in one transaction with its audit record. The pages (/admin/users)
// and the API (/api/v1/users) call the same methods.
package account

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/signing"
)

// Store is what the service needs from storage.
type Store interface {
	CreateUser(ctx context.Context, u auth.User, ms []auth.Membership) (int64, error)
	UserAndMemberships(ctx context.Context, id int64) (auth.User, []auth.Membership, error)
	AddMembership(ctx context.Context, userID, unitID int64, role auth.Role) error
	RemoveMembership(ctx context.Context, userID, unitID int64, role auth.Role) error
	// SetOneTimePassword sets a one-time password's hash: the user's sessions end and
	// the user must change it at the next login.
	SetOneTimePassword(ctx context.Context, userID int64, hash string) (int64, error)
	SetUserDisabled(ctx context.Context, userID int64, disabled bool) error
	// ReplaceOfficialKey keeps an official's sealed PKCS#12 file (signing.SealPKCS12) for
	// a unit, with the PNG its signatures show (nil: none), in place of the official's
	// keys of the same kind in that unit (withdrawn in the same transaction), and returns
	// its id.
	ReplaceOfficialKey(ctx context.Context, k OfficialKey) (int64, error)
	// OfficialKeys lists a user's keys, without their sealed bytes or images.
	OfficialKeys(ctx context.Context, userID int64) ([]KeyFacts, error)
	// WithdrawOfficialKeys deletes the user's keys of kind in unitID and says how many
	// there were.
	WithdrawOfficialKeys(ctx context.Context, userID, unitID int64, kind string) (int, error)
}

// KeyFacts are the public facts of an installed signing key: what its certificate says
// and whether it has an image, never the key or the image itself.
type KeyFacts struct {
	ID       int64
	UnitID   int64
	UnitCode string
	Kind     string
	Subject  string
	Serial   string
	NotAfter time.Time
	HasImage bool
	Created  time.Time
}

// OfficialKey is an official's signing key as the administrator installs it.
type OfficialKey struct {
	UserID, UnitID int64
	Kind           string // personal (the leader's signature) | seal (the organisation's)
	Cert           *x509.Certificate
	Sealed         []byte
	Image          []byte
}

// Service runs the administrators' changes of accounts.
type Service struct {
	Store  Store
	Hasher *auth.Hasher
}

// Grantable are the roles a unit administrator gives in their unit. Citizens register
// themselves; the system administrator is made from the command line.
var Grantable = []auth.Role{auth.RoleCounter, auth.RoleSpecialist, auth.RoleLeader, auth.RoleClerk, auth.RoleAccountant, auth.RoleCulture,
	auth.RoleDigitalTeam, auth.RoleHealth, auth.RoleUnitAdmin}

// Errors of this package.
var (
	ErrRoleNotGrantable = apperr.New(apperr.Invalid, "role_not_grantable",
		"Vai trò này không cấp được từ trang quản trị đơn vị (công dân tự đăng ký; quản trị hệ thống cấp bằng dòng lệnh).")
	ErrNoRole = apperr.New(apperr.Invalid, "role_required", "Chọn ít nhất một vai trò trong đơn vị.")
	ErrSelf   = apperr.New(apperr.Conflict, "account_self",
		"Không tự khóa hoặc tự bỏ quyền quản trị của chính mình; hãy nhờ một quản trị khác.")
	ErrFullName      = apperr.New(apperr.Invalid, "full_name_required", "Nhập họ và tên (tối đa 100 ký tự).")
	ErrKeyKind       = apperr.New(apperr.Invalid, "signing_key_kind", "Loại khóa phải là chữ ký cá nhân hoặc con dấu của cơ quan.")
	ErrKeyFile       = apperr.New(apperr.Invalid, "p12_required", "Chọn tệp chứng thư số (.p12 hoặc .pfx).")
	ErrKeyPassphrase = apperr.New(apperr.Invalid, "passphrase_required", "Nhập mật khẩu của tệp chứng thư số.")
	ErrKeyTooLarge   = apperr.New(apperr.Invalid, "upload_too_large",
		"Tệp quá lớn: tệp chứng thư số tối đa 64 KB, ảnh chữ ký tối đa 512 KB, cả hai cộng lại tối đa 1 MB.")
	ErrKeyUnit = apperr.New(apperr.Invalid, "unit_required",
		"Người dùng có vai trò ở nhiều đơn vị bạn quản trị: chọn đơn vị (unit) của khóa ký số.")
	// ErrKeyWrongPassphrase is signing.ErrWrongPassphrase (its code and message) as the
	// administrator's wrong input.
	ErrKeyWrongPassphrase = apperr.New(apperr.Invalid, signing.ErrWrongPassphrase.Code, signing.ErrWrongPassphrase.Message)
	ErrKeyNotFound        = apperr.New(apperr.NotFound, "signing_key_not_found", "Người dùng không có khóa ký số loại này ở đơn vị.")
)

// Bounds of a signing key's upload, the same on the page and in the API.
const (
	MaxP12Size   = 64 << 10  // a PKCS#12 file with its chain is a few KB
	MaxImageSize = 512 << 10 // the signature or seal PNG (signing.CheckImage allows up to 1 MB; the form less)
	MaxKeyUpload = 1 << 20   // the whole form
)

// Manages reports whether admin may change the account of a user with memberships ms:
// the system administrator anyone; a unit administrator a user who has a role in a unit
// they administer and is no system administrator.
func Manages(admin *auth.Principal, ms []auth.Membership) bool {
	if admin.IsSystemAdmin() {
		return true
	}
	if slices.ContainsFunc(ms, func(m auth.Membership) bool { return m.Role == auth.RoleSystemAdmin }) {
		return false
	}
	return slices.ContainsFunc(ms, func(m auth.Membership) bool { return admin.Can(m.UnitID, auth.RoleUnitAdmin) })
}

// User loads a user admin may manage (auth.ErrUserNotFound for any other: an
// administrator learns nothing of other units' users).
func (s *Service) User(ctx context.Context, admin *auth.Principal, id int64) (auth.User, []auth.Membership, error) {
	u, ms, err := s.Store.UserAndMemberships(ctx, id)
	if err != nil {
		return u, ms, err
	}
	if !Manages(admin, ms) {
		return auth.User{}, nil, auth.ErrUserNotFound
	}
	return u, ms, nil
}

// NewUser is an official to add.
type NewUser struct {
	Username, FullName string
	UnitID             int64
	Roles              []auth.Role
}

// checkRoles refuses roles an administrator may not give in unitID.
func checkRoles(admin *auth.Principal, unitID int64, roles []auth.Role) error {
	if !admin.Can(unitID, auth.RoleUnitAdmin) {
		return apperr.ErrForbidden
	}
	for _, r := range roles {
		if !slices.Contains(Grantable, r) {
			return ErrRoleNotGrantable
		}
	}
	return nil
}

// Create adds an official with roles in a unit admin administers, and returns the user's
// id and a one-time password to hand over (shown once, never stored in clear), which the
// user must change at the first login.
func (s *Service) Create(ctx context.Context, admin *auth.Principal, in NewUser) (int64, string, error) {
	name, err := auth.NormalizeUsername(in.Username)
	if err != nil {
		return 0, "", err
	}
	full := strings.Join(strings.Fields(in.FullName), " ")
	if full == "" || utf8.RuneCountInString(full) > 100 {
		return 0, "", ErrFullName
	}
	if len(in.Roles) == 0 {
		return 0, "", ErrNoRole
	}
	if err := checkRoles(admin, in.UnitID, in.Roles); err != nil {
		return 0, "", err
	}
	pw := OneTimePassword()
	hash, err := s.Hasher.Hash(pw)
	if err != nil {
		return 0, "", fmt.Errorf("account: hash: %w", err)
	}
	ms := make([]auth.Membership, len(in.Roles))
	for i, r := range in.Roles {
		ms[i] = auth.Membership{UnitID: in.UnitID, Role: r}
	}
	id, err := s.Store.CreateUser(ctx, auth.User{Username: name, FullName: full, PasswordHash: hash, MustChangePassword: true}, ms)
	return id, pw, err
}

// SetRoles makes the user's roles in unitID exactly roles (each grant and revocation
// audited), taking effect at the user's next request.
func (s *Service) SetRoles(ctx context.Context, admin *auth.Principal, userID, unitID int64, roles []auth.Role) error {
	_, ms, err := s.User(ctx, admin, userID)
	if err != nil {
		return err
	}
	if err := checkRoles(admin, unitID, roles); err != nil {
		return err
	}
	if userID == admin.UserID && !slices.Contains(roles, auth.RoleUnitAdmin) && !admin.IsSystemAdmin() {
		return ErrSelf
	}
	for _, m := range ms {
		if m.UnitID == unitID && !slices.Contains(roles, m.Role) {
			if !slices.Contains(Grantable, m.Role) {
				continue // a citizen's own account stays; system roles are not the page's
			}
			if err := s.Store.RemoveMembership(ctx, userID, unitID, m.Role); err != nil {
				return err
			}
		}
	}
	for _, r := range roles {
		if !slices.ContainsFunc(ms, func(m auth.Membership) bool { return m.UnitID == unitID && m.Role == r }) {
			if err := s.Store.AddMembership(ctx, userID, unitID, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// ResetPassword gives the user a new one-time password, shown once to the administrator
// to hand over; every session of the user ends, and the user must change it at the next
// login.
func (s *Service) ResetPassword(ctx context.Context, admin *auth.Principal, userID int64) (string, error) {
	if _, _, err := s.User(ctx, admin, userID); err != nil {
		return "", err
	}
	pw := OneTimePassword()
	hash, err := s.Hasher.Hash(pw)
	if err != nil {
		return "", fmt.Errorf("account: hash: %w", err)
	}
	if _, err := s.Store.SetOneTimePassword(ctx, userID, hash); err != nil {
		return "", err
	}
	return pw, nil
}

// SetDisabled disables or enables the account. A disabled account cannot log in, its
// sessions end and its API tokens are refused until it is enabled.
func (s *Service) SetDisabled(ctx context.Context, admin *auth.Principal, userID int64, disabled bool) error {
	if _, _, err := s.User(ctx, admin, userID); err != nil {
		return err
	}
	if disabled && userID == admin.UserID {
		return ErrSelf
	}
	return s.Store.SetUserDisabled(ctx, userID, disabled)
}

// KeyUpload is an official's PKCS#12 file as the administrator uploads it.
type KeyUpload struct {
	UnitID     int64  // 0: the one unit of the user's that the administrator administers
	Kind       string // personal | seal; "": personal
	P12        []byte
	Passphrase string
	Image      []byte // PNG, transparent: the blue signature or the red seal (nil: none)
}

// keyUnit is the unit of a user's key that admin may change: unitID, when admin
// administers it and the user serves there; with unitID 0, the one unit of the user's
// that admin administers.
func keyUnit(admin *auth.Principal, ms []auth.Membership, unitID int64) (int64, error) {
	if unitID == 0 {
		for _, m := range ms {
			if !admin.Can(m.UnitID, auth.RoleUnitAdmin) || m.UnitID == unitID {
				continue
			}
			if unitID != 0 {
				return 0, ErrKeyUnit
			}
			unitID = m.UnitID
		}
	}
	if unitID == 0 || !admin.Can(unitID, auth.RoleUnitAdmin) || !slices.ContainsFunc(ms, func(m auth.Membership) bool { return m.UnitID == unitID }) {
		return 0, apperr.ErrForbidden
	}
	return unitID, nil
}

func keyKind(kind string) (string, error) {
	switch kind {
	case "":
		return "personal", nil
	case "personal", "seal":
		return kind, nil
	}
	return "", ErrKeyKind
}

// SetKey installs the user's signing key of its kind for a unit admin administers and
// the user serves in, in place of the one before (a renewed certificate replaces the
// expiring one): the PKCS#12 file opened with its passphrase (which is not kept) and
// sealed with it, as `xaso signkey add` does. The pages and the API call it alike.
func (s *Service) SetKey(ctx context.Context, admin *auth.Principal, userID int64, in KeyUpload) (int64, error) {
	_, ms, err := s.User(ctx, admin, userID)
	if err != nil {
		return 0, err
	}
	unitID, err := keyUnit(admin, ms, in.UnitID)
	if err != nil {
		return 0, err
	}
	kind, err := keyKind(in.Kind)
	switch {
	case err != nil:
		return 0, err
	case len(in.P12) == 0:
		return 0, ErrKeyFile
	case in.Passphrase == "":
		return 0, ErrKeyPassphrase
	case len(in.P12) > MaxP12Size || len(in.Image) > MaxImageSize:
		return 0, ErrKeyTooLarge
	}
	if in.Image != nil {
		if err := signing.CheckImage(in.Image); err != nil {
			return 0, err
		}
	}
	sealed, signer, err := signing.SealPKCS12(in.P12, in.Passphrase)
	if errors.Is(err, signing.ErrWrongPassphrase) {
		// The administrator mistyped the file's passphrase: wrong input (422), not a
		// failed login of theirs (401).
		return 0, ErrKeyWrongPassphrase.With(err)
	}
	if err != nil {
		return 0, err
	}
	return s.Store.ReplaceOfficialKey(ctx, OfficialKey{UserID: userID, UnitID: unitID, Kind: kind, Cert: signer.Chain()[0],
		Sealed: sealed, Image: in.Image})
}

// Keys lists the public facts of the user's keys in the units admin administers.
func (s *Service) Keys(ctx context.Context, admin *auth.Principal, userID int64) ([]KeyFacts, error) {
	if _, _, err := s.User(ctx, admin, userID); err != nil {
		return nil, err
	}
	keys, err := s.Store.OfficialKeys(ctx, userID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(keys, func(k KeyFacts) bool { return !admin.Can(k.UnitID, auth.RoleUnitAdmin) }), nil
}

// WithdrawKey deletes the user's key of kind ("": personal) in unitID (0: the one unit
// of the user's that admin administers): the official can no longer sign with it.
// Documents signed before stay valid; they carry their certificate.
func (s *Service) WithdrawKey(ctx context.Context, admin *auth.Principal, userID, unitID int64, kind string) error {
	_, ms, err := s.User(ctx, admin, userID)
	if err != nil {
		return err
	}
	if unitID, err = keyUnit(admin, ms, unitID); err != nil {
		return err
	}
	if kind, err = keyKind(kind); err != nil {
		return err
	}
	n, err := s.Store.WithdrawOfficialKeys(ctx, userID, unitID, kind)
	if err == nil && n == 0 {
		return ErrKeyNotFound
	}
	return err
}

// OneTimePassword makes a 12-character password without look-alike characters, easy to
// read out or copy once.
func OneTimePassword() string {
	const alphabet = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 12)
	rand.Read(b)
	for i := range b {
		b[i] = alphabet[int(b[i])%len(alphabet)]
	}
	return string(b)
}
