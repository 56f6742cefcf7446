package api

import (
	"net/http"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/telehealth"
)

// Tele-health (internal/telehealth, docs/TELEHEALTH.md): anyone lists the free slots,
// asks a code for their phone and books; the booking's citizen (logged in or with its
// secret) reads and cancels it; the health station publishes slots, reads its day, marks
// attendance and counts its months.
func telehealthRoutes(h handlers) []httpx.Route {
	if h.Telehealth == nil {
		return nil
	}
	station := httpx.OnlyRoles(auth.HealthRoles...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/telehealth/slots", Access: httpx.Anyone, Handler: h.teleFree},
		{Pattern: "POST /api/v1/telehealth/slots", Access: station, Handler: h.telePublish},
		{Pattern: "POST /api/v1/telehealth/codes", Access: httpx.Anyone, Handler: h.teleCode},
		{Pattern: "POST /api/v1/telehealth/bookings", Access: httpx.Anyone, Handler: h.teleBook},
		{Pattern: "GET /api/v1/telehealth/bookings/{code}", Access: httpx.Anyone, Handler: h.teleBooking},
		{Pattern: "POST /api/v1/telehealth/bookings/{code}/cancel", Access: httpx.Anyone, Handler: h.teleCancel},
		{Pattern: "POST /api/v1/telehealth/bookings/{code}/mark", Access: station, Handler: h.teleMark},
		{Pattern: "GET /api/v1/telehealth/day", Access: station, Handler: h.teleDay},
		{Pattern: "GET /api/v1/telehealth/months", Access: station, Handler: h.teleMonths},
	}
}

// TeleSlotDoc is a consultation slot as the API shows it.
type TeleSlotDoc struct {
	ID        int64     `json:"id"`
	Doctor    string    `json:"doctor"`
	Kind      string    `json:"kind"`
	KindLabel string    `json:"kind_label"`
	Start     time.Time `json:"start"`
	End       time.Time `json:"end"`
	Minutes   int       `json:"minutes"`
	Free      bool      `json:"free"`
}

func teleSlotDoc(s telehealth.Slot) TeleSlotDoc {
	return TeleSlotDoc{ID: s.ID, Doctor: s.Doctor, Kind: string(s.Kind), KindLabel: s.Kind.Label(), Start: s.Start, End: s.End,
		Minutes: s.Minutes(), Free: !s.Taken}
}

// TeleBookingDoc is a booking as its citizen and the station see it.
type TeleBookingDoc struct {
	Code        string      `json:"code"`
	Status      string      `json:"status"`
	StatusLabel string      `json:"status_label"`
	Slot        TeleSlotDoc `json:"slot"`
	Name        string      `json:"name"`
	Phone       string      `json:"phone"`
	Reason      string      `json:"reason"`
	BookedAt    time.Time   `json:"booked_at"`
	// Secret is given once, in the answer to the booking.
	Secret string `json:"secret,omitempty"`
	// The video room's links, only from shortly before the slot to its end; the
	// station's phone is the fallback.
	AudioOnlyURL string    `json:"audio_only_url,omitempty"`
	VideoURL     string    `json:"video_url,omitempty"`
	RoomFrom     time.Time `json:"room_from"`
	StationPhone string    `json:"station_phone,omitempty"`
}

func (h handlers) teleBookingDoc(r *http.Request, b telehealth.Booking) TeleBookingDoc {
	room := h.Telehealth.Room(b)
	return TeleBookingDoc{Code: b.Code, Status: string(b.Status), StatusLabel: b.Status.Label(), Slot: teleSlotDoc(b.Slot), Name: b.Name,
		Phone: b.Phone, Reason: b.Reason, BookedAt: b.BookedAt, AudioOnlyURL: room.AudioOnly, VideoURL: room.Video, RoomFrom: room.From,
		StationPhone: h.Telehealth.StationPhone(r.Context(), b.UnitID)}
}

// stationUnit is the unit whose station p works for: their first health-station or
// administrator membership, the portal's unit for the system administrator.
func stationUnit(p *auth.Principal, home int64) int64 {
	for _, m := range p.Memberships {
		if m.Role == auth.RoleHealth || m.Role == auth.RoleUnitAdmin {
			return m.UnitID
		}
	}
	return home
}

var errTeleDate = apperr.New(apperr.Invalid, "invalid_date", "Ngày viết theo dạng YYYY-MM-DD.")

func (h handlers) teleFree(w http.ResponseWriter, r *http.Request) error {
	ss, err := h.Telehealth.Free(r.Context(), h.HomeUnitID)
	if err != nil {
		return err
	}
	items := make([]TeleSlotDoc, len(ss))
	for i, s := range ss {
		items[i] = teleSlotDoc(s)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[TeleSlotDoc]{Items: items, Total: len(items)})
}

