package api

import (
	"bytes"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/qr"
)

func receiptRoutes(h handlers) []httpx.Route {
	return []httpx.Route{
		// Public: the citizen who owns the dossier, or anyone holding its look-up secret
		// (?secret=, rate-limited with the look-ups), and the officials of its units; the
		// handler decides, and everyone else gets 404.
		{Pattern: "GET /api/v1/receipts/{file}", Access: httpx.Anyone, Handler: h.receiptPDF},
		// The accountant of the collecting unit cancels a receipt issued in error, then
		// issues its replacement (docs/PAYMENTS.md).
		{Pattern: "POST /api/v1/receipts/{id}/actions/cancel", Access: httpx.OnlyRoles(auth.RoleAccountant), Handler: h.cancelReceipt},
		{Pattern: "POST /api/v1/receipts/{id}/actions/replace", Access: httpx.OnlyRoles(auth.RoleAccountant), Handler: h.replaceReceipt},
	}
}

// receiptID reads the {id} of a receipt route; anything but a positive number is a
// receipt that does not exist.
func receiptID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, payment.ErrReceiptNotFound
	}
	return id, nil
}

// cancelReceipt: POST /api/v1/receipts/{id}/actions/cancel {"reason"}.
func (h handlers) cancelReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := receiptID(r)
	if err != nil {
		return err
	}
	var in struct {
		Reason string `json:"reason"`
	}
	if err := httpx.DecodeJSON(w, r, &in, 16<<10); err != nil {
		return err
	}
	rc, err := h.Payments.CancelFeeReceipt(r.Context(), auth.PrincipalFrom(r.Context()), id, in.Reason)
	if err != nil {
		return err
	}
	ref, err := h.receiptRef(r.Context(), rc)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, ref)
}

// replaceReceipt: POST /api/v1/receipts/{id}/actions/replace {"payer": {"name",
// "address", "tax_code"}} (payer optional: the cancelled receipt's).
func (h handlers) replaceReceipt(w http.ResponseWriter, r *http.Request) error {
	id, err := receiptID(r)
	if err != nil {
		return err
	}
	var in struct {
		Payer payment.Party `json:"payer"`
	}
	if err := httpx.DecodeJSON(w, r, &in, 16<<10); err != nil {
		return err
	}
	rc, err := h.Payments.ReplaceFeeReceipt(r.Context(), auth.PrincipalFrom(r.Context()), id, in.Payer)
	if err != nil {
		return err
	}
	ref, err := h.receiptRef(r.Context(), rc)
	if err != nil {
		return err
	}
	w.Header().Set("Location", ref.PDF)
	return httpx.WriteJSON(w, http.StatusCreated, ref)
}

// receiptPDF serves the view of an electronic fee receipt: GET /api/v1/receipts/{id}.pdf.
// The receipt is its signed XML record; the PDF shows the record's content and, when
// the record's signature is valid (Store.CheckReceiptSignature: the collecting unit's
// key, a certificate valid then, a chain to a trust anchor), who signed it, else why
// the signature is not valid.
func (h handlers) receiptPDF(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	idText, ok := strings.CutSuffix(r.PathValue("file"), ".pdf")
	id, err := strconv.ParseInt(idText, 10, 64)
	if !ok || err != nil || id <= 0 {
		return payment.ErrReceiptNotFound
	}
	p := auth.PrincipalFrom(ctx)
	secret := r.URL.Query().Get("secret")
	if p == nil && secret == "" {
		return payment.ErrReceiptNotFound
	}
	if secret != "" && !h.Lookups.Allow(httpx.ClientIP(r, h.TrustProxy)) {
		return errQRLimit
	}
	rc, err := h.Store.FeeReceipt(ctx, id)
	if err != nil {
		return err
	}
	var png []byte
	var certification string
	if rc.DossierCode == "" {
		if certification, err = h.certificationOfReceipt(r, rc); err != nil {
			return err
		}
	} else if png, err = h.dossierReceiptAllowed(r, rc, secret); err != nil {
		return err
	}
	view := forms.FeeReceipt{
		Name: rc.Name, Template: rc.Template, Series: rc.Series, Number: rc.NumberText(), IssuedAt: rc.IssuedAt,
		Collector:   forms.Collector{Name: rc.Collector.Name, TaxCode: rc.Collector.TaxCode, Address: rc.Collector.Address},
		Payer:       forms.Person{Name: rc.Payer.Name, Address: rc.Payer.Address},
		DossierCode: rc.DossierCode, Certification: certification, Reference: rc.Reference, Method: rc.Method.Label(), Total: rc.Total,
		QR: png, Basis: rc.Rules().Basis,
	}
	if c := rc.Cancellation; c != nil {
		view.Cancelled = c.Label()
	}
	if x := rc.Replaces; x != nil {
		view.Replaces = x.Words()
	}
	for _, it := range rc.Items {
		view.Fees = append(view.Fees, forms.Fee{Name: it.Name, Amount: it.Amount})
	}
	sig, err := h.Payments.CheckReceiptSignature(ctx, rc)
	if err != nil {
		return err
	}
	switch {
	case sig.Valid:
		view.Signed = sig.Signer.CommonName
	case sig.Signed:
		view.SignatureProblem = sig.Summary
	}
	var b bytes.Buffer
	if err := view.PDF(&b); err != nil {
		return err
	}
	name := strings.NewReplacer("/", "-").Replace("bien-lai-" + rc.Template + "-" + rc.Series + "-" + rc.NumberText() + ".pdf")
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `inline; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(b.Bytes())
	return err
}

// dossierReceiptAllowed lets the receipt of a dossier's fee be seen by the officials of
// the collecting unit, whoever may open the dossier (dossier.Service.Access), or the
// holder of its look-up secret; it returns the dossier's look-up QR code.
func (h handlers) dossierReceiptAllowed(r *http.Request, rc payment.StoredFeeReceipt, secret string) ([]byte, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	d, err := h.Store.DossierByCode(ctx, rc.DossierCode)
	if errors.Is(err, dossier.ErrNotFound) {
		return nil, payment.ErrReceiptNotFound
	}
	if err != nil {
		return nil, err
	}
	allowed := p.Can(rc.UnitID, auth.OfficeRoles...) || secret != "" && secretMatches(secret, d.Secret)
	if !allowed && p != nil {
		_, err := h.Dossiers.Access(ctx, d, p)
		if err != nil && !errors.Is(err, dossier.ErrNotFound) {
			return nil, err
		}
		allowed = err == nil
	}
	if !allowed {
		return nil, payment.ErrReceiptNotFound
	}
	return qr.PNG(h.lookupURL(r, d.Code, d.Secret), qr.PrintSize)
}

// certificationOfReceipt lets the receipt of a certification's fee (no dossier, no
// look-up secret) be seen by the register's readers of the collecting unit
// (certify.ReadRoles), and names the certification it is for.
func (h handlers) certificationOfReceipt(r *http.Request, rc payment.StoredFeeReceipt) (string, error) {
	ctx := r.Context()
	if !auth.PrincipalFrom(ctx).Can(rc.UnitID, certify.ReadRoles...) {
		return "", payment.ErrReceiptNotFound
	}
	pr, err := h.Store.PaymentRequest(ctx, rc.RequestID)
	if err != nil {
		return "", err
	}
	if pr.CertificationID == 0 {
		return "", payment.ErrReceiptNotFound
	}
	e, err := h.Store.Certification(ctx, pr.CertificationID)
	if err != nil {
		return "", err
	}
	return "Số " + strconv.Itoa(e.Number) + ", quyển số " + e.Book + " (" + e.Kind.Label() + ")", nil
}
