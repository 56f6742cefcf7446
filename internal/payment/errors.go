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
	// ErrInvalidCopies: the number of copies asked for is not 1–MaxCopies.
	ErrInvalidCopies = apperr.New(apperr.Invalid, "invalid_copies",
		"Số bản sao yêu cầu phải từ 1 đến 100.")
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

	// ErrRequestNotFound: no payment request with this reference, or none the caller
	// may see (which does not reveal that it exists).
	ErrRequestNotFound = apperr.New(apperr.NotFound, "payment_request_not_found", "Không tìm thấy yêu cầu thanh toán.")
	// ErrChanged: the request changed since it was loaded (its version moved); nothing
	// was written.
	ErrChanged = apperr.New(apperr.Conflict, "payment_changed",
		"Yêu cầu thanh toán vừa được thay đổi. Vui lòng tải lại rồi thử lại.")
	// ErrRequestOpen: the dossier already has a request that is pending or paid.
	ErrRequestOpen = apperr.New(apperr.Conflict, "payment_request_exists",
		"Hồ sơ đã có yêu cầu thanh toán đang chờ nộp hoặc đã nộp.")
	ErrNoAccount = apperr.New(apperr.NotFound, "payment_account_missing",
		"Đơn vị chưa khai báo tài khoản thu phí, lệ phí.")
	ErrNoReceiptConfig = apperr.New(apperr.NotFound, "receipt_config_missing",
		"Đơn vị chưa khai báo ký hiệu mẫu, ký hiệu biên lai và thông tin đơn vị thu.")
	ErrReceiptNotFound = apperr.New(apperr.NotFound, "receipt_not_found", "Không tìm thấy biên lai.")
	// ErrReceiptExists: the request already has its receipt.
	ErrReceiptExists = apperr.New(apperr.Conflict, "receipt_exists", "Yêu cầu thanh toán này đã có biên lai.")
	// ErrReceiptCancelled: the receipt was cancelled already.
	ErrReceiptCancelled = apperr.New(apperr.Conflict, "receipt_already_cancelled", "Biên lai này đã bị hủy trước đó.")
	// ErrReceiptNotCancelled: only a cancelled receipt is replaced.
	ErrReceiptNotCancelled = apperr.New(apperr.Conflict, "receipt_not_cancelled",
		"Chỉ lập biên lai thay thế cho biên lai đã hủy. Hãy hủy biên lai (ghi rõ lý do) trước.")
	// ErrReceiptReplaced: the cancelled receipt has its replacement already.
	ErrReceiptReplaced = apperr.New(apperr.Conflict, "receipt_already_replaced", "Biên lai đã hủy này đã có biên lai thay thế.")
	// ErrCancelReason: a receipt is cancelled with its reason.
	ErrCancelReason         = apperr.New(apperr.Invalid, "cancel_reason_required", "Cần ghi lý do hủy biên lai.")
	ErrNotificationNotFound = apperr.New(apperr.NotFound, "payment_notification_not_found",
		"Không tìm thấy thông báo giao dịch.")
	// ErrNotificationMatched: the transfer is already recorded on a request.
	ErrNotificationMatched = apperr.New(apperr.Conflict, "payment_notification_matched",
		"Giao dịch này đã được ghi nhận cho một yêu cầu thanh toán.")

	// ErrNothingDue: the dossier's procedure charges nothing for its channel: there is no
	// request to make (ErrNothingToPay, as a conflict with the dossier's state).
	ErrNothingDue = apperr.New(apperr.Conflict, ErrNothingToPay.Code, ErrNothingToPay.Message)
	// ErrDossierEnded: a refused, stopped or withdrawn dossier is not billed.
	ErrDossierEnded = apperr.New(apperr.Conflict, "dossier_ended",
		"Hồ sơ đã kết thúc (từ chối, dừng hoặc rút), không lập yêu cầu thanh toán.")
	// ErrVersionRequired: a change must name the version of the request the caller saw.
	ErrVersionRequired = apperr.New(apperr.Invalid, "version_required",
		"Cần gửi version của yêu cầu thanh toán đang xem (khóa lạc quan).")
	// ErrPaidAt: the time the money moved is in the future, or before any transfer xaso
	// can have been told of.
	ErrPaidAt = apperr.New(apperr.Invalid, "invalid_paid_at",
		"Thời điểm nộp tiền không hợp lệ hoặc ở tương lai.")
	// ErrOfficialMethod: an official records cash or a statement line; bank
	// notifications arrive through the webhook only.
	ErrOfficialMethod = apperr.New(apperr.Invalid, "invalid_payment_method",
		"Chỉ ghi nhận tiền mặt (cash) hoặc chuyển khoản theo sao kê (statement); thông báo của ngân hàng đến qua webhook.")
	// ErrNotificationAmount: a statement confirmation that takes over a notification
	// names another amount than the transfer's.
	ErrNotificationAmount = apperr.New(apperr.Invalid, "invalid_payment_amount",
		"Số tiền phải bằng số tiền của giao dịch ngân hàng được chọn.")
	// ErrTransactionIDRequired: a transfer found on the statement is recorded with the
	// transaction id the statement prints, which later notifications are compared with.
	ErrTransactionIDRequired = apperr.New(apperr.Invalid, "transaction_id_required",
		"Nhập mã giao dịch in trên sao kê ngân hàng.")
	// ErrTransactionID: a transaction id has the shape the webhook accepts for a bank's
	// id, or none.
	ErrTransactionID = apperr.New(apperr.Invalid, "invalid_transaction_id",
		"Mã giao dịch gồm 1–64 chữ cái không dấu, chữ số hoặc . _ : / -.")
	// ErrReferenceRequired: the accountant must name the request a transfer pays.
	ErrReferenceRequired = apperr.New(apperr.Invalid, "payment_reference_required",
		"Nhập nội dung chuyển khoản (mã XS… gồm 15 ký tự) của yêu cầu được thanh toán.")
	// ErrWebhookNotConfigured: the unit has no collection account or no webhook secret,
	// so it receives no notifications. The sender hears it (a wrong address, or a unit
	// not set up yet) as a 404; it is no server error.
	ErrWebhookNotConfigured = apperr.New(apperr.NotFound, "webhook_not_configured",
		"Đơn vị chưa cấu hình nhận thông báo thanh toán của ngân hàng.")
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
