package community

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Store is what the community service needs from storage. Every write is one
// transaction with its audit record (naming the record and the fields, never personal
// values) and its messages.
type Store interface {
	UnitByCode(ctx context.Context, code string) (unit.Unit, error)
	UnitContact(ctx context.Context, unitID int64) (unit.Contact, error)
	Memberships(ctx context.Context, userID int64) ([]auth.Membership, error)
	UserByID(ctx context.Context, id int64) (auth.User, error)

	// CommunityVillages lists a unit's villages with their latest count and coverage.
	CommunityVillages(ctx context.Context, unitID int64) ([]Village, error)
	CommunityVillage(ctx context.Context, id int64) (Village, error)
	SetVillageProfile(ctx context.Context, v Village) error
	AddVillageCount(ctx context.Context, c Count, by int64) (Count, error)
	VillageCounts(ctx context.Context, villageID int64) ([]Count, error)
	AddCoverage(ctx context.Context, c Coverage, by int64) (Coverage, error)
	// AccountsOpened is the sum of accounts the team's visits opened in a village.
	AccountsOpened(ctx context.Context, villageID int64) (int, error)

	// Teams lists a unit's villages with their members active on day.
	Teams(ctx context.Context, unitID int64, day calendar.Date) ([]Team, error)
	// TeamMembers lists a unit's members, the village's when villageID ≠ 0.
	TeamMembers(ctx context.Context, unitID, villageID int64) ([]Member, error)
	// MemberOf lists a user's memberships, the latest first.
	MemberOf(ctx context.Context, userID int64) ([]Member, error)
	AddMember(ctx context.Context, unitID int64, m Member) (Member, error)
	// EndMember sets an open membership's left date (ErrMemberEnded when it was already
	// ended), drops the help requests' reminders still waiting for that member and, when
	// the user then has no open membership in the unit's villages any more, takes their
	// digital_team role in the unit away, in one transaction with the audit records.
	// revoked says whether the role was taken away.
	EndMember(ctx context.Context, unitID int64, m Member) (revoked bool, err error)
	AddTraining(ctx context.Context, unitID int64, t Training) (Training, error)
	Trainings(ctx context.Context, memberID int64) ([]Training, error)
	AddVisit(ctx context.Context, unitID int64, v Visit) (Visit, error)
	// Visits lists a user's visits, the latest first, and their totals.
	Visits(ctx context.Context, userID int64, limit int) ([]Visit, Totals, error)

	// CreateHelpRequest stores h with its first events and its reminders.
	CreateHelpRequest(ctx context.Context, h HelpRequest, reminders []Reminder) (HelpRequest, error)
	HelpRequest(ctx context.Context, code string) (HelpRequest, error)
	HelpRequests(ctx context.Context, q HelpQuery) ([]HelpRequest, int, error)
	// SaveHelpRequest stores after if the row is still at before's version (else
	// ErrHelpChanged) with the event, dropping the pending reminders when drop or
	// when there are new ones, and scheduling reminders, in one transaction.
	SaveHelpRequest(ctx context.Context, before, after HelpRequest, ev Event, drop bool, reminders []Reminder) (HelpRequest, error)
	// HelpRequestsFrom counts the requests filed from a client (its hash) since.
	HelpRequestsFrom(ctx context.Context, clientHash string, since time.Time) (int, error)

	DXStore
}

// Reminder is a message the outbox sends at At, unless dropped first.
type Reminder struct {
	notify.Message
	At time.Time
}

// HelpQuery filters the lists of help requests.
type HelpQuery struct {
	UnitID    int64
	VillageID int64 // 0: every village
	Statuses  []Status
	// OverdueAt lists only the requests open after their deadline at that time.
	OverdueAt     time.Time
	Limit, Offset int
}

// Calendars gives a unit's working calendar (workcal.Service).
type Calendars interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
}

// Service runs the rules of villages, teams and help requests.
type Service struct {
	Store     Store
	Calendars Calendars
	Now       func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Today is the date in Vietnam.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now().In(locale.Zone)) }

