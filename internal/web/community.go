package web

import (
	"bytes"
	"errors"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/qr"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The community's pages (docs/COMMUNITY.md): the villages for the officials (the leader
// and the unit's administrator edit them), the volunteer's page /cong-dong (their
// village, their visits, their village's help requests), and the public help request
// form /ho-tro with its follow-up /ho-tro/{code}.
func (s *Server) communityRoutes() []httpx.Route {
	if s.Community == nil {
		return nil
	}
	volunteer := httpx.OnlyRoles(auth.RoleDigitalTeam)
	return []httpx.Route{
		{Pattern: "GET /office/thon", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.villagesPage},
		{Pattern: "POST /office/thon/{code}", Access: httpx.OnlyRoles(community.Editors...), Handler: s.saveVillage},
		{Pattern: "POST /office/thon/{code}/thanh-vien", Access: httpx.OnlyRoles(community.Editors...), Handler: s.addMember},
		{Pattern: "POST /office/thon/{code}/ha-tang", Access: httpx.OnlyRoles(community.Editors...), Handler: s.addCoverage},
		{Pattern: "POST /office/thon/{code}/thanh-vien/{id}/thoi", Access: httpx.OnlyRoles(community.Editors...), Handler: s.endMember},
		{Pattern: "POST /office/thon/{code}/thanh-vien/{id}/tap-huan", Access: httpx.OnlyRoles(community.Editors...), Handler: s.addTraining},
		{Pattern: "GET /office/chuyen-doi-so", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.dxPage},
		{Pattern: "GET /office/chuyen-doi-so/{id}", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.dxIndicatorPage},
		{Pattern: "GET /office/thon/{code}/ap-phich", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.villagePoster},
		{Pattern: "GET /office/thon/{code}/ap-phich.pdf", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.villagePosterPDF},
		{Pattern: "GET /cong-dong", Access: volunteer, Handler: s.volunteerPage},
		{Pattern: "POST /cong-dong/tham", Access: volunteer, Handler: s.recordVisit},
		{Pattern: "POST /cong-dong/ho-tro/{code}/{action}", Access: volunteer, Handler: s.teamAct},
		{Pattern: "GET /ho-tro", Access: httpx.Anyone, Handler: s.helpForm},
		{Pattern: "POST /ho-tro", Access: httpx.Anyone, Handler: s.fileHelp},
		{Pattern: "GET /ho-tro/{code}", Access: httpx.Anyone, Handler: s.helpPage},
		{Pattern: "POST /ho-tro/{code}/{action}", Access: httpx.Anyone, Handler: s.helpAct},
	}
}

var errCommunityForm = apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")

// communityUnit is the unit whose villages an official sees: their first office unit,
// the home unit for the system administrator.
func (s *Server) communityUnit(r *http.Request) (unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	for _, m := range p.Memberships {
		if m.Role != auth.RoleSystemAdmin && p.Can(m.UnitID, auth.OfficeRoles...) {
			return s.Store.UnitByID(r.Context(), m.UnitID)
		}
	}
	return s.Store.UnitByID(r.Context(), s.HomeUnitID)
}

type villageRow struct {
	community.Village
	Members  int
	Coverage string
	Counted  string
	Team     []memberRow // the editors' view: every member, serving or not
}

// memberRow is a team member on the editors' page, with their trainings.
type memberRow struct {
	community.Member
	JoinedDay, LeftDay string
	Serving            bool
	Trainings          []trainingRow
}

type trainingRow struct {
	community.Training
	HeldDay string
}

type villagesPage struct {
	Unit       unit.Unit
	Villages   []villageRow
	CanEdit    bool
	Kinds      []community.Kind
	Coverages  []community.CoverageKind
	Today      string
	Error      string
	Households int
	HelpOpen   int
	Overdue    int
}

func (s *Server) villagesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderVillages(w, r, http.StatusOK, "")
}

