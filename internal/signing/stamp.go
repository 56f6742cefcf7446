package signing

import (
	"bytes"
	"context"
	"errors"
	"fmt"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/pdf"
	"github.com/xaso-vn/xaso/internal/qr"
)

// Stamp is the verification mark xaso puts on a document it is about to sign: a QR code
// of the public verification address and the document's code, in the bottom margin of
// page 1 at the left (Decree 30/2020 keeps 20–25 mm of bottom margin; the top right is
// the text block's of an electronic copy). It is page content of the unsigned document (a locked, printed stamp annotation
// added as an incremental update), so every later signature covers it; a reader scans
// it and lands on /xac-thuc?ma=<code>.
type Stamp struct {
	URL  string // the QR code's content, e.g. https://motcua.example.vn/xac-thuc?ma=…
	Code string // the document's code, printed beside the QR code
	Site string // where to check by hand, e.g. motcua.example.vn/xac-thuc
}

// ErrAlreadySigned refuses a stamp on a signed document: it would change what was signed.
var ErrAlreadySigned = errors.New("signing: the document is already signed; stamp it before the first signature")

// AddStamp appends to file an incremental update with the verification stamp on page 1.
func AddStamp(file []byte, s Stamp) ([]byte, error) {
	return addStamp(file, s, nil)
}

// addStamp stamps file with s drawn for page 1's media box, or with drawn when the
// fuzzer gives it a stamp drawn once.
func addStamp(file []byte, s Stamp, drawn *placed) ([]byte, error) {
	doc, fields, err := parseSigned(context.Background(), file)
	if err != nil {
		return nil, err
	}
	if len(fields) > 0 {
		return nil, ErrAlreadySigned
	}
	pages, err := doc.Pages(1)
	if err != nil {
		return nil, pdf.Classify(err)
	}
	if len(pages) == 0 {
		return nil, pdf.ErrInvalid.With(errors.New("the document has no page"))
	}
	pageDict, err := doc.DictOf(pages[0])
	if err != nil {
		return nil, pdf.Classify(err)
	}
	p := drawn
	if p == nil {
		if p, err = s.render(doc.MediaBox(pages[0])); err != nil {
			return nil, err
		}
	}
	u := pdf.NewUpdate(doc)
	xo, err := u.FormXObject(p.pdf, p.rect[2]-p.rect[0], p.rect[3]-p.rect[1])
	if err != nil {
		return nil, err
	}
	xoNum := u.Alloc()
	u.Put(xoNum, xo)
	annot := pdf.NewDict()
	annot.Set("Type", pdf.Name("Annot"))
	annot.Set("Subtype", pdf.Name("Stamp"))
	annot.Set("Rect", pdf.Array{pdf.Real(p.rect[0]), pdf.Real(p.rect[1]), pdf.Real(p.rect[2]), pdf.Real(p.rect[3])})
	annot.Set("F", pdf.Number("132")) // Print, Locked
	annot.Set("P", pages[0])
	annot.Set("NM", pdf.Text("xaso-verification"))
	annot.Set("Contents", pdf.Text("Mã xác thực văn bản: "+s.Code))
	ap := pdf.NewDict()
	ap.Set("N", pdf.Ref{Num: xoNum})
	annot.Set("AP", ap)
	annotNum := u.Alloc()
	u.Put(annotNum, annot)
	if err := u.AddAnnot(pages[0], pageDict, pdf.Ref{Num: annotNum}); err != nil {
		return nil, pdf.Classify(err)
	}
	return u.Write(nil), nil
}

// The stamp's QR code side and its distance from the bottom edge, in millimetres: inside
// the bottom margin, clear of text an fpdf or office document keeps 20 mm above it.
const stampSideMM, stampBottomMM = 15, 3

