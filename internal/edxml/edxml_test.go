package edxml

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/testtool"
)

func decision() *Message {
	return &Message{Kind: KindDocument,
		From:             Organ{ID: "000.00.31.H49", Name: "UBND xã A"},
		To:               []Organ{{ID: "000.00.32.H49", Name: "UBND xã B"}},
		Code:             Code{Number: "01", Notation: "QĐ-UBND"},
		Place:            "Hội An",
		PromulgationDate: "2026/12/07",
		DocumentType:     1,
		TypeName:         "Quyết định",
		Subject:          "Về việc công nhận tổ công nghệ số cộng đồng & <thôn> \"Đông\"",
		Signer:           Signer{Competence: "TM. UBND", Position: "Chủ tịch", FullName: "Nguyễn Văn An"},
		DueDate:          "2026/12/20",
		ToPlaces:         []string{"UBND xã B", "Lưu: VT"},
		Priority:         PriorityThuongKhan,
		SteeringType:     SteeringDirect,
		PageAmount:       2,
		Traces:           []Trace{{OrganID: "000.00.31.H49", Timestamp: "2026/12/07 09:30:00"}},
		Business:         Business{DocType: BusinessNew},
		Attachments: []Attachment{{ContentID: "1", Name: "01-QD-UBND.pdf", ContentType: "application/pdf",
			Description: "Quyết định", Data: append([]byte("%PDF-1.7\n"), bytes.Repeat([]byte{0, 0xff, 0x80, 'x'}, 300)...)}},
	}
}

func TestRoundTrip(t *testing.T) {
	noAttach := decision()
	noAttach.Attachments = nil
	noAttach.DueDate = ""
	recall := decision()
	recall.Business = Business{DocType: BusinessRecall, Reason: "Thu hồi do sai sót"}
	recall.Priority = PriorityHoaTocHenGio
	many := decision()
	many.To = append(many.To, Organ{ID: "000.00.33.H49"}, Organ{ID: "H49"})
	many.Attachments = append(many.Attachments, Attachment{ContentID: "2", Name: "phu-luc.docx", ContentType: "application/octet-stream", Data: []byte{}})
	status := func(code string) *Message {
		return &Message{Kind: KindStatus, From: Organ{ID: "000.00.32.H49", Name: "UBND xã B"}, StatusCode: code,
			Description: StatusName(code), Timestamp: "2026/12/07 10:00:00",
			ResponseFor: ResponseFor{OrganID: "000.00.31.H49", Code: "01/QĐ-UBND", PromulgationDate: "2026/12/07",
				DocumentID: "000.00.31.H49,2026/12/07,01/QĐ-UBND"},
			Staff: Staff{Department: "Văn phòng", Staff: "Văn thư"}}
	}
	cases := []struct {
		name string
		m    *Message
	}{
		{"decision with a PDF", decision()},
		{"no attachment, no due date", noAttach},
		{"recall", recall},
		{"several recipients and attachments", many},
	}
	for _, code := range []string{"01", "02", "03", "04", "05", "06", "13", "15", "16"} {
		cases = append(cases, struct {
			name string
			m    *Message
		}{"status " + code, status(code)})
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := Build(c.m)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Contains(out, []byte(Namespace)) {
				t.Fatal("no namespace")
			}
			got, err := Parse(bytes.NewReader(out))
			if err != nil {
				t.Fatalf("parse: %v\n%s", err, out)
			}
			want := *c.m
			if want.Kind == KindDocument {
				want.DocumentID = DocumentIDFor(want.From.ID, mustDate(t, want.PromulgationDate), want.Code)
				for i := range want.Attachments {
					if want.Attachments[i].Data == nil {
						want.Attachments[i].Data = []byte{}
					}
				}
			}
			for i := range got.Attachments {
				if len(got.Attachments[i].Data) == 0 {
					got.Attachments[i].Data = []byte{}
				}
			}
			if !reflect.DeepEqual(*got, want) {
				t.Fatalf("round trip:\n got %+v\nwant %+v", *got, want)
			}
		})
	}
}