func (s *Server) renderVillages(w http.ResponseWriter, r *http.Request, status int, msg string) error {
	ctx := r.Context()
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	teams, err := s.Community.Teams(ctx, p, u.ID)
	if err != nil {
		return err
	}
	page := villagesPage{Unit: u, CanEdit: p.Can(u.ID, community.Editors...), Kinds: community.Kinds, Coverages: community.CoverageKinds,
		Today: s.Community.Today().String(), Error: msg}
	team := map[int64][]memberRow{}
	if page.CanEdit {
		ms, err := s.Community.Members(ctx, p, u.ID, 0)
		if err != nil {
			return err
		}
		today := s.Community.Today()
		for _, m := range ms {
			mr := memberRow{Member: m, JoinedDay: locale.Day(m.Joined.Time()), Serving: m.Active(today) && m.Left.IsZero()}
			if !m.Left.IsZero() {
				mr.LeftDay = locale.Day(m.Left.Time())
			}
			ts, err := s.Community.Trainings(ctx, p, u.ID, m.ID)
			if err != nil {
				return err
			}
			for _, t := range ts {
				mr.Trainings = append(mr.Trainings, trainingRow{Training: t, HeldDay: locale.Day(t.Held.Time())})
			}
			team[m.VillageID] = append(team[m.VillageID], mr)
		}
	}
	for _, t := range teams {
		row := villageRow{Village: t.Village, Members: t.Members, Team: team[t.Village.ID]}
		var cov []string
		for _, c := range t.Village.Coverage {
			if c.Available {
				cov = append(cov, c.Kind.Label())
			}
		}
		row.Coverage = strings.Join(cov, ", ")
		if t.Village.Count.ID != 0 {
			row.Counted = locale.Day(t.Village.Count.AsOf.Time())
			page.Households += t.Village.Count.Households
		}
		page.Villages = append(page.Villages, row)
	}
	if page.Overdue, err = s.Community.Overdue(ctx, u.ID); err != nil {
		return err
	}
	if _, page.HelpOpen, err = s.Community.HelpList(ctx, p, community.HelpQuery{UnitID: u.ID, Statuses: community.OpenStatuses, Limit: 1}); err != nil {
		return err
	}
	v := s.view(r, "Thôn, tổ công nghệ số")
	v.Area, v.Nav, v.Data = "office", "villages", page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "villages", v)
}

// saveVillage sets a village's kind and leader and, when households are given, records
// a dated count.
func (s *Server) saveVillage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errCommunityForm
	}
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	v, err := s.Community.Village(ctx, u.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	fail := func(err error) error { return s.villageRefused(w, r, v, err) }
	if _, err := s.Community.SetProfile(ctx, p, v.ID, community.Kind(r.PostFormValue("kind")), r.PostFormValue("leader")); err != nil {
		return fail(err)
	}
	if hh := strings.TrimSpace(r.PostFormValue("households")); hh != "" {
		c := community.Count{VillageID: v.ID, Source: r.PostFormValue("source")}
		c.Households, _ = strconv.Atoi(hh)
		c.People, _ = strconv.Atoi(strings.TrimSpace(r.PostFormValue("people")))
		c.AsOf, _ = calendar.ParseDate(r.PostFormValue("as_of"))
		if _, err := s.Community.AddCount(ctx, p, c); err != nil {
			return fail(err)
		}
	}
	s.sessions.Put(ctx, "flash", "Đã lưu thông tin "+v.Name+".")
	http.Redirect(w, r, "/office/thon", http.StatusSeeOther)
	return nil
}

type helpRow struct {
	community.HelpRequest
	Filed, Due string
	Late       bool
	CanStart   bool
	CanDone    bool
}

func (s *Server) helpRow(h community.HelpRequest) helpRow {
	row := helpRow{HelpRequest: h, Filed: locale.Day(h.FiledAt), Due: locale.Day(h.DueAt), Late: h.Overdue(s.Community.Clock())}
	row.CanStart = h.Status == community.StatusReceived || h.Status == community.StatusAssigned || h.Status == community.StatusReopened
	row.CanDone = h.Status.Open()
	return row
}

type volunteerPage struct {
	Member   community.Member
	Village  community.Village
	Visits   []community.Visit
	Totals   community.Totals
	Requests []helpRow
	Today    string
	Errors   map[string]string
	Form     map[string]string
}

func (s *Server) volunteerPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderVolunteer(w, r, http.StatusOK, nil, nil)
}

func (s *Server) renderVolunteer(w http.ResponseWriter, r *http.Request, status int, bad, form map[string]string) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	page := volunteerPage{Today: s.Community.Today().String(), Errors: bad, Form: form}
	m, v, err := s.Community.Me(ctx, p)
	if err == nil {
		page.Member, page.Village = m, v
		if page.Visits, page.Totals, err = s.Community.MyVisits(ctx, p, 20); err != nil {
			return err
		}
		hs, _, err := s.Community.HelpList(ctx, p, community.HelpQuery{UnitID: v.UnitID, Limit: 50})
		if err != nil {
			return err
		}
		for _, h := range hs {
			page.Requests = append(page.Requests, s.helpRow(h))
		}
	} else if !errors.Is(err, community.ErrNotMember) {
		return err
	}
	if page.Form == nil {
		page.Form = map[string]string{"visited_on": page.Today}
	}
	if page.Form["key"] == "" {
		page.Form["key"] = newKey()
	}
	vw := s.view(r, "Tổ công nghệ số cộng đồng")
	vw.Data = page
	vw.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "volunteer", vw)
}

