package store_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// TestSessionTokensAreStoredHashed: the sessions table keys a session by the SHA-256 of
// its token, as api_tokens does, so a copy of the database opens no session.
func TestSessionTokensAreStoredHashed(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	ss := s.Sessions()
	const token = "Yq2l8b3wJk7m1cTn0vXr5pZa9sDf4gHj6kLz_Qw-EoU"
	if err := ss.CommitCtx(ctx, token, []byte("v"), time.Now().Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if b, ok, err := ss.FindCtx(ctx, token); err != nil || !ok || string(b) != "v" {
		t.Fatalf("Find = %q, %v, %v", b, ok, err)
	}
	var stored string
	if err := s.ReaderDB().QueryRowContext(ctx, `SELECT token FROM sessions`).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(token))
	if stored != hex.EncodeToString(sum[:]) {
		t.Fatalf("the sessions table keeps %q, want the SHA-256 of the token", stored)
	}
	if err := ss.DeleteCtx(ctx, token); err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.ReaderDB().QueryRowContext(ctx, `SELECT COUNT(*) FROM sessions`).Scan(&n); err != nil || n != 0 {
		t.Fatalf("after Delete: %d rows, %v", n, err)
	}
}
