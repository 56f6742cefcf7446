package edxml

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"strconv"
	"strings"
)

// Build writes m as edXML: for a document, an edXML root holding the envelope (header,
// trace list, body with the manifest) and the base64 attachments beside it, as the
// national exchange sends them; for a status, a bare envelope whose header holds Status.
// It refuses a message Parse would refuse.
func Build(m *Message) ([]byte, error) {
	return build(m)
}

// BuildExport writes a document as Build does, but lets it name no To: the export of a
// document whose recipients have no exchange address (a village, a person), delivered
// on paper or by e-mail, who are named in ToPlaces only. Parse, and so the exchange,
// refuses such a message.
func BuildExport(m *Message) ([]byte, error) {
	c := *m
	c.unaddressed = true
	return build(&c)
}

func build(m *Message) ([]byte, error) {
	if err := m.Check(); err != nil {
		return nil, err
	}
	w := &writer{}
	w.raw(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if m.Kind == KindStatus {
		w.open(`edXMLEnvelope xmlns:edXML="` + Namespace + `"`)
		w.open("edXMLHeader")
		w.open("Status")
		w.open("ResponseFor")
		w.el("OrganId", m.ResponseFor.OrganID)
		w.el("Code", m.ResponseFor.Code)
		w.el("PromulgationDate", m.ResponseFor.PromulgationDate)
		w.el("DocumentId", m.ResponseFor.DocumentID)
		w.close("ResponseFor")
		w.organ("From", m.From)
		w.el("StatusCode", m.StatusCode)
		w.el("Description", m.Description)
		w.el("Timestamp", m.Timestamp)
		w.open("StaffInfo")
		w.el("Department", m.Staff.Department)
		w.el("Staff", m.Staff.Staff)
		w.close("StaffInfo")
		w.close("Status")
		w.close("edXMLHeader")
		w.raw("<edXML:edXMLBody/>")
		w.close("edXMLEnvelope")
		return w.b.Bytes(), nil
	}
	w.open(`edXML xmlns:edXML="` + Namespace + `"`)
	w.open("edXMLEnvelope")
	w.open("edXMLHeader")
	w.open("MessageHeader")
	w.organ("From", m.From)
	for _, t := range m.To {
		w.organ("To", t)
	}
	id := m.DocumentID
	if id == "" {
		id = m.From.ID + "," + m.PromulgationDate + "," + m.Code.String()
	}
	w.el("DocumentId", id)
	w.open("Code")
	w.el("CodeNumber", m.Code.Number)
	w.el("CodeNotation", m.Code.Notation)
	w.close("Code")
	w.open("PromulgationInfo")
	w.el("Place", m.Place)
	w.el("PromulgationDate", m.PromulgationDate)
	w.close("PromulgationInfo")
	w.open("DocumentType")
	w.el("Type", strconv.Itoa(m.DocumentType))
	w.el("TypeName", m.TypeName)
	w.close("DocumentType")
	w.el("Subject", m.Subject)
	w.el("Content", m.Content)
	w.open("SignerInfo")
	w.el("Competence", m.Signer.Competence)
	w.el("Position", m.Signer.Position)
	w.el("FullName", m.Signer.FullName)
	w.close("SignerInfo")
	w.el("DueDate", m.DueDate)
	w.open("ToPlaces")
	for _, p := range m.ToPlaces {
		w.el("Place", p)
	}
	w.close("ToPlaces")
	w.open("OtherInfo")
	w.el("Priority", strconv.Itoa(m.Priority))
	w.el("PageAmount", strconv.Itoa(m.PageAmount))
	w.close("OtherInfo")
	steering := m.SteeringType
	if steering == 0 {
		steering = SteeringNone
	}
	w.el("SteeringType", strconv.Itoa(steering))
	w.close("MessageHeader")
	w.open("TraceHeaderList")
	for _, t := range m.Traces {
		w.open("TraceHeader")
		w.el("OrganId", t.OrganID)
		w.el("Timestamp", t.Timestamp)
		w.close("TraceHeader")
	}
	w.open("Bussiness")
	w.el("BussinessDocType", strconv.Itoa(m.Business.DocType))
	w.el("BussinessDocReason", m.Business.Reason)
	w.el("Paper", strconv.Itoa(m.Business.Paper))
	w.close("Bussiness")
	w.close("TraceHeaderList")
	w.close("edXMLHeader")
	w.open("edXMLBody")
	w.open("edXMLManifest")
	for _, a := range m.Attachments {
		w.open("Reference")
		w.el("ContentId", a.ContentID)
		w.el("ContentType", a.ContentType)
		w.el("Description", a.Description)
		w.el("AttachmentName", a.Name)
		w.close("Reference")
	}
	w.close("edXMLManifest")
	w.close("edXMLBody")
	w.close("edXMLEnvelope")
	w.open("AttachmentEncoded")
	for _, a := range m.Attachments {
		w.open("Attachment")
		w.el("ContentId", a.ContentID)
		w.el("AttachmentName", a.Name)
		w.el("ContentType", a.ContentType)
		w.open("ContentTransferEncoded")
		enc := base64.StdEncoding.EncodeToString(a.Data)
		for len(enc) > 76 { // lines of 76, as MIME writes them
			w.raw(enc[:76] + "\n")
			enc = enc[76:]
		}
		w.raw(enc)
		w.close("ContentTransferEncoded")
		w.close("Attachment")
	}
	w.close("AttachmentEncoded")
	w.close("edXML")
	return w.b.Bytes(), nil
}

type writer struct{ b bytes.Buffer }

func (w *writer) raw(s string) { w.b.WriteString(s) }

func (w *writer) open(nameAndAttrs string) { w.b.WriteString("<edXML:" + nameAndAttrs + ">") }

func (w *writer) close(name string) { w.b.WriteString("</edXML:" + name + ">") }

func (w *writer) el(name, value string) {
	w.open(name)
	xml.EscapeText(&w.b, []byte(value))
	w.close(name)
}

func (w *writer) organ(name string, o Organ) {
	w.open(name)
	w.el("OrganId", o.ID)
	w.el("OrganName", o.Name)
	w.el("OrganInCharge", o.InCharge)
	w.el("OrganAdd", o.Address)
	w.el("Email", o.Email)
	w.el("Telephone", o.Telephone)
	w.el("Fax", o.Fax)
	w.el("Website", o.Website)
	w.close(name)
}

func trim(s string) string { return strings.TrimSpace(s) }
