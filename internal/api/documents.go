package api

import (
	"bytes"
	"context"
	"encoding/base64"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/signing"
)

// documentRoutes are the official documents' routes (docs/DOCUMENTS.md).
func documentRoutes(h handlers) []httpx.Route {
	read := httpx.OnlyRoles(document.ReadRoles...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/document-types", Access: httpx.LoggedIn, Handler: h.documentTypes},
		{Pattern: "POST /api/v1/documents", Access: httpx.OnlyRoles(document.DraftRoles...), Handler: h.createDocument},
		{Pattern: "GET /api/v1/documents", Access: read, Handler: h.listDocuments},
		{Pattern: "GET /api/v1/documents/{id}", Access: read, Handler: h.getDocument},
		{Pattern: "GET /api/v1/documents/{id}/edxml", Access: read, Handler: h.documentEdXML},
		{Pattern: "POST /api/v1/documents/edxml", Access: httpx.OnlyRoles(document.RegisterRoles...), Handler: h.receiveEdXML},
		{Pattern: "POST /api/v1/documents/{id}/actions/{action}", Access: read, Handler: h.documentAction},
		{Pattern: "GET /api/v1/document-registers/{file}", Access: read, Handler: h.documentRegister},
		{Pattern: "GET /api/v1/document-files", Access: read, Handler: h.documentFiles},
		{Pattern: "POST /api/v1/document-files", Access: read, Handler: h.createDocumentFile},
		{Pattern: "GET /api/v1/document-settings", Access: read, Handler: h.documentSettings},
		{Pattern: "PUT /api/v1/document-settings", Access: httpx.OnlyRoles(auth.RoleLeader, auth.RoleUnitAdmin), Handler: h.setDocumentSettings},
	}
}

var (
	errDocumentID   = apperr.Invalidf("invalid_document_id", "Mã văn bản không hợp lệ.")
	errDocAction    = apperr.New(apperr.NotFound, "unknown_action", "Không có thao tác này với văn bản.")
	errNoDocUnit    = apperr.New(apperr.Forbidden, "forbidden", "Bạn không thuộc đơn vị nào có sổ văn bản.")
	errSignedPDF    = apperr.Invalidf("invalid_signed_pdf", "signed_pdf phải là tệp PDF mã hóa base64.")
	errDocDirection = document.ErrDirection
	errNoExchange   = apperr.New(apperr.Unavailable, "exchange_unavailable", "Hệ thống chưa được kết nối với trục liên thông văn bản.")
)

func (h handlers) documentTypes(w http.ResponseWriter, r *http.Request) error {
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(document.Types, len(document.Types)))
}

// documentUnit is the unit whose registers the caller keeps.
func documentUnit(p *auth.Principal, roles ...auth.Role) (int64, error) {
	if u := document.UnitFor(p, roles...); u != 0 {
		return u, nil
	}
	if u := document.UnitFor(p, document.ReadRoles...); u != 0 {
		return u, nil
	}
	return 0, errNoDocUnit
}

// CreateDocumentRequest is POST /api/v1/documents: an outgoing draft or an incoming
// paper document to register.
type CreateDocumentRequest struct {
	Direction      string   `json:"direction"`
	TypeCode       string   `json:"type_code"`
	Subject        string   `json:"subject"`
	DraftingUnit   string   `json:"drafting_unit"`
	Urgency        string   `json:"urgency"`
	Recipients     []string `json:"recipients"`
	Confidential   bool     `json:"confidential"`
	Legal          bool     `json:"legal"`
	ReplyTo        *int64   `json:"reply_to"`
	FileID         *int64   `json:"file_id"`
	Sender         string   `json:"sender"`
	NumberNotation string   `json:"number_notation"`
	IssuedOn       string   `json:"issued_on"`
	ReceivedAt     string   `json:"received_at"`
}

