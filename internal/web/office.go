package web

import (
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The office pages of the one-stop shop: the inbox by urgency, counter intake, and a
// dossier with its history and one form per action the officer may take.

var (
	errUnknownAction = apperr.New(apperr.NotFound, "unknown_action", "Không có thao tác này.")
	errNewDue        = apperr.New(apperr.Invalid, "invalid_new_due_at", "Ngày giờ hẹn trả mới không hợp lệ; chọn ngày và giờ, ví dụ 10/03/2026 09:00.")
	errNoProcedure   = apperr.New(apperr.Invalid, "procedure_required", "Vui lòng chọn thủ tục hành chính.")
)

type unitRoles struct {
	UnitName string
	Roles    []auth.Role
}

// inboxRow is one dossier of the inbox.
type inboxRow struct {
	Code, Procedure, Applicant, Step, When string
	Extended, Mine                         bool
}

type inboxGroup struct {
	ID, Title, WhenHeader string
	Rows                  []inboxRow
}

type officeView struct {
	Roles      []unitRoles
	CanReceive bool
	Inbox      bool
	Groups     []inboxGroup
	Total      int
	Shown      int
	Status     string
	Statuses   []option
	Code       string // typed in "open a dossier by its code"
	CodeError  string
}

// inboxStatuses are the statuses of dossiers still to work on.
var inboxStatuses = []dossier.Status{dossier.StatusSubmitted, dossier.StatusReceived, dossier.StatusProcessing,
	dossier.StatusSupplementRequested, dossier.StatusResolved}

// inboxLimit bounds the inbox; a commune has a few dozen open dossiers.
const inboxLimit = 300

// inboxScope is the unit whose inbox p sees: every unit for the system administrator,
// else the first unit where p is an official.
func inboxScope(p *auth.Principal) (int64, bool) {
	if p.IsSystemAdmin() {
		return 0, true
	}
	for _, m := range p.Memberships {
		if slices.Contains(auth.OfficeRoles, m.Role) {
			return m.UnitID, true
		}
	}
	return 0, false
}

// receiveRoles may open counter intake (the route's rule; dossier.New still lets only
// the receiving unit's counter officers, and the system administrator, receive).
var receiveRoles = []auth.Role{auth.RoleCounter, auth.RoleSystemAdmin}

func (s *Server) office(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	data := officeView{CanReceive: p.HasRole(receiveRoles...)}
	status := http.StatusOK
	// "Open a dossier by its code": a citizen at the desk reads it from the receipt.
	if q := r.URL.Query(); q.Has("code") {
		data.Code = normalizeCode(q.Get("code"))
		d, err := s.Store.DossierByCode(ctx, data.Code)
		switch {
		case err == nil && d.HandledBy(p):
			http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code), http.StatusSeeOther)
			return nil
		case err == nil || errors.Is(err, dossier.ErrNotFound):
			data.CodeError, status = "Không có hồ sơ mang mã này trong đơn vị của bạn. Kiểm tra lại mã trên giấy tiếp nhận.", http.StatusNotFound
		default:
			return err
		}
	}
	for _, m := range p.Memberships {
		if n := len(data.Roles); n > 0 && data.Roles[n-1].UnitName == m.UnitName {
			data.Roles[n-1].Roles = append(data.Roles[n-1].Roles, m.Role)
			continue
		}
		data.Roles = append(data.Roles, unitRoles{UnitName: m.UnitName, Roles: []auth.Role{m.Role}})
	}
	if unitID, ok := inboxScope(p); ok {
		data.Inbox = true
		data.Statuses = []option{{"", "Tất cả hồ sơ đang xử lý"}}
		for _, st := range inboxStatuses {
			data.Statuses = append(data.Statuses, option{string(st), st.Label()})
		}
		// Dossiers not yet received have no appointment and sort last: they are asked for
		// on their own, so that a long inbox cannot push them off the page.
		queries := [][]dossier.Status{{dossier.StatusReceived, dossier.StatusProcessing, dossier.StatusSupplementRequested,
			dossier.StatusResolved}, {dossier.StatusSubmitted}}
		if st, ok := dossier.ParseStatus(r.URL.Query().Get("status")); ok && slices.Contains(inboxStatuses, st) {
			queries, data.Status = [][]dossier.Status{{st}}, string(st)
		}
		var ds []dossier.Dossier
		for _, sts := range queries {
			part, total, err := s.Store.Dossiers(ctx, store.DossierQuery{UnitID: unitID, Statuses: sts, Limit: inboxLimit})
			if err != nil {
				return err
			}
			ds, data.Total = append(ds, part...), data.Total+total
		}
		data.Shown = len(ds)
		var err error
		if data.Groups, err = s.inbox(r, p, ds); err != nil {
			return err
		}
	}
	v := s.view(r, "Trang làm việc")
	v.Area, v.Nav, v.Data = "office", "office", data
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "office", v)
}

