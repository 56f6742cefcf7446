package edxml

// The decoding shapes. Tags name local names only: senders differ in prefixes and in
// whether children repeat the namespace; the root's namespace is checked by Parse.

type xWrapper struct {
	Envelope    *xEnvelope    `xml:"edXMLEnvelope"`
	Attachments []xAttachment `xml:"AttachmentEncoded>Attachment"`
}

type xEnvelope struct {
	Header xHeader `xml:"edXMLHeader"`
	Body   xBody   `xml:"edXMLBody"`
}

type xHeader struct {
	MessageHeader *xMessageHeader `xml:"MessageHeader"`
	Trace         xTraceList      `xml:"TraceHeaderList"`
	Status        *xStatus        `xml:"Status"`
}

type xOrgan struct {
	OrganID   string `xml:"OrganId"`
	Name      string `xml:"OrganName"`
	InCharge  string `xml:"OrganInCharge"`
	Address   string `xml:"OrganAdd"`
	Email     string `xml:"Email"`
	Telephone string `xml:"Telephone"`
	Fax       string `xml:"Fax"`
	Website   string `xml:"Website"`
}

func (o xOrgan) organ() Organ {
	return Organ{ID: trim(o.OrganID), Name: o.Name, InCharge: o.InCharge, Address: o.Address,
		Email: trim(o.Email), Telephone: trim(o.Telephone), Fax: trim(o.Fax), Website: trim(o.Website)}
}

type xMessageHeader struct {
	From       xOrgan   `xml:"From"`
	To         []xOrgan `xml:"To"`
	DocumentID string   `xml:"DocumentId"`
	Code       struct {
		Number   string `xml:"CodeNumber"`
		Notation string `xml:"CodeNotation"`
	} `xml:"Code"`
	Promulgation struct {
		Place string `xml:"Place"`
		Date  string `xml:"PromulgationDate"`
	} `xml:"PromulgationInfo"`
	DocumentType struct {
		Type     string `xml:"Type"`
		TypeName string `xml:"TypeName"`
	} `xml:"DocumentType"`
	Subject string `xml:"Subject"`
	Content string `xml:"Content"`
	Signer  struct {
		Competence string `xml:"Competence"`
		Position   string `xml:"Position"`
		FullName   string `xml:"FullName"`
	} `xml:"SignerInfo"`
	DueDate  string `xml:"DueDate"`
	ToPlaces struct {
		Places []string `xml:"Place"`
	} `xml:"ToPlaces"`
	Other struct {
		Priority   string `xml:"Priority"`
		PageAmount string `xml:"PageAmount"`
	} `xml:"OtherInfo"`
	SteeringType string `xml:"SteeringType"`
}

type xTraceList struct {
	Traces []struct {
		OrganID   string `xml:"OrganId"`
		Timestamp string `xml:"Timestamp"`
	} `xml:"TraceHeader"`
	Business *struct {
		DocType string `xml:"BussinessDocType"`
		Reason  string `xml:"BussinessDocReason"`
		Paper   string `xml:"Paper"`
	} `xml:"Bussiness"`
}

type xStatus struct {
	ResponseFor struct {
		OrganID          string `xml:"OrganId"`
		Code             string `xml:"Code"`
		PromulgationDate string `xml:"PromulgationDate"`
		DocumentID       string `xml:"DocumentId"`
	} `xml:"ResponseFor"`
	From        xOrgan `xml:"From"`
	StatusCode  string `xml:"StatusCode"`
	Description string `xml:"Description"`
	Timestamp   string `xml:"Timestamp"`
	Staff       struct {
		Department string `xml:"Department"`
		Staff      string `xml:"Staff"`
	} `xml:"StaffInfo"`
}

type xBody struct {
	Manifest struct {
		References []struct {
			ContentID   string `xml:"ContentId"`
			Description string `xml:"Description"`
		} `xml:"Reference"`
	} `xml:"edXMLManifest"`
	Attachments []xAttachment `xml:"Attachment"` // some senders put them in the body
}

type xAttachment struct {
	ContentID   string `xml:"ContentId"`
	Name        string `xml:"AttachmentName"`
	ContentType string `xml:"ContentType"`
	Encoded     string `xml:"ContentTransferEncoded"`
}
