package document

import (
	"bytes"
	"context"
	"errors"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/signing"
)

// Signing an outgoing document inside xaso (Decree 30/2020 Art. 13 and Appendix I): a
// drafter attaches the draft's PDF; once the leader has approved it, the leader signs it
// with their personal key (their signature image in the signature box, or the electronic
// document's text block at the top right when the key has no image); the clerk then seals
// it with the body's key (the seal over the leader's signature). Each signature is an
// incremental update, so the leader's stays valid under the seal. The sealed PDF is what
// an electronic issue takes when no signed_pdf is given.

// SignStage is how far an outgoing draft's signing inside xaso went.
type SignStage string

const (
	Unsigned SignStage = ""
	Signed   SignStage = "signed" // by the leader (personal key)
	Sealed   SignStage = "sealed" // and by the clerk with the body's seal
)

// Label is s in Vietnamese.
func (s SignStage) Label() string {
	switch s {
	case Signed:
		return "Lãnh đạo đã ký số, chờ văn thư đóng dấu số"
	case Sealed:
		return "Đã ký số và đóng dấu số"
	}
	return "Chưa ký số"
}

// Key kinds.
const (
	KeyPersonal = "personal"
	KeySeal     = "seal"
)

// Key is an unlocked signing key of the caller: its kind (personal or seal), its image
// (the signature or the seal, PNG; none: text block or invisible) and its signer.
type Key struct {
	Kind   string
	Image  []byte
	Signer signing.Signer
}

var (
	ErrDraftPDF  = apperr.Invalidf("invalid_draft_pdf", "Dự thảo phải là một tệp PDF, tối đa 19 MB.")
	ErrNoPDF     = apperr.New(apperr.Conflict, "draft_pdf_missing", "Văn bản chưa có tệp PDF của dự thảo để ký.")
	ErrSignOrder = apperr.New(apperr.Conflict, "signing_order",
		"Thứ tự ký chưa đúng: dự thảo phải được lãnh đạo duyệt, lãnh đạo ký số trước, sau đó văn thư đóng dấu số của cơ quan.")
	ErrKeyKind = apperr.Invalidf("wrong_signing_key",
		"Lãnh đạo ký bằng chữ ký số cá nhân; văn thư đóng dấu bằng chữ ký số của cơ quan (con dấu).")
)

// maxDraftPDF bounds a draft's PDF: its signatures must still fit in MaxSignedPDF.
const maxDraftPDF = MaxSignedPDF - 1<<20

// AttachPDF sets the PDF of an outgoing draft (its drafters, before anyone signs it).
func (s *Service) AttachPDF(ctx context.Context, p *auth.Principal, id int64, version int, pdf []byte) (Document, error) {
	d, err := s.load(ctx, p, id, version, DraftRoles)
	if err != nil {
		return d, err
	}
	if d.Direction != Outgoing || (d.Status != Draft && d.Status != Approved) || d.SignStage != Unsigned {
		return d, ErrState
	}
	if len(pdf) == 0 || len(pdf) > maxDraftPDF || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return d, ErrDraftPDF
	}
	if _, err := signing.PageBoxes(pdf); err != nil {
		return d, ErrDraftPDF.With(err)
	}
	if s.Blobs == nil {
		return d, errors.New("document: no blob store")
	}
	key, _, err := s.Blobs.Put(ctx, bytes.NewReader(pdf), maxDraftPDF)
	if err != nil {
		return d, err
	}
	d.DraftBlob = key
	return s.Store.SaveDocument(ctx, Change{Doc: d, Action: "document.pdf_attached", Fields: []string{"draft_pdf"}})
}

// MaxAnnexes bounds an outgoing document's annexes.
const MaxAnnexes = 20

// ErrAnnexes refuses one annex too many.
var ErrAnnexes = apperr.Invalidf("too_many_annexes", "Văn bản có tối đa 20 phụ lục.")

// AttachAnnex adds an annex (phụ lục) to an outgoing draft, a PDF of its own, before
// anyone signs: the clerk's seal signs it too, with Decree 30's text block at its top
// right (an attachment separate from the main document).
func (s *Service) AttachAnnex(ctx context.Context, p *auth.Principal, id int64, version int, pdf []byte) (Document, error) {
	d, err := s.load(ctx, p, id, version, DraftRoles)
	if err != nil {
		return d, err
	}
	if d.Direction != Outgoing || (d.Status != Draft && d.Status != Approved) || d.SignStage != Unsigned {
		return d, ErrState
	}
	if len(d.Attachments) >= MaxAnnexes {
		return d, ErrAnnexes
	}
	if len(pdf) == 0 || len(pdf) > maxDraftPDF || !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		return d, ErrDraftPDF
	}
	if _, err := signing.PageBoxes(pdf); err != nil {
		return d, ErrDraftPDF.With(err)
	}
	if s.Blobs == nil {
		return d, errors.New("document: no blob store")
	}
	key, _, err := s.Blobs.Put(ctx, bytes.NewReader(pdf), maxDraftPDF)
	if err != nil {
		return d, err
	}
	d.Attachments = append(append([]string(nil), d.Attachments...), key)
	return s.Store.SaveDocument(ctx, Change{Doc: d, Action: "document.annex_attached", Fields: []string{"annexes"}})
}

