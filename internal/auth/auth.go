package auth

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// User is a person who logs in (người dùng): an official or a citizen.
type User struct {
	ID           int64
	Username     string
	FullName     string
	PasswordHash string
	Disabled     bool
	CreatedAt    time.Time
	// SessionEpoch is the generation of the user's sessions: a session opened in an
	// older one has ended (the password was changed or the account disabled since).
	SessionEpoch int64
	// MustChangePassword: the password is a one-time password an administrator handed
	// over (a new account or a reset); until the user chooses their own, only the change
	// of password and logging out are served.
	MustChangePassword bool
}

// Membership grants a user one role in one administrative unit.
type Membership struct {
	UnitID   int64
	UnitCode string
	UnitName string
	Role     Role
}

// Token is an API bearer token. Only its SHA-256 is stored: the token has 256 random
// bits, so a fast hash is as safe as a slow one and keeps every API call cheap.
type Token struct {
	ID        int64
	UserID    int64
	Name      string
	CreatedAt time.Time
	RevokedAt *time.Time
	ExpiresAt *time.Time // nil: until revoked
	LastUsed  *time.Time
}

// Principal is the authenticated caller of a request or command.
type Principal struct {
	UserID      int64
	Username    string
	FullName    string
	Memberships []Membership
	Via         string // "session" or "token"
	// SessionEpoch is the user's session generation when authenticated; a login puts
	// it in the new session.
	SessionEpoch int64
	// MustChangePassword: the user logged in with a one-time password and must choose
	// their own before anything else (User.MustChangePassword).
	MustChangePassword bool
}

// IsSystemAdmin reports whether p administers the whole installation.
func (p *Principal) IsSystemAdmin() bool {
	return p != nil && slices.ContainsFunc(p.Memberships, func(m Membership) bool { return m.Role == RoleSystemAdmin })
}

// HasRole reports whether p holds any of roles in any unit.
func (p *Principal) HasRole(roles ...Role) bool {
	return p != nil && slices.ContainsFunc(p.Memberships, func(m Membership) bool { return slices.Contains(roles, m.Role) })
}

// Can reports whether p holds any of roles in unitID. A system administrator can do what
// any role can, everywhere: the installation's operator must be able to repair anything.
func (p *Principal) Can(unitID int64, roles ...Role) bool {
	if p == nil {
		return false
	}
	if p.IsSystemAdmin() {
		return true
	}
	return slices.ContainsFunc(p.Memberships, func(m Membership) bool {
		return m.UnitID == unitID && slices.Contains(roles, m.Role)
	})
}

// Roles returns p's distinct roles in the order of Roles.
func (p *Principal) Roles() []Role {
	var out []Role
	for _, r := range Roles {
		if p.HasRole(r) {
			out = append(out, r)
		}
	}
	return out
}

// AdminScope is the unit whose users p administers: 0 for every unit (the system
// administrator), -1 for none.
func (p *Principal) AdminScope() int64 {
	if p.IsSystemAdmin() {
		return 0
	}
	for _, m := range p.Memberships {
		if m.Role == RoleUnitAdmin {
			return m.UnitID
		}
	}
	return -1
}

// HomePath is where p lands after logging in.
func (p *Principal) HomePath() string {
	switch {
	case p.HasRole(AdminRoles...):
		return "/admin"
	case p.HasRole(RoleLeader):
		return "/office/tong-quan" // the leader's dashboard
	case p.HasRole(RoleAccountant) && !p.HasRole(RoleCounter, RoleSpecialist, RoleLeader, RoleClerk):
		// The accountant's work is the queue of money not yet in or not yet matched.
		return "/office/payments"
	case p.HasRole(RoleCulture) && !p.HasRole(RoleCounter, RoleSpecialist, RoleLeader, RoleClerk, RoleAccountant):
		// The culture officer's work is the loudspeakers and the announcements.
		return "/office/truyen-thanh"
	case p.HasRole(OfficeRoles...):
		return "/office"
	case p.HasRole(RoleHealth):
		return "/tram-y-te" // the health station's day (tele-health)
	case p.HasRole(RoleDigitalTeam):
		return "/cong-dong" // the volunteer's village, visits and help requests
	default:
		return "/account"
	}
}

