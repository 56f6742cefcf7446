package attach

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"runtime"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
)

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 200, 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const minimalPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

func TestSniff(t *testing.T) {
	for _, c := range []struct {
		head string
		want string
	}{
		{"%PDF-1.7", PDF}, {"\xFF\xD8\xFF\xE0", JPEG}, {"\x89PNG\r\n\x1a\n", PNG},
		{"MZ\x90\x00", ""}, {"%PD", ""}, {"GIF89a", ""}, {"", ""}, {"\x89PNG\r\n", ""},
	} {
		got, ok := Sniff([]byte(c.head))
		if got != c.want || ok != (c.want != "") {
			t.Errorf("Sniff(%q) = %q, %v", c.head, got, ok)
		}
	}
}

func TestCheck(t *testing.T) {
	p := pngBytes(t, 30, 20)
	f, err := Check(bytes.NewReader(p), 1<<20)
	if err != nil || f.ContentType != PNG || f.Width != 30 || f.Height != 20 {
		t.Fatalf("png: %+v %v", f.ContentType, err)
	}
	if f, err := Check(bytes.NewReader([]byte(minimalPDF)), 1<<20); err != nil || f.ContentType != PDF {
		t.Fatalf("pdf: %v", err)
	}
	for name, c := range map[string]struct {
		data  []byte
		limit int64
		want  error
	}{
		"exe":           {[]byte("MZ\x90\x00\x03\x00\x00\x00"), 1 << 20, ErrTypeNotAllowed},
		"too large":     {p, int64(len(p)) - 1, ErrTooLarge},
		"truncated png": {p[:len(p)/2], 1 << 20, ErrNotDecodable},
		"pdf no eof":    {[]byte("%PDF-1.4\n1 0 obj<<>>endobj\n"), 1 << 20, ErrNotDecodable},
		"bomb":          {bomb(t), 1 << 20, ErrNotDecodable},
	} {
		if _, err := Check(bytes.NewReader(c.data), c.limit); !errors.Is(err, c.want) {
			t.Errorf("%s: %v, want %v", name, err, c.want)
		}
	}
	if _, err := Check(bytes.NewReader(p), int64(len(p))); err != nil {
		t.Errorf("exactly the limit: %v", err)
	}
}

// bomb is a valid PNG header claiming 100 000 × 100 000 pixels.
func bomb(t *testing.T) []byte {
	p := pngBytes(t, 1, 1)
	b := bytes.Clone(p)
	// IHDR width and height at bytes 16–23; the CRC is then wrong, but DecodeConfig
	// stops at the header size check first or fails: either way not decodable.
	copy(b[16:24], []byte{0, 1, 0x86, 0xA0, 0, 1, 0x86, 0xA0})
	return b
}

func TestThumbnail(t *testing.T) {
	src := image.NewRGBA(image.Rect(0, 0, 3000, 1500))
	for i := range src.Pix {
		src.Pix[i] = 255
	}
	src.Set(0, 0, color.RGBA{0, 0, 0, 255})
	th := Thumbnail(src, 1024)
	if b := th.Bounds(); b.Dx() != 1024 || b.Dy() != 512 {
		t.Fatalf("bounds %v", b)
	}
	if r, g, b, _ := th.At(500, 200).RGBA(); r>>8 != 255 || g>>8 != 255 || b>>8 != 255 {
		t.Errorf("white area became %d %d %d", r>>8, g>>8, b>>8)
	}
	small := Thumbnail(image.NewNRGBA(image.Rect(0, 0, 10, 5)), 1024) // transparent: white
	if b := small.Bounds(); b.Dx() != 10 || b.Dy() != 5 {
		t.Fatalf("small bounds %v", b)
	}
	if r, _, _, a := small.At(3, 3).RGBA(); r>>8 != 255 || a>>8 != 255 {
		t.Errorf("transparent not flattened on white")
	}
	var out bytes.Buffer
	if err := jpeg.Encode(&out, th, nil); err != nil {
		t.Fatal(err)
	}
	// A tall image is bounded by twice the width.
	if b := Thumbnail(image.NewGray(image.Rect(0, 0, 300, 4000)), 100).Bounds(); b.Dx() != 15 || b.Dy() != 200 {
		t.Errorf("tall thumbnail %v", b)
	}
	// An odd rectangle not at the origin.
	sub := src.SubImage(image.Rect(7, 9, 2055, 1000))
	if b := Thumbnail(sub, 1024).Bounds(); b.Dx() != 1024 || b.Dy() != 496 {
		t.Errorf("sub-image thumbnail %v", b)
	}
}