// TestParseBareEnvelopeAndPrefixes: a bare envelope, children without a prefix in the
// default namespace, attachments in the body.
func TestParseBareEnvelope(t *testing.T) {
	doc := `<?xml version="1.0" encoding="utf-8"?>
<edXMLEnvelope xmlns="http://www.mic.gov.vn/TBT/QCVN_102_2016"><edXMLHeader><MessageHeader>
<From><OrganId>000.00.00.H49</OrganId></From><To><OrganId>000.00.31.H49</OrganId></To>
<Code><CodeNumber>6703</CodeNumber><CodeNotation>UBND-VP</CodeNotation></Code>
<PromulgationInfo><Place>Quảng Nam</Place><PromulgationDate>2026/08/12</PromulgationDate></PromulgationInfo>
<Subject> Về việc chuẩn bị họp </Subject><OtherInfo><Priority>1</Priority></OtherInfo></MessageHeader>
<TraceHeaderList><TraceHeader><OrganId>000.00.00.H49</OrganId><Timestamp>2026/08/12 08:00:00</Timestamp></TraceHeader></TraceHeaderList></edXMLHeader>
<edXMLBody><Attachment><ContentId>a</ContentId><AttachmentName>cv.pdf</AttachmentName><ContentType>application/pdf</ContentType>
<ContentTransferEncoded>JVBE
Ri0x</ContentTransferEncoded></Attachment></edXMLBody></edXMLEnvelope>`
	m, err := Parse(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if m.Code.String() != "6703/UBND-VP" || m.Subject != "Về việc chuẩn bị họp" || m.Priority != PriorityKhan ||
		len(m.Attachments) != 1 || string(m.Attachments[0].Data) != "%PDF-1" || m.To[0].ID != "000.00.31.H49" {
		t.Fatalf("%+v", m)
	}
}

func mustDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(DateLayout, s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestRefusals(t *testing.T) {
	good, err := Build(decision())
	if err != nil {
		t.Fatal(err)
	}
	env := func(header string) string {
		return `<edXML:edXMLEnvelope xmlns:edXML="` + Namespace + `"><edXML:edXMLHeader>` + header + `</edXML:edXMLHeader></edXML:edXMLEnvelope>`
	}
	mh := func(from, code, date, prio string) string {
		return env(`<edXML:MessageHeader><edXML:From><edXML:OrganId>` + from + `</edXML:OrganId></edXML:From><edXML:To><edXML:OrganId>H49</edXML:OrganId></edXML:To>` +
			`<edXML:Code>` + code + `</edXML:Code><edXML:PromulgationInfo><edXML:PromulgationDate>` + date + `</edXML:PromulgationDate></edXML:PromulgationInfo>` +
			`<edXML:Subject>S</edXML:Subject><edXML:OtherInfo><edXML:Priority>` + prio + `</edXML:Priority></edXML:OtherInfo></edXML:MessageHeader>`)
	}
	okCode := `<edXML:CodeNumber>01</edXML:CodeNumber><edXML:CodeNotation>QĐ-UBND</edXML:CodeNotation>`
	if _, err := Parse(strings.NewReader(mh("H49", okCode, "2026/01/02", "0"))); err != nil {
		t.Fatalf("the minimal message must parse: %v", err)
	}
	cases := []struct {
		name string
		doc  string
		want *apperr.Error
	}{
		{"DOCTYPE", `<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]>` + string(good[39:]), ErrDoctype},
		{"billion laughs", billionLaughs, ErrDoctype},
		{"external entity", `<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>`, ErrDoctype},
		{"undeclared entity", env(`<edXML:Status>&e;</edXML:Status>`), ErrMalformed},
		{"not XML", "%PDF-1.7", ErrMalformed},
		{"empty", "", ErrMalformed},
		{"other encoding", `<?xml version="1.0" encoding="windows-1258"?><a/>`, ErrMalformed},
		{"wrong namespace", `<edXMLEnvelope xmlns="urn:x"/>`, ErrNamespace},
		{"no namespace", `<edXMLEnvelope/>`, ErrNamespace},
		{"wrong root", `<edXML:Foo xmlns:edXML="` + Namespace + `"/>`, ErrNamespace},
		{"deep", strings.Repeat("<a>", 10_000) + strings.Repeat("</a>", 10_000), ErrTooComplex},
		{"many elements", env(strings.Repeat("<b/>", 30_000)), ErrTooComplex},
		{"many attributes", `<a ` + manyAttrs(100) + `/>`, ErrTooComplex},
		{"no header", env(""), ErrMissing},
		{"bad organ id", mh("h49 x", okCode, "2026/01/02", "0"), ErrOrganID},
		{"organ id too long", mh(strings.Repeat("1", 36), okCode, "2026/01/02", "0"), ErrOrganID},
		{"no number", mh("H49", `<edXML:CodeNotation>QĐ-UBND</edXML:CodeNotation>`, "2026/01/02", "0"), ErrMissing},
		{"space in notation", mh("H49", `<edXML:CodeNumber>01</edXML:CodeNumber><edXML:CodeNotation>QĐ - UBND</edXML:CodeNotation>`, "2026/01/02", "0"), ErrField},
		{"bad date", mh("H49", okCode, "2026-01-02", "0"), ErrField},
		{"impossible date", mh("H49", okCode, "2026/02/30", "0"), ErrField},
		{"priority 5", mh("H49", okCode, "2026/01/02", "5"), ErrField},
		{"priority word", mh("H49", okCode, "2026/01/02", "khẩn"), ErrField},
		{"bad status code", env(`<edXML:Status><edXML:ResponseFor><edXML:DocumentId>x</edXML:DocumentId></edXML:ResponseFor><edXML:From><edXML:OrganId>H49</edXML:OrganId></edXML:From><edXML:StatusCode>07</edXML:StatusCode></edXML:Status>`), ErrStatusCode},
		{"status for nothing", env(`<edXML:Status><edXML:From><edXML:OrganId>H49</edXML:OrganId></edXML:From><edXML:StatusCode>01</edXML:StatusCode></edXML:Status>`), ErrMissing},
		{"bad base64", strings.Replace(string(good), "<edXML:ContentTransferEncoded>", "<edXML:ContentTransferEncoded>!!", 1), ErrAttachment},
		{"path in attachment name", strings.Replace(string(good), "<edXML:AttachmentName>01-QD-UBND.pdf", "<edXML:AttachmentName>../x.pdf", 2), ErrAttachment},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse(strings.NewReader(c.doc))
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v (%+v), want %s", err, m, c.want.Code)
			}
			if apperr.KindOf(err) != apperr.Invalid || apperr.From(err).Code != c.want.Code {
				t.Fatalf("kind %v code %s", apperr.KindOf(err), apperr.From(err).Code)
			}
		})
	}
}