// Editors keep the villages and the teams' records.
var Editors = []auth.Role{auth.RoleLeader, auth.RoleUnitAdmin}

// Readers see the teams (counts) besides the officials: the volunteers.
func reader(p *auth.Principal, unitID int64) bool {
	return p.Can(unitID, auth.OfficeRoles...) || p.Can(unitID, auth.RoleDigitalTeam)
}

// UnitByCode resolves a unit's code from outside input.
func (s *Service) UnitByCode(ctx context.Context, code string) (unit.Unit, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 32 {
		return unit.Unit{}, ErrUnit
	}
	return s.Store.UnitByCode(ctx, code)
}

// Villages lists a unit's villages with their latest facts (public).
func (s *Service) Villages(ctx context.Context, unitID int64) ([]Village, error) {
	return s.Store.CommunityVillages(ctx, unitID)
}

// Village finds one of a unit's villages by its code or its name (case and accents as
// typed; spaces folded).
func (s *Service) Village(ctx context.Context, unitID int64, codeOrName string) (Village, error) {
	vs, err := s.Store.CommunityVillages(ctx, unitID)
	if err != nil {
		return Village{}, err
	}
	key := strings.ToLower(oneLine(codeOrName))
	for _, v := range vs {
		if strings.EqualFold(v.Code, key) || strings.ToLower(v.Name) == key {
			return v, nil
		}
	}
	// "Quảng Từ" for "Thôn Quảng Từ".
	for _, v := range vs {
		if strings.ToLower(strings.TrimPrefix(v.Name, v.Kind.Label()+" ")) == key {
			return v, nil
		}
	}
	return Village{}, ErrVillageNotFound
}

func (s *Service) editable(ctx context.Context, p *auth.Principal, villageID int64) (Village, error) {
	v, err := s.Store.CommunityVillage(ctx, villageID)
	if err != nil {
		return Village{}, err
	}
	if !p.Can(v.UnitID, Editors...) {
		return Village{}, ErrNotEditor
	}
	return v, nil
}

// SetProfile sets a village's kind and leader (the unit's leader or administrator).
func (s *Service) SetProfile(ctx context.Context, p *auth.Principal, villageID int64, kind Kind, leader string) (Village, error) {
	v, err := s.editable(ctx, p, villageID)
	if err != nil {
		return Village{}, err
	}
	bad := map[string]string{}
	if _, ok := kindLabels[kind]; !ok {
		bad["kind"] = "Vui lòng chọn thôn, xóm hoặc tổ dân phố."
	}
	leader = oneLine(leader)
	if tooLong(leader, MaxName) {
		bad["leader"] = "Họ tên trưởng thôn dài tối đa 200 ký tự."
	}
	if err := fieldErr(bad); err != nil {
		return Village{}, err
	}
	v.Kind, v.Leader = kind, leader
	return v, s.Store.SetVillageProfile(ctx, v)
}

// AddCount records a dated count of a village's households and people. A count of
// households below the accounts the team has recorded opening there is refused: one of
// the two is wrong.
func (s *Service) AddCount(ctx context.Context, p *auth.Principal, c Count) (Count, error) {
	if _, err := s.editable(ctx, p, c.VillageID); err != nil {
		return Count{}, err
	}
	c, err := CheckCount(c)
	if err != nil {
		return Count{}, err
	}
	opened, err := s.Store.AccountsOpened(ctx, c.VillageID)
	if err != nil {
		return Count{}, err
	}
	if c.Households < opened {
		return Count{}, ErrBelowAccounts
	}
	return s.Store.AddVillageCount(ctx, c, p.UserID)
}

// Counts lists a village's dated counts, the latest first (the unit's officials).
func (s *Service) Counts(ctx context.Context, p *auth.Principal, villageID int64) ([]Count, error) {
	v, err := s.Store.CommunityVillage(ctx, villageID)
	if err != nil {
		return nil, err
	}
	if !reader(p, v.UnitID) {
		return nil, ErrNotReader
	}
	return s.Store.VillageCounts(ctx, villageID)
}

