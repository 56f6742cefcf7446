package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
)

var (
	errMultipart = apperr.New(apperr.Invalid, "multipart_required", "Hãy gửi tệp dưới dạng multipart/form-data, trường file.")
	errNoFile    = apperr.New(apperr.Invalid, "file_required", "Vui lòng chọn tệp cần đính kèm.")
)

// Upload is a file sent in a multipart/form-data body, with the other fields asked for.
type Upload struct {
	FileName string      // the client's name for it (CleanName)
	File     attach.File // its bytes, checked as they came (attach.Check)
	// Fields holds the values of the fields asked for that were sent, trimmed, in NFC.
	Fields map[string]string
}

// ReadUpload reads a multipart/form-data body part by part: the part named file, checked
// as it comes (attach.Check), and the fields named, each at most 4 KB. A body larger
// than the file limit plus a little for the fields is refused. Nothing touches the disk.
func ReadUpload(w http.ResponseWriter, r *http.Request, limit int64, fields ...string) (Upload, error) {
	if limit <= 0 {
		limit = attach.DefaultLimit
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10)
	mr, err := r.MultipartReader()
	if err != nil {
		return Upload{}, errMultipart
	}
	u := Upload{Fields: map[string]string{}}
	seen := false
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return Upload{}, uploadErr(err)
		}
		switch name := part.FormName(); {
		case name == "file":
			if seen {
				return Upload{}, errMultipart
			}
			seen = true
			u.FileName = CleanName(part.FileName())
			if u.File, err = attach.Check(part, limit); err != nil {
				return Upload{}, uploadErr(err)
			}
		case slices.Contains(fields, name):
			b, err := io.ReadAll(io.LimitReader(part, 4<<10))
			if err != nil {
				return Upload{}, uploadErr(err)
			}
			u.Fields[name] = strings.TrimSpace(norm.NFC.String(string(b)))
		}
		part.Close()
	}
	if !seen || len(u.File.Data) == 0 {
		return Upload{}, errNoFile
	}
	return u, nil
}

func uploadErr(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return attach.ErrTooLarge.With(err)
	}
	if _, ok := errors.AsType[*apperr.Error](err); ok {
		return err
	}
	return errMultipart.With(err)
}

// FormFile reads an optional file of a parsed multipart form, of at most limit bytes
// (tooLarge beyond): nil when none was sent or it is empty.
func FormFile(r *http.Request, name string, limit int64, tooLarge error) ([]byte, error) {
	f, _, err := r.FormFile(name)
	if errors.Is(err, http.ErrMissingFile) {
		return nil, nil
	}
	if err != nil {
		return nil, errMultipart.With(err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, tooLarge
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// CleanName keeps the last element of a client's file name, without control characters,
// at most 200 characters.
func CleanName(name string) string {
	name = path.Base(strings.ReplaceAll(name, `\`, "/"))
	name = strings.Map(func(c rune) rune {
		if unicode.IsControl(c) {
			return -1
		}
		return c
	}, name)
	if name == "." || name == "/" {
		name = ""
	}
	if r := []rune(name); len(r) > 200 {
		name = string(r[len(r)-200:])
	}
	return name
}

// FileMeta describes a file sent as an answer (dossierfile.Meta has its fields).
type FileMeta struct {
	Name        string // the file name given to the browser
	ContentType string
	ETag        string // quoted
	Inline      bool   // shown in the browser; otherwise only downloaded
	Modified    time.Time
}

// ServeFile sends body as m describes it: its type never re-sniffed by the browser
// (nosniff), kept an hour in the user's cache only, named for old and new browsers
// (contentDisposition), with ranges and conditional requests (http.ServeContent).
func ServeFile(w http.ResponseWriter, r *http.Request, body io.ReadSeeker, m FileMeta) {
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "private, max-age=3600")
	hd.Set("Content-Type", m.ContentType)
	hd.Set("ETag", m.ETag)
	disposition := "attachment"
	if m.Inline {
		disposition = "inline"
	}
	hd.Set("Content-Disposition", contentDisposition(disposition, m.Name))
	http.ServeContent(w, r, "", m.Modified, body)
}

// contentDisposition names the file for the browser: an ASCII name for old clients
// (Vietnamese without its marks, quotes and backslashes replaced) and the real name in
// RFC 5987 form (filename*), which browsers prefer.
func contentDisposition(disposition, name string) string {
	var ascii, ext strings.Builder
	for _, c := range norm.NFD.String(name) {
		switch {
		case unicode.Is(unicode.Mn, c):
		case c == 'đ':
			ascii.WriteByte('d')
		case c == 'Đ':
			ascii.WriteByte('D')
		case c < 0x20 || c >= 0x7F || c == '"' || c == '\\':
			ascii.WriteByte('_')
		default:
			ascii.WriteRune(c)
		}
	}
	for _, b := range []byte(name) {
		if 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || strings.IndexByte("!#$&+-.^_`|~", b) >= 0 {
			ext.WriteByte(b)
		} else {
			fmt.Fprintf(&ext, "%%%02X", b)
		}
	}
	return disposition + `; filename="` + ascii.String() + `"; filename*=UTF-8''` + ext.String()
}