// inbox sorts dossiers into the groups an officer works through, most urgent first.
func (s *Server) inbox(r *http.Request, p *auth.Principal, ds []dossier.Dossier) ([]inboxGroup, error) {
	ctx := r.Context()
	groups := []inboxGroup{
		{ID: "giao-cho-toi", Title: "Giao cho tôi", WhenHeader: "Hạn trả"},
		{ID: "qua-han", Title: "Quá hạn", WhenHeader: "Hạn trả"},
		{ID: "den-han", Title: "Đến hạn hôm nay", WhenHeader: "Hạn trả"},
		{ID: "sap-den-han", Title: "Sắp đến hạn (2 ngày làm việc)", WhenHeader: "Hạn trả"},
		{ID: "con-han", Title: "Còn hạn", WhenHeader: "Hạn trả"},
		{ID: "cho-tiep-nhan", Title: "Chờ tiếp nhận", WhenHeader: "Nộp lúc"},
		{ID: "cho-bo-sung", Title: "Chờ bổ sung", WhenHeader: "Hạn trả (tạm dừng)"},
		{ID: "cho-tra", Title: "Có kết quả, chờ trả", WhenHeader: "Hạn trả"},
	}
	procs := map[int64]catalog.Procedure{}
	cals := map[int64]*calendar.Calendar{}
	now := time.Now()
	// Dossiers assigned to p by name, or to an official p acts for today, come first.
	mine := map[int64]bool{p.UserID: true}
	gs, err := s.Store.DelegationsTo(ctx, p.UserID, calendar.DateOf(now))
	if err != nil {
		return nil, err
	}
	for _, g := range gs {
		mine[g.AbsentID] = true
	}
	for _, d := range ds {
		proc, ok := procs[d.ProcedureID]
		if !ok {
			var err error
			if proc, err = s.Store.ProcedureVersion(ctx, d.ProcedureID); err != nil {
				return nil, err
			}
			procs[d.ProcedureID] = proc
		}
		row := inboxRow{Code: d.Code, Procedure: d.ProcedureName, Applicant: d.Applicant.FullName}
		if steps := proc.Workflow.Steps; d.Status == dossier.StatusSubmitted {
			row.Step = "Kiểm tra hồ sơ trực tuyến"
			row.Mine = p.Can(d.ReceivingUnitID, auth.RoleCounter) && !p.IsSystemAdmin()
		} else if d.Step < len(steps) {
			row.Step = steps[d.Step].Name
			unitID := d.CompetentUnitID
			if steps[d.Step].Role == auth.RoleCounter {
				unitID = d.ReceivingUnitID
			}
			row.Mine = p.Can(unitID, steps[d.Step].Role) && !p.IsSystemAdmin()
		}
		due := d.DueAt
		if !d.ExtendedDueAt.IsZero() {
			due, row.Extended = d.ExtendedDueAt, true
		}
		row.When = shortTime(due)
		var g int
		switch {
		case d.Status == dossier.StatusSubmitted:
			g, row.When = 5, shortTime(d.SubmittedAt)
		case d.Status == dossier.StatusSupplementRequested:
			g = 6
		case d.Status == dossier.StatusResolved:
			g = 7
		case due.Before(now):
			g = 1
		case calendar.DateOf(due) == calendar.DateOf(now):
			g = 2
		default:
			cal, ok := cals[d.CompetentUnitID]
			if !ok {
				var err error
				if cal, err = s.Calendars.For(ctx, d.CompetentUnitID); err != nil {
					return nil, err
				}
				cals[d.CompetentUnitID] = cal
			}
			g = 4
			if n, err := cal.WorkingDaysBetween(now, due); err == nil && n <= 2 {
				g = 3
			}
		}
		if d.AssignedTo != 0 {
			// An assigned step is its assignee's (or their delegate's), not the role's.
			row.Mine = mine[d.AssignedTo]
			if row.Mine {
				g = 0
			}
		}
		groups[g].Rows = append(groups[g].Rows, row)
	}
	return groups, nil
}

