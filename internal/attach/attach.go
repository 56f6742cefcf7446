// Package attach checks uploaded attachments: only PDF, JPEG and PNG, recognised from
// their bytes (never from the name or the declared type), complete (an image decodes to
// its last pixel, a PDF ends with %%EOF) and of bounded size; and it downscales images
// for viewing. It is pure apart from reading the bytes it is given.
package attach

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/draw"
	_ "image/jpeg" // register the decoders Check relies on
	_ "image/png"
	"io"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// The content types accepted.
const (
	PDF  = "application/pdf"
	JPEG = "image/jpeg"
	PNG  = "image/png"
)

// DefaultLimit is the largest attachment accepted unless configured otherwise.
const DefaultLimit = 10 << 20

// MaxPixels bounds the size of a decoded image: a small PNG can claim a huge canvas
// (a decompression bomb), and decoding it would exhaust memory.
const MaxPixels = 40_000_000

// Errors of this package.
var (
	ErrTooLarge       = apperr.New(apperr.Invalid, "file_too_large", "Tệp vượt quá dung lượng cho phép.")
	ErrTypeNotAllowed = apperr.New(apperr.Invalid, "file_type_not_allowed", "Chỉ nhận tệp PDF, ảnh JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).")
	ErrNotDecodable   = apperr.New(apperr.Invalid, "file_not_decodable", "Tệp bị hỏng hoặc không đọc được; vui lòng quét hoặc chụp lại.")
)

var (
	pdfMagic  = []byte("%PDF-")
	jpegMagic = []byte{0xFF, 0xD8, 0xFF}
	pngMagic  = []byte{0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A}
)

// Sniff recognises an accepted type from a file's first bytes.
func Sniff(head []byte) (contentType string, ok bool) {
	switch {
	case bytes.HasPrefix(head, pdfMagic):
		return PDF, true
	case bytes.HasPrefix(head, jpegMagic):
		return JPEG, true
	case bytes.HasPrefix(head, pngMagic):
		return PNG, true
	}
	return "", false
}

// IsImage reports whether contentType is one of the accepted image types.
func IsImage(contentType string) bool { return contentType == JPEG || contentType == PNG }

// File is a checked attachment.
type File struct {
	ContentType   string
	Data          []byte
	Width, Height int // images only
}

// pdfTail is how far from the end %%EOF may be: writers append a newline or a little
// padding after it.
const pdfTail = 1024

// Check reads at most limit bytes from r and verifies the content: its type from the
// bytes, an image decoded completely within MaxPixels, a PDF ending with %%EOF.
func Check(r io.Reader, limit int64) (File, error) {
	data, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return File{}, err
	}
	if int64(len(data)) > limit {
		return File{}, ErrTooLarge
	}
	ct, ok := Sniff(data)
	if !ok {
		return File{}, ErrTypeNotAllowed
	}
	f := File{ContentType: ct, Data: data}
	if ct == PDF {
		tail := data[max(0, len(data)-pdfTail):]
		if !bytes.Contains(tail, []byte("%%EOF")) {
			return File{}, ErrNotDecodable.With(fmt.Errorf("pdf: no %%%%EOF in the last %d bytes", pdfTail))
		}
		return f, nil
	}
	img, err := Decode(data)
	if err != nil {
		return File{}, err
	}
	f.Width, f.Height = img.Bounds().Dx(), img.Bounds().Dy()
	return f, nil
}

// Decode decodes an accepted image, refusing one of more than MaxPixels before
// allocating its pixels, and one whose format is not the one its first bytes announce.
func Decode(data []byte) (image.Image, error) {
	ct, ok := Sniff(data)
	if !ok || !IsImage(ct) {
		return nil, ErrTypeNotAllowed
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotDecodable.With(err)
	}
	if "image/"+format != ct {
		return nil, ErrNotDecodable.With(fmt.Errorf("decoded as %s, sniffed %s", format, ct))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 || int64(cfg.Width)*int64(cfg.Height) > MaxPixels {
		return nil, ErrNotDecodable.With(fmt.Errorf("image of %d×%d pixels", cfg.Width, cfg.Height))
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotDecodable.With(err)
	}
	return img, nil
}

// Thumbnail scales img down to at most maxWidth pixels wide, keeping its proportions,
// by averaging each box of source pixels (a box filter), and flattens transparency onto
// white so that the result can be encoded as JPEG. A narrower image keeps its size.
func Thumbnail(img image.Image, maxWidth int) image.Image {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 || maxWidth <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	dw := min(sw, maxWidth)
	dh := max(1, int((int64(sh)*int64(dw)+int64(sw)/2)/int64(sw)))
	dst := image.NewRGBA(image.Rect(0, 0, dw, dh))
	// One strip of source rows at a time, converted to RGBA by draw's fast paths:
	// memory stays proportional to the width, not to the whole image.
	var strip *image.RGBA
	sums := make([]uint64, 4*dw)
	counts := make([]uint64, dw)
	for dy := 0; dy < dh; dy++ {
		y0, y1 := dy*sh/dh, (dy+1)*sh/dh
		if y1 <= y0 {
			y1 = y0 + 1
		}
		r := image.Rect(0, 0, sw, y1-y0)
		if strip == nil || strip.Bounds().Dy() < r.Dy() {
			strip = image.NewRGBA(r)
		}
		draw.Draw(strip, r, img, image.Pt(b.Min.X, b.Min.Y+y0), draw.Src)
		clear(sums)
		clear(counts)
		for dx := 0; dx < dw; dx++ {
			x0, x1 := dx*sw/dw, (dx+1)*sw/dw
			if x1 <= x0 {
				x1 = x0 + 1
			}
			for y := 0; y < y1-y0; y++ {
				row := strip.Pix[y*strip.Stride:]
				for x := x0; x < x1; x++ {
					p := row[4*x : 4*x+4]
					sums[4*dx] += uint64(p[0])
					sums[4*dx+1] += uint64(p[1])
					sums[4*dx+2] += uint64(p[2])
					sums[4*dx+3] += uint64(p[3])
				}
			}
			counts[dx] = uint64((x1 - x0) * (y1 - y0))
		}
		for dx := 0; dx < dw; dx++ {
			n := counts[dx]
			a := sums[4*dx+3] / n
			// Premultiplied colour over white: c + (255 - a).
			dst.SetRGBA(dx, dy, color.RGBA{
				R: uint8(min(255, sums[4*dx]/n+255-a)),
				G: uint8(min(255, sums[4*dx+1]/n+255-a)),
				B: uint8(min(255, sums[4*dx+2]/n+255-a)),
				A: 255,
			})
		}
	}
	return dst
}
