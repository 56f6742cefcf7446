package store

import (
	"context"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/payment"
)

// PendingPaymentRequests returns up to limit of a unit's requests still waiting for
// money, oldest first: what the accountant's page offers to confirm, whatever the day
// they were created.
func (s *Store) PendingPaymentRequests(ctx context.Context, unitID int64, limit int) ([]PaymentRequest, error) {
	if limit <= 0 {
		limit = 100
	}
	return paymentRequestsWhere(ctx, s.r, `r.unit_id = $1 AND r.state = $2 AND r.id IN
		(SELECT p.id FROM payment_requests p WHERE p.unit_id = $1 AND p.state = $2 ORDER BY p.id LIMIT $3)`,
		unitID, string(payment.StatePending), limit)
}

// ReceiptOfRequest returns the receipt issued for a request.
func (s *Store) ReceiptOfRequest(ctx context.Context, requestID int64) (StoredReceipt, error) {
	rc, err := scanReceipt(s.r.QueryRowContext(ctx, `SELECT `+receiptCols+` FROM receipts WHERE request_id = $1`, requestID))
	if err != nil {
		return rc, notFound(err, ErrReceiptNotFound)
	}
	return rc, nil
}

// XMLSigner signs the element with Id id of an XML record and returns the signed
// record (xmldsig.Signer).
type XMLSigner interface {
	Sign(doc []byte, id string) ([]byte, error)
}

// SignReceiptsWith sets the deployment's key (--receipt-p12): from now on it signs, in
// the transaction that issues them, the receipts (and summaries) of the units that have
// no receipt key of their own (ReceiptKey); call it once, before serving. Receipts
// issued before stay as they were stored.
func (s *Store) SignReceiptsWith(sig XMLSigner) { s.receiptSigner = sig }

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