func (s *Server) recordVisit(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	// The form posts urlencoded; the citizen app's offline queue replays it as
	// multipart (FormData), bounded the same.
	if err := r.ParseMultipartForm(16 << 10); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		return errCommunityForm
	}
	form := map[string]string{}
	for _, k := range []string{"visited_on", "households", "installs", "accounts", "payments", "note"} {
		form[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	num := func(k string) int {
		if form[k] == "" {
			return 0
		}
		n, err := strconv.Atoi(form[k])
		if err != nil {
			return -1
		}
		return n
	}
	day, _ := calendar.ParseDate(form["visited_on"])
	// The key: the Idempotency-Key the citizen app sends when it replays a visit kept on
	// the phone without connection (docs/APP.md), else the form's hidden key (a double
	// tap without JavaScript).
	key := r.Header.Get("Idempotency-Key")
	if !phoneKeyRE.MatchString(key) {
		if key = r.PostFormValue("key"); !keyRE.MatchString(key) {
			key = ""
		}
	}
	if form["key"] = r.PostFormValue("key"); !keyRE.MatchString(form["key"]) {
		form["key"] = "" // drawn again with a new one
	}
	_, err := s.Community.RecordVisit(ctx, auth.PrincipalFrom(ctx), community.VisitInput{Visited: day, Households: num("households"),
		Installs: num("installs"), Accounts: num("accounts"), Payments: num("payments"), Note: form["note"], Key: key})
	var fe *community.FieldError
	if errors.As(err, &fe) {
		return s.renderVolunteer(w, r, http.StatusUnprocessableEntity, fe.Fields, form)
	}
	if errors.Is(err, community.ErrVisitKeyReused) {
		form["key"] = newKey()
		return s.renderVolunteer(w, r, http.StatusConflict, map[string]string{"visited_on": community.ErrVisitKeyReused.Message}, form)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã ghi nhận chuyến thăm.")
	http.Redirect(w, r, "/cong-dong", http.StatusSeeOther)
	return nil
}

func (s *Server) teamAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errCommunityForm
	}
	version, _ := strconv.Atoi(r.PostFormValue("version"))
	h, err := s.Community.Act(ctx, auth.PrincipalFrom(ctx), r.PathValue("code"), "", community.Action(r.PathValue("action")), version,
		r.PostFormValue("note"))
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Yêu cầu "+h.Code+": "+h.Status.Label()+".")
	http.Redirect(w, r, "/cong-dong", http.StatusSeeOther)
	return nil
}

type helpFormPage struct {
	Unit     unit.Unit
	Villages []community.Village
	Topics   []community.Topic
	Form     map[string]string
	Errors   map[string]string
}

// helpForm is the public form; ?thon=CODE (a village's QR poster) chooses the village.
func (s *Server) helpForm(w http.ResponseWriter, r *http.Request) error {
	form := map[string]string{"village": r.URL.Query().Get("thon")}
	return s.renderHelpForm(w, r, http.StatusOK, form, nil)
}

func (s *Server) renderHelpForm(w http.ResponseWriter, r *http.Request, status int, form, bad map[string]string) error {
	u, err := s.Store.UnitByID(r.Context(), s.HomeUnitID)
	if err != nil {
		return err
	}
	vs, err := s.Community.Villages(r.Context(), u.ID)
	if err != nil {
		return err
	}
	v := s.view(r, "Nhờ tổ công nghệ số hỗ trợ")
	v.Data = helpFormPage{Unit: u, Villages: vs, Topics: community.Topics, Form: form, Errors: bad}
	return s.views.render(w, status, "help_form", v)
}

