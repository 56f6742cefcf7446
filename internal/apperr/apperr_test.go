package apperr

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"testing"
)

func TestFromAndIs(t *testing.T) {
	sentinel := New(Conflict, "user_exists", "Tên đăng nhập đã có.")
	wrapped := fmt.Errorf("store: user %d: %w", 7, sentinel.With(io.EOF))

	if !errors.Is(wrapped, sentinel) {
		t.Fatal("errors.Is(wrapped, sentinel) = false")
	}
	if !errors.Is(wrapped, io.EOF) {
		t.Fatal("the cause is lost")
	}
	if got := From(wrapped); got.Kind != Conflict || got.Code != "user_exists" {
		t.Fatalf("From = %+v", got)
	}
	if got := From(io.EOF); got.Kind != Internal || got.Code != "internal" || !errors.Is(got, io.EOF) {
		t.Fatalf("From(plain) = %+v", got)
	}
	if errors.Is(sentinel, ErrNotFound) {
		t.Fatal("different codes must not match")
	}
}

func TestHTTPStatus(t *testing.T) {
	tests := []struct {
		kind Kind
		want int
	}{
		{Internal, http.StatusInternalServerError},
		{Invalid, http.StatusUnprocessableEntity},
		{NotFound, http.StatusNotFound},
		{Conflict, http.StatusConflict},
		{Unauthenticated, http.StatusUnauthorized},
		{Forbidden, http.StatusForbidden},
		{TooManyRequests, http.StatusTooManyRequests},
		{Unavailable, http.StatusServiceUnavailable},
	}
	for _, tt := range tests {
		if got := tt.kind.HTTPStatus(); got != tt.want {
			t.Errorf("Kind(%d).HTTPStatus() = %d, want %d", tt.kind, got, tt.want)
		}
	}
}
