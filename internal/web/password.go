package web

import (
	"net/http"

	"github.com/xaso-vn/xaso/internal/auth"
)

// passwordPath is the page of the user's own change of password. A user who logged in
// with a one-time password (a new account or a reset by an administrator) is sent here,
// and nothing else that needs a login is served until they have chosen their own
// password (Server.route).
const passwordPath = "/account/password"

// passwordView is the change-of-password page.
type passwordView struct {
	// OneTime: the user's password is a one-time password they must change now.
	OneTime bool
	// Problem is what was wrong with the form just sent.
	Problem string
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderPassword(w, r, http.StatusOK, "")
}

func (s *Server) renderPassword(w http.ResponseWriter, r *http.Request, status int, problem string) error {
	p := auth.PrincipalFrom(r.Context())
	v := s.view(r, "Đổi mật khẩu")
	if p.HasRole(auth.OfficeRoles...) {
		v.Area = "office"
	}
	v.Data = passwordView{OneTime: p.MustChangePassword, Problem: problem}
	return s.views.render(w, status, "password", v)
}
