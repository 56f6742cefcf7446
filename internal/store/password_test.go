package store_test

import (
	"context"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestOneTimePasswordFlag: a user created with a one-time password, or given one by a
// reset, must change it; every read of the user says so (the session's, the token's);
// the user's own change clears it. Each change of password ends the sessions.
func TestOneTimePasswordFlag(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	_, c := seedUnits(t, s)
	id, err := s.CreateUser(ctx, auth.User{Username: "moicap", FullName: "Người Mới", PasswordHash: "h1", MustChangePassword: true},
		[]auth.Membership{{UnitID: c, Role: auth.RoleCounter}})
	if err != nil {
		t.Fatal(err)
	}
	plain, hash := auth.NewToken()
	if _, err := s.CreateToken(ctx, id, "cli", hash); err != nil {
		t.Fatal(err)
	}
	want := func(step string, flag bool) auth.User {
		t.Helper()
		u, err := s.UserByID(ctx, id)
		if err != nil || u.MustChangePassword != flag {
			t.Fatalf("%s: UserByID flag = %v, %v; want %v", step, u.MustChangePassword, err, flag)
		}
		if u2, _, err := s.UserAndMemberships(ctx, id); err != nil || u2.MustChangePassword != flag {
			t.Fatalf("%s: UserAndMemberships flag = %v, %v", step, u2.MustChangePassword, err)
		}
		if u3, err := s.UserByTokenHash(ctx, auth.HashToken(plain)); err != nil || u3.MustChangePassword != flag {
			t.Fatalf("%s: UserByTokenHash flag = %v, %v", step, u3.MustChangePassword, err)
		}
		return u
	}
	u := want("created", true)
	epoch, err := s.ReplacePassword(ctx, id, "h2")
	if err != nil || epoch != u.SessionEpoch+1 {
		t.Fatalf("ReplacePassword = %d, %v", epoch, err)
	}
	if u = want("changed", false); u.PasswordHash != "h2" {
		t.Fatalf("hash after the change = %q", u.PasswordHash)
	}
	epoch, err = s.SetOneTimePassword(ctx, id, "h3")
	if err != nil || epoch != u.SessionEpoch+1 {
		t.Fatalf("SetOneTimePassword = %d, %v", epoch, err)
	}
	if u = want("reset", true); u.PasswordHash != "h3" {
		t.Fatalf("hash after the reset = %q", u.PasswordHash)
	}
	if _, err := s.SetOneTimePassword(ctx, 9999, "h"); err == nil {
		t.Fatal("SetOneTimePassword(missing) succeeded")
	}
	plainUser, err := s.CreateUser(ctx, auth.User{Username: "tudangky", FullName: "Tự Đăng Ký", PasswordHash: "h"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u, _ := s.UserByID(ctx, plainUser); u.MustChangePassword {
		t.Fatal("a user created with their own password must change it")
	}
}
