package web_test

import (
	"github.com/xaso-vn/xaso/internal/auth"
)

// station is the health station's staff and the unit's administrator (the system
// administrator passes every rule).
var station = []auth.Role{auth.RoleHealth, auth.RoleUnitAdmin}

// telehealthAccess is the matrix's expectation for tele-health (docs/TELEHEALTH.md):
// booking is public (a logged-in citizen, or a phone proven by its code); a booking is
// read and cancelled by its citizen or with its secret (checked by the service:
// telehealth_test.go); the station publishes, sees its day, marks and counts.
var telehealthAccess = map[string][]auth.Role{
	"GET /api/v1/telehealth/slots":                   nil,
	"POST /api/v1/telehealth/slots":                  station,
	"POST /api/v1/telehealth/codes":                  nil,
	"POST /api/v1/telehealth/bookings":               nil,
	"GET /api/v1/telehealth/bookings/{code}":         nil,
	"POST /api/v1/telehealth/bookings/{code}/cancel": nil,
	"POST /api/v1/telehealth/bookings/{code}/mark":   station,
	"GET /api/v1/telehealth/day":                     station,
	"GET /api/v1/telehealth/months":                  station,
	"GET /kham-tu-xa":                                nil,
	"GET /kham-tu-xa/dat/{id}":                       nil,
	"POST /kham-tu-xa/dat/{id}/ma":                   nil,
	"POST /kham-tu-xa/dat/{id}":                      nil,
	"GET /kham-tu-xa/lich/{code}":                    nil,
	"POST /kham-tu-xa/lich/{code}/huy":               nil,
	"GET /tram-y-te":                                 station,
	"POST /tram-y-te/khung-gio":                      station,
	"POST /tram-y-te/lich/{code}/{mark}":             station,
}
