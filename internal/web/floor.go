package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The service centre's floor (internal/queue): the kiosk, the ticket on the phone, the
// hall's screen and its event stream and voice, booked visits, the desk's tablet, the
// counter officer's desk page and the floor's statistics. The pages call the same
// queue.Service methods as the API.

// NewKiosks is the limiter of tickets per kiosk and client address: a burst of 120 (a
// morning's queue at the door), then 60 a minute.
func NewKiosks() *ratelimit.Limiter { return ratelimit.New(120, 60) }

func (s *Server) floorRoutes() []httpx.Route {
	counter := httpx.OnlyRoles(auth.RoleCounter)
	return []httpx.Route{
		{Pattern: "GET /kiosk/{unit}", Access: httpx.Anyone, Handler: s.kioskPage},
		{Pattern: "POST /kiosk/{unit}/so", Access: httpx.Anyone, Handler: s.kioskTake},
		{Pattern: "POST /kiosk/{unit}/hen", Access: httpx.Anyone, Handler: s.kioskCheckIn},
		{Pattern: "GET /kiosk/{unit}/so/{token}", Access: httpx.Anyone, Handler: s.kioskTicket},
		{Pattern: "GET /so-thu-tu/{token}", Access: httpx.Anyone, Handler: s.ticketPage},
		{Pattern: "GET /man-hinh/{unit}", Access: httpx.Anyone, Handler: s.displayPage},
		{Pattern: "GET /man-hinh/{unit}/su-kien", Access: httpx.Anyone, Handler: s.displayEvents},
		{Pattern: "GET /man-hinh/{unit}/goi/{file}", Access: httpx.Anyone, Handler: s.callAudio},
		{Pattern: "GET /dat-lich", Access: httpx.Anyone, Handler: s.bookingForm},
		{Pattern: "POST /dat-lich", Access: httpx.Anyone, Handler: s.bookVisit},
		{Pattern: "GET /hen/{code}", Access: httpx.Anyone, Handler: s.bookingPage},
		{Pattern: "POST /hen/{code}/huy", Access: httpx.Anyone, Handler: s.cancelVisit},
		{Pattern: "GET /quay/{unit}/{desk}/danh-gia", Access: httpx.Anyone, Handler: s.ratingPage},
		{Pattern: "POST /quay/{unit}/{desk}/danh-gia", Access: httpx.Anyone, Handler: s.rateDesk},
		{Pattern: "GET /office/quay", Access: counter, Handler: s.desksPage},
		{Pattern: "POST /office/quay/{desk}/nhan", Access: counter, Handler: s.holdDesk},
		{Pattern: "GET /office/quay/{desk}", Access: counter, Handler: s.deskPage},
		{Pattern: "POST /office/quay/{desk}/{action}", Access: counter, Handler: s.deskAction},
		{Pattern: "GET /office/quay/thong-ke", Access: httpx.OnlyRoles(queue.StatsRoles...), Handler: s.floorStatsPage},
	}
}

// floorUnit is the unit of the {unit} path value.
func (s *Server) floorUnit(r *http.Request) (unit.Unit, error) {
	return s.Queue.Unit(r.Context(), r.PathValue("unit"))
}

// kioskCode is the kiosk a page serves (?kiosk=, a short code).
func kioskCode(r *http.Request) string {
	k := r.FormValue("kiosk")
	if len(k) > 32 || strings.ContainsFunc(k, func(c rune) bool { return !(c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z') }) {
		return ""
	}
	return k
}

type kioskView struct {
	Unit       unit.Unit
	Kiosk, Key string
	Groups     []queue.Group
	Priorities []queue.Priority
	Code       string // the booking code typed
	CodeError  string
	Error      string
}

func (s *Server) renderKiosk(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, kv kioskView) error {
	gs, err := s.Queue.Groups(r.Context(), u.ID)
	if err != nil {
		return err
	}
	kv.Unit, kv.Kiosk, kv.Key, kv.Groups, kv.Priorities = u, kioskCode(r), kioskKey(r), gs, queue.KioskPriorities
	v := s.view(r, "Lấy số thứ tự")
	v.Data = kv
	return s.views.render(w, status, "kiosk", v)
}

func (s *Server) kioskPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	// A kiosk opened at a wrong address (its key missing or old) or disabled says so
	// at once, not at the first citizen's ticket.
	if err := s.Queue.CheckKiosk(r.Context(), u, kioskCode(r), kioskKey(r)); err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Forbidden {
			return err
		}
		return s.renderKiosk(w, r, e.Kind.HTTPStatus(), u, kioskView{Error: e.Message})
	}
	return s.renderKiosk(w, r, http.StatusOK, u, kioskView{})
}

