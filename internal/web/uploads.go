package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime/multipart"
	"net/http"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/dossierfile"
	"github.com/xaso-vn/xaso/internal/httpx"
)

// Files that come with an online filing. The form has one file input per paper of the
// procedure (several photos each, e.g. both sides of an ID card) and one for anything
// else. Each file is checked from its bytes and stored (content-addressed) as soon as
// it arrives; the dossier records them in its own transaction. When the form comes back
// with an error, the files already received are kept in the session under the form's
// idempotency key, listed on the form, and not asked for again: a citizen on a slow
// phone uploads a photo once.

const (
	// maxFilingFiles bounds the files of one filing.
	maxFilingFiles = 20
	// filingFilesFactor bounds a filing's body: this many files at the size limit.
	filingFilesFactor = 4
	// otherPaper is the input index of "other papers".
	otherPaper = -1
)

var (
	errTooManyFiles = apperr.New(apperr.Invalid, "too_many_files",
		fmt.Sprintf("Mỗi lần nộp đính kèm tối đa %d tệp.", maxFilingFiles))
	errFilingTooLarge = apperr.New(apperr.Invalid, "filing_too_large", "Tổng dung lượng các tệp gửi một lần quá lớn.")
)

// keptFile is a file received with an earlier attempt of the same form.
type keptFile struct {
	Paper       int    `json:"paper"` // index in the procedure's papers, or otherPaper
	Name        string `json:"name"`  // the paper's name
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	BlobKey     string `json:"blob_key"`
	Size        int64  `json:"size"`
}

// paperInput is the file input of one paper on the filing form.
type paperInput struct {
	ID, Name, Label string
	Required        bool
	Error           string
	Kept            []keptView
}

type keptView struct {
	Key, FileName, Size string
}

func (p paperInput) DescribedBy() string {
	ids := p.ID + "-help"
	if p.Error != "" {
		ids += " " + p.ID + "-error"
	}
	return ids
}

// uploadProblem is the message for a refused upload, with the size limit when the file
// was too large; ok is false for an error that is not the file's or the dossier's (a
// dossier that has ended, a cap reached), which the form cannot explain.
func (s *Server) uploadProblem(err error) (*apperr.Error, bool) {
	e := apperr.From(err)
	switch e.Kind {
	case apperr.Invalid, apperr.Conflict, apperr.TooManyRequests:
	default:
		return e, false
	}
	if e.Code == attach.ErrTooLarge.Code {
		e = apperr.New(e.Kind, e.Code, fmt.Sprintf("%s Tối đa %s mỗi tệp.", e.Message, byteSize(s.fileLimit())))
	}
	return e, true
}

// fileLimit is the size limit of one attachment.
func (s *Server) fileLimit() int64 {
	if s.FileLimit > 0 {
		return s.FileLimit
	}
	return attach.DefaultLimit
}

func paperField(i int) string {
	if i == otherPaper {
		return "paper-other"
	}
	return "paper-" + strconv.Itoa(i)
}

// paperInputs draws the file inputs with the files kept so far and the errors of the
// last attempt (by input name).
func paperInputs(p catalog.Procedure, kept []keptFile, errs map[string]string) []paperInput {
	out := make([]paperInput, 0, len(p.Papers)+1)
	for i := -1; i < len(p.Papers); i++ {
		in := paperInput{Name: paperField(i), Label: "Giấy tờ khác"}
		if i >= 0 {
			in.Label, in.Required = p.Papers[i].Name, p.Papers[i].Required
		}
		in.ID, in.Error = in.Name, errs[in.Name]
		for _, k := range kept {
			if k.Paper == i {
				in.Kept = append(in.Kept, keptView{Key: k.BlobKey, FileName: k.FileName, Size: byteSize(k.Size)})
			}
		}
		out = append(out, in)
	}
	// "Other papers" last.
	return append(out[1:], out[0])
}

func pendingKey(formKey string) string { return "filing-files:" + formKey }

// keptFiles loads the files kept for the form with key, without those the citizen
// ticked to drop.
func (s *Server) keptFiles(ctx context.Context, formKey string, drop []string) []keptFile {
	if !keyRE.MatchString(formKey) {
		return nil
	}
	var kept []keptFile
	if b := s.sessions.GetBytes(ctx, pendingKey(formKey)); len(b) > 0 {
		if err := json.Unmarshal(b, &kept); err != nil {
			return nil
		}
	}
	return slices.DeleteFunc(kept, func(k keptFile) bool { return slices.Contains(drop, k.BlobKey) })
}

