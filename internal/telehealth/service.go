package telehealth

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Store is what the tele-health service needs from storage. Every write is one
// transaction with its audit record (naming the record and the fields, never personal
// values) and its messages.
type Store interface {
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	UnitContact(ctx context.Context, unitID int64) (unit.Contact, error)
	// AccountPhone is the E.164 number a citizen account was opened with ("" : none).
	AccountPhone(ctx context.Context, userID int64) (string, error)

	// AddSlots stores slots of one doctor, refusing (ErrOverlap) any that overlaps a
	// slot of the same doctor in the unit, all or none.
	AddTeleSlots(ctx context.Context, slots []Slot, by int64) ([]Slot, error)
	// Slots lists a unit's slots starting in [from, to), the earliest first.
	TeleSlots(ctx context.Context, unitID int64, from, to time.Time) ([]Slot, error)
	TeleSlot(ctx context.Context, id int64) (Slot, error)

	// Book stores b on its slot with its messages (the confirmation now, the reminders
	// at their time), consuming the phone's challenge when challengeID is not "" (its
	// absence: citizen.ErrCodeInvalid): ErrSlotTaken when a booking stands on the slot.
	BookTeleSlot(ctx context.Context, b Booking, challengeID string, msgs []Scheduled) (Booking, error)
	// Booking loads a booking by code with its slot.
	TeleBooking(ctx context.Context, code string) (Booking, error)
	// Upcoming counts a person's bookings still booked on slots ending after now.
	TeleUpcoming(ctx context.Context, personHash string, now time.Time) (int, error)
	// BookingsOn lists a unit's bookings (cancelled ones too) on slots starting in
	// [from, to), the earliest first.
	TeleBookingsOn(ctx context.Context, unitID int64, from, to time.Time) ([]Booking, error)
	// MyBookings lists a citizen account's bookings, the latest slot first.
	MyTeleBookings(ctx context.Context, userID int64, limit int) ([]Booking, error)
	// CancelBooking cancels a booked booking (ErrBookingStep when it is not), frees its
	// slot, blanks its reason and drops its pending reminders.
	CancelTeleBooking(ctx context.Context, b Booking, at time.Time, by int64) (Booking, error)
	// MarkBooking sets attended or no-show on a booking not cancelled.
	MarkTeleBooking(ctx context.Context, b Booking, status Status, at time.Time, by int64) (Booking, error)
	// TelehealthMonths counts a unit's bookings by month of the slot in a year.
	TelehealthMonths(ctx context.Context, unitID int64, from, to time.Time) ([]Month, error)
	// PurgeTelehealth blanks the reasons of bookings whose slot ended before
	// reasonsBefore and the contacts of those that ended before contactsBefore (audited
	// by count); it returns how many bookings it changed.
	PurgeTelehealth(ctx context.Context, reasonsBefore, contactsBefore time.Time) (int, error)
}

// Scheduled is a message the outbox sends at At (zero: now), unless the booking is
// cancelled first (Reminder).
type Scheduled struct {
	notify.Message
	At       time.Time
	Reminder bool
}

// Month is a month's bookings by outcome.
type Month struct {
	Month                                    int // 1–12
	Booked, Cancelled, Attended, NoShow, All int
}

// Calendars gives a unit's working calendar (workcal.Service).
type Calendars interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
}

// Phones proves a phone number by a one-time SMS code (citizen.Service): the same
// challenges, limits and messages as the accounts'.
type Phones interface {
	StartPhoneCode(ctx context.Context, purpose citizen.Purpose, phone, client string) (citizen.Started, error)
	Check(ctx context.Context, purpose citizen.Purpose, id, code string) (citizen.Challenge, error)
}

// Service runs the rules of slots and bookings.
type Service struct {
	Store     Store
	Calendars Calendars
	Phones    Phones
	// VideoURL is the Jitsi-compatible server rooms are made on (--telehealth-video-url).
	VideoURL string
	// BaseURL is the site's public address, for the links in messages ("" : paths).
	BaseURL string
	Now     func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now().UTC()
	}
	return s.Now().UTC()
}

// Clock is the service's time.
func (s *Service) Clock() time.Time { return s.now() }

