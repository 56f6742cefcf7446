package edxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// Limits bound what Parse accepts. The zero value means DefaultLimits.
type Limits struct {
	MaxBytes       int64 // the whole message, attachments included (base64)
	MaxDepth       int
	MaxElements    int
	MaxAttributes  int // on one element
	MaxAttachments int
}

// DefaultLimits fit a signed decision with its annexes (a 20 MB PDF is some 27 MB of
// base64) and stay far below what would hurt the server.
var DefaultLimits = Limits{MaxBytes: 40 << 20, MaxDepth: 32, MaxElements: 20_000, MaxAttributes: 32, MaxAttachments: 50}

func (l Limits) orDefault() Limits {
	d := DefaultLimits
	if l.MaxBytes > 0 {
		d.MaxBytes = l.MaxBytes
	}
	if l.MaxDepth > 0 {
		d.MaxDepth = l.MaxDepth
	}
	if l.MaxElements > 0 {
		d.MaxElements = l.MaxElements
	}
	if l.MaxAttributes > 0 {
		d.MaxAttributes = l.MaxAttributes
	}
	if l.MaxAttachments > 0 {
		d.MaxAttachments = l.MaxAttachments
	}
	return d
}

// Parse reads one edXML message from r with DefaultLimits.
func Parse(r io.Reader) (*Message, error) { return DefaultLimits.Parse(r) }

// Parse reads one edXML message from r: at most MaxBytes are read (one more byte is a
// refusal), the token stream is checked for DOCTYPE, depth, element and attribute
// counts before any tree is built, then the fields are decoded and checked.
func (l Limits) Parse(r io.Reader) (*Message, error) {
	l = l.orDefault()
	// Read in chunks of 64 KiB, then join them once: a stream that lies about its size
	// costs about twice MaxBytes at most (a growing buffer would double again and again),
	// and one byte past MaxBytes is enough to refuse it.
	const chunk = 64 << 10
	var chunks [][]byte
	var total int64
	lr := io.LimitReader(r, l.MaxBytes+1)
	for {
		c := make([]byte, min(chunk, l.MaxBytes+1-total))
		k, err := io.ReadFull(lr, c)
		chunks, total = append(chunks, c[:k]), total+int64(k)
		if total > l.MaxBytes {
			return nil, ErrTooLarge.With(fmt.Errorf("more than %d bytes", l.MaxBytes))
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return nil, ErrMalformed.With(err)
		}
	}
	doc := make([]byte, 0, total)
	for _, c := range chunks {
		doc = append(doc, c...)
	}
	return l.ParseBytes(doc)
}

// ParseBytes is Parse of a message already in memory.
func (l Limits) ParseBytes(doc []byte) (*Message, error) {
	l = l.orDefault()
	if int64(len(doc)) > l.MaxBytes {
		return nil, ErrTooLarge.With(fmt.Errorf("%d bytes, at most %d", len(doc), l.MaxBytes))
	}
	root, err := l.guard(doc)
	if err != nil {
		return nil, err
	}
	if root.Space != Namespace {
		return nil, ErrNamespace.With(fmt.Errorf("root {%s}%s", root.Space, root.Local))
	}
	var env xEnvelope
	var encoded []xAttachment
	switch root.Local {
	case "edXML":
		var w xWrapper
		if err := xml.Unmarshal(doc, &w); err != nil {
			return nil, ErrMalformed.With(err)
		}
		if w.Envelope == nil {
			return nil, ErrNamespace.With(errors.New("edXML without edXMLEnvelope"))
		}
		env, encoded = *w.Envelope, w.Attachments
	case "edXMLEnvelope":
		if err := xml.Unmarshal(doc, &env); err != nil {
			return nil, ErrMalformed.With(err)
		}
	default:
		return nil, ErrNamespace.With(fmt.Errorf("root %s", root.Local))
	}
	encoded = append(encoded, env.Body.Attachments...)
	if len(encoded) > l.MaxAttachments {
		return nil, ErrAttachment.With(fmt.Errorf("%d attachments, at most %d", len(encoded), l.MaxAttachments))
	}
	return fromXML(env, encoded)
}

