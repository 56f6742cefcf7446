package api

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
)

// CreateDossier is the body of POST /api/v1/dossiers.
type CreateDossier struct {
	ProcedureCode string            `json:"procedure_code"`
	Channel       dossier.Channel   `json:"channel"`
	Applicant     dossier.Applicant `json:"applicant"`
	Fields        map[string]string `json:"fields"`
	Unit          string            `json:"unit,omitempty"`           // receiving unit code
	CompetentUnit string            `json:"competent_unit,omitempty"` // when another unit decides
	// Consent was a free-text note of how the citizen agreed; it is ignored: an assisted
	// filing rests on the consent the citizen records on their account (Owner).
	Consent string `json:"consent,omitempty"`
	// Owner is, for an assisted filing, the username of the citizen it is filed for, who
	// must have consented to the calling volunteer (required).
	Owner string `json:"owner,omitempty"`
	// NationalCode is the dossier's code on the national portal, required for the channel
	// national_portal: forwarding the same code again answers with the same dossier.
	NationalCode string `json:"national_code,omitempty"`
	// Papers are the papers received (form 01 lists them): each a paper of the
	// procedure by its catalog name, its form (original, copy, certified_copy) and a
	// count from 1 to 100. Optional; a wrong list is 422 invalid_papers.
	Papers []dossier.Paper `json:"papers,omitempty"`
	// Copies is the number of copies asked for (1–100; absent: one), which multiplies a
	// fee charged per copy; a procedure whose form asks "copies" takes the answer instead.
	Copies int `json:"copies,omitempty"`
	// FeeExemption, at the counter only, records that the dossier pays no fee, with its
	// legal ground, instead of the payment request its filing would make.
	FeeExemption *FeeExemption `json:"fee_exemption,omitempty"`
}

// FeeExemption is an exemption from the fees of a dossier filed at the counter.
type FeeExemption struct {
	Ground string `json:"ground"`
}

// Created is the answer to a new dossier.
type Created struct {
	Code       string         `json:"code"`
	Secret     string         `json:"secret"`
	Status     dossier.Status `json:"status"`
	ReceivedAt *string        `json:"received_at"`
	DueAt      *string        `json:"due_at"`
	LookupURL  string         `json:"lookup_url"`
}

func rfc3339(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.In(locale.Zone).Format(time.RFC3339)
	return &s
}

var (
	errIdemKey  = apperr.New(apperr.Invalid, "invalid_idempotency_key", "Idempotency-Key tối đa 100 ký tự chữ, số, gạch ngang, gạch dưới.")
	errUnitCode = apperr.New(apperr.Invalid, "unit_required", "Cần mã đơn vị tiếp nhận (unit).")
)

func readBody(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, error) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		return nil, httpx.ErrBodyTooBig
	}
	return b, nil
}

// idempotencyKey reads a creating request's Idempotency-Key header ("" when absent).
func idempotencyKey(r *http.Request) (string, error) {
	key := r.Header.Get("Idempotency-Key")
	if len(key) > 100 || strings.ContainsFunc(key, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	}) {
		return "", errIdemKey
	}
	return key, nil
}