// DraftPDF is the draft's PDF as it stands, for a caller who may read the document.
func (s *Service) DraftPDF(ctx context.Context, p *auth.Principal, id int64) ([]byte, Document, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, d, err
	}
	if d.DraftBlob == "" || s.Blobs == nil {
		return nil, d, ErrNoPDF
	}
	b, err := s.readBlob(ctx, d.DraftBlob, MaxSignedPDF)
	return b, d, err
}

// Sign adds the caller's signature to an approved outgoing draft's PDF: the leader's
// personal one first, then the clerk's seal. org names the body (the signature's place
// and the text block), tsa is a timestamp authority ("" none).
func (s *Service) Sign(ctx context.Context, p *auth.Principal, id int64, version int, k Key, org, tsa string) (Document, error) {
	d, err := s.load(ctx, p, id, version, ReadRoles)
	if err != nil {
		return d, err
	}
	var next SignStage
	var opts signing.Options
	switch k.Kind {
	case KeyPersonal:
		if !can(p, d.UnitID, DirectRoles...) {
			return d, ErrForbidden
		}
		next, opts.Reason = Signed, "Ký ban hành văn bản"
	case KeySeal:
		if !can(p, d.UnitID, RegisterRoles...) {
			return d, ErrForbidden
		}
		next, opts.Reason = Sealed, "Ký số của cơ quan, tổ chức: "+org
	default:
		return d, ErrKeyKind
	}
	if d.Direction != Outgoing || d.Status != Approved {
		return d, ErrSignOrder
	}
	if d.DraftBlob == "" {
		return d, ErrNoPDF
	}
	if next == Signed && d.SignStage != Unsigned || next == Sealed && d.SignStage != Signed {
		return d, ErrSignOrder
	}
	if s.Blobs == nil || k.Signer == nil {
		return d, errors.New("document: no blob store or no signer")
	}
	pdf, err := s.readBlob(ctx, d.DraftBlob, MaxSignedPDF)
	if err != nil {
		return d, err
	}
	opts.Location, opts.TSAURL = org, tsa
	if opts.Appearance, err = signing.Decree30Appearance(pdf, k.Kind == KeySeal, k.Image, next == Signed, org, ""); err != nil {
		return d, ErrDraftPDF.With(err)
	}
	out, err := signing.SignPDF(ctx, pdf, k.Signer, opts)
	if err != nil {
		return d, err
	}
	key, _, err := s.Blobs.Put(ctx, bytes.NewReader(out), MaxSignedPDF)
	if err != nil {
		return d, err
	}
	d.DraftBlob, d.SignStage = key, next
	action, fields := "document.signed", []string{"draft_pdf", "sign_stage"}
	if next == Sealed {
		action, fields = "document.sealed", append(fields, "annexes")
		// Each annex takes the body's seal with the text block at its top right.
		annexes := make([]string, 0, len(d.Attachments))
		for _, a := range d.Attachments {
			pdf, err := s.readBlob(ctx, a, MaxSignedPDF)
			if err != nil {
				return d, err
			}
			ap, err := signing.Decree30Appearance(pdf, true, nil, true, org, "")
			if err != nil {
				return d, ErrDraftPDF.With(err)
			}
			out, err := signing.SignPDF(ctx, pdf, k.Signer, signing.Options{Reason: opts.Reason, Location: org, TSAURL: tsa, Appearance: ap})
			if err != nil {
				return d, err
			}
			key, _, err := s.Blobs.Put(ctx, bytes.NewReader(out), MaxSignedPDF)
			if err != nil {
				return d, err
			}
			annexes = append(annexes, key)
		}
		d.Attachments = annexes
	}
	return s.Store.SaveDocument(ctx, Change{Doc: d, Action: action, Fields: fields})
}

// sealedPDF is the sealed draft an electronic issue takes when no PDF is given.
func (s *Service) sealedPDF(ctx context.Context, d Document) ([]byte, error) {
	if d.SignStage != Sealed || d.DraftBlob == "" || s.Blobs == nil {
		return nil, nil
	}
	return s.readBlob(ctx, d.DraftBlob, MaxSignedPDF)
}

// verifyAnnexes checks that each annex of an electronic issue carries a valid signature
// of the body and was not changed after it.
func (s *Service) verifyAnnexes(ctx context.Context, d Document) error {
	for _, a := range d.Attachments {
		pdf, err := s.readBlob(ctx, a, MaxSignedPDF)
		if err != nil {
			return err
		}
		rep, err := s.Verify(ctx, pdf)
		if err != nil {
			return ErrSignatures.With(err)
		}
		valid := 0
		for _, sg := range rep.Signatures {
			if sg.Valid {
				valid++
			}
		}
		if valid < 1 || rep.ModifiedAfterSigning {
			return ErrSignatures
		}
	}
	return nil
}