func FuzzSniff(f *testing.F) {
	for _, s := range []string{"%PDF-1.7", "\xFF\xD8\xFF", "\x89PNG\r\n\x1a\n", "MZ"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, head []byte) {
		ct, ok := Sniff(head)
		if ok != (ct != "") {
			t.Fatalf("Sniff(%q) = %q, %v", head, ct, ok)
		}
	})
}

func FuzzCheck(f *testing.F) {
	f.Add(pngBytes(f, 4, 3))
	f.Add([]byte(minimalPDF))
	var j bytes.Buffer
	jpeg.Encode(&j, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
	f.Add(j.Bytes())
	f.Add([]byte("MZ\x90\x00"))
	// The bombs of issue 15, small enough for the fuzzer: the 16-bit RGBA PNG of
	// 6324×6324 (its header and first rows), a JPEG claiming 65535×65535, a complete
	// progressive 12-megapixel JPEG (35 KB), a PNG one pixel high and 40,000 wide, and
	// a small progressive JPEG that decodes.
	f.Add(pngOfZeros(f, 6324, 6324, 6, 16, 4))
	f.Add(flatJPEG(f, 65535, 65535, yuv420, false, true))
	f.Add(flatJPEG(f, 4000, 3000, yuv420, true, false))
	f.Add(pngOfZeros(f, 40000, 1, 0, 8, 1))
	f.Add(flatJPEG(f, 300, 200, yuv420, true, false))
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Check(bytes.NewReader(data), 1<<16)
		if err != nil {
			for _, want := range []error{ErrTooLarge, ErrTypeNotAllowed, ErrNotDecodable, ErrImageTooLarge} {
				if errors.Is(err, want) {
					return
				}
			}
			t.Fatalf("unexpected error %v", err)
		}
		if ct, _ := Sniff(data); ct != file.ContentType || !bytes.Equal(file.Data, data) {
			t.Fatalf("checked as %q, sniffed %q", file.ContentType, ct)
		}
		if IsImage(file.ContentType) {
			img, err := Decode(data)
			if err != nil {
				t.Fatal(err)
			}
			if th := Thumbnail(img, 16); th.Bounds().Dx() > 16 {
				t.Fatalf("thumbnail %v", th.Bounds())
			}
		}
	})
}

// pngOfZeros streams a PNG of w×h pixels of the given colour type and depth whose rows
// are all zero (so it compresses about a thousandfold), without holding its pixels:
// the shape of the decompression bomb of issue 15 (6324×6324, 16-bit RGBA, 311 KB).
// With rows < h it stops after that many rows: a header the size of the bomb's.
func pngOfZeros(t testing.TB, w, h int, colour, depth byte, rows int) []byte {
	t.Helper()
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		var n [4]byte
		binary.BigEndian.PutUint32(n[:], uint32(len(data)))
		out.Write(n[:])
		c := crc32.NewIEEE()
		c.Write([]byte(typ))
		c.Write(data)
		out.WriteString(typ)
		out.Write(data)
		binary.BigEndian.PutUint32(n[:], c.Sum32())
		out.Write(n[:])
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], uint32(w))
	binary.BigEndian.PutUint32(ihdr[4:], uint32(h))
	ihdr[8], ihdr[9] = depth, colour
	chunk("IHDR", ihdr)
	channels := map[byte]int{0: 1, 2: 3, 4: 2, 6: 4}[colour]
	row := 1 + (w*channels*int(depth)+7)/8 // filter byte 0, then the pixels
	chunk("IDAT", zlibZeros(t, min(rows, h)*row))
	chunk("IEND", nil)
	return out.Bytes()
}