func (h handlers) createDossier(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	key, err := idempotencyKey(r)
	if err != nil {
		return err
	}
	var in CreateDossier
	if err := httpx.DecodeJSON(w, r, &in, 256<<10); err != nil {
		return err
	}
	receiving, err := h.receivingUnit(r, p, in.Unit)
	if err != nil {
		return err
	}
	intake := dossier.Intake{Channel: in.Channel, Applicant: in.Applicant, Fields: in.Fields, ReceivingUnitID: receiving,
		NationalCode: strings.TrimSpace(in.NationalCode), Papers: in.Papers, Fee: dossier.FeeTerms{Copies: in.Copies}}
	if in.FeeExemption != nil {
		intake.Fee.Exempt, intake.Fee.ExemptionGround = true, in.FeeExemption.Ground
	}
	if in.CompetentUnit != "" {
		cu, err := h.Store.UnitByCode(ctx, in.CompetentUnit)
		if err != nil {
			return err
		}
		intake.CompetentUnitID = cu.ID
	}
	switch {
	case in.Channel == dossier.ChannelAssisted && in.Owner != "":
		owner, err := h.Store.UserByUsername(ctx, strings.ToLower(strings.TrimSpace(in.Owner)))
		switch {
		case apperr.KindOf(err) == apperr.NotFound:
			// As for a citizen who has not consented: a volunteer learns nothing about
			// which usernames exist.
			return &dossier.FieldError{Fields: map[string]string{"owner": consent.ErrRequired.Message}, Code: consent.ErrRequired}
		case err != nil:
			return err
		}
		intake.OwnerID = owner.ID
	case in.Channel == dossier.ChannelOnline:
		// Whoever files online owns the dossier, officials filing for themselves included
		// (the portal's rule too).
		intake.OwnerID = p.UserID
	}
	// The idempotency hash covers what was asked, so a retry matches byte for byte only
	// in meaning: re-encode the decoded body rather than hash the raw bytes.
	idem := dossier.Idempotency{Principal: "user:" + strconv.FormatInt(p.UserID, 10), Key: key}
	if key != "" {
		idem.BodyHash = hashOf(in)
	}
	if in.Channel == dossier.ChannelNationalPortal && intake.NationalCode != "" {
		// The portal forwards again when it did not hear back: its code is the key, for
		// whichever connector token sends it.
		idem = dossier.Idempotency{Principal: "national_portal", Key: intake.NationalCode, BodyHash: hashOf(in)}
	}
	d, replayed, err := h.Dossiers.File(ctx, in.ProcedureCode, intake, dossier.Actor{P: p}, idem)
	if err != nil {
		return err
	}
	status := http.StatusCreated
	if replayed {
		status = http.StatusOK
		w.Header().Set("Idempotent-Replayed", "true")
	}
	w.Header().Set("Location", "/api/v1/dossiers/"+d.Code)
	return httpx.WriteJSON(w, status, Created{Code: d.Code, Secret: d.Secret, Status: d.Status, ReceivedAt: rfc3339(d.ReceivedAt),
		DueAt: rfc3339(d.DueAt), LookupURL: "/tra-cuu/" + d.Code + "?secret=" + d.Secret})
}

// receivingUnit is where a dossier is filed: the given unit, else the officer's own unit
// for their role, else the home unit (citizens online).
func (h handlers) receivingUnit(r *http.Request, p *auth.Principal, code string) (int64, error) {
	if code != "" {
		u, err := h.Store.UnitByCode(r.Context(), code)
		return u.ID, err
	}
	for _, m := range p.Memberships {
		if m.Role == auth.RoleCounter || m.Role == auth.RoleDigitalTeam {
			return m.UnitID, nil
		}
	}
	if h.HomeUnitID == 0 {
		return 0, errUnitCode
	}
	return h.HomeUnitID, nil
}

func hashOf(in CreateDossier) string {
	var b strings.Builder
	b.WriteString(in.ProcedureCode + "\x00" + string(in.Channel) + "\x00" + in.Unit + "\x00" + in.CompetentUnit + "\x00" + in.Consent + "\x00" + in.Owner)
	a := in.Applicant
	b.WriteString("\x00" + a.FullName + "\x00" + a.IDNumber + "\x00" + a.Phone + "\x00" + a.Email + "\x00" + a.Address)
	keys := make([]string, 0, len(in.Fields))
	for k := range in.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString("\x00" + k + "=" + in.Fields[k])
	}
	for _, p := range in.Papers {
		b.WriteString("\x00paper\x00" + p.Name + "\x00" + string(p.Form) + "\x00" + strconv.Itoa(p.Count))
	}
	sum := sha256.Sum256([]byte(b.String()))
	return hex.EncodeToString(sum[:])
}

// HistoryEntry is one event of a dossier.
type HistoryEntry struct {
	At         string         `json:"at"`
	Actor      string         `json:"actor"`
	Action     string         `json:"action"`
	FromStatus dossier.Status `json:"from_status,omitempty"`
	ToStatus   dossier.Status `json:"to_status"`
	FromStep   int            `json:"from_step"`
	ToStep     int            `json:"to_step"`
	Note       string         `json:"note,omitempty"`
}

// StepView is the workflow step a dossier is at.
type StepView struct {
	Index int    `json:"index"`
	Name  string `json:"name"`
	Role  string `json:"role"`
}

