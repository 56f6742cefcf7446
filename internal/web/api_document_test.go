package web_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

type apiDoc struct {
	ID             int64  `json:"id"`
	Status         string `json:"status"`
	Number         int    `json:"number"`
	NumberNotation string `json:"number_notation"`
	ArrivalNumber  int    `json:"arrival_number"`
	Version        int    `json:"version"`
}

type apiProblem struct {
	Code   string `json:"code"`
	Detail string `json:"detail"`
}

func docSend[T any](t *testing.T, e *env, token, method, path, body string, want int) T {
	t.Helper()
	code, b := apiSend(t, e, token, method, path, body)
	if code != want {
		t.Fatalf("%s %s %s: %d %s, want %d", method, path, body, code, b, want)
	}
	var v T
	if err := json.Unmarshal([]byte(b), &v); err != nil {
		t.Fatalf("%s: %v", b, err)
	}
	return v
}

func TestDocumentsAPI(t *testing.T) {
	e := newEnv(t)
	clerk, leader, specialist := bearer(t, e, "vanthu"), bearer(t, e, "lanhdao"), bearer(t, e, "chuyenvien")
	var types struct {
		Items []struct{ Code, Name, Abbreviation string } `json:"items"`
		Total int                                         `json:"total"`
	}
	if code, _ := apiGet(t, e, clerk, "/api/v1/document-types", &types); code != 200 || types.Total != len(types.Items) || types.Total < 28 {
		t.Fatalf("types: %d %+v", code, types)
	}
	abbr := map[string]string{}
	for _, it := range types.Items {
		abbr[it.Name] = it.Abbreviation
	}
	if abbr["Quyết định"] != "QĐ" || abbr["Quy định"] != "QyĐ" || abbr["Tờ trình"] != "TTr" || abbr["Công văn"] != "" {
		t.Fatalf("abbreviations: %v", abbr)
	}
	outgoing := func(typ, drafting string) apiDoc {
		return docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", fmt.Sprintf(`{"direction":"outgoing","type_code":%q,
			"subject":"Về việc thử","drafting_unit":%q,"urgency":"normal","recipients":["Thôn Đông","UBND tỉnh"]}`, typ, drafting), 201)
	}
	d := outgoing("quyet_dinh", "VP")
	if d.ID == 0 || d.Status != "draft" {
		t.Fatalf("draft: %+v", d)
	}
	if got := docSend[apiDoc](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", d.ID), `{"paper":true}`, 200); got.Number != 1 || got.NumberNotation != "01/QĐ-UBND" {
		t.Fatalf("first decision: %+v", got)
	}
	cv := outgoing("cong_van", "VP")
	if got := docSend[apiDoc](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", cv.ID), `{"paper":true}`, 200); got.NumberNotation != "02/UBND-VP" {
		t.Fatalf("công văn: %+v", got)
	}
	// Electronic issue: approved, but no signatures.
	el := outgoing("thong_bao", "")
	docSend[apiDoc](t, e, leader, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/approve", el.ID), `{}`, 200)
	if p := docSend[apiProblem](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", el.ID), `{}`, 422); p.Code != "signatures_required" {
		t.Fatalf("unsigned electronic: %+v", p)
	}
	if p := docSend[apiProblem](t, e, leader, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", el.ID), `{"paper":true}`, 403); p.Code != "forbidden" {
		t.Fatalf("leader issues: %+v", p)
	}
	for _, c := range []struct{ body, code string }{
		{`{"direction":"outgoing","type_code":"xx","subject":"a","recipients":["b"]}`, "invalid_document_type"},
		{`{"direction":"outgoing","type_code":"cong_van","subject":"a","drafting_unit":"V P","recipients":["b"]}`, "invalid_drafting_unit"},
		{`{"direction":"outgoing","type_code":"quyet_dinh","subject":"a","recipients":[]}`, "invalid_recipients"},
		{`{"direction":"sideways"}`, "invalid_direction"},
	} {
		if p := docSend[apiProblem](t, e, clerk, "POST", "/api/v1/documents", c.body, 422); p.Code != c.code {
			t.Errorf("%s: %+v, want %s", c.body, p, c.code)
		}
	}

	// Incoming paper documents share one arrival sequence.
	today := time.Now().In(locale.Zone).Format(time.DateOnly)
	received := time.Now().Add(-time.Minute).Format(time.RFC3339)
	incoming := func(notation, sender string, want int) []byte {
		code, b := apiSend(t, e, clerk, "POST", "/api/v1/documents", fmt.Sprintf(`{"direction":"incoming","sender":%q,
			"number_notation":%q,"issued_on":%q,"subject":"Về việc giao chỉ tiêu","received_at":%q}`, sender, notation, today, received))
		if code != want {
			t.Fatalf("incoming %s: %d %s, want %d", notation, code, b, want)
		}
		return []byte(b)
	}
	var in1, in2 apiDoc
	json.Unmarshal(incoming("15/QĐ-UBND", "UBND tỉnh Ninh Bình", 201), &in1)
	json.Unmarshal(incoming("16/UBND-VP", "UBND tỉnh Ninh Bình", 201), &in2)
	if in1.ArrivalNumber == 0 || in2.ArrivalNumber != in1.ArrivalNumber+1 || in1.Status != "registered" {
		t.Fatalf("arrival numbers: %+v %+v", in1, in2)
	}
	for _, c := range []struct {
		notation, sender, code string
		status                 int
	}{
		{"15 /QĐ-UBND", "Sở Nội vụ", "invalid_number_notation", 422},
		{"15/QĐ - UBND", "Sở Nội vụ", "invalid_number_notation", 422},
		{"15/QĐ-UBND", "ubnd tinh ninh binh", "duplicate_document", 409},
	} {
		var p apiProblem
		json.Unmarshal(incoming(c.notation, c.sender, c.status), &p)
		if p.Code != c.code {
			t.Errorf("%s: %+v, want %s", c.notation, p, c.code)
		}
	}
	if p := docSend[apiProblem](t, e, clerk, "POST", "/api/v1/documents", `{"direction":"incoming","type_code":"quyet_dinh","sender":"Sở",
		"number_notation":"3/TB-SNV","issued_on":"`+today+`","subject":"x"}`, 422); p.Code != "wrong_abbreviation" {
		t.Fatalf("wrong abbreviation: %+v", p)
	}
	// Only the clerk registers incoming documents.
	if p := docSend[apiProblem](t, e, specialist, "POST", "/api/v1/documents", `{"direction":"incoming","sender":"Sở",
		"number_notation":"3/TB-SNV","issued_on":"`+today+`","subject":"x"}`, 403); p.Code != "forbidden" {
		t.Fatalf("specialist registers: %+v", p)
	}

	// The leader directs to the specialist, who finds it among theirs.
	var me struct {
		Username string `json:"username"`
	}
	apiGet(t, e, specialist, "/api/v1/me", &me)
	var users struct {
		Items []struct {
			ID       int64  `json:"id"`
			Username string `json:"username"`
		} `json:"items"`
	}
	apiGet(t, e, bearer(t, e, "quantri"), "/api/v1/users", &users)
	var specialistID int64
	for _, u := range users.Items {
		if u.Username == "chuyenvien" {
			specialistID = u.ID
		}
	}
	docSend[apiDoc](t, e, leader, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/direct", in1.ID),
		fmt.Sprintf(`{"handler_id":%d,"working_days":5,"instruction":"Tham mưu"}`, specialistID), 200)
	var mine struct {
		Items []apiDoc `json:"items"`
		Total int      `json:"total"`
	}
	if code, _ := apiGet(t, e, specialist, fmt.Sprintf("/api/v1/documents?handler=%d", specialistID), &mine); code != 200 || mine.Total != 1 || mine.Items[0].ID != in1.ID {
		t.Fatalf("mine: %d %+v", code, mine)
	}
	if code, _ := apiGet(t, e, clerk, "/api/v1/documents?direction=incoming&q="+url.QueryEscape("giao chi tieu"), &mine); code != 200 || mine.Total != 2 {
		t.Fatalf("folded search: %d %+v", code, mine)
	}

	// The registers, as PDF and XLSX, with Decree 30's columns.
	year := time.Now().In(locale.Zone).Year()
	get := func(path string) []byte {
		req, _ := http.NewRequest("GET", e.ts.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+clerk)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != 200 {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, b)
		}
		return b
	}
	x, err := excelize.OpenReader(bytes.NewReader(get(fmt.Sprintf("/api/v1/document-registers/outgoing.xlsx?year=%d", year))))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Sổ")
	if err != nil || len(rows) != 5 || rows[2][0] != "Số, ký hiệu văn bản" || rows[2][2] != "Tên loại và trích yếu nội dung" ||
		rows[3][0] != "01/QĐ-UBND" || rows[4][0] != "02/UBND-VP" {
		t.Fatalf("outgoing xlsx: %q %v", rows, err)
	}
	x, err = excelize.OpenReader(bytes.NewReader(get(fmt.Sprintf("/api/v1/document-registers/incoming.xlsx?year=%d", year))))
	if err != nil {
		t.Fatal(err)
	}
	if rows, _ := x.GetRows("Sổ"); len(rows) != 5 || strings.Join(rows[2], "|") != "Ngày đến|Số đến|Tác giả|Số, ký hiệu|Ngày tháng|Tên loại và trích yếu nội dung|Đơn vị hoặc người nhận|Ngày chuyển|Ký nhận|Ghi chú" {
		t.Fatalf("incoming xlsx: %q", rows)
	}
	pdf := get(fmt.Sprintf("/api/v1/document-registers/incoming.pdf?year=%d", year))
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatal("incoming register is not a PDF")
	}
	testtool.Path(t, "pdftotext", "apt-get install poppler-utils")
	cmd := exec.Command("pdftotext", "-layout", "-", "-")
	cmd.Stdin = bytes.NewReader(pdf)
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	// The leader gives công văn a sequence of their own.
	if p := docSend[apiProblem](t, e, leader, "PUT", "/api/v1/document-settings", `{"abbreviation":"U B"}`, 422); p.Code != "invalid_unit_abbreviation" {
		t.Fatalf("bad abbreviation: %+v", p)
	}
	docSend[map[string]any](t, e, leader, "PUT", "/api/v1/document-settings", `{"abbreviation":"UBND","groups":{"cong_van":"cong_van"}}`, 200)
	cv2 := outgoing("cong_van", "TP")
	if got := docSend[apiDoc](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", cv2.ID), `{"paper":true}`, 200); got.NumberNotation != "01/UBND-TP" {
		t.Fatalf("own sequence: %+v", got)
	}
	for _, want := range []string{fmt.Sprintf("SỔ ĐĂNG KÝ VĂN BẢN ĐẾN NĂM %d", year), "Số đến", "Tác giả", "Ngày đến", "15/QĐ-UBND", "UBND tỉnh Ninh Bình"} {
		if !strings.Contains(string(out), want) {
			t.Errorf("incoming register PDF lacks %q:\n%s", want, out)
		}
	}
}

func TestDocumentPages(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "vanthu", demo.Password)
	resp, page := get(t, c, e.ts.URL+"/office/documents")
	if resp.StatusCode != 200 || text(t, page, "h1") != "Văn bản đến, văn bản đi" {
		t.Fatalf("documents page: %d", resp.StatusCode)
	}
	form := url.Values{"sender": {"Sở Nội vụ"}, "number_notation": {"12 /SNV-VP"}, "issued_on": {time.Now().In(locale.Zone).Format(time.DateOnly)},
		"subject": {"Về việc tập huấn"}, "urgency": {"khan"}}
	resp, err := c.PostForm(e.ts.URL+"/office/documents/incoming", form)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 422 || !strings.Contains(string(b), `id="in-number_notation-error"`) || !strings.Contains(string(b), "không có dấu cách") ||
		!strings.Contains(string(b), `value="Sở Nội vụ"`) {
		t.Fatalf("bad notation: %d %s", resp.StatusCode, b)
	}
	form.Set("number_notation", "12/SNV-VP")
	resp, err = c.PostForm(e.ts.URL+"/office/documents/incoming", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != 303 || !strings.HasPrefix(loc, "/office/documents/") {
		t.Fatalf("register: %d %s", resp.StatusCode, loc)
	}
	resp, page = get(t, c, e.ts.URL+loc)
	if resp.StatusCode != 200 || !strings.Contains(page, "ĐẾN") || !strings.Contains(page, "Khẩn") {
		t.Fatalf("document page: %d", resp.StatusCode)
	}
	// The leader sees it waiting for a direction, urgent first.
	l, _ := e.login(t, "lanhdao", demo.Password)
	resp, page = get(t, l, e.ts.URL+"/office/documents?tab=waiting")
	if resp.StatusCode != 200 || !strings.Contains(page, "Về việc tập huấn") {
		t.Fatalf("waiting: %d", resp.StatusCode)
	}
}

// TestDocumentEdXML: GET /api/v1/documents/{id}/edxml.
func TestDocumentEdXML(t *testing.T) {
	e := newEnv(t)
	clerk := bearer(t, e, "vanthu")
	// The edXML of an issued document: from the unit, To the recipients written as organ
	// ids, every recipient in ToPlaces; one with no organ id among its recipients is still
	// exported (without To), in the standard's namespace.
	outgoing := func(typ string) apiDoc {
		return docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", fmt.Sprintf(`{"direction":"outgoing","type_code":%q,
			"subject":"Về việc thử","drafting_unit":"VP","urgency":"normal","recipients":["Thôn Đông","UBND tỉnh"]}`, typ), 201)
	}
	d := outgoing("quyet_dinh")
	docSend[apiDoc](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", d.ID), `{"paper":true}`, 200)
	if code, body := apiSend(t, e, clerk, "GET", fmt.Sprintf("/api/v1/documents/%d/edxml", d.ID), ""); code != 200 ||
		!strings.Contains(body, "http://www.mic.gov.vn/TBT/QCVN_102_2016") || !strings.Contains(body, "QĐ-UBND") {
		t.Fatalf("edXML of a paper decision: %d %.300s", code, body)
	}
	addressed := docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", `{"direction":"outgoing","type_code":"quyet_dinh",
		"subject":"Về việc gửi liên thông","drafting_unit":"VP","urgency":"khan","recipients":["000.00.00.H45","Thôn Đông"]}`, 201)
	issued := docSend[apiDoc](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", addressed.ID), `{"paper":true}`, 200)
	code, body := apiSend(t, e, clerk, "GET", fmt.Sprintf("/api/v1/documents/%d/edxml", addressed.ID), "")
	if code != 200 {
		t.Fatalf("edXML: %d %s", code, body)
	}
	m, err := edxml.ParseBytes([]byte(body))
	if err != nil {
		t.Fatalf("the export does not parse: %v", err)
	}
	if m.Code.String() != issued.NumberNotation || m.From.ID != "000.31.37.H45" || len(m.To) != 1 || m.To[0].ID != "000.00.00.H45" ||
		!slices.Contains(m.ToPlaces, "Thôn Đông") || m.Priority != edxml.PriorityKhan || m.Subject != "Về việc gửi liên thông" {
		t.Fatalf("edXML fields: %+v", m)
	}
	if p := docSend[apiProblem](t, e, clerk, "GET", fmt.Sprintf("/api/v1/documents/%d/edxml", outgoing("thong_bao").ID), "", 409); p.Code != "document_not_issued" {
		t.Fatalf("edXML of a draft: %+v", p)
	}
}

// TestDocumentEdXMLReceive: POST /api/v1/documents/edxml registers a message pushed by
// the exchange as the unit's next arrival (after a paper one of the same day), once.
func TestDocumentEdXMLReceive(t *testing.T) {
	e := newEnv(t)
	clerk, specialist := bearer(t, e, "vanthu"), bearer(t, e, "chuyenvien")
	today := time.Now().In(locale.Zone)
	paper := docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", fmt.Sprintf(`{"direction":"incoming",
		"sender":"Sở Tư pháp tỉnh Ninh Bình","number_notation":"41/STP-HCTP","issued_on":%q,"subject":"Về việc thử"}`,
		today.Format(time.DateOnly)), 201)
	pdf := []byte("%PDF-1.7\n% a decision, byte for byte\x00\xff\n%%EOF\n")
	msg := func(to, notation string) string {
		num, sym, _ := strings.Cut(notation, "/")
		b, err := edxml.Build(&edxml.Message{Kind: edxml.KindDocument, From: edxml.Organ{ID: "000.00.00.H45", Name: "UBND tỉnh Ninh Bình"},
			To: []edxml.Organ{{ID: to}}, DocumentID: "000.00.00.H45," + today.Format(edxml.DateLayout) + "," + notation,
			Code: edxml.Code{Number: num, Notation: sym}, PromulgationDate: today.Format(edxml.DateLayout), DocumentType: 2,
			TypeName: "Quyết định", Subject: "Về việc giao chỉ tiêu chuyển đổi số", Priority: edxml.PriorityHoaToc,
			Attachments: []edxml.Attachment{{ContentID: "1", Name: "qd.pdf", ContentType: "application/pdf", Data: pdf}}})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	var got struct {
		Kind          string `json:"kind"`
		ArrivalNumber int    `json:"arrival_number"`
		Status        string `json:"status"`
	}
	// As the exchange sends it: application/xml.
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/documents/edxml", strings.NewReader(msg("000.31.37.H45", "15/QĐ-UBND")))
	req.Header.Set("Authorization", "Bearer "+clerk)
	req.Header.Set("Content-Type", "application/xml")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	code, body := resp.StatusCode, string(b)
	if code != 201 || json.Unmarshal([]byte(body), &got) != nil || got.ArrivalNumber != paper.ArrivalNumber+1 || got.Status != "03" || got.Kind != "document" {
		t.Fatalf("edXML registered: %d %s (paper one: %d)", code, body, paper.ArrivalNumber)
	}
	var list struct {
		Items []struct {
			Source        string `json:"source"`
			ArrivalNumber int    `json:"arrival_number"`
			Urgency       string `json:"urgency"`
		} `json:"items"`
	}
	if code, _ := apiGet(t, e, clerk, "/api/v1/documents?direction=incoming&number=15/QĐ-UBND", &list); code != 200 || len(list.Items) != 1 ||
		list.Items[0].Source != "exchange" || list.Items[0].ArrivalNumber != got.ArrivalNumber || list.Items[0].Urgency != "hoa_toc" {
		t.Fatalf("in the register: %d %+v", code, list)
	}
	for _, c := range []struct {
		name, token, body string
		status            int
		code              string
	}{
		{"the same again", clerk, msg("000.31.37.H45", "15/QĐ-UBND"), 409, "duplicate_document"},
		{"for another unit", clerk, msg("000.32.37.H45", "16/QĐ-UBND"), 422, "exchange_wrong_recipient"},
		{"wrong abbreviation", clerk, strings.Replace(msg("000.31.37.H45", "17/TB-UBND"), "QĐ", "TB", 0), 422, "wrong_abbreviation"},
		{"an entity", clerk, `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><edXML:edXML xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&a;</edXML:edXML>`, 422, "edxml_doctype_refused"},
		{"not XML", clerk, "{}", 422, "edxml_malformed"},
		{"a specialist", specialist, msg("000.31.37.H45", "18/QĐ-UBND"), 403, ""},
	} {
		p := docSend[apiProblem](t, e, c.token, "POST", "/api/v1/documents/edxml", c.body, c.status)
		if c.code != "" && p.Code != c.code {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
	// The province recalls it (13); the clerk agrees on the page (15, queued to it).
	var in struct {
		Items []apiDoc `json:"items"`
	}
	apiGet(t, e, clerk, "/api/v1/documents?direction=incoming&number=15/QĐ-UBND", &in)
	recall, err := edxml.Build(&edxml.Message{Kind: edxml.KindStatus, From: edxml.Organ{ID: "000.00.00.H45"}, To: []edxml.Organ{{ID: "000.31.37.H45"}},
		ResponseFor: edxml.ResponseFor{OrganID: "000.00.00.H45", Code: "15/QĐ-UBND", PromulgationDate: today.Format(edxml.DateLayout),
			DocumentID: "000.00.00.H45," + today.Format(edxml.DateLayout) + ",15/QĐ-UBND"},
		StatusCode: edxml.StatusRecall, Timestamp: today.Format(edxml.TimeLayout)})
	if err != nil {
		t.Fatal(err)
	}
	if code, body := apiSend(t, e, clerk, "POST", "/api/v1/documents/edxml", string(recall)); code != 200 {
		t.Fatalf("recall: %d %s", code, body)
	}
	c, _ := e.login(t, "vanthu", demo.Password)
	page := fmt.Sprintf("%s/office/documents/%d", e.ts.URL, in.Items[0].ID)
	if resp, body := get(t, c, page); resp.StatusCode != 200 || !strings.Contains(body, "Đồng ý thu hồi") || !strings.Contains(body, "Tệp 1") {
		t.Fatalf("the recall on the page: %d", resp.StatusCode)
	}
	if resp, file := get(t, c, page+"/files/1"); resp.StatusCode != 200 || file != string(pdf) {
		t.Fatalf("the file that came with it: %d %q", resp.StatusCode, file)
	}
	resp, err = c.PostForm(page+"/actions/recall_accept", url.Values{})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	var got2 struct {
		ExchangeStatus string `json:"exchange_status"`
	}
	if apiGet(t, e, clerk, fmt.Sprintf("/api/v1/documents/%d", in.Items[0].ID), &got2); resp.StatusCode != 303 || got2.ExchangeStatus != "15" {
		t.Fatalf("recall answered: %d %+v", resp.StatusCode, got2)
	}
}

// A status pushed for an outgoing document (POST /api/v1/documents/edxml, kind status) is
// recorded on it and listed on its page; one from an organ it was not sent to is not.
func TestDocumentExchangeStatusPage(t *testing.T) {
	e := newEnv(t)
	clerk := bearer(t, e, "vanthu")
	c, _ := e.login(t, "vanthu", demo.Password)
	d := docSend[apiDoc](t, e, clerk, "POST", "/api/v1/documents", `{"direction":"outgoing","type_code":"quyet_dinh",
		"subject":"Về việc gửi liên thông","urgency":"normal","recipients":["000.00.00.H45","Thôn Đông"]}`, 201)
	issued := docSend[apiDoc](t, e, clerk, "POST", fmt.Sprintf("/api/v1/documents/%d/actions/issue", d.ID), `{"paper":true}`, 200)
	var full struct {
		IssuedOn string `json:"issued_on"`
	}
	apiGet(t, e, clerk, fmt.Sprintf("/api/v1/documents/%d", d.ID), &full)
	day := strings.ReplaceAll(full.IssuedOn, "-", "/")
	status := func(from, code string) string {
		b, err := edxml.Build(&edxml.Message{Kind: edxml.KindStatus, From: edxml.Organ{ID: from}, To: []edxml.Organ{{ID: "000.31.37.H45"}},
			ResponseFor: edxml.ResponseFor{OrganID: "000.31.37.H45", Code: issued.NumberNotation, PromulgationDate: day,
				DocumentID: "000.31.37.H45," + day + "," + issued.NumberNotation},
			StatusCode: code, Timestamp: time.Now().In(locale.Zone).Format(edxml.TimeLayout)})
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	for _, s := range []string{status("000.00.00.H45", "03"), status("000.99.99.H45", "06")} {
		if code, body := apiSend(t, e, clerk, "POST", "/api/v1/documents/edxml", s); code != 200 || !strings.Contains(body, `"kind":"status"`) {
			t.Fatalf("status: %d %s", code, body)
		}
	}
	var got struct {
		ExchangeStatus string `json:"exchange_status"`
	}
	if code, _ := apiGet(t, e, clerk, fmt.Sprintf("/api/v1/documents/%d", d.ID), &got); code != 200 || got.ExchangeStatus != "03" {
		t.Fatalf("recorded: %d %+v", code, got)
	}
	resp, page := get(t, c, fmt.Sprintf("%s/office/documents/%d", e.ts.URL, d.ID))
	if resp.StatusCode != 200 || !strings.Contains(page, "Trạng thái trên trục liên thông") || !strings.Contains(page, "Đã tiếp nhận (nơi nhận 000.00.00.H45)") || strings.Contains(page, "000.99.99.H45") {
		t.Fatalf("the page: %d", resp.StatusCode)
	}
}