// officeDossier loads the dossier of the path for an official of its units; others get
// 404, which does not reveal that the code exists.
func (s *Server) officeDossier(r *http.Request) (dossier.Dossier, dossier.Actor, error) {
	p := auth.PrincipalFrom(r.Context())
	d, err := s.Store.DossierByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return d, dossier.Actor{}, err
	}
	if !d.HandledBy(p) {
		return d, dossier.Actor{}, dossier.ErrNotFound
	}
	a, err := s.Dossiers.ActorFor(r.Context(), d, p)
	return d, a, err
}

type answer struct{ Label, Value string }

type historyRow struct {
	At, Actor, Action, From, To, Step, Note string
	t                                       time.Time
}

// actionForm is one action the officer may take, as a button (and a reason).
type actionForm struct {
	Action             dossier.Action
	Label, ReasonLabel string
	Reason, Extend     bool
	Danger             bool
	Typed, TypedDue    string // what the officer typed before an error
	Error              string
	Open               bool
	// An extension's cap (the latest new appointment without the leader's approval)
	// and whether this officer is a leader, who may approve a later one.
	Cap               string
	Approve, Approved bool
}

// failedAttempt keeps what an officer typed for an action that is no longer offered
// (someone else moved the dossier meanwhile), so that nothing typed is lost.
type failedAttempt struct {
	Label, Reason, Error string
}

type dossierView struct {
	D                                  dossier.Dossier
	Channel, Step, Timeliness          string
	Receiving, Competent               string
	Submitted, Received, Due, Extended string
	Resolved, Ended, Paused            string
	Answers                            []answer
	History                            []historyRow
	Buttons, ReasonActions             []actionForm
	Failed                             *failedAttempt
	Steps                              int
	Forms                              []printLink
	Files                              []fileRow
	FileError                          string // the last upload's error
	Payments                           paymentView
	Fees                               *feeDesk  // nil: the officer can do nothing with the fees
	Sign                               *signView // nil: the officer has nothing to sign here
	// Paperwork: the papers received at intake, the register line, the letters issued.
	Paperwork dossier.Paperwork
	// SignSteps is the result's guided sequence (nil: the workflow signs nothing).
	SignSteps *signSteps
	// Assigned names the officer the current step is assigned to ("": its role's);
	// Assign is the form to (re)assign it (nil: this officer may not).
	Assigned string
	Assign   *assignForm
	// OwnerLink joins a counter dossier to the citizen's account (nil: not offered).
	OwnerLink *ownerLinkForm
	// Sent is the messages sent to the applicant about the dossier (docs/NOTIFY.md).
	Sent []sentMessage
}

// printLink is a one-stop form the dossier can print (served by the API from
// internal/printing).
type printLink struct{ Number, Title string }

var formTitles = map[string]string{
	"01": "Giấy tiếp nhận hồ sơ và hẹn trả kết quả",
	"02": "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ",
	"03": "Phiếu từ chối tiếp nhận giải quyết hồ sơ",
	"04": "Văn bản xin lỗi và hẹn lại ngày trả kết quả",
	"05": "Thông báo dừng giải quyết hồ sơ",
	"06": "Phiếu kiểm soát quá trình giải quyết hồ sơ",
}

// printable lists the forms that record something that happened to d (the conditions
// of printing.Form, checked here without drawing the forms).
func printable(d dossier.Dossier, evs []dossier.Event) []printLink {
	happened := map[dossier.Action]bool{}
	for _, e := range evs {
		happened[e.Action] = true
	}
	var out []printLink
	for _, f := range []struct {
		number string
		ok     bool
	}{
		{"01", !d.ReceivedAt.IsZero()},
		{"02", happened[dossier.ActRequestSupplement]},
		{"03", d.Status == dossier.StatusRefused},
		{"04", happened[dossier.ActExtend] && !d.ExtendedDueAt.IsZero()},
		{"05", d.Status == dossier.StatusStopped},
		{"06", !d.ReceivedAt.IsZero()},
	} {
		if f.ok {
			out = append(out, printLink{f.number, formTitles[f.number]})
		}
	}
	return out
}