// Dossier is the full view of a dossier for its officials and its owner.
type Dossier struct {
	Code             string            `json:"code"`
	Status           dossier.Status    `json:"status"`
	StatusLabel      string            `json:"status_label"`
	Channel          dossier.Channel   `json:"channel"`
	NationalCode     string            `json:"national_code,omitempty"`
	ProcedureCode    string            `json:"procedure_code"`
	ProcedureName    string            `json:"procedure_name"`
	ProcedureVersion int               `json:"procedure_version"`
	ReceivingUnit    string            `json:"receiving_unit"`
	CompetentUnit    string            `json:"competent_unit"`
	Applicant        dossier.Applicant `json:"applicant"`
	Fields           map[string]string `json:"fields"`
	Step             StepView          `json:"step"`
	// AssignedTo is the officer the current step is assigned to by name (absent: the
	// step belongs to its role).
	AssignedTo     *Assignee          `json:"assigned_to,omitempty"`
	SubmittedAt    *string            `json:"submitted_at"`
	ReceivedAt     *string            `json:"received_at"`
	DueAt          *string            `json:"due_at"`
	ExtendedDueAt  *string            `json:"extended_due_at"`
	ResolvedAt     *string            `json:"resolved_at"`
	EndedAt        *string            `json:"ended_at"`
	Timeliness     dossier.Timeliness `json:"timeliness,omitempty"`
	Supplements    int                `json:"supplements"`
	PausedMinutes  int64              `json:"paused_minutes"`
	Reason         string             `json:"reason,omitempty"`
	AllowedActions []dossier.Action   `json:"allowed_actions"`
	History        []HistoryEntry     `json:"history"`
	// Papers are the papers received at intake (empty when none were recorded).
	Papers []dossier.Paper `json:"papers"`
	// Register is the dossier's line in the receiving unit's register of the year
	// (form 07), once received.
	Register *RegisterLine `json:"register,omitempty"`
	// Letters are the official letters issued about it (form 04), with their number.
	Letters []LetterView `json:"letters"`
}

// RegisterLine is a line of the register of dossiers: the year's book and the line.
type RegisterLine struct {
	Book int   `json:"book"`
	Line int64 `json:"line"`
}

// LetterView is a letter issued about a dossier, numbered in the outgoing register.
type LetterView struct {
	Form           string `json:"form"`
	Number         int64  `json:"number"`
	NumberNotation string `json:"number_notation"`
	IssuedAt       string `json:"issued_at"`
}

// load finds a dossier the caller may see; others get 404, which does not reveal that a
// code exists.
func (h handlers) load(r *http.Request) (dossier.Dossier, dossier.Actor, error) {
	p := auth.PrincipalFrom(r.Context())
	d, err := h.Store.DossierByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return d, dossier.Actor{}, err
	}
	a, err := h.Dossiers.ActorFor(r.Context(), d, p)
	return d, a, err
}

func (h handlers) view(r *http.Request, d dossier.Dossier, a dossier.Actor) (Dossier, error) {
	ctx := r.Context()
	rules, err := h.Dossiers.Rules(ctx, d)
	if err != nil {
		return Dossier{}, err
	}
	evs, err := h.Store.DossierEvents(ctx, d.ID)
	if err != nil {
		return Dossier{}, err
	}
	units := map[int64]string{}
	for _, id := range []int64{d.ReceivingUnitID, d.CompetentUnitID} {
		u, err := h.Store.UnitByID(ctx, id)
		if err != nil {
			return Dossier{}, err
		}
		units[id] = u.Code
	}
	v := Dossier{Code: d.Code, Status: d.Status, StatusLabel: d.Status.Label(), Channel: d.Channel, NationalCode: d.NationalCode, ProcedureCode: d.ProcedureCode,
		ProcedureName: d.ProcedureName, ProcedureVersion: d.ProcedureVersion, ReceivingUnit: units[d.ReceivingUnitID],
		CompetentUnit: units[d.CompetentUnitID], Applicant: d.Applicant, Fields: d.Fields, SubmittedAt: rfc3339(d.SubmittedAt),
		ReceivedAt: rfc3339(d.ReceivedAt), DueAt: rfc3339(d.DueAt), ExtendedDueAt: rfc3339(d.ExtendedDueAt),
		ResolvedAt: rfc3339(d.ResolvedAt), EndedAt: rfc3339(d.EndedAt), Timeliness: d.Timeliness, Supplements: d.Supplements,
		PausedMinutes: d.PausedMinutes, Reason: d.Reason, AllowedActions: d.Allowed(rules, a, time.Now()), History: []HistoryEntry{}}
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if v.AllowedActions == nil {
		v.AllowedActions = []dossier.Action{}
	}
	if steps := rules.Procedure.Workflow.Steps; d.Step < len(steps) {
		v.Step = StepView{Index: d.Step, Name: steps[d.Step].Name, Role: string(steps[d.Step].Role)}
	}
	if d.AssignedTo != 0 {
		u, err := h.Store.UserByID(ctx, d.AssignedTo)
		if err != nil {
			return Dossier{}, err
		}
		name := u.FullName
		if name == "" {
			name = u.Username
		}
		v.AssignedTo = &Assignee{UserID: u.ID, Name: name}
	}
	for _, e := range evs {
		v.History = append(v.History, HistoryEntry{At: *rfc3339(e.At), Actor: e.ActorName, Action: string(e.Action),
			FromStatus: e.FromStatus, ToStatus: e.ToStatus, FromStep: e.FromStep, ToStep: e.ToStep, Note: e.Note})
	}
	pw, err := h.Store.DossierPaperwork(ctx, d.ID)
	if err != nil {
		return Dossier{}, err
	}
	v.Papers, v.Letters = pw.Papers, []LetterView{}
	if v.Papers == nil {
		v.Papers = []dossier.Paper{}
	}
	if pw.RegisterLine > 0 {
		v.Register = &RegisterLine{Book: pw.RegisterYear, Line: pw.RegisterLine}
	}
	for _, l := range pw.Letters {
		v.Letters = append(v.Letters, LetterView{Form: l.Form, Number: l.Number, NumberNotation: l.Notation, IssuedAt: *rfc3339(l.IssuedAt)})
	}
	return v, nil
}