func (h handlers) createDocument(w http.ResponseWriter, r *http.Request) error {
	var req CreateDocumentRequest
	if err := httpx.DecodeJSON(w, r, &req, 64<<10); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	switch document.Direction(req.Direction) {
	case document.Outgoing:
		unitID, err := documentUnit(p, document.DraftRoles...)
		if err != nil {
			return err
		}
		d, err := h.Documents.CreateOutgoing(r.Context(), p, document.OutgoingInput{UnitID: unitID, TypeCode: req.TypeCode,
			Subject: req.Subject, DraftingUnit: req.DraftingUnit, Urgency: req.Urgency, Recipients: req.Recipients,
			Confidential: req.Confidential, Legal: req.Legal, ReplyTo: req.ReplyTo, FileID: req.FileID})
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusCreated, d)
	case document.Incoming:
		unitID, err := documentUnit(p, document.RegisterRoles...)
		if err != nil {
			return err
		}
		var at time.Time
		if req.ReceivedAt != "" {
			if at, err = time.Parse(time.RFC3339, req.ReceivedAt); err != nil {
				return document.ErrReceivedAt
			}
		}
		d, err := h.Documents.RegisterIncoming(r.Context(), p, document.IncomingInput{UnitID: unitID, Source: document.Paper,
			TypeCode: req.TypeCode, Sender: req.Sender, NumberNotation: req.NumberNotation, IssuedOn: req.IssuedOn,
			Subject: req.Subject, Urgency: req.Urgency, ReceivedAt: at, FileID: req.FileID})
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusCreated, d)
	}
	return errDocDirection
}

func documentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, errDocumentID
	}
	return id, nil
}

