// Package citizen opens citizens' own accounts (tài khoản công dân): a citizen proves
// they hold a Vietnamese mobile number (a one-time code by SMS) or an e-mail address (a
// link with a one-time token), then sets their name and password and is a citizen of the
// portal's unit; they reset a forgotten password the same way; and a dossier filed at
// the counter joins their account when they show its code and look-up secret, or when an
// officer enters their number and they read back the code sent to it.
//
// The proof is a challenge: a random id, the code's HMAC (never the code), an expiry, a
// count of wrong tries. Its message goes to the outbox in the transaction that records
// it. Answers never say whether a number or address has an account: a registration for
// one that has gets, by the same channel, "you already have an account" instead of a
// code, and a reset for one that has none sends nothing; both answer alike.
//
// The Service owns these rules and the Store interface it needs; internal/store keeps it.
package citizen

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"net/mail"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/ratelimit"
)

// Purpose is what a challenge proves the holder may do.
type Purpose string

const (
	Register Purpose = "register" // open an account
	Reset    Purpose = "reset"    // set a new password
	Link     Purpose = "link"     // join a counter dossier to the account
	Booking  Purpose = "booking"  // prove a phone to book a tele-health slot (internal/telehealth)
)

// Channel is how the code travels.
type Channel string

const (
	SMS   Channel = "sms"
	Email Channel = "email"
)

// Challenge is one code or link sent.
type Challenge struct {
	ID      string
	Purpose Purpose
	Channel Channel
	Target  string // the E.164 number or the address; "" once used or expired
	// TargetHash and Client (a hash of the client's address) count the limits.
	TargetHash, Client string
	CodeHash           string
	UserID             int64 // reset, link: the account (0: none — a dead challenge)
	DossierID          int64 // link: the dossier
	Tries              int
	CreatedAt          time.Time
	ExpiresAt          time.Time
	ConsumedAt         time.Time // zero while unused
}

// Counts are the challenges already made, for the limits: for the same target in the
// last 15 minutes and the last day, from the same client address in the last hour.
type Counts struct{ Target15m, TargetDay, ClientHour int }

// NewCitizen is the account a confirmed registration creates.
type NewCitizen struct {
	User      auth.User
	Phone     string // E.164, or ""
	Email     string // or ""
	CitizenID string // as typed, unverified ("" none)
	UnitID    int64  // where the citizen role is held
}

// Store is what the service needs from storage.
type Store interface {
	// CreateChallenge records c and, when m is not nil, writes m to the outbox in the
	// same transaction, after check (given the counts of c's target and client) allows
	// it. It deletes challenges older than a day and blanks the target of those used or
	// expired.
	CreateChallenge(ctx context.Context, c Challenge, m *notify.Message, check func(Counts) error) error
	// Challenge loads a challenge (ErrCodeInvalid when there is none).
	Challenge(ctx context.Context, id string) (Challenge, error)
	// FailChallenge counts a wrong code and returns the tries so far.
	FailChallenge(ctx context.Context, id string) (int, error)
	// CreateCitizen consumes the unused challenge id and creates the account with its
	// citizen role in one transaction (ErrCodeInvalid when it was used meanwhile,
	// ErrAccountExists when the number or address has an account by now).
	CreateCitizen(ctx context.Context, challengeID string, c NewCitizen) (int64, error)
	// ResetPassword consumes the unused challenge id and sets the user's new password,
	// ending every session of theirs; it returns the new session generation.
	ResetPassword(ctx context.Context, challengeID string, userID int64, hash string) (int64, error)
	// LinkDossier makes userID the owner of a dossier that has none, consuming the
	// challenge id when it is not "" (ErrAlreadyLinked when it has an owner).
	LinkDossier(ctx context.Context, challengeID string, dossierID, userID int64) error
	// UserByPhone and UserByEmail find an account by what it was opened with
	// (auth.ErrUserNotFound).
	UserByPhone(ctx context.Context, phone string) (auth.User, error)
	UserByEmail(ctx context.Context, email string) (auth.User, error)
	DossierByCode(ctx context.Context, code string) (dossier.Dossier, error)
}