// Errors of this package. ErrBadCredentials is deliberately the same for an unknown user,
// a wrong password and a disabled account: no user enumeration.
var (
	ErrBadCredentials     = apperr.New(apperr.Unauthenticated, "bad_credentials", "Tên đăng nhập hoặc mật khẩu không đúng.")
	ErrUserExists         = apperr.New(apperr.Conflict, "user_exists", "Tên đăng nhập này đã được dùng.")
	ErrUserNotFound       = apperr.New(apperr.NotFound, "user_not_found", "Không tìm thấy người dùng.")
	ErrTokenNotFound      = apperr.New(apperr.NotFound, "token_not_found", "Không tìm thấy mã truy cập.")
	ErrMembershipNotFound = apperr.New(apperr.NotFound, "membership_not_found", "Người dùng không có vai trò này trong đơn vị.")
	ErrWeakPassword       = apperr.New(apperr.Invalid, "weak_password", "Mật khẩu cần ít nhất 8 ký tự.")
	ErrSamePassword       = apperr.New(apperr.Invalid, "same_password", "Mật khẩu mới phải khác mật khẩu dùng một lần được cấp.")
	ErrBadUsername        = apperr.New(apperr.Invalid, "invalid_username", "Tên đăng nhập gồm 3–32 chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.")
)

// NormalizeUsername lower-cases a username and checks its shape.
func NormalizeUsername(s string) (string, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if len(s) < 3 || len(s) > 32 {
		return "", ErrBadUsername
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '_' || r == '-') {
			return "", ErrBadUsername
		}
	}
	return s, nil
}

// CheckPassword enforces the password policy: at least 8 characters, not all spaces.
func CheckPassword(pw string) error {
	if len([]rune(pw)) < 8 || strings.TrimFunc(pw, unicode.IsSpace) == "" {
		return ErrWeakPassword
	}
	return nil
}

// NewToken returns a new bearer token and the hash to store.
func NewToken() (plain, hash string) {
	b := make([]byte, 32)
	rand.Read(b)
	plain = "xaso_" + base64.RawURLEncoding.EncodeToString(b)
	return plain, HashToken(plain)
}

// HashToken is the stored form of a bearer token.
func HashToken(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}

// Store is what this package needs from storage.
type Store interface {
	UserByUsername(ctx context.Context, username string) (User, error)
	UserByID(ctx context.Context, id int64) (User, error)
	Memberships(ctx context.Context, userID int64) ([]Membership, error)
	UserAndMemberships(ctx context.Context, id int64) (User, []Membership, error)
	UserByTokenHash(ctx context.Context, hash string) (User, error)
	SetPasswordHash(ctx context.Context, userID int64, hash string) error
	ReplacePassword(ctx context.Context, userID int64, hash string) (int64, error)
}

// Service authenticates users and tokens.
type Service struct {
	store       Store
	hasher      *Hasher
	logins      Throttle // wrong passwords, per account
	passphrases Throttle // wrong signing-key passphrases, per user
	dummy       string   // a hash verified for unknown users, so timing reveals nothing
}

// Throttle counts failed attempts per key and says how long the key must wait before
// the next one (ratelimit.Backoff).
type Throttle interface {
	Wait(key string) time.Duration
	Fail(key string) time.Duration
	Reset(key string)
}

// NewService returns a Service. logins throttles wrong passwords per account and
// passphrases wrong signing-key passphrases per user; successful attempts are never
// limited (a whole office logs in at 7:30) and reset the account's count.
func NewService(store Store, hasher *Hasher, logins, passphrases Throttle) *Service {
	dummy, _ := hasher.Hash("xaso-dummy-password-for-timing")
	return &Service{store: store, hasher: hasher, logins: logins, passphrases: passphrases, dummy: dummy}
}

