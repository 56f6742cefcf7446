package dossier

import (
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Rating is the citizen's answer to "how satisfied are you with the service?", asked
// when the result is ready or the dossier has ended (Decision 766, satisfaction).
type Rating string

const (
	RatingSatisfied    Rating = "satisfied"    // hài lòng
	RatingNeutral      Rating = "neutral"      // bình thường
	RatingDissatisfied Rating = "dissatisfied" // không hài lòng
)

// Ratings lists the answers in the order the form shows them.
var Ratings = []Rating{RatingSatisfied, RatingNeutral, RatingDissatisfied}

var ratingLabels = map[Rating]string{RatingSatisfied: "Hài lòng", RatingNeutral: "Bình thường",
	RatingDissatisfied: "Không hài lòng"}

// Label is the answer in Vietnamese.
func (r Rating) Label() string { return ratingLabels[r] }

// MaxRatingComment bounds the comment, in characters.
const MaxRatingComment = 1000

var (
	ErrRatingValue = apperr.New(apperr.Invalid, "invalid_rating",
		"Vui lòng chọn mức độ hài lòng: hài lòng, bình thường hoặc không hài lòng.")
	ErrRatingComment = apperr.New(apperr.Invalid, "rating_comment_too_long",
		"Ý kiến dài tối đa 1.000 ký tự.")
	ErrRatingTooEarly = apperr.New(apperr.Conflict, "rating_too_early",
		"Chỉ đánh giá được khi hồ sơ đã có kết quả hoặc đã kết thúc.")
	ErrRated = apperr.New(apperr.Conflict, "already_rated", "Hồ sơ này đã được đánh giá. Cảm ơn ông/bà.")
)

// Rated is a rating given.
type Rated struct {
	Rating  Rating
	Comment string
	At      time.Time
}

// CanRate reports whether the dossier's service can be rated now: once its result is
// ready or it has ended (a refusal is a service too).
func (d Dossier) CanRate() bool { return d.Status == StatusResolved || d.Status.Final() }

// NewRating checks an answer for d.
func NewRating(d Dossier, value, comment string, now time.Time) (Rated, error) {
	r := Rating(strings.TrimSpace(value))
	if _, ok := ratingLabels[r]; !ok {
		return Rated{}, ErrRatingValue
	}
	comment = strings.TrimSpace(comment)
	if len([]rune(comment)) > MaxRatingComment {
		return Rated{}, ErrRatingComment
	}
	if !d.CanRate() {
		return Rated{}, ErrRatingTooEarly
	}
	return Rated{Rating: r, Comment: comment, At: now}, nil
}
