package web_test

import "github.com/xaso-vn/xaso/internal/auth"

// apiAccess is the authorization matrix's expectation for the JSON API's routes (nil:
// public; {"user"}: any logged-in user; else the roles), written independently of the
// route table like access.
var apiAccess = map[string][]auth.Role{
	"GET /api/v1/openapi.json": nil,
	// Notifications (docs/NOTIFY.md): the gateways' webhooks are authenticated by HMAC;
	// a subscription is the logged-in user's own; templates are the unit admin's.
	"POST /api/v1/notify/receipts/{gateway}":        nil,
	"POST /api/v1/notify/inbound/{gateway}":         nil,
	"GET /api/v1/push/key":                          nil,
	"GET /api/v1/me/notifications":                  {"user"},
	"PUT /api/v1/me/notifications/{channel}":        {"user"},
	"GET /api/v1/me/announcement-subscriptions":     {"user"},
	"PUT /api/v1/me/announcement-subscriptions":     {"user"},
	"POST /api/v1/push-subscriptions":               {"user"},
	"DELETE /api/v1/push-subscriptions":             {"user"},
	"GET /api/v1/notify/templates":                  auth.AdminRoles,
	"PUT /api/v1/notify/templates/{kind}/{channel}": auth.AdminRoles,
	"GET /api/v1/units":                             nil,
	"GET /api/v1/me":                                {"user"},
	"GET /api/v1/me/overview":                       {"user"},
	"GET /api/v1/users":                             auth.AdminRoles,
	"POST /api/v1/users":                            auth.AdminRoles,
	"GET /api/v1/users/{id}":                        auth.AdminRoles,
	"PUT /api/v1/users/{id}/roles":                  auth.AdminRoles,
	"POST /api/v1/users/{id}/password":              auth.AdminRoles,
	"POST /api/v1/users/{id}/disable":               auth.AdminRoles,
	"POST /api/v1/users/{id}/enable":                auth.AdminRoles,
	"GET /api/v1/users/{id}/signing-key":            auth.AdminRoles,
	"PUT /api/v1/users/{id}/signing-key":            auth.AdminRoles,
	"DELETE /api/v1/users/{id}/signing-key":         auth.AdminRoles,
	"GET /api/v1/audit":                             auth.AdminRoles,
	"GET /api/v1/calendar/{year}":                   nil,
	"GET /api/v1/calendar/decisions":                nil,
	"POST /api/v1/calendar/decisions":               auth.AdminRoles,
	"DELETE /api/v1/calendar/decisions/{id}":        auth.AdminRoles,
	"PUT /api/v1/calendar/office-hours":             auth.AdminRoles,
	"GET /api/v1/procedures":                        nil,
	"GET /api/v1/procedures/{code}":                 nil,
	"POST /api/v1/procedures":                       auth.AdminRoles,
	"PUT /api/v1/procedures/{code}":                 auth.AdminRoles,
	"POST /api/v1/procedures/{code}/publish":        auth.AdminRoles,
	"GET /api/v1/catalog/export":                    nil,
	"POST /api/v1/catalog/import":                   auth.AdminRoles,
	"POST /api/v1/dossiers":                         {"user"},
	"GET /api/v1/dossiers":                          {"user"},
	"GET /api/v1/dossiers/{code}":                   {"user"},
	"POST /api/v1/dossiers/{code}/actions/{action}": {"user"},
	"POST /api/v1/dossiers/{code}/actions/assign":   {auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /api/v1/delegations":                       auth.OfficeRoles,
	"POST /api/v1/delegations":                      auth.OfficeRoles,
	"DELETE /api/v1/delegations/{id}":               auth.OfficeRoles,
	"GET /api/v1/lookup/{code}":                     nil,
	"GET /api/v1/reports/one-stop":                  {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter, auth.RoleClerk},
	"GET /api/v1/dossiers/{code}/forms/{form}":      {"user"},
	"POST /api/v1/dossiers/{code}/files":            {"user"}, // officials of its units or its owner: checked in the handler
	"GET /api/v1/dossiers/{code}/files":             {"user"},
	"GET /api/v1/dossiers/{code}/files/{id}":        {"user"},
	"GET /api/v1/calendar/moves":                    auth.AdminRoles,
	"POST /api/v1/calendar/moves":                   auth.AdminRoles,
	"GET /api/v1/reports/index766":                  {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter, auth.RoleClerk},
	// Payments (docs/PAYMENTS.md §7). Unit-level rules (the accountant of the collecting
	// unit, the counter of the receiving unit, the owner) are checked in the handlers.
	"GET /api/v1/payments/account":               {auth.RoleAccountant, auth.RoleUnitAdmin},
	"PUT /api/v1/payments/account":               auth.AdminRoles,
	"POST /api/v1/payments/account/secret":       auth.AdminRoles,
	"GET /api/v1/payments/receipt-config":        {auth.RoleAccountant, auth.RoleUnitAdmin},
	"PUT /api/v1/payments/receipt-config":        auth.AdminRoles,
	"POST /api/v1/dossiers/{code}/payments":      {"user"},
	"GET /api/v1/dossiers/{code}/payments":       {"user"},
	"GET /api/v1/payments/{reference}/{image}":   nil, // officials, the owner, or the look-up secret
	"POST /api/v1/payments/{reference}/confirm":  {auth.RoleAccountant, auth.RoleCounter},
	"POST /api/v1/payments/{reference}/cancel":   {auth.RoleAccountant},
	"POST /api/v1/payments/{reference}/refund":   {auth.RoleAccountant},
	"POST /api/v1/payments/{reference}/receipt":  {auth.RoleAccountant},
	"POST /api/v1/payments/notifications/{unit}": nil, // the bank: authenticated by HMAC
	"GET /api/v1/payments/reconciliation":        {auth.RoleAccountant, auth.RoleUnitAdmin, auth.RoleLeader},
	"GET /api/v1/payments/receipts/summary":      {auth.RoleAccountant},
	"GET /api/v1/payments/receipts/{file}":       {auth.RoleAccountant},
	"GET /api/v1/receipts/{file}":                nil, // the handler decides: officials, owner, look-up secret; others 404
	"POST /api/v1/receipts/{id}/actions/cancel":  {auth.RoleAccountant},
	"POST /api/v1/receipts/{id}/actions/replace": {auth.RoleAccountant},
	"GET /api/v1/registers/{file}":               {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter, auth.RoleClerk},
	// Feedback (docs/FEEDBACK.md): filing, the citizen's verdict and the survey are
	// public (the dossier's secret, or the logged-in owner, checked by feedback.Service);
	// the unit's officials list, read and answer; the leader, administrator or counter
	// assigns.
	"POST /api/v1/feedback":               nil,
	"GET /api/v1/feedback":                officials,
	"GET /api/v1/feedback/published":      nil,
	"PUT /api/v1/feedback/settings":       auth.AdminRoles,
	"GET /api/v1/feedback/{id}":           {"user"}, // officials of its unit or who filed it; others 404
	"POST /api/v1/feedback/{id}/assign":   {auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleCounter},
	"POST /api/v1/feedback/{id}/answer":   officials,
	"POST /api/v1/feedback/{id}/verdict":  nil,
	"POST /api/v1/dossiers/{code}/survey": nil,
	// A unit's settings (the desk's name printed on forms 01–07): public to read; the
	// unit's own administrators write (checked in the handler).
	"GET /api/v1/units/{code}/settings": nil,
	"PUT /api/v1/units/{code}/settings": auth.AdminRoles,
	// The certification register (docs/CERTIFICATION.md): the desk records; the desk, the
	// justice officer, the leaders, the accountant and the administrator read. The unit
	// is checked by certify.Service.
	"POST /api/v1/certifications":               {auth.RoleCounter},
	"GET /api/v1/certifications":                certReaders,
	"GET /api/v1/certifications/{id}":           certReaders,
	"GET /api/v1/certifications/books/{file}":   certReaders,
	"GET /api/v1/certifications/reconciliation": certReaders,
	// Official documents (docs/DOCUMENTS.md): unit-level rules (the clerk registers and
	// issues, the leader directs and approves, the handler reports) are the service's.
	"GET /api/v1/document-types":                   {"user"},
	"POST /api/v1/documents":                       {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader},
	"GET /api/v1/documents":                        {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /api/v1/documents/{id}":                   {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /api/v1/documents/{id}/edxml":             {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"POST /api/v1/documents/edxml":                 {auth.RoleClerk},
	"POST /api/v1/documents/{id}/actions/{action}": {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /api/v1/document-registers/{file}":        {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /api/v1/document-files":                   {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"POST /api/v1/document-files":                  {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"GET /api/v1/document-settings":                {auth.RoleClerk, auth.RoleSpecialist, auth.RoleLeader, auth.RoleUnitAdmin},
	"PUT /api/v1/document-settings":                {auth.RoleLeader, auth.RoleUnitAdmin},
}

var certReaders = []auth.Role{auth.RoleCounter, auth.RoleSpecialist, auth.RoleLeader, auth.RoleAccountant, auth.RoleUnitAdmin}