var reasonLabels = map[dossier.Action]string{
	dossier.ActSendBack:          "Lý do trả lại bước trước",
	dossier.ActRequestSupplement: "Nội dung cần bổ sung, hoàn thiện (ghi đủ mọi giấy tờ còn thiếu)",
	dossier.ActRefuse:            "Lý do từ chối",
	dossier.ActExtend:            "Lý do chậm trễ (ghi trong văn bản xin lỗi)",
	dossier.ActStop:              "Lý do dừng giải quyết",
	dossier.ActWithdraw:          "Lý do rút hồ sơ (theo đề nghị của người nộp)",
}

// needs asks the state machine what an action needs besides the button: a written
// reason (it answers ErrReason without one) and a new date (ErrExtendDate without one).
// Asking keeps the page right when the machine's rules change.
func needs(d dossier.Dossier, rules dossier.Rules, a dossier.Actor, act dossier.Action, now time.Time) (reason, date bool) {
	c := d
	_, err := c.Apply(rules, dossier.Request{Action: act, Actor: a, Now: now})
	reason = errors.Is(err, dossier.ErrReason)
	c = d
	_, err = c.Apply(rules, dossier.Request{Action: act, Actor: a, Reason: "x", Now: now})
	date = errors.Is(err, dossier.ErrExtendDate)
	return reason, date
}

// attempt is an action just tried, with what was typed and what went wrong.
type attempt struct {
	action         dossier.Action
	reason, newDue string
	approveLonger  bool // an extension past the cap, approved by the leader
	err            string
	upload         bool // an attachment, not an action
	sign           bool // a signature of the result
	fee            *feeAttempt
}