func (s *Server) kioskAllowed(r *http.Request, u unit.Unit, kiosk string) error {
	if !s.Kiosks.Allow("ticket|" + u.Code + "|" + kiosk + "|" + httpx.ClientIP(r, s.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	return nil
}

func (s *Server) kioskTake(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	kiosk := kioskCode(r)
	if err := s.kioskAllowed(r, u, kiosk); err != nil {
		return err
	}
	p, err := queue.ParsePriority(r.PostFormValue("priority"), true)
	if err != nil {
		return s.renderKiosk(w, r, http.StatusUnprocessableEntity, u, kioskView{Error: apperr.From(err).Message})
	}
	t, err := s.Queue.Take(r.Context(), queue.TicketRequest{Unit: u, Group: r.PostFormValue("group"), Priority: p, Kiosk: kiosk, Key: kioskKey(r)})
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Forbidden {
		return s.renderKiosk(w, r, apperr.From(err).Kind.HTTPStatus(), u, kioskView{Error: apperr.From(err).Message})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, kioskTicketPath(u.Code, t.Token, kiosk, kioskKey(r)), http.StatusSeeOther)
	return nil
}

func kioskTicketPath(unitCode, token, kiosk, key string) string {
	return "/kiosk/" + url.PathEscape(unitCode) + "/so/" + token + kioskQuery(kiosk, key)
}

// kioskQuery is the query naming the kiosk (and its key) on the kiosk's own pages.
func kioskQuery(kiosk, key string) string {
	if kiosk == "" {
		return ""
	}
	q := "?kiosk=" + url.QueryEscape(kiosk)
	if key != "" {
		q += "&key=" + url.QueryEscape(key)
	}
	return q
}

// kioskKey is the kiosk's key its page's address carries (?key=, bounded).
func kioskKey(r *http.Request) string {
	k := r.FormValue("key")
	if len(k) > 64 {
		return ""
	}
	return k
}

func (s *Server) kioskCheckIn(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	kiosk := kioskCode(r)
	if err := s.kioskAllowed(r, u, kiosk); err != nil {
		return err
	}
	code := r.PostFormValue("code")
	t, err := s.Queue.CheckIn(r.Context(), u, code, kiosk, kioskKey(r))
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.NotFound || k == apperr.Conflict || k == apperr.Forbidden {
		if len(code) > queue.MaxCheckIn {
			code = ""
		}
		return s.renderKiosk(w, r, apperr.From(err).Kind.HTTPStatus(), u, kioskView{Code: code, CodeError: apperr.From(err).Message})
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, kioskTicketPath(u.Code, t.Token, kiosk, kioskKey(r)), http.StatusSeeOther)
	return nil
}

type ticketView struct {
	Unit   unit.Unit
	Ticket queue.Ticket
	Group  queue.Group
	Ahead  int
	QR     template.HTML
	Kiosk  string
	Back   string
}

func (s *Server) ticketData(r *http.Request) (ticketView, error) {
	t, err := s.Queue.TicketByToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return ticketView{}, err
	}
	u, err := s.Store.UnitByID(r.Context(), t.UnitID)
	if err != nil {
		return ticketView{}, err
	}
	gs, err := s.Queue.Groups(r.Context(), u.ID)
	if err != nil {
		return ticketView{}, err
	}
	tv := ticketView{Unit: u, Ticket: t, Group: queue.Group{Code: t.Group, Name: t.Group}}
	for _, g := range gs {
		if g.Code == t.Group {
			tv.Group = g
		}
	}
	if tv.Ahead, err = s.Queue.Ahead(r.Context(), t); err != nil {
		return ticketView{}, err
	}
	svg, err := qr.SVG(s.absolute(r, queue.TicketPath(t.Token)), "Mã QR theo dõi số "+t.Number+" trên điện thoại")
	if err != nil {
		return ticketView{}, err
	}
	tv.QR = template.HTML(svg)
	return tv, nil
}

func (s *Server) kioskTicket(w http.ResponseWriter, r *http.Request) error {
	tv, err := s.ticketData(r)
	if err != nil {
		return err
	}
	if tv.Unit.Code != r.PathValue("unit") {
		return queue.ErrTicketNotFound
	}
	tv.Kiosk = kioskCode(r)
	tv.Back = "/kiosk/" + url.PathEscape(tv.Unit.Code)
	if tv.Kiosk != "" {
		tv.Back += kioskQuery(tv.Kiosk, kioskKey(r))
	}
	v := s.view(r, "Số thứ tự "+tv.Ticket.Number)
	v.Data = tv
	return s.views.render(w, http.StatusOK, "kiosk_ticket", v)
}

func (s *Server) ticketPage(w http.ResponseWriter, r *http.Request) error {
	tv, err := s.ticketData(r)
	if err != nil {
		return err
	}
	v := s.view(r, "Số thứ tự "+tv.Ticket.Number)
	v.Data = tv
	return s.views.render(w, http.StatusOK, "ticket", v)
}

type displayView struct {
	Unit    unit.Unit
	Display queue.DisplayDoc
	Events  string
}

func (s *Server) displayPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	d, err := s.Queue.Display(r.Context(), u.ID)
	if err != nil {
		return err
	}
	v := s.view(r, "Màn hình gọi số")
	v.Data = displayView{Unit: u, Display: d.Doc(u.Code), Events: "/man-hinh/" + url.PathEscape(u.Code) + "/su-kien"}
	return s.views.render(w, http.StatusOK, "display", v)
}

