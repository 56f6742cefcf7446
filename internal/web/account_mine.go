package web

import (
	"net/url"
	"strconv"

	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/mine"
	"github.com/xaso-vn/xaso/internal/payment"
)

// "Hồ sơ của tôi" as the commune in the citizen's pocket (docs/APP.md): what is asked
// of them first, then their payments and receipts, their results, their feedback and
// the commune's announcements, each read in one query (internal/mine). Links carry no
// secret: the owner's session opens the look-up page, the receipt and the result.

// mine is the overview's service over the server's own.
func (s *Server) mine() *mine.Service {
	return &mine.Service{Dossiers: s.Dossiers, Files: s.Files, Payments: s.Payments, Feedback: s.Feedback,
		Announcements: s.Announcements, HomeUnitID: s.HomeUnitID}
}

type pocketAsk struct {
	Kind, Code, Procedure, Reason, URL string
	Amount                             int64
	Words, Reference                   string
}

type pocketPayment struct {
	Code, Reference, URL string
	Amount               int64
	State                payment.State
	Label                string
	Receipt              string // the receipt's PDF ("": none yet)
}

type pocketResult struct {
	Code, Procedure, Name, FileName, Size, URL string
}

type pocketFeedback struct {
	Kind, Status, Content, Code, Filed, Answer, Answered string
}

type pocketAnnouncement struct {
	ID               int64
	Title, Published string
}

// pocketView is the sections of the account page that mine.Overview fills.
type pocketView struct {
	Asks          []pocketAsk
	Payments      []pocketPayment
	Results       []pocketResult
	Feedback      []pocketFeedback
	Announcements []pocketAnnouncement
}

func dossierPath(code string) string { return "/tra-cuu/" + url.PathEscape(code) }

func pocketOf(o mine.Overview) pocketView {
	var v pocketView
	for _, a := range o.Asks {
		pa := pocketAsk{Kind: a.Kind, Code: a.DossierCode, Procedure: a.ProcedureName, Reason: a.Reason, URL: dossierPath(a.DossierCode)}
		switch a.Kind {
		case mine.AskSupplement:
			pa.URL += "#bo-sung"
		case mine.AskFee:
			pa.URL += "#nop-phi"
			pa.Amount, pa.Words, pa.Reference = a.Amount, locale.MoneyWords(a.Amount), a.Reference
		case mine.AskResult:
			pa.URL += "#ket-qua"
		}
		v.Asks = append(v.Asks, pa)
	}
	for _, pr := range o.Payments {
		pp := pocketPayment{Code: pr.DossierCode, Reference: pr.Reference, URL: dossierPath(pr.DossierCode) + "#nop-phi",
			Amount: pr.Amount, State: pr.State, Label: pr.State.Label()}
		if pr.ReceiptID != 0 {
			pp.Receipt = httpx.ReceiptPDFPath(pr.ReceiptID)
		}
		v.Payments = append(v.Payments, pp)
	}
	for _, r := range o.Results {
		v.Results = append(v.Results, pocketResult{Code: r.DossierCode, Procedure: r.ProcedureName, Name: r.File.Name,
			FileName: r.File.FileName, Size: byteSize(r.File.Size),
			URL: dossierPath(r.DossierCode) + "/tep/" + strconv.FormatInt(r.File.ID, 10)})
	}
	for _, f := range o.Feedback {
		pf := pocketFeedback{Kind: f.Kind.Label(), Status: f.Status.Label(), Content: shorten(f.Content, 200), Code: f.DossierCode,
			Filed: shortTime(f.FiledAt), Answer: f.Answer}
		if !f.AnsweredAt.IsZero() {
			pf.Answered = shortTime(f.AnsweredAt)
		}
		v.Feedback = append(v.Feedback, pf)
	}
	for _, a := range o.Announcements {
		v.Announcements = append(v.Announcements, pocketAnnouncement{ID: a.ID, Title: a.Title, Published: appointment(a.PublishedAt)})
	}
	return v
}