func (h handlers) getDocument(w http.ResponseWriter, r *http.Request) error {
	id, err := documentID(r)
	if err != nil {
		return err
	}
	d, err := h.Documents.Get(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}

// documentEdXML is an issued outgoing document as an edXML message (QCVN 102:2016),
// from its unit, whose identification code is its organ id (as the exchange sends it).
func (h handlers) documentEdXML(w http.ResponseWriter, r *http.Request) error {
	id, err := documentID(r)
	if err != nil {
		return err
	}
	doc, err := h.Documents.EdXML(r.Context(), auth.PrincipalFrom(r.Context()), id,
		func(ctx context.Context, unitID int64) (edxml.Organ, error) {
			u, err := h.Store.UnitByID(ctx, unitID)
			return document.UnitOrgan(u), err
		})
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/xml; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="van-ban-`+strconv.FormatInt(id, 10)+`.xml"`)
	_, err = w.Write(doc)
	return err
}

// EdXMLReceived is the answer to POST /api/v1/documents/edxml: a document registered
// with its arrival number and the status sent back to its sender (03 accepted), or a
// status message taken ("kind": "status").
type EdXMLReceived struct {
	Kind          edxml.Kind `json:"kind"`
	ArrivalNumber int        `json:"arrival_number,omitempty"`
	Status        string     `json:"status,omitempty"`
	StatusName    string     `json:"status_name,omitempty"`
}

// receiveEdXML registers an edXML message pushed to the clerk's unit, as the exchange
// platform delivers it: the body is bounded before it is read, refusals carry the edXML
// codes, and a document registered before is a conflict.
func (h handlers) receiveEdXML(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	unitID := document.UnitFor(p, document.RegisterRoles...)
	if unitID == 0 {
		return errNoDocUnit
	}
	if h.Exchange == nil {
		return errNoExchange
	}
	limit := h.Exchange.Limits.MaxBytes
	if limit <= 0 {
		limit = edxml.DefaultLimits.MaxBytes
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return edxml.ErrTooLarge
		}
		return err
	}
	res, err := h.Exchange.Receive(r.Context(), unitID, body)
	if err != nil {
		return err
	}
	if res.Kind == edxml.KindStatus {
		return httpx.WriteJSON(w, http.StatusOK, EdXMLReceived{Kind: res.Kind})
	}
	if res.Duplicate {
		return document.ErrDuplicate
	}
	return httpx.WriteJSON(w, http.StatusCreated, EdXMLReceived{Kind: res.Kind, ArrivalNumber: res.ArrivalNumber,
		Status: res.StatusCode, StatusName: edxml.StatusName(res.StatusCode)})
}

var (
	errSignKey        = apperr.Invalidf("signing_key_required", "Chọn khóa ký số của bạn (key_id).")
	errSignPassphrase = apperr.Invalidf("wrong_passphrase", "Mật khẩu của khóa ký số không đúng.")
)

// signDocument signs an approved draft's PDF with the caller's stored key, opened with the
// passphrase sent now under the per-user throttle (a wrong one is 422 wrong_passphrase,
// too many 429).
func (h handlers) signDocument(ctx context.Context, p *auth.Principal, id int64, req DocumentActionRequest) (document.Document, error) {
	d, err := h.Documents.Get(ctx, p, id)
	if err != nil {
		return d, err
	}
	if h.UnlockPassphrase == nil {
		return d, errSignKey
	}
	k, err := h.Store.SigningKey(ctx, req.KeyID)
	if err != nil || k.UserID != p.UserID || k.UnitID != d.UnitID {
		return d, errSignKey
	}
	if req.Passphrase == "" {
		return d, errSignPassphrase
	}
	var signer signing.Signer
	err = h.UnlockPassphrase(p.UserID, func() error {
		var err error
		signer, err = signing.OpenSealedPKCS12(k.Sealed, req.Passphrase)
		return err
	})
	if apperr.KindOf(err) == apperr.Unauthenticated {
		return d, errSignPassphrase
	}
	if err != nil {
		return d, err
	}
	u, err := h.Store.UnitByID(ctx, d.UnitID)
	if err != nil {
		return d, err
	}
	return h.Documents.Sign(ctx, p, id, req.Version, document.Key{Kind: k.Kind, Image: k.Image, Signer: signer}, u.Name, h.TSAURL)
}

// documentQuery reads the search parameters shared by the list and the registers.
func documentQuery(r *http.Request, p *auth.Principal) (document.Query, error) {
	unitID, err := documentUnit(p)
	if err != nil {
		return document.Query{}, err
	}
	qs := r.URL.Query()
	q := document.Query{UnitID: unitID, Direction: document.Direction(qs.Get("direction")), Text: qs.Get("q"),
		Number: qs.Get("number"), TypeCode: qs.Get("type"), Status: document.Status(qs.Get("status")),
		From: qs.Get("from"), To: qs.Get("to")}
	if v := qs.Get("handler"); v != "" {
		if q.HandlerID, err = strconv.ParseInt(v, 10, 64); err != nil {
			return q, document.ErrSearch
		}
	}
	if v := qs.Get("year"); v != "" {
		if q.Year, err = strconv.Atoi(v); err != nil {
			return q, document.ErrSearch
		}
	}
	return q, nil
}

func (h handlers) listDocuments(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	q, err := documentQuery(r, p)
	if err != nil {
		return err
	}
	if q.Limit, q.Offset, err = httpx.Page(r); err != nil {
		return err
	}
	items, total, err := h.Documents.List(r.Context(), p, q)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

// DocumentActionRequest is the body of POST /api/v1/documents/{id}/actions/{action}.
type DocumentActionRequest struct {
	Version int `json:"version"`
	// issue
	Paper     bool   `json:"paper"`
	SignedPDF string `json:"signed_pdf"` // base64
	// direct
	HandlerID   int64  `json:"handler_id"`
	Supporting  string `json:"supporting"`
	Instruction string `json:"instruction"`
	Deadline    string `json:"deadline"`
	WorkingDays int    `json:"working_days"`
	// report
	Progress string `json:"progress"`
	// pdf: the draft's PDF (base64)
	PDF string `json:"pdf"`
	// recall: accept (15) or refuse (16) the sender's recall
	Accept bool `json:"accept"`
	// sign: the caller's stored key (the leader's personal one, then the clerk's seal)
	// and its passphrase, never kept
	KeyID      int64  `json:"key_id"`
	Passphrase string `json:"passphrase"`
}

func (h handlers) documentAction(w http.ResponseWriter, r *http.Request) error {
	id, err := documentID(r)
	if err != nil {
		return err
	}
	var req DocumentActionRequest
	if err := httpx.DecodeJSON(w, r, &req, 30<<20); err != nil {
		return err
	}
	p, ctx := auth.PrincipalFrom(r.Context()), r.Context()
	var d document.Document
	switch r.PathValue("action") {
	case "issue":
		var pdf []byte
		if req.SignedPDF != "" {
			if pdf, err = base64.StdEncoding.DecodeString(req.SignedPDF); err != nil {
				return errSignedPDF
			}
		}
		d, err = h.Documents.Issue(ctx, p, id, document.IssueInput{Paper: req.Paper, SignedPDF: pdf, Version: req.Version})
	case "pdf", "annex":
		pdf, derr := base64.StdEncoding.DecodeString(req.PDF)
		if derr != nil {
			return document.ErrDraftPDF
		}
		if r.PathValue("action") == "pdf" {
			d, err = h.Documents.AttachPDF(ctx, p, id, req.Version, pdf)
		} else {
			d, err = h.Documents.AttachAnnex(ctx, p, id, req.Version, pdf)
		}
	case "sign":
		d, err = h.signDocument(ctx, p, id, req)
	case "recall":
		d, err = h.Documents.AnswerRecall(ctx, p, id, req.Version, req.Accept)
	case "approve":
		d, err = h.Documents.Approve(ctx, p, id, req.Version)
	case "direct":
		d, err = h.Documents.Direct(ctx, p, id, document.DirectionInput{Version: req.Version, HandlerID: req.HandlerID,
			Supporting: req.Supporting, Instruction: req.Instruction, Deadline: req.Deadline, WorkingDays: req.WorkingDays})
	case "progress", "done":
		d, err = h.Documents.Report(ctx, p, id, req.Version, req.Progress, r.PathValue("action") == "done")
	default:
		return errDocAction
	}
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}

func (h handlers) documentRegister(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	q, err := documentQuery(r, p)
	if err != nil {
		return err
	}
	kind, format, _ := strings.Cut(r.PathValue("file"), ".")
	if format != "pdf" && format != "xlsx" {
		return errDocAction
	}
	docs, replies, err := h.Documents.Register(r.Context(), p, kind, q)
	if err != nil {
		return err
	}
	u, err := h.Store.UnitByID(r.Context(), q.UnitID)
	if err != nil {
		return err
	}
	year := q.Year
	var buf bytes.Buffer
	ctype := "application/pdf"
	if format == "pdf" {
		err = document.WriteRegisterPDF(&buf, kind, u.Name, year, docs, replies)
	} else {
		ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
		err = document.WriteRegisterXLSX(&buf, kind, u.Name, year, docs, replies)
	}
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="so-van-ban-`+kind+`.`+format+`"`)
	_, err = w.Write(buf.Bytes())
	return err
}

