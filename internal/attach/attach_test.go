package attach

import (
	"bytes"
	"errors"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
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
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := Check(bytes.NewReader(data), 1<<16)
		if err != nil {
			for _, want := range []error{ErrTooLarge, ErrTypeNotAllowed, ErrNotDecodable} {
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