// Event stream of the hall's screen: the display's state each time the floor's
// revision moves. The revision is read from the store every displayPoll, so a change
// made on any instance reaches every screen within that (and the write of the event).
const (
	displayPoll      = 250 * time.Millisecond
	displayHeartbeat = 15 * time.Second
	// displayStreamLife ends a stream after a while; the browser reconnects at once,
	// so a screen never holds one connection, or a stale instance, forever.
	displayStreamLife = 30 * time.Minute
)

func (s *Server) displayEvents(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	fmt.Fprint(w, "retry: 1000\n\n")
	if err := rc.Flush(); err != nil {
		return nil
	}
	last := int64(-1)
	poll := time.NewTicker(displayPoll)
	defer poll.Stop()
	beat := time.Now()
	end := time.Now().Add(displayStreamLife)
	for {
		rc.SetWriteDeadline(time.Now().Add(displayHeartbeat + 10*time.Second))
		rev, err := s.Queue.Revision(ctx, u.ID)
		if err != nil {
			if ctx.Err() == nil {
				s.Log.Warn("display events", "err", err, "unit", u.Code)
			}
			return nil
		}
		switch {
		case rev != last:
			d, err := s.Queue.Display(ctx, u.ID)
			if err != nil {
				return nil
			}
			b, err := json.Marshal(d.Doc(u.Code))
			if err != nil {
				return err
			}
			if _, err := fmt.Fprintf(w, "event: display\nid: %d\ndata: %s\n\n", d.Revision, b); err != nil {
				return nil
			}
			last, beat = rev, time.Now()
		case time.Since(beat) >= displayHeartbeat:
			if _, err := fmt.Fprint(w, ": nhịp\n\n"); err != nil {
				return nil
			}
			beat = time.Now()
		default:
			goto wait
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
	wait:
		select {
		case <-ctx.Done():
			return nil
		case <-poll.C:
		}
		if time.Now().After(end) {
			return nil
		}
	}
}

// callAudio serves a call's voice as WAV, made once per call and kept a while (a
// screen's reconnect asks again).
func (s *Server) callAudio(w http.ResponseWriter, r *http.Request) error {
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".wav")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return errNoPage
	}
	c, err := s.Queue.Call(r.Context(), u.ID, id)
	if err != nil {
		return err
	}
	if s.Speech == nil {
		return speechMissing
	}
	wav, err := s.calls.get(r.Context(), s.Speech, u.ID, c)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "audio/wav")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err = w.Write(wav)
	return err
}