// Today is the date in Vietnam.
func (s *Service) Today() calendar.Date { return calendar.DateOf(s.now().In(locale.Zone)) }

// Station reports whether p works for unitID's health station (its staff or its
// administrator).
func Station(p *auth.Principal, unitID int64) bool {
	return p != nil && p.Can(unitID, auth.HealthRoles...)
}

// Publishing is a run of consecutive slots of one doctor on one day.
type Publishing struct {
	UnitID  int64
	Doctor  string
	Kind    string
	Day     calendar.Date
	From    string // "07:30"
	Minutes int    // each slot's length
	Count   int    // how many, back to back
}

// Publish stores a run of slots (the station's staff): on a working day of the unit,
// not in the past, within the day, not overlapping the same doctor's slots.
func (s *Service) Publish(ctx context.Context, p *auth.Principal, in Publishing) ([]Slot, error) {
	if !Station(p, in.UnitID) {
		return nil, ErrNotStation
	}
	bad := map[string]string{}
	in.Doctor = oneLine(in.Doctor)
	if in.Doctor == "" || tooLong(in.Doctor, MaxDoctor) {
		bad["doctor"] = "Vui lòng ghi họ tên bác sĩ, y sĩ (tối đa 200 ký tự)."
	}
	kind := Kind(strings.TrimSpace(in.Kind))
	if _, ok := kindLabels[kind]; !ok {
		bad["kind"] = "Vui lòng chọn hình thức: gọi video, gọi điện thoại hoặc khám tại trạm."
	}
	if in.Minutes < MinMinutes || in.Minutes > MaxMinutes {
		bad["minutes"] = "Mỗi khung giờ dài từ 5 đến 120 phút."
	}
	if in.Count < 1 || in.Count > MaxSlots {
		bad["count"] = "Số khung giờ từ 1 đến 40."
	}
	clock, err := calendar.ParseClock(strings.TrimSpace(in.From))
	if err != nil {
		bad["from"] = "Giờ bắt đầu viết theo dạng 07:30."
	}
	if in.Day.IsZero() || !in.Day.IsValid() {
		bad["day"] = "Vui lòng chọn ngày."
	}
	if err := fieldErr(bad); err != nil {
		return nil, err
	}
	cal, err := s.Calendars.For(ctx, in.UnitID)
	if err != nil {
		return nil, err
	}
	if !cal.IsWorkingDay(in.Day) {
		return nil, ErrNotWorkingDay
	}
	start := in.Day.At(clock)
	length := time.Duration(in.Minutes) * time.Minute
	end := start.Add(time.Duration(in.Count) * length)
	if !start.After(s.now()) {
		return nil, ErrSlotPast
	}
	if calendar.DateOf(end.Add(-time.Nanosecond).In(locale.Zone)) != in.Day {
		return nil, fieldErr(map[string]string{"count": "Các khung giờ phải kết thúc trong ngày."})
	}
	slots := make([]Slot, in.Count)
	for i := range slots {
		st := start.Add(time.Duration(i) * length)
		slots[i] = Slot{UnitID: in.UnitID, Doctor: in.Doctor, Kind: kind, Start: st.UTC(), End: st.Add(length).UTC()}
	}
	return s.Store.AddTeleSlots(ctx, slots, p.UserID)
}

// Free lists a unit's slots still free from now for DaysAhead days (public: no
// personal data).
func (s *Service) Free(ctx context.Context, unitID int64) ([]Slot, error) {
	now := s.now()
	all, err := s.Store.TeleSlots(ctx, unitID, now, now.AddDate(0, 0, DaysAhead))
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, sl := range all {
		if !sl.Taken {
			out = append(out, sl)
		}
	}
	return out, nil
}

// Slot is one slot (public).
func (s *Service) Slot(ctx context.Context, id int64) (Slot, error) {
	if id <= 0 {
		return Slot{}, ErrSlotNotFound
	}
	return s.Store.TeleSlot(ctx, id)
}

// SendCode sends a one-time code by SMS to prove phone before booking, from client.
func (s *Service) SendCode(ctx context.Context, phone, client string) (citizen.Started, error) {
	if s.Phones == nil {
		return citizen.Started{}, ErrPhoneProof
	}
	return s.Phones.StartPhoneCode(ctx, citizen.Booking, phone, client)
}