// zlibZeros is a zlib stream of n zero bytes, made without compressing them all:
// deflate looks back at most 32 KB, so the blocks that encode a megabyte of zeros, once
// zeros precede them, decode the same anywhere later and can be repeated.
func zlibZeros(t testing.TB, n int) []byte {
	t.Helper()
	const lead, chunk = 32 << 10, 1 << 20
	var out, buf bytes.Buffer
	out.Write([]byte{0x78, 0xDA}) // deflate, 32 KB window
	fw, err := flate.NewWriter(&buf, flate.BestCompression)
	if err != nil {
		t.Fatal(err)
	}
	zeros := make([]byte, chunk)
	first := min(n, lead)
	fw.Write(zeros[:first])
	fw.Flush()
	out.Write(buf.Bytes())
	buf.Reset()
	rest := n - first
	if rest >= chunk {
		fw.Write(zeros)
		fw.Flush()
		for ; rest >= chunk; rest -= chunk {
			out.Write(buf.Bytes())
		}
		buf.Reset()
	}
	fw.Write(zeros[:rest])
	fw.Close()
	out.Write(buf.Bytes())
	binary.Write(&out, binary.BigEndian, uint32(n%65521)<<16|1) // Adler-32 of n zeros
	return out.Bytes()
}

// flatJPEG writes a JPEG of w×h pixels, every block flat grey, with the components'
// sampling factors given (one byte h<<4|v each: {0x11} grey, {0x22, 0x11, 0x11} 4:2:0),
// baseline or progressive (then only the DC scan, which the decoder accepts as the
// whole image). Each block costs one or two bits, so a large image stays small; with
// truncate the entropy-coded data is left out, for a header alone.
func flatJPEG(t testing.TB, w, h int, sampling []byte, progressive, truncate bool) []byte {
	t.Helper()
	var b bytes.Buffer
	seg := func(marker byte, data ...byte) {
		b.Write([]byte{0xFF, marker, byte((len(data) + 2) >> 8), byte(len(data) + 2)})
		b.Write(data)
	}
	b.Write([]byte{0xFF, 0xD8})
	seg(0xE0, append([]byte("JFIF\x00"), 1, 1, 0, 0, 1, 0, 1, 0, 0)...)
	seg(0xDB, append([]byte{0}, bytes.Repeat([]byte{1}, 64)...)...)
	sof := []byte{8, byte(h >> 8), byte(h), byte(w >> 8), byte(w), byte(len(sampling))}
	for i, hv := range sampling {
		sof = append(sof, byte(i+1), hv, 0)
	}
	marker := byte(0xC0)
	if progressive {
		marker = 0xC2
	}
	seg(marker, sof...)
	// One code of one bit: DC difference category 0; for AC, end of block.
	table := append([]byte{1}, make([]byte, 15)...)
	seg(0xC4, append(append([]byte{0x00}, table...), 0)...)
	bitsPerBlock := 1
	if !progressive {
		seg(0xC4, append(append([]byte{0x10}, table...), 0)...)
		bitsPerBlock = 2
	}
	sos := []byte{byte(len(sampling))}
	for i := range sampling {
		sos = append(sos, byte(i+1), 0x00)
	}
	if progressive {
		sos = append(sos, 0, 0, 0) // DC only
	} else {
		sos = append(sos, 0, 63, 0)
	}
	seg(0xDA, sos...)
	if !truncate {
		maxH, maxV, perMCU := 1, 1, 0
		for _, hv := range sampling {
			maxH, maxV = max(maxH, int(hv>>4)), max(maxV, int(hv&15))
			perMCU += int(hv>>4) * int(hv&15)
		}
		if len(sampling) == 1 {
			maxH, maxV, perMCU = 1, 1, 1
		}
		blocks := ((w + 8*maxH - 1) / (8 * maxH)) * ((h + 8*maxV - 1) / (8 * maxV)) * perMCU
		bits := blocks * bitsPerBlock
		b.Write(make([]byte, bits/8))
		if bits%8 != 0 {
			b.WriteByte(0xFF >> (bits % 8)) // padded with ones
		}
	}
	b.Write([]byte{0xFF, 0xD9})
	return b.Bytes()
}

