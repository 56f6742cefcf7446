package web_test

import (
	"bytes"
	"compress/flate"
	"context"
	"encoding/binary"
	"fmt"
	"hash/crc32"
	"io"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
)

// pngBomb is the image of issue 15: a 316 KB PNG of 6324×6324 16-bit RGBA pixels, all
// zero, which takes 320 MB to decode. Its zlib stream repeats the compressed blocks of a
// megabyte of zeros (deflate looks back only 32 KB), so nothing large is compressed or
// held here.
func pngBomb(t *testing.T) []byte {
	t.Helper()
	const side, mb = 6324, 1 << 20
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
	n := side * (1 + side*8) // each row: filter byte 0, then the pixels
	var idat, buf bytes.Buffer
	idat.Write([]byte{0x78, 0xDA})
	fw, _ := flate.NewWriter(&buf, flate.BestCompression)
	zeros := make([]byte, mb)
	fw.Write(zeros)
	fw.Flush()
	idat.Write(buf.Bytes())
	buf.Reset()
	fw.Write(zeros)
	fw.Flush()
	for range n/mb - 1 {
		idat.Write(buf.Bytes())
	}
	buf.Reset()
	fw.Write(zeros[:n%mb])
	fw.Close()
	idat.Write(buf.Bytes())
	binary.Write(&idat, binary.BigEndian, uint32(n%65521)<<16|1) // Adler-32 of n zeros
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

// previewsMade reads xaso_previews_made_total from /metrics.
func previewsMade(t *testing.T, e *env) float64 {
	t.Helper()
	_, page := get(t, e.client(), e.ts.URL+"/metrics")
	for _, line := range strings.Split(page, "\n") {
		var v float64
		if _, err := fmt.Sscanf(line, "xaso_previews_made_total %g", &v); err == nil {
			return v
		}
	}
	t.Fatal("no xaso_previews_made_total in /metrics")
	return 0
}

// TestPreviewMadeOnce: an image's preview is decoded on the first request and kept in
// the blob store; later requests, on the API or the applicant's look-up page, read the
// stored bytes without decoding the image again.
func TestPreviewMadeOnce(t *testing.T) {
	e := newEnv(t)
	citizen := bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("online filing: %d %s", code, out)
	}
	filed := decode[struct{ Code, Secret string }](t, out)
	code, out = uploadFile(t, e, citizen, filed.Code, "anh.png", testPNG(t, 1500, 900), nil)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, out)
	}
	img := decode[fileItem](t, out)
	if n := previewsMade(t, e); n != 0 {
		t.Fatalf("%g previews before any was asked for", n)
	}
	resp, first := fetchFile(t, e, citizen, img.PreviewURL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("preview: %d %v", resp.StatusCode, resp.Header)
	}
	f, err := e.st.DossierFile(context.Background(), img.ID)
	if err != nil {
		t.Fatal(err)
	}
	key, err := e.st.BlobPreview(context.Background(), f.BlobKey, 1024)
	if err != nil || key == "" {
		t.Fatalf("no preview recorded for the image: %q %v", key, err)
	}
	if ok, err := e.srv.Blobs.Exists(context.Background(), key); !ok || err != nil {
		t.Fatalf("the preview's blob is not stored: %v", err)
	}
	resp, again := fetchFile(t, e, citizen, img.PreviewURL)
	if resp.StatusCode != 200 || !bytes.Equal(first, again) {
		t.Fatalf("second preview: %d, %d bytes, first %d", resp.StatusCode, len(again), len(first))
	}
	lookup := "/tra-cuu/" + filed.Code + "/tep/" + strconv.FormatInt(img.ID, 10) + "?secret=" + url.QueryEscape(filed.Secret) + "&preview=1"
	if resp, page := get(t, e.client(), e.ts.URL+lookup); resp.StatusCode != 200 || page != string(first) {
		t.Fatalf("preview on the look-up page: %d", resp.StatusCode)
	}
	if n := previewsMade(t, e); n != 1 {
		t.Fatalf("the image was decoded %g times for three previews, want once", n)
	}
}

