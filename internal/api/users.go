package api

import (
	"net/http"
	"strconv"

	"github.com/xaso-vn/xaso/internal/account"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// Accounts for unit administrators, as on the pages (/admin/users): the same
// account.Service methods and rules.

// NewUser is the body of POST /api/v1/users.
type NewUser struct {
	Username string   `json:"username"`
	FullName string   `json:"full_name"`
	Unit     string   `json:"unit"` // the unit's code; the caller administers it
	Roles    []string `json:"roles"`
}

// UserRoles is the body of PUT /api/v1/users/{id}/roles: the user's roles in the unit,
// exactly (an empty list takes them all away).
type UserRoles struct {
	Unit  string   `json:"unit"`
	Roles []string `json:"roles"`
}

// OneTimePassword answers a creation or a reset: the password, shown this once.
type OneTimePassword struct {
	User     User   `json:"user"`
	Password string `json:"password"`
}

func userRoutes(h handlers) []httpx.Route {
	admins := httpx.OnlyRoles(auth.AdminRoles...)
	return []httpx.Route{
		{Pattern: "POST /api/v1/users", Access: admins, Handler: h.createUser},
		{Pattern: "GET /api/v1/users/{id}", Access: admins, Handler: h.getUser},
		{Pattern: "PUT /api/v1/users/{id}/roles", Access: admins, Handler: h.setUserRoles},
		{Pattern: "POST /api/v1/users/{id}/password", Access: admins, Handler: h.resetPassword},
		{Pattern: "POST /api/v1/users/{id}/disable", Access: admins, Handler: h.disableUser},
		{Pattern: "POST /api/v1/users/{id}/enable", Access: admins, Handler: h.enableUser},
	}
}

// unitAndRoles resolves a unit code and role names.
func (h handlers) unitAndRoles(r *http.Request, code string, names []string) (int64, []auth.Role, error) {
	u, err := h.Store.UnitByCode(r.Context(), code)
	if err != nil {
		return 0, nil, err
	}
	roles := make([]auth.Role, 0, len(names))
	for _, n := range names {
		role, err := auth.ParseRole(n)
		if err != nil {
			return 0, nil, account.ErrRoleNotGrantable
		}
		roles = append(roles, role)
	}
	return u.ID, roles, nil
}

func (h handlers) userAnswer(w http.ResponseWriter, r *http.Request, id int64, status int, pw string) error {
	u, ms, err := h.Accounts.User(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	out := User{ID: u.ID, Username: u.Username, FullName: u.FullName, Disabled: u.Disabled, MustChangePassword: u.MustChangePassword,
		Units: groupMemberships(ms)}
	w.Header().Set("Cache-Control", "no-store")
	if pw != "" {
		return httpx.WriteJSON(w, status, OneTimePassword{User: out, Password: pw})
	}
	return httpx.WriteJSON(w, status, out)
}

func pathUser(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return 0, auth.ErrUserNotFound
	}
	return id, nil
}

func (h handlers) createUser(w http.ResponseWriter, r *http.Request) error {
	var in NewUser
	if err := httpx.DecodeJSON(w, r, &in, 8<<10); err != nil {
		return err
	}
	if in.Unit == "" {
		return errUnitCode
	}
	unitID, roles, err := h.unitAndRoles(r, in.Unit, in.Roles)
	if err != nil {
		return err
	}
	id, pw, err := h.Accounts.Create(r.Context(), auth.PrincipalFrom(r.Context()),
		account.NewUser{Username: in.Username, FullName: in.FullName, UnitID: unitID, Roles: roles})
	if err != nil {
		return err
	}
	return h.userAnswer(w, r, id, http.StatusCreated, pw)
}

func (h handlers) getUser(w http.ResponseWriter, r *http.Request) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	return h.userAnswer(w, r, id, http.StatusOK, "")
}

func (h handlers) setUserRoles(w http.ResponseWriter, r *http.Request) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	var in UserRoles
	if err := httpx.DecodeJSON(w, r, &in, 8<<10); err != nil {
		return err
	}
	if in.Unit == "" {
		return errUnitCode
	}
	unitID, roles, err := h.unitAndRoles(r, in.Unit, in.Roles)
	if err != nil {
		return err
	}
	if err := h.Accounts.SetRoles(r.Context(), auth.PrincipalFrom(r.Context()), id, unitID, roles); err != nil {
		return err
	}
	return h.userAnswer(w, r, id, http.StatusOK, "")
}

func (h handlers) resetPassword(w http.ResponseWriter, r *http.Request) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	pw, err := h.Accounts.ResetPassword(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return h.userAnswer(w, r, id, http.StatusOK, pw)
}

func (h handlers) disableUser(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, true)
}
func (h handlers) enableUser(w http.ResponseWriter, r *http.Request) error {
	return h.setDisabled(w, r, false)
}

func (h handlers) setDisabled(w http.ResponseWriter, r *http.Request, disabled bool) error {
	id, err := pathUser(r)
	if err != nil {
		return err
	}
	if err := h.Accounts.SetDisabled(r.Context(), auth.PrincipalFrom(r.Context()), id, disabled); err != nil {
		return err
	}
	return h.userAnswer(w, r, id, http.StatusOK, "")
}