func (s *Server) dossierData(r *http.Request, d dossier.Dossier, a dossier.Actor, last *attempt) (dossierView, error) {
	ctx := r.Context()
	rules, err := s.Dossiers.Rules(ctx, d)
	if err != nil {
		return dossierView{}, err
	}
	evs, err := s.Store.DossierEvents(ctx, d.ID)
	if err != nil {
		return dossierView{}, err
	}
	names := map[int64]string{}
	for _, id := range []int64{d.ReceivingUnitID, d.CompetentUnitID} {
		if _, ok := names[id]; ok {
			continue
		}
		u, err := s.Store.UnitByID(ctx, id)
		if err != nil {
			return dossierView{}, err
		}
		names[id] = u.Name
	}
	steps := rules.Procedure.Workflow.Steps
	stepName := func(i int) string {
		if i >= 0 && i < len(steps) {
			return fmt.Sprintf("%d. %s", i+1, steps[i].Name)
		}
		return ""
	}
	v := dossierView{D: d, Channel: d.Channel.Label(), Timeliness: d.Timeliness.Label(), Steps: len(steps),
		Receiving: names[d.ReceivingUnitID], Competent: names[d.CompetentUnitID],
		Submitted: appointment(d.SubmittedAt), Received: appointment(d.ReceivedAt), Due: appointment(d.DueAt),
		Extended: appointment(d.ExtendedDueAt), Resolved: appointment(d.ResolvedAt), Ended: appointment(d.EndedAt)}
	if d.Status != dossier.StatusSubmitted && !d.Status.Final() {
		v.Step = stepName(d.Step)
		if d.Step < len(steps) {
			v.Step += " (" + steps[d.Step].Role.Label() + ")"
		}
	}
	v.Forms = printable(d, evs)
	if v.Paperwork, err = s.Store.DossierPaperwork(ctx, d.ID); err != nil {
		return dossierView{}, err
	}
	if v.Files, err = s.fileRows(ctx, d); err != nil {
		return dossierView{}, err
	}
	if last != nil && last.upload {
		v.FileError = last.err
	}
	if v.Sign, err = s.signForm(ctx, d, v.Files, v.Forms, last); err != nil {
		return dossierView{}, err
	}
	v.SignSteps = guideSigning(d, rules, v.Files)
	if d.PausedMinutes > 0 {
		v.Paused = fmt.Sprintf("%d giờ %02d phút làm việc", d.PausedMinutes/60, d.PausedMinutes%60)
	}
	known := map[string]bool{}
	for _, f := range rules.Procedure.Form {
		known[f.Name] = true
		if val := d.Fields[f.Name]; val != "" {
			if t, err := time.Parse(time.DateOnly, val); err == nil && f.Type == catalog.FieldDate {
				val = t.Format("02/01/2006")
			}
			v.Answers = append(v.Answers, answer{f.Label, val})
		}
	}
	var extra []string
	for k := range d.Fields {
		if !known[k] {
			extra = append(extra, k)
		}
	}
	slices.Sort(extra)
	for _, k := range extra {
		v.Answers = append(v.Answers, answer{k, d.Fields[k]})
	}
	for _, e := range evs {
		h := historyRow{At: shortTime(e.At), Actor: e.ActorName, Action: actionLabel(e.Action), To: e.ToStatus.Label(), Note: e.Note, t: e.At}
		if e.FromStatus != "" {
			h.From = e.FromStatus.Label()
		}
		if e.FromStep != e.ToStep {
			h.Step = stepName(e.FromStep) + " → " + stepName(e.ToStep)
		} else if e.ToStatus != dossier.StatusSubmitted && !e.ToStatus.Final() {
			h.Step = stepName(e.ToStep)
		}
		v.History = append(v.History, h)
	}
	offered := false
	now := time.Now()
	for _, act := range d.Allowed(rules, a, now) {
		reason, date := needs(d, rules, a, act, now)
		f := actionForm{Action: act, Label: act.Label(), Reason: reason, Extend: date, Danger: dangerous[act], ReasonLabel: reasonLabels[act]}
		if f.ReasonLabel == "" {
			f.ReasonLabel = "Lý do"
		}
		if act == dossier.ActExtend {
			limit, err := dossier.ExtensionCap(rules, d.DueAt)
			if err != nil {
				return v, err
			}
			f.Cap, f.Approve = appointment(limit), a.P.Can(d.CompetentUnitID, auth.RoleLeader)
		}
		if last != nil && last.action == act {
			f.Typed, f.TypedDue, f.Error, f.Open, offered = last.reason, last.newDue, last.err, true, true
			f.Approved = last.approveLonger
		}
		if f.Reason || f.Extend {
			v.ReasonActions = append(v.ReasonActions, f)
		} else {
			v.Buttons = append(v.Buttons, f)
		}
	}
	if err := s.signingHistory(ctx, d, v.Files, &v.History); err != nil {
		return v, err
	}
	if err := s.assignView(r, d, rules, a, last, &v); err != nil {
		return v, err
	}
	if last != nil && last.action == dossier.ActAssign {
		offered = true // drawn in the assignment form
	}
	if last != nil && !offered && strings.TrimSpace(last.reason) != "" {
		v.Failed = &failedAttempt{Label: last.action.Label(), Reason: last.reason, Error: last.err}
	}
	if v.Payments, err = s.paymentSummary(r.Context(), d); err != nil {
		return v, err
	}
	var fa *feeAttempt
	if last != nil {
		fa = last.fee
	}
	if v.Fees, err = s.feeDesk(r.Context(), d, a, fa); err != nil {
		return v, err
	}
	v.OwnerLink = s.ownerLink(r.Context(), auth.PrincipalFrom(r.Context()), d.Code, d.OwnerID, d.ReceivingUnitID, d.CompetentUnitID)
	if v.Sent, err = s.sentMessages(r, d.Code); err != nil {
		return v, err
	}
	return v, nil
}

func (s *Server) renderDossier(w http.ResponseWriter, r *http.Request, status int, d dossier.Dossier, a dossier.Actor, last *attempt) error {
	data, err := s.dossierData(r, d, a, last)
	if err != nil {
		return err
	}
	v := s.view(r, "Hồ sơ "+d.Code)
	v.Area, v.Nav, v.Data = "office", "office", data
	if last != nil {
		v.Error = last.err
	} else {
		v.Flash = s.sessions.PopString(r.Context(), "flash")
	}
	return s.views.render(w, status, "dossier", v)
}

func (s *Server) dossierPage(w http.ResponseWriter, r *http.Request) error {
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	return s.renderDossier(w, r, http.StatusOK, d, a, nil)
}

// parseNewDue reads a datetime-local value in Vietnam time.
func parseNewDue(v string) (time.Time, error) {
	for _, layout := range []string{"2006-01-02T15:04", "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, locale.Zone); err == nil {
			return t, nil
		}
	}
	return time.Time{}, errNewDue
}

