// Package apperr gives errors a kind, a stable machine-readable code and a message in
// Vietnamese, so that one adapter at the HTTP edge (and one in the CLI) can turn any error
// into the right status, problem document or page without comparing strings.
//
// Capability packages declare their sentinel errors with New and wrap them with context
// using fmt.Errorf("...: %w", ErrX); errors.Is still matches and As finds the kind.
package apperr

import (
	"errors"
	"net/http"
)

// Kind classifies an error by what the caller can do about it.
type Kind int

const (
	Internal        Kind = iota // a bug or an outage: not the caller's fault
	Invalid                     // the input is wrong; the message says how
	NotFound                    // no such record (or not visible to the caller)
	Conflict                    // the record exists, or changed meanwhile
	Unauthenticated             // credentials missing or wrong
	Forbidden                   // authenticated, but not allowed
	TooManyRequests             // rate limited
	Unavailable                 // a dependency is down; retry later
)

// Error is an error with a kind, a stable code (snake_case, for API clients) and a
// Vietnamese message fit to show to a user. It never carries personal data.
type Error struct {
	Kind    Kind
	Code    string
	Message string
	Err     error // the underlying cause, for logs only
}

func (e *Error) Error() string {
	if e.Err != nil {
		return e.Code + ": " + e.Message + ": " + e.Err.Error()
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is match two *Error values with the same code, so a sentinel matches a
// copy that was enriched with a cause via With.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

// New returns an error of the given kind; use it for package-level sentinels.
func New(kind Kind, code, message string) *Error {
	return &Error{Kind: kind, Code: code, Message: message}
}

// With returns a copy of e carrying cause; errors.Is(copy, e) stays true.
func (e *Error) With(cause error) *Error {
	c := *e
	c.Err = cause
	return &c
}

// Invalidf builds an Invalid error whose message names the offending field.
func Invalidf(code, message string) *Error { return New(Invalid, code, message) }

// From finds the *Error in err's chain, or describes err as an internal error.
func From(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Kind: Internal, Code: "internal", Message: "Đã có lỗi hệ thống. Vui lòng thử lại sau.", Err: err}
}

// KindOf returns the kind of err (Internal when it carries none).
func KindOf(err error) Kind { return From(err).Kind }

// HTTPStatus maps a kind to its HTTP status code.
func (k Kind) HTTPStatus() int {
	switch k {
	case Invalid:
		return http.StatusUnprocessableEntity
	case NotFound:
		return http.StatusNotFound
	case Conflict:
		return http.StatusConflict
	case Unauthenticated:
		return http.StatusUnauthorized
	case Forbidden:
		return http.StatusForbidden
	case TooManyRequests:
		return http.StatusTooManyRequests
	case Unavailable:
		return http.StatusServiceUnavailable
	default:
		return http.StatusInternalServerError
	}
}

// Common errors shared by several capabilities.
var (
	ErrNotFound        = New(NotFound, "not_found", "Không tìm thấy nội dung yêu cầu.")
	ErrUnauthenticated = New(Unauthenticated, "unauthenticated", "Vui lòng đăng nhập.")
	ErrForbidden       = New(Forbidden, "forbidden", "Bạn không có quyền thực hiện thao tác này.")
	ErrRateLimited     = New(TooManyRequests, "rate_limited", "Bạn thao tác quá nhanh. Vui lòng thử lại sau ít phút.")
)

// Detail is one problem of an input, located by field.
type Detail struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Detailed is implemented by validation errors that know which fields are wrong, so the
// API can list them next to the general message and a form can show each by its field.
type Detailed interface {
	Details() []Detail
}

// DetailsOf returns the field problems in err's chain, if any.
func DetailsOf(err error) []Detail {
	var d Detailed
	if errors.As(err, &d) {
		return d.Details()
	}
	return nil
}