var speechMissing = apperr.New(apperr.NotFound, "speech_unavailable",
	"Máy chủ chưa cài đặt bộ đọc tiếng Việt, nên chưa phát được lời gọi bằng giọng nói.")

// callSounds keeps the latest calls' audio: a hall's screens ask for each call once.
type callSounds struct {
	mu    sync.Mutex
	order []string
	wavs  map[string][]byte
}

const keptCallSounds = 32

type synthesizer interface {
	Synthesize(ctx context.Context, text string) ([]byte, error)
}

func (c *callSounds) get(ctx context.Context, sp synthesizer, unitID int64, call queue.Call) ([]byte, error) {
	key := strconv.FormatInt(unitID, 10) + "/" + strconv.FormatInt(call.ID, 10)
	c.mu.Lock()
	wav, ok := c.wavs[key]
	c.mu.Unlock()
	if ok {
		return wav, nil
	}
	wav, err := sp.Synthesize(ctx, queue.CallText(call.Number, call.Desk))
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.wavs == nil {
		c.wavs = map[string][]byte{}
	}
	if _, ok := c.wavs[key]; !ok {
		c.wavs[key] = wav
		c.order = append(c.order, key)
		if len(c.order) > keptCallSounds {
			delete(c.wavs, c.order[0])
			c.order = c.order[1:]
		}
	}
	return wav, nil
}

type bookingFormView struct {
	Unit    unit.Unit
	Groups  []queue.Group
	Group   string
	Day     string
	Slots   []queue.Slot
	Time    string
	Email   string
	Errors  map[string]string
	Today   string
	Checked bool // slots were asked for
}