func (h handlers) getDossier(w http.ResponseWriter, r *http.Request) error {
	d, a, err := h.load(r)
	if err != nil {
		return err
	}
	v, err := h.view(r, d, a)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, v)
}

// ActionBody is the body of POST /api/v1/dossiers/{code}/actions/{action}.
type ActionBody struct {
	Reason   string `json:"reason,omitempty"`
	NewDueAt string `json:"new_due_at,omitempty"` // extend: RFC 3339
	// ApproveLonger (extend, a leader only): the leader approves a new appointment past
	// the cap, the procedure's legal time once more.
	ApproveLonger bool `json:"approve_longer,omitempty"`
}

var (
	errUnknownAction = apperr.New(apperr.NotFound, "unknown_action", "Không có thao tác này.")
	errNewDue        = apperr.New(apperr.Invalid, "invalid_new_due_at", "new_due_at phải theo RFC 3339, ví dụ 2026-03-10T09:00:00+07:00.")
)

func (h handlers) act(w http.ResponseWriter, r *http.Request) error {
	action, ok := dossier.ParseAction(r.PathValue("action"))
	if !ok {
		return errUnknownAction
	}
	d, a, err := h.load(r)
	if err != nil {
		return err
	}
	var body ActionBody
	if r.ContentLength != 0 {
		if err := httpx.DecodeJSON(w, r, &body, 16<<10); err != nil {
			return err
		}
	}
	req := dossier.Request{Action: action, Actor: a, Reason: body.Reason, ApproveLonger: body.ApproveLonger}
	if body.NewDueAt != "" {
		t, err := time.Parse(time.RFC3339, body.NewDueAt)
		if err != nil {
			return errNewDue
		}
		req.NewDue = t
	}
	d, err = h.Dossiers.Act(r.Context(), d.Code, req)
	if err != nil {
		return err
	}
	v, err := h.view(r, d, a)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, v)
}

// DossierItem is a dossier in a list (an inbox).
type DossierItem struct {
	Code          string             `json:"code"`
	Status        dossier.Status     `json:"status"`
	ProcedureCode string             `json:"procedure_code"`
	ProcedureName string             `json:"procedure_name"`
	Applicant     string             `json:"applicant"`
	Channel       dossier.Channel    `json:"channel"`
	NationalCode  string             `json:"national_code,omitempty"`
	Step          int                `json:"step"`
	ReceivedAt    *string            `json:"received_at"`
	DueAt         *string            `json:"due_at"`
	Timeliness    dossier.Timeliness `json:"timeliness,omitempty"`
}

var errStatus = apperr.New(apperr.Invalid, "invalid_status", "status không hợp lệ; dùng các giá trị submitted, received, processing, supplement_requested, resolved, returned, refused, stopped, withdrawn, cách nhau bằng dấu phẩy.")

// SearchList is a page of a dossier search: Next is the cursor of the following page
// (pass it as after), absent at the end; total counts every match up to 10,000
// (total_capped then says there are more).
type SearchList struct {
	Items       []DossierItem `json:"items"`
	Total       int           `json:"total"`
	TotalCapped bool          `json:"total_capped,omitempty"`
	Next        string        `json:"next,omitempty"`
}

// searchParams are the parameters that make a list a search (newest first, keyset pages).
var searchParams = []string{"q", "from", "to", "channel", "procedure", "after"}

