package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// A delivery error quoting Vietnamese (a mail server's answer) is cut between
// characters: cut inside one, PostgreSQL refuses the update and the failure is lost.
func TestMarkFailedCutsTheErrorAtACharacter(t *testing.T) {
	ctx := context.Background()
	s := storetest.Open(t)
	_, commune := seedUnits(t, s)
	now := time.Now().UTC().Truncate(time.Microsecond)
	if err := s.InTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO outbox (unit_id, recipient, subject, body, created_at, next_attempt_at)
			VALUES ($1, 'an@example.vn', 'Giấy hẹn', 'Nội dung', $2, $2)`, commune, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	var id int64
	if err := s.ReaderDB().QueryRowContext(ctx, `SELECT id FROM outbox`).Scan(&id); err != nil {
		t.Fatal(err)
	}
	reason := "550 hộp thư không tồn tại:  " + strings.Repeat("ệ", 600) // 500 bytes end inside a letter
	if err := s.MarkFailed(ctx, id, reason, now.Add(time.Minute), false); err != nil {
		t.Fatalf("mark failed: %v", err)
	}
	var stored string
	if err := s.ReaderDB().QueryRowContext(ctx, `SELECT last_error FROM outbox WHERE id = $1`, id).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if !utf8.ValidString(stored) || utf8.RuneCountInString(stored) != 500 || !strings.HasPrefix(reason, stored) {
		t.Fatalf("stored error: %d characters, valid UTF-8 %v", utf8.RuneCountInString(stored), utf8.ValidString(stored))
	}
}
