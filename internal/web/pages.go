package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// pageRoutes is the route table of the HTML pages and the operational endpoints.
func (s *Server) pageRoutes() []httpx.Route {
	metrics := promhttp.HandlerFor(s.Metrics, promhttp.HandlerOpts{})
	return []httpx.Route{
		{Pattern: "GET /{$}", Access: httpx.Anyone, Handler: s.home},
		{Pattern: "GET /login", Access: httpx.Anyone, Handler: s.loginPage},
		{Pattern: "GET /cong-khai", Access: httpx.Anyone, Handler: s.transparency},
		{Pattern: "GET /xac-thuc", Access: httpx.Anyone, Handler: s.verifyPage},
		{Pattern: "POST /xac-thuc", Access: httpx.Anyone, Handler: s.verifyUpload},
		{Pattern: "POST /login", Access: httpx.Anyone, Handler: s.login},
		{Pattern: "POST /logout", Access: httpx.Anyone, Handler: s.logout, PasswordChange: true},
		{Pattern: "GET /account", Access: httpx.LoggedIn, Handler: s.account},
		{Pattern: "GET " + passwordPath, Access: httpx.LoggedIn, Handler: s.passwordPage, PasswordChange: true},
		{Pattern: "POST " + passwordPath, Access: httpx.LoggedIn, Handler: s.changePassword, PasswordChange: true},
		{Pattern: "POST /account/consents", Access: httpx.LoggedIn, Handler: s.grantConsent},
		{Pattern: "POST /account/consents/{id}/revoke", Access: httpx.LoggedIn, Handler: s.revokeConsent},
		{Pattern: "GET /thu-tuc", Access: httpx.Anyone, Handler: s.catalogPage},
		{Pattern: "GET /thu-tuc/{code}", Access: httpx.Anyone, Handler: s.procedurePage},
		{Pattern: "GET /nop-ho-so/{code}", Access: httpx.LoggedIn, Handler: s.fileForm},
		{Pattern: "POST /nop-ho-so/{code}", Access: httpx.LoggedIn, Handler: s.file},
		{Pattern: "GET /ho-so-da-nop/{code}", Access: httpx.LoggedIn, Handler: s.filedPage},
		{Pattern: "GET /tra-cuu", Access: httpx.Anyone, Handler: s.lookupForm},
		{Pattern: "GET /tra-cuu/{code}", Access: httpx.Anyone, Handler: s.lookupPage},
		// The applicant's own actions: the secret in the query, or the owner's session.
		{Pattern: "GET /tra-cuu/{code}/tep/{id}", Access: httpx.Anyone, Handler: s.citizenFile},
		{Pattern: "POST /tra-cuu/{code}/bo-sung", Access: httpx.Anyone, Handler: s.citizenUpload},
		{Pattern: "POST /tra-cuu/{code}/hanh-dong/{action}", Access: httpx.Anyone, Handler: s.citizenAct},
		{Pattern: "POST /tra-cuu/{code}/danh-gia", Access: httpx.Anyone, Handler: s.citizenRate},
		{Pattern: "GET /office", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.office},
		{Pattern: "GET /office/dossiers", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.searchPage},
		{Pattern: "GET /office/receive", Access: httpx.OnlyRoles(receiveRoles...), Handler: s.receiveForm},
		{Pattern: "POST /office/receive", Access: httpx.OnlyRoles(receiveRoles...), Handler: s.receive},
		{Pattern: "GET /office/dossiers/{code}", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.dossierPage},
		{Pattern: "POST /office/dossiers/{code}/actions/{action}", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.dossierAction},
		{Pattern: "POST /office/dossiers/{code}/files", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.dossierUpload},
		{Pattern: "POST /office/dossiers/{code}/sign", Access: httpx.OnlyRoles(auth.OfficeRoles...), Handler: s.signResult},
		{Pattern: "GET /office/tong-quan", Access: httpx.OnlyRoles(dashboardRoles...), Handler: s.dashboard},
		{Pattern: "GET /office/thong-ke", Access: httpx.OnlyRoles(report.Roles...), Handler: s.statsPage},
		{Pattern: "GET /admin", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.admin},
		{Pattern: "POST /admin/contact", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.setContact},
		{Pattern: "GET /admin/audit", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.auditPage},
		{Pattern: "GET /admin/procedures", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.adminProcedures},
		{Pattern: "POST /admin/procedures", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.createProcedure},
		{Pattern: "POST /admin/procedures/import", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.importCatalog},
		{Pattern: "GET /admin/procedures/new", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.newProcedure},
		{Pattern: "GET /admin/procedures/{code}/edit", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.editProcedure},
		{Pattern: "POST /admin/procedures/{code}", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.saveProcedure},
		{Pattern: "POST /admin/procedures/{code}/publish", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.publishProcedure},
		{Pattern: "GET /admin/procedures/{code}/versions", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.procedureVersionsPage},
		{Pattern: "GET /admin/signing", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.signingAdmin},
		{Pattern: "POST /admin/signing/anchors", Access: httpx.OnlyRoles(auth.RoleSystemAdmin), Handler: s.addTrustAnchors},
		{Pattern: "POST /admin/signing/anchors/{sha}/delete", Access: httpx.OnlyRoles(auth.RoleSystemAdmin), Handler: s.removeTrustAnchor},
		{Pattern: "GET /admin/calendar", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.calendarPage},
		{Pattern: "POST /admin/calendar/decisions", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.addDecision},
		{Pattern: "POST /admin/calendar/decisions/{id}/delete", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.deleteDecision},
		{Pattern: "POST /admin/calendar/hours", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.setHours},
		{Pattern: "POST /admin/calendar/moves", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.moveAppointments},
		{Pattern: "GET /static/{name}", Access: httpx.Anyone, Handler: s.views.serveStatic, Stateless: true},
		{Pattern: "GET /healthz", Access: httpx.Anyone, Handler: s.healthz, Stateless: true},
		{Pattern: "GET /metrics", Access: httpx.Anyone, Stateless: true, Handler: func(w http.ResponseWriter, r *http.Request) error {
			metrics.ServeHTTP(w, r)
			return nil
		}},
	}
}