// Limits of the challenges.
const (
	CodeLife     = 10 * time.Minute // an SMS code
	LinkLife     = 24 * time.Hour   // an e-mail link
	MaxTries     = 5                // wrong codes, then the challenge is dead
	PerTarget15m = 3                // codes to one number or address in 15 minutes
	PerTargetDay = 10               // and in a day
	PerClientHr  = 20               // challenges asked from one client address in an hour
	maxInput     = 256              // bytes of a number or address read at all
)

// Errors of this package.
var (
	ErrPhoneInvalid = apperr.New(apperr.Invalid, "phone_invalid",
		"Số điện thoại không hợp lệ: nhập số di động Việt Nam gồm 10 chữ số, bắt đầu bằng 03, 05, 07, 08 hoặc 09 (ví dụ 0912345678 hoặc +84912345678).")
	ErrEmailInvalid = apperr.New(apperr.Invalid, "email_invalid", "Địa chỉ thư điện tử không hợp lệ, ví dụ ten@example.vn.")
	ErrTargetNeeded = apperr.New(apperr.Invalid, "phone_or_email_required", "Nhập số điện thoại di động hoặc địa chỉ thư điện tử.")
	ErrCodeInvalid  = apperr.New(apperr.Invalid, "otp_invalid",
		"Mã xác thực không đúng hoặc đã được dùng. Kiểm tra lại tin nhắn, hoặc yêu cầu mã mới.")
	ErrCodeExpired = apperr.New(apperr.Invalid, "otp_expired", "Mã xác thực đã hết hạn. Vui lòng yêu cầu mã mới.")
	ErrCodeTooMany = apperr.New(apperr.TooManyRequests, "otp_too_many_tries", "Nhập sai mã quá 5 lần: mã này không dùng được nữa. Vui lòng yêu cầu mã mới.")
	ErrRateLimited = apperr.New(apperr.TooManyRequests, "otp_rate_limited",
		"Đã gửi quá nhiều mã đến số điện thoại hoặc địa chỉ này. Vui lòng thử lại sau 15 phút (tối đa 10 mã mỗi ngày).")
	ErrClientLimited = apperr.New(apperr.TooManyRequests, "registration_rate_limited",
		"Có quá nhiều yêu cầu từ địa chỉ mạng của bạn. Vui lòng thử lại sau ít phút.")
	ErrFullName      = apperr.New(apperr.Invalid, "full_name_required", "Nhập họ và tên (tối đa 100 ký tự).")
	ErrCitizenID     = apperr.New(apperr.Invalid, "citizen_id_invalid", "Số căn cước (định danh cá nhân) phải gồm đúng 12 chữ số, 3 chữ số đầu là mã tỉnh nơi đăng ký khai sinh.")
	ErrAccountExists = apperr.New(apperr.Conflict, "account_exists",
		"Số điện thoại hoặc địa chỉ này đã có tài khoản. Hãy đăng nhập, hoặc dùng “Quên mật khẩu”.")
	ErrAlreadyLinked = apperr.New(apperr.Conflict, "dossier_already_linked", "Hồ sơ này đã thuộc một tài khoản.")
	ErrLinkNotFound  = apperr.New(apperr.NotFound, "dossier_not_found",
		"Không tìm thấy hồ sơ với mã và mã tra cứu này. Kiểm tra lại trên giấy biên nhận.")
	ErrNoCitizen = apperr.New(apperr.NotFound, "citizen_not_found",
		"Không có tài khoản công dân nào với số điện thoại này. Người dân cần đăng ký tài khoản trước (trang Đăng ký).")
)

