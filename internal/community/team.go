package community

import (
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// Team is a village's community digital technology team (tổ công nghệ số cộng đồng):
// one per village, its members those whose membership is open.
type Team struct {
	Village Village
	Members int // active members
}

// Member is a user with the digital_team role serving in a village's team, from the day
// they joined until the day they left (zero: still serving). Phone is personal: shown
// only to the unit's officials and to the member themselves.
type Member struct {
	ID          int64
	VillageID   int64
	VillageName string
	UserID      int64
	FullName    string
	Phone       string
	Joined      calendar.Date
	Left        calendar.Date
}

// Active reports whether the member serves on day.
func (m Member) Active(day calendar.Date) bool {
	return m.Joined.Compare(day) <= 0 && (m.Left.IsZero() || m.Left.Compare(day) >= 0)
}

// Training is a course a member attended.
type Training struct {
	ID          int64
	MemberID    int64
	Course      string
	Held        calendar.Date
	Certificate string // the certificate's number or file reference ("" : none)
}

// Visit is what a member did on one visit to households: counts and a note. It is the
// member's own record: other volunteers do not see it.
type Visit struct {
	ID         int64
	MemberID   int64
	UserID     int64
	VillageID  int64
	Visited    calendar.Date
	Households int // households visited
	Installs   int // app installs helped
	Accounts   int // accounts opened
	Payments   int // cashless payments helped
	Note       string
	RecordedAt time.Time
	// IdemKey is the Idempotency-Key it was sent with (a replay from the phone's queue),
	// IdemHash a hash of what it carried; Replayed: this answer is the visit recorded the
	// first time.
	IdemKey, IdemHash string
	Replayed          bool
}

// VisitInput is what the member types.
type VisitInput struct {
	Visited                                  calendar.Date
	Households, Installs, Accounts, Payments int
	Note                                     string
	// Key is the Idempotency-Key of the request ("" : none): the same key with the same
	// visit answers the visit recorded the first time; with another, visit_key_reused.
	Key string
}

// Totals are the sums of visits.
type Totals struct {
	Visits, Households, Installs, Accounts, Payments int
}

func (in VisitInput) check(today calendar.Date) (VisitInput, error) {
	bad := map[string]string{}
	in.Note = clean(in.Note)
	switch {
	case in.Visited.IsZero() || !in.Visited.IsValid():
		bad["visited_on"] = "Vui lòng ghi ngày thăm."
	case in.Visited.Compare(today) > 0:
		bad["visited_on"] = "Ngày thăm không được sau hôm nay."
	case today.Sub(in.Visited) > 366:
		bad["visited_on"] = "Chỉ ghi nhận chuyến thăm trong vòng một năm."
	}
	for k, n := range map[string]int{"households": in.Households, "installs": in.Installs, "accounts": in.Accounts, "payments": in.Payments} {
		if n < 0 || n > MaxPerVisit {
			bad[k] = "Số lượng phải từ 0 đến 1.000."
		}
	}
	if in.Households == 0 && bad["households"] == "" {
		bad["households"] = "Vui lòng ghi số hộ đã thăm (ít nhất 1)."
	}
	if tooLong(in.Note, MaxNote) {
		bad["note"] = "Ghi chú dài tối đa 1.000 ký tự."
	}
	return in, fieldErr(bad)
}
