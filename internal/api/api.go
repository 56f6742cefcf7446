// Package api is xaso's JSON API under /api/v1: snake_case fields, lists as
// {"items": […], "total": N} with limit/offset, errors as application/problem+json with a
// stable code. Its OpenAPI document is served at /api/v1/openapi.json.
package api

import (
	_ "embed"
	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/notify"
	"log/slog"
	"net/http"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/telehealth"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// Deps is what the API needs.
type Deps struct {
	Store     *store.Store
	Calendars *workcal.Service
	Dossiers  *dossier.Service
	// Payments runs the fee payments (their rules, their receipts and signers).
	Payments *payment.Service
	// Certifications keeps the certification register (nil: one over Store).
	Certifications *certify.Service
	// Exchange receives edXML messages pushed to the unit (nil: refused as unavailable).
	Exchange *exchange.Service
	// UnlockPassphrase opens an official's signing key under the per-user throttle of
	// passphrases (auth.Service.UnlockPassphrase; nil: signing from the API is refused);
	// TSAURL timestamps the signatures made here ("" none).
	UnlockPassphrase func(userID int64, open func() error) error
	TSAURL           string
	// Accounts runs the administrators' changes of users' accounts.
	Accounts *account.Service
	// Citizens opens citizens' own accounts (nil: no routes for them).
	Citizens *citizen.Service
	// HomeUnitID is the unit the portal serves by default: its catalog, where citizens
	// file.
	HomeUnitID int64
	// Lookups limits public look-ups per client address.
	Lookups    *ratelimit.Limiter
	TrustProxy bool
	// BaseURL is the public address printed in QR codes ("" : the request's host).
	BaseURL string
	// Log receives the bank webhook's refusals and outcomes (nil: slog.Default()).
	Log *slog.Logger
	// Files adds and serves the dossiers' attachments, for the pages too.
	Files *dossierfile.Service
	// FileLimit is the largest attachment accepted, in bytes (0: attach.DefaultLimit).
	FileLimit int64
	// Feedback runs citizens' feedback and the satisfaction survey.
	Feedback *feedback.Service
	// Queue runs the service centre's floor; Kiosks limits its tickets per kiosk and
	// address, the same limiter as the kiosk's page.
	Queue  *queue.Service
	Kiosks *ratelimit.Limiter
	// Documents runs the official documents' registers.
	Documents *document.Service
	// Broadcast runs the loudspeakers (nil: no routes for them).
	Broadcast *broadcast.Service
	// Announcements runs the announcements (nil: no routes for them).
	Announcements *announce.Service
	// Notify runs the notifications' webhooks, push subscriptions and templates (nil:
	// no routes for them).
	Notify *notify.Service
	// Community runs the villages, digital teams and help requests (nil: no routes).
	Community *community.Service
	// Products runs the commune's products and batches (nil: no routes).
	Products *product.Service
	// QRForms runs the QR forms and their answers (nil: no routes).
	QRForms *qrform.Service
	// Telehealth runs the health station's slots and bookings (nil: no routes).
	Telehealth *telehealth.Service
}

type handlers struct{ Deps }

// Routes returns the API's route table.
func Routes(d Deps) []httpx.Route {
	if d.Certifications == nil {
		d.Certifications = &certify.Service{Store: d.Store}
		if d.Dossiers != nil {
			d.Certifications.Now = d.Dossiers.Now
		}
	}
	h := handlers{d}
	routes := []httpx.Route{
		{Pattern: "GET /api/v1/openapi.json", Access: httpx.Anyone, Handler: serveOpenAPI},
		{Pattern: "GET /api/v1/me", Access: httpx.LoggedIn, Handler: h.me},
		{Pattern: "GET /api/v1/me/overview", Access: httpx.LoggedIn, Handler: h.overview},
		{Pattern: "GET /api/v1/units", Access: httpx.Anyone, Handler: h.units},
		{Pattern: "GET /api/v1/users", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.users},
		{Pattern: "GET /api/v1/audit", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.audit},
		{Pattern: "GET /api/v1/calendar/{year}", Access: httpx.Anyone, Handler: h.calendarYear},
		{Pattern: "GET /api/v1/calendar/decisions", Access: httpx.Anyone, Handler: h.decisions},
		{Pattern: "POST /api/v1/calendar/decisions", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.createDecision},
		{Pattern: "DELETE /api/v1/calendar/decisions/{id}", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.deleteDecision},
		{Pattern: "PUT /api/v1/calendar/office-hours", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.setOfficeHours},
		{Pattern: "GET /api/v1/calendar/moves", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.moves},
		{Pattern: "POST /api/v1/calendar/moves", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.moves},
		{Pattern: "GET /api/v1/procedures", Access: httpx.Anyone, Handler: h.procedures},
		{Pattern: "GET /api/v1/procedures/{code}", Access: httpx.Anyone, Handler: h.procedure},
		{Pattern: "POST /api/v1/procedures", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.saveDraft},
		{Pattern: "PUT /api/v1/procedures/{code}", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.saveDraft},
		{Pattern: "POST /api/v1/procedures/{code}/publish", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.publish},
		{Pattern: "GET /api/v1/catalog/export", Access: httpx.Anyone, Handler: h.exportCatalog},
		{Pattern: "POST /api/v1/catalog/import", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.importCatalog},
		{Pattern: "POST /api/v1/dossiers", Access: httpx.LoggedIn, Handler: h.createDossier},
		{Pattern: "GET /api/v1/dossiers", Access: httpx.LoggedIn, Handler: h.listDossiers},
		{Pattern: "GET /api/v1/dossiers/{code}", Access: httpx.LoggedIn, Handler: h.getDossier},
		{Pattern: "POST /api/v1/dossiers/{code}/actions/{action}", Access: httpx.LoggedIn, Handler: h.act},
		{Pattern: "GET /api/v1/lookup/{code}", Access: httpx.Anyone, Handler: h.lookup},
		{Pattern: "GET /api/v1/dossiers/{code}/forms/{form}", Access: httpx.LoggedIn, Handler: h.dossierForm},
		{Pattern: "POST /api/v1/dossiers/{code}/files", Access: httpx.LoggedIn, Handler: h.addFile},
		{Pattern: "GET /api/v1/dossiers/{code}/files", Access: httpx.LoggedIn, Handler: h.listFiles},
		{Pattern: "GET /api/v1/dossiers/{code}/files/{id}", Access: httpx.LoggedIn, Handler: h.getFile},
		{Pattern: "GET /api/v1/reports/one-stop", Access: httpx.OnlyRoles(report.Roles...), Handler: h.oneStopReport},
		{Pattern: "GET /api/v1/registers/{file}", Access: httpx.OnlyRoles(report.Roles...), Handler: h.register},
		{Pattern: "GET /api/v1/reports/index766", Access: httpx.OnlyRoles(report.Roles...), Handler: h.index766},
		{Pattern: "POST /api/v1/feedback", Access: httpx.Anyone, Handler: h.fileFeedback},
		{Pattern: "GET /api/v1/feedback", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: h.listFeedback},
		{Pattern: "GET /api/v1/feedback/published", Access: httpx.Anyone, Handler: h.publishedFeedback},
		{Pattern: "PUT /api/v1/feedback/settings", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.feedbackSettings},
		{Pattern: "GET /api/v1/feedback/{id}", Access: httpx.LoggedIn, Handler: h.getFeedback},
		{Pattern: "POST /api/v1/feedback/{id}/assign", Access: httpx.OnlyRoles(auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleCounter), Handler: h.assignFeedback},
		{Pattern: "POST /api/v1/feedback/{id}/answer", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: h.answerFeedback},
		{Pattern: "POST /api/v1/feedback/{id}/verdict", Access: httpx.Anyone, Handler: h.judgeFeedback},
		{Pattern: "POST /api/v1/dossiers/{code}/survey", Access: httpx.Anyone, Handler: h.survey},
	}
	routes = append(routes, unitSettingsRoutes(h)...)
	routes = append(routes, paymentRoutes(h)...)
	routes = append(routes, queueRoutes(h)...)
	routes = append(routes, certificationRoutes(h)...)
	routes = append(routes, assignRoutes(h)...)
	routes = append(routes, documentRoutes(h)...)
	routes = append(routes, userRoutes(h)...)
	routes = append(routes, broadcastRoutes(h)...)
	routes = append(routes, announceRoutes(h)...)
	routes = append(routes, communityRoutes(h)...)
	routes = append(routes, telehealthRoutes(h)...)
	routes = append(routes, dxRoutes(h)...)
	routes = append(routes, signingKeyRoutes(h)...)
	if d.Citizens != nil {
		routes = append(routes, citizenRoutes(h)...)
	}
	routes = append(routes, h.notifyRoutes()...)
	routes = append(routes, productRoutes(h)...)
	routes = append(routes, qrformRoutes(h)...)
	return append(routes, receiptRoutes(h)...)
}

//go:embed openapi.json
var openAPI []byte

func serveOpenAPI(w http.ResponseWriter, r *http.Request) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, err := w.Write(openAPI)
	return err
}

