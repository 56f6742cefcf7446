package web

import (
	"net/http"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Accounts from the pages (/admin/users): a unit administrator adds an official with
// roles, sets their roles, resets their password (a one-time password shown once on the
// answer page, never again), disables or enables the account and installs their signing
// key. Every form calls account.Service, as /api/v1/users does; every change is audited
// by the store.

func (s *Server) adminUserRoutes() []httpx.Route {
	admins := httpx.OnlyRoles(auth.AdminRoles...)
	return []httpx.Route{
		{Pattern: "GET /admin/users/new", Access: admins, Handler: s.newUserPage},
		{Pattern: "POST /admin/users", Access: admins, Handler: s.createUser},
		{Pattern: "GET /admin/users/{id}", Access: admins, Handler: s.userPage},
		{Pattern: "POST /admin/users/{id}/roles", Access: admins, Handler: s.setUserRoles},
		{Pattern: "POST /admin/users/{id}/password", Access: admins, Handler: s.resetUserPassword},
		{Pattern: "POST /admin/users/{id}/disable", Access: admins, Handler: s.disableUser},
		{Pattern: "POST /admin/users/{id}/enable", Access: admins, Handler: s.enableUser},
		{Pattern: "POST /admin/users/{id}/keys", Access: admins, Handler: s.addUserKey},
		{Pattern: "POST /admin/users/{id}/keys/withdraw", Access: admins, Handler: s.withdrawUserKey},
	}
}

// roleChoice is a role's checkbox.
type roleChoice struct {
	Role    auth.Role
	Label   string
	Checked bool
}

// userPageView is the page of one user, or the new user form (User.ID == 0).
type userPageView struct {
	User        auth.User
	Memberships []auth.Membership
	Units       []unit.Unit // the units the administrator administers
	Unit        int64       // the unit whose roles are shown
	Roles       []roleChoice
	// Password is the one-time password just set, shown on this answer only.
	Password string
	// Typed holds the new user form's values after a refusal.
	Username, FullName string
	// Problem is the refusal of the last form, at Field ("username", "full_name",
	// "roles", "key", "passphrase", "image", "form"), with its stable code.
	Field, Problem, Code string
	Keys                 []userKeyRow
}

// userKeyRow is an installed key as the user's page lists it, with what its withdrawal
// form sends.
type userKeyRow struct {
	Kind, Subject, Serial, NotAfter string
	HasImage                        bool
	RawKind                         string
	UnitID                          int64
}

// ErrAt is the problem at field, or "".
func (v userPageView) ErrAt(field string) string {
	if v.Field == field {
		return v.Problem
	}
	return ""
}

// adminUnits are the units p administers (every unit for the system administrator).
func (s *Server) adminUnits(r *http.Request) ([]unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	units, _, err := s.Store.Units(r.Context(), 500, 0)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(units, func(u unit.Unit) bool { return !p.Can(u.ID, auth.RoleUnitAdmin) }), nil
}

// chosenUnit is the unit named by the form's or query's "unit" among units, else the first.
func chosenUnit(r *http.Request, units []unit.Unit) (int64, error) {
	if len(units) == 0 {
		return 0, apperr.ErrForbidden
	}
	v := r.FormValue("unit")
	if v == "" {
		return units[0].ID, nil
	}
	id, err := strconv.ParseInt(v, 10, 64)
	if err != nil || !slices.ContainsFunc(units, func(u unit.Unit) bool { return u.ID == id }) {
		return 0, apperr.ErrForbidden
	}
	return id, nil
}

func roleChoices(checked []auth.Role) []roleChoice {
	out := make([]roleChoice, len(account.Grantable))
	for i, r := range account.Grantable {
		out[i] = roleChoice{Role: r, Label: r.Label(), Checked: slices.Contains(checked, r)}
	}
	return out
}

// postedRoles reads the checked roles; an unknown one is refused.
func postedRoles(r *http.Request) ([]auth.Role, error) {
	var out []auth.Role
	for _, v := range r.PostForm["role"] {
		role, err := auth.ParseRole(v)
		if err != nil {
			return nil, account.ErrRoleNotGrantable
		}
		out = append(out, role)
	}
	return out, nil
}

func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, v userPageView) error {
	if v.Units == nil {
		units, err := s.adminUnits(r)
		if err != nil {
			return err
		}
		v.Units = units
	}
	title := "Thêm người dùng"
	if v.User.ID != 0 {
		title = "Người dùng " + v.User.Username
	}
	page := s.view(r, title)
	page.Area, page.Nav, page.Data = "office", "admin", v
	page.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, status, "admin_user", page)
}

