package feedback

import (
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Criterion is one question of the satisfaction survey, scored 1 (rất không hài lòng)
// to 5 (rất hài lòng). The criteria are those provinces' surveys ask (the twelve of
// Thừa Thiên Huế's portal, the Ministry of Home Affairs' SIPAS questions), grouped
// into five; which ones a province uses is UNCONFIRMED, so the list is data here.
type Criterion struct {
	Key, Label string
}

// Criteria are the survey's questions in the order the form shows them.
var Criteria = []Criterion{
	{"attitude", "Thái độ, tinh thần phục vụ của cán bộ, công chức"},
	{"time", "Thời gian giải quyết so với quy định"},
	{"transparency", "Công khai, minh bạch thông tin thủ tục và tình trạng hồ sơ"},
	{"simplicity", "Thủ tục, giấy tờ đơn giản; số lần phải đi lại, liên hệ"},
	{"result", "Kết quả nhận được"},
}

// ScoreLabels name the five levels.
var ScoreLabels = [5]string{"Rất không hài lòng", "Không hài lòng", "Bình thường", "Hài lòng", "Rất hài lòng"}

// Survey is one dossier's survey answers (one per dossier, given once by its applicant
// when its result is ready or it has ended, as the rating is).
type Survey struct {
	DossierID int64
	UnitID    int64
	Scores    map[string]int // criterion key → 1..5
	Comment   string
	At        time.Time
}

// MaxSurveyComment bounds the survey's comment, in characters.
const MaxSurveyComment = 1000

var (
	ErrSurveyed = apperr.New(apperr.Conflict, "already_surveyed", "Ông/bà đã trả lời khảo sát cho hồ sơ này. Cảm ơn ông/bà.")
	ErrSurvey   = apperr.New(apperr.Invalid, "invalid_survey", "Vui lòng chấm mỗi tiêu chí từ 1 đến 5.")
)

// NewSurvey checks the answers: every criterion scored 1..5, nothing else.
func NewSurvey(answers map[string]string, comment string, now time.Time) (Survey, error) {
	sv := Survey{Scores: map[string]int{}, Comment: clean(comment), At: now}
	for k := range answers {
		if !knownCriterion(k) {
			return Survey{}, ErrSurvey
		}
	}
	for _, c := range Criteria {
		n, err := strconv.Atoi(strings.TrimSpace(answers[c.Key]))
		if err != nil || n < 1 || n > 5 {
			return Survey{}, ErrSurvey
		}
		sv.Scores[c.Key] = n
	}
	if len([]rune(sv.Comment)) > MaxSurveyComment {
		return Survey{}, apperr.New(apperr.Invalid, "survey_comment_too_long", "Ý kiến dài tối đa 1.000 ký tự.")
	}
	return sv, nil
}

func knownCriterion(k string) bool {
	for _, c := range Criteria {
		if c.Key == k {
			return true
		}
	}
	return false
}
