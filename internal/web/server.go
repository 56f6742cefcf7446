// Package web is xaso's HTTP server: the middleware chain, the citizen portal and office
// pages, and the mounting of other routes given to it (the JSON API's, wired by
// internal/app). Every route comes from one table (httpx.Route) whose access rule is
// enforced here, in one place.
package web

import (
	"context"
	"errors"
	"github.com/xaso-vn/xaso/internal/announce"
	"github.com/xaso-vn/xaso/internal/notify"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/alexedwards/scs/v2"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/blob"
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
	"github.com/xaso-vn/xaso/internal/mail"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/product"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/ratelimit"
	"github.com/xaso-vn/xaso/internal/speech"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/telehealth"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// Deps is what the server needs; main wires it.
type Deps struct {
	Store     *store.Store
	Auth      *auth.Service
	Calendars *workcal.Service
	Dossiers  *dossier.Service
	// Payments runs the fee payments (nil: a service over Store without receipt keys).
	Payments *payment.Service
	// Certifications keeps the certification register (nil: one over Store).
	Certifications *certify.Service
	// Documents runs the official documents' registers (nil: one over Store, Blobs and
	// Calendars).
	Documents *document.Service
	// Mail is the official mailbox the clerk registers from (nil: one over Store whose
	// messages register through Documents).
	Mail *mail.Service
	// Exchange sends and receives documents through the exchange platform (internal/app
	// wires it with the documents' adapter; nil: one without a platform, which takes the
	// messages pushed to the API).
	Exchange *exchange.Service
	// Accounts runs the administrators' changes of accounts (nil: one over Store and
	// Auth's hasher).
	Accounts *account.Service
	// Citizens opens citizens' own accounts and resets their passwords, the same service
	// as the API's (nil: one over Store for HomeUnitID, limited by NewCodeRequests).
	Citizens      *citizen.Service
	HomeUnitID    int64
	Log           *slog.Logger
	Metrics       *prometheus.Registry
	SiteName      string
	SecureCookies bool
	BaseURL       string // public address for QR codes; "" : the request's host
	TSAURL        string // RFC 3161 timestamp authority for signatures (B-T); "": none (B-B)
	TrustProxy    bool
	SessionLife   time.Duration
	Blobs         blob.Store // attachments' bytes
	FileLimit     int64      // largest attachment in bytes (0: attach.DefaultLimit)
	// Files adds and serves the dossiers' attachments, the same service as the API's
	// (nil: one over Store and Blobs, for a server without the API).
	Files *dossierfile.Service
	// Lookups limits public dossier look-ups per client address, the same limiter as
	// the API's (nil: NewLookups()).
	Lookups *ratelimit.Limiter
	// Routes are mounted beside the pages', on the same mux, behind the same middleware,
	// authentication, access rules and error adapter: the JSON API's (internal/app wires
	// them, so that web never imports api).
	Routes []httpx.Route
	// LoginAddresses throttles wrong passwords per client address (nil: a
	// ratelimit.PerAddress backoff); tests give it their clock.
	LoginAddresses *ratelimit.Backoff
	// Feedback runs citizens' feedback and the satisfaction survey, the same service as
	// the API's (internal/app sets it).
	Feedback *feedback.Service
	// Queue runs the service centre's floor (nil: one over Store and Calendars); Kiosks
	// limits its tickets per kiosk and address, shared with the API (nil: NewKiosks());
	// Speech reads the calls aloud (nil: the screen is silent).
	Queue  *queue.Service
	Kiosks *ratelimit.Limiter
	Speech speech.Synthesizer
	// Broadcast runs the loudspeakers, the same service as the API's (internal/app sets
	// it; nil: no loudspeaker pages).
	Broadcast *broadcast.Service
	// Announcements runs the announcements (internal/app sets it; nil: no announcement
	// pages).
	Announcements *announce.Service
	// Notify runs the notifications: the citizen's channels, the units' templates, the
	// gateways' webhooks (internal/app sets it; nil: no notification pages).
	Notify *notify.Service
	// Community runs the villages, digital teams and help requests, the same service as
	// the API's (internal/app sets it; nil: no community pages).
	Community *community.Service
	// Products runs the commune's products, batches and the Digital Link resolver, the
	// same service as the API's (internal/app sets it; nil: no product pages).
	Products *product.Service
	// QRForms runs the QR forms and their answers, the same service as the API's
	// (internal/app sets it; nil: no pages); QRFormFiles keeps their answers' files (a
	// blob store of their own, which the purge deletes from; nil: file fields refused).
	QRForms     *qrform.Service
	QRFormFiles qrform.Files
	// Telehealth runs the health station's slots and bookings, the same service as the
	// API's (internal/app sets it; nil: no tele-health pages).
	Telehealth *telehealth.Service
}

// productName is the product's own name, the site's when no unit names it.
const productName = "Xã số"

// Server is the HTTP handler of xaso.
type Server struct {
	Deps
	sessions *scs.SessionManager
	views    *renderer
	loginIP  *ratelimit.Backoff
	lookups  *ratelimit.Limiter // public dossier look-ups per client address, shared with the API
	// verifySlots holds one token per verification of an uploaded PDF running
	// (verifyConcurrency).
	verifySlots chan struct{}
	routes      []httpx.Route
	handler     http.Handler
	metrics     *httpMetrics
	calls       callSounds // the latest calls' audio
	signers     signedByCache
}

// New builds the server and its route table.
func New(d Deps) (*Server, error) {
	views, err := newRenderer()
	if err != nil {
		return nil, err
	}
	if d.SiteName == "" {
		d.SiteName = productName
	}
	sm := scs.New()
	sm.Store = d.Store.Sessions()
	sm.Codec = sessionCodec{}
	sm.Lifetime = d.SessionLife
	// No idle timeout: scs extends an idle deadline by committing the session on every
	// request, one database write per page view, which serialises all traffic on SQLite's
	// single writer. The absolute lifetime bounds a session instead.
	sm.Cookie.Name = "xaso_session"
	sm.Cookie.HttpOnly = true
	sm.Cookie.SameSite = http.SameSiteLaxMode
	sm.Cookie.Secure = d.SecureCookies
	sm.ErrorFunc = func(w http.ResponseWriter, r *http.Request, err error) {
		d.Log.Error("session", "err", err, "request_id", httpx.RequestID(r.Context()))
		http.Error(w, "Lỗi phiên làm việc. Vui lòng thử lại.", http.StatusInternalServerError)
	}
	if d.Files == nil {
		d.Files = &dossierfile.Service{Store: d.Store, Blobs: d.Blobs}
	}
	if d.Documents == nil {
		d.Documents = NewDocuments(d)
	}
	if d.Mail == nil {
		d.Mail = &mail.Service{Store: d.Store, Registrar: document.MailRegistrar{Service: d.Documents}, Limits: mail.DefaultLimits,
			Now: d.Documents.Now}
	}
	if d.Lookups == nil {
		d.Lookups = NewLookups()
	}
	if d.LoginAddresses == nil {
		d.LoginAddresses = ratelimit.NewBackoff(ratelimit.PerAddress)
	}
	if d.Payments == nil {
		d.Payments = &payment.Service{Store: d.Store}
		if d.Dossiers != nil {
			d.Payments.Now = d.Dossiers.Now
		}
	}
	if d.Feedback == nil {
		d.Feedback = &feedback.Service{Store: d.Store, Calendars: d.Calendars, Now: time.Now}
		if d.Dossiers != nil {
			d.Feedback.Now = d.Dossiers.Now
		}
	}
	if d.Queue == nil {
		d.Queue = &queue.Service{Store: d.Store, Calendars: d.Calendars, BaseURL: d.BaseURL}
	}
	if d.Kiosks == nil {
		d.Kiosks = NewKiosks()
	}
	if d.Certifications == nil {
		d.Certifications = &certify.Service{Store: d.Store}
		if d.Dossiers != nil {
			d.Certifications.Now = d.Dossiers.Now
		}
	}
	if d.Accounts == nil {
		d.Accounts = &account.Service{Store: d.Store, Hasher: d.Auth.Hasher()}
	}
	if d.Citizens == nil {
		d.Citizens = NewCitizens(d)
	}
	s := &Server{Deps: d, sessions: sm, views: views, loginIP: d.LoginAddresses, lookups: d.Lookups,
		verifySlots: make(chan struct{}, verifyConcurrency)}
	s.metrics = newHTTPMetrics(d.Metrics)
	// Group commit: commits ÷ changes says how much the disk flushes were shared.
	st := d.Store
	d.Metrics.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "xaso_store_commits_total",
			Help: "Commits of write transactions (a group of changes commits once)."},
			func() float64 { return float64(st.GroupStats().Commits) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "xaso_store_changes_total",
			Help: "Write transactions (changes) run, grouped or alone."},
			func() float64 { return float64(st.GroupStats().Changes) }))
	s.routes = slices.Concat(s.pageRoutes(), s.paymentPageRoutes(), s.adminPaymentRoutes(),
		s.feedbackRoutes(), s.unitSettingsRoutes(), s.floorRoutes(),
		s.certificationPageRoutes(), s.documentPageRoutes(), s.mailPageRoutes(), s.dossierFeeRoutes(), s.adminUserRoutes(),
		s.broadcastRoutes(), s.announceRoutes(), s.communityRoutes(), s.assignRoutes(), s.adminFloorRoutes(), s.appRoutes(), s.signupRoutes(), s.notifyRoutes(), s.productRoutes(), s.qrformRoutes(), s.telehealthRoutes(), d.Routes)

	mux, stateless := http.NewServeMux(), http.NewServeMux()
	for _, rt := range s.routes {
		if rt.Stateless {
			stateless.Handle(rt.Pattern, s.route(rt))
		} else {
			mux.Handle(rt.Pattern, s.route(rt))
		}
	}
	mux.Handle("/", s.route(httpx.Route{Pattern: "/", Access: httpx.Anyone, Handler: func(w http.ResponseWriter, r *http.Request) error {
		if httpx.IsAPI(r) {
			return httpx.ErrUnknownPath
		}
		return errNoPage
	}}))
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, errCrossOrigin)
	}))
	stateless.Handle("/", sm.LoadAndSave(mux))
	var h http.Handler = stateless
	h = cop.Handler(h)
	h = gzipHandler(h)
	h = securityHeaders(h, d.SecureCookies)
	h = s.observe(h)
	h = s.recoverPanics(h)
	s.handler = h
	return s, nil
}

