package auth

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/ratelimit"
)

func TestHasher(t *testing.T) {
	h := NewHasher(TestParams, 2)
	enc, err := h.Hash("mật khẩu dài")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(enc, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("encoding = %q", enc)
	}
	if ok, rehash := h.Verify("mật khẩu dài", enc); !ok || rehash {
		t.Fatalf("Verify = %v, %v", ok, rehash)
	}
	if ok, _ := h.Verify("mật khẩu khác", enc); ok {
		t.Fatal("wrong password accepted")
	}
	if again, _ := h.Hash("mật khẩu dài"); again == enc {
		t.Fatal("no salt: equal hashes")
	}
	stronger := NewHasher(Params{Memory: 2048, Time: 1, Threads: 1}, 1)
	if ok, rehash := stronger.Verify("mật khẩu dài", enc); !ok || !rehash {
		t.Fatalf("old parameters: Verify = %v, rehash = %v", ok, rehash)
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1024,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5", "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHQ$a2V5a2V5a2V5a2V5a2V5",
		"$argon2id$v=19$m=1024,t=1,p=1$!!$a2V5"} {
		if ok, _ := h.Verify("x", bad); ok {
			t.Errorf("malformed hash %q accepted", bad)
		}
	}
}

func TestNormalizeUsernameAndPassword(t *testing.T) {
	for in, want := range map[string]string{"MotCua": "motcua", " le.van_a-1 ": "le.van_a-1"} {
		if got, err := NormalizeUsername(in); err != nil || got != want {
			t.Errorf("NormalizeUsername(%q) = %q, %v", in, got, err)
		}
	}
	for _, bad := range []string{"ab", "nguyễn", "a b c", strings.Repeat("a", 33), "x/y"} {
		if _, err := NormalizeUsername(bad); !errors.Is(err, ErrBadUsername) {
			t.Errorf("NormalizeUsername(%q) err = %v", bad, err)
		}
	}
	if err := CheckPassword("1234567"); !errors.Is(err, ErrWeakPassword) {
		t.Error("7 characters accepted")
	}
	if err := CheckPassword("        "); !errors.Is(err, ErrWeakPassword) {
		t.Error("spaces accepted")
	}
	if err := CheckPassword("mậtkhẩu8"); err != nil {
		t.Errorf("8 Vietnamese characters refused: %v", err)
	}
}

func TestToken(t *testing.T) {
	plain, hash := NewToken()
	if !strings.HasPrefix(plain, "xaso_") || len(plain) != 5+43 || HashToken(plain) != hash || len(hash) != 64 {
		t.Fatalf("token %q hash %q", plain, hash)
	}
	if other, _ := NewToken(); other == plain {
		t.Fatal("tokens repeat")
	}
}

func TestPrincipal(t *testing.T) {
	counter := &Principal{Memberships: []Membership{{UnitID: 2, Role: RoleCounter}, {UnitID: 2, Role: RoleSpecialist}}}
	admin := &Principal{Memberships: []Membership{{UnitID: 1, Role: RoleSystemAdmin}}}
	unitAdmin := &Principal{Memberships: []Membership{{UnitID: 2, Role: RoleUnitAdmin}}}
	citizen := &Principal{Memberships: []Membership{{UnitID: 2, Role: RoleCitizen}}}
	var anon *Principal
	tests := []struct {
		name string
		got  bool
		want bool
	}{
		{"counter acts in its unit", counter.Can(2, RoleCounter), true},
		{"counter not in another unit", counter.Can(3, RoleCounter), false},
		{"counter is no leader", counter.Can(2, RoleLeader), false},
		{"system admin everywhere", admin.Can(99, RoleLeader), true},
		{"anonymous nothing", anon.Can(2, RoleCitizen), false},
		{"HasRole", counter.HasRole(RoleLeader, RoleSpecialist), true},
	}
	for _, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("%s: got %v", tt.name, tt.got)
		}
	}
	leader := &Principal{Memberships: []Membership{{UnitID: 2, Role: RoleLeader}}}
	accountant := &Principal{Memberships: []Membership{{UnitID: 2, Role: RoleAccountant}}}
	accountantAtCounter := &Principal{Memberships: []Membership{{UnitID: 2, Role: RoleAccountant}, {UnitID: 2, Role: RoleCounter}}}
	for p, want := range map[*Principal]string{counter: "/office", leader: "/office/tong-quan", admin: "/admin", unitAdmin: "/admin", citizen: "/account",
		accountant: "/office/payments", accountantAtCounter: "/office"} {
		if got := p.HomePath(); got != want {
			t.Errorf("HomePath = %q, want %q", got, want)
		}
	}
	for p, want := range map[*Principal]int64{admin: 0, unitAdmin: 2, counter: -1} {
		if got := p.AdminScope(); got != want {
			t.Errorf("AdminScope = %d, want %d", got, want)
		}
	}
	if r := counter.Roles(); len(r) != 2 || r[0] != RoleCounter {
		t.Errorf("Roles = %v", r)
	}
}

