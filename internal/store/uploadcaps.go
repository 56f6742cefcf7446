package store

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
)

// UploadCaps bound what is attached to one dossier, and what one user uploads in 24
// hours, so that nobody can fill the commune's disk one valid file at a time. A user
// with a role in an office (volunteers of the digital team included) has the staff cap:
// a counter officer digitises the papers of every dossier received in a day.
type UploadCaps struct {
	DossierFiles int   // files of one dossier
	DossierBytes int64 // their bytes
	CitizenFiles int   // files a user without an office role uploads in 24 hours
	CitizenBytes int64
	StaffFiles   int // files a user with an office role uploads in 24 hours
	StaffBytes   int64
}

// DefaultUploadCaps: a dossier of 100 files or 200 MB is far beyond the 20 files of an
// online filing and the supplements that follow; a citizen's 100 files or 250 MB a day
// are five full filings; an office's 1,000 files or 2 GB a day are more than a counter
// digitises, and stop only a runaway script or a stolen token.
var DefaultUploadCaps = UploadCaps{DossierFiles: 100, DossierBytes: 200 << 20,
	CitizenFiles: 100, CitizenBytes: 250 << 20, StaffFiles: 1000, StaffBytes: 2 << 30}

// Errors of the caps; the message given names the numbers.
var (
	ErrDossierFileLimit = apperr.New(apperr.Invalid, "dossier_file_limit", "Hồ sơ đã đủ số tệp đính kèm tối đa; không nhận thêm tệp.")
	ErrDailyUploadLimit = apperr.New(apperr.TooManyRequests, "daily_upload_limit",
		"Bạn đã gửi số tệp tối đa trong 24 giờ qua; vui lòng thử lại sau.")
)

// SetUploadCaps replaces the caps (DefaultUploadCaps unless set).
func (s *Store) SetUploadCaps(c UploadCaps) { s.uploadCaps.Store(&c) }

func (s *Store) caps() UploadCaps {
	if c := s.uploadCaps.Load(); c != nil {
		return *c
	}
	return DefaultUploadCaps
}

// CheckUploadCaps says whether files more files of size bytes in all may be attached
// to the dossier by the user (0: someone without an account, who has no daily cap).
// Callers ask before storing the bytes; the store asks again in the transaction that
// records them.
func (s *Store) CheckUploadCaps(ctx context.Context, dossierID, userID int64, files int, size int64) error {
	return s.checkUploadCaps(ctx, s.r, dossierID, userID, files, size)
}

func (s *Store) checkUploadCaps(ctx context.Context, q querier, dossierID, userID int64, files int, size int64) error {
	c := s.caps()
	if dossierID != 0 {
		var n int
		var bytes int64
		if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0) FROM dossier_files WHERE dossier_id = $1`,
			dossierID).Scan(&n, &bytes); err != nil {
			return fmt.Errorf("store: files of dossier %d: %w", dossierID, err)
		}
		if n+files > c.DossierFiles || bytes+size > c.DossierBytes {
			e := *ErrDossierFileLimit
			e.Message = fmt.Sprintf("Hồ sơ đã có %d tệp (%s); mỗi hồ sơ nhận tối đa %d tệp, tổng %s. Không nhận thêm tệp này.",
				n, megabytes(bytes), c.DossierFiles, megabytes(c.DossierBytes))
			return &e
		}
	}
	if userID == 0 {
		return nil
	}
	var staff bool
	var n int
	var bytes int64
	since := s.timestamp().Add(-24 * time.Hour)
	if err := q.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(size), 0),
		EXISTS (SELECT 1 FROM memberships WHERE user_id = $1 AND role <> $3)
		FROM dossier_files WHERE uploaded_by = $1 AND created_at >= $2`, userID, since, string(auth.RoleCitizen)).
		Scan(&n, &bytes, &staff); err != nil {
		return fmt.Errorf("store: uploads of user %d: %w", userID, err)
	}
	maxFiles, maxBytes := c.CitizenFiles, c.CitizenBytes
	if staff {
		maxFiles, maxBytes = c.StaffFiles, c.StaffBytes
	}
	if n+files > maxFiles || bytes+size > maxBytes {
		e := *ErrDailyUploadLimit
		e.Message = fmt.Sprintf("Bạn đã gửi %d tệp (%s) trong 24 giờ qua; mỗi tài khoản gửi tối đa %d tệp, tổng %s, trong 24 giờ. Vui lòng thử lại sau.",
			n, megabytes(bytes), maxFiles, megabytes(maxBytes))
		return &e
	}
	return nil
}

// megabytes writes a size in MB as people read it.
func megabytes(n int64) string {
	if n < 1<<20 {
		return fmt.Sprintf("%d KB", (n+1<<9)>>10)
	}
	return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
}
