package api

import (
	"bytes"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// The community (internal/community, docs/COMMUNITY.md): anyone lists a commune's
// villages; its officials and volunteers list the digital teams; a volunteer records
// their visits; anyone files a help request and follows it by code (its personal fields
// with the secret), the village's team and the officials move it, its filer closes or
// reopens it.
func communityRoutes(h handlers) []httpx.Route {
	if h.Community == nil {
		return nil
	}
	teamReaders := httpx.OnlyRoles(append([]auth.Role{auth.RoleDigitalTeam}, auth.OfficeRoles...)...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/villages", Access: httpx.Anyone, Handler: h.villages},
		{Pattern: "GET /api/v1/community/teams", Access: teamReaders, Handler: h.teams},
		{Pattern: "POST /api/v1/community/visits", Access: httpx.OnlyRoles(auth.RoleDigitalTeam), Handler: h.recordVisit},
		{Pattern: "GET /api/v1/community/visits", Access: httpx.OnlyRoles(auth.RoleDigitalTeam), Handler: h.myVisits},
		{Pattern: "POST /api/v1/help-requests", Access: httpx.Anyone, Handler: h.fileHelp},
		{Pattern: "GET /api/v1/help-requests", Access: teamReaders, Handler: h.listHelp},
		{Pattern: "GET /api/v1/help-requests/{code}", Access: httpx.Anyone, Handler: h.getHelp},
		{Pattern: "POST /api/v1/help-requests/{code}/actions/{action}", Access: httpx.Anyone, Handler: h.actHelp},
	}
}

// VillageDoc is a village as the API shows it: its latest count and coverage.
type VillageDoc struct {
	Code       string        `json:"code"`
	Name       string        `json:"name"`
	Kind       string        `json:"kind"`
	Leader     string        `json:"leader"`
	Households *int          `json:"households"`
	People     *int          `json:"people"`
	CountedOn  *string       `json:"counted_on"`
	Source     string        `json:"count_source"`
	Coverage   []CoverageDoc `json:"coverage"`
}

// CoverageDoc is a dated coverage fact.
type CoverageDoc struct {
	Kind      string `json:"kind"`
	Available bool   `json:"available"`
	AsOf      string `json:"as_of"`
	Source    string `json:"source"`
	ClusterID *int64 `json:"cluster_id,omitempty"`
}

func villageDoc(v community.Village) VillageDoc {
	d := VillageDoc{Code: v.Code, Name: v.Name, Kind: string(v.Kind), Leader: v.Leader, Coverage: []CoverageDoc{}}
	if v.Count.ID != 0 {
		hh, pp, on := v.Count.Households, v.Count.People, v.Count.AsOf.String()
		d.Households, d.People, d.CountedOn, d.Source = &hh, &pp, &on, v.Count.Source
	}
	for _, c := range v.Coverage {
		cd := CoverageDoc{Kind: string(c.Kind), Available: c.Available, AsOf: c.AsOf.String(), Source: c.Source}
		if c.ClusterID != 0 {
			id := c.ClusterID
			cd.ClusterID = &id
		}
		d.Coverage = append(d.Coverage, cd)
	}
	return d
}

// communityUnit is ?unit=CODE, the portal's unit without it.
func (h handlers) communityUnit(r *http.Request) (int64, error) {
	code := r.URL.Query().Get("unit")
	if strings.TrimSpace(code) == "" {
		return h.HomeUnitID, nil
	}
	u, err := h.Community.UnitByCode(r.Context(), code)
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

func (h handlers) villages(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	vs, err := h.Community.Villages(r.Context(), unitID)
	if err != nil {
		return err
	}
	items := make([]VillageDoc, len(vs))
	for i, v := range vs {
		items[i] = villageDoc(v)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[VillageDoc]{Items: items, Total: len(items)})
}

// TeamDoc is a village's digital team: its active members counted.
type TeamDoc struct {
	Village     string `json:"village"` // the village's code
	VillageName string `json:"village_name"`
	Members     int    `json:"members"`
}

func (h handlers) teams(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	ts, err := h.Community.Teams(r.Context(), auth.PrincipalFrom(r.Context()), unitID)
	if err != nil {
		return err
	}
	items := make([]TeamDoc, len(ts))
	for i, t := range ts {
		items[i] = TeamDoc{Village: t.Village.Code, VillageName: t.Village.Name, Members: t.Members}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[TeamDoc]{Items: items, Total: len(items)})
}

// VisitDoc is a volunteer's visit.
type VisitDoc struct {
	ID         int64         `json:"id"`
	VisitedOn  calendar.Date `json:"visited_on"`
	Households int           `json:"households"`
	Installs   int           `json:"installs"`
	Accounts   int           `json:"accounts"`
	Payments   int           `json:"payments"`
	Note       string        `json:"note"`
}

var errVisitDate = apperr.New(apperr.Invalid, "invalid_visit_date", "Ngày thăm viết theo dạng YYYY-MM-DD.")

func (h handlers) recordVisit(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		VisitedOn  string `json:"visited_on"`
		Households int    `json:"households"`
		Installs   int    `json:"installs"`
		Accounts   int    `json:"accounts"`
		Payments   int    `json:"payments"`
		Note       string `json:"note"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 16<<10); err != nil {
		return err
	}
	day := h.Community.Today()
	if raw.VisitedOn != "" {
		d, err := calendar.ParseDate(raw.VisitedOn)
		if err != nil {
			return errVisitDate
		}
		day = d
	}
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	v, err := h.Community.RecordVisit(r.Context(), auth.PrincipalFrom(r.Context()), community.VisitInput{Visited: day,
		Households: raw.Households, Installs: raw.Installs, Accounts: raw.Accounts, Payments: raw.Payments, Note: raw.Note, Key: key})
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if v.Replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	return httpx.WriteJSON(w, status, visitDoc(v))
}

func visitDoc(v community.Visit) VisitDoc {
	return VisitDoc{ID: v.ID, VisitedOn: v.Visited, Households: v.Households, Installs: v.Installs, Accounts: v.Accounts,
		Payments: v.Payments, Note: v.Note}
}

func (h handlers) myVisits(w http.ResponseWriter, r *http.Request) error {
	limit, _, err := httpx.Page(r)
	if err != nil {
		return err
	}
	vs, totals, err := h.Community.MyVisits(r.Context(), auth.PrincipalFrom(r.Context()), limit)
	if err != nil {
		return err
	}
	items := make([]VisitDoc, len(vs))
	for i, v := range vs {
		items[i] = visitDoc(v)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[VisitDoc]{Items: items, Total: totals.Visits})
}

// HelpDoc is a help request as the API shows it; the personal fields only to whoever
// may see them (the secret, the filer, the team, the officials).
type HelpDoc struct {
	Code        string         `json:"code"`
	Unit        string         `json:"unit,omitempty"`
	Village     string         `json:"village"` // the village's code
	VillageName string         `json:"village_name"`
	Topic       string         `json:"topic"`
	Status      string         `json:"status"`
	StatusLabel string         `json:"status_label"`
	FiledAt     time.Time      `json:"filed_at"`
	DueAt       time.Time      `json:"due_at"`
	Overdue     bool           `json:"overdue"`
	Version     int            `json:"version"`
	History     []HelpEventDoc `json:"history"`
	// Secret is given once, to the filer, in the answer to the filing.
	Secret      string `json:"secret,omitempty"`
	Phone       string `json:"phone,omitempty"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	Assignee    string `json:"assignee,omitempty"`
}

// HelpEventDoc is a step of a request's history.
type HelpEventDoc struct {
	Status string    `json:"status"`
	At     time.Time `json:"at"`
	Note   string    `json:"note,omitempty"`
}

func (h handlers) helpDoc(x community.HelpRequest, full bool) HelpDoc {
	d := HelpDoc{Code: x.Code, Village: x.VillageCode, VillageName: x.VillageName, Topic: string(x.Topic), Status: string(x.Status),
		StatusLabel: x.Status.Label(), FiledAt: x.FiledAt, DueAt: x.DueAt, Overdue: x.Overdue(h.Community.Clock()), Version: x.Version,
		History: []HelpEventDoc{}}
	for _, e := range x.Events {
		d.History = append(d.History, HelpEventDoc{Status: string(e.Status), At: e.At, Note: e.Note})
	}
	if full {
		d.Phone, d.Name, d.Description, d.Assignee = x.Phone, x.Name, x.Description, x.Assignee
	}
	return d
}

func (h handlers) fileHelp(w http.ResponseWriter, r *http.Request) error {
	client := httpx.ClientIP(r, h.TrustProxy)
	if !h.Lookups.Allow(client) {
		return community.ErrFlood
	}
	var raw struct {
		Unit        string `json:"unit"`
		Village     string `json:"village"`
		Phone       string `json:"phone"`
		Name        string `json:"name"`
		Topic       string `json:"topic"`
		Description string `json:"description"`
	}
	// 2,000 letters written as \u escapes take 12 KB.
	if err := httpx.DecodeJSON(w, r, &raw, 32<<10); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	x, secret, err := h.Community.FileHelp(r.Context(), community.Filer{P: p, Client: client}, community.Filing{Unit: raw.Unit,
		Village: raw.Village, Phone: raw.Phone, Name: raw.Name, Topic: raw.Topic, Description: raw.Description})
	if err != nil {
		return err
	}
	d := h.helpDoc(x, true)
	d.Unit, d.Secret = raw.Unit, secret
	return httpx.WriteJSON(w, http.StatusCreated, d)
}

func (h handlers) getHelp(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	x, full, err := h.Community.LookupHelp(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("code"), r.URL.Query().Get("secret"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.helpDoc(x, full))
}

var errHelpStatus = apperr.New(apperr.Invalid, "invalid_help_status", "Trạng thái lọc phải là received, assigned, in_progress, done, closed, reopened hoặc overdue.")

func (h handlers) listHelp(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := community.HelpQuery{UnitID: unitID, Limit: limit, Offset: offset}
	switch st := r.URL.Query().Get("status"); st {
	case "":
	case "overdue":
		q.OverdueAt = h.Community.Clock()
	default:
		if community.Status(st).Label() == "" {
			return errHelpStatus
		}
		q.Statuses = []community.Status{community.Status(st)}
	}
	xs, total, err := h.Community.HelpList(r.Context(), auth.PrincipalFrom(r.Context()), q)
	if err != nil {
		return err
	}
	items := make([]HelpDoc, len(xs))
	for i, x := range xs {
		items[i] = h.helpDoc(x, true)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[HelpDoc]{Items: items, Total: total})
}

func (h handlers) actHelp(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	var raw struct {
		Secret  string `json:"secret"`
		Version int    `json:"version"`
		Note    string `json:"note"`
	}
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &raw, 16<<10); err != nil {
			return err
		}
	}
	p := auth.PrincipalFrom(r.Context())
	x, err := h.Community.Act(r.Context(), p, r.PathValue("code"), raw.Secret, community.Action(r.PathValue("action")), raw.Version, raw.Note)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, h.helpDoc(x, true))
}