func (h handlers) telePublish(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		Doctor  string `json:"doctor"`
		Kind    string `json:"kind"`
		Date    string `json:"date"`
		From    string `json:"from"`
		Minutes int    `json:"minutes"`
		Count   int    `json:"count"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 8<<10); err != nil {
		return err
	}
	day, err := calendar.ParseDate(raw.Date)
	if err != nil {
		return errTeleDate
	}
	p := auth.PrincipalFrom(r.Context())
	ss, err := h.Telehealth.Publish(r.Context(), p, telehealth.Publishing{UnitID: stationUnit(p, h.HomeUnitID), Doctor: raw.Doctor,
		Kind: raw.Kind, Day: day, From: raw.From, Minutes: raw.Minutes, Count: raw.Count})
	if err != nil {
		return err
	}
	items := make([]TeleSlotDoc, len(ss))
	for i, s := range ss {
		items[i] = teleSlotDoc(s)
	}
	return httpx.WriteJSON(w, http.StatusCreated, broadcastList[TeleSlotDoc]{Items: items, Total: len(items)})
}

func (h handlers) teleCode(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		Phone string `json:"phone"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 1<<10); err != nil {
		return err
	}
	st, err := h.Telehealth.SendCode(r.Context(), raw.Phone, httpx.ClientIP(r, h.TrustProxy))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, map[string]any{"challenge_id": st.ID, "masked": st.Masked, "expires_at": st.ExpiresAt})
}

func (h handlers) teleBook(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		SlotID      int64  `json:"slot_id"`
		Reason      string `json:"reason"`
		Name        string `json:"name"`
		Phone       string `json:"phone"`
		ChallengeID string `json:"challenge_id"`
		Code        string `json:"code"`
	}
	// 500 letters written as \u escapes take 3 KB.
	if err := httpx.DecodeJSON(w, r, &raw, 8<<10); err != nil {
		return err
	}
	b, secret, err := h.Telehealth.Book(r.Context(), auth.PrincipalFrom(r.Context()), telehealth.Request{SlotID: raw.SlotID,
		Reason: raw.Reason, Name: raw.Name, Phone: raw.Phone, ChallengeID: raw.ChallengeID, Code: raw.Code})
	if err != nil {
		return err
	}
	d := h.teleBookingDoc(r, b)
	d.Secret = secret
	return httpx.WriteJSON(w, http.StatusCreated, d)
}

func (h handlers) teleBooking(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	b, err := h.Telehealth.Lookup(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), r.URL.Query().Get("secret"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.teleBookingDoc(r, b))
}

func (h handlers) teleCancel(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	var raw struct {
		Secret string `json:"secret"`
	}
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &raw, 1<<10); err != nil {
			return err
		}
	}
	b, err := h.Telehealth.Cancel(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), raw.Secret)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.teleBookingDoc(r, b))
}

func (h handlers) teleMark(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		Status string `json:"status"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 1<<10); err != nil {
		return err
	}
	b, err := h.Telehealth.Mark(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), telehealth.Status(raw.Status))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.teleBookingDoc(r, b))
}

func (h handlers) teleDay(w http.ResponseWriter, r *http.Request) error {
	day := h.Telehealth.Today()
	if q := r.URL.Query().Get("date"); q != "" {
		d, err := calendar.ParseDate(q)
		if err != nil {
			return errTeleDate
		}
		day = d
	}
	p := auth.PrincipalFrom(r.Context())
	bs, err := h.Telehealth.Day(r.Context(), p, stationUnit(p, h.HomeUnitID), day)
	if err != nil {
		return err
	}
	items := make([]TeleBookingDoc, len(bs))
	for i, b := range bs {
		items[i] = h.teleBookingDoc(r, b)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[TeleBookingDoc]{Items: items, Total: len(items)})
}

// TeleMonthDoc is a month's bookings by outcome.
type TeleMonthDoc struct {
	Month     int `json:"month"`
	Booked    int `json:"booked"`
	Cancelled int `json:"cancelled"`
	Attended  int `json:"attended"`
	NoShow    int `json:"no_show"`
	All       int `json:"all"`
}

func (h handlers) teleMonths(w http.ResponseWriter, r *http.Request) error {
	year := h.Telehealth.Today().Year
	if q := r.URL.Query().Get("year"); q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || len(q) > 4 {
			return errTeleYear
		}
		year = y
	}
	p := auth.PrincipalFrom(r.Context())
	ms, err := h.Telehealth.Months(r.Context(), p, stationUnit(p, h.HomeUnitID), year)
	if err != nil {
		return err
	}
	items := make([]TeleMonthDoc, len(ms))
	for i, m := range ms {
		items[i] = TeleMonthDoc{Month: m.Month, Booked: m.Booked, Cancelled: m.Cancelled, Attended: m.Attended, NoShow: m.NoShow, All: m.All}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[TeleMonthDoc]{Items: items, Total: len(items)})
}

var errTeleYear = apperr.New(apperr.Invalid, "invalid_year", "Năm phải từ 2000 đến 2100.")
