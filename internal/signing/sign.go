package signing

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"
	"unicode/utf16"

	"github.com/xaso-vn/xaso/internal/apperr"
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

// vnZone is Vietnam's time (UTC+7, no daylight saving).
var vnZone = time.FixedZone("ICT", 7*3600)

// SignPDF appends an incremental update to pdf that adds one PAdES signature
// (/SubFilter /ETSI.CAdES.detached, baseline B-B, or B-T with a TSA): a signature field
// and its widget on the appearance's page, the /AcroForm, the signature dictionary whose
// /ByteRange covers the whole new file except /Contents, and a cross-reference section
// in the style of the file's last one (table or stream). The original bytes are kept, so
// earlier signatures stay valid.
func SignPDF(ctx context.Context, pdf []byte, signer Signer, opts Options) ([]byte, error) {
	doc, err := parseWithBudget(pdf, newBudget(ctx, len(pdf)))
	if err != nil {
		return nil, pdfError(err)
	}
	chain := signer.Chain()
	if len(chain) == 0 {
		return nil, ErrP12Invalid.With(errors.New("no certificate"))
	}
	at := opts.Time
	if at.IsZero() {
		at = time.Now()
	}
	at = at.In(vnZone).Truncate(time.Second)
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
			doc.b.restart() // the signer's and the TSA's time is not the file's
		}
		out, need, err := signOnce(ctx, doc, signer, opts, at, reserve)
		if errors.Is(err, ErrSignatureTooBig) && attempt == 0 {
			reserve = need + 2048
			continue
		}
		return out, err
	}
}

// pdfError turns an error of reading a PDF into one with a stable code: a limit's own
// refusal stays as it is, anything else is an invalid file. A caller that went away is
// no fault of the file.
func pdfError(err error) error {
	if errors.Is(err, errEncrypted) {
		return ErrPDFEncrypted
	}
	if errors.Is(err, context.Canceled) {
		return err
	}
	if _, ok := errors.AsType[*apperr.Error](err); ok {
		return err
	}
	return ErrPDFInvalid.With(err)
}

// pdfDate formats t as a PDF date, D:YYYYMMDDHHmmSS+07'00'.
func pdfDate(t time.Time) string {
	_, off := t.Zone()
	sign := '+'
	if off < 0 {
		sign, off = '-', -off
	}
	return fmt.Sprintf("D:%s%c%02d'%02d'", t.Format("20060102150405"), sign, off/3600, off%3600/60)
}

// textString encodes s as a PDF text string: ASCII as it is, anything else as UTF-16BE
// with a byte-order mark.
func textString(s string) pdfString {
	ascii := true
	for _, r := range s {
		if r >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return pdfString(s)
	}
	out := []byte{0xfe, 0xff}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u>>8), byte(u))
	}
	return pdfString(out)
}

const byteRangePlaceholder = "/ByteRange [0 0000000000 0000000000 0000000000]"

