// Package consent records what a citizen allows someone else to do for them: who gave it
// (the citizen's account), to whom (a volunteer of the community digital team), in which
// unit, for what purpose, the words they agreed to, when, and when they took it back.
// A consent is never edited: revoking sets its end, and a new grant is a new record, so
// the history of who could act for whom stays whole. It is pure; internal/store keeps it.
package consent

import (
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Purpose is what a consent allows. Later purposes (a help request, a visit record)
// join this list with their own wording.
type Purpose string

const (
	// AssistedFiling lets a volunteer file dossiers in the citizen's name and follow them.
	AssistedFiling Purpose = "assisted_filing"
)

var purposeLabels = map[Purpose]string{
	AssistedFiling: "Nộp hộ hồ sơ thủ tục hành chính",
}

// Label is the Vietnamese name of the purpose.
func (p Purpose) Label() string { return purposeLabels[p] }

// texts is the wording the citizen agrees to, per purpose. A stored consent keeps the
// words shown at the time, so changing a text here changes only later consents.
var texts = map[Purpose]string{
	AssistedFiling: "Tôi đồng ý để thành viên tổ công nghệ số cộng đồng có tên đăng nhập nêu trên nộp hồ sơ thủ tục hành chính " +
		"thay tôi, đứng tên tôi, và theo dõi, bổ sung các hồ sơ đó. Tôi có thể rút lại sự đồng ý bất cứ lúc nào; " +
		"từ lúc rút lại, người đó không xem được các hồ sơ này nữa.",
}

// Text is the wording shown to the citizen before they agree.
func Text(p Purpose) string { return texts[p] }

// Consent is one grant.
type Consent struct {
	ID          int64
	CitizenID   int64 // the user who gives it
	VolunteerID int64 // the user who may act
	UnitID      int64 // where the volunteer serves
	Purpose     Purpose
	Text        string // the words the citizen agreed to
	GivenAt     time.Time
	RevokedAt   time.Time // zero while it stands

	// Read with the record, for the pages: the other party's name and the unit's.
	CitizenName, CitizenUsername     string
	VolunteerName, VolunteerUsername string
	UnitName                         string
}

// Active reports whether the consent still stands.
func (c Consent) Active() bool { return c.RevokedAt.IsZero() }

// Errors of this package.
var (
	ErrNotVolunteer = apperr.New(apperr.Invalid, "not_a_volunteer",
		"Không có thành viên tổ công nghệ số cộng đồng với tên đăng nhập này. Kiểm tra lại tên đăng nhập trên thẻ thành viên.")
	ErrSelf     = apperr.New(apperr.Invalid, "consent_to_self", "Không thể tự đồng ý cho chính mình nộp hộ.")
	ErrNotFound = apperr.New(apperr.NotFound, "consent_not_found", "Không tìm thấy sự đồng ý này.")
	ErrRevoked  = apperr.New(apperr.Conflict, "consent_revoked", "Sự đồng ý này đã được rút lại.")
	// ErrRequired refuses an assisted filing for a citizen who has not agreed (or has
	// taken their consent back).
	ErrRequired = apperr.New(apperr.Conflict, "consent_required",
		"Người dân này chưa đồng ý cho bạn nộp hộ (hoặc đã rút lại sự đồng ý). Người dân đăng nhập, vào trang “Tài khoản của tôi” để đồng ý.")
)
