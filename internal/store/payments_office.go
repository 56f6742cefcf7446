package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
)

// PendingPaymentRequests returns up to limit of a unit's requests still waiting for
// money, oldest first: what the accountant's page offers to confirm, whatever the day
// they were created.
func (s *Store) PendingPaymentRequests(ctx context.Context, unitID int64, limit int) ([]payment.StoredRequest, error) {
	if limit <= 0 {
		limit = 100
	}
	return paymentRequestsWhere(ctx, s.r, `r.unit_id = $1 AND r.state = $2 AND r.id IN
		(SELECT p.id FROM payment_requests p WHERE p.unit_id = $1 AND p.state = $2 ORDER BY p.id LIMIT $3)`,
		unitID, string(payment.StatePending), limit)
}

// UnmatchedNotifications returns a unit's verified bank notifications not yet recorded on
// a request, whatever their day, oldest first (the accountant's queue).
func (s *Store) UnmatchedNotifications(ctx context.Context, unitID int64, limit int) ([]payment.StoredNotification, error) {
	if limit <= 0 {
		limit = 100
	}
	rows, err := s.r.QueryContext(ctx, `SELECT `+notificationCols+` FROM payment_notifications
		WHERE unit_id = $1 AND request_id IS NULL ORDER BY transacted_at, id LIMIT $2`, unitID, limit)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []payment.StoredNotification
	for rows.Next() {
		n, err := scanNotification(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, mapErr(rows.Err())
}

// ApplicantNames returns the applicant's name of each dossier id given, for lists of
// payments that name the payer.
func (s *Store) ApplicantNames(ctx context.Context, ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	ph := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ph[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err := s.r.QueryContext(ctx, `SELECT id, applicant_name FROM dossiers WHERE id IN (`+strings.Join(ph, ", ")+`)`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var id int64
		var name string
		if err := rows.Scan(&id, &name); err != nil {
			return nil, err
		}
		out[id] = name
	}
	return out, mapErr(rows.Err())
}

// FeeReceiptOfRequest returns the fee receipt issued for a request.
func (s *Store) FeeReceiptOfRequest(ctx context.Context, requestID int64) (payment.StoredFeeReceipt, error) {
	rc, err := scanReceipt(s.r.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE request_id = $1 AND replaced_by IS NULL`, requestID))
	if err != nil {
		return rc, notFound(err, payment.ErrReceiptNotFound)
	}
	return rc, nil
}

// dateText stores a date as ISO text, "" for the zero date.
func dateText(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// parseStoredDate reads what dateText wrote.
func parseStoredDate(s string) (calendar.Date, error) {
	if s == "" {
		return calendar.Date{}, nil
	}
	return calendar.ParseDate(s)
}

// The payment service keeps its requests, receipts and keys here.
var _ payment.Store = (*Store)(nil)