// searchDossiers answers a list with search parameters: dossier.Service.Search decides
// what the caller may see.
func (h handlers) searchDossiers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	q, err := dossier.ParseSearch(r.URL.Query())
	if err != nil {
		return err
	}
	if code := r.URL.Query().Get("unit"); code != "" {
		u, err := h.Store.UnitByCode(ctx, code)
		if err != nil {
			return err
		}
		q.UnitID = u.ID
	}
	page, err := h.Dossiers.Search(ctx, auth.PrincipalFrom(ctx), q)
	if err != nil {
		return err
	}
	out := SearchList{Items: make([]DossierItem, 0, len(page.Items)), Total: page.Total, TotalCapped: page.Capped, Next: page.Next}
	for _, d := range page.Items {
		out.Items = append(out.Items, dossierItem(d))
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func dossierItem(d dossier.Dossier) DossierItem {
	return DossierItem{Code: d.Code, Status: d.Status, ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName,
		Applicant: d.Applicant.FullName, Channel: d.Channel, NationalCode: d.NationalCode, Step: d.Step, ReceivedAt: rfc3339(d.ReceivedAt), DueAt: rfc3339(d.DueAt),
		Timeliness: d.Timeliness}
}

func (h handlers) listDossiers(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	for _, name := range searchParams {
		if r.URL.Query().Has(name) {
			return h.searchDossiers(w, r)
		}
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := store.DossierQuery{Limit: limit, Offset: offset, NationalCode: strings.TrimSpace(r.URL.Query().Get("national_code"))}
	if s := r.URL.Query().Get("status"); s != "" {
		for _, part := range strings.Split(s, ",") {
			st, ok := dossier.ParseStatus(part)
			if !ok {
				return errStatus
			}
			q.Statuses = append(q.Statuses, st)
		}
	}
	switch code := r.URL.Query().Get("unit"); {
	case code != "":
		u, err := h.Store.UnitByCode(ctx, code)
		if err != nil {
			return err
		}
		if !p.Can(u.ID, auth.OfficeRoles...) {
			return apperr.ErrForbidden
		}
		q.UnitID = u.ID
	case p.HasRole(auth.OfficeRoles...):
		if p.IsSystemAdmin() {
			break
		}
		for _, m := range p.Memberships {
			if slices.Contains(auth.OfficeRoles, m.Role) {
				q.UnitID = m.UnitID
				break
			}
		}
	case p.HasRole(auth.RoleDigitalTeam):
		// A volunteer sees the dossiers they filed for citizens whose consent stands
		// (dossier.Service.Access's rule, as a query).
		q.AssistedBy = p.UserID
	default:
		q.OwnerID = p.UserID // a citizen sees their own dossiers
	}
	ds, total, err := h.Store.Dossiers(ctx, q)
	if err != nil {
		return err
	}
	items := make([]DossierItem, 0, len(ds))
	for _, d := range ds {
		items = append(items, dossierItem(d))
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

// Lookup is what anyone with the code sees; with the secret also who applied.
type Lookup struct {
	Code          string         `json:"code"`
	ProcedureName string         `json:"procedure_name"`
	Status        dossier.Status `json:"status"`
	StatusLabel   string         `json:"status_label"`
	ReceivedAt    *string        `json:"received_at"`
	DueAt         *string        `json:"due_at"`
	ExtendedDueAt *string        `json:"extended_due_at,omitempty"`
	Applicant     string         `json:"applicant,omitempty"`
	Reason        string         `json:"reason,omitempty"`
}

var errLookupLimit = apperr.New(apperr.TooManyRequests, "lookup_rate_limited", "Bạn tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")

func (h handlers) lookup(w http.ResponseWriter, r *http.Request) error {
	if !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errLookupLimit
	}
	d, err := h.Store.DossierByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	v := Lookup{Code: d.Code, ProcedureName: d.ProcedureName, Status: d.Status, StatusLabel: d.Status.Label(),
		ReceivedAt: rfc3339(d.ReceivedAt), DueAt: rfc3339(d.DueAt), ExtendedDueAt: rfc3339(d.ExtendedDueAt)}
	if secret := r.URL.Query().Get("secret"); secret != "" && secretMatches(secret, d.Secret) {
		v.Applicant, v.Reason = d.Applicant.FullName, d.Reason
	}
	return httpx.WriteJSON(w, http.StatusOK, v)
}

// secretMatches compares a typed secret with the stored one in constant time, ignoring
// case: citizens type it from paper.
func secretMatches(typed, stored string) bool {
	return subtle.ConstantTimeCompare([]byte(strings.ToUpper(strings.TrimSpace(typed))), []byte(stored)) == 1
}