// Service runs citizens' accounts.
type Service struct {
	Store  Store
	Hasher *auth.Hasher
	// UnitID is the portal's unit: where a new citizen holds the citizen role and which
	// unit the messages are sent for.
	UnitID int64
	// BaseURL is the site's public address, for the e-mail link ("" : a path only).
	BaseURL string
	// Key keys the codes' HMAC (nil: the challenge's random id alone salts it).
	Key []byte
	// Clients limits requests for codes per client address in this instance (nil: the
	// database's count alone).
	Clients *ratelimit.Limiter
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// ParsePhone reads a Vietnamese mobile number written 0912 345 678, 0912.345.678,
// +84912345678 or 84912345678 and returns it in E.164: +84 and nine digits, the first
// of them 3, 5, 7, 8 or 9. Anything else is ErrPhoneInvalid; input over 64 bytes is
// refused before it is read.
func ParsePhone(s string) (string, error) {
	if len(s) > 64 {
		return "", ErrPhoneInvalid
	}
	d, err := catalog.NormalizePhone(strings.TrimSpace(s))
	if err != nil {
		return "", ErrPhoneInvalid
	}
	return "+84" + d[1:], nil
}

// LocalPhone writes an E.164 number the Vietnamese way: 0912345678.
func LocalPhone(e164 string) string { return "0" + strings.TrimPrefix(e164, "+84") }

// ParseEmail reads an e-mail address: one address without a display name, lower-cased,
// at most 254 bytes.
func ParseEmail(s string) (string, error) {
	s = strings.TrimSpace(s)
	if len(s) > 254 || s == "" {
		return "", ErrEmailInvalid
	}
	a, err := mail.ParseAddress(s)
	if err != nil || a.Name != "" || a.Address != s || !strings.Contains(s[strings.LastIndexByte(s, '@'):], ".") {
		return "", ErrEmailInvalid
	}
	return strings.ToLower(s), nil
}

// parseTarget reads a number or an address: an "@" makes it an address.
func parseTarget(s string) (Channel, string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", "", ErrTargetNeeded
	case len(s) > maxInput:
		return "", "", ErrPhoneInvalid
	case strings.Contains(s, "@"):
		e, err := ParseEmail(s)
		return Email, e, err
	}
	p, err := ParsePhone(s)
	return SMS, p, err
}

// Started is a challenge just sent: its id, the way to answer it.
type Started struct {
	ID      string
	Channel Channel
	// Masked is the number or address it went to, partly hidden: 091****678.
	Masked    string
	ExpiresAt time.Time
}

// StartRegistration sends a code (SMS) or a link (e-mail) to prove the citizen holds
// target, from client (the requester's address). A target that has an account gets
// "you already have an account" instead, by the same channel; the answer is the same.
func (s *Service) StartRegistration(ctx context.Context, target, client string) (Started, error) {
	ch, t, err := parseTarget(target)
	if err != nil {
		return Started{}, err
	}
	_, err = s.userByTarget(ctx, ch, t)
	if err != nil && !errors.Is(err, auth.ErrUserNotFound) {
		return Started{}, err
	}
	existing := err == nil
	return s.start(ctx, Register, ch, t, client, 0, 0, func(id, code string) *notify.Message {
		if existing {
			return s.message(ch, t, id, "Tài khoản Xã số", alreadyText(ch))
		}
		return s.codeMessage(ch, t, id, code, "/dang-ky/", "đăng ký tài khoản")
	}, existing)
}

// StartReset sends a code or a link to reset the password of the account opened with
// target. A target without an account gets nothing; the answer is the same.
func (s *Service) StartReset(ctx context.Context, target, client string) (Started, error) {
	ch, t, err := parseTarget(target)
	if err != nil {
		return Started{}, err
	}
	u, err := s.userByTarget(ctx, ch, t)
	if err != nil && !errors.Is(err, auth.ErrUserNotFound) {
		return Started{}, err
	}
	missing := err != nil
	if !missing && u.Disabled {
		missing = true // a disabled account is reset by an administrator
	}
	return s.start(ctx, Reset, ch, t, client, u.ID, 0, func(id, code string) *notify.Message {
		if missing {
			return nil
		}
		return s.codeMessage(ch, t, id, code, "/quen-mat-khau/", "đặt lại mật khẩu")
	}, missing)
}

// StartPhoneCode sends a one-time code by SMS to prove the holder of phone for purpose
// (Booking: a tele-health slot booked without an account), with the limits of every
// code; the caller checks it with Check and consumes it with what it proves.
func (s *Service) StartPhoneCode(ctx context.Context, purpose Purpose, phone, client string) (Started, error) {
	t, err := ParsePhone(phone)
	if err != nil {
		return Started{}, err
	}
	return s.start(ctx, purpose, SMS, t, client, 0, 0, func(id, code string) *notify.Message {
		return s.codeMessage(SMS, t, id, code, "", "")
	}, false)
}