func (h handlers) documentFiles(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	unitID, err := documentUnit(p)
	if err != nil {
		return err
	}
	if y := r.URL.Query().Get("handover"); y != "" {
		year, err := strconv.Atoi(y)
		if err != nil {
			return document.ErrSearch
		}
		fs, err := h.Documents.HandOver(r.Context(), p, unitID, year)
		if err != nil {
			return err
		}
		return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(fs, len(fs)))
	}
	fs, err := h.Documents.Files(r.Context(), p, unitID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(fs, len(fs)))
}

// CreateDocumentFileRequest opens a file.
type CreateDocumentFileRequest struct {
	Title          string `json:"title"`
	RetentionYears int    `json:"retention_years"`
	Year           int    `json:"year"`
	EndedOn        string `json:"ended_on"`
}

func (h handlers) createDocumentFile(w http.ResponseWriter, r *http.Request) error {
	var req CreateDocumentFileRequest
	if err := httpx.DecodeJSON(w, r, &req, 16<<10); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	unitID, err := documentUnit(p)
	if err != nil {
		return err
	}
	if req.EndedOn != "" {
		if _, err := time.Parse(time.DateOnly, req.EndedOn); err != nil {
			return errDate
		}
	}
	f, err := h.Documents.CreateFile(r.Context(), p, document.File{UnitID: unitID, Title: req.Title,
		RetentionYears: req.RetentionYears, Year: req.Year, EndedOn: req.EndedOn})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, f)
}

func (h handlers) documentSettings(w http.ResponseWriter, r *http.Request) error {
	unitID, err := documentUnit(auth.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	set, err := h.Documents.Settings(r.Context(), unitID)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, set)
}

// DocumentSettingsRequest is PUT /api/v1/document-settings: the body's abbreviation and
// which document types share an outgoing sequence (type code → sequence name).
type DocumentSettingsRequest struct {
	Abbreviation string            `json:"abbreviation"`
	Groups       map[string]string `json:"groups"`
}

func (h handlers) setDocumentSettings(w http.ResponseWriter, r *http.Request) error {
	var req DocumentSettingsRequest
	if err := httpx.DecodeJSON(w, r, &req, 16<<10); err != nil {
		return err
	}
	p := auth.PrincipalFrom(r.Context())
	unitID, err := documentUnit(p, auth.RoleLeader, auth.RoleUnitAdmin)
	if err != nil {
		return err
	}
	set := document.Settings{UnitID: unitID, Abbreviation: req.Abbreviation, Groups: req.Groups}
	if err := h.Documents.SetSettings(r.Context(), p, set); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, set)
}