func (s *Server) renderBookingForm(w http.ResponseWriter, r *http.Request, status int, bv bookingFormView, msg string) error {
	u, err := s.Store.UnitByID(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	gs, err := s.Queue.Groups(r.Context(), u.ID)
	if err != nil {
		return err
	}
	bv.Unit, bv.Groups, bv.Today = u, gs, s.Queue.Today()
	if bv.Errors == nil {
		bv.Errors = map[string]string{}
	}
	if bv.Group != "" && bv.Day != "" && bv.Errors["day"] == "" {
		day, err := calendar.ParseDate(bv.Day)
		if err != nil {
			bv.Errors["day"] = queue.ErrBookingDay.Message
		} else if _, slots, err := s.Queue.Slots(r.Context(), u.ID, bv.Group, day); err == nil {
			bv.Slots, bv.Checked = slots, true
		} else if apperr.KindOf(err) == apperr.Invalid {
			bv.Errors["group"] = apperr.From(err).Message
		} else {
			return err
		}
	}
	v := s.view(r, "Đặt lịch hẹn")
	v.Data, v.Error = bv, msg
	return s.views.render(w, status, "booking_form", v)
}

func (s *Server) bookingForm(w http.ResponseWriter, r *http.Request) error {
	q := r.URL.Query()
	return s.renderBookingForm(w, r, http.StatusOK, bookingFormView{Group: q.Get("group"), Day: q.Get("day")}, "")
}

// bookingField says at which input a booking error is shown.
func bookingField(err error) string {
	switch {
	case errors.Is(err, queue.ErrBadEmail):
		return "email"
	case errors.Is(err, queue.ErrUnknownGroup):
		return "group"
	case errors.Is(err, queue.ErrBookingDay), errors.Is(err, queue.ErrTooFar):
		return "day"
	}
	return "time"
}

func (s *Server) bookVisit(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	bv := bookingFormView{Group: r.PostFormValue("group"), Day: r.PostFormValue("day"), Time: r.PostFormValue("time"),
		Email: strings.TrimSpace(r.PostFormValue("email"))}
	u, err := s.Store.UnitByID(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	b, err := s.Queue.Book(r.Context(), queue.BookingRequest{UnitID: u.ID, Group: bv.Group, Day: bv.Day, Slot: bv.Time, Email: bv.Email}, u.Name)
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
		bv.Errors = map[string]string{bookingField(err): apperr.From(err).Message}
		return s.renderBookingForm(w, r, k.HTTPStatus(), bv, "Chưa đặt được lịch hẹn: xem thông báo bên dưới.")
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, queue.BookingPath(b.Code), http.StatusSeeOther)
	return nil
}

type bookingView struct {
	Booking queue.Booking
	Group   queue.Group
	Unit    unit.Unit
	Day     string
	QR      template.HTML
	Link    string
	Done    string
}

func (s *Server) bookingPage(w http.ResponseWriter, r *http.Request) error {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	b, err := s.Queue.Booking(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	u, err := s.Store.UnitByID(r.Context(), b.UnitID)
	if err != nil {
		return err
	}
	gs, err := s.Queue.Groups(r.Context(), u.ID)
	if err != nil {
		return err
	}
	bv := bookingView{Booking: b, Unit: u, Group: queue.Group{Name: b.Group}, Link: s.absolute(r, queue.BookingPath(b.Code))}
	for _, g := range gs {
		if g.Code == b.Group {
			bv.Group = g
		}
	}
	if d, err := calendar.ParseDate(b.Day); err == nil {
		bv.Day = locale.Date(d.Time())
	}
	svg, err := qr.SVG(bv.Link, "Mã QR của lịch hẹn "+b.Code)
	if err != nil {
		return err
	}
	bv.QR = template.HTML(svg)
	v := s.view(r, "Lịch hẹn "+b.Code)
	v.Data = bv
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, http.StatusOK, "booking", v)
}

func (s *Server) cancelVisit(w http.ResponseWriter, r *http.Request) error {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	b, err := s.Queue.Cancel(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "flash", "Đã hủy lịch hẹn "+b.Code+".")
	http.Redirect(w, r, queue.BookingPath(b.Code), http.StatusSeeOther)
	return nil
}

type ratingView struct {
	Unit    unit.Unit
	Desk    int
	Ticket  queue.Ticket
	Officer string
	Found   bool
	Thanks  bool
	Scores  []ratingChoice
	Reasons []ratingChoice
	Error   string
}

type ratingChoice struct {
	Value, Label, Face string
}

var faces = map[int]string{1: "☹", 2: "😐", 3: "🙂", 4: "😀"}

func deskParam(r *http.Request) (int, error) {
	n, err := strconv.Atoi(r.PathValue("desk"))
	if err != nil || n <= 0 || n > 999 {
		return 0, queue.ErrUnknownDesk
	}
	return n, nil
}

func (s *Server) renderRating(w http.ResponseWriter, r *http.Request, status int, thanks bool, msg string) error {
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	desk, err := deskParam(r)
	if err != nil {
		return err
	}
	rv := ratingView{Unit: u, Desk: desk, Thanks: thanks, Error: msg}
	if !thanks {
		t, ok, err := s.Queue.RateTarget(r.Context(), u.ID, desk)
		if err != nil {
			return err
		}
		rv.Ticket, rv.Found = t, ok
		if ok {
			names, err := s.Store.UserNames(r.Context(), []int64{t.OfficerID})
			if err != nil {
				return err
			}
			rv.Officer = names[t.OfficerID]
		}
	}
	for sc := queue.ScoreVeryHappy; sc >= queue.ScoreUnhappy; sc-- {
		rv.Scores = append(rv.Scores, ratingChoice{strconv.Itoa(sc), queue.ScoreLabels[sc], faces[sc]})
	}
	for _, c := range queue.RatingReasons {
		rv.Reasons = append(rv.Reasons, ratingChoice{Value: c, Label: queue.ReasonLabel(c)})
	}
	v := s.view(r, "Đánh giá quầy "+strconv.Itoa(desk))
	v.Data = rv
	return s.views.render(w, status, "rating", v)
}

func (s *Server) ratingPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderRating(w, r, http.StatusOK, r.URL.Query().Get("cam-on") == "1", "")
}