// dxRoutes: the digital-transformation indicators for the unit's officials (the
// commune's or a village's, the rows behind each computed value, the values year by
// year, the workbook); the leader and the administrator enter the manual values; the
// citizen app reports its first run (anyone).
func dxRoutes(h handlers) []httpx.Route {
	if h.Community == nil {
		return nil
	}
	officials := httpx.OnlyRoles(auth.OfficeRoles...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/dx-indicators", Access: officials, Handler: h.dxIndicators},
		{Pattern: "POST /api/v1/dx-indicators/values", Access: httpx.OnlyRoles(community.Editors...), Handler: h.dxValue},
		{Pattern: "GET /api/v1/dx-indicators/villages", Access: officials, Handler: h.dxVillages},
		{Pattern: "GET /api/v1/dx-indicators/{id}/rows", Access: officials, Handler: h.dxRows},
		{Pattern: "GET /api/v1/dx-indicators/{id}/trend", Access: officials, Handler: h.dxTrend},
		{Pattern: "POST /api/v1/app/installs", Access: httpx.Anyone, Handler: h.appInstall},
	}
}

// IndicatorDoc is an indicator's value for a unit (or one of its villages) and year.
type IndicatorDoc struct {
	ID      string   `json:"id"`
	Version int      `json:"version"`
	Name    string   `json:"name"`
	Value   *float64 `json:"value"`
	Unit    string   `json:"unit"`
	Source  string   `json:"source"` // computed or manual
	Target  *float64 `json:"target"`
	Formula string   `json:"formula"`
	// Evidence and AsOf: where a manual value comes from; Numerator and Denominator:
	// the rows behind a computed one (those that can be counted), Parts: which of them
	// GET /api/v1/dx-indicators/{id}/rows lists.
	Evidence    string   `json:"evidence,omitempty"`
	AsOf        string   `json:"as_of,omitempty"`
	Numerator   *float64 `json:"numerator,omitempty"`
	Denominator *float64 `json:"denominator,omitempty"`
	Parts       []string `json:"parts,omitempty"`
	// Village: the village's code when the value is a village's; Unattributed: why it
	// cannot be given for the village (value null).
	Village      string `json:"village,omitempty"`
	Unattributed string `json:"unattributed,omitempty"`
}