type fakeStore struct {
	users map[string]User
}

func (f fakeStore) UserByUsername(_ context.Context, name string) (User, error) {
	if u, ok := f.users[name]; ok {
		return u, nil
	}
	return User{}, ErrUserNotFound
}
func (f fakeStore) UserByID(_ context.Context, id int64) (User, error) {
	for _, u := range f.users {
		if u.ID == id {
			return u, nil
		}
	}
	return User{}, ErrUserNotFound
}
func (f fakeStore) Memberships(context.Context, int64) ([]Membership, error) {
	return []Membership{{UnitID: 2, Role: RoleCounter}}, nil
}
func (f fakeStore) UserAndMemberships(ctx context.Context, id int64) (User, []Membership, error) {
	u, err := f.UserByID(ctx, id)
	if err != nil {
		return u, nil, err
	}
	ms, err := f.Memberships(ctx, id)
	return u, ms, err
}
func (f fakeStore) UserByTokenHash(context.Context, string) (User, error) {
	return User{}, ErrTokenNotFound
}
func (f fakeStore) SetPasswordHash(_ context.Context, id int64, h string) error {
	for k, u := range f.users {
		if u.ID == id {
			u.PasswordHash = h
			f.users[k] = u
		}
	}
	return nil
}

func (f fakeStore) ReplacePassword(ctx context.Context, id int64, h string) (int64, error) {
	for k, u := range f.users {
		if u.ID == id {
			u.PasswordHash = h
			u.SessionEpoch++
			f.users[k] = u
			return u.SessionEpoch, nil
		}
	}
	return 0, ErrUserNotFound
}

func TestLogin(t *testing.T) {
	h := NewHasher(TestParams, 1)
	good, _ := h.Hash("xaso-demo")
	old, _ := NewHasher(Params{Memory: 512, Time: 1, Threads: 1}, 1).Hash("xaso-demo")
	fs := fakeStore{users: map[string]User{
		"motcua": {ID: 1, Username: "motcua", PasswordHash: good},
		"khoa":   {ID: 2, Username: "khoa", PasswordHash: good, Disabled: true},
		"cuu":    {ID: 3, Username: "cuu", PasswordHash: old},
	}}
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := NewService(fs, h, ratelimit.NewBackoff(ratelimit.Policy{Free: 2, First: time.Second, Max: time.Minute, Forget: time.Hour}).WithClock(clock),
		ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(clock))
	ctx := context.Background()
	p, err := s.Login(ctx, "MotCua", "xaso-demo")
	if err != nil || p.Username != "motcua" || p.Via != "session" || len(p.Memberships) != 1 {
		t.Fatalf("Login = %+v, %v", p, err)
	}
	for _, c := range []struct{ user, pw string }{{"motcua", "sai"}, {"khongco", "xaso-demo"}, {"khoa", "sai"}, {"!!", "x"}} {
		if _, err := s.Login(ctx, c.user, c.pw); !errors.Is(err, ErrBadCredentials) {
			t.Errorf("Login(%s) err = %v, want the generic ErrBadCredentials", c.user, err)
		}
	}
	// A disabled account is told so, but only to whoever typed its right password: a
	// guesser learns nothing more than from a wrong one.
	if _, err := s.Login(ctx, "khoa", "xaso-demo"); !errors.Is(err, ErrUnauthenticatedDisabled) {
		t.Errorf("Login(khoa) with the right password err = %v, want ErrUnauthenticatedDisabled", err)
	}
	s.Login(ctx, "motcua", "sai")
	s.Login(ctx, "motcua", "sai") // the third failure exhausts the account's allowance
	if _, err := s.Login(ctx, "motcua", "xaso-demo"); apperr.KindOf(err) != apperr.TooManyRequests {
		t.Errorf("after 3 failures the account is not throttled: %v", err)
	}
	if _, err := s.Login(ctx, "cuu", "xaso-demo"); err != nil {
		t.Errorf("successful logins must not be counted: %v", err)
	}
	if _, err := s.Login(ctx, "cuu", "xaso-demo"); err != nil {
		t.Fatal(err)
	}
	if ok, rehash := h.Verify("xaso-demo", fs.users["cuu"].PasswordHash); !ok || rehash {
		t.Error("an old hash is not upgraded at login")
	}
	if _, err := s.PrincipalByToken(ctx, "not-a-token"); apperr.KindOf(err) != apperr.Unauthenticated {
		t.Errorf("PrincipalByToken: %v", err)
	}
	if _, err := s.PrincipalBySession(ctx, 2, 0); !errors.Is(err, ErrUnauthenticatedDisabled) {
		t.Errorf("disabled user's session: %v", err)
	}
}

