package web_test

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"hash/crc32"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/httpx"
)

// pngBomb is the image of issue 15: a 311 KB PNG of 6324×6324 16-bit RGBA pixels, all
// zero, which takes 320 MB to decode. Its rows are streamed into the compressor, never
// held.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	const side = 6324
	var out bytes.Buffer
	out.WriteString("\x89PNG\r\n\x1a\n")
	chunk := func(typ string, data []byte) {
		binary.Write(&out, binary.BigEndian, uint32(len(data)))
		out.WriteString(typ)
		out.Write(data)
		binary.Write(&out, binary.BigEndian, crc32.ChecksumIEEE(append([]byte(typ), data...)))
	}
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr[0:], side)
	binary.BigEndian.PutUint32(ihdr[4:], side)
	ihdr[8], ihdr[9] = 16, 6 // 16-bit, RGBA
	chunk("IHDR", ihdr)
	var idat bytes.Buffer
	z, _ := zlib.NewWriterLevel(&idat, zlib.BestSpeed)
	row := make([]byte, 1+side*8)
	for range side {
		z.Write(row)
	}
	z.Close()
	chunk("IDAT", idat.Bytes())
	chunk("IEND", nil)
	return out.Bytes()
}

// TestImageBombRefusedAtUpload: the PNG bomb is refused from its header, with a stable
// code and a message in Vietnamese, and nothing is recorded.
func TestImageBombRefusedAtUpload(t *testing.T) {
	e := newEnv(t)
	citizen := bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("online filing: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	code, out = uploadFile(t, e, citizen, dcode, "anh.png", pngBomb(t), nil)
	p := decode[httpx.Problem](t, out)
	if code != 422 || p.Code != "image_too_large" || !strings.Contains(p.Detail+p.Title, "Ảnh có kích thước") {
		t.Fatalf("bomb: %d %s", code, out)
	}
	var list httpx.List[fileItem]
	if code, _ := apiGet(t, e, citizen, "/api/v1/dossiers/"+dcode+"/files", &list); code != 200 || list.Total != 0 {
		t.Fatalf("files after the refusal: %d %+v", code, list)
	}
}
