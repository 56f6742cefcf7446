package citizen_test

import (
	"context"
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

func TestParsePhone(t *testing.T) {
	for in, want := range map[string]string{
		"0912345678":     "+84912345678",
		"0912 345 678":   "+84912345678",
		"0912.345.678":   "+84912345678",
		"+84912345678":   "+84912345678",
		"84912345678":    "+84912345678",
		" 0356-123-456 ": "+84356123456",
		"0581234567":     "+84581234567",
		"0781234567":     "+84781234567",
		"0881234567":     "+84881234567",
	} {
		if got, err := citizen.ParsePhone(in); err != nil || got != want {
			t.Errorf("ParsePhone(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "0", "091234567", "09123456789", "0212345678", "0112345678", "+85512345678",
		"+84 91234567", "84912345678x", "０912345678", "0912345678\x00", "+1 415 555 0100", "0412345678", "0612345678",
		strings.Repeat("9", 100), "+84+84912345678", "tel:0912345678"} {
		if got, err := citizen.ParsePhone(bad); !errors.Is(err, citizen.ErrPhoneInvalid) {
			t.Errorf("ParsePhone(%q) = %q, %v; want phone_invalid", bad, got, err)
		}
	}
}

func FuzzParsePhone(f *testing.F) {
	for _, s := range []string{"0912345678", "+84912345678", "84912345678", "0912 345 678", "", "+84",
		strings.Repeat("0", 1<<16), strings.Repeat("+84", 1<<12), strings.Repeat("\xff", 4096), "0912345678" + strings.Repeat(" ", 1<<14)} {
		f.Add(s)
	}
	e164 := regexp.MustCompile(`^\+84[35789][0-9]{8}$`)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := citizen.ParsePhone(s)
		if err != nil {
			if !errors.Is(err, citizen.ErrPhoneInvalid) {
				t.Fatalf("ParsePhone(%q): %v", s, err)
			}
			return
		}
		if !e164.MatchString(got) {
			t.Fatalf("ParsePhone(%q) = %q, not E.164 of a Vietnamese mobile", s, got)
		}
		if again, err := citizen.ParsePhone(got); err != nil || again != got {
			t.Fatalf("ParsePhone(%q) = %q, %v: not stable", got, again, err)
		}
	})
}

func TestParseEmail(t *testing.T) {
	if got, err := citizen.ParseEmail(" An.Nguyen@Example.VN "); err != nil || got != "an.nguyen@example.vn" {
		t.Errorf("ParseEmail = %q, %v", got, err)
	}
	for _, bad := range []string{"", "an", "an@", "@example.vn", "An <an@example.vn>", "an@example", "a@b@c.vn",
		strings.Repeat("a", 250) + "@x.vn"} {
		if _, err := citizen.ParseEmail(bad); !errors.Is(err, citizen.ErrEmailInvalid) {
			t.Errorf("ParseEmail(%q) = %v, want email_invalid", bad, err)
		}
	}
}

// env is a citizen service over a demo database with a clock the test moves.
type env struct {
	svc   *citizen.Service
	st    *store.Store
	demo  storetest.Demo
	clock *time.Time
}

func newEnv(t *testing.T) env {
	d := storetest.OpenDemo(t)
	now := time.Date(2026, 12, 7, 8, 0, 0, 0, time.UTC)
	clock := &now
	d.Store.SetClock(func() time.Time { return *clock })
	svc := &citizen.Service{Store: d.Store, Hasher: auth.NewHasher(auth.TestParams, 1), UnitID: d.Unit,
		BaseURL: "https://xa.example.vn", Now: func() time.Time { return *clock }}
	return env{svc: svc, st: d.Store, demo: d, clock: clock}
}

func (e env) advance(d time.Duration) { *e.clock = e.clock.Add(d) }

// sent returns the outbox's messages about challenge id (claimed, so each is read once).
func (e env) sent(t *testing.T, id string) []notify.Message {
	t.Helper()
	ps, err := e.st.ClaimOutbox(context.Background(), e.clock.Add(time.Hour), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Message
	for _, p := range ps {
		if p.Ref == "otp:"+id {
			out = append(out, p.Message)
		}
	}
	return out
}

var sixDigits = regexp.MustCompile(`\b([0-9]{6})\b`)

// code reads the one SMS sent for challenge id and returns its code.
func (e env) code(t *testing.T, id string) string {
	t.Helper()
	ms := e.sent(t, id)
	if len(ms) != 1 {
		t.Fatalf("messages for %s: %+v, want one", id, ms)
	}
	m := sixDigits.FindStringSubmatch(ms[0].Body)
	if m == nil {
		t.Fatalf("no 6-digit code in %q", ms[0].Body)
	}
	return m[1]
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := apperr.From(err).Code; got != code {
		t.Fatalf("error %v (code %q), want %q", err, got, code)
	}
}

func TestRegisterByPhone(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, err := e.svc.StartRegistration(ctx, "0912 345 678", "198.51.100.7")
	if err != nil {
		t.Fatal(err)
	}
	if st.Channel != citizen.SMS || st.Masked != "091****678" {
		t.Errorf("started %+v", st)
	}
	ms := e.sent(t, st.ID)
	if len(ms) != 1 || ms[0].To != "tel:+84912345678" || ms[0].Subject != "Mã xác thực" || ms[0].UnitID != e.demo.Unit {
		t.Fatalf("SMS %+v", ms)
	}
	code := sixDigits.FindString(ms[0].Body)
	if ms[0].Body != "Mã xác thực Xã số của bạn là "+code+". Mã có hiệu lực 10 phút. Không đưa mã cho người khác." {
		t.Errorf("body %q", ms[0].Body)
	}
	c, err := e.st.Challenge(ctx, st.ID)
	if err != nil || strings.Contains(c.CodeHash, code) || c.Target != "+84912345678" {
		t.Fatalf("challenge %+v, %v", c, err)
	}

	// Wrong inputs are refused before the code is used.
	_, err = e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: code, FullName: " ", Password: "mat-khau-dai"})
	wantCode(t, err, "full_name_required")
	_, err = e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: code, FullName: "Lê Văn Bình", Password: "ngan"})
	wantCode(t, err, "weak_password")
	_, err = e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: code, FullName: "Lê Văn Bình", Password: "mat-khau-dai",
		CitizenID: "999123456789"})
	wantCode(t, err, "citizen_id_invalid")

	reg, err := e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: code, FullName: "  Lê  Văn Bình ", Password: "mat-khau-dai",
		CitizenID: "001 099 012345"})
	if err != nil {
		t.Fatal(err)
	}
	if reg.Username != "0912345678" {
		t.Errorf("username %q", reg.Username)
	}
	u, ms2, err := e.st.UserAndMemberships(ctx, reg.UserID)
	if err != nil || u.FullName != "Lê Văn Bình" || len(ms2) != 1 || ms2[0].Role != auth.RoleCitizen || ms2[0].UnitID != e.demo.Unit {
		t.Fatalf("user %+v %+v %v", u, ms2, err)
	}
	if ok, _ := e.svc.Hasher.Verify("mat-khau-dai", u.PasswordHash); !ok {
		t.Error("password not set")
	}
	if got, err := e.st.UserByPhone(ctx, "+84912345678"); err != nil || got.ID != reg.UserID {
		t.Errorf("by phone %+v %v", got, err)
	}
	if got := e.svc.LoginName(ctx, "+84 912 345 678"); got != "0912345678" {
		t.Errorf("LoginName = %q", got)
	}
	// The code is used: once, and the number is no longer kept on the challenge.
	_, err = e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: code, FullName: "Kẻ Khác", Password: "mat-khau-dai"})
	wantCode(t, err, "otp_invalid")
	if c, _ := e.st.Challenge(ctx, st.ID); c.Target != "" || c.ConsumedAt.IsZero() {
		t.Errorf("used challenge %+v", c)
	}
	// The audit chain names no number, name or code.
	recs, _, err := e.st.AuditRecords(ctx, 0, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range recs {
		all := r.Actor + r.Event.ObjectID + strings.Join(r.Event.Fields, ",")
		if strings.Contains(all, "912345678") || strings.Contains(all, "Bình") || strings.Contains(all, code) || strings.Contains(all, "001099") {
			t.Errorf("audit record names a personal value: %+v", r)
		}
	}
}