func (s *Server) fileHelp(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	client := httpx.ClientIP(r, s.TrustProxy)
	if !s.lookups.Allow(client) {
		return community.ErrFlood
	}
	r.Body = http.MaxBytesReader(w, r.Body, 32<<10)
	if err := r.ParseForm(); err != nil {
		return errCommunityForm
	}
	form := map[string]string{}
	for _, k := range []string{"village", "phone", "name", "topic", "description"} {
		form[k] = r.PostFormValue(k)
	}
	u, err := s.Store.UnitByID(ctx, s.HomeUnitID)
	if err != nil {
		return err
	}
	h, secret, err := s.Community.FileHelp(ctx, community.Filer{P: auth.PrincipalFrom(ctx), Client: client}, community.Filing{Unit: u.Code,
		Village: form["village"], Phone: form["phone"], Name: form["name"], Topic: form["topic"], Description: form["description"]})
	var fe *community.FieldError
	if errors.As(err, &fe) {
		return s.renderHelpForm(w, r, http.StatusUnprocessableEntity, form, fe.Fields)
	}
	if err != nil {
		return err
	}
	return s.renderHelp(w, r, http.StatusCreated, h, true, secret)
}

type helpPage struct {
	helpRow
	Full      bool
	Secret    string
	Just      bool // just filed: show the secret once
	Events    []helpEvent
	CanFiler  bool
	TopicName string
}

type helpEvent struct{ Label, At, Note string }

func (s *Server) renderHelp(w http.ResponseWriter, r *http.Request, status int, h community.HelpRequest, full bool, secret string) error {
	page := helpPage{helpRow: s.helpRow(h), Full: full, Secret: secret, Just: status == http.StatusCreated, TopicName: h.Topic.Label()}
	page.CanFiler = full && secret != "" && h.Status == community.StatusDone
	for _, e := range h.Events {
		page.Events = append(page.Events, helpEvent{Label: e.Status.Label(), At: e.At.In(locale.Zone).Format("15:04 02/01/2006"), Note: e.Note})
	}
	v := s.view(r, "Yêu cầu hỗ trợ "+h.Code)
	v.Data = page
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, status, "help", v)
}

// helpPage follows a request: its progress to anyone, its details with ?ma=SECRET.
func (s *Server) helpPage(w http.ResponseWriter, r *http.Request) error {
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return errLookupLimit
	}
	secret := strings.TrimSpace(r.URL.Query().Get("ma"))
	h, full, err := s.Community.LookupHelp(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), secret)
	if err != nil {
		return err
	}
	if !full || !h.SecretMatches(secret) {
		secret = ""
	}
	return s.renderHelp(w, r, http.StatusOK, h, full, secret)
}

// helpAct is the filer's confirmation (dong) or reopening (mo-lai), with the secret.
func (s *Server) helpAct(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return errLookupLimit
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errCommunityForm
	}
	action := map[string]community.Action{"dong": community.ActClose, "mo-lai": community.ActReopen}[r.PathValue("action")]
	if action == "" {
		return community.ErrHelpAction
	}
	secret := strings.TrimSpace(r.PostFormValue("ma"))
	h, err := s.Community.Act(ctx, auth.PrincipalFrom(ctx), r.PathValue("code"), secret, action, 0, r.PostFormValue("note"))
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Cảm ơn ông/bà đã xác nhận: "+strings.ToLower(h.Status.Label())+".")
	http.Redirect(w, r, "/ho-tro/"+url.PathEscape(h.Code)+"?ma="+url.QueryEscape(secret), http.StatusSeeOther)
	return nil
}

// The community's audit records in Vietnamese (auditwords.go).
func init() {
	for k, v := range map[string]string{
		"village.profile": "Cập nhật loại, trưởng thôn", "village.count": "Ghi số hộ, nhân khẩu của thôn",
		"village.coverage": "Ghi hạ tầng số của thôn", "team.member.add": "Thêm thành viên tổ công nghệ số", "team.member.end": "Thành viên thôi tham gia tổ công nghệ số",
		"team.training.add": "Ghi tập huấn của thành viên tổ công nghệ số", "team.visit.add": "Ghi nhận chuyến thăm của tổ công nghệ số",
		"help_request.filed": "Người dân gửi yêu cầu hỗ trợ", "help_request.in_progress": "Tổ công nghệ số nhận hỗ trợ",
		"help_request.done": "Tổ công nghệ số hỗ trợ xong", "help_request.closed": "Người dân xác nhận, đóng yêu cầu hỗ trợ",
		"help_request.reopened": "Người dân mở lại yêu cầu hỗ trợ", "dx.value": "Nhập số liệu chỉ số chuyển đổi số",
	} {
		auditActions[k] = v
	}
	auditObjects["team_member"], auditObjects["team_visit"], auditObjects["help_request"] = "Thành viên tổ công nghệ số", "Chuyến thăm", "Yêu cầu hỗ trợ"
	auditObjects["dx_indicator"] = "Chỉ số chuyển đổi số"
	auditActions["app.install"], auditObjects["app_install"] = "Ứng dụng báo lượt cài đặt", "Lượt cài đặt ứng dụng"
}

