package api

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/queue"
)

// The service centre's floor (internal/queue): tickets, desks, the screen, bookings,
// desk ratings and statistics. Public routes (kiosk, screen, bookings, the desk's
// tablet) carry no personal data; the kiosk's are limited per kiosk and address.
func queueRoutes(h handlers) []httpx.Route {
	counter := httpx.OnlyRoles(auth.RoleCounter)
	stats := httpx.OnlyRoles(queue.StatsRoles...)
	return []httpx.Route{
		{Pattern: "POST /api/v1/queue/tickets", Access: httpx.Anyone, Handler: h.takeTicket},
		{Pattern: "GET /api/v1/queue/tickets/{token}", Access: httpx.Anyone, Handler: h.ticket},
		{Pattern: "POST /api/v1/queue/check-in", Access: httpx.Anyone, Handler: h.checkIn},
		{Pattern: "GET /api/v1/queue/display", Access: httpx.Anyone, Handler: h.display},
		{Pattern: "GET /api/v1/queue/desks", Access: counter, Handler: h.desks},
		{Pattern: "POST /api/v1/queue/desks/{desk}/{action}", Access: counter, Handler: h.deskAction},
		{Pattern: "POST /api/v1/queue/desks/{desk}/ratings", Access: httpx.Anyone, Handler: h.rateDesk},
		{Pattern: "GET /api/v1/queue/slots", Access: httpx.Anyone, Handler: h.slots},
		{Pattern: "POST /api/v1/queue/bookings", Access: httpx.Anyone, Handler: h.book},
		{Pattern: "GET /api/v1/queue/bookings/{code}", Access: httpx.Anyone, Handler: h.booking},
		{Pattern: "POST /api/v1/queue/bookings/{code}/cancel", Access: httpx.Anyone, Handler: h.cancelBooking},
		{Pattern: "GET /api/v1/queue/stats", Access: stats, Handler: h.floorStats},
		{Pattern: "GET /api/v1/queue/officers", Access: stats, Handler: h.officerFigures},
	}
}

// TicketDoc is a ticket as the API shows it.
type TicketDoc struct {
	Number   string         `json:"number"`
	Unit     string         `json:"unit"`
	Group    string         `json:"group"`
	Priority queue.Priority `json:"priority"`
	Status   queue.Status   `json:"status"`
	Desk     int            `json:"desk,omitempty"`
	TakenAt  time.Time      `json:"taken_at"`
	CalledAt *time.Time     `json:"called_at,omitempty"`
	Calls    int            `json:"calls"`
	// Ahead is how many are called before it (waiting tickets).
	Ahead int `json:"ahead"`
	// URL is the ticket's page for the phone (its QR code); Token its key.
	URL   string `json:"url"`
	Token string `json:"token"`
}

func ticketDoc(unitCode, base string, t queue.Ticket, ahead int) TicketDoc {
	d := TicketDoc{Number: t.Number, Unit: unitCode, Group: t.Group, Priority: t.Priority, Status: t.Status, Desk: t.Desk,
		TakenAt: t.TakenAt, Calls: t.Calls, Ahead: ahead, URL: base + queue.TicketPath(t.Token), Token: t.Token}
	if !t.CalledAt.IsZero() {
		c := t.CalledAt
		d.CalledAt = &c
	}
	return d
}

// kioskAllowed limits tickets per kiosk and client address.
func (h handlers) kioskAllowed(r *http.Request, unitCode, kiosk string) error {
	if !h.Kiosks.Allow("ticket|" + unitCode + "|" + kiosk + "|" + httpx.ClientIP(r, h.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	return nil
}

type ticketRequest struct {
	Unit     string `json:"unit"`
	Group    string `json:"group"`
	Priority string `json:"priority"`
	Kiosk    string `json:"kiosk"`
	Key      string `json:"key,omitempty"` // the kiosk's key (its page's address carries it)
}

func (h handlers) takeTicket(w http.ResponseWriter, r *http.Request) error {
	var in ticketRequest
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if len(in.Kiosk) > 32 {
		return apperr.Invalidf("invalid_kiosk", "Mã máy lấy số không hợp lệ.")
	}
	if err := h.kioskAllowed(r, in.Unit, in.Kiosk); err != nil {
		return err
	}
	u, err := h.Queue.Unit(r.Context(), in.Unit)
	if err != nil {
		return err
	}
	p, err := queue.ParsePriority(in.Priority, true)
	if err != nil {
		return err
	}
	t, err := h.Queue.Take(r.Context(), queue.TicketRequest{Unit: u, Group: in.Group, Priority: p, Kiosk: in.Kiosk, Key: in.Key})
	if err != nil {
		return err
	}
	ahead, err := h.Queue.Ahead(r.Context(), t)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, ticketDoc(u.Code, h.BaseURL, t, ahead))
}

func (h handlers) ticket(w http.ResponseWriter, r *http.Request) error {
	t, err := h.Queue.TicketByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	u, err := h.Store.UnitByID(r.Context(), t.UnitID)
	if err != nil {
		return err
	}
	ahead, err := h.Queue.Ahead(r.Context(), t)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, ticketDoc(u.Code, h.BaseURL, t, ahead))
}

