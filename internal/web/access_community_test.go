package web_test

import (
	"github.com/xaso-vn/xaso/internal/auth"
)

// teamReaders are the officials and the volunteers of the digital team: the teams' list
// and the help requests' list (a volunteer's own village only, checked by the service:
// community_test.go).
var teamReaders = append([]auth.Role{auth.RoleDigitalTeam}, officials...)

// communityAccess is the matrix's expectation for the villages, the digital teams and
// the help requests (docs/COMMUNITY.md).
var communityAccess = map[string][]auth.Role{
	// Public: a commune's villages, filing a help request and following it by code (its
	// personal fields with the secret; the steps checked by the service).
	"GET /api/v1/villages":                               nil,
	"POST /api/v1/help-requests":                         nil,
	"GET /api/v1/help-requests/{code}":                   nil,
	"POST /api/v1/help-requests/{code}/actions/{action}": nil,
	"GET /api/v1/community/teams":                        teamReaders,
	"GET /api/v1/help-requests":                          teamReaders,
	"POST /api/v1/community/visits":                      {auth.RoleDigitalTeam},
	"GET /api/v1/community/visits":                       {auth.RoleDigitalTeam},
	// The digital-transformation indicators: the officials read, the leader and the
	// administrator enter the manual values.
	"GET /api/v1/dx-indicators":         officials,
	"POST /api/v1/dx-indicators/values": {auth.RoleLeader, auth.RoleUnitAdmin},
	// Per village, the rows behind a value, the trend: the officials; the citizen app
	// reports its first run anonymously (rate-limited, idempotent).
	"GET /api/v1/dx-indicators/villages":   officials,
	"GET /api/v1/dx-indicators/{id}/rows":  officials,
	"GET /api/v1/dx-indicators/{id}/trend": officials,
	"POST /api/v1/app/installs":            nil,
	// Pages: the villages for the officials (the leader and the unit's administrator
	// edit), the volunteer's page, the public help form and follow-up.
	"GET /office/thon":                       officials,
	"POST /office/thon/{code}":               {auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /office/thon/{code}/ap-phich":       officials,
	"POST /office/thon/{code}/thanh-vien":    {auth.RoleLeader, auth.RoleUnitAdmin},
	"POST /office/thon/{code}/ha-tang":       {auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /office/chuyen-doi-so":              officials,
	"GET /office/chuyen-doi-so/{id}":         officials,
	"GET /cong-dong":                         {auth.RoleDigitalTeam},
	"POST /cong-dong/tham":                   {auth.RoleDigitalTeam},
	"POST /cong-dong/ho-tro/{code}/{action}": {auth.RoleDigitalTeam},
	"GET /ho-tro":                            nil,
	"POST /ho-tro":                           nil,
	"GET /ho-tro/{code}":                     nil,
	"POST /ho-tro/{code}/{action}":           nil,

	// Ending a member's service and recording their training: the editors; the poster
	// as a PDF: the officials.
	"POST /office/thon/{code}/thanh-vien/{id}/thoi":     {auth.RoleLeader, auth.RoleUnitAdmin},
	"POST /office/thon/{code}/thanh-vien/{id}/tap-huan": {auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /office/thon/{code}/ap-phich.pdf":              officials,
}