var (
	yuv420 = []byte{0x22, 0x11, 0x11}
	yuv444 = []byte{0x11, 0x11, 0x11}
	grey   = []byte{0x11}
)

// TestDecodeBudget: what an image costs to decode is judged from its header, in bytes of
// the decoder's buffers, not only in pixels: the PNG bomb of issue 15 (6324×6324 16-bit
// RGBA, 39.99 megapixels, 320 MB decoded) is refused before any pixel is allocated, and
// ordinary phone photos pass.
func TestDecodeBudget(t *testing.T) {
	for name, c := range map[string]struct {
		data []byte
		want error
	}{
		"png bomb 6324×6324 rgba64":        {pngOfZeros(t, 6324, 6324, 6, 16, 6324), ErrImageTooLarge},
		"png 12 MP rgba8":                  {pngOfZeros(t, 4000, 3000, 6, 8, 3000), nil},
		"png 12 MP rgba16":                 {pngOfZeros(t, 4000, 3000, 6, 16, 3000), ErrImageTooLarge},
		"jpeg claiming 65535×65535":        {flatJPEG(t, 65535, 65535, yuv420, false, true), ErrImageTooLarge},
		"progressive jpeg 12 MP 4:2:0":     {flatJPEG(t, 4000, 3000, yuv420, true, false), ErrImageTooLarge},
		"progressive jpeg 5.9 MP 4:2:0":    {flatJPEG(t, 2800, 2100, yuv420, true, false), nil},
		"progressive jpeg 7.7 MP 4:2:0":    {flatJPEG(t, 3200, 2400, yuv420, true, false), ErrImageTooLarge},
		"png 40000×1 grey":                 {pngOfZeros(t, 40000, 1, 0, 8, 1), ErrImageTooLarge},
		"progressive jpeg claiming 65500²": {flatJPEG(t, 65500, 600, yuv444, true, true), ErrImageTooLarge},
		"phone photo 12 MP 4:2:0":          {flatJPEG(t, 4000, 3000, yuv420, false, false), nil},
		"photo 12 MP 4:4:4":                {flatJPEG(t, 4000, 3000, yuv444, false, false), nil},
	} {
		// An image accepted from its header is then decoded; TestDecodeCostBoundsAllocations
		// decodes the largest shapes accepted.
		err := checkHeader(c.data)
		if c.want != nil {
			_, err = Check(bytes.NewReader(c.data), 10<<20)
		}
		if c.want == nil && err != nil || c.want != nil && !errors.Is(err, c.want) {
			t.Errorf("%s (%d bytes): %v, want %v", name, len(c.data), err, c.want)
		}
	}
	if e := apperr.From(ErrImageTooLarge); e.Kind != apperr.Invalid || e.Code != "image_too_large" || !strings.Contains(e.Message, "Ảnh") {
		t.Errorf("the refusal: %+v", e)
	}
}