func alreadyText(ch Channel) string {
	if ch == SMS {
		return "So dien thoai nay da co tai khoan Xa so. Neu quen mat khau, hay chon Quen mat khau tren trang dang nhap."
	}
	return "Địa chỉ thư điện tử này đã có tài khoản Xã số. Nếu bạn quên mật khẩu, hãy chọn “Quên mật khẩu” trên trang đăng nhập.\n\n" +
		"Nếu bạn không yêu cầu đăng ký, hãy bỏ qua thư này."
}

// codeMessage is the message carrying a code (SMS) or a link (e-mail) to the page at
// path (the challenge's id follows it).
func (s *Service) codeMessage(ch Channel, to, id, code, path, what string) *notify.Message {
	if ch == SMS {
		return s.message(ch, to, id, "Mã xác thực",
			"Mã xác thực Xã số của bạn là "+code+". Mã có hiệu lực 10 phút. Không đưa mã cho người khác.")
	}
	link := strings.TrimRight(s.BaseURL, "/") + path + id + "?ma=" + code
	return s.message(ch, to, id, "Xác nhận "+what,
		"Để "+what+" trên Xã số, mở liên kết sau (có hiệu lực 24 giờ, dùng được một lần):\n\n"+link+
			"\n\nNếu bạn không yêu cầu, hãy bỏ qua thư này. Không chuyển thư này cho người khác.")
}

func (s *Service) message(ch Channel, to, id, subject, body string) *notify.Message {
	if ch == SMS {
		to = "tel:" + to
	}
	return &notify.Message{UnitID: s.UnitID, To: to, Subject: subject, Body: body, Ref: "otp:" + id}
}

func (s *Service) userByTarget(ctx context.Context, ch Channel, t string) (auth.User, error) {
	if ch == SMS {
		return s.Store.UserByPhone(ctx, t)
	}
	return s.Store.UserByEmail(ctx, t)
}

// start records a challenge with a fresh code and the message msg makes of it (nil:
// none); dead makes a challenge no code opens (the enumeration-proof answer).
func (s *Service) start(ctx context.Context, purpose Purpose, ch Channel, target, client string, userID, dossierID int64,
	msg func(id, code string) *notify.Message, dead bool) (Started, error) {
	clientHash := s.hash("client", client)
	if s.Clients != nil && !s.Clients.Allow(clientHash) {
		return Started{}, ErrClientLimited
	}
	id, code := newID(), newCode(ch)
	now := s.now().UTC().Truncate(time.Microsecond)
	life := CodeLife
	if ch == Email {
		life = LinkLife
	}
	c := Challenge{ID: id, Purpose: purpose, Channel: ch, Target: target, TargetHash: s.hash("target", target), Client: clientHash,
		CodeHash: s.codeHash(id, code), UserID: userID, DossierID: dossierID, CreatedAt: now, ExpiresAt: now.Add(life)}
	if dead {
		c.CodeHash = s.codeHash(id, newID()) // no code sent opens it
	}
	err := s.Store.CreateChallenge(ctx, c, msg(id, code), func(n Counts) error {
		switch {
		case n.ClientHour >= PerClientHr:
			return ErrClientLimited
		case n.Target15m >= PerTarget15m || n.TargetDay >= PerTargetDay:
			return ErrRateLimited
		}
		return nil
	})
	if err != nil {
		return Started{}, err
	}
	return Started{ID: id, Channel: ch, Masked: Mask(ch, target), ExpiresAt: c.ExpiresAt}, nil
}

// Mask hides most of a number or address: 091****678, t***@example.vn.
func Mask(ch Channel, t string) string {
	if ch == SMS {
		l := LocalPhone(t)
		return l[:3] + "****" + l[7:]
	}
	at := strings.LastIndexByte(t, '@')
	if at < 1 {
		return "***"
	}
	r, _ := utf8.DecodeRuneInString(t)
	return string(r) + "***" + t[at:]
}

// hash is the stored form of a target or a client address: an HMAC, so the limits can
// count them without the table keeping them.
func (s *Service) hash(kind, v string) string {
	m := hmac.New(sha256.New, s.Key)
	m.Write([]byte(kind + "\x00" + v))
	return hex.EncodeToString(m.Sum(nil))
}

func (s *Service) codeHash(id, code string) string { return s.hash("code:"+id, code) }

// newID is a challenge's random id: 128 bits in lower-case base32.
func newID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}

