// Package httpx holds what the HTML pages (internal/web) and the JSON API (internal/api)
// share at the HTTP edge: handlers that return errors, the route table with each route's
// access rule, the problem+json format, request ids and client addresses.
package httpx

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
)

// HandlerFunc is an HTTP handler that returns its error to one adapter instead of writing
// error responses itself.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Access says who may call a route. The zero value means "any authenticated user".
type Access struct {
	Public bool        // no login needed
	Roles  []auth.Role // when set: the caller must hold one of these roles (in some unit)
}

// Anyone is the access rule of public routes.
var Anyone = Access{Public: true}

// LoggedIn is the access rule of routes for every authenticated user.
var LoggedIn = Access{}

// OnlyRoles restricts a route to holders of one of roles.
func OnlyRoles(roles ...auth.Role) Access { return Access{Roles: roles} }

// Allows reports whether p may call a route with this rule. Unit-level checks (may this
// officer act on this dossier of this unit?) happen in the handler with Principal.Can.
func (a Access) Allows(p *auth.Principal) bool {
	switch {
	case a.Public:
		return true
	case p == nil:
		return false
	case len(a.Roles) == 0:
		return true
	default:
		return p.IsSystemAdmin() || p.HasRole(a.Roles...)
	}
}

// Route is one entry of the route table: authorization is decided here, in one place
// per route, and the authorization matrix test walks this table.
type Route struct {
	Pattern string // net/http pattern, "GET /api/v1/me"
	Access  Access
	Handler HandlerFunc
	// Stateless routes (static files, health, metrics) are served without loading the
	// session: they need no caller, and a session touched by every stylesheet request
	// would write to the database and defeat caching.
	Stateless bool
	// PasswordChange routes are served to a user who must first change a one-time
	// password (auth.Principal.MustChangePassword): the change itself and logging out.
	// Any other route needing a login is refused to that user, and a public one serves
	// them as an anonymous visitor.
	PasswordChange bool
}

type requestIDKey struct{}

// RequestID returns the request id of ctx.
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// WithRequestID attaches an id to r: the caller's X-Request-Id when it is sane, or a new
// random one. The id is echoed in the response so a citizen can quote it to support.
func WithRequestID(r *http.Request) (*http.Request, string) {
	id := r.Header.Get("X-Request-Id")
	if len(id) < 8 || len(id) > 64 || strings.ContainsFunc(id, func(c rune) bool {
		return !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_')
	}) {
		b := make([]byte, 8)
		rand.Read(b)
		id = hex.EncodeToString(b)
	}
	return r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)), id
}

// ClientIP returns the caller's address: the connection's peer, or with trustProxy the
// last address a proxy appended to X-Forwarded-For (the one our proxy saw).
func ClientIP(r *http.Request, trustProxy bool) string {
	if trustProxy {
		if xff := r.Header.Get("X-Forwarded-For"); xff != "" {
			parts := strings.Split(xff, ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// IsAPI reports whether r is a JSON API request (errors answer as problem+json).
func IsAPI(r *http.Request) bool { return strings.HasPrefix(r.URL.Path, "/api/") }

// Problem is an RFC 9457 problem document with xaso's stable code.
type Problem struct {
	Type      string          `json:"type"`
	Title     string          `json:"title"`
	Status    int             `json:"status"`
	Code      string          `json:"code"`
	Detail    string          `json:"detail,omitempty"`
	Errors    []apperr.Detail `json:"errors,omitempty"`
	RequestID string          `json:"request_id,omitempty"`
}

// WriteProblem answers with err as application/problem+json.
func WriteProblem(w http.ResponseWriter, r *http.Request, err error) {
	e := apperr.From(err)
	details := apperr.DetailsOf(err)
	status := e.Kind.HTTPStatus()
	p := Problem{Type: "about:blank", Title: http.StatusText(status), Status: status, Code: e.Code,
		Detail: e.Message, Errors: details, RequestID: RequestID(r.Context())}
	if e.Kind == apperr.Unauthenticated {
		w.Header().Set("WWW-Authenticate", `Bearer realm="xaso"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(p)
}

// WriteJSON answers with v as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) error {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	return json.NewEncoder(w).Encode(v)
}

// List is the envelope of every list the API returns.
type List[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// NewList makes a list envelope; a nil slice becomes [] so clients never see null.
func NewList[T any](items []T, total int) List[T] {
	if items == nil {
		items = []T{}
	}
	return List[T]{Items: items, Total: total}
}

// ErrBadPage is returned for malformed limit/offset parameters.
var ErrBadPage = apperr.New(apperr.Invalid, "invalid_pagination", "Tham số limit/offset phải là số nguyên không âm (limit tối đa 500).")

// Page reads limit (default 50, at most 500) and offset (default 0).
func Page(r *http.Request) (limit, offset int, err error) {
	limit, offset = 50, 0
	if v := r.URL.Query().Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			return 0, 0, ErrBadPage
		}
		limit = n
	}
	if v := r.URL.Query().Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return 0, 0, ErrBadPage
		}
		offset = n
	}
	return limit, offset, nil
}

// Errors of JSON decoding.
var (
	ErrNotJSON     = apperr.New(apperr.Invalid, "unsupported_media_type", "Nội dung gửi lên phải là JSON (Content-Type: application/json).")
	ErrBadJSON     = apperr.New(apperr.Invalid, "invalid_json", "Nội dung JSON không hợp lệ.")
	ErrBodyTooBig  = apperr.New(apperr.Invalid, "body_too_large", "Nội dung gửi lên quá lớn.")
	ErrUnknownPath = apperr.New(apperr.NotFound, "not_found", "Không có địa chỉ này.")
)

// DecodeJSON reads one JSON object of at most limit bytes into dst, rejecting unknown
// fields so a misspelt field name is an error rather than silently ignored.
func DecodeJSON(w http.ResponseWriter, r *http.Request, dst any, limit int64) error {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		return ErrNotJSON
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return ErrBodyTooBig
		}
		return apperr.New(apperr.Invalid, ErrBadJSON.Code, fmt.Sprintf("%s (%s)", ErrBadJSON.Message, jsonErrorDetail(err))).With(err)
	}
	if dec.More() {
		return ErrBadJSON
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrBadJSON
	}
	return nil
}

func jsonErrorDetail(err error) string {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		return fmt.Sprintf("lỗi cú pháp ở byte %d", syn.Offset)
	case errors.As(err, &typ):
		return fmt.Sprintf("trường %q sai kiểu", typ.Field)
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "trường không được hỗ trợ: " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return "nội dung trống hoặc bị cắt"
	default:
		return "không đọc được"
	}
}

// FileURL is where a dossier's attachment is served (the API's route, which the office
// pages link to).
func FileURL(code string, id int64) string {
	return "/api/v1/dossiers/" + url.PathEscape(code) + "/files/" + strconv.FormatInt(id, 10)
}

// ReceiptPDFPath is the address of a fee receipt's PDF view.
func ReceiptPDFPath(id int64) string { return "/api/v1/receipts/" + strconv.FormatInt(id, 10) + ".pdf" }
