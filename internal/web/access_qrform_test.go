package web_test

import (
	"github.com/xaso-vn/xaso/internal/auth"
)

// qrBuilders build, publish and read the QR forms and their answers (personal and
// health data): the leader, the culture officer, the specialists, the unit's
// administrator (qrform.Builders).
var qrBuilders = []auth.Role{auth.RoleLeader, auth.RoleCulture, auth.RoleSpecialist, auth.RoleUnitAdmin}

// qrformAccess is the matrix's expectation for the QR forms (docs/QRFORMS.md).
var qrformAccess = map[string][]auth.Role{
	// Public: a published form and answering it (a draft is not found for others: the
	// service checks it, qrform_test.go).
	"GET /api/v1/forms/{id}":          nil,
	"POST /api/v1/forms/{id}/answers": nil,
	"GET /bm/{code}":                  nil,
	"POST /bm/{code}":                 nil,
	// The builders.
	"GET /api/v1/forms":                         qrBuilders,
	"POST /api/v1/forms":                        qrBuilders,
	"PUT /api/v1/forms/{id}":                    qrBuilders,
	"POST /api/v1/forms/{id}/publish":           qrBuilders,
	"GET /api/v1/forms/{id}/answers":            qrBuilders,
	"GET /api/v1/forms/{id}/counts":             qrBuilders,
	"GET /office/bieu-mau":                      qrBuilders,
	"POST /office/bieu-mau":                     qrBuilders,
	"GET /office/bieu-mau/{id}":                 qrBuilders,
	"POST /office/bieu-mau/{id}":                qrBuilders,
	"POST /office/bieu-mau/{id}/phat-hanh":      qrBuilders,
	"GET /office/bieu-mau/{id}/ap-phich":        qrBuilders,
	"GET /office/bieu-mau/{id}/xuat":            qrBuilders,
	"GET /office/bieu-mau/tep/{answer}/{field}": qrBuilders,
}