func indicatorDoc(in community.Indicator) IndicatorDoc {
	d := IndicatorDoc{ID: in.ID, Version: in.Version, Name: in.Name, Value: in.Value, Unit: in.Unit, Source: string(in.Origin),
		Target: in.Target, Formula: in.Formula, Evidence: in.Source, Village: in.Village, Unattributed: in.Unattributed}
	if !in.AsOf.IsZero() {
		d.AsOf = in.AsOf.String()
	}
	for _, p := range in.Parts {
		d.Parts = append(d.Parts, string(p))
		if p == community.Numerator {
			n := in.Numerator
			d.Numerator = &n
		} else {
			n := in.Denominator
			d.Denominator = &n
		}
	}
	return d
}

var (
	errDXYear   = apperr.New(apperr.Invalid, "invalid_year", "Năm phải từ 2000 đến 2100.")
	errDXFormat = apperr.New(apperr.Invalid, "invalid_format", "Tham số format phải là json hoặc xlsx.")
	errDXPage   = apperr.New(apperr.Invalid, "invalid_page", "limit phải từ 1 đến 200, offset không âm.")
)

// dxYear is ?year=YYYY, this year without it.
func (h handlers) dxYear(r *http.Request) (int, error) {
	y := r.URL.Query().Get("year")
	if y == "" {
		return h.Community.Today().Year, nil
	}
	year, err := strconv.Atoi(y)
	if len(y) != 4 || err != nil {
		return 0, errDXYear
	}
	return year, nil
}