// AddCoverage records a dated coverage fact about a village.
func (s *Service) AddCoverage(ctx context.Context, p *auth.Principal, c Coverage) (Coverage, error) {
	if _, err := s.editable(ctx, p, c.VillageID); err != nil {
		return Coverage{}, err
	}
	c, err := CheckCoverage(c)
	if err != nil {
		return Coverage{}, err
	}
	return s.Store.AddCoverage(ctx, c, p.UserID)
}

// Teams lists a unit's teams with their active members' count (its officials and
// volunteers).
func (s *Service) Teams(ctx context.Context, p *auth.Principal, unitID int64) ([]Team, error) {
	if !reader(p, unitID) {
		return nil, ErrNotReader
	}
	return s.Store.Teams(ctx, unitID, s.Today())
}

// Members lists a unit's team members with their phones (its officials only).
func (s *Service) Members(ctx context.Context, p *auth.Principal, unitID, villageID int64) ([]Member, error) {
	if !p.Can(unitID, auth.OfficeRoles...) {
		return nil, ErrNotReader
	}
	return s.Store.TeamMembers(ctx, unitID, villageID)
}

// AddMember puts a user holding the digital_team role in the village's unit into the
// village's team from joined (the unit's leader or administrator).
func (s *Service) AddMember(ctx context.Context, p *auth.Principal, villageID, userID int64, phone string, joined calendar.Date) (Member, error) {
	v, err := s.editable(ctx, p, villageID)
	if err != nil {
		return Member{}, err
	}
	ms, err := s.Store.Memberships(ctx, userID)
	if err != nil {
		return Member{}, ErrMember
	}
	if !slices.ContainsFunc(ms, func(m auth.Membership) bool { return m.UnitID == v.UnitID && m.Role == auth.RoleDigitalTeam }) {
		return Member{}, ErrMember
	}
	bad := map[string]string{}
	if phone = NormalizePhone(phone); phone == "" {
		bad["phone"] = "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 0."
	}
	if joined.IsZero() || !joined.IsValid() {
		bad["date"] = "Vui lòng ghi ngày tham gia tổ."
	}
	if err := fieldErr(bad); err != nil {
		return Member{}, err
	}
	return s.Store.AddMember(ctx, v.UnitID, Member{VillageID: villageID, UserID: userID, Phone: phone, Joined: joined})
}

// EndMember ends a member's service in their village's team on left (the unit's leader
// or administrator): not before they joined, not in the future. The member keeps their
// history (the membership, its trainings, visits and help requests stay). When they
// serve in no other village of the unit, their digital_team role in the unit is taken
// away at once: a volunteer who left the team no longer sees its requests. revoked says
// whether it was.
func (s *Service) EndMember(ctx context.Context, p *auth.Principal, unitID, memberID int64, left calendar.Date) (m Member, revoked bool, err error) {
	if !p.Can(unitID, Editors...) {
		return Member{}, false, ErrNotEditor
	}
	ms, err := s.Store.TeamMembers(ctx, unitID, 0)
	if err != nil {
		return Member{}, false, err
	}
	i := slices.IndexFunc(ms, func(m Member) bool { return m.ID == memberID })
	if i < 0 {
		return Member{}, false, ErrMember
	}
	m = ms[i]
	if !m.Left.IsZero() {
		return m, false, ErrMemberEnded
	}
	bad := map[string]string{}
	switch {
	case left.IsZero() || !left.IsValid():
		bad["date"] = "Vui lòng ghi ngày thôi tham gia tổ."
	case left.Compare(m.Joined) < 0:
		bad["date"] = "Ngày thôi tham gia không được trước ngày tham gia tổ."
	case left.Compare(s.Today()) > 0:
		bad["date"] = "Ngày thôi tham gia không được sau hôm nay."
	}
	if err := fieldErr(bad); err != nil {
		return m, false, err
	}
	m.Left = left
	revoked, err = s.Store.EndMember(ctx, unitID, m)
	return m, revoked, err
}