// TestUploadToClosedDossier: a dossier that has ended takes no more files through the
// API, from its owner or an official, as the pages refuse them; and its owner adds
// papers only while it waits for reception or for a supplement, as on the look-up page.
func TestUploadToClosedDossier(t *testing.T) {
	e := newEnv(t)
	citizen, counter := bearer(t, e, "congdan"), bearer(t, e, "motcua")
	file := func() string { return fileVia(t, e, citizen, onlineBody) }
	count := func(dcode string) int { return fileCount(t, e, counter, dcode) }

	withdrawn := file()
	if code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers/"+withdrawn+"/actions/withdraw", `{"reason":"Nộp nhầm thủ tục"}`); code != 200 {
		t.Fatalf("withdraw: %d %s", code, out)
	}
	for who, token := range map[string]string{"owner": citizen, "official": counter} {
		code, out := uploadFile(t, e, token, withdrawn, "a.pdf", []byte(testPDF), nil)
		if p := decode[httpx.Problem](t, out); code != 409 || p.Code != "dossier_closed" || !strings.Contains(p.Detail+p.Title, "Hồ sơ đã kết thúc") {
			t.Errorf("%s uploads to a withdrawn dossier: %d %s", who, code, out)
		}
	}
	// The dossier page says so, with no form to send a file.
	c, _ := e.login(t, "motcua", demo.Password)
	page := e.ts.URL + "/office/dossiers/" + withdrawn
	if _, body := get(t, c, page); strings.Contains(body, `action="/office/dossiers/`+withdrawn+`/files"`) ||
		!strings.Contains(body, "không nhận thêm tệp") {
		t.Errorf("the page of a withdrawn dossier offers an upload")
	}
	ct, body := multipartBody(t, "a.pdf", []byte(testPDF), map[string]string{"kind": "paper"})
	resp, err := c.Post(page+"/files", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 409 || !strings.Contains(string(b), "Hồ sơ đã kết thúc") || !strings.Contains(string(b), `id="file-error"`) {
		t.Errorf("page upload to a withdrawn dossier: %d", resp.StatusCode)
	}
	if n := count(withdrawn); n != 0 {
		t.Errorf("%d files on the withdrawn dossier", n)
	}

	// Received and being processed: the office adds papers, the owner waits to be asked.
	received := file()
	if code, out := apiSend(t, e, counter, "POST", "/api/v1/dossiers/"+received+"/actions/receive", `{}`); code != 200 {
		t.Fatalf("receive: %d %s", code, out)
	}
	code, out := uploadFile(t, e, citizen, received, "a.pdf", []byte(testPDF), nil)
	if p := decode[httpx.Problem](t, out); code != 409 || p.Code != "no_supplement_requested" {
		t.Errorf("owner uploads to a dossier being processed: %d %s", code, out)
	}
	if code, out := uploadFile(t, e, counter, received, "a.pdf", []byte(testPDF), nil); code != 201 {
		t.Errorf("official uploads to a dossier being processed: %d %s", code, out)
	}
	if n := count(received); n != 1 {
		t.Errorf("%d files on the received dossier, want the official's", n)
	}
}