func (s *Server) rateDesk(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	u, err := s.floorUnit(r)
	if err != nil {
		return err
	}
	desk, err := deskParam(r)
	if err != nil {
		return err
	}
	ticket, _ := strconv.ParseInt(r.PostFormValue("ticket"), 10, 64)
	score, _ := strconv.Atoi(r.PostFormValue("score"))
	_, err = s.Queue.Rate(r.Context(), u.ID, desk, ticket, score, r.PostFormValue("reason"))
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict {
		return s.renderRating(w, r, k.HTTPStatus(), false, apperr.From(err).Message)
	}
	if err != nil {
		return err
	}
	http.Redirect(w, r, "/quay/"+url.PathEscape(u.Code)+"/"+strconv.Itoa(desk)+"/danh-gia?cam-on=1", http.StatusSeeOther)
	return nil
}

type desksView struct {
	Unit  unit.Unit
	Desks []queue.Desk
	Mine  int
}

func (s *Server) desksPage(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	u, err := s.Queue.ServingUnit(r.Context(), p, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	ds, err := s.Queue.Desks(r.Context(), u.ID)
	if err != nil {
		return err
	}
	dv := desksView{Unit: u, Desks: ds}
	for _, d := range ds {
		if d.HolderID == p.UserID {
			dv.Mine = d.Number
		}
	}
	v := s.view(r, "Quầy tiếp nhận")
	v.Area, v.Nav, v.Data = "office", "desk", dv
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, http.StatusOK, "desks", v)
}

func (s *Server) holdDesk(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	desk, err := deskParam(r)
	if err != nil {
		return err
	}
	u, err := s.Queue.ServingUnit(r.Context(), p, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if err := s.Queue.Hold(r.Context(), p, u.ID, desk); err != nil {
		return err
	}
	http.Redirect(w, r, "/office/quay/"+strconv.Itoa(desk), http.StatusSeeOther)
	return nil
}

type deskView struct {
	Unit    unit.Unit
	Desk    queue.Desk
	Mine    bool
	Serving *queue.Ticket
	Queue   []queue.Ticket
	Others  []queue.Desk
	Groups  map[string]string
	Rating  string
	Screen  string
}

func (s *Server) deskPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderDesk(w, r, http.StatusOK, "")
}