func TestRegisterExistingIsNotRevealed(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, _ := e.svc.StartRegistration(ctx, "0912345678", "a")
	reg, err := e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: e.code(t, st.ID), FullName: "Lê Văn Bình", Password: "mat-khau-dai"})
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.StartRegistration(ctx, "+84912345678", "b")
	if err != nil || again.Masked != st.Masked || again.Channel != st.Channel {
		t.Fatalf("second registration answered %+v, %v; want the same answer as the first", again, err)
	}
	ms := e.sent(t, again.ID)
	if len(ms) != 1 || ms[0].To != "tel:+84912345678" || sixDigits.MatchString(ms[0].Body) || !strings.Contains(ms[0].Body, "da co tai khoan") {
		t.Fatalf("message to an existing account: %+v", ms)
	}
	for _, guess := range []string{"000000", "123456"} {
		_, err = e.svc.Confirm(ctx, citizen.Registration{ChallengeID: again.ID, Code: guess, FullName: "X", Password: "mat-khau-dai"})
		wantCode(t, err, "otp_invalid")
	}
	// A reset for a number without an account answers alike and sends nothing.
	none, err := e.svc.StartReset(ctx, "0987654321", "c")
	if err != nil || none.Masked != "098****321" {
		t.Fatalf("reset of an unknown number: %+v %v", none, err)
	}
	if ms := e.sent(t, none.ID); len(ms) != 0 {
		t.Errorf("sent %+v to a number without an account", ms)
	}
	_ = reg
}

