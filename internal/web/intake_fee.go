package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// The fees of a counter intake: how many copies are asked for (a fee charged per copy is
// multiplied by it) and an exemption with its legal ground. The filing bills the dossier
// in its own transaction (dossier.Service.Fees); these are the terms it bills by.

// feeFields is the fee section of the counter intake form (nil for a procedure without a
// fee).
type feeFields struct {
	Fees   []string // what the procedure charges, as the catalog page writes it
	Copies *inputField
	Exempt bool
	Ground inputField
}

// feeFieldNames are the fee answers' names, as dossier.FieldError calls them.
const (
	feeCopies = "fee.copies"
	feeExempt = "fee.exempt"
	feeGround = "fee.exemption_ground"
)

// charges reports whether p has a fee that is not zero at the counter.
func charges(p catalog.Procedure) bool {
	for _, f := range p.Fees {
		if f.Amount > 0 {
			return true
		}
	}
	return false
}

// perCopy reports whether p has a fee charged per copy.
func perCopy(p catalog.Procedure) bool {
	for _, f := range p.Fees {
		if f.Amount > 0 && f.PerCopy() {
			return true
		}
	}
	return false
}

// readFee adds the posted fee answers to v (they join the idempotency hash).
func (v formValues) readFee(r *http.Request) {
	v[feeCopies] = strings.TrimSpace(r.PostFormValue(feeCopies))
	if r.PostFormValue(feeExempt) != "" {
		v[feeExempt] = "1"
	}
	v[feeGround] = strings.TrimSpace(r.PostFormValue(feeGround))
}

// feeTerms reads the fee answers; copies that are not a number are refused at the field
// (errs gets the message).
func (v formValues) feeTerms() (dossier.FeeTerms, map[string]string) {
	t := dossier.FeeTerms{Exempt: v[feeExempt] != "", ExemptionGround: v[feeGround]}
	if c := v[feeCopies]; c != "" {
		n, err := strconv.Atoi(c)
		if err != nil || n < 1 {
			return t, map[string]string{feeCopies: "Số bản sao là một số từ 1 đến 100."}
		}
		t.Copies = n
	}
	return t, nil
}

// buildFee draws the fee section with the values and errors of a previous attempt, and
// takes its errors out of errs (they are drawn here, not in the summary's leftovers).
func buildFee(p catalog.Procedure, v formValues, errs map[string]string) (*feeFields, []errorLink) {
	if !charges(p) {
		return nil, nil
	}
	f := &feeFields{Exempt: v[feeExempt] != ""}
	for _, fee := range p.Fees {
		if fee.Amount > 0 {
			f.Fees = append(f.Fees, fee.Name+": "+feeAmount(fee.Amount, fee.Per))
		}
	}
	var links []errorLink
	if perCopy(p) {
		c := newInput(feeCopies, "Số bản sao yêu cầu", catalog.FieldNumber, false, "Phí tính theo bản: để trống là 1 bản.", 3, nil)
		c.InputMode = "numeric"
		c.Value, c.Error = v[feeCopies], errs[feeCopies]
		if c.Error != "" {
			links = append(links, errorLink{c.ID, c.Label, c.Error})
		}
		f.Copies = &c
	}
	f.Ground = newInput(feeGround, "Căn cứ miễn phí, lệ phí", catalog.FieldText, false,
		"Chỉ ghi khi miễn: văn bản, điều, khoản cho miễn (ví dụ: người thuộc hộ nghèo, Thông tư 281/2016/TT-BTC).", 500, nil)
	f.Ground.Value, f.Ground.Error = v[feeGround], errs[feeGround]
	if f.Ground.Error != "" {
		links = append(links, errorLink{f.Ground.ID, f.Ground.Label, f.Ground.Error})
	}
	delete(errs, feeCopies)
	delete(errs, feeGround)
	return f, links
}