// NewCitizens is the service of citizens' own accounts over d's store: citizens of
// d.HomeUnitID, links to d.BaseURL, requests limited per address (NewCodeRequests).
func NewCitizens(d Deps) *citizen.Service {
	c := &citizen.Service{Store: d.Store, Hasher: d.Auth.Hasher(), UnitID: d.HomeUnitID, BaseURL: d.BaseURL,
		Clients: NewCodeRequests(), Now: time.Now}
	if d.Dossiers != nil {
		c.Now = d.Dossiers.Now
	}
	return c
}

// NewLookups is the limiter of public dossier look-ups per client address: a burst of
// 30, then 30 a minute.
func NewLookups() *ratelimit.Limiter { return ratelimit.New(30, 30) }

// Routes returns the route table (the authorization matrix test walks it).
func (s *Server) Routes() []httpx.Route { return slices.Clone(s.routes) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Errors the pages return.
var (
	errNoPage      = apperr.New(apperr.NotFound, "not_found", "Không tìm thấy trang bạn yêu cầu.")
	errCrossOrigin = apperr.New(apperr.Forbidden, "cross_origin", "Yêu cầu bị từ chối vì đến từ một trang web khác.")
)

// route wraps a route's handler with authentication, its access rule and the error
// adapter.
func (s *Server) route(rt httpx.Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if rp, ok := r.Context().Value(routePatternKey{}).(*string); ok {
			*rp = rt.Pattern
		}
		var p *auth.Principal
		if !rt.Stateless {
			var err error
			if p, err = s.authenticate(r); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if p != nil && p.MustChangePassword && !rt.PasswordChange {
			if !rt.Access.Public {
				s.passwordChangeFirst(w, r.WithContext(auth.WithPrincipal(r.Context(), p)))
				return
			}
			// A public page needs no login: until the one-time password is changed, the
			// login counts for nothing else.
			p = nil
		}
		ctx := auth.WithPrincipal(r.Context(), p)
		if !rt.Access.Allows(p) {
			if p == nil {
				s.fail(w, r, apperr.ErrUnauthenticated)
			} else {
				// The error page knows who is logged in: their name and the way out,
				// not "Đăng nhập".
				s.fail(w, r.WithContext(ctx), apperr.ErrForbidden)
			}
			return
		}
		if p != nil {
			ctx = audit.WithActor(ctx, "user:"+p.Username)
		}
		if err := rt.Handler(w, r.WithContext(ctx)); err != nil {
			s.fail(w, r.WithContext(ctx), err)
		}
	})
}

