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

// MaxSide bounds each side of an image: a preview is made one strip of rows at a time,
// and a strip is as wide as the image.
const MaxSide = 16384

// DecodeBudget bounds the memory one decode may take, in bytes, as estimated from the
// file's header before anything is decoded (decodeCost): the pixels of the Go image the
// decoder allocates, which depend on the colour model and bit depth and not only on the
// number of pixels (a 16-bit RGBA PNG takes 8 bytes a pixel, a 4:2:0 JPEG 1.5), and its
// working buffers (a progressive JPEG keeps every coefficient, 4 bytes a sample). With
// the decoder's small fixed buffers and a preview (at most 1024×2048, 8.4 MB) a decode
// stays under 64 MB. A 12-megapixel phone photo (baseline JPEG 4:2:0, 18 MB; 4:4:4,
// 36 MB) and a 12-megapixel 8-bit PNG (48 MB) fit; a progressive 4:2:0 JPEG fits up to
// about 6.7 megapixels (7.5 bytes a pixel), a 16-bit RGBA PNG up to 6.2.
const DecodeBudget = 48 << 20

// Errors of this package.
var (
	ErrTooLarge       = apperr.New(apperr.Invalid, "file_too_large", "Tệp vượt quá dung lượng cho phép.")
	ErrTypeNotAllowed = apperr.New(apperr.Invalid, "file_type_not_allowed", "Chỉ nhận tệp PDF, ảnh JPEG hoặc PNG (kiểm tra theo nội dung tệp, không theo tên tệp).")
	ErrNotDecodable   = apperr.New(apperr.Invalid, "file_not_decodable", "Tệp bị hỏng hoặc không đọc được; vui lòng quét hoặc chụp lại.")
	ErrImageTooLarge  = apperr.New(apperr.Invalid, "image_too_large",
		"Ảnh có kích thước điểm ảnh quá lớn để xử lý. Vui lòng chụp lại ở độ phân giải thấp hơn (ví dụ 12 megapixel), lưu dạng JPEG thường, hoặc gửi bản PDF.")
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

// Decode decodes an accepted image, refusing before allocating its pixels one of more
// than MaxPixels or whose decoding would take more than DecodeBudget bytes, and one whose
// format is not the one its first bytes announce.
func Decode(data []byte) (image.Image, error) {
	if err := checkHeader(data); err != nil {
		return nil, err
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		return nil, ErrNotDecodable.With(err)
	}
	return img, nil
}

// checkHeader judges an image from its header alone: an accepted type, announced by
// its first bytes, of bounded sides and pixels, whose decoding fits DecodeBudget.
func checkHeader(data []byte) error {
	ct, ok := Sniff(data)
	if !ok || !IsImage(ct) {
		return ErrTypeNotAllowed
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		return ErrNotDecodable.With(err)
	}
	if "image/"+format != ct {
		return ErrNotDecodable.With(fmt.Errorf("decoded as %s, sniffed %s", format, ct))
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return ErrNotDecodable.With(fmt.Errorf("image of %d×%d pixels", cfg.Width, cfg.Height))
	}
	if int64(cfg.Width)*int64(cfg.Height) > MaxPixels || cfg.Width > MaxSide || cfg.Height > MaxSide {
		return ErrImageTooLarge.With(fmt.Errorf("image of %d×%d pixels", cfg.Width, cfg.Height))
	}
	cost, err := decodeCost(data, ct)
	if err != nil {
		return ErrNotDecodable.With(err)
	}
	if cost > DecodeBudget {
		return ErrImageTooLarge.With(fmt.Errorf("image of %d×%d pixels would take %d bytes to decode", cfg.Width, cfg.Height, cost))
	}
	return nil
}

// Thumbnail scales img down to at most maxWidth pixels wide and twice that high,
// keeping its proportions, by averaging each box of source pixels (a box filter), and
// flattens transparency onto white so that the result can be encoded as JPEG. A smaller
// image keeps its size.
func Thumbnail(img image.Image, maxWidth int) image.Image {
	b := img.Bounds()
	sw, sh := b.Dx(), b.Dy()
	if sw <= 0 || sh <= 0 || maxWidth <= 0 {
		return image.NewRGBA(image.Rect(0, 0, 1, 1))
	}
	dw := min(sw, maxWidth)
	dh := max(1, int((int64(sh)*int64(dw)+int64(sw)/2)/int64(sw)))
	if maxHeight := 2 * maxWidth; dh > maxHeight {
		// A tall image (a strip of receipts, a long screenshot) is bounded by its height,
		// or its preview would take more memory than its decoding.
		dh = min(sh, maxHeight)
		dw = max(1, int((int64(sw)*int64(dh)+int64(sh)/2)/int64(sh)))
	}
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