// Hasher returns the password hasher.
func (s *Service) Hasher() *Hasher { return s.hasher }

// Refusals during a guessing delay; the error carries the delay (RetryAfter).
var (
	ErrAccountThrottled    = apperr.New(apperr.TooManyRequests, "login_throttled", "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %s.")
	ErrPassphraseThrottled = apperr.New(apperr.TooManyRequests, "passphrase_throttled", "Nhập sai mật khẩu khóa ký số quá nhiều lần. Vui lòng thử lại sau %s.")
)

// ThrottledError is an attempt refused while its key waits out a delay.
type ThrottledError struct {
	err  *apperr.Error
	Wait time.Duration
}

// Throttled returns sentinel (whose message has one %s for the delay) refusing an attempt
// for wait.
func Throttled(sentinel *apperr.Error, wait time.Duration) error {
	e := *sentinel
	e.Message = fmt.Sprintf(sentinel.Message, WaitText(wait))
	return &ThrottledError{err: &e, Wait: wait}
}

func (e *ThrottledError) Error() string { return e.err.Error() }
func (e *ThrottledError) Unwrap() error { return e.err }

// RetryAfter returns the delay an error of a throttled attempt carries.
func RetryAfter(err error) (time.Duration, bool) {
	var t *ThrottledError
	if errors.As(err, &t) {
		return t.Wait, true
	}
	return 0, false
}

// WaitText says a delay in Vietnamese, rounded up: "5 giây", "2 phút".
func WaitText(d time.Duration) string {
	if secs := int((d + time.Second - 1) / time.Second); secs < 60 {
		return strconv.Itoa(max(secs, 1)) + " giây"
	}
	return strconv.Itoa(int((d+time.Minute-1)/time.Minute)) + " phút"
}

// Login checks a username and password and returns the principal. After a few wrong
// passwords an account waits a growing delay (s.logins) before it may try again; the
// right password resets its count.
func (s *Service) Login(ctx context.Context, username, password string) (*Principal, error) {
	name, err := NormalizeUsername(username)
	if err != nil {
		s.hasher.Verify(password, s.dummy)
		return nil, ErrBadCredentials
	}
	if wait := s.logins.Wait(name); wait > 0 {
		return nil, Throttled(ErrAccountThrottled, wait)
	}
	u, err := s.store.UserByUsername(ctx, name)
	if err != nil {
		if apperr.KindOf(err) != apperr.NotFound {
			return nil, fmt.Errorf("auth: login: %w", err)
		}
		s.hasher.Verify(password, s.dummy)
		s.logins.Fail(name)
		return nil, ErrBadCredentials
	}
	ok, rehash := s.hasher.Verify(password, u.PasswordHash)
	if !ok {
		s.logins.Fail(name)
		return nil, ErrBadCredentials
	}
	if u.Disabled {
		// Said only to whoever typed the right password: it reveals nothing to a guesser,
		// and tells the official why they cannot log in and whom to ask.
		return nil, ErrUnauthenticatedDisabled
	}
	s.logins.Reset(name)
	if rehash {
		if h, err := s.hasher.Hash(password); err == nil {
			// Best effort: the login succeeds with the old hash even if the upgrade fails.
			_ = s.store.SetPasswordHash(ctx, u.ID, h)
		}
	}
	return s.principal(ctx, u, "session")
}

// ChangePassword sets a logged-in user's own new password after checking the current
// one (under the same throttle as logins) and the policy. Every session of the user ends
// but the caller's own, which carries on with the returned session generation.
func (s *Service) ChangePassword(ctx context.Context, userID int64, current, next string) (epoch int64, err error) {
	u, err := s.store.UserByID(ctx, userID)
	if err != nil {
		return 0, fmt.Errorf("auth: change password of user %d: %w", userID, err)
	}
	if wait := s.logins.Wait(u.Username); wait > 0 {
		return 0, Throttled(ErrAccountThrottled, wait)
	}
	if ok, _ := s.hasher.Verify(current, u.PasswordHash); !ok || u.Disabled {
		s.logins.Fail(u.Username)
		return 0, ErrBadCredentials
	}
	if err := CheckPassword(next); err != nil {
		return 0, err
	}
	if u.MustChangePassword && next == current {
		return 0, ErrSamePassword
	}
	h, err := s.hasher.Hash(next)
	if err != nil {
		return 0, fmt.Errorf("auth: hash password: %w", err)
	}
	return s.store.ReplacePassword(ctx, u.ID, h)
}

