package signing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/pdf"
)

// Options are the choices of one signature.
type Options struct {
	Reason      string // /Reason, e.g. "Phê duyệt kết quả"
	Location    string // /Location, e.g. the commune
	ContactInfo string
	FieldName   string    // the signature field's name; default "Signature<n>"
	Time        time.Time // the claimed signing time; default now
	// Appearance is what the signature shows; nil makes an invisible signature.
	Appearance *Appearance
	// TSAURL, when set, adds an RFC 3161 timestamp of the signature (PAdES B-T); the
	// request goes through HTTPClient (default: 15 s timeout).
	TSAURL     string
	HTTPClient *http.Client
}

// SignPDF appends an incremental update to file that adds one PAdES signature
// (/SubFilter /ETSI.CAdES.detached, baseline B-B, or B-T with a TSA): a signature field
// and its widget on the appearance's page, the /AcroForm, the signature dictionary whose
// /ByteRange covers the whole new file except /Contents, and a cross-reference section
// in the style of the file's last one (table or stream). The original bytes are kept, so
// earlier signatures stay valid.
func SignPDF(ctx context.Context, file []byte, signer Signer, opts Options) ([]byte, error) {
	doc, err := pdf.ParseWithin(file, pdf.NewBudget(ctx, len(file)))
	if err != nil {
		return nil, pdf.Classify(err)
	}
	chain := signer.Chain()
	if len(chain) == 0 {
		return nil, ErrP12Invalid.With(errors.New("no certificate"))
	}
	at := opts.Time
	if at.IsZero() {
		at = time.Now()
	}
	at = at.In(locale.Zone).Truncate(time.Second)
	if err := checkSigningCertificate(chain[0], at); err != nil {
		return nil, err
	}
	reserve := 8192
	for _, c := range chain {
		reserve += len(c.Raw)
	}
	if opts.TSAURL != "" {
		reserve += 12288
	}
	for attempt := 0; ; attempt++ {
		if attempt > 0 {
			doc.Budget().Restart() // the signer's and the TSA's time is not the file's
		}
		out, need, err := signOnce(ctx, doc, signer, opts, at, reserve)
		if errors.Is(err, ErrSignatureTooBig) && attempt == 0 {
			reserve = need + 2048
			continue
		}
		return out, err
	}
}

const byteRangePlaceholder = "/ByteRange [0 0000000000 0000000000 0000000000]"

