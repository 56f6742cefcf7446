package queue

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/unit"
)

// NewTicket is a ticket to store: the store takes its number from the day's sequence of
// its group, in the transaction that inserts it.
type NewTicket struct {
	Ticket Ticket // number, sequence and token are assigned by the store
	Letter string // the group's letter
	// Messages composes what is owed once the number is known (the printed slip).
	Messages func(Ticket) []notify.Message
}

// NewBooking is a booking to store: the store takes a place in its slot (ErrSlotFull
// when Capacity are taken) and gives it a code, in one transaction with its messages.
type NewBooking struct {
	Booking  Booking
	Capacity int
	// Messages composes the confirmation (now) and the reminder (at its time).
	Messages func(Booking) []Scheduled
}

// Scheduled is a message and when it is due (zero: now).
type Scheduled struct {
	notify.Message
	At time.Time
}

// Store is what the floor needs from storage.
type Store interface {
	UnitByCode(ctx context.Context, code string) (unit.Unit, error)
	UnitByID(ctx context.Context, id int64) (unit.Unit, error)
	QueueGroups(ctx context.Context, unitID int64) ([]Group, error)
	QueueDesks(ctx context.Context, unitID int64) ([]Desk, error)
	// QueueKiosk is a kiosk of the unit (apperr.ErrNotFound when none).
	QueueKiosk(ctx context.Context, unitID int64, code string) (Kiosk, error)
	// TakeTicket stores a ticket with the next number of its group's day — never the
	// same twice, whatever runs concurrently — and its messages; with a BookingID, it
	// checks the booking in, in the same transaction (ErrBookingUsed if it is not
	// booked any more).
	TakeTicket(ctx context.Context, nt NewTicket) (Ticket, error)
	// ChangeFloor reads the open tickets of a unit's day, lets decide compute the
	// updates, and stores them with their calls and audit records in one transaction;
	// when a ticket changed meanwhile it reads and decides again.
	ChangeFloor(ctx context.Context, unitID int64, day string, decide func(Floor) ([]Update, error)) ([]Update, error)
	// HoldDesk gives desk to user (releasing any other desk the user held in the unit).
	HoldDesk(ctx context.Context, unitID int64, desk int, userID int64) error
	// QueueRevision moves on with every change of the unit's floor.
	QueueRevision(ctx context.Context, unitID int64) (int64, error)
	OpenTickets(ctx context.Context, unitID int64, day string) ([]Ticket, error)
	LastCalls(ctx context.Context, unitID int64, day string, n int) ([]Call, error)
	QueueCall(ctx context.Context, unitID, id int64) (Call, error)
	TicketByToken(ctx context.Context, token string) (Ticket, error)
	TicketByID(ctx context.Context, unitID, id int64) (Ticket, error)
	SlotsTaken(ctx context.Context, unitID int64, group, day string) (map[string]int, error)
	CreateBooking(ctx context.Context, nb NewBooking) (Booking, error)
	BookingByCode(ctx context.Context, code string) (Booking, error)
	// CancelBooking cancels a booked visit and its pending reminder (ErrBookingUsed
	// when it is not booked any more).
	CancelBooking(ctx context.Context, id int64, at time.Time) (Booking, error)
	// CreateRating stores a rating; a second one for the same ticket is ErrNothingToRate.
	CreateRating(ctx context.Context, r Rating) (Rating, error)
	FloorTickets(ctx context.Context, unitID int64, from, to string) ([]Ticket, error)
	FloorBookings(ctx context.Context, unitID int64, from, to string) ([]Booking, error)
	FloorRatings(ctx context.Context, unitID int64, from, to time.Time) ([]Rating, error)
	// FloorAssignees maps the codes of the dossiers started from a unit's tickets of a
	// period to the officer each is assigned to by name (only those assigned).
	FloorAssignees(ctx context.Context, unitID int64, from, to string) (map[string]int64, error)
	UserNames(ctx context.Context, ids []int64) (map[int64]string, error)
}

// Calendars gives a unit's working calendar and office hours (workcal.Service).
type Calendars interface {
	For(ctx context.Context, unitID int64) (*calendar.Calendar, error)
	Hours(ctx context.Context, unitID int64) (calendar.OfficeHours, error)
}