// passwordChangeFirst answers a user who must change a one-time password and asked for
// something else: a browser's page request goes to the change of password, anything
// else (the API, with a session or a bearer token, and forms) is refused with
// password_change_required.
func (s *Server) passwordChangeFirst(w http.ResponseWriter, r *http.Request) {
	if !httpx.IsAPI(r) && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		http.Redirect(w, r, passwordPath, http.StatusSeeOther)
		return
	}
	s.fail(w, r, auth.ErrPasswordChangeRequired)
}

// authenticate finds the caller: a bearer token (API clients) or the session cookie.
func (s *Server) authenticate(r *http.Request) (*auth.Principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return nil, apperr.ErrUnauthenticated
		}
		return s.Auth.PrincipalByToken(ctx, strings.TrimSpace(tok))
	}
	id := s.sessions.GetInt64(ctx, sessionUserKey)
	if id == 0 {
		return nil, nil
	}
	p, err := s.Auth.PrincipalBySession(ctx, id, s.sessions.GetInt64(ctx, sessionEpochKey))
	if kind := apperr.KindOf(err); kind == apperr.Unauthenticated || kind == apperr.NotFound {
		// The account was disabled or removed, or its password changed since this
		// session began: end the session quietly.
		s.sessions.Destroy(ctx)
		return nil, nil
	}
	return p, err
}