type posterPage struct {
	Unit    unit.Unit
	Village community.Village
	Link    string
	QR      template.HTML
}

// villagePoster is a village's printable poster: a QR code to the help form with the
// village chosen (/ho-tro?thon=CODE).
func (s *Server) villagePoster(w http.ResponseWriter, r *http.Request) error {
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	v, err := s.Community.Village(r.Context(), u.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	link := s.absolute(r, "/ho-tro?thon="+url.QueryEscape(v.Code))
	svg, err := qr.SVG(link, "Mã QR gửi yêu cầu hỗ trợ cho tổ công nghệ số "+v.Name)
	if err != nil {
		return err
	}
	vw := s.view(r, "Áp phích "+v.Name)
	vw.Data = posterPage{Unit: u, Village: v, Link: link, QR: template.HTML(svg)}
	return s.views.render(w, http.StatusOK, "poster", vw)
}

// villagePosterPDF is the village's poster as an A4 PDF, to print at the commune.
func (s *Server) villagePosterPDF(w http.ResponseWriter, r *http.Request) error {
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	v, err := s.Community.Village(r.Context(), u.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := community.WritePosterPDF(&buf, community.Poster{UnitName: u.Name, VillageName: v.Name,
		Link: s.absolute(r, "/ho-tro?thon="+url.QueryEscape(v.Code))}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="ap-phich-`+v.Code+`.pdf"`)
	_, err = w.Write(buf.Bytes())
	return err
}

type dxRow struct {
	community.Indicator
	Value, Target, Basis string
	// Link is the indicator's page (its trend and rows); Parts link each part's rows.
	Link  string
	Parts []dxPartLink
}

// dxPartLink links to the rows behind a part of a computed value.
type dxPartLink struct {
	Label, Figure, URL string
	Current            bool
}

type dxVillageRow struct {
	community.VillageDX
	HelpOnTime string
	Link       string
}

type dxPage struct {
	Unit     unit.Unit
	Year     int
	Years    []int
	Rows     []dxRow
	Villages []community.Village
	Village  community.Village // the chosen one; zero: the commune
	Table    []dxVillageRow
	XLSX     string
}

// formatNumber writes a value the Vietnamese way: "1.200", "70,5".
func formatNumber(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	whole, frac, _ := strings.Cut(s, ".")
	var b strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte('.')
		}
		b.WriteRune(r)
	}
	if frac != "" {
		b.WriteString("," + frac)
	}
	return b.String()
}

// dxQuery is the query of the indicators' pages: the year, the village, more.
func dxQuery(year int, village string, more ...string) string {
	q := url.Values{"nam": {strconv.Itoa(year)}}
	if village != "" {
		q.Set("thon", village)
	}
	for i := 0; i+1 < len(more); i += 2 {
		q.Set(more[i], more[i+1])
	}
	return q.Encode()
}

// partSlugs name the parts in the pages' addresses.
var partSlugs = map[community.Part]string{community.Numerator: "tu-so", community.Denominator: "mau-so"}

// dxRowOf says an indicator for a page: its value, target, basis and links.
func dxRowOf(in community.Indicator, year int) dxRow {
	row := dxRow{Indicator: in, Value: "—", Target: "—", Link: "/office/chuyen-doi-so/" + in.ID + "?" + dxQuery(year, in.Village)}
	if in.Value != nil {
		row.Value = formatNumber(*in.Value)
	}
	if in.Target != nil {
		row.Target = formatNumber(*in.Target)
	}
	for _, p := range in.Parts {
		f := in.Numerator
		if p == community.Denominator {
			f = in.Denominator
		}
		row.Parts = append(row.Parts, dxPartLink{Label: p.Label(), Figure: formatNumber(f),
			URL: "/office/chuyen-doi-so/" + in.ID + "?" + dxQuery(year, in.Village, "phan", partSlugs[p]) + "#cac-dong"})
	}
	switch {
	case in.Unattributed != "":
		row.Basis = in.Unattributed
	case in.Origin == community.Computed && len(in.Parts) == 1:
		row.Basis = "Tính từ dữ liệu (" + in.Formula + ")"
	case in.Origin == community.Computed:
		row.Basis = "Tính từ dữ liệu: " + formatNumber(in.Numerator) + " / " + formatNumber(in.Denominator) + " (" + in.Formula + ")"
	case in.Source != "":
		row.Basis = "Nhập tay: " + in.Source + ", ngày " + locale.Day(in.AsOf.Time())
	default:
		row.Basis = "Chưa nhập số liệu"
	}
	return row
}

// dxScope reads ?nam= and ?thon= of the indicators' pages: the year (this year when
// absent or out of range) and the chosen village (a wrong code: not found).
func (s *Server) dxScope(r *http.Request, unitID int64) (year int, v community.Village, vs []community.Village, err error) {
	this := s.Community.Today().Year
	year = this
	if y, err := strconv.Atoi(r.URL.Query().Get("nam")); err == nil && y >= 2000 && y <= this {
		year = y
	}
	if vs, err = s.Community.Villages(r.Context(), unitID); err != nil {
		return 0, v, nil, err
	}
	if code := r.URL.Query().Get("thon"); code != "" {
		if v, err = s.Community.Village(r.Context(), unitID, code); err != nil {
			return 0, v, nil, err
		}
	}
	return year, v, vs, nil
}

// dxPage is the commune's digital-transformation indicators for a year (?nam=YYYY),
// or one village's (?thon=CODE), with the villages' table.
func (s *Server) dxPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	year, village, vs, err := s.dxScope(r, u.ID)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	var ins []community.Indicator
	if village.ID != 0 {
		_, ins, err = s.Community.VillageIndicators(ctx, p, u.ID, year, village.Code)
	} else {
		ins, err = s.Community.Indicators(ctx, p, u.ID, year)
	}
	if err != nil {
		return err
	}
	table, err := s.Community.VillageTable(ctx, p, u.ID, year)
	if err != nil {
		return err
	}
	page := dxPage{Unit: u, Year: year, Villages: vs, Village: village}
	for y := s.Community.Today().Year; y >= 2021 && y > s.Community.Today().Year-8; y-- {
		page.Years = append(page.Years, y)
	}
	for _, in := range ins {
		page.Rows = append(page.Rows, dxRowOf(in, year))
	}
	for _, t := range table {
		row := dxVillageRow{VillageDX: t, HelpOnTime: "—", Link: "/office/chuyen-doi-so?" + dxQuery(year, t.Code)}
		if t.HelpDone > 0 {
			row.HelpOnTime = formatNumber(math.Round(float64(t.HelpDoneOnTime)/float64(t.HelpDone)*1000)/10) + "%"
		}
		page.Table = append(page.Table, row)
	}
	xq := url.Values{"unit": {u.Code}, "year": {strconv.Itoa(year)}, "format": {"xlsx"}}
	if village.ID != 0 {
		xq.Set("village", village.Code)
	}
	page.XLSX = "/api/v1/dx-indicators?" + xq.Encode()
	v := s.view(r, "Chỉ số chuyển đổi số")
	v.Area, v.Nav, v.Data = "office", "dx", page
	return s.views.render(w, http.StatusOK, "dx", v)
}

// dxDrillRow is a row behind a value, as the indicator's page lists it.
type dxDrillRow struct {
	Code, Link, Date, Detail, Count string
}

type dxTrendRow struct {
	Year         int
	Value, Basis string
	Link         string
}

type dxIndicatorPage struct {
	dxPage
	Indicator dxRow
	Chart     template.HTML
	Trend     []dxTrendRow
	Part      string // the part listed, its label
	Rows      []dxDrillRow
	Total     int
	Sum       string
	Pager     pager
}

// dxDetail names a row's detail in Vietnamese.
func dxDetail(indicator, detail string) string {
	switch indicator {
	case "online_dossier_rate", "assisted_dossier_share":
		if l := dossier.Channel(detail).Label(); l != "" {
			return l
		}
	case "qr_payment_share":
		if l := payment.Method(detail).Label(); l != "" {
			return l
		}
	case "help_on_time":
		if l := community.Status(detail).Label(); l != "" {
			return l
		}
	case "accounts_per_household":
		if detail == "citizen" {
			return "Tài khoản công dân"
		}
		return detail // the village's name
	case "app_installs_counted":
		if detail == "" {
			return "Không ghi thôn"
		}
		return detail
	}
	return "—"
}

// dxIndicatorPage is one indicator: its value, its trend year by year (a chart and a
// table) and, for a computed one, the rows behind its numerator or denominator
// (?phan=tu-so|mau-so), a page at a time.
func (s *Server) dxIndicatorPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.communityUnit(r)
	if err != nil {
		return err
	}
	def, ok := community.DefinitionOf(r.PathValue("id"))
	if !ok {
		return apperr.ErrNotFound
	}
	year, village, vs, err := s.dxScope(r, u.ID)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	trend, err := s.Community.Trend(ctx, p, u.ID, year, village.Code)
	if err != nil {
		return err
	}
	page := dxIndicatorPage{dxPage: dxPage{Unit: u, Year: year, Villages: vs, Village: village}}
	var pts []point
	limit := 0.0
	if def.Target != nil {
		limit = *def.Target
	}
	for _, y := range trend {
		for _, in := range y.Indicators {
			if in.ID != def.ID {
				continue
			}
			row := dxRowOf(in, y.Year)
			page.Trend = append(page.Trend, dxTrendRow{Year: y.Year, Value: row.Value, Basis: row.Basis, Link: "/office/chuyen-doi-so/" + def.ID + "?" + dxQuery(y.Year, village.Code)})
			pt := point{Label: strconv.Itoa(y.Year), Value: math.NaN()}
			if in.Value != nil {
				pt.Value = *in.Value
				limit = max(limit, *in.Value)
			}
			pts = append(pts, pt)
			if y.Year == year {
				page.Indicator = row
			}
		}
	}
	if def.Unit == "%" {
		limit = 100
	}
	if limit <= 0 {
		limit = 1
	}
	title := def.Name + ", từ năm " + strconv.Itoa(trend[0].Year) + " đến năm " + strconv.Itoa(year)
	if village.ID != 0 {
		title += ", " + village.Name
	}
	page.Chart = seriesChart("xu-huong", title, limit, def.Target, pts, formatNumber)
	for y := s.Community.Today().Year; y >= 2021 && y > s.Community.Today().Year-8; y-- {
		page.Years = append(page.Years, y)
	}
	// The rows behind a part (the first the value has, unless asked).
	parts := page.Indicator.Parts
	if len(page.Indicator.Indicator.Parts) > 0 {
		part := page.Indicator.Indicator.Parts[0]
		if r.URL.Query().Get("phan") == "mau-so" {
			for _, x := range page.Indicator.Indicator.Parts {
				if x == community.Denominator {
					part = x
				}
			}
		}
		for i, x := range page.Indicator.Indicator.Parts {
			parts[i].Current = x == part
		}
		limit, offset, err := httpx.Page(r)
		if err != nil {
			return err
		}
		limit = min(limit, community.MaxRows)
		rows, total, sum, err := s.Community.Rows(ctx, p, u.ID, year, village.Code, def.ID, part, limit, offset)
		if err != nil {
			return err
		}
		page.Part, page.Total, page.Sum, page.Pager = part.Label(), total, formatNumber(float64(sum)), newPager(r, limit, offset, total)
		for _, x := range rows {
			d := dxDrillRow{Code: x.Code, Detail: dxDetail(def.ID, x.Detail), Count: formatNumber(float64(x.Count))}
			if !x.At.IsZero() {
				d.Date = locale.Day(x.At)
			} else {
				d.Date = locale.Day(x.Day.Time())
			}
			switch def.ID {
			case "online_dossier_rate", "assisted_dossier_share":
				d.Link = "/office/dossiers/" + url.PathEscape(x.Code)
			case "help_on_time":
				d.Link = "/ho-tro/" + url.PathEscape(x.Code)
			}
			page.Rows = append(page.Rows, d)
		}
	}
	v := s.view(r, def.Name)
	v.Area, v.Nav, v.Data = "office", "dx", page
	return s.views.render(w, http.StatusOK, "dx_indicator", v)
}

// villageForm reads an editor's form about one of the unit's villages.
func (s *Server) villageForm(w http.ResponseWriter, r *http.Request) (community.Village, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return community.Village{}, errCommunityForm
	}
	u, err := s.communityUnit(r)
	if err != nil {
		return community.Village{}, err
	}
	return s.Community.Village(r.Context(), u.ID, r.PathValue("code"))
}

// villageRefused draws a refused edit on the villages' page, else returns err.
func (s *Server) villageRefused(w http.ResponseWriter, r *http.Request, v community.Village, err error) error {
	var fe *community.FieldError
	if errors.As(err, &fe) {
		var msgs []string
		for _, d := range fe.Details() {
			msgs = append(msgs, d.Message)
		}
		return s.renderVillages(w, r, http.StatusUnprocessableEntity, v.Name+": "+strings.Join(msgs, " "))
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind == apperr.Invalid {
		return s.renderVillages(w, r, http.StatusUnprocessableEntity, v.Name+": "+ae.Message)
	}
	if errors.As(err, &ae) && ae.Kind == apperr.Conflict {
		return s.renderVillages(w, r, http.StatusConflict, v.Name+": "+ae.Message)
	}
	return err
}

// addMember puts a user with the digital_team role (by login name) into the village's
// team.
func (s *Server) addMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := s.villageForm(w, r)
	if err != nil {
		return err
	}
	user, err := s.Store.UserByUsername(ctx, strings.TrimSpace(r.PostFormValue("username")))
	if err != nil {
		return s.villageRefused(w, r, v, community.ErrMember)
	}
	joined, _ := calendar.ParseDate(r.PostFormValue("joined"))
	if _, err := s.Community.AddMember(ctx, auth.PrincipalFrom(ctx), v.ID, user.ID, r.PostFormValue("phone"), joined); err != nil {
		return s.villageRefused(w, r, v, err)
	}
	s.sessions.Put(ctx, "flash", "Đã thêm "+user.FullName+" vào tổ công nghệ số "+v.Name+".")
	http.Redirect(w, r, "/office/thon", http.StatusSeeOther)
	return nil
}

// addCoverage records a dated coverage fact about the village.
func (s *Server) addCoverage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, err := s.villageForm(w, r)
	if err != nil {
		return err
	}
	asOf, _ := calendar.ParseDate(r.PostFormValue("as_of"))
	c := community.Coverage{VillageID: v.ID, Kind: community.CoverageKind(r.PostFormValue("kind")), Available: r.PostFormValue("available") == "1",
		AsOf: asOf, Source: r.PostFormValue("source")}
	if _, err := s.Community.AddCoverage(ctx, auth.PrincipalFrom(ctx), c); err != nil {
		return s.villageRefused(w, r, v, err)
	}
	s.sessions.Put(ctx, "flash", "Đã ghi hạ tầng của "+v.Name+".")
	http.Redirect(w, r, "/office/thon", http.StatusSeeOther)
	return nil
}

// villageMember is the member {id} of the village {code} (the editor's forms).
func (s *Server) villageMember(w http.ResponseWriter, r *http.Request) (community.Village, community.Member, error) {
	v, err := s.villageForm(w, r)
	if err != nil {
		return v, community.Member{}, err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return v, community.Member{}, community.ErrMember
	}
	ctx := r.Context()
	ms, err := s.Community.Members(ctx, auth.PrincipalFrom(ctx), v.UnitID, v.ID)
	if err != nil {
		return v, community.Member{}, err
	}
	for _, m := range ms {
		if m.ID == id {
			return v, m, nil
		}
	}
	return v, community.Member{}, community.ErrMember
}

// endMember ends a member's service in the village's team on the date given; their
// role in the unit goes when they serve no other village.
func (s *Server) endMember(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, m, err := s.villageMember(w, r)
	if err != nil {
		return s.villageRefused(w, r, v, err)
	}
	left, _ := calendar.ParseDate(r.PostFormValue("left"))
	_, revoked, err := s.Community.EndMember(ctx, auth.PrincipalFrom(ctx), v.UnitID, m.ID, left)
	if err != nil {
		return s.villageRefused(w, r, v, err)
	}
	msg := m.FullName + " đã thôi tham gia tổ công nghệ số " + v.Name + " từ ngày " + locale.Day(left.Time()) + "."
	if revoked {
		msg += " Vai trò tổ công nghệ số của người này tại xã đã được thu hồi."
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/office/thon", http.StatusSeeOther)
	return nil
}

// addTraining records a course a member of the village's team attended.
func (s *Server) addTraining(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	v, m, err := s.villageMember(w, r)
	if err != nil {
		return s.villageRefused(w, r, v, err)
	}
	held, _ := calendar.ParseDate(r.PostFormValue("held"))
	t := community.Training{MemberID: m.ID, Course: r.PostFormValue("course"), Held: held, Certificate: r.PostFormValue("certificate")}
	if _, err := s.Community.AddTraining(ctx, auth.PrincipalFrom(ctx), v.UnitID, t); err != nil {
		return s.villageRefused(w, r, v, err)
	}
	s.sessions.Put(ctx, "flash", "Đã ghi khóa tập huấn của "+m.FullName+".")
	http.Redirect(w, r, "/office/thon", http.StatusSeeOther)
	return nil
}