func (s *Server) newUserPage(w http.ResponseWriter, r *http.Request) error {
	units, err := s.adminUnits(r)
	if err != nil {
		return err
	}
	unitID, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	return s.renderUser(w, r, http.StatusOK, userPageView{Units: units, Unit: unitID, Roles: roleChoices(nil)})
}

// userField maps an account refusal to the input it is about.
var userField = map[string]string{
	auth.ErrBadUsername.Code: "username", auth.ErrUserExists.Code: "username", account.ErrFullName.Code: "full_name",
	account.ErrNoRole.Code: "roles", account.ErrRoleNotGrantable.Code: "roles", account.ErrKeyFile.Code: "key",
	account.ErrKeyKind.Code: "key", account.ErrKeyTooLarge.Code: "key", account.ErrKeyPassphrase.Code: "passphrase", signing.ErrWrongPassphrase.Code: "passphrase",
	signing.ErrP12Invalid.Code: "key", signing.ErrImageInvalid.Code: "image",
}

// refused draws v again with err at its field, when err is a refusal of the input;
// anything else goes to the error adapter.
func (s *Server) refusedUser(w http.ResponseWriter, r *http.Request, v userPageView, err error) error {
	e := apperr.From(err)
	if e.Kind != apperr.Invalid && e.Kind != apperr.Conflict && e.Kind != apperr.Unauthenticated {
		return err
	}
	v.Field, v.Problem, v.Code = userField[e.Code], e.Message, e.Code
	if v.Field == "" {
		v.Field = "form"
		if e.Kind == apperr.Unauthenticated { // a wrong PKCS#12 passphrase
			v.Field = "passphrase"
		}
	}
	status := e.Kind.HTTPStatus()
	if e.Kind == apperr.Unauthenticated {
		status = http.StatusUnprocessableEntity
	}
	return s.renderUser(w, r, status, v)
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	units, err := s.adminUnits(r)
	if err != nil {
		return err
	}
	unitID, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	roles, rerr := postedRoles(r)
	v := userPageView{Units: units, Unit: unitID, Roles: roleChoices(roles), Username: r.PostFormValue("username"),
		FullName: r.PostFormValue("full_name")}
	if rerr != nil {
		return s.refusedUser(w, r, v, rerr)
	}
	p := auth.PrincipalFrom(r.Context())
	id, pw, err := s.Accounts.Create(r.Context(), p, account.NewUser{Username: v.Username, FullName: v.FullName, UnitID: unitID, Roles: roles})
	if err != nil {
		return s.refusedUser(w, r, v, err)
	}
	return s.showUser(w, r, id, unitID, pw, http.StatusCreated)
}

// showUser draws user id's page, with the one-time password just set when pw is not "".
func (s *Server) showUser(w http.ResponseWriter, r *http.Request, id, unitID int64, pw string, status int) error {
	p := auth.PrincipalFrom(r.Context())
	u, ms, err := s.Accounts.User(r.Context(), p, id)
	if err != nil {
		return err
	}
	units, err := s.adminUnits(r)
	if err != nil {
		return err
	}
	if unitID == 0 {
		if unitID, err = chosenUnit(r, units); err != nil {
			return err
		}
	}
	var roles []auth.Role
	for _, m := range ms {
		if m.UnitID == unitID {
			roles = append(roles, m.Role)
		}
	}
	keys, err := s.Accounts.Keys(r.Context(), p, u.ID)
	if err != nil {
		return err
	}
	v := userPageView{User: u, Memberships: ms, Units: units, Unit: unitID, Roles: roleChoices(roles), Password: pw}
	for _, k := range keys {
		label := "Chữ ký số cá nhân"
		if k.Kind == "seal" {
			label = "Chữ ký số của cơ quan (con dấu)"
		}
		v.Keys = append(v.Keys, userKeyRow{Kind: label, Subject: k.Subject, Serial: k.Serial,
			NotAfter: k.NotAfter.In(locale.Zone).Format("02/01/2006"), HasImage: k.HasImage, RawKind: k.Kind, UnitID: k.UnitID})
	}
	if pw != "" {
		// The one-time password must not be kept by a cache or shown again by the back button.
		w.Header().Set("Cache-Control", "no-store")
	}
	return s.renderUser(w, r, status, v)
}

func userID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, auth.ErrUserNotFound
	}
	return id, nil
}