type checkInRequest struct {
	Unit  string `json:"unit"`
	Code  string `json:"code"` // the booking's code, or its QR code's content
	Kiosk string `json:"kiosk"`
	Key   string `json:"key,omitempty"` // the kiosk's key (its page's address carries it)
}

func (h handlers) checkIn(w http.ResponseWriter, r *http.Request) error {
	var in checkInRequest
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if err := h.kioskAllowed(r, in.Unit, in.Kiosk); err != nil {
		return err
	}
	u, err := h.Queue.Unit(r.Context(), in.Unit)
	if err != nil {
		return err
	}
	t, err := h.Queue.CheckIn(r.Context(), u, in.Code, in.Kiosk, in.Key)
	if err != nil {
		return err
	}
	ahead, err := h.Queue.Ahead(r.Context(), t)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, ticketDoc(u.Code, h.BaseURL, t, ahead))
}

func (h handlers) display(w http.ResponseWriter, r *http.Request) error {
	u, err := h.Queue.Unit(r.Context(), r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	d, err := h.Queue.Display(r.Context(), u.ID)
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return httpx.WriteJSON(w, http.StatusOK, d.Doc(u.Code))
}

// DeskDoc is a desk as the API shows it to counter officers.
type DeskDoc struct {
	Number int      `json:"number"`
	Groups []string `json:"groups"`
	Holder string   `json:"holder"`
	Mine   bool     `json:"mine"`
}

func (h handlers) desks(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	u, err := h.Queue.ServingUnit(r.Context(), p, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	ds, err := h.Queue.Desks(r.Context(), u.ID)
	if err != nil {
		return err
	}
	items := make([]DeskDoc, 0, len(ds))
	for _, d := range ds {
		groups := d.Groups
		if groups == nil {
			groups = []string{}
		}
		items = append(items, DeskDoc{Number: d.Number, Groups: groups, Holder: d.HolderName, Mine: d.HolderID == p.UserID})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, len(items)))
}

type deskRequest struct {
	Unit string `json:"unit"`
	To   int    `json:"to"` // transfer: the desk to send the ticket to
}

// errBadDesk: a desk's number is a small positive integer.
var errBadDesk = apperr.New(apperr.NotFound, "unknown_desk", queue.ErrUnknownDesk.Message)

func deskNumber(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("desk"))
	if err != nil || n <= 0 || n > 999 {
		return 0, errBadDesk
	}
	return n, nil
}

func (h handlers) deskAction(w http.ResponseWriter, r *http.Request) error {
	desk, err := deskNumber(r)
	if err != nil {
		return err
	}
	var in deskRequest
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &in, 1<<10); err != nil {
			return err
		}
	}
	p := auth.PrincipalFrom(r.Context())
	u, err := h.Queue.ServingUnit(r.Context(), p, in.Unit)
	if err != nil {
		return err
	}
	action := r.PathValue("action")
	if action == "hold" {
		if err := h.Queue.Hold(r.Context(), p, u.ID, desk); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
	t, err := h.Queue.Act(r.Context(), p, u.ID, desk, queue.DeskAction(action), in.To)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, ticketDoc(u.Code, h.BaseURL, t, 0))
}

type ratingRequest struct {
	Unit     string `json:"unit"`
	TicketID int64  `json:"ticket_id"`
	Score    int    `json:"score"`
	Reason   string `json:"reason"`
}