type loginForm struct{ Username, Next string }

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) error {
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		http.Redirect(w, r, p.HomePath(), http.StatusSeeOther)
		return nil
	}
	v := s.view(r, "Đăng nhập")
	v.Data = loginForm{Next: safeNext(r.URL.Query().Get("next"))}
	return s.views.render(w, http.StatusOK, "login", v)
}

// safeNext keeps only a path of this site, so the login page cannot send anyone
// elsewhere; anything else is "" (the caller goes to the role's home page). A browser
// cleans a Location before following it — drops tabs and newlines anywhere, strips
// leading spaces and control characters, reads a backslash as a slash — so
// "/\t/evil.example" becomes "//evil.example", another host. Rather than predict that
// cleaning, refuse what it acts on: any control character, space or invisible format
// character, any backslash, in the value as given and in its path once percent-decoded
// (an encoded space in a query, "?q=khai%20sinh", stays: the query names no host); then
// exactly one leading slash, and no scheme or host.
func safeNext(next string) string {
	path := next
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	decoded, err := url.PathUnescape(path)
	if err != nil || !localPath(next) || !localPath(decoded) {
		return ""
	}
	if u, err := url.Parse(next); err != nil || u.Scheme != "" || u.Host != "" || u.User != nil || u.Opaque != "" {
		return ""
	}
	return next
}

// localPath reports whether p begins with exactly one slash and holds no character a
// browser could clean away or read as a slash.
func localPath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || !utf8.ValidString(p) {
		return false
	}
	return strings.IndexFunc(p, func(r rune) bool {
		return r == '\\' || unicode.IsControl(r) || unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) ||
			r == '\u2028' || r == '\u2029' || r == utf8.RuneError
	}) < 0
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return apperr.New(apperr.Invalid, "invalid_form", "Biểu mẫu không hợp lệ.")
	}
	form := loginForm{Username: strings.TrimSpace(r.PostFormValue("username")), Next: safeNext(r.PostFormValue("next"))}
	again := func(status int, msg string) error {
		v := s.view(r, "Đăng nhập")
		v.Error, v.Data = msg, form
		return s.views.render(w, status, "login", v)
	}
	// Wrong passwords make the address wait (growing delays, ratelimit.PerAddress), and
	// the account (auth.Service.Login, ratelimit.PerAccount). A refused attempt tries no
	// password and lengthens no delay.
	ip := httpx.ClientIP(r, s.TrustProxy)
	if wait := s.loginIP.Wait(ip); wait > 0 {
		return s.loginThrottled(w, again, auth.Throttled(auth.ErrAccountThrottled, wait))
	}
	// A citizen logs in with the number or address their account was opened with, too.
	p, err := s.Auth.Login(ctx, s.Citizens.LoginName(ctx, form.Username), r.PostFormValue("password"))
	if err != nil {
		e := apperr.From(err)
		switch e.Kind {
		case apperr.TooManyRequests:
			return s.loginThrottled(w, again, err)
		case apperr.Unauthenticated:
			s.loginIP.Fail(ip) // only failures count against the address
			if aerr := s.Store.AppendAudit(ctx, audit.Event{Chain: audit.SystemChain, Action: "login.fail", ObjectType: "session"}); aerr != nil {
				return aerr
			}
			return again(e.Kind.HTTPStatus(), e.Message)
		}
		return err
	}
	// A new session token on login defeats session fixation.
	if err := s.sessions.RenewToken(ctx); err != nil {
		return err
	}
	s.sessions.Put(ctx, sessionUserKey, p.UserID)
	s.sessions.Put(ctx, sessionEpochKey, p.SessionEpoch)
	if err := s.Store.AppendAudit(audit.WithActor(ctx, "user:"+p.Username), audit.Event{Chain: audit.SystemChain,
		Action: "login.success", ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10)}); err != nil {
		return err
	}
	dest := form.Next
	switch {
	case p.MustChangePassword:
		dest = passwordPath // a one-time password: the user chooses their own first
	case dest == "":
		dest = p.HomePath()
	}
	http.Redirect(w, r, dest, http.StatusSeeOther)
	return nil
}