// Trainings lists a member's training records (the unit's officials).
func (s *Service) Trainings(ctx context.Context, p *auth.Principal, unitID, memberID int64) ([]Training, error) {
	if !p.Can(unitID, auth.OfficeRoles...) {
		return nil, ErrNotReader
	}
	ms, err := s.Store.TeamMembers(ctx, unitID, 0)
	if err != nil {
		return nil, err
	}
	if !slices.ContainsFunc(ms, func(m Member) bool { return m.ID == memberID }) {
		return nil, ErrMember
	}
	return s.Store.Trainings(ctx, memberID)
}

// AddTraining records a course a member attended (the unit's leader or administrator).
func (s *Service) AddTraining(ctx context.Context, p *auth.Principal, unitID int64, t Training) (Training, error) {
	if !p.Can(unitID, Editors...) {
		return Training{}, ErrNotEditor
	}
	ms, err := s.Store.TeamMembers(ctx, unitID, 0)
	if err != nil {
		return Training{}, err
	}
	if !slices.ContainsFunc(ms, func(m Member) bool { return m.ID == t.MemberID }) {
		return Training{}, ErrMember
	}
	bad := map[string]string{}
	t.Course, t.Certificate = oneLine(t.Course), oneLine(t.Certificate)
	if t.Course == "" || tooLong(t.Course, MaxName) {
		bad["course"] = "Vui lòng ghi tên khóa tập huấn (tối đa 200 ký tự)."
	}
	if t.Held.IsZero() || !t.Held.IsValid() {
		bad["date"] = "Vui lòng ghi ngày tập huấn."
	}
	if tooLong(t.Certificate, MaxName) {
		bad["note"] = "Số chứng nhận dài tối đa 200 ký tự."
	}
	if err := fieldErr(bad); err != nil {
		return Training{}, err
	}
	return s.Store.AddTraining(ctx, unitID, t)
}

// Me is a volunteer's own membership serving today, with its village.
func (s *Service) Me(ctx context.Context, p *auth.Principal) (Member, Village, error) {
	if p == nil {
		return Member{}, Village{}, ErrNotMember
	}
	ms, err := s.Store.MemberOf(ctx, p.UserID)
	if err != nil {
		return Member{}, Village{}, err
	}
	today := s.Today()
	for _, m := range ms {
		if !m.Active(today) {
			continue
		}
		v, err := s.Store.CommunityVillage(ctx, m.VillageID)
		if err != nil {
			return Member{}, Village{}, err
		}
		if p.Can(v.UnitID, auth.RoleDigitalTeam) {
			return m, v, nil
		}
	}
	return Member{}, Village{}, ErrNotMember
}

