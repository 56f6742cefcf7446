package signing

import "github.com/xaso-vn/xaso/internal/apperr"

// Errors of signing and verification, with stable codes and Vietnamese messages.
var (
	ErrWrongPassphrase  = apperr.New(apperr.Unauthenticated, "p12_wrong_passphrase", "Mật khẩu của tệp chứng thư số (PKCS#12) không đúng.")
	ErrP12Invalid       = apperr.Invalidf("p12_invalid", "Không đọc được tệp chứng thư số (PKCS#12): tệp hỏng hoặc không chứa khóa và chứng thư.")
	ErrCertExpired      = apperr.Invalidf("cert_expired", "Chứng thư số đã hết hạn sử dụng.")
	ErrCertNotYetValid  = apperr.Invalidf("cert_not_yet_valid", "Chứng thư số chưa đến thời điểm có hiệu lực.")
	ErrCertNoSigning    = apperr.Invalidf("cert_no_signing_usage", "Chứng thư số không được phép dùng để ký số (thiếu mục đích sử dụng chữ ký số).")
	ErrKeyMismatch      = apperr.Invalidf("p12_key_mismatch", "Khóa bí mật không khớp với chứng thư số.")
	ErrImageInvalid     = apperr.Invalidf("signature_image_invalid", "Ảnh chữ ký hoặc ảnh con dấu phải là tệp PNG hợp lệ.")
	ErrTimestamp        = apperr.New(apperr.Unavailable, "tsa_failed", "Không lấy được dấu thời gian từ máy chủ cấp dấu thời gian (TSA).")
	ErrExternalSigner   = apperr.New(apperr.Unavailable, "external_signer_failed", "Thiết bị hoặc dịch vụ ký số không trả về chữ ký hợp lệ.")
	ErrSignatureTooBig  = apperr.New(apperr.Internal, "signature_too_large", "Chữ ký số lớn hơn chỗ dành cho nó trong tệp PDF.")
	ErrNoSignature      = apperr.Invalidf("pdf_not_signed", "Tệp PDF không có chữ ký số nào.")
	ErrTrustAnchorsFile = apperr.Invalidf("trust_anchors_invalid", "Không đọc được tệp chứng thư gốc tin cậy (PEM).")
)
