package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// RateDossier records the citizen's rating of d, once, with its audit record (the
// comment is personal: the audit names the field, not the words).
func (s *Store) RateDossier(ctx context.Context, d dossier.Dossier, r dossier.Rated) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dossier_ratings (dossier_id, unit_id, rating, comment, rated_at)
			VALUES ($1, $2, $3, $4, $5)`, d.ID, d.CompetentUnitID, r.Rating, r.Comment, utc(r.At)); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: d.CompetentUnitID, Action: "dossier.rated", ObjectType: "dossier",
			ObjectID: d.Code, Fields: []string{"rating", "comment"}})
	})
	if isUnique(err) {
		return dossier.ErrRated
	}
	if err != nil {
		return fmt.Errorf("store: rate %s: %w", d.Code, err)
	}
	return nil
}

// DossierRating is the rating of a dossier, if it has one.
func (s *Store) DossierRating(ctx context.Context, dossierID int64) (dossier.Rated, bool, error) {
	var r dossier.Rated
	err := s.r.QueryRowContext(ctx, `SELECT rating, comment, rated_at FROM dossier_ratings WHERE dossier_id = $1`, dossierID).
		Scan(&r.Rating, &r.Comment, &r.At)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	r.At = r.At.UTC()
	return r, err == nil, mapErr(err)
}

// RatingCounts counts the ratings given in the units from one local date to another,
// inclusive, by answer.
func (s *Store) RatingCounts(ctx context.Context, units []int64, from, to calendar.Date) (map[dossier.Rating]int, error) {
	out := map[dossier.Rating]int{}
	if len(units) == 0 {
		return out, nil
	}
	args := []any{utc(from.Time()), utc(to.AddDays(1).Time())}
	for _, u := range units {
		args = append(args, u)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT rating, COUNT(*) FROM dossier_ratings
		WHERE rated_at >= $1 AND rated_at < $2 AND unit_id IN (`+placeholders(3, len(units))+`) GROUP BY rating`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var r dossier.Rating
		var n int
		if err := rows.Scan(&r, &n); err != nil {
			return nil, err
		}
		out[r] = n
	}
	return out, mapErr(rows.Err())
}
