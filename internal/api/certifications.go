package api

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The certification register (docs/CERTIFICATION.md): the desk records a certification
// and gets its book, number and fee; the register's readers list it, print a book and
// reconcile a day's fees with their payments. Every rule is certify.Service's.
func certificationRoutes(h handlers) []httpx.Route {
	read := httpx.OnlyRoles(certify.ReadRoles...)
	return []httpx.Route{
		{Pattern: "POST /api/v1/certifications", Access: httpx.OnlyRoles(certify.RecordRoles...), Handler: h.recordCertification},
		{Pattern: "GET /api/v1/certifications", Access: read, Handler: h.listCertifications},
		{Pattern: "GET /api/v1/certifications/{id}", Access: read, Handler: h.getCertification},
		{Pattern: "GET /api/v1/certifications/books/{file}", Access: read, Handler: h.certificationBook},
		{Pattern: "GET /api/v1/certifications/reconciliation", Access: read, Handler: h.certificationReconciliation},
	}
}

// CertificationInput is the body of POST /api/v1/certifications.
type CertificationInput struct {
	Kind      string `json:"kind"`
	Pages     int    `json:"pages"`
	Copies    int    `json:"copies"`
	Document  string `json:"document"`
	Requester string `json:"requester"`
	// Certifier is the username of the leader or justice officer who certifies
	// (optional); Unit the unit's code (optional: the caller's counter unit).
	Certifier string `json:"certifier,omitempty"`
	Unit      string `json:"unit,omitempty"`
}

// Certification is a line of the register as the API shows it.
type Certification struct {
	ID               int64   `json:"id"`
	Unit             string  `json:"unit"`
	Kind             string  `json:"kind"`
	KindLabel        string  `json:"kind_label"`
	Book             string  `json:"book"`
	Number           int     `json:"number"`
	Year             int     `json:"year"`
	Fee              int64   `json:"fee"`
	Pages            int     `json:"pages"`
	Copies           int     `json:"copies"`
	Document         string  `json:"document"`
	Requester        string  `json:"requester"`
	Certifier        string  `json:"certifier"`
	RecordedBy       string  `json:"recorded_by"`
	CertifiedAt      *string `json:"certified_at"`
	Statement        string  `json:"statement"`
	PaymentReference string  `json:"payment_reference,omitempty"`
	// Receipt is the address of the fee's receipt (PDF) once issued (one line's view only).
	Receipt string `json:"receipt,omitempty"`
}

func certificationOut(u unit.Unit, e certify.Entry) Certification {
	return Certification{ID: e.ID, Unit: u.Code, Kind: string(e.Kind), KindLabel: e.Kind.Label(), Book: e.Book, Number: e.Number,
		Year: e.Year, Fee: e.Fee, Pages: e.Pages, Copies: e.Copies, Document: e.Document, Requester: e.Requester,
		Certifier: e.CertifierName, RecordedBy: e.RecorderName, CertifiedAt: rfc3339(e.At), Statement: e.Statement,
		PaymentReference: e.PaymentReference}
}

func (h handlers) certUnit(r *http.Request, code string, roles ...auth.Role) (unit.Unit, error) {
	if code != "" {
		q := r.URL.Query()
		q.Set("unit", code)
		r.URL.RawQuery = q.Encode()
	}
	return h.paymentUnit(r, roles...)
}

func (h handlers) recordCertification(w http.ResponseWriter, r *http.Request) error {
	var in CertificationInput
	if err := httpx.DecodeJSON(w, r, &in, 16<<10); err != nil {
		return err
	}
	u, err := h.certUnit(r, in.Unit, certify.RecordRoles...)
	if err != nil {
		return err
	}
	e, err := h.Certifications.Record(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, certify.Request{Kind: certify.Kind(in.Kind),
		Pages: in.Pages, Copies: in.Copies, Document: in.Document, Requester: in.Requester, Certifier: in.Certifier})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/certifications/"+strconv.FormatInt(e.ID, 10))
	return httpx.WriteJSON(w, http.StatusCreated, certificationOut(u, e))
}

// certYear reads ?year=, this year in Vietnam by default.
func (h handlers) certYear(r *http.Request) (int, error) {
	v := r.URL.Query().Get("year")
	if v == "" {
		return calendar.DateOf(h.now()).Year, nil
	}
	y, err := strconv.Atoi(v)
	if err != nil {
		return 0, certify.ErrBadYear
	}
	return y, nil
}

func (h handlers) listCertifications(w http.ResponseWriter, r *http.Request) error {
	u, err := h.certUnit(r, "", certify.ReadRoles...)
	if err != nil {
		return err
	}
	year, err := h.certYear(r)
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	es, total, err := h.Certifications.List(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, certify.Kind(r.URL.Query().Get("kind")),
		year, limit, offset)
	if err != nil {
		return err
	}
	items := []Certification{}
	for _, e := range es {
		items = append(items, certificationOut(u, e))
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

func (h handlers) getCertification(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return certify.ErrNotFound
	}
	e, err := h.Certifications.Entry(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	u, err := h.Store.UnitByID(r.Context(), e.UnitID)
	if err != nil {
		return err
	}
	out := certificationOut(u, e)
	rid, err := h.Certifications.ReceiptID(r.Context(), e)
	if err != nil {
		return err
	}
	if rid != 0 {
		out.Receipt = "/api/v1/receipts/" + strconv.FormatInt(rid, 10) + ".pdf"
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// certificationBook serves a book as {kind}-{year}.pdf or .xlsx.
func (h handlers) certificationBook(w http.ResponseWriter, r *http.Request) error {
	name, ext, ok := strings.Cut(r.PathValue("file"), ".")
	kindName, yearText, ok2 := strings.Cut(name, "-")
	year, err := strconv.Atoi(yearText)
	kind, ok3 := certify.ParseKind(kindName)
	if !ok || !ok2 || err != nil || !ok3 || (ext != "pdf" && ext != "xlsx") {
		return certify.ErrFileType
	}
	u, err := h.certUnit(r, "", certify.ReadRoles...)
	if err != nil {
		return err
	}
	es, err := h.Certifications.Register(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, kind, year)
	if err != nil {
		return err
	}
	p := certify.Printed{Unit: u, Kind: kind, Year: year, Entries: es, At: h.now()}
	var b bytes.Buffer
	file := "so-chung-thuc-" + u.Code + "-" + kindName + "-" + yearText + "." + ext
	if ext == "pdf" {
		if err := p.WritePDF(&b); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="`+file+`"`)
	} else {
		if err := p.WriteXLSX(&b); err != nil {
			return err
		}
		w.Header().Set("Content-Type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
		w.Header().Set("Content-Disposition", `attachment; filename="`+file+`"`)
	}
	_, err = w.Write(b.Bytes())
	return err
}

// CertificationReconciliation is a day's register against its fees' payments.
type CertificationReconciliation struct {
	Unit string `json:"unit"`
	certify.Reconciliation
}

func (h handlers) certificationReconciliation(w http.ResponseWriter, r *http.Request) error {
	u, err := h.certUnit(r, "", certify.ReadRoles...)
	if err != nil {
		return err
	}
	day, err := dayParam(r, h.now())
	if err != nil {
		return err
	}
	rec, err := h.Certifications.Reconcile(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, day)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, CertificationReconciliation{Unit: u.Code, Reconciliation: rec})
}