func (s *Server) userPage(w http.ResponseWriter, r *http.Request) error {
	id, err := userID(r)
	if err != nil {
		return err
	}
	return s.showUser(w, r, id, 0, "", http.StatusOK)
}

// userChange runs change on user id for a small form and redirects to the user's page
// with msg, or draws the page with the refusal.
func (s *Server) userChange(w http.ResponseWriter, r *http.Request, change func(p *auth.Principal, id, unitID int64) error, msg string) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	id, err := userID(r)
	if err != nil {
		return err
	}
	units, err := s.adminUnits(r)
	if err != nil {
		return err
	}
	unitID, err := chosenUnit(r, units)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	if err := change(p, id, unitID); err != nil {
		u, ms, lerr := s.Accounts.User(r.Context(), p, id)
		if lerr != nil {
			return lerr
		}
		roles, _ := postedRoles(r)
		return s.refusedUser(w, r, userPageView{User: u, Memberships: ms, Units: units, Unit: unitID, Roles: roleChoices(roles)}, err)
	}
	s.sessions.Put(r.Context(), "flash", msg)
	http.Redirect(w, r, "/admin/users/"+strconv.FormatInt(id, 10)+"?unit="+strconv.FormatInt(unitID, 10), http.StatusSeeOther)
	return nil
}

func (s *Server) setUserRoles(w http.ResponseWriter, r *http.Request) error {
	return s.userChange(w, r, func(p *auth.Principal, id, unitID int64) error {
		roles, err := postedRoles(r)
		if err != nil {
			return err
		}
		return s.Accounts.SetRoles(r.Context(), p, id, unitID, roles)
	}, "Đã lưu vai trò.")
}

func (s *Server) disableUser(w http.ResponseWriter, r *http.Request) error {
	return s.userChange(w, r, func(p *auth.Principal, id, _ int64) error {
		return s.Accounts.SetDisabled(r.Context(), p, id, true)
	}, "Đã khóa tài khoản: mọi phiên đăng nhập và mã truy cập API của người này bị từ chối cho đến khi mở khóa.")
}

func (s *Server) enableUser(w http.ResponseWriter, r *http.Request) error {
	return s.userChange(w, r, func(p *auth.Principal, id, _ int64) error {
		return s.Accounts.SetDisabled(r.Context(), p, id, false)
	}, "Đã mở khóa tài khoản.")
}

// resetUserPassword answers with the user's page showing the one-time password, once: it
// is not put in the session or a redirect.
func (s *Server) resetUserPassword(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	id, err := userID(r)
	if err != nil {
		return err
	}
	pw, err := s.Accounts.ResetPassword(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return s.showUser(w, r, id, 0, pw, http.StatusOK)
}

// addUserKey installs the user's signing key (account.Service.SetKey, as PUT
// /api/v1/users/{id}/signing-key does), in place of their key of that kind in the unit.
func (s *Server) addUserKey(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, account.MaxKeyUpload)
	if err := r.ParseMultipartForm(account.MaxKeyUpload); err != nil {
		return account.ErrKeyTooLarge
	}
	return s.userChange(w, r, func(p *auth.Principal, id, unitID int64) error {
		in := account.KeyUpload{UnitID: unitID, Kind: r.PostFormValue("kind"), Passphrase: r.PostFormValue("passphrase")}
		var err error
		if in.P12, err = httpx.FormFile(r, "p12", account.MaxP12Size, account.ErrKeyTooLarge); err != nil {
			return err
		}
		if in.Image, err = httpx.FormFile(r, "image", account.MaxImageSize, account.ErrKeyTooLarge); err != nil {
			return err
		}
		_, err = s.Accounts.SetKey(r.Context(), p, id, in)
		return err
	}, "Đã lưu khóa ký số (thay khóa cùng loại trước đó, nếu có). Mật khẩu của tệp không được lưu: người ký nhập lại mỗi lần ký.")
}

// withdrawUserKey withdraws the user's key of a kind in the unit (account.Service.WithdrawKey,
// as DELETE /api/v1/users/{id}/signing-key does).
func (s *Server) withdrawUserKey(w http.ResponseWriter, r *http.Request) error {
	return s.userChange(w, r, func(p *auth.Principal, id, unitID int64) error {
		return s.Accounts.WithdrawKey(r.Context(), p, id, unitID, r.PostFormValue("kind"))
	}, "Đã thu hồi khóa ký số: người này không ký được bằng khóa đó nữa; văn bản đã ký trước vẫn hợp lệ.")
}