// TestUploadCaps: a dossier takes a bounded number of files and bytes, and a user
// uploads a bounded number of files and bytes a day (citizens less than staff), through
// the API, the dossier page and the filing form alike; a refusal stores nothing.
func TestUploadCaps(t *testing.T) {
	e := newEnv(t)
	e.st.SetUploadCaps(store.UploadCaps{DossierFiles: 3, DossierBytes: 1 << 20,
		CitizenFiles: 4, CitizenBytes: 1 << 20, StaffFiles: 8, StaffBytes: 4 << 20})
	citizen, counter := bearer(t, e, "congdan"), bearer(t, e, "motcua")
	file := func(token, body string) string { return fileVia(t, e, token, body) }
	count := func(dcode string) int { return fileCount(t, e, counter, dcode) }
	pdf := func(i int) []byte {
		return []byte(strings.Replace(testPDF, "%%EOF", fmt.Sprintf("%% %d\n%%%%EOF", i), 1))
	}
	refused := func(what string, code int, out string, status int, want string) {
		t.Helper()
		p := decode[httpx.Problem](t, out)
		if code != status || p.Code != want || !strings.Contains(p.Detail+p.Title, "tệp") {
			t.Errorf("%s: %d %s, want %d %s", what, code, out, status, want)
		}
	}

	// Per dossier: three files, then 422.
	first := file(citizen, onlineBody)
	for i := range 3 {
		if code, out := uploadFile(t, e, citizen, first, "a.pdf", pdf(i), nil); code != 201 {
			t.Fatalf("upload %d: %d %s", i, code, out)
		}
	}
	code, out := uploadFile(t, e, citizen, first, "a.pdf", pdf(3), nil)
	refused("a fourth file on the dossier", code, out, 422, "dossier_file_limit")
	code, out = uploadFile(t, e, counter, first, "a.pdf", pdf(3), nil)
	refused("an official's fourth file on the dossier", code, out, 422, "dossier_file_limit")
	// The bytes of a dossier: a file that would pass the megabyte.
	second := file(citizen, onlineBody)
	big := append([]byte("%PDF-1.4\n"), make([]byte, 700<<10)...)
	big = append(big, "\n%%EOF\n"...)
	if code, out := uploadFile(t, e, counter, second, "big.pdf", big, nil); code != 201 {
		t.Fatalf("a large file: %d %s", code, out)
	}
	big2 := append(bytes.Clone(big[:len(big)-7]), "x\n%%EOF\n"...)
	code, out = uploadFile(t, e, counter, second, "big2.pdf", big2, nil)
	refused("a second large file on the dossier", code, out, 422, "dossier_file_limit")

	// Per user per day: the citizen has four files; the fifth, on a fresh dossier, 429.
	third := file(citizen, onlineBody)
	if code, out := uploadFile(t, e, citizen, third, "a.pdf", pdf(10), nil); code != 201 {
		t.Fatalf("fourth file of the day: %d %s", code, out)
	}
	code, out = uploadFile(t, e, citizen, third, "a.pdf", pdf(11), nil)
	refused("the citizen's fifth file of the day", code, out, 429, "daily_upload_limit")
	// The filing form too: the photo is refused at its input, nothing is filed.
	cc, _ := e.login(t, "congdan", demo.Password)
	_, page := get(t, cc, e.ts.URL+"/nop-ho-so/1.001193")
	fields := birthFields()
	fields.Set("key", attrAt(t, page, "input[name=key]", "value"))
	ct, body := filingBody(t, fields, map[string][]namedFile{"paper-1": {{"giay-chung-sinh.png", testPNG(t, 300, 200)}}})
	resp, page := postMultipart(t, cc, e.ts.URL+"/nop-ho-so/1.001193", ct, body)
	if msg := textAt(t, page, "p#paper-1-error"); resp.StatusCode != 422 || !strings.Contains(msg, "trong 24 giờ") {
		t.Errorf("filing form over the daily cap: %d %q", resp.StatusCode, msg)
	}
	// The office is not held by the citizen's cap, and has its own, higher one.
	for i := range 2 {
		if code, out := uploadFile(t, e, counter, third, "a.pdf", pdf(20+i), nil); code != 201 {
			t.Fatalf("official's upload %d: %d %s", i, code, out)
		}
	}
	fourth := file(counter, counterBody)
	for i := range 3 {
		if code, out := uploadFile(t, e, counter, fourth, "a.pdf", pdf(30+i), nil); code != 201 {
			t.Fatalf("official's upload on another dossier %d: %d %s", i, code, out)
		}
	}
	// motcua has 1 (second) + 2 (third) + 3 (fourth) = 6 files and 700 KB.
	fifth := file(counter, counterBody)
	if code, out := uploadFile(t, e, counter, fifth, "big2.pdf", big2, nil); code != 201 {
		t.Fatalf("official's seventh: %d %s", code, out)
	}
	if code, out := uploadFile(t, e, counter, fifth, "a.pdf", pdf(40), nil); code != 201 {
		t.Fatalf("official's eighth: %d %s", code, out)
	}
	sixth := file(counter, counterBody)
	code, out = uploadFile(t, e, counter, sixth, "a.pdf", pdf(41), nil)
	refused("the official's ninth file of the day", code, out, 429, "daily_upload_limit")
	for dcode, want := range map[string]int{first: 3, second: 1, third: 3, fourth: 3, fifth: 2, sixth: 0} {
		if n := count(dcode); n != want {
			t.Errorf("%s: %d files recorded, want %d", dcode, n, want)
		}
	}

	// The dossier page says so at its form.
	c, _ := e.login(t, "motcua", demo.Password)
	ct, body = multipartBody(t, "a.pdf", pdf(42), map[string]string{"kind": "paper"})
	resp, err := c.Post(e.ts.URL+"/office/dossiers/"+sixth+"/files", ct, body)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 429 || !strings.Contains(string(b), `id="file-error"`) || !strings.Contains(string(b), "trong 24 giờ") {
		t.Errorf("page upload over the daily cap: %d", resp.StatusCode)
	}
}

