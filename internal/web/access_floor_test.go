package web_test

import (
	"github.com/xaso-vn/xaso/internal/auth"
)

// floorAccess is the authorization matrix's expectation for the service centre's floor
// (pages and API; nil: public), written independently of the route table like access.
// The public routes are the kiosk, the hall's screen, the citizen's ticket and booking,
// and the desk's tablet; they carry no personal data. Unit-level rules (the desk one
// holds, the unit one serves) are checked by queue.Service (queue and floor tests).
var counterOnly = []auth.Role{auth.RoleCounter}

var floorStatsRoles = []auth.Role{auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter}

var floorAccess = map[string][]auth.Role{
	"GET /kiosk/{unit}":                         nil,
	"POST /kiosk/{unit}/so":                     nil,
	"POST /kiosk/{unit}/hen":                    nil,
	"GET /kiosk/{unit}/so/{token}":              nil,
	"GET /so-thu-tu/{token}":                    nil,
	"GET /man-hinh/{unit}":                      nil,
	"GET /man-hinh/{unit}/su-kien":              nil,
	"GET /man-hinh/{unit}/goi/{file}":           nil,
	"GET /dat-lich":                             nil,
	"POST /dat-lich":                            nil,
	"GET /hen/{code}":                           nil,
	"POST /hen/{code}/huy":                      nil,
	"GET /quay/{unit}/{desk}/danh-gia":          nil,
	"POST /quay/{unit}/{desk}/danh-gia":         nil,
	"GET /office/quay":                          counterOnly,
	"POST /office/quay/{desk}/nhan":             counterOnly,
	"GET /office/quay/{desk}":                   counterOnly,
	"POST /office/quay/{desk}/{action}":         counterOnly,
	"GET /office/quay/thong-ke":                 floorStatsRoles,
	"POST /api/v1/queue/tickets":                nil,
	"GET /api/v1/queue/tickets/{token}":         nil,
	"POST /api/v1/queue/check-in":               nil,
	"GET /api/v1/queue/display":                 nil,
	"GET /api/v1/queue/desks":                   counterOnly,
	"POST /api/v1/queue/desks/{desk}/{action}":  counterOnly,
	"POST /api/v1/queue/desks/{desk}/ratings":   nil,
	"GET /api/v1/queue/slots":                   nil,
	"POST /api/v1/queue/bookings":               nil,
	"GET /api/v1/queue/bookings/{code}":         nil,
	"POST /api/v1/queue/bookings/{code}/cancel": nil,
	"GET /api/v1/queue/stats":                   floorStatsRoles,
	"GET /api/v1/queue/officers":                floorStatsRoles,
}