// UnitRoles is a caller's roles in one unit.
type UnitRoles struct {
	Code  string      `json:"code"`
	Name  string      `json:"name"`
	Roles []auth.Role `json:"roles"`
}

// Me describes the caller.
type Me struct {
	Username string      `json:"username"`
	FullName string      `json:"full_name"`
	Units    []UnitRoles `json:"units"`
	Via      string      `json:"authenticated_via"`
}

func groupMemberships(ms []auth.Membership) []UnitRoles {
	out := []UnitRoles{}
	for _, m := range ms {
		if n := len(out); n > 0 && out[n-1].Code == m.UnitCode {
			out[n-1].Roles = append(out[n-1].Roles, m.Role)
			continue
		}
		out = append(out, UnitRoles{Code: m.UnitCode, Name: m.UnitName, Roles: []auth.Role{m.Role}})
	}
	return out
}

func (h handlers) me(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	return httpx.WriteJSON(w, http.StatusOK, Me{Username: p.Username, FullName: p.FullName,
		Units: groupMemberships(p.Memberships), Via: p.Via})
}

// Unit is an administrative unit as the API shows it.
type Unit struct {
	Code      string     `json:"code"`
	Level     unit.Level `json:"level"`
	Name      string     `json:"name"`
	ParentID  *int64     `json:"parent_id"`
	ID        int64      `json:"id"`
	IdentCode string     `json:"ident_code"`
	ValidFrom string     `json:"valid_from"`
	ValidTo   string     `json:"valid_to,omitempty"`
}

