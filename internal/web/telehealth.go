package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/telehealth"
)

// Tele-health's pages (docs/TELEHEALTH.md): the public list of free slots /kham-tu-xa,
// the booking form (logged in, or a phone and its SMS code: two steps without
// JavaScript), the booking's page with its room link and cancel button for its citizen
// (logged in, or with ?ma=SECRET), and the health station's day /tram-y-te: its
// bookings, marking who came, publishing slots, the months' counts.
func (s *Server) telehealthRoutes() []httpx.Route {
	if s.Telehealth == nil {
		return nil
	}
	station := httpx.OnlyRoles(auth.HealthRoles...)
	return []httpx.Route{
		{Pattern: "GET /kham-tu-xa", Access: httpx.Anyone, Handler: s.teleSlotsPage},
		{Pattern: "GET /kham-tu-xa/dat/{id}", Access: httpx.Anyone, Handler: s.teleBookForm},
		{Pattern: "POST /kham-tu-xa/dat/{id}/ma", Access: httpx.Anyone, Handler: s.teleSendCode},
		{Pattern: "POST /kham-tu-xa/dat/{id}", Access: httpx.Anyone, Handler: s.teleBook},
		{Pattern: "GET /kham-tu-xa/lich/{code}", Access: httpx.Anyone, Handler: s.teleBookingPage},
		{Pattern: "POST /kham-tu-xa/lich/{code}/huy", Access: httpx.Anyone, Handler: s.teleCancel},
		{Pattern: "GET /tram-y-te", Access: station, Handler: s.stationPage},
		{Pattern: "POST /tram-y-te/khung-gio", Access: station, Handler: s.stationPublish},
		{Pattern: "POST /tram-y-te/lich/{code}/{mark}", Access: station, Handler: s.stationMark},
	}
}

var errTeleForm = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")

// teleSlot is a slot as the pages show it.
type teleSlot struct {
	ID                      int64
	Doctor, Kind, Day, Time string
	Minutes                 int
	Taken                   bool
}

func teleSlotRow(sl telehealth.Slot) teleSlot {
	st := sl.Start.In(locale.Zone)
	return teleSlot{ID: sl.ID, Doctor: sl.Doctor, Kind: sl.Kind.Label(), Day: weekday(st) + ", " + locale.Day(st),
		Time: st.Format("15:04") + "–" + sl.End.In(locale.Zone).Format("15:04"), Minutes: sl.Minutes(), Taken: sl.Taken}
}

var weekdays = [...]string{"Chủ nhật", "Thứ hai", "Thứ ba", "Thứ tư", "Thứ năm", "Thứ sáu", "Thứ bảy"}

func weekday(t time.Time) string { return weekdays[t.Weekday()] }

type teleDay struct {
	Day   string
	Slots []teleSlot
}

type teleSlotsPage struct {
	Days []teleDay
	Mine []teleBookingRow
}

type teleBookingRow struct {
	Code, Status, Name, Phone, Reason string
	Slot                              teleSlot
	Booked                            bool
}

func teleRow(b telehealth.Booking) teleBookingRow {
	return teleBookingRow{Code: b.Code, Status: b.Status.Label(), Name: b.Name, Phone: citizenPhone(b.Phone), Reason: b.Reason,
		Slot: teleSlotRow(b.Slot), Booked: b.Status == telehealth.StatusBooked}
}

// citizenPhone writes +84912345678 as 0912345678.
func citizenPhone(e164 string) string {
	if e164 == "" {
		return ""
	}
	return citizen.LocalPhone(e164)
}

func (s *Server) teleSlotsPage(w http.ResponseWriter, r *http.Request) error {
	ss, err := s.Telehealth.Free(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	var page teleSlotsPage
	for _, sl := range ss {
		row := teleSlotRow(sl)
		if n := len(page.Days); n == 0 || page.Days[n-1].Day != row.Day {
			page.Days = append(page.Days, teleDay{Day: row.Day})
		}
		page.Days[len(page.Days)-1].Slots = append(page.Days[len(page.Days)-1].Slots, row)
	}
	mine, err := s.Telehealth.Mine(r.Context(), auth.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	for _, b := range mine {
		page.Mine = append(page.Mine, teleRow(b))
	}
	v := s.view(r, "Khám, tư vấn sức khỏe từ xa")
	v.Data = page
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, http.StatusOK, "telehealth_slots", v)
}

type teleFormPage struct {
	Slot      teleSlot
	LoggedIn  bool
	Form      map[string]string
	Errors    map[string]string
	Challenge string // the SMS code's challenge, once sent
	Masked    string
	Message   string
}

func (s *Server) teleSlotOf(r *http.Request) (telehealth.Slot, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return telehealth.Slot{}, telehealth.ErrSlotNotFound
	}
	sl, err := s.Telehealth.Slot(r.Context(), id)
	if err != nil {
		return sl, err
	}
	if sl.UnitID != s.HomeUnitID {
		return telehealth.Slot{}, telehealth.ErrSlotNotFound
	}
	return sl, nil
}