// Service runs the floor. The API and the pages call it and only translate HTTP.
type Service struct {
	Store     Store
	Calendars Calendars
	Now       func() time.Time
	// BaseURL is the public address put in QR codes and messages ("" : relative).
	BaseURL string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Today is Vietnam's day now, as stored.
func (s *Service) Today() string { return DayOf(s.now(), locale.Zone) }

// Unit finds the unit whose code is given (the kiosk's, the screen's).
func (s *Service) Unit(ctx context.Context, code string) (unit.Unit, error) {
	code = strings.TrimSpace(code)
	if code == "" || len(code) > 32 {
		return unit.Unit{}, ErrNoUnit
	}
	u, err := s.Store.UnitByCode(ctx, code)
	if apperr.KindOf(err) == apperr.NotFound {
		return unit.Unit{}, apperr.New(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị hành chính có mã này.")
	}
	return u, err
}

// Groups are the unit's service groups, in the kiosk's order.
func (s *Service) Groups(ctx context.Context, unitID int64) ([]Group, error) {
	return s.Store.QueueGroups(ctx, unitID)
}

// Desks are the unit's desks with who holds them.
func (s *Service) Desks(ctx context.Context, unitID int64) ([]Desk, error) {
	return s.Store.QueueDesks(ctx, unitID)
}

func (s *Service) group(ctx context.Context, unitID int64, code string) (Group, error) {
	gs, err := s.Store.QueueGroups(ctx, unitID)
	if err != nil {
		return Group{}, err
	}
	for _, g := range gs {
		if g.Code == strings.TrimSpace(code) {
			return g, nil
		}
	}
	return Group{}, ErrUnknownGroup
}

// TicketRequest is a ticket asked for at a kiosk (or through the API).
type TicketRequest struct {
	Unit     unit.Unit
	Group    string
	Priority Priority
	Kiosk    string // its code ("" : the API, no printer)
	Key      string // the kiosk's key, from its page's address (Kiosk.Token)
}

// Slip is what a printed ticket shows.
type Slip struct {
	Unit     string    `json:"unit"`
	Number   string    `json:"number"`
	Group    string    `json:"group"`
	Priority string    `json:"priority,omitempty"`
	TakenAt  time.Time `json:"taken_at"`
	Ahead    int       `json:"ahead"`
	URL      string    `json:"url"`
}

// Take gives a ticket: the next number of its group today, printed on the kiosk's
// printer (through the outbox) when it has one.
func (s *Service) Take(ctx context.Context, req TicketRequest) (Ticket, error) {
	g, err := s.group(ctx, req.Unit.ID, req.Group)
	if err != nil {
		return Ticket{}, err
	}
	if _, err := ParsePriority(string(req.Priority), true); err != nil {
		return Ticket{}, err
	}
	return s.take(ctx, req.Unit, g, req.Priority, req.Kiosk, req.Key, 0)
}

func (s *Service) take(ctx context.Context, u unit.Unit, g Group, p Priority, kioskCode, key string, bookingID int64) (Ticket, error) {
	var kiosk Kiosk
	if kioskCode != "" {
		k, err := s.Store.QueueKiosk(ctx, u.ID, kioskCode)
		switch {
		case err == nil:
			if err := k.admits(key); err != nil {
				return Ticket{}, err
			}
			kiosk = k
		case apperr.KindOf(err) == apperr.NotFound:
			kiosk = Kiosk{UnitID: u.ID, Code: kioskCode}
		default:
			return Ticket{}, err
		}
	}
	now := s.now()
	ctx = audit.WithActor(ctx, "kiosk:"+kiosk.Code)
	nt := NewTicket{Letter: g.Letter, Ticket: Ticket{UnitID: u.ID, Day: DayOf(now, locale.Zone), Group: g.Code,
		Priority: p, Status: StatusWaiting, Kiosk: kiosk.Code, BookingID: bookingID, TakenAt: now}}
	if kiosk.Printer != "" {
		nt.Messages = func(t Ticket) []notify.Message {
			slip := Slip{Unit: u.Name, Number: t.Number, Group: g.Name, Priority: t.Priority.Label(), TakenAt: t.TakenAt,
				URL: s.BaseURL + TicketPath(t.Token)}
			if t.Priority == PriorityNone {
				slip.Priority = ""
			}
			body, _ := json.Marshal(slip)
			return []notify.Message{{UnitID: u.ID, To: PrinterScheme + kiosk.Printer, Subject: "Phiếu " + t.Number,
				Body: string(body), Ref: "queue-ticket:" + strconv.FormatInt(t.ID, 10)}}
		}
	}
	return s.Store.TakeTicket(ctx, nt)
}

// TicketPath is the phone's page of a ticket.
func TicketPath(token string) string { return "/so-thu-tu/" + token }

// Ahead is how many are before t in its group's queue now (for the phone's page).
func (s *Service) Ahead(ctx context.Context, t Ticket) (int, error) {
	if t.Status != StatusWaiting {
		return 0, nil
	}
	open, err := s.Store.OpenTickets(ctx, t.UnitID, t.Day)
	if err != nil {
		return 0, err
	}
	d := Desk{Number: t.Desk, Groups: []string{t.Group}}
	n := 0
	for _, o := range Queue(d, open) {
		if o.ID == t.ID {
			return n, nil
		}
		n++
	}
	return n, nil
}

// TicketByToken is the ticket a phone follows.
func (s *Service) TicketByToken(ctx context.Context, token string) (Ticket, error) {
	if len(token) == 0 || len(token) > 64 {
		return Ticket{}, ErrTicketNotFound
	}
	t, err := s.Store.TicketByToken(ctx, token)
	if apperr.KindOf(err) == apperr.NotFound {
		return Ticket{}, ErrTicketNotFound
	}
	return t, err
}

// MayServe reports whether p may hold a desk of unitID and call tickets: a counter
// officer of the unit (or the system administrator).
func MayServe(p *auth.Principal, unitID int64) bool { return p.Can(unitID, auth.RoleCounter) }

// ServingUnit is the unit whose floor p works on: the given code, else the first unit
// where p is a counter officer.
func (s *Service) ServingUnit(ctx context.Context, p *auth.Principal, code string) (unit.Unit, error) {
	if code != "" {
		u, err := s.Unit(ctx, code)
		if err != nil {
			return u, err
		}
		if !MayServe(p, u.ID) {
			return unit.Unit{}, ErrNotServingOfficer
		}
		return u, nil
	}
	for _, m := range p.Memberships {
		if m.Role == auth.RoleCounter {
			return s.Store.UnitByID(ctx, m.UnitID)
		}
	}
	return unit.Unit{}, ErrNoUnit
}

// Hold gives desk of unitID to p.
func (s *Service) Hold(ctx context.Context, p *auth.Principal, unitID int64, desk int) error {
	if !MayServe(p, unitID) {
		return ErrNotServingOfficer
	}
	ds, err := s.Store.QueueDesks(ctx, unitID)
	if err != nil {
		return err
	}
	if !hasDesk(ds, desk) {
		return ErrUnknownDesk
	}
	return s.Store.HoldDesk(ctx, unitID, desk, p.UserID)
}

func hasDesk(ds []Desk, n int) bool {
	for _, d := range ds {
		if d.Number == n {
			return true
		}
	}
	return false
}

// Act does action at desk of unitID as p (to: a transfer's desk). It returns the ticket
// the action was about: the one called, recalled, skipped, sent on or finished.
func (s *Service) Act(ctx context.Context, p *auth.Principal, unitID int64, desk int, action DeskAction, to int) (Ticket, error) {
	if !MayServe(p, unitID) {
		return Ticket{}, ErrNotServingOfficer
	}
	now := s.now()
	ups, err := s.Store.ChangeFloor(ctx, unitID, DayOf(now, locale.Zone), func(f Floor) ([]Update, error) {
		d, ok := f.Desk(desk)
		switch {
		case !ok:
			return nil, ErrUnknownDesk
		case d.HolderID != p.UserID:
			return nil, ErrDeskNotHeld
		}
		return Decide(f, d, action, to, p.UserID, now)
	})
	if err != nil {
		return Ticket{}, err
	}
	return ups[len(ups)-1].After, nil
}

// Display is the hall's screen of unitID now.
func (s *Service) Display(ctx context.Context, unitID int64) (Display, error) {
	rev, err := s.Store.QueueRevision(ctx, unitID)
	if err != nil {
		return Display{}, err
	}
	day := s.Today()
	groups, err := s.Store.QueueGroups(ctx, unitID)
	if err != nil {
		return Display{}, err
	}
	open, err := s.Store.OpenTickets(ctx, unitID, day)
	if err != nil {
		return Display{}, err
	}
	last, err := s.Store.LastCalls(ctx, unitID, day, 10)
	if err != nil {
		return Display{}, err
	}
	return MakeDisplay(groups, open, last, rev), nil
}

// Revision is the unit's floor revision: the screen reads the display again only when
// it moved, so any instance's change reaches every screen.
func (s *Service) Revision(ctx context.Context, unitID int64) (int64, error) {
	return s.Store.QueueRevision(ctx, unitID)
}

// Call is one call of unitID (its audio is made from CallText).
func (s *Service) Call(ctx context.Context, unitID, id int64) (Call, error) {
	return s.Store.QueueCall(ctx, unitID, id)
}

// Slots are the bookable slots of a group's day with their places taken.
func (s *Service) Slots(ctx context.Context, unitID int64, group string, day calendar.Date) (Group, []Slot, error) {
	g, err := s.group(ctx, unitID, group)
	if err != nil {
		return Group{}, nil, err
	}
	cal, err := s.Calendars.For(ctx, unitID)
	if err != nil {
		return Group{}, nil, err
	}
	hours, err := s.Calendars.Hours(ctx, unitID)
	if err != nil {
		return Group{}, nil, err
	}
	if from, to := cal.Years(); day.Year < from || day.Year > to {
		return g, nil, nil
	}
	slots := DaySlots(cal, hours, day, g)
	taken, err := s.Store.SlotsTaken(ctx, unitID, g.Code, day.String())
	if err != nil {
		return Group{}, nil, err
	}
	for i := range slots {
		slots[i].Taken = taken[slots[i].String()]
	}
	return g, slots, nil
}

// Book books a visit: a slot the desk is open in, within its capacity; the
// confirmation (with its code and QR address) and a reminder go out by e-mail when an
// address is given.
func (s *Service) Book(ctx context.Context, req BookingRequest, unitName string) (Booking, error) {
	email, err := CheckEmail(req.Email)
	if err != nil {
		return Booking{}, err
	}
	day, err := calendar.ParseDate(strings.TrimSpace(req.Day))
	if err != nil {
		return Booking{}, ErrBookingDay
	}
	g, slots, err := s.Slots(ctx, req.UnitID, req.Group, day)
	if err != nil {
		return Booking{}, err
	}
	now := s.now()
	slot, err := CheckBooking(req, slots, now)
	if err != nil {
		return Booking{}, err
	}
	nb := NewBooking{Capacity: slot.Capacity, Booking: Booking{UnitID: req.UnitID, Group: g.Code, Day: day.String(),
		Slot: slot.Start.String(), SlotEnd: slot.End.String(), Status: BookingBooked, Email: email, CreatedAt: now}}
	if email != "" {
		nb.Messages = func(b Booking) []Scheduled {
			ref := "booking:" + strconv.FormatInt(b.ID, 10)
			when := fmt.Sprintf("%s, ngày %s, nhóm %s", b.Slot, locale.Date(day.Time()), g.Name)
			link := s.BaseURL + BookingPath(b.Code)
			out := []Scheduled{{Message: notify.Message{UnitID: b.UnitID, To: email, Ref: ref,
				Subject: "Xác nhận lịch hẹn " + b.Code + " — " + unitName,
				Body: "Bạn đã đặt lịch hẹn tại " + unitName + " lúc " + when + ".\n\nMã lịch hẹn: " + b.Code +
					"\nKhi đến, hãy quét mã QR hoặc nhập mã này tại máy lấy số để nhận số ưu tiên.\n" +
					"Xem hoặc hủy lịch hẹn: " + link + "\n"}}}
			if at, ok := ReminderAt(day, slot.Start, now); ok {
				out = append(out, Scheduled{At: at, Message: notify.Message{UnitID: b.UnitID, To: email, Ref: ref + ":reminder",
					Subject: "Nhắc lịch hẹn " + b.Code + " — " + unitName,
					Body: "Nhắc bạn lịch hẹn tại " + unitName + " lúc " + when + ".\nMã lịch hẹn: " + b.Code +
						"\nNếu không đến được, xin hủy lịch hẹn để nhường chỗ: " + link + "\n"}})
			}
			return out
		}
	}
	ctx = audit.WithActor(ctx, "citizen")
	return s.Store.CreateBooking(ctx, nb)
}

// Booking is the booked visit whose code (or QR address) is given.
func (s *Service) Booking(ctx context.Context, codeOrURL string) (Booking, error) {
	code, err := ParseBookingCode(codeOrURL)
	if err != nil {
		return Booking{}, err
	}
	b, err := s.Store.BookingByCode(ctx, code)
	if apperr.KindOf(err) == apperr.NotFound {
		return Booking{}, ErrBookingNotFound
	}
	return b, err
}

// Cancel cancels a booked visit by its code.
func (s *Service) Cancel(ctx context.Context, code string) (Booking, error) {
	b, err := s.Booking(ctx, code)
	if err != nil {
		return Booking{}, err
	}
	if b.Status != BookingBooked {
		return Booking{}, ErrBookingUsed
	}
	return s.Store.CancelBooking(audit.WithActor(ctx, "citizen"), b.ID, s.now())
}

// CheckIn turns today's booked visit into a priority ticket of its group, at the kiosk
// of unit u whose scanner read its QR code (or where its code was typed).
func (s *Service) CheckIn(ctx context.Context, u unit.Unit, codeOrURL, kiosk, key string) (Ticket, error) {
	b, err := s.Booking(ctx, codeOrURL)
	if err != nil {
		return Ticket{}, err
	}
	switch {
	case b.UnitID != u.ID:
		return Ticket{}, ErrBookingNotFound
	case b.Status != BookingBooked:
		return Ticket{}, ErrBookingUsed
	case b.Day != s.Today():
		return Ticket{}, ErrBookingOtherDay
	}
	g, err := s.group(ctx, u.ID, b.Group)
	if err != nil {
		return Ticket{}, err
	}
	return s.take(ctx, u, g, PriorityBooked, kiosk, key, b.ID)
}

// RateTarget is the ticket a desk's tablet asks about now: the last one its desk
// called within RatingWindow (false: nothing to rate).
func (s *Service) RateTarget(ctx context.Context, unitID int64, desk int) (Ticket, bool, error) {
	now := s.now()
	ts, err := s.Store.FloorTickets(ctx, unitID, DayOf(now.Add(-RatingWindow), locale.Zone), DayOf(now, locale.Zone))
	if err != nil {
		return Ticket{}, false, err
	}
	var best Ticket
	found := false
	for _, t := range ts {
		if rateable(t, desk, now) && (!found || t.CalledAt.After(best.CalledAt)) {
			best, found = t, true
		}
	}
	return best, found, nil
}

func rateable(t Ticket, desk int, now time.Time) bool {
	return t.Desk == desk && t.OfficerID != 0 && (t.Status == StatusCalled || t.Status == StatusDone) &&
		!t.CalledAt.IsZero() && now.Sub(t.CalledAt) <= RatingWindow
}

// Rate records a citizen's rating of the officer who served ticket at desk: only a
// ticket served there within RatingWindow, once.
func (s *Service) Rate(ctx context.Context, unitID int64, desk int, ticketID int64, score int, reason string) (Rating, error) {
	if err := CheckRating(score, reason); err != nil {
		return Rating{}, err
	}
	t, err := s.Store.TicketByID(ctx, unitID, ticketID)
	if apperr.KindOf(err) == apperr.NotFound {
		return Rating{}, ErrNothingToRate
	}
	if err != nil {
		return Rating{}, err
	}
	now := s.now()
	if !rateable(t, desk, now) {
		return Rating{}, ErrNothingToRate
	}
	return s.Store.CreateRating(audit.WithActor(ctx, "citizen"), Rating{UnitID: unitID, Desk: desk, OfficerID: t.OfficerID,
		TicketID: t.ID, DossierCode: t.DossierCode, Score: score, Reason: reason, At: now})
}

// StatsRoles may read the floor's statistics and the officers' figures.
var StatsRoles = []auth.Role{auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter}

// ErrPeriod: a statistics period that is not two dates in order, at most a year apart.
var ErrPeriod = apperr.New(apperr.Invalid, "invalid_period",
	"Khoảng thời gian không hợp lệ: từ ngày, đến ngày dạng năm-tháng-ngày, không quá một năm.")

// ParsePeriod reads a statistics period (empty: today).
func (s *Service) ParsePeriod(from, to string) (calendar.Date, calendar.Date, error) {
	today := calendar.DateOf(s.now())
	f, t := today, today
	var err error
	if from != "" {
		if f, err = calendar.ParseDate(from); err != nil {
			return f, t, ErrPeriod
		}
	}
	if to != "" {
		if t, err = calendar.ParseDate(to); err != nil {
			return f, t, ErrPeriod
		}
	} else if from != "" {
		t = f
	}
	if t.Before(f) || t.Sub(f) > 366 {
		return f, t, ErrPeriod
	}
	return f, t, nil
}

// Stats are the floor's statistics of unitID from one day to another, as p may read
// them.
func (s *Service) Stats(ctx context.Context, p *auth.Principal, unitID int64, from, to calendar.Date) (Stats, error) {
	if !p.Can(unitID, StatsRoles...) {
		return Stats{}, apperr.ErrForbidden
	}
	groups, err := s.Store.QueueGroups(ctx, unitID)
	if err != nil {
		return Stats{}, err
	}
	tickets, err := s.Store.FloorTickets(ctx, unitID, from.String(), to.String())
	if err != nil {
		return Stats{}, err
	}
	bookings, err := s.Store.FloorBookings(ctx, unitID, from.String(), to.String())
	if err != nil {
		return Stats{}, err
	}
	ratings, err := s.Store.FloorRatings(ctx, unitID, from.Time(), to.AddDays(1).Time())
	if err != nil {
		return Stats{}, err
	}
	assigned, err := s.Store.FloorAssignees(ctx, unitID, from.String(), to.String())
	if err != nil {
		return Stats{}, err
	}
	names, err := s.names(ctx, tickets, ratings, assigned)
	if err != nil {
		return Stats{}, err
	}
	st := ComputeStats(from.String(), to.String(), groups, tickets, bookings, ratings, names, s.now())
	st.Dossiers = CountDossiers(tickets, assigned, names)
	return st, nil
}

// OfficerFigures are the desk ratings of unitID's officers over a period: the figure
// the leader's dashboard shows.
func (s *Service) OfficerFigures(ctx context.Context, p *auth.Principal, unitID int64, from, to calendar.Date) ([]OfficerFigure, error) {
	if !p.Can(unitID, StatsRoles...) {
		return nil, apperr.ErrForbidden
	}
	ratings, err := s.Store.FloorRatings(ctx, unitID, from.Time(), to.AddDays(1).Time())
	if err != nil {
		return nil, err
	}
	names, err := s.names(ctx, nil, ratings, nil)
	if err != nil {
		return nil, err
	}
	return OfficerFigures(ratings, names), nil
}

func (s *Service) names(ctx context.Context, tickets []Ticket, ratings []Rating, assigned map[string]int64) (map[int64]string, error) {
	seen := map[int64]bool{}
	var ids []int64
	add := func(id int64) {
		if id != 0 && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	for _, t := range tickets {
		add(t.OfficerID)
	}
	for _, r := range ratings {
		add(r.OfficerID)
	}
	for _, id := range assigned {
		add(id)
	}
	if len(ids) == 0 {
		return map[int64]string{}, nil
	}
	return s.Store.UserNames(ctx, ids)
}

// IsNotFound reports whether err means no such record.
func IsNotFound(err error) bool {
	return errors.Is(err, apperr.ErrNotFound) || apperr.KindOf(err) == apperr.NotFound
}

// ErrNotYourTicket: a dossier can be started only from the ticket one is serving.
var ErrNotYourTicket = apperr.New(apperr.Conflict, "ticket_not_served_by_you",
	"Số thứ tự này không đang được phục vụ tại quầy của bạn. Hãy gọi số trước khi tiếp nhận hồ sơ.")

// ServedBy returns today's ticket number that p is serving now in unitID: the one a
// dossier received at the counter records.
func (s *Service) ServedBy(ctx context.Context, p *auth.Principal, unitID int64, number string) (Ticket, error) {
	open, err := s.Store.OpenTickets(ctx, unitID, s.Today())
	if err != nil {
		return Ticket{}, err
	}
	for _, t := range open {
		if t.Number == number && t.Status == StatusCalled && t.OfficerID == p.UserID {
			return t, nil
		}
	}
	return Ticket{}, ErrNotYourTicket
}