// dossierAction applies one action from the dossier page. The form carries the version
// of the dossier the officer saw: if someone acted meanwhile, the officer is told
// (dossier.ErrStale) instead of acting on a dossier they have not seen.
func (s *Server) dossierAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	action, ok := dossier.ParseAction(r.PathValue("action"))
	if !ok {
		return errUnknownAction
	}
	d, a, err := s.officeDossier(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	last := &attempt{action: action, reason: r.PostFormValue("reason"), newDue: r.PostFormValue("new_due"),
		approveLonger: r.PostFormValue("approve_longer") != ""}
	req := dossier.Request{Action: action, Actor: a, Reason: last.reason, ApproveLonger: last.approveLonger}
	if v := r.PostFormValue("version"); v != "" && v != strconv.Itoa(d.Version) {
		err = dossier.ErrStale
	}
	if err == nil && (action == dossier.ActExtend || last.newDue != "") {
		req.NewDue, err = parseNewDue(last.newDue)
	}
	if err == nil {
		d, err = s.Dossiers.Act(ctx, d.Code, req)
	}
	if err != nil {
		e := apperr.From(err)
		if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict {
			return err
		}
		last.err = e.Message
		if d, err = s.Store.DossierByCode(ctx, r.PathValue("code")); err != nil {
			return err
		}
		return s.renderDossier(w, r, e.Kind.HTTPStatus(), d, a, last)
	}
	msg := fmt.Sprintf("Đã thực hiện “%s” với hồ sơ %s. Trạng thái: %s.", action.Label(), d.Code, d.Status.Label())
	switch action {
	case dossier.ActExtend:
		msg += " Hẹn trả mới: " + appointment(d.ExtendedDueAt) + "."
	case dossier.ActReceive:
		msg += " Hẹn trả: " + appointment(d.DueAt) + "."
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code), http.StatusSeeOther)
	return nil
}

// counterUnit is where counter intake files: ?unit=CODE, else the officer's counter
// unit, else the administered unit, else the home unit.
func (s *Server) counterUnit(r *http.Request, p *auth.Principal) (unit.Unit, error) {
	ctx := r.Context()
	if code := r.URL.Query().Get("unit"); code != "" {
		return s.Store.UnitByCode(ctx, code)
	}
	for _, m := range p.Memberships {
		if m.Role == auth.RoleCounter {
			return s.Store.UnitByID(ctx, m.UnitID)
		}
	}
	if scope := p.AdminScope(); scope > 0 {
		return s.Store.UnitByID(ctx, scope)
	}
	return s.Store.UnitByID(ctx, s.HomeUnitID)
}

type procOption struct {
	Code, Name string
}

type procGroup struct {
	Field string
	Items []procOption
}

type receiveView struct {
	Unit       unit.Unit
	Procedures []procGroup
	Picker     procedurePicker
	UnitQuery  string // "&unit=CODE" for the picker's form, or ""
	UnitCode   string
	Code       string
	Form       *intakeForm
	NotCounter bool // the viewer holds no counter role here and cannot file
	// Ticket is the queue ticket (số thứ tự) the officer serves, recorded on the dossier.
	Ticket string
}

// errNotCounter explains to an administrator why intake is refused: dossier.New lets
// only the receiving unit's counter officers receive.
var errNotCounter = apperr.New(apperr.Conflict, "not_counter_officer",
	"Chỉ cán bộ một cửa của đơn vị mới tiếp nhận được hồ sơ. Tài khoản của bạn không có vai trò này tại đơn vị.")

var receiveChannels = []dossier.Channel{dossier.ChannelCounter, dossier.ChannelPost}

