package signing

import "github.com/xaso-vn/xaso/internal/pdf"

// Decree30Appearance is what a signature shows on a document xaso did not lay out (Decree
// 30/2020, Appendix I), for a key of kind seal (the organisation's) or personal, with its
// image or none. With an image: the signer's signature image in the signature box at the
// bottom right of the last page; the organisation's seal at real size over the left third
// of the last visible signature (or in that box when there is none). Without one: the
// first signature of the document (first) shows the text block of an electronic document
// (organisation org, code, ISO 8601 time) at the top right of page 1 — as an annex signed
// by the organisation does; later ones are invisible (nil).
func Decree30Appearance(file []byte, seal bool, image []byte, first bool, org, code string) (*Appearance, error) {
	if len(image) == 0 {
		if !first {
			return nil, nil
		}
		return &Appearance{TextBlock: true, Organization: org, DocumentNumber: code}, nil
	}
	boxes, err := PageBoxes(file)
	if err != nil {
		return nil, err
	}
	if len(boxes) == 0 {
		return nil, pdf.ErrInvalid
	}
	page := len(boxes)
	a := &Appearance{Page: page, Rect: SignatureBox(boxes[page-1])}
	if !seal {
		a.SignatureImage = image
		return a, nil
	}
	a.SealImage = image
	areas, err := SignatureAreas(file)
	if err != nil {
		return nil, err
	}
	if n := len(areas); n > 0 {
		a.Page, a.Rect = areas[n-1].Page, areas[n-1].Rect
	}
	return a, nil
}

// SignatureBox is where the signer's image goes on a page xaso did not lay out: the
// right half's signature space of an administrative document, 60 × 25 mm, 20 mm from
// the right edge and 40 mm above the bottom (above the signer's printed name).
func SignatureBox(media [4]float64) [4]float64 {
	const mm = 72 / 25.4
	x1, y0 := media[2]-20*mm, media[1]+40*mm
	return [4]float64{x1 - 60*mm, y0, x1, y0 + 25*mm}
}
