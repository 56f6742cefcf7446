package main

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestUserLifecycleCommands: disable, enable, revoke and set-password change what the
// server sees at the user's next request: the account's state, its roles and the
// generation of its sessions.
func TestUserLifecycleCommands(t *testing.T) {
	env, must := fresh(t)
	dsn := env["XASO_DB"]
	must("", "migrate")
	must("", "unit", "add", "--level", "province", "--code", "37", "--name", "Tỉnh Ninh Bình")
	must("", "unit", "add", "--code", "14731", "--parent", "37", "--name", "Xã Yên Từ", "--ident", "000.31.37.H45")
	must("mat-khau-du-dai\n", "user", "add", "--unit", "14731", "--role", "counter,specialist", "--password-stdin", "motcua")
	look := func() (auth.User, []auth.Membership) {
		t.Helper()
		st, err := store.Open(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer st.Close()
		u, err := st.UserByUsername(context.Background(), "motcua")
		if err != nil {
			t.Fatal(err)
		}
		ms, err := st.Memberships(context.Background(), u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return u, ms
	}
	before, _ := look()

	if out := must("", "user", "disable", "motcua"); out != "" {
		t.Fatalf("disable printed %q", out)
	}
	if u, _ := look(); !u.Disabled || u.SessionEpoch <= before.SessionEpoch {
		t.Fatalf("after disable: %+v", u)
	}
	if out := must("", "user", "list"); !strings.Contains(out, "motcua\t\tcounter@14731,specialist@14731\tdisabled\n") {
		t.Fatalf("user list: %q", out)
	}
	must("", "user", "enable", "motcua")
	enabled, _ := look()
	if enabled.Disabled {
		t.Fatalf("after enable: %+v", enabled)
	}

	must("", "user", "revoke", "--unit", "14731", "--role", "counter", "motcua")
	if _, ms := look(); len(ms) != 1 || ms[0].Role != auth.RoleSpecialist {
		t.Fatalf("after revoke: %+v", ms)
	}
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"user", "revoke", "--unit", "14731", "--role", "counter", "motcua"}, 1, "không có vai trò"},
		{[]string{"user", "revoke", "--unit", "14731", "motcua"}, 2, "--role"},
		{[]string{"user", "revoke", "--unit", "14731", "--role", "boss", "motcua"}, 2, "boss"},
		{[]string{"user", "revoke", "--unit", "99999", "--role", "counter", "motcua"}, 1, ""},
		{[]string{"user", "disable", "khongco"}, 1, "Không tìm thấy người dùng"},
		{[]string{"user", "enable"}, 2, "tên đăng nhập"},
		{[]string{"user", "disable", "a", "b"}, 2, "tên đăng nhập"},
	} {
		if r := xaso(t, env, "", c.args...); r.code != c.code || !strings.Contains(r.err, c.want) {
			t.Errorf("%v: %+v", c.args, r)
		}
	}

	must("mat-khau-moi-dai\n", "user", "set-password", "--password-stdin", "motcua")
	if u, _ := look(); u.SessionEpoch <= enabled.SessionEpoch {
		t.Fatalf("set-password kept the sessions: %+v", u)
	}
	if out := must("", "audit", "verify"); !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("audit verify: %q", out)
	}
}

// TestTokenExpiry: `token create --expires` takes days or a Go duration, and `token
// list` shows when each token expires.
func TestTokenExpiry(t *testing.T) {
	dsn := storetest.DSN(t)
	env := map[string]string{"XASO_DB": dsn, "XASO_DATA_DIR": filepath.Join(t.TempDir(), "files")}
	must := func(args ...string) string {
		t.Helper()
		r := xaso(t, env, "", args...)
		if r.code != 0 {
			t.Fatalf("%v: code %d: %s", args, r.code, r.err)
		}
		return r.out
	}
	must("migrate")
	must("user", "add", "motcua")
	start := time.Now().UTC()
	must("token", "create", "--user", "motcua", "--name", "ket-noi", "--expires", "90d")
	must("token", "create", "--user", "motcua", "--name", "gio", "--expires", "36h")
	must("token", "create", "--user", "motcua", "--name", "mai-mai")
	out := must("token", "list", "--user", "motcua")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 {
		t.Fatalf("token list: %q", out)
	}
	expiry := func(line, name string) time.Time {
		t.Helper()
		f := strings.Split(line, "\t")
		if len(f) != 5 || f[1] != name {
			t.Fatalf("token list line %q", line)
		}
		if f[4] == "never" {
			return time.Time{}
		}
		at, err := time.Parse(time.RFC3339, strings.TrimPrefix(f[4], "expires "))
		if err != nil {
			t.Fatalf("expiry of %s: %q", name, f[4])
		}
		return at
	}
	if at := expiry(lines[0], "mai-mai"); !at.IsZero() {
		t.Errorf("a token without --expires expires %s", at)
	}
	if at := expiry(lines[1], "gio"); at.Before(start.Add(36*time.Hour-time.Second)) || at.After(start.Add(37*time.Hour)) {
		t.Errorf("--expires 36h: %s", at)
	}
	if at := expiry(lines[2], "ket-noi"); at.Before(start.Add(90*24*time.Hour-time.Second)) || at.After(start.Add(90*24*time.Hour+time.Hour)) {
		t.Errorf("--expires 90d: %s", at)
	}
	for _, bad := range []string{"0d", "-1d", "0", "abc", "90", "1.5d", "3651d", "-5m", "d"} {
		if r := xaso(t, env, "", "token", "create", "--user", "motcua", "--expires", bad); r.code != 2 || !strings.Contains(r.err, "--expires") || r.out != "" {
			t.Errorf("--expires %s: %+v", bad, r)
		}
	}
}