func (s *Server) renderTeleForm(w http.ResponseWriter, r *http.Request, status int, sl telehealth.Slot, page teleFormPage) error {
	p := auth.PrincipalFrom(r.Context())
	page.Slot, page.LoggedIn = teleSlotRow(sl), p != nil && p.UserID != 0
	if page.Form == nil {
		page.Form = map[string]string{}
	}
	v := s.view(r, "Đặt lịch khám từ xa")
	v.Data = page
	return s.views.render(w, status, "telehealth_book", v)
}

func (s *Server) teleBookForm(w http.ResponseWriter, r *http.Request) error {
	sl, err := s.teleSlotOf(r)
	if err != nil {
		return err
	}
	return s.renderTeleForm(w, r, http.StatusOK, sl, teleFormPage{})
}

func (s *Server) teleForm(w http.ResponseWriter, r *http.Request) (map[string]string, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return nil, errTeleForm
	}
	form := map[string]string{}
	for _, k := range []string{"reason", "name", "phone", "challenge", "code"} {
		form[k] = r.PostFormValue(k)
	}
	return form, nil
}

// teleSendCode is the first step without an account: the code to the phone; the form
// comes back with the reason kept and a field for the code.
func (s *Server) teleSendCode(w http.ResponseWriter, r *http.Request) error {
	sl, err := s.teleSlotOf(r)
	if err != nil {
		return err
	}
	form, err := s.teleForm(w, r)
	if err != nil {
		return err
	}
	st, err := s.Telehealth.SendCode(r.Context(), form["phone"], httpx.ClientIP(r, s.TrustProxy))
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Invalid {
		return s.renderTeleForm(w, r, http.StatusUnprocessableEntity, sl, teleFormPage{Form: form, Errors: map[string]string{"phone": ae.Message}})
	}
	if err != nil {
		return err
	}
	return s.renderTeleForm(w, r, http.StatusOK, sl, teleFormPage{Form: form, Challenge: st.ID, Masked: st.Masked})
}

func (s *Server) teleBook(w http.ResponseWriter, r *http.Request) error {
	sl, err := s.teleSlotOf(r)
	if err != nil {
		return err
	}
	form, err := s.teleForm(w, r)
	if err != nil {
		return err
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	in := telehealth.Request{SlotID: sl.ID, Reason: form["reason"], Name: form["name"], ChallengeID: form["challenge"], Code: form["code"]}
	if p != nil && p.UserID != 0 {
		in.Phone = form["phone"]
	}
	b, secret, err := s.Telehealth.Book(ctx, p, in)
	var fe *telehealth.FieldError
	var ae *apperr.Error
	switch {
	case errors.As(err, &fe):
		return s.renderTeleForm(w, r, http.StatusUnprocessableEntity, sl, teleFormPage{Form: form, Errors: fe.Fields,
			Challenge: form["challenge"]})
	case (errors.Is(err, telehealth.ErrSlotTaken) || errors.Is(err, telehealth.ErrSlotPast)) && errors.As(err, &ae):
		s.sessions.Put(ctx, "flash", ae.Message)
		http.Redirect(w, r, "/kham-tu-xa", http.StatusSeeOther)
		return nil
	case errors.As(err, &ae) && (ae.Code == "otp_invalid" || ae.Code == "otp_expired" || ae.Code == "phone_code_required"):
		page := teleFormPage{Form: form, Errors: map[string]string{"code": ae.Message}}
		if ae.Code == "otp_invalid" {
			page.Challenge = form["challenge"]
		}
		return s.renderTeleForm(w, r, http.StatusUnprocessableEntity, sl, page)
	case err != nil:
		return err
	}
	return s.renderTeleBooking(w, r, http.StatusCreated, b, secret)
}

type teleBookingPage struct {
	teleBookingRow
	Secret       string
	Just         bool
	Room         telehealth.Room
	RoomFrom     string
	Video        bool
	StationPhone string
	CanCancel    bool
}

func (s *Server) renderTeleBooking(w http.ResponseWriter, r *http.Request, status int, b telehealth.Booking, secret string) error {
	page := teleBookingPage{teleBookingRow: teleRow(b), Secret: secret, Just: status == http.StatusCreated, Room: s.Telehealth.Room(b),
		Video: b.Slot.Kind == telehealth.KindVideo, StationPhone: s.Telehealth.StationPhone(r.Context(), b.UnitID)}
	page.RoomFrom = page.Room.From.In(locale.Zone).Format("15:04") + " " + locale.Day(page.Room.From.In(locale.Zone))
	page.CanCancel = b.Status == telehealth.StatusBooked && s.Telehealth.Clock().Add(telehealth.CancelBefore).Before(b.Slot.Start)
	v := s.view(r, "Lịch khám "+b.Code)
	v.Data = page
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, status, "telehealth_booking", v)
}

func (s *Server) teleBookingPage(w http.ResponseWriter, r *http.Request) error {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return errLookupLimit
	}
	secret := strings.TrimSpace(r.URL.Query().Get("ma"))
	b, err := s.Telehealth.Lookup(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), secret)
	if err != nil {
		return err
	}
	return s.renderTeleBooking(w, r, http.StatusOK, b, secret)
}