func signOnce(ctx context.Context, doc *document, signer Signer, opts Options, at time.Time, reserve int) ([]byte, int, error) {
	chain := signer.Chain()
	rootRef := doc.trailer.Get("Root").(ref)
	root, err := doc.dictOf(rootRef)
	if err != nil {
		return nil, 0, pdfError(err)
	}
	pageNo := 1
	if opts.Appearance != nil && opts.Appearance.Page > 0 && !opts.Appearance.TextBlock {
		pageNo = opts.Appearance.Page
	}
	pages, err := doc.pages(pageNo)
	if err != nil {
		return nil, 0, pdfError(err)
	}
	if len(pages) < pageNo {
		return nil, 0, ErrPDFInvalid.With(fmt.Errorf("the document has no page %d", pageNo))
	}
	pageRef := pages[pageNo-1]
	pageDict, err := doc.dictOf(pageRef)
	if err != nil {
		return nil, 0, pdfError(err)
	}

	u := newUpdate(doc)

	// The signature field, merged with its widget annotation.
	sigNum := u.alloc()
	u.order = append(u.order, sigNum) // written by hand below: its offsets are needed
	fieldNum := u.alloc()
	field := newDict()
	field.Set("Type", name("Annot"))
	field.Set("Subtype", name("Widget"))
	field.Set("FT", name("Sig"))
	fname := opts.FieldName
	existing, err := countSignatureFields(doc, root)
	if err != nil {
		return nil, 0, pdfError(err)
	}
	if fname == "" {
		fname = "Signature" + strconv.Itoa(existing+1)
	}
	field.Set("T", textString(fname))
	field.Set("V", ref{sigNum, 0})
	field.Set("F", number("132")) // Print, Locked
	field.Set("P", pageRef)
	rect := array{number("0"), number("0"), number("0"), number("0")}
	if opts.Appearance != nil {
		p, err := opts.Appearance.render(doc.mediaBox(pageRef), at.Format(time.RFC3339))
		if err != nil {
			return nil, 0, err
		}
		xo, err := formXObject(p, u.alloc, u.objs, &u.order)
		if err != nil {
			return nil, 0, err
		}
		xoNum := u.alloc()
		u.put(xoNum, xo)
		rect = array{numf(p.rect[0]), numf(p.rect[1]), numf(p.rect[2]), numf(p.rect[3])}
		ap := newDict()
		ap.Set("N", ref{xoNum, 0})
		field.Set("AP", ap)
	}
	field.Set("Rect", rect)
	u.put(fieldNum, field)

	// The page's /Annots gains the widget.
	if err := u.addAnnot(pageRef, pageDict, ref{fieldNum, 0}); err != nil {
		return nil, 0, pdfError(err)
	}

	// The interactive form lists the field; SigFlags 3: signatures exist, append only.
	var form *dict
	formRef, formIsRef := root.Get("AcroForm").(ref)
	if formIsRef {
		form, err = doc.dictOf(formRef)
		if err != nil {
			return nil, 0, pdfError(err)
		}
	} else if d, ok := root.Get("AcroForm").(*dict); ok {
		form = d
	}
	if form == nil {
		form = newDict()
	}
	form = form.clone()
	fields, err := doc.resolve(form.Get("Fields"))
	if err != nil {
		return nil, 0, pdfError(err)
	}
	fa, _ := fields.(array)
	form.Set("Fields", append(append(array{}, fa...), ref{fieldNum, 0}))
	form.Set("SigFlags", number("3"))
	if formIsRef {
		u.replace(formRef, form)
	} else {
		formNum := u.alloc()
		u.put(formNum, form)
		newRoot := root.clone()
		newRoot.Set("AcroForm", ref{formNum, 0})
		u.replace(rootRef, newRoot)
	}

	// Lay the update out; the signature dictionary leaves room for /ByteRange and
	// /Contents, filled once the file's length is known.
	var contentsAt, byteRangeAt int
	out := u.write(func(n int, buf *bytes.Buffer) bool {
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
		tail := newDict()
		tail.Set("M", pdfString(pdfDate(at)))
		if cn := chain[0].Subject.CommonName; cn != "" {
			tail.Set("Name", textString(cn))
		}
		if opts.Reason != "" {
			tail.Set("Reason", textString(opts.Reason))
		}
		if opts.Location != "" {
			tail.Set("Location", textString(opts.Location))
		}
		if opts.ContactInfo != "" {
			tail.Set("ContactInfo", textString(opts.ContactInfo))
		}
		for _, k := range tail.keys {
			buf.WriteByte(' ')
			serialize(buf, k)
			buf.WriteByte(' ')
			serialize(buf, tail.vals[k])
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

func copyTrailerKeys(dst, src *dict, id any) {
	for _, k := range []name{"Root", "Info"} {
		if v := src.Get(k); v != nil {
			dst.Set(k, v)
		}
	}
	dst.Set("ID", id)
}

func sortedKeys(m map[int]int64) []int {
	out := make([]int, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Ints(out)
	return out
}

// xrefStreamData builds the /Index and rows (type 1, 4-byte offset, 2-byte generation).
func xrefStreamData(offsets map[int]int64, gens map[int]int) (array, []byte) {
	nums := sortedKeys(offsets)
	var index array
	var data []byte
	for i := 0; i < len(nums); {
		j := i
		for j+1 < len(nums) && nums[j+1] == nums[j]+1 {
			j++
		}
		index = append(index, num(int64(nums[i])), num(int64(j-i+1)))
		for k := i; k <= j; k++ {
			o, g := offsets[nums[k]], gens[nums[k]]
			data = append(data, 1, byte(o>>24), byte(o>>16), byte(o>>8), byte(o), byte(g>>8), byte(g))
		}
		i = j + 1
	}
	return index, data
}

// countSignatureFields counts the signature fields the form already has.
func countSignatureFields(doc *document, root *dict) (int, error) {
	sigs, err := signatureFields(doc, root)
	return len(sigs), err
}

// signatureFields lists the form's signature fields (terminal fields of type /Sig),
// walking /Kids.
func signatureFields(doc *document, root *dict) ([]*dict, error) {
	fv, err := doc.resolve(root.Get("AcroForm"))
	if err != nil {
		return nil, err
	}
	form, _ := fv.(*dict)
	if form == nil {
		return nil, nil
	}
	fields, err := doc.resolve(form.Get("Fields"))
	if err != nil {
		return nil, err
	}
	var out []*dict
	seen := map[int]bool{}
	var walk func(v any, ft any, depth int) error
	walk = func(v any, ft any, depth int) error {
		if depth > 32 {
			return nil
		}
		if r, ok := v.(ref); ok {
			if seen[r.Num] {
				return nil
			}
			seen[r.Num] = true
		}
		f, err := doc.dictOf(v)
		if err != nil {
			return err
		}
		if t := f.Get("FT"); t != nil {
			ft = t
		}
		kv, err := doc.resolve(f.Get("Kids"))
		if err != nil {
			return err
		}
		if kids, ok := kv.(array); ok && len(kids) > 0 && hasNamedKid(doc, kids) {
			for _, k := range kids {
				if err := walk(k, ft, depth+1); err != nil {
					return err
				}
			}
			return nil
		}
		if ft == name("Sig") {
			if len(out) == maxSignatureFields {
				return tooComplex("more than %d signature fields", maxSignatureFields)
			}
			out = append(out, f)
		}
		return nil
	}
	fa, _ := fields.(array)
	for _, f := range fa {
		if err := walk(f, nil, 0); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// hasNamedKid tells fields (which have /T) from widget annotations among kids.
func hasNamedKid(doc *document, kids array) bool {
	for _, k := range kids {
		if d, err := doc.dictOf(k); err == nil && d.Get("T") != nil {
			return true
		}
	}
	return false
}
