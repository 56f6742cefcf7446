package payment

import (
	"fmt"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Errors of this package, for errors.Is. Their codes are stable (API clients and the
// audit log keep them); their messages are what an official or a citizen sees.
var (
	// ErrNothingToPay: every fee of the procedure version is zero for the channel.
	ErrNothingToPay = apperr.New(apperr.Invalid, "nothing_to_pay",
		"Hồ sơ này không phải nộp phí, lệ phí.")
	// ErrInvalidFee: a fee of the catalog cannot be charged (negative, no name, too large).
	ErrInvalidFee = apperr.New(apperr.Invalid, "invalid_fee",
		"Khoản phí, lệ phí của thủ tục không hợp lệ.")
	// ErrInvalidAccount: a collection account's bank, number or name is wrong.
	ErrInvalidAccount = apperr.New(apperr.Invalid, "invalid_collection_account",
		"Tài khoản thu phí, lệ phí không hợp lệ.")
	// ErrInvalidReference: a reference cannot be made for this dossier code or ordinal.
	ErrInvalidReference = apperr.New(apperr.Invalid, "invalid_payment_reference",
		"Không tạo được nội dung chuyển khoản cho hồ sơ này.")
	// ErrInvalidTransition: the action is not allowed in the request's state.
	ErrInvalidTransition = apperr.New(apperr.Conflict, "invalid_payment_transition",
		"Không thực hiện được thao tác này ở trạng thái hiện tại của yêu cầu thanh toán.")
	// ErrInvalidAmount: a payment or refund amount is not a positive whole number of đồng
	// within bounds.
	ErrInvalidAmount = apperr.New(apperr.Invalid, "invalid_payment_amount",
		"Số tiền không hợp lệ.")
	// ErrRefundAmount: a refund would leave the request neither paid nor fully refunded.
	ErrRefundAmount = apperr.New(apperr.Invalid, "invalid_refund_amount",
		"Số tiền hoàn không hợp lệ: chỉ hoàn phần nộp thừa hoặc hoàn toàn bộ số đã nộp.")
	// ErrReasonRequired: a cancellation or a refund needs its reason in writing.
	ErrReasonRequired = apperr.New(apperr.Invalid, "payment_reason_required",
		"Cần ghi rõ lý do.")
	// ErrActorRequired: a person must answer for this change (statement, cash, cancel,
	// refund), or a bank notification must carry its transaction id.
	ErrActorRequired = apperr.New(apperr.Invalid, "payment_actor_required",
		"Cần ghi rõ người xác nhận hoặc mã giao dịch ngân hàng.")
	// ErrInvalidMethod: the payment method is not one this package knows.
	ErrInvalidMethod = apperr.New(apperr.Invalid, "invalid_payment_method",
		"Hình thức thanh toán không hợp lệ.")
	// ErrNotPayable: a QR code was asked for a request that expects no more money.
	ErrNotPayable = apperr.New(apperr.Conflict, "payment_not_payable",
		"Yêu cầu thanh toán này không còn nhận tiền.")
	// ErrAccountMismatch: the account does not belong to the request's unit.
	ErrAccountMismatch = apperr.New(apperr.Invalid, "payment_account_mismatch",
		"Tài khoản thu không thuộc đơn vị của yêu cầu thanh toán.")

	// ErrSecret: no usable webhook secret is configured for the unit. It is the
	// operator's fault, not the sender's.
	ErrSecret = apperr.New(apperr.Internal, "webhook_secret_missing",
		"Chưa cấu hình khóa bí mật nhận thông báo của ngân hàng.")
	// ErrSignatureMissing: the X-Xaso-Signature header is absent.
	ErrSignatureMissing = apperr.New(apperr.Unauthenticated, "webhook_signature_missing",
		"Thông báo thiếu chữ ký.")
	// ErrSignatureMalformed: the header is not "t=<unix seconds>,v1=<hex>".
	ErrSignatureMalformed = apperr.New(apperr.Unauthenticated, "webhook_signature_malformed",
		"Chữ ký của thông báo không đúng định dạng.")
	// ErrSignatureInvalid: no v1 value is the HMAC of the body with the unit's secret.
	ErrSignatureInvalid = apperr.New(apperr.Unauthenticated, "webhook_signature_invalid",
		"Chữ ký của thông báo không hợp lệ.")
	// ErrStale: the signature is older than the tolerance: a replay or a stuck queue.
	ErrStale = apperr.New(apperr.Unauthenticated, "webhook_stale",
		"Thông báo đã quá hạn.")
	// ErrFuture: the signature (or the transaction) is dated in the future beyond the
	// tolerance: a wrong clock at the sender.
	ErrFuture = apperr.New(apperr.Unauthenticated, "webhook_timestamp_future",
		"Thời điểm của thông báo ở tương lai.")
	// ErrTooLarge: the body is larger than MaxNotificationSize.
	ErrTooLarge = apperr.New(apperr.Invalid, "webhook_body_too_large",
		"Nội dung thông báo quá lớn.")
	// ErrBody: the body is signed correctly but is not a valid notification.
	ErrBody = apperr.New(apperr.Invalid, "webhook_body_invalid",
		"Nội dung thông báo không hợp lệ.")
	// ErrReplay: the notification was received before with the same content; it is
	// acknowledged and changes nothing.
	ErrReplay = apperr.New(apperr.Conflict, "payment_notification_replayed",
		"Thông báo giao dịch này đã được ghi nhận trước đó.")
	// ErrTransactionReused: a transaction id arrived again with different content: a
	// sender bug or a forgery with a leaked secret. Nothing is applied.
	ErrTransactionReused = apperr.New(apperr.Conflict, "payment_transaction_reused",
		"Mã giao dịch đã được dùng cho một thông báo khác.")

	// ErrInvalidReceipt: a receipt lacks mandatory content or breaks the rules in force;
	// the *FeeReceiptError in the chain lists every problem.
	ErrInvalidReceipt = apperr.New(apperr.Invalid, "invalid_receipt",
		"Biên lai chưa đủ nội dung bắt buộc hoặc không đúng quy định.")
	// ErrInvalidSummary: the receipts given for a day's summary do not belong together.
	ErrInvalidSummary = apperr.New(apperr.Invalid, "invalid_receipt_summary",
		"Không lập được bảng tổng hợp biên lai trong ngày.")
)

// NotificationError says what is wrong with a bank notification, for the log and the
// sender: the field ("header", "body", or a JSON member such as "amount") and the reason.
// It matches one of the Err variables above with errors.Is.
type NotificationError struct {
	Field  string
	Reason string
	kind   *apperr.Error
}

func (e *NotificationError) Error() string {
	return "payment: notification: " + e.Field + ": " + e.Reason
}

// Unwrap returns the error's kind, so that errors.Is and apperr.From work.
func (e *NotificationError) Unwrap() error { return e.kind }

func notifErr(kind *apperr.Error, field, format string, args ...any) *NotificationError {
	return &NotificationError{Field: field, Reason: fmt.Sprintf(format, args...), kind: kind}
}