// UnlockPassphrase runs open, which tries a passphrase typed by userID (a signing key's),
// under the per-user throttle of passphrases: a wrong one (an Unauthenticated error)
// counts, the right one resets the count. A stolen session cannot guess an official's
// signing passphrase faster than their password.
func (s *Service) UnlockPassphrase(userID int64, open func() error) error {
	key := strconv.FormatInt(userID, 10)
	if wait := s.passphrases.Wait(key); wait > 0 {
		return Throttled(ErrPassphraseThrottled, wait)
	}
	err := open()
	switch {
	case err == nil:
		s.passphrases.Reset(key)
	case apperr.KindOf(err) == apperr.Unauthenticated:
		s.passphrases.Fail(key)
	}
	return err
}

// PrincipalBySession loads the principal of a logged-in session's user, opened in the
// user's session generation epoch. A session of an older generation has ended (the
// password was changed or the account disabled since): ErrSessionEnded.
func (s *Service) PrincipalBySession(ctx context.Context, userID, epoch int64) (*Principal, error) {
	u, ms, err := s.store.UserAndMemberships(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("auth: user %d: %w", userID, err)
	}
	if u.Disabled {
		return nil, ErrUnauthenticatedDisabled
	}
	if u.SessionEpoch != epoch {
		return nil, ErrSessionEnded
	}
	return &Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: ms, Via: "session", SessionEpoch: u.SessionEpoch,
		MustChangePassword: u.MustChangePassword}, nil
}

// ErrPasswordChangeRequired refuses every request but the change of password and logging
// out while the user's password is a one-time password.
var ErrPasswordChangeRequired = apperr.New(apperr.Forbidden, "password_change_required",
	"Mật khẩu của bạn là mật khẩu dùng một lần do quản trị cấp. Vui lòng đổi mật khẩu trước khi tiếp tục.")

// ErrSessionEnded: the session was opened before the user's password changed or their
// account was disabled.
var ErrSessionEnded = apperr.New(apperr.Unauthenticated, "session_ended", "Phiên làm việc đã kết thúc. Vui lòng đăng nhập lại.")

// ErrUnauthenticatedDisabled ends the sessions of a disabled account.
var ErrUnauthenticatedDisabled = apperr.New(apperr.Unauthenticated, "account_disabled", "Tài khoản đã bị khóa. Vui lòng liên hệ quản trị.")

// PrincipalByToken authenticates a bearer token.
func (s *Service) PrincipalByToken(ctx context.Context, plain string) (*Principal, error) {
	if !strings.HasPrefix(plain, "xaso_") {
		return nil, apperr.ErrUnauthenticated
	}
	u, err := s.store.UserByTokenHash(ctx, HashToken(plain))
	if err != nil {
		if apperr.KindOf(err) == apperr.NotFound {
			return nil, apperr.ErrUnauthenticated
		}
		return nil, fmt.Errorf("auth: token: %w", err)
	}
	if u.Disabled {
		return nil, ErrUnauthenticatedDisabled
	}
	return s.principal(ctx, u, "token")
}

func (s *Service) principal(ctx context.Context, u User, via string) (*Principal, error) {
	ms, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return nil, fmt.Errorf("auth: memberships of user %d: %w", u.ID, err)
	}
	return &Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: ms, Via: via, SessionEpoch: u.SessionEpoch,
		MustChangePassword: u.MustChangePassword}, nil
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// PrincipalFrom returns the principal in ctx, or nil for an anonymous caller.
func PrincipalFrom(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}