// render draws the stamp: a 15 mm QR code and three lines of 8 pt type to its right,
// 15 mm from the left edge and 3 mm from the bottom.
func (s Stamp) render(media [4]float64) (*placed, error) {
	if s.URL == "" || s.Code == "" {
		return nil, errors.New("signing: a stamp needs an address and a code")
	}
	png, err := qr.PNG(s.URL, 300)
	if err != nil {
		return nil, err
	}
	side := stampSideMM * ptPerMM
	w, h := 80*ptPerMM, side
	area := box{media[0] + 15*ptPerMM, media[1] + stampBottomMM*ptPerMM, w, h}
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: w, Ht: h}})
	f.SetMargins(0, 0, 0)
	f.SetAutoPageBreak(false, 0)
	f.AddPageFormat("P", fpdf.SizeType{Wd: w, Ht: h})
	f.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	f.ImageOptions("qr", 0, 0, side, side, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	f.AddUTF8FontFromBytes("LiberationSerif", "", forms.SerifRegular())
	f.SetFont("LiberationSerif", "", 8)
	f.SetTextColor(0, 0, 0)
	lines := []string{"Mã xác thực: " + s.Code, "Quét mã QR hoặc tra tại", s.Site}
	top := (h - float64(len(lines))*10) / 2
	for i, l := range lines {
		f.SetXY(side+3, top+float64(i)*10)
		f.CellFormat(w-side-3, 10, l, "", 0, "L", false, 0, "")
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		return nil, fmt.Errorf("signing: stamp: %w", err)
	}
	return &placed{rect: [4]float64{area.x, area.y, area.x + area.w, area.y + area.h}, pdf: out.Bytes()}, nil
}

// Area is where a visible signature is drawn: its page (1-based) and rectangle in PDF
// points.
type Area struct {
	Page int
	Rect [4]float64
}

// SignatureAreas lists the areas of the document's visible signatures in the order they
// were added, so the clerk's seal can be stamped over the leader's signature.
func SignatureAreas(file []byte) ([]Area, error) {
	doc, fields, err := parseSigned(context.Background(), file)
	if err != nil {
		return nil, err
	}
	pages, err := doc.Pages(maxPages)
	if err != nil {
		return nil, pdf.Classify(err)
	}
	var out []Area
	for _, f := range fields {
		rv, err := doc.Resolve(f.Get("Rect"))
		if err != nil {
			return nil, pdf.Classify(err)
		}
		ra, _ := rv.(pdf.Array)
		if len(ra) != 4 {
			continue
		}
		var a Area
		for i, v := range ra {
			n, ok := v.(pdf.Number)
			if !ok {
				return nil, pdf.ErrInvalid.With(errors.New("a signature's /Rect is not four numbers"))
			}
			a.Rect[i] = n.Float()
		}
		if a.Rect[0] > a.Rect[2] {
			a.Rect[0], a.Rect[2] = a.Rect[2], a.Rect[0]
		}
		if a.Rect[1] > a.Rect[3] {
			a.Rect[1], a.Rect[3] = a.Rect[3], a.Rect[1]
		}
		if a.Rect[2]-a.Rect[0] < 1 || a.Rect[3]-a.Rect[1] < 1 {
			continue // invisible
		}
		if p, ok := f.Get("P").(pdf.Ref); ok {
			for i, pr := range pages {
				if pr == p {
					a.Page = i + 1
				}
			}
		}
		if a.Page == 0 {
			continue
		}
		out = append(out, a)
	}
	return out, nil
}

// maxPages bounds the pages walked to name a signature's page.
const maxPages = 10000

// PageBoxes returns the media box of each page (at most maxPages), for callers that
// place an appearance relative to a page's edges.
func PageBoxes(file []byte) ([][4]float64, error) {
	doc, err := pdf.Parse(file)
	if err != nil {
		return nil, pdf.Classify(err)
	}
	pages, err := doc.Pages(maxPages)
	if err != nil {
		return nil, pdf.Classify(err)
	}
	out := make([][4]float64, len(pages))
	for i, p := range pages {
		out[i] = doc.MediaBox(p)
	}
	return out, nil
}