// renderReceive draws the counter intake page; at maps the positions of the papers
// sent to the procedure's papers, for their errors.
func (s *Server) renderReceive(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, sp *store.StoredProcedure,
	vals formValues, channel dossier.Channel, errs map[string]string, at []int, key, msg string) error {
	ps, _, err := s.Store.Procedures(r.Context(), u.ID, store.ProcedureQuery{Limit: 500})
	if err != nil {
		return err
	}
	data := receiveView{Unit: u, NotCounter: !auth.PrincipalFrom(r.Context()).Can(u.ID, auth.RoleCounter), UnitCode: r.URL.Query().Get("unit"), Ticket: r.FormValue("ticket")}
	if data.Picker, err = s.pick(r, u, r.URL.Query().Get("q"), ps); err != nil {
		return err
	}
	for _, p := range ps {
		if n := len(data.Procedures); n == 0 || data.Procedures[n-1].Field != p.Field.Name {
			data.Procedures = append(data.Procedures, procGroup{Field: p.Field.Name})
		}
		g := &data.Procedures[len(data.Procedures)-1]
		g.Items = append(g.Items, procOption{p.Code, p.Name})
	}
	if sp != nil {
		data.Code = sp.Code
		f := &intakeForm{Procedure: *sp, Action: "/office/receive" + unitQuery(r), Key: key, Channel: channel, Channels: receiveChannels,
			UnitName: u.Name, Desk: u.Desk()}
		var posted formValues
		if len(vals) > 0 {
			posted = vals
		}
		f.Checks = paperChecks(sp.Procedure, posted)
		errs = maps.Clone(errs)
		paperLinks := paperErrors(errs, at, f.Checks)
		fee, feeLinks := buildFee(sp.Procedure, vals, errs)
		f.Applicant, f.Fields, _, f.Errors = buildForm(sp.Procedure, vals, false, nil, errs)
		f.Errors = append(f.Errors, paperLinks...)
		f.Fee, f.Errors = fee, append(f.Errors, feeLinks...)
		if len(f.Errors) == 0 && len(f.Applicant) > 0 {
			f.Applicant[0].Autofocus = true
		}
		data.Form = f
	}
	v := s.view(r, "Tiếp nhận hồ sơ")
	v.Area, v.Nav, v.Data, v.Error = "office", "receive", data, msg
	return s.views.render(w, status, "receive", v)
}

func (s *Server) receiveForm(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	u, err := s.counterUnit(r, p)
	if err != nil {
		return err
	}
	var sp *store.StoredProcedure
	if code := r.URL.Query().Get("procedure"); code != "" {
		found, err := s.Store.PublishedProcedure(r.Context(), u.ID, code)
		if err != nil {
			return err
		}
		sp = &found
	}
	return s.renderReceive(w, r, http.StatusOK, u, sp, formValues{}, dossier.ChannelCounter, nil, nil, newKey(), "")
}

func (s *Server) receive(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	u, err := s.counterUnit(r, p)
	if err != nil {
		return err
	}
	sp, err := s.Store.PublishedProcedure(ctx, u.ID, r.PostFormValue("procedure"))
	if errors.Is(err, store.ErrProcedureNotFound) {
		return s.renderReceive(w, r, http.StatusUnprocessableEntity, u, nil, nil, dossier.ChannelCounter, nil, nil, "", errNoProcedure.Message)
	}
	if err != nil {
		return err
	}
	channel := dossier.Channel(r.PostFormValue("channel"))
	if !slices.Contains(receiveChannels, channel) {
		channel = dossier.ChannelCounter
	}
	v := readValues(r, sp.Procedure, false)
	papers, at := readPapers(r, sp.Procedure, v)
	v.readFee(r)
	key := r.PostFormValue("key")
	if !p.Can(u.ID, auth.RoleCounter) {
		return s.renderReceive(w, r, http.StatusConflict, u, &sp, v, channel, nil, at, key, errNotCounter.Message)
	}
	in := dossier.Intake{Channel: channel, Applicant: v.applicant(), Fields: v.fields(), ReceivingUnitID: u.ID, Papers: papers}
	if number := r.PostFormValue("ticket"); number != "" {
		t, err := s.Queue.ServedBy(ctx, p, u.ID, number)
		if err != nil {
			return s.renderReceive(w, r, apperr.KindOf(err).HTTPStatus(), u, &sp, v, channel, nil, at, key, apperr.From(err).Message)
		}
		in.QueueTicket = t.Number
	}
	fee, feeErrs := v.feeTerms()
	if feeErrs != nil {
		return s.renderReceive(w, r, http.StatusUnprocessableEntity, u, &sp, v, channel, feeErrs, at, key, "")
	}
	in.Fee = fee
	d, _, err := s.Dossiers.File(ctx, sp.Code, in, dossier.Actor{P: p}, idempotency(r, p, v.hash(sp.Code, string(channel), u.Code)))
	if errs, ok := fieldErrors(err); ok {
		return s.renderReceive(w, r, http.StatusUnprocessableEntity, u, &sp, v, channel, errs, at, key, "")
	}
	if errors.Is(err, dossier.ErrIdempotency) {
		return s.renderReceive(w, r, http.StatusConflict, u, &sp, v, channel, nil, at, newKey(), errKeyReused.Message)
	}
	if err != nil {
		return err
	}
	msg := "Đã tiếp nhận hồ sơ " + d.Code + " — hẹn trả " + appointment(d.DueAt) + "."
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/office/dossiers/"+url.PathEscape(d.Code), http.StatusSeeOther)
	return nil
}