// Request is what the booker gives.
type Request struct {
	SlotID int64
	Reason string
	Name   string
	Phone  string // logged in: optional (for SMS); else proven by the code
	// ChallengeID and Code prove the phone when the booker is not logged in.
	ChallengeID, Code string
}

// CheckRequest cleans what a booker typed and checks its bounds before anything is
// looked up: the reason (required, at most MaxReason letters), the name, the phone
// (returned as E.164, "" when none was typed).
func CheckRequest(in Request) (Request, string, error) {
	bad := map[string]string{}
	// Bounded before anything is copied: a letter is at most 4 bytes.
	if len(in.Reason) > 4*MaxReason+64 {
		in.Reason = strings.Repeat("x", MaxReason+1)
	}
	if len(in.Name) > 4*MaxName+64 {
		in.Name = strings.Repeat("x", MaxName+1)
	}
	in.Reason, in.Name = clean(in.Reason), oneLine(in.Name)
	switch n := utf8.RuneCountInString(in.Reason); {
	case n == 0:
		bad["reason"] = "Vui lòng ghi ngắn gọn lý do khám, tư vấn."
	case n > MaxReason:
		bad["reason"] = "Lý do khám dài tối đa 500 ký tự."
	}
	if tooLong(in.Name, MaxName) {
		bad["name"] = "Họ tên dài tối đa 100 ký tự."
	}
	phone := ""
	if strings.TrimSpace(in.Phone) != "" {
		if len(in.Phone) > 40 {
			phone = ""
		} else {
			phone = notify.E164(in.Phone)
		}
		if phone == "" {
			bad["phone"] = "Số điện thoại di động gồm 10 chữ số, bắt đầu bằng 0."
			phone = ""
		}
	}
	return in, phone, fieldErr(bad)
}

// Book books a free slot for p (a logged-in citizen) or for whoever proves a phone by
// its code. It returns the booking and its secret (given once; only its hash is kept).
func (s *Service) Book(ctx context.Context, p *auth.Principal, in Request) (Booking, string, error) {
	in, phone, err := CheckRequest(in)
	if err != nil {
		return Booking{}, "", err
	}
	sl, err := s.Slot(ctx, in.SlotID)
	if err != nil {
		return Booking{}, "", err
	}
	now := s.now()
	if !sl.Start.After(now) || sl.Start.After(now.AddDate(0, 0, DaysAhead+1)) {
		return Booking{}, "", ErrSlotPast
	}
	b := Booking{Code: NewCode(), SlotID: sl.ID, UnitID: sl.UnitID, Room: newRoom(), Name: in.Name, Phone: phone, Reason: in.Reason,
		Status: StatusBooked, BookedAt: now, Slot: sl}
	challenge := ""
	if p != nil && p.UserID != 0 {
		b.UserID = p.UserID
		if b.Name == "" {
			b.Name = p.FullName
		}
		if b.Phone == "" {
			if b.Phone, err = s.Store.AccountPhone(ctx, p.UserID); err != nil {
				return Booking{}, "", err
			}
		}
		if b.Phone == "" && sl.Kind == KindPhone {
			return Booking{}, "", fieldErr(map[string]string{"phone": "Vui lòng ghi số điện thoại di động để bác sĩ gọi cho ông/bà."})
		}
	} else {
		if s.Phones == nil || in.ChallengeID == "" || in.Code == "" {
			return Booking{}, "", ErrPhoneProof
		}
		c, err := s.Phones.Check(ctx, citizen.Booking, in.ChallengeID, in.Code)
		if err != nil {
			return Booking{}, "", err
		}
		b.Phone, challenge = c.Target, c.ID
	}
	b.PersonHash = PersonHash(b.UserID, b.Phone)
	if n, err := s.Store.TeleUpcoming(ctx, b.PersonHash, now); err != nil {
		return Booking{}, "", err
	} else if n >= MaxUpcoming {
		return Booking{}, "", ErrTooMany
	}
	secret := randomCode(8)
	b.SecretHash = hashText(secret)
	msgs, err := s.messages(ctx, b, secret)
	if err != nil {
		return Booking{}, "", err
	}
	b, err = s.Store.BookTeleSlot(ctx, b, challenge, msgs)
	return b, secret, err
}

