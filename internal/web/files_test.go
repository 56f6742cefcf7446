package web_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/httpx"
)

func testPNG(t *testing.T, w, h int) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), 80, uint8(y), 255})
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

const testPDF = "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"

// multipartBody builds a form with a file and the other fields.
func multipartBody(t *testing.T, fileName string, data []byte, fields map[string]string) (string, *bytes.Buffer) {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, v := range fields {
		mw.WriteField(k, v)
	}
	fw, err := mw.CreateFormFile("file", fileName)
	if err != nil {
		t.Fatal(err)
	}
	fw.Write(data)
	mw.Close()
	return mw.FormDataContentType(), &b
}

type fileItem struct {
	ID          int64  `json:"id"`
	Kind        string `json:"kind"`
	Name        string `json:"name"`
	FileName    string `json:"file_name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	Digitised   bool   `json:"digitised"`
	URL         string `json:"url"`
	PreviewURL  string `json:"preview_url"`
}

func uploadFile(t *testing.T, e *env, token, code, fileName string, data []byte, fields map[string]string) (int, string) {
	t.Helper()
	ct, body := multipartBody(t, fileName, data, fields)
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/dossiers/"+code+"/files", body)
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Authorization", "Bearer "+token)
	return do(t, req)
}

func fetchFile(t *testing.T, e *env, token, path string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, b
}

const onlineBody = `{"procedure_code":"1.001193","channel":"online","applicant":{"full_name":"Nguyễn Văn An","id_number":"037085001234","phone":"0912345678"},
	"fields":{"child_name":"Nguyễn Thị Bé","child_birth_date":"2026-02-20","child_sex":"Nữ","child_birth_place":"Trạm y tế xã Yên Từ","child_ethnicity":"Kinh",
	"child_home_town":"Yên Từ, Ninh Bình","relationship":"Cha","requester_name":"Nguyễn Văn An","requester_id":"037085001234","requester_phone":"0912345678"}}`

func TestDossierFilesAPI(t *testing.T) {
	e := newEnv(t)
	counter, citizen := bearer(t, e, "motcua"), bearer(t, e, "congdan")
	code, out := apiSend(t, e, citizen, "POST", "/api/v1/dossiers", onlineBody)
	if code != 201 {
		t.Fatalf("online filing: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code

	// The owner attaches a photo of a paper.
	photo := testPNG(t, 2000, 1000)
	code, out = uploadFile(t, e, citizen, dcode, "giay-chung-sinh.png", photo, map[string]string{"name": "Giấy chứng sinh"})
	if code != 201 {
		t.Fatalf("upload png: %d %s", code, out)
	}
	img := decode[fileItem](t, out)
	if img.ContentType != "image/png" || img.Kind != "paper" || img.Name != "Giấy chứng sinh" || img.Size != int64(len(photo)) ||
		img.Digitised || img.PreviewURL == "" {
		t.Fatalf("png item: %+v", img)
	}
	// An official scans a paper at the counter: a PDF, digitised.
	code, out = uploadFile(t, e, counter, dcode, "to-khai.pdf", []byte(testPDF), map[string]string{"kind": "paper"})
	if code != 201 {
		t.Fatalf("upload pdf: %d %s", code, out)
	}
	pdf := decode[fileItem](t, out)
	if pdf.ContentType != "application/pdf" || !pdf.Digitised || pdf.Name != "to-khai.pdf" || pdf.PreviewURL != "" {
		t.Fatalf("pdf item: %+v", pdf)
	}

	// Refusals.
	exe := append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00"), make([]byte, 200)...)
	for name, c := range map[string]struct {
		file   string
		data   []byte
		fields map[string]string
		token  string
		status int
		code   string
	}{
		"exe renamed .png": {"anh.png", exe, nil, citizen, 422, "file_type_not_allowed"},
		"pdf without %PDF": {"a.pdf", []byte("1 0 obj<<>>endobj\n%%EOF\n"), nil, citizen, 422, "file_type_not_allowed"},
		"truncated pdf":    {"a.pdf", []byte("%PDF-1.4\n1 0 obj<<>>endobj\n"), nil, citizen, 422, "file_not_decodable"},
		"truncated png":    {"a.png", photo[:len(photo)/2], nil, citizen, 422, "file_not_decodable"},
		"too large":        {"big.pdf", append([]byte("%PDF-1.4\n"), make([]byte, attach.DefaultLimit+100)...), nil, citizen, 422, "file_too_large"},
		"bad kind":         {"a.pdf", []byte(testPDF), map[string]string{"kind": "other"}, counter, 422, "invalid_file_kind"},
		"citizen result":   {"a.pdf", []byte(testPDF), map[string]string{"kind": "result"}, citizen, 403, "forbidden"},
	} {
		code, out := uploadFile(t, e, c.token, dcode, c.file, c.data, c.fields)
		if p := decode[httpx.Problem](t, out); code != c.status || p.Code != c.code {
			t.Errorf("%s: %d %s, want %d %s", name, code, out, c.status, c.code)
		}
	}
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/dossiers/"+dcode+"/files", strings.NewReader(`{}`))
	req.Header.Set("Authorization", "Bearer "+citizen)
	req.Header.Set("Content-Type", "application/json")
	if code, out := do(t, req); code != 422 || !strings.Contains(out, "multipart_required") {
		t.Errorf("json body: %d %s", code, out)
	}

	// The list, for the owner and the officials.
	var list httpx.List[fileItem]
	if code, _ := apiGet(t, e, counter, "/api/v1/dossiers/"+dcode+"/files", &list); code != 200 || list.Total != 2 ||
		list.Items[0].ID != img.ID || list.Items[1].ID != pdf.ID {
		t.Fatalf("list: %d %+v", code, list)
	}

	// The bytes, as stored, typed from the sniffed content.
	resp, b := fetchFile(t, e, citizen, img.URL)
	if resp.StatusCode != 200 || !bytes.Equal(b, photo) || resp.Header.Get("Content-Type") != "image/png" ||
		resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(resp.Header.Get("Content-Disposition"), "inline") {
		t.Fatalf("get png: %d %v", resp.StatusCode, resp.Header)
	}
	resp, b = fetchFile(t, e, counter, pdf.URL)
	if resp.StatusCode != 200 || string(b) != testPDF || resp.Header.Get("Content-Type") != "application/pdf" {
		t.Fatalf("get pdf: %d %v", resp.StatusCode, resp.Header)
	}
	// The preview: a JPEG at most 1024 px wide.
	resp, b = fetchFile(t, e, citizen, img.PreviewURL)
	if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("preview: %d %v", resp.StatusCode, resp.Header)
	}
	cfg, err := jpeg.DecodeConfig(bytes.NewReader(b))
	if err != nil || cfg.Width > 1024 || cfg.Width != 1024 || cfg.Height != 512 {
		t.Fatalf("preview %d×%d: %v", cfg.Width, cfg.Height, err)
	}
	if resp, _ := fetchFile(t, e, citizen, pdf.URL+"?preview=1"); resp.StatusCode != 422 {
		t.Errorf("preview of a pdf: %d", resp.StatusCode)
	}

	// Another citizen learns nothing; a file of another dossier is not found here.
	otherCitizen(t, e)
	other := bearer(t, e, "congdan2")
	for _, p := range []string{"/api/v1/dossiers/" + dcode + "/files", img.URL, img.PreviewURL} {
		if resp, _ := fetchFile(t, e, other, p); resp.StatusCode != 404 {
			t.Errorf("another citizen GET %s: %d", p, resp.StatusCode)
		}
	}
	if code, out := uploadFile(t, e, other, dcode, "a.pdf", []byte(testPDF), nil); code != 404 {
		t.Errorf("another citizen uploads: %d %s", code, out)
	}
	code, out = apiSend(t, e, counter, "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	second := decode[struct{ Code string }](t, out).Code
	if resp, _ := fetchFile(t, e, counter, strings.Replace(img.URL, dcode, second, 1)); resp.StatusCode != 404 {
		t.Errorf("file through another dossier: %d", resp.StatusCode)
	}
	if resp, _ := fetchFile(t, e, counter, "/api/v1/dossiers/"+dcode+"/files/abc"); resp.StatusCode != 404 {
		t.Errorf("bad id: %d", resp.StatusCode)
	}

	// Each attachment is audited.
	commune, err := e.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := e.st.AuditRecords(context.Background(), commune.ID, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, r := range recs {
		if r.Event.Action == "dossier.file_added" && r.Event.ObjectID == dcode {
			n++
		}
	}
	if n != 2 {
		t.Errorf("%d audit records of attachments, want 2", n)
	}
}

func TestDossierPageFiles(t *testing.T) {
	e := newEnv(t)
	code, out := apiSend(t, e, bearer(t, e, "motcua"), "POST", "/api/v1/dossiers", counterBody)
	if code != 201 {
		t.Fatalf("file: %d %s", code, out)
	}
	dcode := decode[struct{ Code string }](t, out).Code
	c, _ := e.login(t, "motcua", demo.Password)
	page := "/office/dossiers/" + dcode
	if resp, body := get(t, c, e.ts.URL+page); resp.StatusCode != 200 || !strings.Contains(body, "Giấy tờ đính kèm") ||
		!strings.Contains(body, `enctype="multipart/form-data"`) {
		t.Fatalf("page: %d", resp.StatusCode)
	}
	post := func(name string, data []byte) (*http.Response, string) {
		ct, body := multipartBody(t, name, data, map[string]string{"name": "Ảnh CCCD", "kind": "paper"})
		resp, err := c.Post(e.ts.URL+page+"/files", ct, body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	resp, _ := post("cccd.png", testPNG(t, 300, 200))
	if resp.StatusCode != 303 || !strings.HasPrefix(resp.Header.Get("Location"), page) {
		t.Fatalf("upload: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}
	_, body := get(t, c, e.ts.URL+page)
	if !strings.Contains(body, "Đã đính kèm “Ảnh CCCD”") || !strings.Contains(body, "?preview=1") || !strings.Contains(body, "đã số hóa") {
		t.Fatalf("the page does not show the attachment:\n%s", body)
	}
	resp, body = post("virus.png", []byte("MZ\x90\x00 not an image"))
	if resp.StatusCode != 422 || !strings.Contains(body, "Chỉ nhận tệp PDF") || !strings.Contains(body, `id="file-error"`) {
		t.Fatalf("refused upload: %d", resp.StatusCode)
	}
}
