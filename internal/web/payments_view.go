package web

import (
	"context"
	"errors"
	"net/url"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
)

// The payment state of one dossier, for the pages that show a dossier: the office
// dossier page and the citizen's look-up. paymentSummary gathers it; the template
// partial "payments" (templates/payment_parts.html) draws it:
//
//	pay, err := s.paymentSummary(ctx, d)          // office page: links for the caller
//	pay, err := s.paymentSummary(ctx, d)          // look-up page with the secret:
//	pay = pay.WithSecret(typedSecret)             //   links that carry it
//	… {{template "payments" .Payments}} …
//
// It reads only; every change goes through the accountant's page or the API.

// paymentView is a dossier's payment requests as a page shows them.
type paymentView struct {
	Requests []paymentLine
	// Owed is what the dossier's requests still expect, all together.
	Owed int64
	// AccountName is the holder of the collecting unit's account, printed next to the
	// QR code so the payer can check it; "" when the unit has none (pay at the counter).
	AccountName string
	// BankName and AccountNumber are printed as text beside the code, so that a payer
	// on the same phone (who cannot scan its own screen) copies them into the bank's app.
	BankName, AccountNumber string
	// Card: AccountNumber is a card number.
	Card bool
	// Exemption is the dossier's recorded exemption from its fees (nil: none).
	Exemption *payment.FeeExemption
	// Accountant: the caller may act on the requests (link to the accountant's page).
	Accountant bool
	secret     string
}

// paymentLine is one request.
type paymentLine struct {
	Reference   string
	State       payment.State
	StateLabel  string
	Amount      int64
	Paid        int64
	Refunded    int64
	Outstanding int64
	Flags       payment.Flags
	Method      string
	Reason      string
	Items       []payment.Item
	// AmountWords and OutstandingWords say the amounts in Vietnamese words.
	AmountWords, OutstandingWords string
	// QR is the VietQR image (PNG) of what is still owed ("" when nothing is, or the unit
	// has no collection account), QRFile the name it is saved under; Receipt the
	// receipt's PDF ("" before one is issued).
	QR, QRFile, Receipt string
	ReceiptNumber       string
	ReceiptCancelled    string // "Đã hủy ngày … Lý do: …" for a cancelled receipt
	ReceiptReplaces     string // "Thay thế cho biên lai … ngày …" for a replacement
	// Signature is the receipt's signature check (nil before a receipt is issued).
	Signature *payment.SignatureReport
	// Desk is the request on the accountant's page.
	Desk string
}

// HasRequests reports whether the dossier was ever billed.
func (v paymentView) HasRequests() bool { return len(v.Requests) > 0 }

// Shown reports whether the dossier's page has fees to show: requests or an exemption.
func (v paymentView) Shown() bool { return v.HasRequests() || v.Exemption != nil }

// WithSecret returns the view with its image and receipt links carrying the dossier's
// look-up secret, for the look-up page of someone who is not logged in.
func (v paymentView) WithSecret(secret string) paymentView {
	if secret == "" {
		return v
	}
	out := v
	out.secret = secret
	out.Requests = make([]paymentLine, len(v.Requests))
	q := "?secret=" + url.QueryEscape(secret)
	for i, l := range v.Requests {
		if l.QR != "" {
			l.QR += q
		}
		if l.Receipt != "" {
			l.Receipt += q
		}
		l.Desk = ""
		out.Requests[i] = l
	}
	out.Accountant = false
	return out
}

// paymentSummary is the payment state of dossier d for the caller in ctx.
func (s *Server) paymentSummary(ctx context.Context, d dossier.Dossier) (paymentView, error) {
	var v paymentView
	prs, err := s.Store.PaymentRequestsOfDossier(ctx, d.ID)
	if err != nil {
		return v, err
	}
	p := auth.PrincipalFrom(ctx)
	switch ex, err := s.Payments.Exemption(ctx, d); {
	case err == nil:
		v.Exemption = &ex
	case !errors.Is(err, payment.ErrNoExemption):
		return v, err
	}
	accounts := map[int64]*payment.StoredAccount{}
	for _, pr := range prs {
		acc, ok := accounts[pr.UnitID]
		if !ok {
			a, err := s.Store.PaymentAccount(ctx, pr.UnitID)
			switch {
			case err == nil:
				acc = &a
			case !errors.Is(err, payment.ErrNoAccount):
				return v, err
			}
			accounts[pr.UnitID] = acc
		}
		l := paymentLine{Reference: pr.Reference, State: pr.State, StateLabel: pr.State.Label(), Amount: pr.Amount, Paid: pr.Paid,
			Refunded: pr.Refunded, Outstanding: pr.Outstanding(), Flags: pr.Flags, Reason: pr.Reason, Items: pr.Items,
			AmountWords: locale.MoneyWords(pr.Amount), OutstandingWords: locale.MoneyWords(pr.Outstanding())}
		if pr.Method != "" {
			l.Method = pr.Method.Label()
		}
		if l.Outstanding > 0 && acc != nil {
			l.QR, l.QRFile = "/api/v1/payments/"+pr.Reference+"/qr.png", "VietQR-"+pr.Reference+".png"
			v.AccountName, v.AccountNumber, v.Card = acc.Name, acc.Number, acc.Card
			v.BankName = payment.BankName(acc.BIN)
		}
		if pr.ReceiptID != 0 {
			l.Receipt = httpx.ReceiptPDFPath(pr.ReceiptID)
			if rc, err := s.Store.FeeReceipt(ctx, pr.ReceiptID); err == nil {
				l.ReceiptNumber = rc.Template + " · " + rc.Series + " · số " + rc.NumberText()
				if c := rc.Cancellation; c != nil {
					l.ReceiptCancelled = c.Label()
				}
				if x := rc.Replaces; x != nil {
					l.ReceiptReplaces = x.Words()
				}
				sig, err := s.Payments.CheckReceiptSignature(ctx, rc)
				if err != nil {
					return v, err
				}
				l.Signature = &sig
			} else if !errors.Is(err, payment.ErrReceiptNotFound) {
				return v, err
			}
		}
		if p.Can(pr.UnitID, auth.RoleAccountant) {
			v.Accountant = true
			l.Desk = "/office/payments?date=" + pr.CreatedAt.In(locale.Zone).Format("2006-01-02") + "#yc-" + pr.Reference
		}
		if pr.State == payment.StatePending {
			v.Owed += l.Outstanding
		}
		v.Requests = append(v.Requests, l)
	}
	return v, nil
}