// guard walks the tokens once, refusing directives (DOCTYPE, hence entities) and
// documents deeper, larger or with more attributes than l, and returns the root's name.
func (l Limits) guard(doc []byte) (xml.Name, error) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = true
	d.CharsetReader = func(label string, in io.Reader) (io.Reader, error) {
		return nil, ErrMalformed.With(fmt.Errorf("encoding %q: only UTF-8", label))
	}
	var root xml.Name
	depth, elements := 0, 0
	for {
		tok, err := d.RawToken()
		if err == io.EOF {
			break
		}
		if err != nil {
			if errors.Is(err, ErrMalformed) {
				return root, err
			}
			return root, ErrMalformed.With(err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if depth++; depth > l.MaxDepth {
				return root, ErrTooComplex.With(fmt.Errorf("nested deeper than %d", l.MaxDepth))
			}
			if elements++; elements > l.MaxElements {
				return root, ErrTooComplex.With(fmt.Errorf("more than %d elements", l.MaxElements))
			}
			if len(t.Attr) > l.MaxAttributes {
				return root, ErrTooComplex.With(fmt.Errorf("an element with %d attributes", len(t.Attr)))
			}
			if elements == 1 {
				root = resolve(t)
			}
		case xml.EndElement:
			depth--
		case xml.Directive:
			return root, ErrDoctype.With(errors.New("DOCTYPE or another directive"))
		case xml.ProcInst:
			if t.Target == "xml" && bytes.Contains(bytes.ToLower(t.Inst), []byte("encoding")) &&
				!bytes.Contains(bytes.ToLower(t.Inst), []byte("utf-8")) {
				return root, ErrMalformed.With(errors.New("only UTF-8"))
			}
		}
	}
	if elements == 0 {
		return root, ErrMalformed.With(errors.New("no element"))
	}
	return root, nil
}

// resolve finds the namespace of the root from its own declarations (RawToken does not).
func resolve(t xml.StartElement) xml.Name {
	want := "xmlns"
	if t.Name.Space != "" {
		want = t.Name.Space
	}
	for _, a := range t.Attr {
		if (want == "xmlns" && a.Name.Space == "" && a.Name.Local == "xmlns") || (a.Name.Space == "xmlns" && a.Name.Local == want) {
			return xml.Name{Space: a.Value, Local: t.Name.Local}
		}
	}
	return xml.Name{Local: t.Name.Local}
}

func fromXML(env xEnvelope, encoded []xAttachment) (*Message, error) {
	h := env.Header
	if h.Status != nil {
		return statusFromXML(h.Status)
	}
	if h.MessageHeader == nil {
		return nil, ErrMissing.With(errors.New("no MessageHeader and no Status"))
	}
	mh := h.MessageHeader
	m := &Message{Kind: KindDocument, From: mh.From.organ(), DocumentID: strings.TrimSpace(mh.DocumentID),
		Code:  Code{Number: strings.TrimSpace(mh.Code.Number), Notation: strings.TrimSpace(mh.Code.Notation)},
		Place: mh.Promulgation.Place, PromulgationDate: strings.TrimSpace(mh.Promulgation.Date),
		TypeName: mh.DocumentType.TypeName, Subject: strings.TrimSpace(mh.Subject), Content: mh.Content,
		Signer:  Signer{Competence: mh.Signer.Competence, Position: mh.Signer.Position, FullName: mh.Signer.FullName},
		DueDate: strings.TrimSpace(mh.DueDate), ToPlaces: mh.ToPlaces.Places}
	for _, t := range mh.To {
		m.To = append(m.To, t.organ())
	}
	var err error
	if m.DocumentType, err = optInt(mh.DocumentType.Type, 0, 99); err != nil {
		return nil, ErrField.With(fmt.Errorf("DocumentType: %w", err))
	}
	if m.Priority, err = optInt(mh.Other.Priority, PriorityNormal, PriorityHoaTocHenGio); err != nil {
		return nil, ErrField.With(fmt.Errorf("Priority: %w", err))
	}
	if m.SteeringType, err = optInt(mh.SteeringType, 0, SteeringReportOn); err != nil {
		return nil, ErrField.With(fmt.Errorf("SteeringType: %w", err))
	}
	if m.PageAmount, err = optInt(mh.Other.PageAmount, 0, 1_000_000); err != nil {
		return nil, ErrField.With(fmt.Errorf("PageAmount: %w", err))
	}
	for _, t := range h.Trace.Traces {
		m.Traces = append(m.Traces, Trace{OrganID: strings.TrimSpace(t.OrganID), Timestamp: strings.TrimSpace(t.Timestamp)})
	}
	if b := h.Trace.Business; b != nil {
		if m.Business.DocType, err = optInt(b.DocType, BusinessNew, BusinessReplace); err != nil {
			return nil, ErrField.With(fmt.Errorf("BussinessDocType: %w", err))
		}
		m.Business.Reason = b.Reason
		if m.Business.Paper, err = optInt(b.Paper, 0, 1); err != nil {
			return nil, ErrField.With(fmt.Errorf("Paper: %w", err))
		}
	}
	descr := map[string]string{}
	for _, r := range env.Body.Manifest.References {
		descr[strings.TrimSpace(r.ContentID)] = r.Description
	}
	for _, a := range encoded {
		data, err := decodeBase64(a.Encoded)
		if err != nil {
			return nil, ErrAttachment.With(fmt.Errorf("%s: %w", a.Name, err))
		}
		id := strings.TrimSpace(a.ContentID)
		m.Attachments = append(m.Attachments, Attachment{ContentID: id, Name: strings.TrimSpace(a.Name),
			ContentType: strings.TrimSpace(a.ContentType), Description: descr[id], Data: data})
	}
	return m, m.Check()
}

