package web

import (
	"errors"
	"io"
	"net/http"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/signing"
)

// verifyLimit is the largest PDF the public verification page accepts.
const verifyLimit = 20 << 20

// verifyConcurrency bounds the uploads the public verification page checks at once,
// whoever sends them: the per-address rate limit does not stop many addresses, and each
// check may hold a file and its budget (pdf/limits.go) in memory. One more is turned
// away at once (429 with Retry-After), never queued.
const verifyConcurrency = 2

// verifyRetryAfter is the Retry-After (seconds) of a verification turned away.
const verifyRetryAfter = "5"

var (
	errVerifyNoFile  = apperr.Invalidf("verify_no_file", "Vui lòng chọn tệp PDF cần kiểm tra.")
	errVerifyTooBig  = apperr.Invalidf("verify_too_large", "Tệp lớn hơn 20 MB, không kiểm tra được.")
	errVerifyBusy    = apperr.New(apperr.TooManyRequests, "verify_busy", "Hệ thống đang kiểm tra nhiều tệp cùng lúc. Vui lòng thử lại sau ít giây.")
	verifyHTTPClient = &http.Client{Timeout: 5 * time.Second}
)

// verifyView is the public verification page: the upload form, and the result of a file
// or of a result code read from a QR code.
type verifyView struct {
	ErrorCode string // the refusal's stable code, on the error message (data-code)
	FileName  string
	Report    *signing.Report
	Issued    *signing.IssuedDocument // looked up by code (?ma=)
	Code      string
	Unknown   bool // the code is not in the register
}

// verifyPage (GET /xac-thuc) shows the upload form; with ?ma=CODE (the QR code printed on
// a result) it says whether xaso issued a document with that code, and its hash.
func (s *Server) verifyPage(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Xác thực văn bản điện tử")
	// The code as printed (or typed from the paper: spaces, lower case).
	data := verifyView{Code: normalizeCode(r.URL.Query().Get("ma"))}
	if data.Code != "" {
		if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
			return apperr.ErrRateLimited
		}
		d, err := s.Store.IssuedDocument(r.Context(), data.Code)
		if err != nil {
			return err
		}
		data.Issued, data.Unknown = d, d == nil
	}
	v.Nav, v.Data = "verify", data
	return s.views.render(w, http.StatusOK, "verify", v)
}

// verifyUpload (POST /xac-thuc) checks an uploaded PDF's signatures against the
// configured trust anchors and xaso's register, and shows the result in plain words with
// the technical detail. Nothing uploaded is kept.
func (s *Server) verifyUpload(w http.ResponseWriter, r *http.Request) error {
	v := s.view(r, "Xác thực văn bản điện tử")
	v.Nav = "verify"
	again := func(status int, err *apperr.Error) error {
		v.Error, v.Data = err.Message, verifyView{ErrorCode: err.Code}
		return s.views.render(w, status, "verify", v)
	}
	if !s.lookups.Allow(httpx.ClientIP(r, s.TrustProxy)) {
		return apperr.ErrRateLimited
	}
	r.Body = http.MaxBytesReader(w, r.Body, verifyLimit+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return again(http.StatusRequestEntityTooLarge, errVerifyTooBig)
		}
		return again(http.StatusUnprocessableEntity, errVerifyNoFile)
	}
	defer r.MultipartForm.RemoveAll()
	file, hdr, err := r.FormFile("file")
	if err != nil {
		return again(http.StatusUnprocessableEntity, errVerifyNoFile)
	}
	defer file.Close()
	// The slot is taken once the body is received (spooled to disk past 1 MB), so a slow
	// sender holds none, and before the file is read into memory.
	select {
	case s.verifySlots <- struct{}{}:
		defer func() { <-s.verifySlots }()
	default:
		w.Header().Set("Retry-After", verifyRetryAfter)
		return again(http.StatusTooManyRequests, errVerifyBusy)
	}
	pdf, err := io.ReadAll(io.LimitReader(file, verifyLimit+1))
	if err != nil {
		return err
	}
	if len(pdf) > verifyLimit {
		return again(http.StatusRequestEntityTooLarge, errVerifyTooBig)
	}
	ctx := r.Context()
	anchors, err := s.Store.TrustAnchors(ctx)
	if err != nil {
		return err
	}
	rep, err := signing.VerifyPDF(ctx, pdf, signing.VerifyOptions{TrustAnchors: anchors, HTTPClient: verifyHTTPClient,
		Register: s.Store.IssuedDocumentBySHA256})
	if err != nil {
		var ae *apperr.Error
		if errors.As(err, &ae) && ae.Kind == apperr.Invalid {
			return again(http.StatusUnprocessableEntity, ae)
		}
		return err
	}
	v.Data = verifyView{FileName: hdr.Filename, Report: rep}
	return s.views.render(w, http.StatusOK, "verify", v)
}