// TestDecodeCostBoundsAllocations checks decodeCost against what decoding allocates, for
// each colour model and layout the decoders treat differently, and that an image just
// within DecodeBudget decodes, with its preview, in under 64 MB.
func TestDecodeCostBoundsAllocations(t *testing.T) {
	encode := func(img image.Image) []byte {
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		return b.Bytes()
	}
	r := image.Rect(0, 0, 600, 400)
	pal := image.NewPaletted(r, color.Palette{color.Black, color.White})
	var trns bytes.Buffer // a grey PNG with a transparent grey: decoded as NRGBA
	{
		p := pngOfZeros(t, 600, 400, 0, 8, 400)
		trns.Write(p[:33])
		c := crc32.NewIEEE()
		c.Write([]byte("tRNS\x00\x00"))
		trns.Write([]byte{0, 0, 0, 2, 't', 'R', 'N', 'S', 0, 0})
		binary.Write(&trns, binary.BigEndian, c.Sum32())
		trns.Write(p[33:])
	}
	const slack = 256 << 10 // the decoders' tables, readers and small buffers
	for name, data := range map[string][]byte{
		"png grey":                encode(image.NewGray(r)),
		"png grey with tRNS":      trns.Bytes(),
		"png grey16":              encode(image.NewGray16(r)),
		"png paletted":            encode(pal),
		"png rgb":                 pngOfZeros(t, 600, 400, 2, 8, 400),
		"png nrgba":               encode(image.NewNRGBA(r)),
		"png rgba64":              pngOfZeros(t, 600, 400, 6, 16, 400),
		"png rgb48":               pngOfZeros(t, 600, 400, 2, 16, 400),
		"jpeg grey":               flatJPEG(t, 600, 400, grey, false, false),
		"jpeg 4:2:0":              flatJPEG(t, 600, 400, yuv420, false, false),
		"jpeg 4:4:4":              flatJPEG(t, 600, 400, yuv444, false, false),
		"jpeg 4:2:2":              flatJPEG(t, 600, 400, []byte{0x21, 0x11, 0x11}, false, false),
		"progressive jpeg grey":   flatJPEG(t, 600, 400, grey, true, false),
		"progressive jpeg 4:2:0":  flatJPEG(t, 600, 400, yuv420, true, false),
		"largest rgba64 accepted": pngOfZeros(t, 2500, 2500, 6, 16, 2500),
		"largest progressive":     flatJPEG(t, 2800, 2100, yuv420, true, false),
	} {
		ct, _ := Sniff(data)
		cost, err := decodeCost(data, ct)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		img, err := Decode(data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		var out bytes.Buffer
		if err := jpeg.Encode(&out, Thumbnail(img, 1024), nil); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		decoded := after.TotalAlloc - before.TotalAlloc
		if int64(decoded) > cost+slack+thumbnailCost(img.Bounds()) {
			t.Errorf("%s: decoding allocated %d bytes, estimated %d", name, decoded, cost)
		}
		if decoded >= 64_000_000 {
			t.Errorf("%s: decoding and the preview allocated %d bytes, not under 64 MB", name, decoded)
		}
	}
}

// thumbnailCost is what Thumbnail and the JPEG encoder allocate, at most: the preview,
// a strip of rows, and the encoder's buffers.
func thumbnailCost(b image.Rectangle) int64 {
	h := min(int64(b.Dy())*1024/int64(b.Dx())+1, 2048)
	strip := (int64(b.Dy())/h + 2) * int64(b.Dx()) * 4
	return 4*1024*h + strip + 64<<10
}

func TestSafeName(t *testing.T) {
	long := strings.Repeat("Giấy ", 60) + "cuối.pdf"
	for _, c := range []struct{ name, ct, want string }{
		{"giay-chung-sinh.png", PNG, "giay-chung-sinh.png"},
		{"../../etc/passwd", PDF, "passwd.pdf"},
		{`C:\Users\An\Giấy khai sinh.docx`, PDF, "Giấy khai sinh.pdf"},
		{"ảnh cccd.exe", PNG, "ảnh cccd.png"},
		{"scan.PDF", PDF, "scan.pdf"},
		{"photo.jpeg", JPEG, "photo.jpg"},
		{"to-khai.pdf.html", PDF, "to-khai.pdf.pdf"},
		{"Gia\u0301y to\u031B\u0300.pdf", PDF, "Giáy tờ.pdf"}, // decomposed, as macOS sends it
		{"\u202Egnp.exe", PNG, "gnp.png"},                     // a right-to-left override
		{"bad\x00na\u200Bme\n.pdf", PDF, "badname.pdf"},
		{"", PDF, "tep.pdf"},
		{"...", JPEG, "tep.jpg"},
		{".htaccess", PNG, "htaccess.png"},
		{"Nguyễn Văn A. CCCD", JPEG, "Nguyễn Văn A. CCCD.jpg"},
		{"file.pdf .", PDF, "file.pdf"},
		{"a/b/", PDF, "b.pdf"},
	} {
		if got := SafeName(c.name, c.ct); got != c.want {
			t.Errorf("SafeName(%q, %s) = %q, want %q", c.name, c.ct, got, c.want)
		}
	}
	if got := SafeName(long, PDF); len([]rune(got)) != 200 || !strings.HasSuffix(got, ".pdf") || !strings.HasPrefix(got, "Giấy Giấy") {
		t.Errorf("a long name: %q (%d runes)", got, len([]rune(got)))
	}
}
