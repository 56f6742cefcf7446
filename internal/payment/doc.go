// Package payment is the pure core of fee payments: the unit's collection account, the
// payment request (yêu cầu thanh toán) of a dossier with its reference and VietQR code,
// the request's states and the events that move it, the bank-notification webhook
// (signature, strict decoding, matching to a request), the electronic fee receipt (biên
// lai điện tử) with its XML record and the day's summary for the tax authority, and the
// reconciliation of a day for the accountant.
//
// It does no I/O and reads no clock: every function takes the time it needs. Storage
// (internal/store) keeps requests, their events, payments and notifications, and enforces
// what only a database can: one request per reference and collecting account, one
// payment per bank transaction, receipt numbers without gaps or repeats.
//
// docs/PAYMENTS.md describes the webhook format with a worked example, the states, the
// reference format and the receipt rules with their sources.
package payment
