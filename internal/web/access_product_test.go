package web_test

import (
	"github.com/xaso-vn/xaso/internal/auth"
)

// productEditors keep the commune's products: the leader, the specialist and the unit's
// administrator (product.Editors).
var productEditors = []auth.Role{auth.RoleLeader, auth.RoleSpecialist, auth.RoleUnitAdmin}

// productAccess is the matrix's expectation for the products, their batches and the
// Digital Link resolver (docs/PRODUCTS.md).
var productAccess = map[string][]auth.Role{
	// Public: the catalog, a product's page, its counted marketplace redirects and
	// photos, the resolver; the API's lists and documents.
	"GET /san-pham":                      nil,
	"GET /san-pham/{slug}":               nil,
	"GET /san-pham/{slug}/mua/{link}":    nil,
	"GET /san-pham/{slug}/anh/{photo}":   nil,
	"GET /01/{path...}":                  nil,
	"GET /api/v1/products":               nil,
	"GET /api/v1/products/{id}":          nil,
	"GET /api/v1/products/{id}/batches":  nil,
	"POST /api/v1/products":              productEditors,
	"PUT /api/v1/products/{id}":          productEditors,
	"POST /api/v1/products/{id}/batches": productEditors,
	// Office pages: the officials read, the editors write.
	"GET /office/san-pham":                      officials,
	"POST /office/san-pham":                     productEditors,
	"GET /office/san-pham/{id}":                 officials,
	"POST /office/san-pham/{id}":                productEditors,
	"POST /office/san-pham/{id}/anh":            productEditors,
	"POST /office/san-pham/{id}/lo":             productEditors,
	"GET /office/san-pham/{id}/lo/{batch}/nhan": officials,
}