func (h handlers) dxIndicators(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	year, err := h.dxYear(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	format := q.Get("format")
	if format != "" && format != "json" && format != "xlsx" {
		return errDXFormat
	}
	p := auth.PrincipalFrom(r.Context())
	var ins []community.Indicator
	villageName := ""
	if village := q.Get("village"); village != "" {
		v, vins, err := h.Community.VillageIndicators(r.Context(), p, unitID, year, village)
		if err != nil {
			return err
		}
		ins, villageName = vins, v.Name
	} else if ins, err = h.Community.Indicators(r.Context(), p, unitID, year); err != nil {
		return err
	}
	if format == "xlsx" {
		u, err := h.Store.UnitByID(r.Context(), unitID)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := community.WriteXLSX(&buf, u.Name, year, villageName, ins); err != nil {
			return err
		}
		name := "chi-so-chuyen-doi-so-" + u.Code + "-" + strconv.Itoa(year)
		if len(ins) > 0 && ins[0].Village != "" {
			name += "-" + ins[0].Village
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+name+`.xlsx"`)
		_, err = w.Write(buf.Bytes())
		return err
	}
	items := make([]IndicatorDoc, len(ins))
	for i, in := range ins {
		items[i] = indicatorDoc(in)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[IndicatorDoc]{Items: items, Total: len(items)})
}

// DXVillageDoc is what a year's rows say about one village.
type DXVillageDoc struct {
	Code           string   `json:"code"`
	Name           string   `json:"name"`
	Households     int      `json:"households"`
	Assisted       int      `json:"assisted_dossiers"`
	HelpDone       int      `json:"help_done"`
	HelpOnTime     int      `json:"help_done_on_time"`
	HelpOnTimeRate *float64 `json:"help_on_time"`
	Installs       int      `json:"app_installs_counted"`
	Visited        int      `json:"households_visited"`
	InstallsHelped int      `json:"installs_helped"`
	AccountsOpened int      `json:"accounts_opened"`
}

func (h handlers) dxVillages(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	year, err := h.dxYear(r)
	if err != nil {
		return err
	}
	vs, err := h.Community.VillageTable(r.Context(), auth.PrincipalFrom(r.Context()), unitID, year)
	if err != nil {
		return err
	}
	items := make([]DXVillageDoc, len(vs))
	for i, v := range vs {
		items[i] = DXVillageDoc{Code: v.Code, Name: v.Name, Households: v.Households, Assisted: v.Assisted, HelpDone: v.HelpDone,
			HelpOnTime: v.HelpDoneOnTime, Installs: v.Installs, Visited: v.Visited, InstallsHelped: v.InstallsHelped, AccountsOpened: v.Opened}
		if v.HelpDone > 0 {
			rate := math.Round(float64(v.HelpDoneOnTime)/float64(v.HelpDone)*100*100) / 100
			items[i].HelpOnTimeRate = &rate
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[DXVillageDoc]{Items: items, Total: len(items)})
}

// DXRowDoc is one row behind an indicator: a dossier (code, received, channel), a help
// request (code, filed, status), a payment (reference, paid, method), a citizen account
// (number, opened), an install (its hash's first 12 digits, first seen, village), or a
// village's households count (code, date, name, households).
type DXRowDoc struct {
	Code   string     `json:"code"`
	At     *time.Time `json:"at,omitempty"`
	Date   string     `json:"date,omitempty"`
	Detail string     `json:"detail"`
	Count  int        `json:"count"`
}

// DXRows is a page of rows; Sum adds their counts over every page (the part's value).
type DXRows struct {
	Items []DXRowDoc `json:"items"`
	Total int        `json:"total"`
	Sum   int        `json:"sum"`
}

func (h handlers) dxRows(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	year, err := h.dxYear(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	limit, offset := 50, 0
	if l := q.Get("limit"); l != "" {
		if limit, err = strconv.Atoi(l); err != nil || limit < 1 || limit > community.MaxRows {
			return errDXPage
		}
	}
	if o := q.Get("offset"); o != "" {
		if offset, err = strconv.Atoi(o); err != nil || offset < 0 || offset > 1<<30 {
			return errDXPage
		}
	}
	part := community.Part(q.Get("part"))
	if part == "" {
		part = community.Numerator
	}
	rows, total, sum, err := h.Community.Rows(r.Context(), auth.PrincipalFrom(r.Context()), unitID, year, q.Get("village"), r.PathValue("id"),
		part, limit, offset)
	if err != nil {
		return err
	}
	out := DXRows{Items: make([]DXRowDoc, len(rows)), Total: total, Sum: sum}
	for i, x := range rows {
		d := DXRowDoc{Code: x.Code, Detail: x.Detail, Count: x.Count}
		if !x.At.IsZero() {
			at := x.At.UTC()
			d.At = &at
		}
		if !x.Day.IsZero() {
			d.Date = x.Day.String()
		}
		out.Items[i] = d
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// DXTrendDoc is an indicator's value in one year.
type DXTrendDoc struct {
	Year   int      `json:"year"`
	Value  *float64 `json:"value"`
	Target *float64 `json:"target"`
}

func (h handlers) dxTrend(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.communityUnit(r)
	if err != nil {
		return err
	}
	year, err := h.dxYear(r)
	if err != nil {
		return err
	}
	id := r.PathValue("id")
	if _, ok := community.DefinitionOf(id); !ok {
		return community.ErrDXIndicator
	}
	trend, err := h.Community.Trend(r.Context(), auth.PrincipalFrom(r.Context()), unitID, year, r.URL.Query().Get("village"))
	if err != nil {
		return err
	}
	var items []DXTrendDoc
	for _, y := range trend {
		for _, in := range y.Indicators {
			if in.ID == id {
				items = append(items, DXTrendDoc{Year: y.Year, Value: in.Value, Target: in.Target})
			}
		}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[DXTrendDoc]{Items: items, Total: len(items)})
}

// appInstall counts the citizen app's first run: {"install_id","unit"?,"village"?} →
// 201 when new, 200 when the id was already counted.
func (h handlers) appInstall(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow("install|" + httpx.ClientIP(r, h.TrustProxy)) {
		return community.ErrInstallFlood
	}
	var raw struct {
		InstallID string `json:"install_id"`
		Unit      string `json:"unit"`
		Village   string `json:"village"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 2<<10); err != nil {
		return err
	}
	created, err := h.Community.CountInstall(r.Context(), community.InstallReport{ID: raw.InstallID, Unit: raw.Unit, Village: raw.Village},
		h.HomeUnitID)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	return httpx.WriteJSON(w, status, map[string]bool{"counted": true, "new": created})
}

var errDXDate = apperr.New(apperr.Invalid, "invalid_date", "Ngày của số liệu viết theo dạng YYYY-MM-DD.")

func (h handlers) dxValue(w http.ResponseWriter, r *http.Request) error {
	var raw struct {
		Unit      string  `json:"unit"`
		Indicator string  `json:"indicator"`
		Year      int     `json:"year"`
		Value     float64 `json:"value"`
		Source    string  `json:"source"`
		AsOf      string  `json:"as_of"`
	}
	if err := httpx.DecodeJSON(w, r, &raw, 8<<10); err != nil {
		return err
	}
	u, err := h.Community.UnitByCode(r.Context(), raw.Unit)
	if err != nil {
		return err
	}
	var asOf calendar.Date
	if raw.AsOf != "" {
		if asOf, err = calendar.ParseDate(raw.AsOf); err != nil {
			return errDXDate
		}
	}
	if err := h.Community.SetManual(r.Context(), auth.PrincipalFrom(r.Context()), community.DXValue{UnitID: u.ID, Indicator: raw.Indicator,
		Year: raw.Year, Value: raw.Value, Source: raw.Source, AsOf: asOf}); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
