package signing

import (
	"bytes"
	"errors"
	"fmt"
	"image/png"
	"strings"

	"github.com/go-pdf/fpdf"
	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/forms"
)

// Appearance is what a signature shows on the page (Decree 30/2020, Appendix I).
//
// On a main document: the signer's handwritten-signature image (blue, transparent PNG)
// fitted inside Rect, which the template puts between the title and the name; and/or the
// organisation's seal image (red) at its real size, over the left third of Rect — the
// clerk's seal signature names the same Rect as the leader's signature it stamps. No
// text.
//
// On a separate attachment or an electronic copy (TextBlock): no image, a text block at
// the top right of page 1 with the document's number and code and the signing time in
// ISO 8601 (+07:00), Times New Roman (here Liberation Serif, same metrics) 10 pt, black.
type Appearance struct {
	Page           int        // 1-based; 0 means page 1
	Rect           [4]float64 // lower-left x, y, upper-right x, y in PDF points
	SignatureImage []byte     // PNG
	SealImage      []byte     // PNG
	SealDiameterMM float64    // the seal's real size; 0 means 35 mm
	TextBlock      bool
	DocumentNumber string  // "số, ký hiệu", e.g. 12/QĐ-UBND or the result code
	Organization   string  // shown above the number in the text block; empty: none
	TopMM          float64 // the text block's distance from the page's top edge; 0 means 8 mm
}

// CheckImage validates a signature or seal image before it is stored: a PNG of at most
// 1 MB and 8,000 pixels a side.
func CheckImage(b []byte) error {
	if len(b) > 1<<20 {
		return ErrImageInvalid.With(errors.New("image over 1 MB"))
	}
	_, _, err := pngSize(b)
	return err
}

const ptPerMM = 72 / 25.4

// placed is a drawn appearance: its rectangle on the page and a one-page PDF of exactly
// that size whose page becomes the widget's form XObject.
type placed struct {
	rect [4]float64
	pdf  []byte
}

type box struct{ x, y, w, h float64 } // PDF points, origin bottom-left

func (b box) union(o box) box {
	x0, y0 := min(b.x, o.x), min(b.y, o.y)
	x1, y1 := max(b.x+b.w, o.x+o.w), max(b.y+b.h, o.y+o.h)
	return box{x0, y0, x1 - x0, y1 - y0}
}

func pngSize(data []byte) (w, h int, err error) {
	cfg, err := png.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return 0, 0, ErrImageInvalid.With(err)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || cfg.Width > 8000 || cfg.Height > 8000 {
		return 0, 0, ErrImageInvalid.With(errors.New("image too large"))
	}
	return cfg.Width, cfg.Height, nil
}

// render lays the appearance out on a page of the given media box; signingTime is the
// text block's time (already formatted).
func (a *Appearance) render(media [4]float64, signingTime string) (*placed, error) {
	type img struct {
		data []byte
		b    box
	}
	var imgs []img
	var area box
	var lines []string
	switch {
	case a.TextBlock:
		if a.Organization != "" {
			lines = append(lines, a.Organization)
		}
		if a.DocumentNumber != "" {
			lines = append(lines, "Số, ký hiệu: "+a.DocumentNumber)
		}
		lines = append(lines, "Thời gian ký: "+signingTime)
		// 10 pt type, lines 12 pt apart, 3 pt padding; 80 mm wide, inside the decree's
		// right margin (15–20 mm) and top margin (20–25 mm, the block sits above it).
		w := 80 * ptPerMM
		h := float64(len(lines))*12 + 6
		top := a.TopMM
		if top <= 0 {
			top = 8
		}
		area = box{media[2] - 15*ptPerMM - w, media[3] - top*ptPerMM - h, w, h}
	default:
		r := box{a.Rect[0], a.Rect[1], a.Rect[2] - a.Rect[0], a.Rect[3] - a.Rect[1]}
		if r.w <= 0 || r.h <= 0 {
			return nil, errors.New("signing: the appearance needs a rectangle")
		}
		area = r
		sigBox := r
		if a.SignatureImage != nil {
			iw, ih, err := pngSize(a.SignatureImage)
			if err != nil {
				return nil, err
			}
			scale := min(r.w/float64(iw), r.h/float64(ih))
			w, h := float64(iw)*scale, float64(ih)*scale
			sigBox = box{r.x + (r.w-w)/2, r.y + (r.h-h)/2, w, h}
			imgs = append(imgs, img{a.SignatureImage, sigBox})
		}
		if a.SealImage != nil {
			iw, ih, err := pngSize(a.SealImage)
			if err != nil {
				return nil, err
			}
			d := a.SealDiameterMM
			if d <= 0 {
				d = 35
			}
			w := d * ptPerMM
			h := w * float64(ih) / float64(iw)
			// The seal's right edge at one third of the signature, centred on it vertically.
			seal := box{sigBox.x + sigBox.w/3 - w, sigBox.y + sigBox.h/2 - h/2, w, h}
			imgs = append(imgs, img{a.SealImage, seal})
			area = area.union(seal)
		}
		if len(imgs) == 0 {
			return nil, errors.New("signing: the appearance has neither image nor text")
		}
	}
	f := fpdf.NewCustom(&fpdf.InitType{UnitStr: "pt", Size: fpdf.SizeType{Wd: area.w, Ht: area.h}})
	f.SetMargins(0, 0, 0)
	f.SetAutoPageBreak(false, 0)
	f.AddPageFormat("P", fpdf.SizeType{Wd: area.w, Ht: area.h})
	for i, im := range imgs {
		nameStr := fmt.Sprintf("img%d", i)
		f.RegisterImageOptionsReader(nameStr, fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(im.data))
		// fpdf's origin is the top left.
		f.ImageOptions(nameStr, im.b.x-area.x, area.y+area.h-(im.b.y+im.b.h), im.b.w, im.b.h, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	}
	if len(lines) > 0 {
		f.AddUTF8FontFromBytes("LiberationSerif", "", forms.SerifRegular())
		f.SetFont("LiberationSerif", "", 10)
		f.SetTextColor(0, 0, 0)
		for i, s := range lines {
			f.SetXY(0, 3+float64(i)*12)
			f.CellFormat(area.w, 12, norm.NFC.String(strings.TrimSpace(s)), "", 0, "R", false, 0, "")
		}
	}
	var out bytes.Buffer
	if err := f.Output(&out); err != nil {
		if strings.Contains(err.Error(), "png") || strings.Contains(err.Error(), "PNG") || strings.Contains(err.Error(), "image") {
			return nil, ErrImageInvalid.With(err)
		}
		return nil, err
	}
	return &placed{rect: [4]float64{area.x, area.y, area.x + area.w, area.y + area.h}, pdf: out.Bytes()}, nil
}