// TestLoginDelays: wrong passwords make the account wait a delay that doubles and is
// capped; the owner waits out at most the current delay, then the right password works
// and starts the count afresh. No sleeping: the throttle reads a test clock.
func TestLoginDelays(t *testing.T) {
	h := NewHasher(TestParams, 1)
	good, _ := h.Hash("xaso-demo")
	fs := fakeStore{users: map[string]User{"motcua": {ID: 1, Username: "motcua", PasswordHash: good}}}
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := NewService(fs, h, ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(clock), ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(clock))
	ctx := context.Background()
	fail := func() error {
		t.Helper()
		_, err := s.Login(ctx, "motcua", "sai-mat-khau")
		return err
	}
	for i := range ratelimit.PerAccount.Free {
		if err := fail(); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("free failure %d: %v", i+1, err)
		}
	}
	var last time.Duration
	for i := range 12 { // the attacker waits out each delay and tries again
		if err := fail(); !errors.Is(err, ErrBadCredentials) {
			t.Fatalf("failure %d after the delay: %v", i, err)
		}
		_, err := s.Login(ctx, "motcua", "xaso-demo") // the owner, meanwhile
		wait, ok := RetryAfter(err)
		if !errors.Is(err, ErrAccountThrottled) || !ok || wait <= 0 || wait > ratelimit.PerAccount.Max {
			t.Fatalf("the owner during delay %d: %v (wait %s)", i, err, wait)
		}
		if wait < last {
			t.Fatalf("the delay shrank: %s after %s", wait, last)
		}
		if want := min(ratelimit.PerAccount.First<<i, ratelimit.PerAccount.Max); wait != want {
			t.Fatalf("delay %d: %s, want %s", i, wait, want)
		}
		if msg := apperr.From(err).Message; !strings.Contains(msg, WaitText(wait)) || strings.Contains(msg, "%") {
			t.Fatalf("message %q does not say the wait %s", msg, WaitText(wait))
		}
		last = wait
		now = now.Add(wait)
	}
	// The owner, after the current delay, logs in: the count starts afresh.
	if _, err := s.Login(ctx, "motcua", "xaso-demo"); err != nil {
		t.Fatalf("the owner after the delay: %v", err)
	}
	if err := fail(); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("after a success the count did not start afresh: %v", err)
	}
	if _, err := s.Login(ctx, "motcua", "xaso-demo"); err != nil {
		t.Fatalf("one failure after a success delays: %v", err)
	}
}

func TestChangePasswordAndPassphrase(t *testing.T) {
	h := NewHasher(TestParams, 1)
	good, _ := h.Hash("xaso-demo")
	fs := fakeStore{users: map[string]User{"motcua": {ID: 1, Username: "motcua", PasswordHash: good}}}
	now := time.Date(2026, 1, 5, 8, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	s := NewService(fs, h, ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(clock), ratelimit.NewBackoff(ratelimit.PerAccount).WithClock(clock))
	ctx := context.Background()
	if _, err := s.ChangePassword(ctx, 1, "sai", "mat-khau-moi"); !errors.Is(err, ErrBadCredentials) {
		t.Fatalf("wrong current password: %v", err)
	}
	if _, err := s.ChangePassword(ctx, 1, "xaso-demo", "ngan"); !errors.Is(err, ErrWeakPassword) {
		t.Fatalf("weak new password: %v", err)
	}
	epoch, err := s.ChangePassword(ctx, 1, "xaso-demo", "mat-khau-moi")
	if err != nil || epoch != 1 || fs.users["motcua"].SessionEpoch != 1 {
		t.Fatalf("ChangePassword = %d, %v", epoch, err)
	}
	if _, err := s.Login(ctx, "motcua", "mat-khau-moi"); err != nil {
		t.Fatalf("new password: %v", err)
	}

	// The signing passphrase: the same per-user delays, counted apart from the password's.
	wrong := apperr.New(apperr.Unauthenticated, "p12_wrong_passphrase", "sai")
	opened := 0
	try := func(ok bool) error {
		return s.UnlockPassphrase(1, func() error {
			opened++
			if ok {
				return nil
			}
			return wrong
		})
	}
	for range ratelimit.PerAccount.Free + 1 {
		if err := try(false); !errors.Is(err, wrong) {
			t.Fatalf("wrong passphrase: %v", err)
		}
	}
	before := opened
	err = try(true)
	if wait, ok := RetryAfter(err); !errors.Is(err, ErrPassphraseThrottled) || !ok || wait != ratelimit.PerAccount.First {
		t.Fatalf("during the delay: %v", err)
	}
	if opened != before {
		t.Fatal("a passphrase was tried during the delay")
	}
	if _, err := s.Login(ctx, "motcua", "mat-khau-moi"); err != nil {
		t.Fatalf("the passphrase's delay holds the login: %v", err)
	}
	if err := s.UnlockPassphrase(2, func() error { return nil }); err != nil {
		t.Fatalf("another official: %v", err)
	}
	now = now.Add(ratelimit.PerAccount.First)
	if err := try(true); err != nil {
		t.Fatalf("after the delay: %v", err)
	}
}
