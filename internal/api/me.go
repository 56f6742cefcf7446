package api

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/mine"
	"github.com/xaso-vn/xaso/internal/payment"
)

// GET /api/v1/me/overview: the caller's "Hồ sơ của tôi" (internal/mine), what the page
// /account shows — what is asked of them, a page of their dossiers, their payments and
// receipts, their results, their feedback and the commune's current announcements.

// Ask is one thing asked of the caller.
type Ask struct {
	Kind          string `json:"kind"`
	DossierCode   string `json:"dossier_code"`
	ProcedureName string `json:"procedure_name,omitempty"`
	Reason        string `json:"reason,omitempty"`
	Amount        int64  `json:"amount,omitempty"`
	Reference     string `json:"reference,omitempty"`
}

// MyDossier is one of the caller's dossiers in brief.
type MyDossier struct {
	Code          string         `json:"code"`
	ProcedureCode string         `json:"procedure_code"`
	ProcedureName string         `json:"procedure_name"`
	Status        dossier.Status `json:"status"`
	StatusLabel   string         `json:"status_label"`
	DueAt         *string        `json:"due_at"`
	FeeState      payment.State  `json:"fee_state,omitempty"`
	FeeAmount     int64          `json:"fee_amount,omitempty"`
	// Channel is how it was filed (online, assisted, counter…); HelpedBy the name of the
	// digital-team member who filed it on the caller's behalf (assisted).
	Channel  dossier.Channel `json:"channel"`
	HelpedBy string          `json:"helped_by,omitempty"`
}

// MyPayment is a payment request of one of the caller's dossiers.
type MyPayment struct {
	DossierCode string        `json:"dossier_code"`
	Reference   string        `json:"reference"`
	Amount      int64         `json:"amount"`
	Paid        int64         `json:"paid"`
	State       payment.State `json:"state"`
	StateLabel  string        `json:"state_label"`
	ReceiptPDF  string        `json:"receipt_pdf,omitempty"`
}

// MyResult is a result the caller may download.
type MyResult struct {
	DossierCode string `json:"dossier_code"`
	Name        string `json:"name"`
	FileName    string `json:"file_name"`
	Size        int64  `json:"size"`
	URL         string `json:"url"`
}

// MyFeedback is a feedback of the caller with its answer.
type MyFeedback struct {
	ID          int64   `json:"id"`
	Kind        string  `json:"kind"`
	Status      string  `json:"status"`
	DossierCode string  `json:"dossier_code,omitempty"`
	Content     string  `json:"content"`
	FiledAt     *string `json:"filed_at"`
	Answer      string  `json:"answer,omitempty"`
	AnsweredAt  *string `json:"answered_at"`
}

// MyAnnouncement is a current announcement of the commune in brief.
type MyAnnouncement struct {
	ID          int64   `json:"id"`
	Title       string  `json:"title"`
	PublishedAt *string `json:"published_at"`
	URL         string  `json:"url"`
}

// Overview is the caller's "Hồ sơ của tôi".
type Overview struct {
	Asks          []Ask            `json:"asks"`
	Dossiers      []MyDossier      `json:"dossiers"`
	Total         int              `json:"total"`
	Payments      []MyPayment      `json:"payments"`
	Results       []MyResult       `json:"results"`
	Feedback      []MyFeedback     `json:"feedback"`
	Announcements []MyAnnouncement `json:"announcements"`
}

func (h handlers) overview(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	ms := &mine.Service{Dossiers: h.Dossiers, Files: h.Files, Payments: h.Payments, Feedback: h.Feedback,
		Announcements: h.Announcements, HomeUnitID: h.HomeUnitID}
	o, err := ms.Of(r.Context(), p.UserID, limit, offset)
	if err != nil {
		return err
	}
	out := Overview{Asks: []Ask{}, Dossiers: []MyDossier{}, Total: o.Total, Payments: []MyPayment{}, Results: []MyResult{},
		Feedback: []MyFeedback{}, Announcements: []MyAnnouncement{}}
	for _, a := range o.Asks {
		out.Asks = append(out.Asks, Ask{Kind: a.Kind, DossierCode: a.DossierCode, ProcedureName: a.ProcedureName, Reason: a.Reason,
			Amount: a.Amount, Reference: a.Reference})
	}
	for _, d := range o.Dossiers {
		due := d.DueAt
		if !d.ExtendedDueAt.IsZero() {
			due = d.ExtendedDueAt
		}
		md := MyDossier{Code: d.Code, ProcedureCode: d.ProcedureCode, ProcedureName: d.ProcedureName, Status: d.Status,
			StatusLabel: d.Status.Label(), DueAt: rfc3339(due), Channel: d.Channel, HelpedBy: d.HelpedBy}
		if d.Fee != nil {
			md.FeeState, md.FeeAmount = d.Fee.State, d.Fee.Amount
		}
		out.Dossiers = append(out.Dossiers, md)
	}
	for _, pr := range o.Payments {
		mp := MyPayment{DossierCode: pr.DossierCode, Reference: pr.Reference, Amount: pr.Amount, Paid: pr.Paid, State: pr.State,
			StateLabel: pr.State.Label()}
		if pr.ReceiptID != 0 {
			mp.ReceiptPDF = httpx.ReceiptPDFPath(pr.ReceiptID)
		}
		out.Payments = append(out.Payments, mp)
	}
	for _, res := range o.Results {
		out.Results = append(out.Results, MyResult{DossierCode: res.DossierCode, Name: res.File.Name, FileName: res.File.FileName,
			Size: res.File.Size, URL: "/api/v1/dossiers/" + url.PathEscape(res.DossierCode) + "/files/" + strconv.FormatInt(res.File.ID, 10)})
	}
	for _, f := range o.Feedback {
		out.Feedback = append(out.Feedback, MyFeedback{ID: f.ID, Kind: f.Kind.Label(), Status: f.Status.Label(), DossierCode: f.DossierCode,
			Content: f.Content, FiledAt: rfc3339(f.FiledAt), Answer: f.Answer, AnsweredAt: rfc3339(f.AnsweredAt)})
	}
	for _, a := range o.Announcements {
		out.Announcements = append(out.Announcements, MyAnnouncement{ID: a.ID, Title: a.Title, PublishedAt: rfc3339(a.PublishedAt),
			URL: "/thong-bao/" + strconv.FormatInt(a.ID, 10)})
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}