// ReminderRef is the outbox's reference of a booking's reminders (dropped on cancel).
func ReminderRef(code string) string { return "telehealth:" + code + ":reminder" }

// messages are a booking's confirmation and its reminders 24 h and 1 h before (those
// still ahead), to the account's ladder or the phone, deduplicated by the booking's code.
func (s *Service) messages(ctx context.Context, b Booking, secret string) ([]Scheduled, error) {
	u, err := s.Store.UnitByID(ctx, b.UnitID)
	if err != nil {
		return nil, err
	}
	c, err := s.Store.UnitContact(ctx, b.UnitID)
	if err != nil {
		return nil, err
	}
	when := b.Slot.Start.In(locale.Zone).Format("15:04 02/01/2006")
	link := strings.TrimRight(s.BaseURL, "/") + "/kham-tu-xa/lich/" + b.Code
	how := b.Slot.Kind.Label()
	if c.Hotline != "" {
		how += "; điện thoại trạm: " + c.Hotline
	}
	if b.UserID == 0 && b.Phone == "" {
		return nil, nil
	}
	base := notify.Message{UnitID: b.UnitID, UserID: b.UserID, Phone: b.Phone}
	confirm := base
	confirm.Ref, confirm.DedupKey = "telehealth:"+b.Code, "telehealth:"+b.Code+":confirm"
	confirm.Subject = "Lịch khám từ xa " + b.Code
	confirm.Body = "Trạm y tế " + u.Name + " xác nhận lịch khám " + b.Code + " lúc " + when + " với " + b.Slot.Doctor + " (" + how + "). " +
		"Xem, hủy lịch: " + link
	if b.UserID == 0 {
		// Without an account the message is the booker's only copy of the secret.
		confirm.Body += " (mã tra cứu " + secret + ")"
	}
	confirm.Body += "."
	out := []Scheduled{{Message: confirm}}
	for _, r := range []struct {
		before time.Duration
		key    string
	}{{24 * time.Hour, "24h"}, {time.Hour, "1h"}} {
		at := b.Slot.Start.Add(-r.before)
		if !at.After(b.BookedAt) {
			continue
		}
		m := base
		m.Ref, m.DedupKey = ReminderRef(b.Code), "telehealth:"+b.Code+":remind:"+r.key
		m.Subject = "Nhắc lịch khám từ xa " + b.Code
		m.Body = "Nhắc lịch khám " + b.Code + " lúc " + when + " với " + b.Slot.Doctor + " (" + how + "). Vào phòng khám: " + link
		m.ExpiresAt = b.Slot.Start
		out = append(out, Scheduled{Message: m, At: at, Reminder: true})
	}
	return out, nil
}

// Lookup finds a booking for whoever may see it: its citizen logged in, the station's
// staff, or anyone with its secret; for others it does not exist.
func (s *Service) Lookup(ctx context.Context, p *auth.Principal, code, secret string) (Booking, error) {
	code = strings.ToUpper(strings.TrimSpace(code))
	if !ValidCode(code) {
		return Booking{}, ErrBookingNotFound
	}
	b, err := s.Store.TeleBooking(ctx, code)
	if err != nil {
		return Booking{}, ErrBookingNotFound
	}
	if (p != nil && b.UserID != 0 && p.UserID == b.UserID) || Station(p, b.UnitID) || b.SecretMatches(secret) {
		return b, nil
	}
	return Booking{}, ErrBookingNotFound
}

// Room is the booking's video links at now (empty outside the window or for a booking
// that is not a video one).
func (s *Service) Room(b Booking) Room { return RoomLinks(s.VideoURL, b, s.now()) }

// StationPhone is the unit's phone, the fallback of every consultation.
func (s *Service) StationPhone(ctx context.Context, unitID int64) string {
	c, err := s.Store.UnitContact(ctx, unitID)
	if err != nil {
		return ""
	}
	return c.Hotline
}

