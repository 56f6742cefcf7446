package web

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The home page, the commune's portal: a clear call to file, the procedures most asked
// for, how to reach the one-stop desk (address, hotline, e-mail: the unit's contact;
// office hours: its working calendar), the look-up box (the dossier's code and its
// look-up code) and verification by the code printed on a document.

type topProcedure struct{ Code, Name string }

type hoursLine struct{ Days, Hours string }

type homeView struct {
	Unit       unit.Unit
	Contact    unit.Contact
	Hours      []hoursLine
	Procedures []topProcedure
	Popular    bool // the procedures are the most filed in the last 12 months, not the catalog's first
	// Announcements are the latest valid today (at most homeAnnouncements);
	// the others are on /thong-bao.
	Announcements []announcementView
}

var weekdayNames = map[time.Weekday]string{time.Monday: "Thứ Hai", time.Tuesday: "Thứ Ba", time.Wednesday: "Thứ Tư",
	time.Thursday: "Thứ Năm", time.Friday: "Thứ Sáu", time.Saturday: "Thứ Bảy", time.Sunday: "Chủ nhật"}

// homeProcedures is how many procedures the home page offers.
const homeProcedures = 6

func (s *Server) home(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.Store.UnitByID(ctx, s.HomeUnitID)
	if err != nil {
		return err
	}
	hv := homeView{Unit: u}
	if hv.Contact, err = (unit.Contacts{Store: s.Store}).Get(ctx, u.ID); err != nil {
		return err
	}
	hours, err := s.Calendars.Hours(ctx, u.ID)
	if err != nil {
		return err
	}
	hv.Hours = hoursLines(hours)
	if hv.Announcements, err = s.currentAnnouncements(r, 0, homeAnnouncements); err != nil {
		return err
	}
	// The most filed procedures of the last twelve months, from the statistics'
	// counters; the catalog's first ones while there are none.
	today := calendar.DateOf(time.Now())
	res, err := report.OneStopReport(ctx, s.Store, u, report.Params{From: today.AddDays(-365).String(), To: today.String(), By: report.ByProcedure})
	if err != nil {
		return err
	}
	published, _, err := s.Store.Procedures(ctx, u.ID, store.ProcedureQuery{Limit: 500})
	if err != nil {
		return err
	}
	names := map[string]string{}
	for _, p := range published {
		names[p.Code] = p.Name
	}
	for _, g := range res.Groups {
		if name, ok := names[g.Key]; ok && g.Received.Total > 0 && len(hv.Procedures) < homeProcedures {
			hv.Procedures = append(hv.Procedures, topProcedure{g.Key, name})
		}
	}
	hv.Popular = len(hv.Procedures) > 0
	for _, p := range published {
		if len(hv.Procedures) == homeProcedures {
			break
		}
		if !slices.ContainsFunc(hv.Procedures, func(t topProcedure) bool { return t.Code == p.Code }) {
			hv.Procedures = append(hv.Procedures, topProcedure{p.Code, p.Name})
		}
	}
	v := s.view(r, "Trang chủ")
	v.Data = hv
	return s.views.render(w, http.StatusOK, "home", v)
}

// hoursLines writes a week's office hours as people read them, days with the same hours
// together: "Thứ Hai – Thứ Sáu: 07:30–11:30, 13:00–17:00".
func hoursLines(h calendar.OfficeHours) []hoursLine {
	var out []hoursLine
	days := []time.Weekday{time.Monday, time.Tuesday, time.Wednesday, time.Thursday, time.Friday, time.Saturday, time.Sunday}
	text := func(d time.Weekday) string {
		return strings.ReplaceAll(strings.ReplaceAll(h.Week[d].String(), "-", "–"), ",", ", ")
	}
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && text(days[j+1]) == text(days[i]) {
			j++
		}
		if t := text(days[i]); t != "" {
			label := weekdayNames[days[i]]
			if j > i {
				label += " – " + weekdayNames[days[j]]
			}
			out = append(out, hoursLine{label, t})
		}
		i = j + 1
	}
	return out
}

// setContact (POST /admin/contact) saves the administrator's unit's contact; a wrong
// field comes back with the admin page, drawn at the field.
func (s *Server) setContact(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")
	}
	unitID := s.contactUnit(p)
	c := unit.Contact{Address: r.PostFormValue("address"), Hotline: r.PostFormValue("hotline"), Email: r.PostFormValue("email")}
	if _, err := (unit.Contacts{Store: s.Store}).Set(ctx, p, unitID, c); err != nil {
		var ce *unit.ContactError
		if errors.As(err, &ce) {
			return s.renderAdmin(w, r, http.StatusUnprocessableEntity, contactForm{Contact: c, Errors: ce.Fields})
		}
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu thông tin liên hệ của đơn vị.")
	http.Redirect(w, r, "/admin#lien-he", http.StatusSeeOther)
	return nil
}

// contactUnit is the unit whose contact p edits: the unit they administer, else (the
// system administrator) the portal's own.
func (s *Server) contactUnit(p *auth.Principal) int64 {
	for _, m := range p.Memberships {
		if m.Role == auth.RoleUnitAdmin {
			return m.UnitID
		}
	}
	return s.HomeUnitID
}

// contactForm is the contact section of the admin page: what was typed and what is wrong.
type contactForm struct {
	Contact unit.Contact
	Errors  map[string]string
}
