package store

import (
	"context"

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

// FeeReceiptOfRequest returns the fee receipt issued for a request.
func (s *Store) FeeReceiptOfRequest(ctx context.Context, requestID int64) (payment.StoredFeeReceipt, error) {
	rc, err := scanReceipt(s.r.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE request_id = $1`, requestID))
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
