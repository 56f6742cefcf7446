package dossier

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNewRating(t *testing.T) {
	now := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		status         Status
		value, comment string
		want           error
	}{
		{StatusResolved, "satisfied", "  Nhanh gọn ", nil},
		{StatusReturned, "dissatisfied", "", nil},
		{StatusRefused, "neutral", "", nil},
		{StatusWithdrawn, "neutral", "", nil},
		{StatusProcessing, "satisfied", "", ErrRatingTooEarly},
		{StatusSubmitted, "satisfied", "", ErrRatingTooEarly},
		{StatusReturned, "great", "", ErrRatingValue},
		{StatusReturned, "", "", ErrRatingValue},
		{StatusReturned, "satisfied", strings.Repeat("ý", MaxRatingComment+1), ErrRatingComment},
	} {
		r, err := NewRating(Dossier{Status: c.status}, c.value, c.comment, now)
		if !errors.Is(err, c.want) {
			t.Errorf("%s %q: %v, want %v", c.status, c.value, err, c.want)
			continue
		}
		if err == nil && (string(r.Rating) != c.value || r.Comment != strings.TrimSpace(c.comment) || !r.At.Equal(now)) {
			t.Errorf("%s %q: %+v", c.status, c.value, r)
		}
	}
	// A comment of exactly the limit, in characters not bytes, is accepted.
	if _, err := NewRating(Dossier{Status: StatusReturned}, "satisfied", strings.Repeat("ý", MaxRatingComment), now); err != nil {
		t.Errorf("comment at the limit: %v", err)
	}
}