// A session holds its user's id and the generation of the user's sessions it was opened
// in (auth.Principal.SessionEpoch).
const (
	sessionUserKey  = "user_id"
	sessionEpochKey = "epoch"
)

// fail is the one error adapter: problem+json for the API, a page (or a redirect to the
// login page) for browsers. Internal errors are logged with the request id and never
// shown.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if r.Context().Err() != nil && errors.Is(err, context.Canceled) {
		// The client went away (a closed tab, a load generator stopping): nobody reads
		// an answer, and it is no server error.
		s.Log.Debug("request abandoned by the client", "err", err, "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path)
		return
	}
	e := apperr.From(err)
	if e.Kind == apperr.Internal || e.Kind == apperr.Unavailable {
		s.Log.Error("request failed", "err", err, "request_id", httpx.RequestID(r.Context()), "path", r.URL.Path)
	}
	if httpx.IsAPI(r) {
		httpx.WriteProblem(w, r, err)
		return
	}
	if e.Kind == apperr.Unauthenticated && r.Method == http.MethodGet {
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
		return
	}
	status := e.Kind.HTTPStatus()
	title := map[int]string{404: "Không tìm thấy", 403: "Không có quyền", 401: "Cần đăng nhập", 429: "Quá nhiều yêu cầu",
		422: "Dữ liệu không hợp lệ", 409: "Xung đột dữ liệu", 503: "Tạm thời gián đoạn"}[status]
	if title == "" {
		title = "Đã có lỗi"
	}
	v := s.view(r, title)
	v.Error = e.Message
	rerr := s.views.render(w, status, "error", v)
	if rerr != nil {
		s.Log.Error("render error page", "err", rerr)
	}
}