func TestCodeTriesExpiryAndReset(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, _ := e.svc.StartRegistration(ctx, "0912345678", "a")
	code := e.code(t, st.ID)
	wrong := "000000"
	if code == wrong {
		wrong = "111111"
	}
	for i := 1; i <= 4; i++ {
		_, err := e.svc.Check(ctx, citizen.Register, st.ID, wrong)
		wantCode(t, err, "otp_invalid")
	}
	_, err := e.svc.Check(ctx, citizen.Register, st.ID, wrong)
	wantCode(t, err, "otp_too_many_tries")
	// Dead: even the right code no longer opens it.
	_, err = e.svc.Check(ctx, citizen.Register, st.ID, code)
	wantCode(t, err, "otp_too_many_tries")

	st2, _ := e.svc.StartRegistration(ctx, "0912345678", "a")
	code2 := e.code(t, st2.ID)
	if _, err := e.svc.Check(ctx, citizen.Reset, st2.ID, code2); apperr.From(err).Code != "otp_invalid" {
		t.Errorf("a registration code reset a password: %v", err)
	}
	e.advance(citizen.CodeLife)
	_, err = e.svc.Check(ctx, citizen.Register, st2.ID, code2)
	wantCode(t, err, "otp_expired")
	_, err = e.svc.Check(ctx, citizen.Register, "no-such-challenge", code2)
	wantCode(t, err, "otp_invalid")

	st3, _ := e.svc.StartRegistration(ctx, "0912345678", "a")
	reg, err := e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st3.ID, Code: e.code(t, st3.ID), FullName: "Lê Văn Bình", Password: "mat-khau-dai"})
	if err != nil {
		t.Fatal(err)
	}
	before, _ := e.st.UserByID(ctx, reg.UserID)
	e.advance(16 * time.Minute) // three codes to the number in 15 minutes already
	rs, err := e.svc.StartReset(ctx, "0912345678", "a")
	if err != nil {
		t.Fatal(err)
	}
	rcode := e.code(t, rs.ID)
	_, _, err = e.svc.ConfirmReset(ctx, rs.ID, rcode, "short")
	wantCode(t, err, "weak_password")
	uid, epoch, err := e.svc.ConfirmReset(ctx, rs.ID, rcode, "mat-khau-moi-1")
	if err != nil || uid != reg.UserID || epoch <= before.SessionEpoch {
		t.Fatalf("reset: %d %d %v (epoch before %d)", uid, epoch, err, before.SessionEpoch)
	}
	after, _ := e.st.UserByID(ctx, reg.UserID)
	if ok, _ := e.svc.Hasher.Verify("mat-khau-moi-1", after.PasswordHash); !ok || after.MustChangePassword {
		t.Errorf("new password not set: %+v", after)
	}
	_, _, err = e.svc.ConfirmReset(ctx, rs.ID, rcode, "mat-khau-moi-2")
	wantCode(t, err, "otp_invalid")
}