func (s *Server) renderDesk(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	n, err := deskParam(r)
	if err != nil {
		return err
	}
	u, err := s.Queue.ServingUnit(ctx, p, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	ds, err := s.Queue.Desks(ctx, u.ID)
	if err != nil {
		return err
	}
	dv := deskView{Unit: u, Groups: map[string]string{}, Rating: "/quay/" + url.PathEscape(u.Code) + "/" + strconv.Itoa(n) + "/danh-gia",
		Screen: "/man-hinh/" + url.PathEscape(u.Code)}
	found := false
	for _, d := range ds {
		if d.Number == n {
			dv.Desk, found = d, true
		} else {
			dv.Others = append(dv.Others, d)
		}
	}
	if !found {
		return queue.ErrUnknownDesk
	}
	dv.Mine = dv.Desk.HolderID == p.UserID
	gs, err := s.Queue.Groups(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, g := range gs {
		dv.Groups[g.Code] = g.Name
	}
	open, err := s.Store.OpenTickets(ctx, u.ID, s.Queue.Today())
	if err != nil {
		return err
	}
	f := queue.Floor{Desks: ds, Tickets: open}
	if t, ok := f.Serving(n); ok {
		dv.Serving = &t
	}
	dv.Queue = queue.Queue(dv.Desk, f.Waiting())
	v := s.view(r, "Quầy số "+strconv.Itoa(n))
	v.Area, v.Nav, v.Data, v.Error = "office", "desk", dv, msg
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "desk", v)
}

var deskDone = map[queue.DeskAction]string{
	queue.ActCallNext: "Đã gọi số %s.", queue.ActRecall: "Đã gọi lại số %s.", queue.ActSkip: "Đã bỏ qua số %s (vắng mặt).",
	queue.ActTransfer: "Đã chuyển số %s sang quầy %d.", queue.ActFinish: "Đã hoàn thành số %s.",
}

func (s *Server) deskAction(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 2<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	p := auth.PrincipalFrom(r.Context())
	n, err := deskParam(r)
	if err != nil {
		return err
	}
	u, err := s.Queue.ServingUnit(r.Context(), p, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	action := queue.DeskAction(r.PathValue("action"))
	to, _ := strconv.Atoi(r.PostFormValue("to"))
	t, err := s.Queue.Act(r.Context(), p, u.ID, n, action, to)
	if k := apperr.KindOf(err); k == apperr.Invalid || k == apperr.Conflict || k == apperr.Forbidden {
		return s.renderDesk(w, r, k.HTTPStatus(), apperr.From(err).Message)
	}
	if err != nil {
		return err
	}
	msg := deskDone[action]
	if action == queue.ActTransfer {
		msg = fmt.Sprintf(msg, t.Number, to)
	} else {
		msg = fmt.Sprintf(msg, t.Number)
	}
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/office/quay/"+strconv.Itoa(n), http.StatusSeeOther)
	return nil
}

type floorStatsView struct {
	Unit      unit.Unit
	From, To  string
	Stats     queue.Stats
	PerHour   template.HTML
	Tables    []timesTable
	FormError string
}

type timesTable struct {
	Title, Head string
	Rows        []queue.Times
}

func (s *Server) floorStatsPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	q := r.URL.Query()
	var u unit.Unit
	var err error
	if code := q.Get("unit"); code != "" {
		u, err = s.Queue.Unit(ctx, code)
	} else if len(p.Memberships) > 0 {
		u, err = s.Store.UnitByID(ctx, p.Memberships[0].UnitID)
	} else {
		err = queue.ErrNoUnit
	}
	if err != nil {
		return err
	}
	fv := floorStatsView{Unit: u, From: q.Get("from"), To: q.Get("to")}
	from, to, err := s.Queue.ParsePeriod(fv.From, fv.To)
	status := http.StatusOK
	if err != nil {
		fv.FormError, status = apperr.From(err).Message, http.StatusUnprocessableEntity
		from, to, _ = s.Queue.ParsePeriod("", "")
	}
	fv.From, fv.To = from.String(), to.String()
	if fv.Stats, err = s.Queue.Stats(ctx, p, u.ID, from, to); err != nil {
		return err
	}
	var bars []bar
	for h, n := range fv.Stats.PerHour {
		if n > 0 || h >= 7 && h <= 17 {
			bars = append(bars, bar{Label: fmt.Sprintf("%02d giờ", h), Value: int64(n), Share: -1})
		}
	}
	fv.Tables = []timesTable{{"Theo nhóm thủ tục", "Nhóm", fv.Stats.ByGroup}, {"Theo quầy", "Quầy", fv.Stats.ByDesk},
		{"Theo cán bộ", "Cán bộ", fv.Stats.ByOfficer}}
	fv.PerHour = barChart("so-theo-gio", "Số phiếu theo giờ lấy số", bars)
	v := s.view(r, "Thống kê quầy")
	v.Area, v.Nav, v.Data = "office", "floor-stats", fv
	return s.views.render(w, status, "floor_stats", v)
}

// minutes writes a duration in whole minutes and seconds, "4 phút 05 giây".
func minutes(d time.Duration) string {
	d = d.Round(time.Second)
	return fmt.Sprintf("%d phút %02d giây", int(d/time.Minute), int(d%time.Minute/time.Second))
}