// view starts a page's data with what every page shows.
func (s *Server) view(r *http.Request, title string) view {
	p := auth.PrincipalFrom(r.Context())
	var menu []navItem
	if p != nil && !p.MustChangePassword {
		menu = s.menu(p)
	}
	return view{Title: title, SiteName: s.SiteName, Area: "portal", P: p, Menu: menu,
		RequestID: httpx.RequestID(r.Context())}
}

// healthz answers 200 when the database answers. The server starts listening only after
// migrations and any demo loading are done, so a 200 also means start-up is complete.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if err := s.Store.Ping(ctx); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	_, err := w.Write([]byte("ok\n"))
	return err
}

// CleanSessions deletes expired sessions every interval until ctx ends.
func (s *Server) CleanSessions(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.Store.DeleteExpiredSessions(ctx); err != nil && !errors.Is(err, context.Canceled) {
				s.Log.Warn("clean sessions", "err", err)
			}
		}
	}
}

// navItem is one link of the office menu.
type navItem struct{ Key, Path, Label string }

// officeMenu lists the office's pages in menu order, each by its route: a link is shown
// only to whom that route's access rule admits (menu), so the menu cannot offer a page
// its reader may not open.
//
// A desk is held by a counter officer of a unit (queue.Service.ServingUnit): the "Quầy"
// link is shown only to someone who holds that role somewhere, not to the system
// administrator, whom the route admits but who serves at no desk.
var officeMenu = []struct{ Key, Pattern, Label string }{
	{"office", "GET /office", "Trang làm việc"},
	{"desk", "GET /office/quay", "Quầy"},
	{"dashboard", "GET /office/tong-quan", "Tổng quan"},
	{"search", "GET /office/dossiers", "Tìm hồ sơ"},
	{"receive", "GET /office/receive", "Tiếp nhận hồ sơ"},
	{"documents", "GET /office/documents", "Văn bản"},
	{"mail", "GET /office/mail", "Hộp thư công vụ"},
	{"stats", "GET /office/thong-ke", "Thống kê"},
	{"certifications", "GET /office/certifications", "Chứng thực"},
	{"feedback", "GET /office/feedback", "Phản ánh, kiến nghị"},
	{"broadcast", "GET /office/truyen-thanh", "Truyền thanh"},
	{"announcements", "GET /office/thong-bao", "Thông báo"},
	{"villages", "GET /office/thon", "Thôn, tổ công nghệ số"},
	{"dx", "GET /office/chuyen-doi-so", "Chuyển đổi số"},
	{"products", "GET /office/san-pham", "Sản phẩm OCOP"},
	{"qrforms", "GET /office/bieu-mau", "Biểu mẫu QR"},
	{"telehealth", "GET /tram-y-te", "Khám từ xa"},
	{"payments", "GET /office/payments", "Thu phí"},
	{"admin", "GET /admin", "Quản trị"},
	{"procedures", "GET /admin/procedures", "Thủ tục"},
	{"calendar", "GET /admin/calendar", "Lịch làm việc"},
	{"admin-unit", "GET /admin/unit", "Cài đặt đơn vị"},
	{"admin-notify", "GET /admin/thong-bao", "Mẫu tin nhắn"},
	{"admin-floor", "GET /admin/quay", "Quầy, máy lấy số"},
	{"admin-payments", "GET /admin/payments", "Tài khoản thu"},
	{"admin-signing", "GET /admin/signing", "Chữ ký số"},
	{"audit", "GET /admin/audit", "Nhật ký"},
}

// menu is the office menu p may follow (none for a citizen or a volunteer).
func (s *Server) menu(p *auth.Principal) []navItem {
	if !p.HasRole(auth.OfficeRoles...) {
		return nil
	}
	var out []navItem
	for _, m := range officeMenu {
		if m.Key == "desk" && !p.HasRole(auth.RoleCounter) {
			continue
		}
		i := slices.IndexFunc(s.routes, func(rt httpx.Route) bool { return rt.Pattern == m.Pattern })
		if i >= 0 && s.routes[i].Access.Allows(p) {
			out = append(out, navItem{m.Key, strings.TrimPrefix(m.Pattern, "GET "), m.Label})
		}
	}
	return out
}