// loginThrottled answers an attempt refused during a delay: 429, Retry-After, and the
// login page saying how long to wait.
func (s *Server) loginThrottled(w http.ResponseWriter, again func(int, string) error, err error) error {
	setRetryAfter(w, err)
	return again(http.StatusTooManyRequests, apperr.From(err).Message)
}

// setRetryAfter sets Retry-After (whole seconds, rounded up) from a throttled attempt's
// error.
func setRetryAfter(w http.ResponseWriter, err error) {
	if wait, ok := auth.RetryAfter(err); ok {
		w.Header().Set("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
	}
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	if p := auth.PrincipalFrom(r.Context()); p != nil {
		if err := s.Store.AppendAudit(r.Context(), audit.Event{Chain: audit.SystemChain, Action: "logout",
			ObjectType: "user", ObjectID: strconv.FormatInt(p.UserID, 10)}); err != nil {
			return err
		}
	}
	if err := s.sessions.Destroy(r.Context()); err != nil {
		return err
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
	return nil
}

// pager builds previous/next links for a listing.
type pager struct{ Prev, Next string }

func newPager(r *http.Request, limit, offset, total int) pager {
	link := func(off int) string {
		q := r.URL.Query()
		q.Set("offset", strconv.Itoa(off))
		return r.URL.Path + "?" + q.Encode()
	}
	var p pager
	if offset > 0 {
		p.Prev = link(max(0, offset-limit))
	}
	if offset+limit < total {
		p.Next = link(offset + limit)
	}
	return p
}

func (s *Server) admin(w http.ResponseWriter, r *http.Request) error {
	return s.renderAdmin(w, r, http.StatusOK, contactForm{})
}

// renderAdmin draws the admin page; cf holds the contact form as typed when it came
// back with errors (else the stored contact is shown).
func (s *Server) renderAdmin(w http.ResponseWriter, r *http.Request, status int, cf contactForm) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	users, total, err := s.Store.Users(ctx, p.AdminScope(), limit, offset)
	if err != nil {
		return err
	}
	units, _, err := s.Store.Units(ctx, 100, 0)
	if err != nil {
		return err
	}
	contactUnit := s.contactUnit(p)
	if cf.Errors == nil {
		if cf.Contact, err = (unit.Contacts{Store: s.Store}).Get(ctx, contactUnit); err != nil {
			return err
		}
	}
	var contactName string
	if i := slices.IndexFunc(units, func(u unit.Unit) bool { return u.ID == contactUnit }); i >= 0 {
		contactName = units[i].Name
	}
	v := s.view(r, "Quản trị")
	v.Area, v.Nav = "office", "admin"
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Data = struct {
		Users       []store.UserWithRoles
		Total       int
		Units       []unit.Unit
		Pager       pager
		Contact     contactForm
		ContactUnit string
	}{users, total, units, newPager(r, limit, offset, total), cf, contactName}
	return s.views.render(w, status, "admin", v)
}

type chainOption struct {
	ID   int64
	Name string
}

// auditChains lists the chains p may read: the system chain for the system
// administrator, and each unit p administers.
func auditChains(p *auth.Principal) []chainOption {
	var out []chainOption
	if p.IsSystemAdmin() {
		out = append(out, chainOption{audit.SystemChain, "Hệ thống"})
	}
	for _, m := range p.Memberships {
		if (m.Role == auth.RoleUnitAdmin || m.Role == auth.RoleSystemAdmin) && !slices.ContainsFunc(out, func(c chainOption) bool { return c.ID == m.UnitID }) {
			out = append(out, chainOption{m.UnitID, m.UnitName})
		}
	}
	return out
}

func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	chains := auditChains(p)
	chain := chains[0].ID
	if v := r.URL.Query().Get("chain"); v != "" {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return apperr.New(apperr.Invalid, "invalid_chain", "Chuỗi nhật ký không hợp lệ.")
		}
		chain = id
	}
	if !p.IsSystemAdmin() && !slices.ContainsFunc(chains, func(c chainOption) bool { return c.ID == chain }) {
		return apperr.ErrForbidden
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	recs, total, err := s.Store.AuditRecords(ctx, chain, limit, offset)
	if err != nil {
		return err
	}
	v := s.view(r, "Nhật ký kiểm tra")
	v.Area, v.Nav = "office", "audit"
	v.Data = struct {
		Chains  []chainOption
		Chain   int64
		Records []audit.Record
		Pager   pager
	}{chains, chain, recs, newPager(r, limit, offset, total)}
	return s.views.render(w, http.StatusOK, "audit", v)
}
