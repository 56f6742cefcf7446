package pdf

import (
	"context"
	"errors"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Refusals of a file, each the file's fault (a 422 with a stable code and a Vietnamese
// message, never a 500).
var (
	ErrInvalid   = apperr.Invalidf("pdf_invalid", "Tệp không phải là PDF hợp lệ hoặc đã bị hỏng.")
	ErrEncrypted = apperr.Invalidf("pdf_encrypted", "Tệp PDF đã được mã hóa (đặt mật khẩu); hãy dùng bản không mã hóa.")
)

// Refusals of a PDF that would cost more to read than any real document does (see
// limits.go): each is the file's fault, so a 422 with a message, never a 500.
var (
	ErrTooManyObjects = apperr.Invalidf("pdf_too_many_objects",
		"Tệp PDF khai báo số đối tượng vượt quá giới hạn hoặc quá nhiều so với dung lượng tệp; không xử lý được.")
	ErrInflateLimit = apperr.Invalidf("pdf_inflate_limit",
		"Dữ liệu nén trong tệp PDF giải nén ra quá lớn so với dung lượng tệp; không xử lý được.")
	ErrTooComplex = apperr.Invalidf("pdf_too_complex",
		"Tệp PDF có cấu trúc lồng nhau quá sâu hoặc quá phức tạp; không xử lý được.")
	ErrTooSlow = apperr.Invalidf("pdf_too_slow",
		"Tệp PDF cần quá nhiều thời gian để đọc; không xử lý được.")
)

// Classify turns an error of reading a PDF into one with a stable code: a limit's own
// refusal stays as it is, anything else is an invalid file. A caller that went away is
// no fault of the file.
func Classify(err error) error {
	if errors.Is(err, errEncrypted) {
		return ErrEncrypted
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if _, ok := errors.AsType[*apperr.Error](err); ok {
		return err
	}
	return ErrInvalid.With(err)
}

// IsLimit tells a refusal by one of the limits on reading a file (or a caller gone)
// from a plain syntax error.
func IsLimit(err error) bool {
	return errors.Is(err, ErrTooManyObjects) || errors.Is(err, ErrInflateLimit) || errors.Is(err, ErrTooComplex) ||
		errors.Is(err, ErrTooSlow) || errors.Is(err, context.Canceled)
}