// keepFiles remembers the files received for the form with key until it is sent.
func (s *Server) keepFiles(ctx context.Context, formKey string, kept []keptFile) {
	if !keyRE.MatchString(formKey) {
		return
	}
	if len(kept) == 0 {
		s.sessions.Remove(ctx, pendingKey(formKey))
		return
	}
	b, err := json.Marshal(kept)
	if err == nil {
		s.sessions.Put(ctx, pendingKey(formKey), b)
	}
}

// parseFiling reads a filing form, multipart (with files) or not. A body over the bound
// is refused as a whole, with a message for the form.
func parseFiling(w http.ResponseWriter, r *http.Request, limit int64) error {
	r.Body = http.MaxBytesReader(w, r.Body, filingFilesFactor*limit+256<<10)
	err := r.ParseMultipartForm(4 << 20)
	if errors.Is(err, http.ErrNotMultipart) {
		err = r.ParseForm()
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return errFilingTooLarge
	case err != nil:
		return errBadForm
	}
	return nil
}

// receiveFiles checks and stores the files posted with a filing form. It returns the
// files received (kept ones first) and the errors by input name; a refused file leaves
// the others received.
func (s *Server) receiveFiles(ctx context.Context, r *http.Request, p catalog.Procedure, uploader int64, kept []keptFile) ([]keptFile, map[string]string, error) {
	errs := map[string]string{}
	if r.MultipartForm == nil {
		return kept, errs, nil
	}
	limit := s.fileLimit()
	files := kept
	for i := -1; i < len(p.Papers); i++ {
		name := paperField(i)
		for _, fh := range r.MultipartForm.File[name] {
			if fh.Size == 0 && fh.Filename == "" {
				continue // an input left empty
			}
			if len(files) >= maxFilingFiles {
				errs[name] = errTooManyFiles.Message
				break
			}
			f, err := checkPart(fh, limit)
			if err != nil {
				e, ok := s.uploadProblem(err)
				if !ok {
					return nil, nil, err
				}
				errs[name] = fmt.Sprintf("Tệp “%s”: %s", httpx.CleanName(fh.Filename), e.Message)
				continue
			}
			if s.Blobs == nil {
				return nil, nil, dossierfile.ErrNoBlobStore
			}
			// The daily cap, asked before the bytes are stored, counts the files of this
			// form with the day's; the store asks again when the dossier is filed.
			var sent int64
			for _, k := range files {
				sent += k.Size
			}
			if err := s.Store.CheckUploadCaps(ctx, 0, uploader, len(files)+1, sent+int64(len(f.Data))); err != nil {
				e, ok := s.uploadProblem(err)
				if !ok {
					return nil, nil, err
				}
				errs[name] = fmt.Sprintf("Tệp “%s”: %s", httpx.CleanName(fh.Filename), e.Message)
				continue
			}
			key, size, err := s.Blobs.Put(ctx, bytes.NewReader(f.Data), int64(len(f.Data)))
			if err != nil {
				return nil, nil, err
			}
			k := keptFile{Paper: i, Name: "Giấy tờ khác", FileName: attach.SafeName(fh.Filename, f.ContentType), ContentType: f.ContentType,
				BlobKey: key, Size: size}
			if i >= 0 {
				k.Name = p.Papers[i].Name
			}
			if !slices.ContainsFunc(files, func(o keptFile) bool { return o.BlobKey == k.BlobKey && o.Paper == k.Paper }) {
				files = append(files, k)
			}
		}
	}
	return files, errs, nil
}

func checkPart(fh *multipart.FileHeader, limit int64) (attach.File, error) {
	if fh.Size > limit {
		return attach.File{}, attach.ErrTooLarge
	}
	f, err := fh.Open()
	if err != nil {
		return attach.File{}, err
	}
	defer f.Close()
	return attach.Check(f, limit)
}

// attachments turns the files received into the dossier's attachments: papers as filed
// by their owner (not digitised at the counter).
func attachments(files []keptFile, uploadedBy int64) []dossier.Attachment {
	out := make([]dossier.Attachment, 0, len(files))
	for _, f := range files {
		out = append(out, dossier.Attachment{Kind: dossierfile.KindPaper, Name: f.Name, FileName: f.FileName, ContentType: f.ContentType,
			BlobKey: f.BlobKey, Size: f.Size, UploadedBy: uploadedBy})
	}
	return out
}

// fileHashes is what the files add to a filing's idempotency hash.
func fileHashes(files []keptFile) []string {
	out := make([]string, 0, len(files))
	for _, f := range files {
		out = append(out, strconv.Itoa(f.Paper)+":"+f.BlobKey)
	}
	slices.Sort(out)
	return out
}