func TestRateLimits(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := 0; i < citizen.PerTarget15m; i++ {
		if _, err := e.svc.StartRegistration(ctx, "0912345678", "a"); err != nil {
			t.Fatal(err)
		}
	}
	_, err := e.svc.StartRegistration(ctx, "0912345678", "a")
	wantCode(t, err, "otp_rate_limited")
	// Another number from the same address goes on; the first waits out the 15 minutes.
	if _, err := e.svc.StartRegistration(ctx, "0987654321", "a"); err != nil {
		t.Fatal(err)
	}
	e.advance(16 * time.Minute)
	if _, err := e.svc.StartRegistration(ctx, "0912345678", "b"); err != nil {
		t.Fatal(err)
	}
	// At most 10 a day to one number.
	sent := citizen.PerTarget15m + 1
	for sent < citizen.PerTargetDay {
		e.advance(16 * time.Minute)
		for i := 0; i < citizen.PerTarget15m && sent < citizen.PerTargetDay; i++ {
			if _, err := e.svc.StartRegistration(ctx, "0912345678", "c"); err != nil {
				t.Fatalf("code %d: %v", sent+1, err)
			}
			sent++
		}
	}
	e.advance(16 * time.Minute)
	_, err = e.svc.StartRegistration(ctx, "0912345678", "d")
	wantCode(t, err, "otp_rate_limited")
	e.advance(24 * time.Hour)
	if _, err := e.svc.StartRegistration(ctx, "0912345678", "d"); err != nil {
		t.Fatalf("a day later: %v", err)
	}

	// One address asking for many numbers (a flood) is stopped by the database's count…
	for i := 0; i < citizen.PerClientHr; i++ {
		if _, err := e.svc.StartRegistration(ctx, "09"+strings.Repeat(string(rune('0'+i%10)), 7)+string(rune('0'+i/10)), "flood"); err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	_, err = e.svc.StartRegistration(ctx, "0911111119", "flood")
	wantCode(t, err, "registration_rate_limited")
	// …and by the instance's limiter when it has one.
	e.svc.Clients = ratelimit.New(2, 1)
	e.svc.StartRegistration(ctx, "0922222222", "x")
	e.svc.StartRegistration(ctx, "0933333333", "x")
	_, err = e.svc.StartRegistration(ctx, "0944444444", "x")
	wantCode(t, err, "registration_rate_limited")
}

func TestRegisterByEmail(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, err := e.svc.StartRegistration(ctx, "An.Nguyen@Example.vn", "a")
	if err != nil || st.Channel != citizen.Email || st.Masked != "a***@example.vn" {
		t.Fatalf("%+v %v", st, err)
	}
	ms := e.sent(t, st.ID)
	if len(ms) != 1 || ms[0].To != "an.nguyen@example.vn" {
		t.Fatalf("mail %+v", ms)
	}
	link := regexp.MustCompile(`https://xa\.example\.vn/dang-ky/` + st.ID + `\?ma=([A-Za-z0-9_-]{43})`).FindStringSubmatch(ms[0].Body)
	if link == nil {
		t.Fatalf("no link in %q", ms[0].Body)
	}
	e.advance(23 * time.Hour) // a link lives a day
	reg, err := e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: link[1], FullName: "Nguyễn An", Password: "mat-khau-dai"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(reg.Username, "cd") {
		t.Errorf("username %q", reg.Username)
	}
	if _, err := auth.NormalizeUsername(reg.Username); err != nil {
		t.Errorf("username %q: %v", reg.Username, err)
	}
	if got := e.svc.LoginName(ctx, "AN.NGUYEN@example.vn"); got != reg.Username {
		t.Errorf("LoginName = %q", got)
	}
}

func TestLinkDossier(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	st, _ := e.svc.StartRegistration(ctx, "0912345678", "a")
	reg, err := e.svc.Confirm(ctx, citizen.Registration{ChallengeID: st.ID, Code: e.code(t, st.ID), FullName: "Lê Văn Bình", Password: "mat-khau-dai"})
	if err != nil {
		t.Fatal(err)
	}
	me := &auth.Principal{UserID: reg.UserID, Memberships: []auth.Membership{{UnitID: e.demo.Unit, Role: auth.RoleCitizen}}}
	var free []int
	for i, d := range e.demo.Counter {
		if d.OwnerID == 0 {
			free = append(free, i)
		}
	}
	if len(free) < 2 {
		t.Fatalf("the demo has %d counter dossiers without an owner", len(free))
	}
	d := e.demo.Counter[free[0]]
	_, err = e.svc.LinkBySecret(ctx, me, d.Code, "WRONG")
	wantCode(t, err, "dossier_not_found")
	_, err = e.svc.LinkBySecret(ctx, me, "NO-SUCH", d.Secret)
	wantCode(t, err, "dossier_not_found")
	if _, err := e.svc.LinkBySecret(ctx, me, strings.ToLower(d.Code), strings.ToLower(d.Secret)); err != nil {
		t.Fatal(err)
	}
	got, _ := e.st.DossierByCode(ctx, d.Code)
	if got.OwnerID != reg.UserID {
		t.Errorf("owner %d, want %d", got.OwnerID, reg.UserID)
	}
	other := &auth.Principal{UserID: e.demo.Accountant.ID}
	_, err = e.svc.LinkBySecret(ctx, other, d.Code, d.Secret)
	wantCode(t, err, "dossier_already_linked")

	// The officer's way: the citizen's number, then the code they read back.
	d2 := e.demo.Counter[free[1]]
	counter := e.demo.Member(t, "motcua", auth.RoleCounter)
	_, err = e.svc.StartLink(ctx, counter, d2, "0987654321", "desk")
	wantCode(t, err, "citizen_not_found")
	_, err = e.svc.StartLink(ctx, me, d2, "0912345678", "desk")
	if !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("a citizen started a link: %v", err)
	}
	ls, err := e.svc.StartLink(ctx, counter, d2, "0912 345 678", "desk")
	if err != nil {
		t.Fatal(err)
	}
	ms := e.sent(t, ls.ID)
	if len(ms) != 1 || ms[0].To != "tel:+84912345678" || !strings.Contains(ms[0].Body, d2.Code) {
		t.Fatalf("link SMS %+v", ms)
	}
	code := sixDigits.FindString(ms[0].Body)
	if err := e.svc.ConfirmLink(ctx, counter, d, ls.ID, code); apperr.From(err).Code != "otp_invalid" {
		t.Errorf("a code for one dossier linked another: %v", err)
	}
	if err := e.svc.ConfirmLink(ctx, counter, d2, ls.ID, code); err != nil {
		t.Fatal(err)
	}
	if got, _ := e.st.DossierByCode(ctx, d2.Code); got.OwnerID != reg.UserID {
		t.Errorf("owner %d", got.OwnerID)
	}
	mine, total, err := e.st.Dossiers(ctx, store.DossierQuery{OwnerID: reg.UserID, Limit: 10})
	if err != nil || total != 2 || len(mine) != 2 {
		t.Errorf("Hồ sơ của tôi: %d %v", total, err)
	}
}