func TestBuildRefusesWhatParseRefuses(t *testing.T) {
	m := decision()
	m.Code.Notation = "QĐ UBND"
	if _, err := Build(m); !errors.Is(err, ErrField) {
		t.Fatalf("got %v", err)
	}
	m = decision()
	m.To = nil
	if _, err := Build(m); !errors.Is(err, ErrMissing) {
		t.Fatalf("got %v", err)
	}
}

const billionLaughs = `<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<edXML:edXMLEnvelope xmlns:edXML="http://www.mic.gov.vn/TBT/QCVN_102_2016">&lol9;</edXML:edXMLEnvelope>`

func manyAttrs(n int) string {
	var b strings.Builder
	for i := range n {
		b.WriteString("a")
		b.WriteString(strings.Repeat("x", i%7+1))
		b.WriteString(string(rune('a'+i%26)) + string(rune('a'+i/26)))
		b.WriteString(`="1" `)
	}
	return b.String()
}

// endless is a reader of an edXML whose base64 attachment never ends.
type endless struct{ head, fill []byte }

func (e *endless) Read(p []byte) (int, error) {
	if len(e.head) > 0 {
		n := copy(p, e.head)
		e.head = e.head[n:]
		return n, nil
	}
	for i := range p {
		p[i] = e.fill[i%len(e.fill)]
	}
	return len(p), nil
}

// TestBombsCostLittleMemory: a 1 GB base64 stream is refused after MaxBytes, and the
// entity and nesting bombs before they grow; none allocates much.
func TestBombsCostLittleMemory(t *testing.T) {
	l := Limits{MaxBytes: 1 << 20}
	head := []byte(`<edXML:edXML xmlns:edXML="` + Namespace + `"><edXML:AttachmentEncoded><edXML:Attachment><edXML:ContentTransferEncoded>`)
	var err error
	n := testtool.Allocated(func() {
		_, err = l.Parse(io.LimitReader(&endless{head: head, fill: []byte("QUFB")}, 1<<30))
	})
	if !errors.Is(err, ErrTooLarge) {
		t.Fatalf("huge base64: %v", err)
	}
	t.Logf("huge base64 cost %d bytes", n)
	if n > 8<<20 {
		t.Fatalf("huge base64 cost %d bytes", n)
	}
	for name, doc := range map[string]string{
		"billion laughs": billionLaughs,
		"deep":           strings.Repeat("<a>", 1<<19),
	} {
		n := testtool.Allocated(func() { _, err = l.Parse(strings.NewReader(doc)) })
		if err == nil {
			t.Fatalf("%s accepted", name)
		}
		if n > 8<<20 {
			t.Fatalf("%s cost %d bytes", name, n)
		}
	}
}

func FuzzParse(f *testing.F) {
	good, _ := Build(decision())
	f.Add(good)
	f.Add([]byte(billionLaughs))
	f.Add([]byte(strings.Repeat("<a>", 100)))
	st, _ := Build(&Message{Kind: KindStatus, From: Organ{ID: "H49"}, StatusCode: "03", ResponseFor: ResponseFor{DocumentID: "x"}})
	f.Add(st)
	l := Limits{MaxBytes: 1 << 20}
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := l.ParseBytes(doc)
		if err != nil {
			if apperr.KindOf(err) != apperr.Invalid {
				t.Fatalf("refusal of kind %v: %v", apperr.KindOf(err), err)
			}
			return
		}
		// What parses builds, and what builds parses to the same fields.
		out, err := Build(m)
		if err != nil {
			t.Fatalf("parsed but does not build: %v", err)
		}
		again, err := ParseBytes(out)
		if err != nil {
			t.Fatalf("built but does not parse: %v\n%s", err, out)
		}
		if again.Kind != m.Kind || again.From.ID != m.From.ID || len(again.Attachments) != len(m.Attachments) ||
			again.Code != m.Code || again.StatusCode != m.StatusCode {
			t.Fatalf("round trip changed the message:\n%+v\n%+v", m, again)
		}
		for i := range m.Attachments {
			if !bytes.Equal(m.Attachments[i].Data, again.Attachments[i].Data) {
				t.Fatalf("attachment %d changed", i)
			}
		}
	})
}