// newCode is an SMS's 6 digits, or an e-mail link's 256-bit token.
func newCode(ch Channel) string {
	if ch == Email {
		b := make([]byte, 32)
		rand.Read(b)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	n, _ := rand.Int(rand.Reader, big.NewInt(1_000_000))
	return fmt.Sprintf("%06d", n.Int64())
}

// Check verifies code against the challenge id for purpose without using it: a wrong
// code counts a try, the fifth kills the challenge. The pages check the code before
// asking for the name and password; Confirm checks it again.
func (s *Service) Check(ctx context.Context, purpose Purpose, id, code string) (Challenge, error) {
	if len(id) > 64 || len(code) > 64 {
		return Challenge{}, ErrCodeInvalid
	}
	c, err := s.Store.Challenge(ctx, id)
	if err != nil {
		return Challenge{}, err
	}
	switch {
	case c.Purpose != purpose || !c.ConsumedAt.IsZero():
		return Challenge{}, ErrCodeInvalid
	case c.Tries >= MaxTries:
		return Challenge{}, ErrCodeTooMany
	case !s.now().Before(c.ExpiresAt):
		return Challenge{}, ErrCodeExpired
	}
	code = strings.Join(strings.Fields(code), "")
	if subtle.ConstantTimeCompare([]byte(s.codeHash(id, code)), []byte(c.CodeHash)) != 1 {
		n, err := s.Store.FailChallenge(ctx, id)
		if err != nil {
			return Challenge{}, err
		}
		if n >= MaxTries {
			return Challenge{}, ErrCodeTooMany
		}
		return Challenge{}, ErrCodeInvalid
	}
	return c, nil
}

// Registration is what the citizen gives once the code is right.
type Registration struct {
	ChallengeID, Code  string
	FullName, Password string
	CitizenID          string // optional CCCD number
}

// Registered is a new account.
type Registered struct {
	UserID   int64
	Username string
}

// Confirm checks the code and opens the citizen's account: a citizen of the portal's
// unit, logged in by the caller. The username is the number (0912345678) or, for an
// e-mail, a generated one; either logs in with the number or address too.
func (s *Service) Confirm(ctx context.Context, in Registration) (Registered, error) {
	full := strings.Join(strings.Fields(in.FullName), " ")
	if full == "" || utf8.RuneCountInString(full) > 100 {
		return Registered{}, ErrFullName
	}
	if err := auth.CheckPassword(in.Password); err != nil {
		return Registered{}, err
	}
	cid := strings.Join(strings.Fields(in.CitizenID), "")
	if cid != "" {
		if err := catalog.CheckCitizenID(cid); err != nil {
			return Registered{}, ErrCitizenID
		}
	}
	c, err := s.Check(ctx, Register, in.ChallengeID, in.Code)
	if err != nil {
		return Registered{}, err
	}
	hash, err := s.Hasher.Hash(in.Password)
	if err != nil {
		return Registered{}, fmt.Errorf("citizen: hash: %w", err)
	}
	nc := NewCitizen{User: auth.User{FullName: full, PasswordHash: hash}, CitizenID: cid, UnitID: s.UnitID}
	if c.Channel == SMS {
		nc.Phone, nc.User.Username = c.Target, LocalPhone(c.Target)
	} else {
		nc.Email, nc.User.Username = c.Target, "cd"+strings.ToLower(newID()[:10])
	}
	id, err := s.Store.CreateCitizen(ctx, c.ID, nc)
	if err != nil {
		return Registered{}, err
	}
	return Registered{UserID: id, Username: nc.User.Username}, nil
}

// ConfirmReset checks the code and sets the account's new password: every session of
// the user ends. It returns the user's id and new session generation, for the caller
// to log them in.
func (s *Service) ConfirmReset(ctx context.Context, id, code, password string) (int64, int64, error) {
	if err := auth.CheckPassword(password); err != nil {
		return 0, 0, err
	}
	c, err := s.Check(ctx, Reset, id, code)
	if err != nil {
		return 0, 0, err
	}
	if c.UserID == 0 {
		return 0, 0, ErrCodeInvalid
	}
	hash, err := s.Hasher.Hash(password)
	if err != nil {
		return 0, 0, fmt.Errorf("citizen: hash: %w", err)
	}
	epoch, err := s.Store.ResetPassword(ctx, c.ID, c.UserID, hash)
	return c.UserID, epoch, err
}

// LinkBySecret joins a dossier filed at the counter to the caller's account: they typed
// its code and the look-up secret printed on the receipt. Wrong ones answer as a dossier
// that does not exist. The caller limits the attempts per address, as look-ups are.
func (s *Service) LinkBySecret(ctx context.Context, p *auth.Principal, code, secret string) (dossier.Dossier, error) {
	if p == nil || p.UserID == 0 {
		return dossier.Dossier{}, apperr.ErrUnauthenticated
	}
	code = strings.ToUpper(strings.Join(strings.Fields(code), ""))
	secret = strings.ToUpper(strings.TrimSpace(secret))
	if code == "" || len(code) > 64 || secret == "" || len(secret) > 64 {
		return dossier.Dossier{}, ErrLinkNotFound
	}
	d, err := s.Store.DossierByCode(ctx, code)
	if apperr.KindOf(err) == apperr.NotFound {
		return dossier.Dossier{}, ErrLinkNotFound
	}
	if err != nil {
		return dossier.Dossier{}, err
	}
	if subtle.ConstantTimeCompare([]byte(secret), []byte(d.Secret)) != 1 {
		return dossier.Dossier{}, ErrLinkNotFound
	}
	if d.OwnerID == p.UserID {
		return d, nil
	}
	if d.OwnerID != 0 {
		return dossier.Dossier{}, ErrAlreadyLinked
	}
	if err := s.Store.LinkDossier(ctx, "", d.ID, p.UserID); err != nil {
		return dossier.Dossier{}, err
	}
	d.OwnerID = p.UserID
	return d, nil
}

// StartLink is an officer's first step to join a counter dossier to a citizen's account:
// a code goes by SMS to the number the citizen gives, whose account must exist (the
// officer is told if not). The citizen reads the code back; ConfirmLink finishes.
func (s *Service) StartLink(ctx context.Context, officer *auth.Principal, d dossier.Dossier, phone, client string) (Started, error) {
	if !officer.Can(d.ReceivingUnitID, auth.RoleCounter) && !officer.Can(d.CompetentUnitID, auth.RoleCounter) {
		return Started{}, apperr.ErrForbidden
	}
	if d.OwnerID != 0 {
		return Started{}, ErrAlreadyLinked
	}
	t, err := ParsePhone(phone)
	if err != nil {
		return Started{}, err
	}
	u, err := s.Store.UserByPhone(ctx, t)
	if errors.Is(err, auth.ErrUserNotFound) || err == nil && u.Disabled {
		return Started{}, ErrNoCitizen
	}
	if err != nil {
		return Started{}, err
	}
	return s.start(ctx, Link, SMS, t, client, u.ID, d.ID, func(id, code string) *notify.Message {
		m := s.message(SMS, t, id, "Mã xác thực",
			"Mã xác thực Xã số của bạn là "+code+" để thêm hồ sơ "+d.Code+" vào tài khoản của bạn. Mã có hiệu lực 10 phút. Chỉ đọc mã cho cán bộ khi bạn đồng ý.")
		m.UnitID = d.ReceivingUnitID
		return m
	}, false)
}

// ConfirmLink checks the code the citizen read back to the officer and makes them the
// dossier's owner.
func (s *Service) ConfirmLink(ctx context.Context, officer *auth.Principal, d dossier.Dossier, id, code string) error {
	if !officer.Can(d.ReceivingUnitID, auth.RoleCounter) && !officer.Can(d.CompetentUnitID, auth.RoleCounter) {
		return apperr.ErrForbidden
	}
	c, err := s.Check(ctx, Link, id, code)
	if err != nil {
		return err
	}
	if c.DossierID != d.ID || c.UserID == 0 {
		return ErrCodeInvalid
	}
	return s.Store.LinkDossier(ctx, c.ID, d.ID, c.UserID)
}

// LoginName is the username to log in with for what a citizen typed in the login form:
// the account's username when they typed the number or the address it was opened with,
// else what they typed.
func (s *Service) LoginName(ctx context.Context, typed string) string {
	typed = strings.TrimSpace(typed)
	if len(typed) > maxInput {
		return typed
	}
	ch, t, err := parseTarget(typed)
	if err != nil {
		return typed
	}
	u, err := s.userByTarget(ctx, ch, t)
	if err != nil {
		return typed
	}
	return u.Username
}