// RatingDoc is a stored desk rating.
type RatingDoc struct {
	Desk   int       `json:"desk"`
	Score  int       `json:"score"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

func (h handlers) rateDesk(w http.ResponseWriter, r *http.Request) error {
	desk, err := deskNumber(r)
	if err != nil {
		return err
	}
	var in ratingRequest
	if err := httpx.DecodeJSON(w, r, &in, 1<<10); err != nil {
		return err
	}
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	u, err := h.Queue.Unit(r.Context(), in.Unit)
	if err != nil {
		return err
	}
	rt, err := h.Queue.Rate(r.Context(), u.ID, desk, in.TicketID, in.Score, in.Reason)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, RatingDoc{Desk: rt.Desk, Score: rt.Score, Reason: rt.Reason, At: rt.At})
}

// SlotDoc is a bookable slot.
type SlotDoc struct {
	Time     string `json:"time"`
	End      string `json:"end"`
	Capacity int    `json:"capacity"`
	Free     int    `json:"free"`
}

func (h handlers) slots(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	u, err := h.Queue.Unit(r.Context(), q.Get("unit"))
	if err != nil {
		return err
	}
	day, err := calendar.ParseDate(q.Get("day"))
	if err != nil {
		return queue.ErrBookingDay
	}
	_, slots, err := h.Queue.Slots(r.Context(), u.ID, q.Get("group"), day)
	if err != nil {
		return err
	}
	items := make([]SlotDoc, 0, len(slots))
	for _, s := range slots {
		items = append(items, SlotDoc{Time: s.Start.String(), End: s.End.String(), Capacity: s.Capacity, Free: s.Free()})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, len(items)))
}

type bookingRequest struct {
	Unit  string `json:"unit"`
	Group string `json:"group"`
	Day   string `json:"day"`
	Time  string `json:"time"`
	Email string `json:"email"`
}

// BookingDoc is a booked visit as the API shows it; URL is its page, the QR code's
// content.
type BookingDoc struct {
	Code   string              `json:"code"`
	Group  string              `json:"group"`
	Day    string              `json:"day"`
	Time   string              `json:"time"`
	End    string              `json:"end"`
	Status queue.BookingStatus `json:"status"`
	URL    string              `json:"url"`
}

func bookingDoc(base string, b queue.Booking) BookingDoc {
	return BookingDoc{Code: b.Code, Group: b.Group, Day: b.Day, Time: b.Slot, End: b.SlotEnd, Status: b.Status,
		URL: base + queue.BookingPath(b.Code)}
}

func (h handlers) book(w http.ResponseWriter, r *http.Request) error {
	var in bookingRequest
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	u, err := h.Queue.Unit(r.Context(), in.Unit)
	if err != nil {
		return err
	}
	b, err := h.Queue.Book(r.Context(), queue.BookingRequest{UnitID: u.ID, Group: in.Group, Day: in.Day, Slot: in.Time, Email: in.Email}, u.Name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, bookingDoc(h.BaseURL, b))
}

func (h handlers) booking(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	b, err := h.Queue.Booking(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, bookingDoc(h.BaseURL, b))
}

func (h handlers) cancelBooking(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	b, err := h.Queue.Cancel(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, bookingDoc(h.BaseURL, b))
}

// TimesDoc are a group's, desk's or officer's floor figures (times in seconds).
type TimesDoc struct {
	Key            string `json:"key"`
	Name           string `json:"name"`
	Tickets        int    `json:"tickets"`
	Served         int    `json:"served"`
	Skipped        int    `json:"skipped"`
	AvgWaitSeconds int64  `json:"avg_wait_seconds"`
	AvgServiceSecs int64  `json:"avg_service_seconds"`
}

// OfficerDoc is an officer's figure from the desk ratings.
type OfficerDoc struct {
	Officer   string  `json:"officer"`
	Ratings   int     `json:"ratings"`
	ByScore   [4]int  `json:"by_score"` // Không hài lòng, Bình thường, Hài lòng, Rất hài lòng
	Average   float64 `json:"average"`
	Satisfied float64 `json:"satisfied_rate"`
}

// FloorStatsDoc are the floor's statistics over a period.
type FloorStatsDoc struct {
	From      string       `json:"from"`
	To        string       `json:"to"`
	Tickets   int          `json:"tickets"`
	Waiting   int          `json:"waiting"`
	Overall   TimesDoc     `json:"overall"`
	ByGroup   []TimesDoc   `json:"by_group"`
	ByDesk    []TimesDoc   `json:"by_desk"`
	ByOfficer []TimesDoc   `json:"by_officer"`
	PerHour   [24]int      `json:"per_hour"`
	Skipped   int          `json:"skipped"`
	Bookings  int          `json:"bookings"`
	NoShows   int          `json:"no_shows"`
	Officers  []OfficerDoc `json:"officers"`
	// DossiersByOfficer counts the dossiers started from the period's tickets on the
	// officer each is assigned to by name, else on who called the ticket.
	DossiersByOfficer []DossierCountDoc `json:"dossiers_by_officer"`
}

// DossierCountDoc is how many dossiers started from tickets are an officer's.
type DossierCountDoc struct {
	Officer  string `json:"officer"`
	Dossiers int    `json:"dossiers"`
}

func timesDocs(ts []queue.Times) []TimesDoc {
	out := make([]TimesDoc, 0, len(ts))
	for _, t := range ts {
		out = append(out, timesDoc(t))
	}
	return out
}

func timesDoc(t queue.Times) TimesDoc {
	return TimesDoc{Key: t.Key, Name: t.Name, Tickets: t.Tickets, Served: t.Served, Skipped: t.Skipped,
		AvgWaitSeconds: int64(t.AvgWait.Seconds()), AvgServiceSecs: int64(t.AvgService.Seconds())}
}

func officerDocs(fs []queue.OfficerFigure) []OfficerDoc {
	out := make([]OfficerDoc, 0, len(fs))
	for _, f := range fs {
		out = append(out, OfficerDoc{Officer: f.Name, Ratings: f.Ratings, ByScore: [4]int(f.Counts[1:]), Average: f.Average,
			Satisfied: f.Satisfied})
	}
	return out
}

// statsScope reads the unit (default: the caller's first) and the period of a
// statistics request.
func (h handlers) statsScope(r *http.Request) (int64, calendar.Date, calendar.Date, error) {
	q := r.URL.Query()
	p := auth.PrincipalFrom(r.Context())
	code := strings.TrimSpace(q.Get("unit"))
	var unitID int64
	if code == "" {
		if len(p.Memberships) == 0 {
			return 0, calendar.Date{}, calendar.Date{}, queue.ErrNoUnit
		}
		unitID = p.Memberships[0].UnitID
	} else {
		u, err := h.Queue.Unit(r.Context(), code)
		if err != nil {
			return 0, calendar.Date{}, calendar.Date{}, err
		}
		unitID = u.ID
	}
	from, to, err := h.Queue.ParsePeriod(q.Get("from"), q.Get("to"))
	return unitID, from, to, err
}

func (h handlers) floorStats(w http.ResponseWriter, r *http.Request) error {
	unitID, from, to, err := h.statsScope(r)
	if err != nil {
		return err
	}
	st, err := h.Queue.Stats(r.Context(), auth.PrincipalFrom(r.Context()), unitID, from, to)
	if err != nil {
		return err
	}
	doc := FloorStatsDoc{From: st.From, To: st.To, Tickets: st.Tickets, Waiting: st.Waiting,
		Overall: timesDoc(st.Overall), ByGroup: timesDocs(st.ByGroup), ByDesk: timesDocs(st.ByDesk), ByOfficer: timesDocs(st.ByOfficer),
		PerHour: st.PerHour, Skipped: st.Skipped, Bookings: st.Bookings, NoShows: st.NoShows, Officers: officerDocs(st.Officers),
		DossiersByOfficer: []DossierCountDoc{}}
	for _, c := range st.Dossiers {
		doc.DossiersByOfficer = append(doc.DossiersByOfficer, DossierCountDoc{Officer: c.Name, Dossiers: c.Dossiers})
	}
	return httpx.WriteJSON(w, http.StatusOK, doc)
}

func (h handlers) officerFigures(w http.ResponseWriter, r *http.Request) error {
	unitID, from, to, err := h.statsScope(r)
	if err != nil {
		return err
	}
	fs, err := h.Queue.OfficerFigures(r.Context(), auth.PrincipalFrom(r.Context()), unitID, from, to)
	if err != nil {
		return err
	}
	docs := officerDocs(fs)
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(docs, len(docs)))
}