// ValidKey reports whether an Idempotency-Key is well formed: up to 100 letters, digits,
// hyphens and underscores (the API's rule; a phone's crypto.randomUUID() meets it).
func ValidKey(k string) bool {
	if k == "" || len(k) > 100 {
		return false
	}
	for _, r := range k {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}

// RecordVisit records a visit by the volunteer p, in their own village. With a key (a
// form replayed from the phone's offline queue, or sent twice), the same key with the
// same visit answers the visit recorded the first time (Replayed).
func (s *Service) RecordVisit(ctx context.Context, p *auth.Principal, in VisitInput) (Visit, error) {
	m, v, err := s.Me(ctx, p)
	if err != nil {
		return Visit{}, err
	}
	in, err = in.check(s.Today())
	if err != nil {
		return Visit{}, err
	}
	visit := Visit{MemberID: m.ID, UserID: p.UserID, VillageID: v.ID, Visited: in.Visited,
		Households: in.Households, Installs: in.Installs, Accounts: in.Accounts, Payments: in.Payments, Note: in.Note,
		RecordedAt: s.now()}
	if in.Key != "" {
		if !ValidKey(in.Key) {
			return Visit{}, &FieldError{Fields: map[string]string{"note": "Khóa gửi lại không hợp lệ."}}
		}
		visit.IdemKey = in.Key
		visit.IdemHash = HashSecret(fmt.Sprintf("visit:%s|%d|%d|%d|%d|%s", in.Visited, in.Households, in.Installs, in.Accounts, in.Payments, in.Note))
	}
	return s.Store.AddVisit(ctx, v.UnitID, visit)
}

// MyVisits lists p's own visits, the latest first, with their totals.
func (s *Service) MyVisits(ctx context.Context, p *auth.Principal, limit int) ([]Visit, Totals, error) {
	if p == nil {
		return nil, Totals{}, ErrNotMember
	}
	return s.Store.Visits(ctx, p.UserID, limit)
}

// Filer is who files a help request.
type Filer struct {
	P *auth.Principal // logged in, or nil (anonymous with a phone)
	// Client is the filing address (the flood limit counts by its hash).
	Client string
}

// FileHelp records a help request and assigns it to the village's team when it has
// active members. The filer gets the request and, when anonymous, its look-up secret
// (given once; only its hash is kept). One address files at most FloodLimit requests
// in FloodWindow.
func (s *Service) FileHelp(ctx context.Context, by Filer, in Filing) (HelpRequest, string, error) {
	in, ferr := in.check()
	var bad map[string]string
	if ferr != nil {
		bad = ferr.(*FieldError).Fields
	} else {
		bad = map[string]string{}
	}
	u, err := s.UnitByCode(ctx, in.Unit)
	if err != nil {
		bad["unit"] = "Vui lòng chọn xã, phường."
	}
	var v Village
	if err == nil && bad["village"] == "" {
		if v, err = s.Village(ctx, u.ID, in.Village); errors.Is(err, ErrVillageNotFound) {
			bad["village"] = "Không tìm thấy thôn, xóm này trong xã; vui lòng chọn trong danh sách."
		} else if err != nil {
			return HelpRequest{}, "", err
		}
	}
	if err := fieldErr(bad); err != nil {
		return HelpRequest{}, "", err
	}
	now := s.now()
	client := HashSecret("client:" + by.Client)
	if n, err := s.Store.HelpRequestsFrom(ctx, client, now.Add(-FloodWindow)); err != nil {
		return HelpRequest{}, "", err
	} else if n >= FloodLimit {
		return HelpRequest{}, "", ErrFlood
	}
	cal, err := s.Calendars.For(ctx, u.ID)
	if err != nil {
		return HelpRequest{}, "", err
	}
	due, err := cal.AddWorkingDays(now, DefaultHelpDays)
	if err != nil {
		return HelpRequest{}, "", fmt.Errorf("community: deadline: %w", err)
	}
	secret := NewSecret()
	h := HelpRequest{Code: NewHelpCode(), UnitID: u.ID, VillageID: v.ID, VillageName: v.Name, VillageCode: v.Code,
		Topic: Topic(in.Topic), Description: in.Description, Name: in.Name, Phone: in.Phone, SecretHash: HashSecret(secret),
		Status: StatusReceived, FiledAt: now, DueAt: due, ClientHash: client}
	if by.P != nil {
		if by.P.Can(u.ID, auth.RoleDigitalTeam) {
			h.FiledBy = by.P.UserID
		} else {
			h.OwnerID = by.P.UserID
		}
	}
	h.Events = []Event{{Status: StatusReceived, At: now}}
	teams, err := s.Store.Teams(ctx, u.ID, s.Today())
	if err != nil {
		return HelpRequest{}, "", err
	}
	if slices.ContainsFunc(teams, func(t Team) bool { return t.Village.ID == v.ID && t.Members > 0 }) {
		h.Status = StatusAssigned
		h.Events = append(h.Events, Event{Status: StatusAssigned, At: now})
	}
	rem, err := s.reminders(ctx, h)
	if err != nil {
		return HelpRequest{}, "", err
	}
	h, err = s.Store.CreateHelpRequest(ctx, h, rem)
	return h, secret, err
}

// reminders are the messages owed when h is still open at its deadline: one to the
// commune's mailbox (when the unit has an e-mail address) and one to each member serving
// in the village's team, down the notification ladder (the channels their account
// consented to, else their phone on record by SMS). They name the request and its village, never the citizen; one per request,
// deadline and recipient (dedup key).
func (s *Service) reminders(ctx context.Context, h HelpRequest) ([]Reminder, error) {
	c, err := s.Store.UnitContact(ctx, h.UnitID)
	if err != nil {
		return nil, err
	}
	due := h.DueAt.In(locale.Zone).Format("02/01/2006")
	key := "help:" + h.Code + ":reminder:" + h.DueAt.UTC().Format("20060102T150405Z") + ":"
	subject := "Yêu cầu hỗ trợ " + h.Code + " quá hạn"
	var out []Reminder
	if c.Email != "" {
		out = append(out, Reminder{At: h.DueAt, Message: notify.Message{UnitID: h.UnitID, To: c.Email, Ref: ReminderRef(h.Code),
			Subject: subject, DedupKey: key + "commune",
			Body: strings.Join([]string{"Yêu cầu hỗ trợ " + h.Code + " (" + h.Topic.Label() + ", " + h.VillageName + ")",
				"đến hạn ngày " + due + " mà tổ công nghệ số chưa báo hoàn thành.",
				"", "Đề nghị lãnh đạo xã đôn đốc tổ công nghệ số của thôn.", "", "Đây là thư tự động của hệ thống."}, "\n")}})
	}
	ms, err := s.Store.TeamMembers(ctx, h.UnitID, h.VillageID)
	if err != nil {
		return nil, err
	}
	today := s.Today()
	for _, m := range ms {
		if !m.Active(today) || !m.Left.IsZero() { // a member who left today no longer serves
			continue
		}
		msg := notify.Message{UnitID: h.UnitID, UserID: m.UserID, Phone: notify.E164(m.Phone), Ref: ReminderRef(h.Code),
			Subject: subject, DedupKey: key + "member:" + strconv.FormatInt(m.ID, 10),
			Body: "Nhắc việc tổ công nghệ số: yêu cầu hỗ trợ " + h.Code + " (" + h.Topic.Label() + ", " + h.VillageName +
				") đã quá hạn ngày " + due + ". Xem và xử lý tại trang Tổ công nghệ số cộng đồng."}
		out = append(out, Reminder{At: h.DueAt, Message: msg})
	}
	return out, nil
}

// ReminderRef is the outbox's reference of a request's reminder.
func ReminderRef(code string) string { return "help:" + code + ":reminder" }

// team reports whether p works on requests of the village: an official of the unit, or
// a volunteer serving in its team.
func (s *Service) team(ctx context.Context, p *auth.Principal, h HelpRequest) bool {
	if p == nil {
		return false
	}
	if p.Can(h.UnitID, auth.OfficeRoles...) {
		return true
	}
	if !p.Can(h.UnitID, auth.RoleDigitalTeam) {
		return false
	}
	_, v, err := s.Me(ctx, p)
	return err == nil && v.ID == h.VillageID
}

// LookupHelp finds a request by its code. full says whether the caller sees its
// personal fields: with the secret, as its filer logged in, or as its team or an
// official. Anyone else gets its progress only.
func (s *Service) LookupHelp(ctx context.Context, p *auth.Principal, code, secret string) (HelpRequest, bool, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !ValidCode(code) {
		return HelpRequest{}, false, ErrHelpNotFound
	}
	h, err := s.Store.HelpRequest(ctx, code)
	if err != nil {
		return HelpRequest{}, false, err
	}
	full := h.SecretMatches(secret) || p != nil && (h.OwnerID == p.UserID || h.FiledBy == p.UserID) || s.team(ctx, p, h)
	if !full {
		h = h.Public()
	}
	return h, full, nil
}

// Public is h without its personal fields.
func (h HelpRequest) Public() HelpRequest {
	h.Description, h.Name, h.Phone, h.SecretHash, h.ClientHash = "", "", "", "", ""
	h.OwnerID, h.FiledBy, h.AssigneeID = 0, 0, 0
	h.Assignee = ""
	for i := range h.Events {
		h.Events[i].Note = ""
	}
	return h
}

// HelpList lists requests: the unit's for its officials, their own village's for a
// volunteer (q.VillageID is set to it).
func (s *Service) HelpList(ctx context.Context, p *auth.Principal, q HelpQuery) ([]HelpRequest, int, error) {
	switch {
	case p.Can(q.UnitID, auth.OfficeRoles...):
	case p.Can(q.UnitID, auth.RoleDigitalTeam):
		_, v, err := s.Me(ctx, p)
		if err != nil {
			return nil, 0, err
		}
		if v.UnitID != q.UnitID {
			return nil, 0, ErrNotMember
		}
		q.VillageID = v.ID
	default:
		return nil, 0, ErrNotReader
	}
	return s.Store.HelpRequests(ctx, q)
}

// Overdue counts a unit's requests open after their deadline now (the leader's
// dashboard).
func (s *Service) Overdue(ctx context.Context, unitID int64) (int, error) {
	_, n, err := s.Store.HelpRequests(ctx, HelpQuery{UnitID: unitID, OverdueAt: s.now(), Limit: 1})
	return n, err
}

// Act moves a request a step: the team starts and finishes it (its volunteers or the
// unit's officials); its filer confirms (close) or reopens it — with the secret, logged
// in as its filer, or an official recording the citizen's word. A reopened request gets
// a new deadline and reminder. version 0 skips the optimistic check.
func (s *Service) Act(ctx context.Context, p *auth.Principal, code, secret string, action Action, version int, note string) (HelpRequest, error) {
	tr, ok := transitions[action]
	if !ok {
		return HelpRequest{}, ErrHelpAction
	}
	code = strings.ToUpper(strings.TrimSpace(code))
	if !ValidCode(code) {
		return HelpRequest{}, ErrHelpNotFound
	}
	before, err := s.Store.HelpRequest(ctx, code)
	if err != nil {
		return HelpRequest{}, err
	}
	team := s.team(ctx, p, before)
	filer := before.SecretMatches(secret) || p != nil && (before.OwnerID == p.UserID && before.OwnerID != 0 ||
		p.Can(before.UnitID, auth.OfficeRoles...))
	switch action {
	case ActStart, ActDone:
		if !team {
			if filer {
				return HelpRequest{}, ErrHelpNotTeam
			}
			return HelpRequest{}, ErrHelpNotFound
		}
	default:
		if !filer {
			if team {
				return HelpRequest{}, ErrHelpNotFiler
			}
			return HelpRequest{}, ErrHelpNotFound
		}
	}
	if !slices.Contains(tr.from, before.Status) {
		return HelpRequest{}, ErrHelpStep
	}
	if version != 0 && version != before.Version {
		return HelpRequest{}, ErrHelpChanged
	}
	note = oneLine(note)
	if tooLong(note, MaxNote) {
		return HelpRequest{}, &FieldError{Fields: map[string]string{"note": "Ghi chú dài tối đa 1.000 ký tự."}}
	}
	now := s.now()
	after := before
	after.Status = tr.to
	var drop bool
	var rem []Reminder
	switch action {
	case ActStart:
		if p.Can(before.UnitID, auth.RoleDigitalTeam) || after.AssigneeID == 0 {
			after.AssigneeID = p.UserID
			if u, err := s.Store.UserByID(ctx, p.UserID); err == nil {
				after.Assignee = u.FullName
			}
		}
	case ActDone:
		drop = true
	case ActClose:
		after.ClosedAt = now
	case ActReopen:
		cal, err := s.Calendars.For(ctx, before.UnitID)
		if err != nil {
			return HelpRequest{}, err
		}
		if after.DueAt, err = cal.AddWorkingDays(now, DefaultHelpDays); err != nil {
			return HelpRequest{}, fmt.Errorf("community: deadline: %w", err)
		}
		if rem, err = s.reminders(ctx, after); err != nil {
			return HelpRequest{}, err
		}
	}
	return s.Store.SaveHelpRequest(ctx, before, after, Event{Status: after.Status, At: now, Note: note}, drop, rem)
}

// Clock is the service's time now.
func (s *Service) Clock() time.Time { return s.now() }