func signOnce(ctx context.Context, doc *pdf.Document, signer Signer, opts Options, at time.Time, reserve int) ([]byte, int, error) {
	chain := signer.Chain()
	rootRef := doc.Root()
	root, err := doc.DictOf(rootRef)
	if err != nil {
		return nil, 0, pdf.Classify(err)
	}
	pageNo := 1
	if opts.Appearance != nil && opts.Appearance.Page > 0 && !opts.Appearance.TextBlock {
		pageNo = opts.Appearance.Page
	}
	pages, err := doc.Pages(pageNo)
	if err != nil {
		return nil, 0, pdf.Classify(err)
	}
	if len(pages) < pageNo {
		return nil, 0, pdf.ErrInvalid.With(fmt.Errorf("the document has no page %d", pageNo))
	}
	pageRef := pages[pageNo-1]
	pageDict, err := doc.DictOf(pageRef)
	if err != nil {
		return nil, 0, pdf.Classify(err)
	}

	u := pdf.NewUpdate(doc)

	// The signature field, merged with its widget annotation.
	sigNum := u.Reserve() // written by hand below: its offsets are needed
	fieldNum := u.Alloc()
	field := pdf.NewDict()
	field.Set("Type", pdf.Name("Annot"))
	field.Set("Subtype", pdf.Name("Widget"))
	field.Set("FT", pdf.Name("Sig"))
	fname := opts.FieldName
	existing, err := countSignatureFields(doc, root)
	if err != nil {
		return nil, 0, pdf.Classify(err)
	}
	if fname == "" {
		fname = "Signature" + strconv.Itoa(existing+1)
	}
	field.Set("T", pdf.Text(fname))
	field.Set("V", pdf.Ref{Num: sigNum})
	field.Set("F", pdf.Number("132")) // Print, Locked
	field.Set("P", pageRef)
	rect := pdf.Array{pdf.Number("0"), pdf.Number("0"), pdf.Number("0"), pdf.Number("0")}
	if opts.Appearance != nil {
		p, err := opts.Appearance.render(doc.MediaBox(pageRef), at.Format(time.RFC3339))
		if err != nil {
			return nil, 0, err
		}
		xo, err := u.FormXObject(p.pdf, p.rect[2]-p.rect[0], p.rect[3]-p.rect[1])
		if err != nil {
			return nil, 0, err
		}
		xoNum := u.Alloc()
		u.Put(xoNum, xo)
		rect = pdf.Array{pdf.Real(p.rect[0]), pdf.Real(p.rect[1]), pdf.Real(p.rect[2]), pdf.Real(p.rect[3])}
		ap := pdf.NewDict()
		ap.Set("N", pdf.Ref{Num: xoNum})
		field.Set("AP", ap)
	}
	field.Set("Rect", rect)
	u.Put(fieldNum, field)

	// The page's /Annots gains the widget.
	if err := u.AddAnnot(pageRef, pageDict, pdf.Ref{Num: fieldNum}); err != nil {
		return nil, 0, pdf.Classify(err)
	}

	// The interactive form lists the field; SigFlags 3: signatures exist, append only.
	var form *pdf.Dict
	formRef, formIsRef := root.Get("AcroForm").(pdf.Ref)
	if formIsRef {
		form, err = doc.DictOf(formRef)
		if err != nil {
			return nil, 0, pdf.Classify(err)
		}
	} else if d, ok := root.Get("AcroForm").(*pdf.Dict); ok {
		form = d
	}
	if form == nil {
		form = pdf.NewDict()
	}
	form = form.Clone()
	fields, err := doc.Resolve(form.Get("Fields"))
	if err != nil {
		return nil, 0, pdf.Classify(err)
	}
	fa, _ := fields.(pdf.Array)
	form.Set("Fields", append(append(pdf.Array{}, fa...), pdf.Ref{Num: fieldNum}))
	form.Set("SigFlags", pdf.Number("3"))
	if formIsRef {
		u.Replace(formRef, form)
	} else {
		formNum := u.Alloc()
		u.Put(formNum, form)
		newRoot := root.Clone()
		newRoot.Set("AcroForm", pdf.Ref{Num: formNum})
		u.Replace(rootRef, newRoot)
	}

	// Lay the update out; the signature dictionary leaves room for /ByteRange and
	// /Contents, filled once the file's length is known.
	var contentsAt, byteRangeAt int
	out := u.Write(func(n int, buf *bytes.Buffer) bool {
		if n != sigNum {
			return false
		}
		buf.WriteString("<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ")
		byteRangeAt = buf.Len()
		buf.WriteString(byteRangePlaceholder)
		buf.WriteString(" /Contents ")
		contentsAt = buf.Len()
		buf.WriteByte('<')
		buf.Write(bytes.Repeat([]byte("0"), 2*reserve))
		buf.WriteByte('>')
		tail := pdf.NewDict()
		tail.Set("M", pdf.String(pdf.Date(at)))
		if cn := chain[0].Subject.CommonName; cn != "" {
			tail.Set("Name", pdf.Text(cn))
		}
		if opts.Reason != "" {
			tail.Set("Reason", pdf.Text(opts.Reason))
		}
		if opts.Location != "" {
			tail.Set("Location", pdf.Text(opts.Location))
		}
		if opts.ContactInfo != "" {
			tail.Set("ContactInfo", pdf.Text(opts.ContactInfo))
		}
		for _, k := range tail.Keys() {
			buf.WriteByte(' ')
			pdf.Serialize(buf, k)
			buf.WriteByte(' ')
			pdf.Serialize(buf, tail.Get(k))
		}
		buf.WriteString(">>")
		return true
	})
	contentsEnd := contentsAt + 2*reserve + 2
	br := fmt.Sprintf("/ByteRange [0 %d %d %d]", contentsAt, contentsEnd, len(out)-contentsEnd)
	if len(br) > len(byteRangePlaceholder) {
		return nil, 0, errors.New("signing: byte range does not fit")
	}
	copy(out[byteRangeAt:], br+string(bytes.Repeat([]byte(" "), len(byteRangePlaceholder)-len(br))))
	h := sha256.New()
	h.Write(out[:contentsAt])
	h.Write(out[contentsEnd:])
	digest := h.Sum(nil)

	cms, err := signer.SignDigest(ctx, digest)
	if err != nil {
		return nil, 0, err
	}
	if opts.TSAURL != "" {
		cms, err = addTimestamp(ctx, cms, opts.TSAURL, opts.HTTPClient)
		if err != nil {
			return nil, 0, err
		}
	}
	if len(cms) > reserve {
		return nil, len(cms), ErrSignatureTooBig
	}
	hex.Encode(out[contentsAt+1:], cms)
	return out, 0, nil
}

// countSignatureFields counts the signature fields the form already has.
func countSignatureFields(doc *pdf.Document, root *pdf.Dict) (int, error) {
	sigs, err := signatureFields(doc, root)
	return len(sigs), err
}

// maxSignatureFields bounds the signatures verified in one file: each hashes the file and
// may read an earlier revision again.
const maxSignatureFields = 50

// signatureFields lists the form's signature fields (terminal fields of type /Sig),
// walking /Kids.
func signatureFields(doc *pdf.Document, root *pdf.Dict) ([]*pdf.Dict, error) {
	fv, err := doc.Resolve(root.Get("AcroForm"))
	if err != nil {
		return nil, err
	}
	form, _ := fv.(*pdf.Dict)
	if form == nil {
		return nil, nil
	}
	fields, err := doc.Resolve(form.Get("Fields"))
	if err != nil {
		return nil, err
	}
	var out []*pdf.Dict
	seen := map[int]bool{}
	var walk func(v any, ft any, depth int) error
	walk = func(v any, ft any, depth int) error {
		if depth > 32 {
			return nil
		}
		if r, ok := v.(pdf.Ref); ok {
			if seen[r.Num] {
				return nil
			}
			seen[r.Num] = true
		}
		f, err := doc.DictOf(v)
		if err != nil {
			return err
		}
		if t := f.Get("FT"); t != nil {
			ft = t
		}
		kv, err := doc.Resolve(f.Get("Kids"))
		if err != nil {
			return err
		}
		if kids, ok := kv.(pdf.Array); ok && len(kids) > 0 && hasNamedKid(doc, kids) {
			for _, k := range kids {
				if err := walk(k, ft, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if ft == pdf.Name("Sig") {
			if len(out) == maxSignatureFields {
				return pdf.ErrTooComplex.With(fmt.Errorf("more than %d signature fields", maxSignatureFields))
			}
			out = append(out, f)
		}
		return nil
	}
	fa, _ := fields.(pdf.Array)
	for _, f := range fa {
		if err := walk(f, nil, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// hasNamedKid tells fields (which have /T) from widget annotations among kids.
func hasNamedKid(doc *pdf.Document, kids pdf.Array) bool {
	for _, k := range kids {
		if d, err := doc.DictOf(k); err == nil && d.Get("T") != nil {
			return true
		}
	}
	return false
}