func statusFromXML(s *xStatus) (*Message, error) {
	m := &Message{Kind: KindStatus, From: s.From.organ(), StatusCode: strings.TrimSpace(s.StatusCode),
		Description: s.Description, Timestamp: strings.TrimSpace(s.Timestamp),
		ResponseFor: ResponseFor{OrganID: strings.TrimSpace(s.ResponseFor.OrganID), Code: strings.TrimSpace(s.ResponseFor.Code),
			PromulgationDate: strings.TrimSpace(s.ResponseFor.PromulgationDate), DocumentID: strings.TrimSpace(s.ResponseFor.DocumentID)},
		Staff: Staff{Department: s.Staff.Department, Staff: s.Staff.Staff}}
	return m, m.Check()
}

// Check validates a message's fields: Build refuses what Parse would.
func (m *Message) Check() error {
	if !ValidOrganID(m.From.ID) {
		return ErrOrganID.With(fmt.Errorf("From %q", m.From.ID))
	}
	switch m.Kind {
	case KindStatus:
		if StatusName(m.StatusCode) == "" {
			return ErrStatusCode.With(fmt.Errorf("%q", m.StatusCode))
		}
		if m.ResponseFor.DocumentID == "" && m.ResponseFor.Code == "" {
			return ErrMissing.With(errors.New("status without ResponseFor"))
		}
		if m.Timestamp != "" {
			if _, err := time.Parse(TimeLayout, m.Timestamp); err != nil {
				return ErrField.With(fmt.Errorf("Timestamp %q", m.Timestamp))
			}
		}
		return nil
	case KindDocument:
	default:
		return ErrField.With(fmt.Errorf("kind %q", m.Kind))
	}
	if len(m.To) == 0 && !m.unaddressed {
		return ErrMissing.With(errors.New("no To"))
	}
	for _, t := range m.To {
		if !ValidOrganID(t.ID) {
			return ErrOrganID.With(fmt.Errorf("To %q", t.ID))
		}
	}
	if m.Code.Number == "" || m.Code.Notation == "" || m.Subject == "" || m.PromulgationDate == "" {
		return ErrMissing.With(errors.New("CodeNumber, CodeNotation, Subject or PromulgationDate"))
	}
	if strings.ContainsAny(m.Code.Number+m.Code.Notation, " \t\r\n/") {
		return ErrField.With(fmt.Errorf("code %q", m.Code.String()))
	}
	if _, err := time.Parse(DateLayout, m.PromulgationDate); err != nil {
		return ErrField.With(fmt.Errorf("PromulgationDate %q", m.PromulgationDate))
	}
	if m.DueDate != "" {
		if _, err := time.Parse(DateLayout, m.DueDate); err != nil {
			return ErrField.With(fmt.Errorf("DueDate %q", m.DueDate))
		}
	}
	if m.Priority < PriorityNormal || m.Priority > PriorityHoaTocHenGio {
		return ErrField.With(fmt.Errorf("Priority %d", m.Priority))
	}
	if m.SteeringType < 0 || m.SteeringType > SteeringReportOn {
		return ErrField.With(fmt.Errorf("SteeringType %d", m.SteeringType))
	}
	for _, a := range m.Attachments {
		if a.Name == "" || strings.ContainsAny(a.Name, "/\\\x00") {
			return ErrAttachment.With(fmt.Errorf("attachment name %q", a.Name))
		}
	}
	return nil
}

func optInt(s string, lo, hi int) (int, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return lo, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q not in %d…%d", s, lo, hi)
	}
	return n, nil
}

// decodeBase64 decodes standard base64, ignoring the line breaks and spaces senders wrap
// it with. The output is at most 3/4 of the input, which Limits already bound.
func decodeBase64(s string) ([]byte, error) {
	clean := strings.Map(func(r rune) rune {
		switch r {
		case ' ', '\t', '\r', '\n':
			return -1
		}
		return r
	}, s)
	return base64.StdEncoding.DecodeString(clean)
}

// ParseBytes is Parse of a message in memory with DefaultLimits.
func ParseBytes(doc []byte) (*Message, error) { return DefaultLimits.ParseBytes(doc) }