// Cancel cancels a booking for its citizen (logged in or with the secret) up to
// CancelBefore its start, or for the station at any time before it; the slot is free
// again and the reminders are dropped.
func (s *Service) Cancel(ctx context.Context, p *auth.Principal, code, secret string) (Booking, error) {
	b, err := s.Lookup(ctx, p, code, secret)
	if err != nil {
		return Booking{}, err
	}
	if b.Status != StatusBooked {
		return Booking{}, ErrBookingStep
	}
	now := s.now()
	limit := CancelBefore
	if Station(p, b.UnitID) {
		limit = 0
	}
	if now.Add(limit).After(b.Slot.Start) {
		return Booking{}, ErrTooLate
	}
	var by int64
	if p != nil {
		by = p.UserID
	}
	return s.Store.CancelTeleBooking(ctx, b, now, by)
}

// Mark records that the booking's citizen came (attended) or did not (no_show), from
// the slot's start (the station's staff); a mark can be corrected.
func (s *Service) Mark(ctx context.Context, p *auth.Principal, code string, status Status) (Booking, error) {
	b, err := s.Lookup(ctx, p, code, "")
	if err != nil {
		return Booking{}, err
	}
	if !Station(p, b.UnitID) {
		return Booking{}, ErrNotStation
	}
	if status != StatusAttended && status != StatusNoShow {
		return Booking{}, fieldErr(map[string]string{"status": "Chọn đã khám (attended) hoặc vắng mặt (no_show)."})
	}
	if b.Status == StatusCancelled {
		return Booking{}, ErrBookingStep
	}
	now := s.now()
	if now.Before(b.Slot.Start) {
		return Booking{}, ErrMarkEarly
	}
	return s.Store.MarkTeleBooking(ctx, b, status, now, p.UserID)
}

// Day lists a unit's bookings on a day (the station's staff).
func (s *Service) Day(ctx context.Context, p *auth.Principal, unitID int64, day calendar.Date) ([]Booking, error) {
	if !Station(p, unitID) {
		return nil, ErrNotStation
	}
	from := day.At(0)
	return s.Store.TeleBookingsOn(ctx, unitID, from, from.AddDate(0, 0, 1))
}

// Slots lists a unit's slots of a day with whether each is taken (the station's staff).
func (s *Service) Slots(ctx context.Context, p *auth.Principal, unitID int64, day calendar.Date) ([]Slot, error) {
	if !Station(p, unitID) {
		return nil, ErrNotStation
	}
	from := day.At(0)
	return s.Store.TeleSlots(ctx, unitID, from, from.AddDate(0, 0, 1))
}

// Months counts a unit's bookings by month of a year (the station's staff).
func (s *Service) Months(ctx context.Context, p *auth.Principal, unitID int64, year int) ([]Month, error) {
	if !Station(p, unitID) {
		return nil, ErrNotStation
	}
	if year < 2000 || year > 2100 {
		return nil, fieldErr(map[string]string{"year": "Năm phải từ 2000 đến 2100."})
	}
	from := time.Date(year, 1, 1, 0, 0, 0, 0, locale.Zone)
	got, err := s.Store.TelehealthMonths(ctx, unitID, from, from.AddDate(1, 0, 0))
	if err != nil {
		return nil, err
	}
	out := make([]Month, 12)
	for i := range out {
		out[i].Month = i + 1
	}
	for _, m := range got {
		if m.Month >= 1 && m.Month <= 12 {
			out[m.Month-1] = m
		}
	}
	return out, nil
}

// Mine lists a citizen's own bookings.
func (s *Service) Mine(ctx context.Context, p *auth.Principal) ([]Booking, error) {
	if p == nil || p.UserID == 0 {
		return nil, nil
	}
	return s.Store.MyTeleBookings(ctx, p.UserID, 20)
}

// Purge blanks what the bookings no longer need at now: the reasons a day after the
// slot, the names and phones thirty days after it. It returns how many bookings changed.
func (s *Service) Purge(ctx context.Context) (int, error) {
	now := s.now()
	n, err := s.Store.PurgeTelehealth(ctx, now.Add(-ReasonRetention), now.Add(-ContactRetention))
	if err != nil {
		return 0, fmt.Errorf("telehealth: purge: %w", err)
	}
	return n, nil
}
