package web_test

import (
	"github.com/xaso-vn/xaso/internal/auth"
)

// speakerOnly marks routes a loudspeaker calls with its own token (Authorization: Bearer
// <speaker token>), not a user: the matrix expects 401 from every user and from
// anonymous callers, who hold no speaker token. Their own rules (a speaker of the
// bulletin's cluster) are tested in internal/broadcast and the API's scenario test.
var speakerOnly = []auth.Role{"speaker"}

// broadcastOperators: the leader, the culture officer (công chức văn hóa - xã hội) and the
// unit administrator; only the leader approves (tested in internal/broadcast and announce).
var broadcastOperators = []auth.Role{auth.RoleLeader, auth.RoleCulture, auth.RoleUnitAdmin}

// broadcastAccess is the matrix's expectation for the loudspeakers and the announcements
// (docs/BROADCAST.md).
var broadcastAccess = map[string][]auth.Role{
	"GET /office/truyen-thanh":                        broadcastOperators,
	"POST /office/truyen-thanh/ban-tin":               broadcastOperators,
	"POST /office/truyen-thanh/ban-tin/{id}/{action}": broadcastOperators,
	"POST /office/truyen-thanh/cum-loa":               broadcastOperators,
	"POST /office/truyen-thanh/loa":                   broadcastOperators,
	"GET /office/truyen-thanh/lich":                   broadcastOperators,
	"POST /office/truyen-thanh/lich":                  broadcastOperators,
	"GET /api/v1/broadcast/clusters":                  broadcastOperators,
	"POST /api/v1/broadcast/clusters":                 broadcastOperators,
	"GET /api/v1/broadcast/speakers":                  broadcastOperators,
	"POST /api/v1/broadcast/speakers":                 broadcastOperators,
	"GET /api/v1/bulletins":                           broadcastOperators,
	"POST /api/v1/bulletins":                          broadcastOperators,
	"POST /api/v1/bulletins/{id}/actions/{action}":    broadcastOperators,
	"GET /api/v1/bulletins/{id}/plays":                broadcastOperators,
	"GET /api/v1/broadcast/monthly":                   broadcastOperators,
	"GET /api/v1/speakers/feed":                       speakerOnly,
	"GET /api/v1/speakers/bulletins/{id}/audio":       speakerOnly,
	"POST /api/v1/speakers/plays":                     speakerOnly,
	// Announcements: the portal's pages and the API's list are public.
	"GET /thong-bao":                                   nil,
	"GET /thong-bao/{id}":                              nil,
	"GET /thong-bao/{id}/tep/{n}":                      nil, // a draft's files: the unit's officials only (404 to others)
	"GET /office/thong-bao":                            broadcastOperators,
	"POST /office/thong-bao":                           broadcastOperators,
	"POST /office/thong-bao/{id}/doc-tren-loa":         broadcastOperators,
	"POST /office/thong-bao/{id}/tep":                  broadcastOperators,
	"POST /office/thong-bao/{id}/{action}":             broadcastOperators,
	"GET /api/v1/announcements":                        nil,
	"POST /api/v1/announcements":                       broadcastOperators,
	"POST /api/v1/announcements/{id}/actions/{action}": broadcastOperators,
	"POST /api/v1/announcements/{id}/attachments":      broadcastOperators,
}