func (s *Server) teleCancel(w http.ResponseWriter, r *http.Request) error {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return errLookupLimit
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errTeleForm
	}
	secret := strings.TrimSpace(r.PostFormValue("ma"))
	b, err := s.Telehealth.Cancel(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), secret)
	if err != nil {
		return err
	}
	s.sessions.Put(r.Context(), "flash", "Đã hủy lịch khám "+b.Code+".")
	to := "/kham-tu-xa/lich/" + b.Code
	if secret != "" {
		to += "?ma=" + url.QueryEscape(secret)
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
	return nil
}

type stationPage struct {
	Day, DayISO, Prev, Next string
	Bookings                []teleBookingRow
	Slots                   []teleSlot
	Months                  []telehealth.Month
	Year                    int
	Kinds                   []telehealth.Kind
	Form                    map[string]string
	Errors                  map[string]string
}

// stationUnitOf is the unit whose station p works for (the portal's for the system
// administrator).
func (s *Server) stationUnitOf(p *auth.Principal) int64 {
	for _, m := range p.Memberships {
		if m.Role == auth.RoleHealth || m.Role == auth.RoleUnitAdmin {
			return m.UnitID
		}
	}
	return s.HomeUnitID
}

func (s *Server) stationPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderStation(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderStation(w http.ResponseWriter, r *http.Request, status int, form, bad map[string]string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	unitID := s.stationUnitOf(p)
	day := s.Telehealth.Today()
	if q := r.URL.Query().Get("ngay"); q != "" {
		if d, err := calendar.ParseDate(q); err == nil {
			day = d
		}
	}
	bs, err := s.Telehealth.Day(ctx, p, unitID, day)
	if err != nil {
		return err
	}
	ss, err := s.Telehealth.Slots(ctx, p, unitID, day)
	if err != nil {
		return err
	}
	months, err := s.Telehealth.Months(ctx, p, unitID, day.Year)
	if err != nil {
		return err
	}
	page := stationPage{Day: weekday(day.Time()) + ", " + locale.Day(day.Time()), DayISO: day.String(), Prev: day.AddDays(-1).String(),
		Next: day.AddDays(1).String(), Months: months, Year: day.Year, Kinds: telehealth.Kinds, Form: form, Errors: bad}
	if page.Form == nil {
		page.Form = map[string]string{"day": day.AddDays(1).String(), "from": "07:30", "minutes": "20", "count": "8", "kind": "video"}
	}
	for _, b := range bs {
		page.Bookings = append(page.Bookings, teleRow(b))
	}
	for _, sl := range ss {
		page.Slots = append(page.Slots, teleSlotRow(sl))
	}
	v := s.view(r, "Trạm y tế: khám từ xa")
	v.Data = page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "station", v)
}

func (s *Server) stationPublish(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errTeleForm
	}
	form := map[string]string{}
	for _, k := range []string{"doctor", "kind", "day", "from", "minutes", "count"} {
		form[k] = r.PostFormValue(k)
	}
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	day, derr := calendar.ParseDate(form["day"])
	minutes, _ := strconv.Atoi(form["minutes"])
	count, _ := strconv.Atoi(form["count"])
	var ss []telehealth.Slot
	var err error = telehealth.ErrInvalid
	if derr == nil {
		ss, err = s.Telehealth.Publish(ctx, p, telehealth.Publishing{UnitID: s.stationUnitOf(p), Doctor: form["doctor"], Kind: form["kind"],
			Day: day, From: form["from"], Minutes: minutes, Count: count})
	}
	var fe *telehealth.FieldError
	var ae *apperr.Error
	switch {
	case derr != nil:
		return s.renderStation(w, r, http.StatusUnprocessableEntity, form, map[string]string{"day": "Vui lòng chọn ngày."})
	case errors.As(err, &fe):
		return s.renderStation(w, r, http.StatusUnprocessableEntity, form, fe.Fields)
	case errors.As(err, &ae) && (ae.Kind == apperr.Invalid || ae.Kind == apperr.Conflict):
		return s.renderStation(w, r, http.StatusUnprocessableEntity, form, map[string]string{"day": ae.Message})
	case err != nil:
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã công bố "+strconv.Itoa(len(ss))+" khung giờ khám.")
	http.Redirect(w, r, "/tram-y-te?ngay="+day.String(), http.StatusSeeOther)
	return nil
}

var stationMarks = map[string]telehealth.Status{"da-kham": telehealth.StatusAttended, "vang": telehealth.StatusNoShow}

func (s *Server) stationMark(w http.ResponseWriter, r *http.Request) error {
	st, ok := stationMarks[r.PathValue("mark")]
	if !ok {
		return errTeleForm
	}
	ctx := r.Context()
	b, err := s.Telehealth.Mark(ctx, auth.PrincipalFrom(ctx), r.PathValue("code"), st)
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Lịch "+b.Code+": "+b.Status.Label()+".")
	http.Redirect(w, r, "/tram-y-te?ngay="+calendar.DateOf(b.Slot.Start.In(locale.Zone)).String(), http.StatusSeeOther)
	return nil
}
