package store_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
)

func seedUnits(t *testing.T, s *store.Store) (province, commune int64) {
	t.Helper()
	ctx := context.Background()
	p, err := s.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := s.CreateUnit(ctx, unit.Unit{Code: "14731", Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ",
		IdentCode: "000.31.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	return p, c
}

func TestUnits(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	p, c := seedUnits(t, s)

	got, err := s.UnitByCode(ctx, "14731")
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != c || got.ParentID == nil || *got.ParentID != p || got.IdentCode != "000.31.37.H45" || got.ValidTo != "" {
		t.Fatalf("UnitByCode = %+v", got)
	}
	if _, err := s.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "x", ValidFrom: "2025-07-01"}); !errors.Is(err, unit.ErrExists) {
		t.Fatalf("duplicate code: err = %v", err)
	}
	if _, err := s.CreateUnit(ctx, unit.Unit{Code: "3", Level: unit.Province, Name: "x", ValidFrom: "2025-07-01"}); apperr.KindOf(err) != apperr.Invalid {
		t.Fatalf("invalid unit: err = %v", err)
	}
	if _, err := s.UnitByCode(ctx, "99999"); !errors.Is(err, unit.ErrNotFound) {
		t.Fatalf("missing unit: err = %v", err)
	}
	list, total, err := s.Units(ctx, 1, 1)
	if err != nil || total != 2 || len(list) != 1 || list[0].Code != "14731" { // provinces first
		t.Fatalf("Units(1,1) = %v, %d, %v", list, total, err)
	}
	for _, name := range []string{"Thôn Quảng Từ", "Thôn Ngọc Lâm"} {
		if _, err := s.AddVillage(ctx, c, name); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddVillage(ctx, c, "Thôn Quảng Từ"); !errors.Is(err, unit.ErrExists) {
		t.Fatalf("duplicate village: err = %v", err)
	}
	vs, err := s.Villages(ctx, c)
	if err != nil || len(vs) != 2 || vs[0].Name != "Thôn Quảng Từ" {
		t.Fatalf("Villages = %v, %v", vs, err)
	}
}

func TestUserAndMembershipsOfACitizen(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	citizen, err := s.CreateUser(ctx, auth.User{Username: "dan-khong-vai-tro", FullName: "Lê Văn Dân", PasswordHash: "h"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if u2, ms2, err := s.UserAndMemberships(ctx, citizen); err != nil || u2.Username != "dan-khong-vai-tro" || len(ms2) != 0 {
		t.Fatalf("UserAndMemberships(citizen) = %+v %+v, %v", u2, ms2, err)
	}
	if _, _, err := s.UserAndMemberships(ctx, 9999); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("UserAndMemberships(missing) = %v", err)
	}
}

func TestUsersAndTokens(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	_, c := seedUnits(t, s)

	id, err := s.CreateUser(ctx, auth.User{Username: "motcua", FullName: "Trần Thị Bình", PasswordHash: "h1"},
		[]auth.Membership{{UnitID: c, Role: auth.RoleCounter}, {UnitID: c, Role: auth.RoleSpecialist}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CreateUser(ctx, auth.User{Username: "motcua"}, nil); !errors.Is(err, auth.ErrUserExists) {
		t.Fatalf("duplicate username: err = %v", err)
	}
	u, err := s.UserByUsername(ctx, "motcua")
	if err != nil || u.ID != id || u.FullName != "Trần Thị Bình" || u.Disabled || u.CreatedAt.IsZero() {
		t.Fatalf("UserByUsername = %+v, %v", u, err)
	}
	if _, err := s.UserByUsername(ctx, "nobody"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("missing user: err = %v", err)
	}
	ms, err := s.Memberships(ctx, id)
	if err != nil || len(ms) != 2 || ms[0].UnitCode != "14731" || ms[0].Role != auth.RoleCounter || ms[1].Role != auth.RoleSpecialist {
		t.Fatalf("Memberships = %+v, %v", ms, err)
	}
	// The session's one read gives the same user and roles.
	if u2, ms2, err := s.UserAndMemberships(ctx, id); err != nil || u2 != u || !reflect.DeepEqual(ms2, ms) {
		t.Fatalf("UserAndMemberships = %+v %+v, %v; want %+v %+v", u2, ms2, err, u, ms)
	}
	if err := s.SetPasswordHash(ctx, id, "h2"); err != nil {
		t.Fatal(err)
	}
	if u, _ := s.UserByID(ctx, id); u.PasswordHash != "h2" {
		t.Fatalf("password hash = %q", u.PasswordHash)
	}
	if err := s.SetPasswordHash(ctx, 9999, "h"); !errors.Is(err, auth.ErrUserNotFound) {
		t.Fatalf("SetPasswordHash(missing) = %v", err)
	}

	plain, hash := auth.NewToken()
	tok, err := s.CreateToken(ctx, id, "cli", hash)
	if err != nil {
		t.Fatal(err)
	}
	if owner, err := s.UserByTokenHash(ctx, auth.HashToken(plain)); err != nil || owner.ID != id {
		t.Fatalf("UserByTokenHash = %+v, %v", owner, err)
	}
	if err := s.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.UserByTokenHash(ctx, hash); !errors.Is(err, auth.ErrTokenNotFound) {
		t.Fatalf("revoked token still works: %v", err)
	}
	if err := s.RevokeToken(ctx, 4242); !errors.Is(err, auth.ErrTokenNotFound) {
		t.Fatalf("RevokeToken(missing) = %v", err)
	}
	toks, err := s.Tokens(ctx, id)
	if err != nil || len(toks) != 1 || toks[0].RevokedAt == nil {
		t.Fatalf("Tokens = %+v, %v", toks, err)
	}

	if _, err := s.CreateUser(ctx, auth.User{Username: "congdan"}, nil); err != nil {
		t.Fatal(err)
	}
	all, total, err := s.Users(ctx, 0, 10, 0)
	if err != nil || total != 2 || len(all) != 2 || all[0].Username != "congdan" || len(all[1].Memberships) != 2 {
		t.Fatalf("Users(all) = %+v, %d, %v", all, total, err)
	}
	inUnit, total, err := s.Users(ctx, c, 10, 0)
	if err != nil || total != 1 || inUnit[0].Username != "motcua" {
		t.Fatalf("Users(unit) = %+v, %d, %v", inUnit, total, err)
	}
}

func TestSessions(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	now := time.Date(2026, 3, 2, 1, 0, 0, 0, time.UTC)
	s.SetClock(func() time.Time { return now })
	ss := s.Sessions()
	if err := ss.CommitCtx(ctx, "tok", []byte("v1"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if err := ss.CommitCtx(ctx, "tok", []byte("v2"), now.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := ss.FindCtx(ctx, "tok"); err != nil || !ok || string(b) != "v2" {
		t.Fatalf("Find = %q, %v, %v", b, ok, err)
	}
	if err := ss.CommitCtx(ctx, "old", []byte("x"), now.Add(-time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := ss.FindCtx(ctx, "old"); ok || err != nil {
		t.Fatalf("expired session found: %v %v", ok, err)
	}
	if n, err := s.DeleteExpiredSessions(ctx); err != nil || n != 1 {
		t.Fatalf("DeleteExpiredSessions = %d, %v", n, err)
	}
	if err := ss.DeleteCtx(ctx, "tok"); err != nil {
		t.Fatal(err)
	}
	if _, ok, _ := ss.FindCtx(ctx, "tok"); ok {
		t.Fatal("deleted session found")
	}
}

func TestAuditChainsAndVerify(t *testing.T) {
	ctx := audit.WithActor(context.Background(), "test")
	s := storetest.Open(t)
	_, c := seedUnits(t, s)
	for i := range 5 {
		if err := s.AppendAudit(ctx, audit.Event{Chain: c, Action: "test.event", ObjectType: "x", ObjectID: strconv.Itoa(i)}); err != nil {
			t.Fatal(err)
		}
	}
	n, err := s.VerifyAudit(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n < 7 { // two unit creations + five events
		t.Fatalf("checked %d records", n)
	}
	recs, total, err := s.AuditRecords(ctx, c, 2, 0)
	if err != nil || total != 6 || len(recs) != 2 || recs[0].Seq != 6 || recs[0].Actor != "test" || recs[0].Event.ObjectID != "4" {
		t.Fatalf("AuditRecords = %+v, %d, %v", recs, total, err)
	}
}

// TestAuditConcurrentAppends checks that concurrent appends to one chain never produce a
// gap or a fork, on either engine.
func TestAuditConcurrentAppends(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 10 {
				chain := int64(i % 2) // two chains
				if err := s.AppendAudit(ctx, audit.Event{Chain: chain, Action: "c", ObjectType: "w", ObjectID: fmt.Sprint(w, i)}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	if n, err := s.VerifyAudit(ctx); err != nil || n != 40 {
		t.Fatalf("VerifyAudit = %d, %v", n, err)
	}
}

func TestMigrateIsIdempotent(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t)
	for range 2 {
		s, err := store.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		v, err := s.SchemaVersion(ctx)
		s.Close()
		ms, _ := store.Migrations(s.Dialect())
		if err != nil || v != ms[len(ms)-1].Version {
			t.Fatalf("SchemaVersion = %d, %v", v, err)
		}
	}
}

func TestBackup(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	if s.Dialect() != store.SQLite {
		if err := s.Backup(ctx, filepath.Join(t.TempDir(), "b.db")); !errors.Is(err, store.ErrBackupPostgres) {
			t.Fatalf("Backup on PostgreSQL: err = %v", err)
		}
		return
	}
	seedUnits(t, s)
	out := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(ctx, out); err != nil {
		t.Fatal(err)
	}
	if err := s.Backup(ctx, out); err == nil {
		t.Fatal("Backup overwrote an existing file")
	}
	b, err := store.Open(ctx, "sqlite:"+out)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if u, err := b.UnitByCode(ctx, "14731"); err != nil || u.Name != "Xã Yên Từ" {
		t.Fatalf("backup content: %+v, %v", u, err)
	}
	if _, err := b.VerifyAudit(ctx); err != nil {
		t.Fatalf("backup audit: %v", err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	_, err := store.Open(ctx, "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if !errors.Is(err, store.ErrUnavailable) {
		t.Fatalf("err = %v, want ErrUnavailable", err)
	}
}