// TestServedFileNamesAndDisposition: a stored file name keeps the client's Vietnamese
// name with the extension of the sniffed type; PDFs and images are shown inline, with
// their sniffed type, nosniff and the name in RFC 5987 form, on the API (the office
// pages' links) and on the applicant's look-up page; anything else is only downloaded.
func TestServedFileNamesAndDisposition(t *testing.T) {
	e := newEnv(t)
	citizen := bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("online filing: %d %s", code, out)
	}
	filed := decode[struct{ Code, Secret string }](t, out)
	code, out = uploadFile(t, e, citizen, filed.Code, `..\..\ảnh cccd.exe`, testPNG(t, 40, 30), nil)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, out)
	}
	png := decode[fileItem](t, out)
	if png.FileName != "ảnh cccd.png" || png.Name != "ảnh cccd.png" {
		t.Fatalf("stored as %q (%q)", png.FileName, png.Name)
	}
	code, out = uploadFile(t, e, citizen, filed.Code, "To\u031B\u0300 khai.html", []byte(testPDF), nil)
	if code != 201 {
		t.Fatalf("upload: %d %s", code, out)
	}
	pdf := decode[fileItem](t, out)
	if pdf.FileName != "Tờ khai.pdf" {
		t.Fatalf("stored as %q", pdf.FileName)
	}
	// A row of another type (none is accepted today; an older or future one).
	f, err := e.st.DossierFile(context.Background(), pdf.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.ID, f.ContentType, f.FileName = 0, "text/html", "trang.html"
	other, err := e.st.AddDossierFile(context.Background(), filed.Code, f)
	if err != nil {
		t.Fatal(err)
	}

	lookup := func(id int64) string {
		return "/tra-cuu/" + filed.Code + "/tep/" + strconv.FormatInt(id, 10) + "?secret=" + url.QueryEscape(filed.Secret)
	}
	for _, c := range []struct {
		id     int64
		path   string
		ct, cd string
	}{
		{png.ID, png.URL, "image/png", `inline; filename="anh cccd.png"; filename*=UTF-8''%E1%BA%A3nh%20cccd.png`},
		{pdf.ID, pdf.URL, "application/pdf", `inline; filename="To khai.pdf"; filename*=UTF-8''T%E1%BB%9D%20khai.pdf`},
		{other.ID, httpx.FileURL(filed.Code, other.ID), "application/octet-stream", `attachment; filename="trang.html"; filename*=UTF-8''trang.html`},
	} {
		for _, p := range []string{c.path, lookup(c.id)} {
			resp, _ := fetchFile(t, e, citizen, p)
			h := resp.Header
			if resp.StatusCode != 200 || h.Get("Content-Type") != c.ct || h.Get("Content-Disposition") != c.cd ||
				h.Get("X-Content-Type-Options") != "nosniff" {
				t.Errorf("GET %s: %d %q %q %q", p, resp.StatusCode, h.Get("Content-Type"), h.Get("Content-Disposition"), h.Get("X-Content-Type-Options"))
			}
		}
	}
	resp, _ := fetchFile(t, e, citizen, png.PreviewURL)
	if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 ||
		cd != `inline; filename="anh cccd-xem-truoc.jpg"; filename*=UTF-8''%E1%BA%A3nh%20cccd-xem-truoc.jpg` {
		t.Errorf("preview: %d %q", resp.StatusCode, cd)
	}
}

// fileVia files a dossier through the API with token and returns its code.
func fileVia(t *testing.T, e *env, token, body string) string {
	t.Helper()
	code, out := apiSend(t, e, token, "POST", "/api/v1/dossiers", body)
	if code != 201 {
		t.Fatalf("filing: %d %s", code, out)
	}
	return decode[struct{ Code string }](t, out).Code
}

// fileCount is how many files the API lists for a dossier, as token sees them.
func fileCount(t *testing.T, e *env, token, dcode string) int {
	t.Helper()
	var list httpx.List[fileItem]
	if code, _ := apiGet(t, e, token, "/api/v1/dossiers/"+dcode+"/files", &list); code != 200 {
		t.Fatalf("list: %d", code)
	}
	return list.Total
}