func (h handlers) units(w http.ResponseWriter, r *http.Request) error {
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	us, total, err := h.Store.Units(r.Context(), limit, offset)
	if err != nil {
		return err
	}
	items := make([]Unit, 0, len(us))
	for _, u := range us {
		items = append(items, Unit{ID: u.ID, Code: u.Code, Level: u.Level, Name: u.Name, ParentID: u.ParentID,
			IdentCode: u.IdentCode, ValidFrom: u.ValidFrom, ValidTo: u.ValidTo})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

// User is a user as the API shows it to administrators.
type User struct {
	ID       int64  `json:"id"`
	Username string `json:"username"`
	FullName string `json:"full_name"`
	Disabled bool   `json:"disabled"`
	// MustChangePassword: the password is a one-time password not yet changed.
	MustChangePassword bool        `json:"must_change_password"`
	Units              []UnitRoles `json:"units"`
}

func (h handlers) users(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	us, total, err := h.Store.Users(r.Context(), p.AdminScope(), limit, offset)
	if err != nil {
		return err
	}
	items := make([]User, 0, len(us))
	for _, u := range us {
		items = append(items, User{ID: u.ID, Username: u.Username, FullName: u.FullName, Disabled: u.Disabled, MustChangePassword: u.MustChangePassword,
			Units: groupMemberships(u.Memberships)})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

// AuditRecord is one audit record.
type AuditRecord struct {
	Seq        int64    `json:"seq"`
	At         string   `json:"at"`
	Actor      string   `json:"actor"`
	Action     string   `json:"action"`
	ObjectType string   `json:"object_type"`
	ObjectID   string   `json:"object_id"`
	Fields     []string `json:"fields"`
	Hash       string   `json:"hash"`
	PrevHash   string   `json:"prev_hash"`
}

var errBadChain = apperr.New(apperr.Invalid, "invalid_chain", "Tham số chain phải là mã số đơn vị (0 là chuỗi hệ thống).")

func (h handlers) audit(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	chain, err := strconv.ParseInt(r.URL.Query().Get("chain"), 10, 64)
	if err != nil || chain < 0 {
		return errBadChain
	}
	allowed := p.IsSystemAdmin() || slices.ContainsFunc(p.Memberships, func(m auth.Membership) bool {
		return m.UnitID == chain && m.Role == auth.RoleUnitAdmin
	})
	if !allowed {
		return apperr.ErrForbidden
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	recs, total, err := h.Store.AuditRecords(r.Context(), chain, limit, offset)
	if err != nil {
		return err
	}
	items := make([]AuditRecord, 0, len(recs))
	for _, rec := range recs {
		items = append(items, AuditRecord{Seq: rec.Seq, At: rec.At.UTC().Format("2006-01-02T15:04:05.000000Z"), Actor: rec.Actor,
			Action: rec.Event.Action, ObjectType: rec.Event.ObjectType, ObjectID: rec.Event.ObjectID,
			Fields: append([]string{}, rec.Event.Fields...), Hash: rec.Hash, PrevHash: rec.PrevHash})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}
