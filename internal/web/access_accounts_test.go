package web_test

import "github.com/xaso-vn/xaso/internal/auth"

// accountsAccess is the authorization matrix of citizens' own accounts (issue 20):
// registering and resetting a password are public (their limits are per number,
// address and client address); adding a counter dossier to one's account needs a login
// (any role: a volunteer or an official has an account too); joining a dossier to a
// citizen's account from the office is the counter's (and the system administrator's).
var accountsAccess = map[string][]auth.Role{
	"GET /dang-ky":                                   nil,
	"POST /dang-ky":                                  nil,
	"GET /dang-ky/{id}":                              nil,
	"POST /dang-ky/{id}":                             nil,
	"GET /quen-mat-khau":                             nil,
	"POST /quen-mat-khau":                            nil,
	"GET /quen-mat-khau/{id}":                        nil,
	"POST /quen-mat-khau/{id}":                       nil,
	"POST /account/ho-so-truc-tiep":                  {"user"},
	"POST /office/dossiers/{code}/lien-ket":          {auth.RoleCounter},
	"POST /office/dossiers/{code}/lien-ket/xac-nhan": {auth.RoleCounter},

	"POST /api/v1/citizens/registrations":                  nil,
	"POST /api/v1/citizens/registrations/{id}/confirm":     nil,
	"POST /api/v1/password-resets":                         nil,
	"POST /api/v1/password-resets/{id}/confirm":            nil,
	"POST /api/v1/me/dossiers/link":                        {"user"},
	"POST /api/v1/dossiers/{code}/owner-link":              {auth.RoleCounter},
	"POST /api/v1/dossiers/{code}/owner-link/{id}/confirm": {auth.RoleCounter},
}
