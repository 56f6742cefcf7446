package payment

import "strings"

// Outcome is what a bank notification turned out to be.
type Outcome string

const (
	// MatchExact: the reference names a pending request and the amount is what it
	// still expects. Applied: the request becomes paid.
	MatchExact Outcome = "exact"
	// MatchPartial: less than expected. Applied and flagged: the request stays pending
	// with the Partial flag, and the portal's QR code asks for the rest.
	MatchPartial Outcome = "partial"
	// MatchOver: more than expected, or a payment for a request already paid. Applied
	// and flagged: the request is paid with the Over flag; the excess is owed back.
	MatchOver Outcome = "over"
	// MatchUnknownReference: no reference in the description, or none that is exactly a
	// candidate's. Not applied: an unmatched transfer for the accountant, with
	// suggestions when a candidate looks close.
	MatchUnknownReference Outcome = "unknown_reference"
	// MatchAmbiguous: the description names several requests. Not applied.
	MatchAmbiguous Outcome = "ambiguous"
	// MatchClosed: the reference names a cancelled or refunded request. Not applied.
	MatchClosed Outcome = "closed"
	// MatchWrongAccount: the transfer went to another account than the unit's
	// collection account. Not applied.
	MatchWrongAccount Outcome = "wrong_account"
)

var outcomeLabels = map[Outcome]string{
	MatchExact:            "Khớp đúng số tiền",
	MatchPartial:          "Nộp thiếu",
	MatchOver:             "Nộp thừa",
	MatchUnknownReference: "Không xác định được yêu cầu thanh toán",
	MatchAmbiguous:        "Nội dung chuyển khoản ghi nhiều yêu cầu",
	MatchClosed:           "Yêu cầu đã hủy hoặc đã hoàn tiền",
	MatchWrongAccount:     "Sai tài khoản nhận",
}

// Label is the Vietnamese name of the outcome.
func (o Outcome) Label() string { return outcomeLabels[o] }

// Applies reports whether the notification is recorded as a payment of the request
// (Request.Confirm with Notification.Payment). Partial and over-payments are recorded,
// because the money is in the account, and flagged; every other outcome leaves the
// requests alone and the transfer unmatched until the accountant decides.
func (o Outcome) Applies() bool { return o == MatchExact || o == MatchPartial || o == MatchOver }

// Flagged reports whether the accountant must look at it.
func (o Outcome) Flagged() bool { return o != MatchExact }

// MatchResult is what Match found.
type MatchResult struct {
	Outcome Outcome `json:"outcome"`
	// Index is the matched candidate's position in the list Match was given, -1 when
	// none; RequestID is its ID.
	Index     int   `json:"-"`
	RequestID int64 `json:"request_id,omitempty"`
	// Reference is the reference the description named ("" when it named none).
	Reference string `json:"reference,omitempty"`
	// Amount is the transfer's; Expected what the matched request still expected.
	Amount   int64 `json:"amount"`
	Expected int64 `json:"expected"`
	// Suggestions are the IDs of candidates the payer may have meant, for an unknown
	// reference: a reference one or two characters away from the one written or with the
	// same date and sequence, or the dossier code written instead of the reference.
	Suggestions []int64 `json:"suggestions,omitempty"`
}

// Match finds the payment request a verified notification pays. account is the unit's
// collection account (the webhook's secret is the unit's, so the unit is known);
// candidates are the unit's requests that could be meant: storage passes its pending
// requests and any request whose reference FindReferences sees in the description.
//
// Match never applies a mismatch silently: a transfer is tied to a request only by a
// reference exactly equal to the request's, to the unit's own account, and the amount
// is compared with what the request still expects.
func Match(n Notification, account Account, candidates []Request) MatchResult {
	res := MatchResult{Index: -1, Amount: n.Amount}
	if !account.Receives(n.BankBIN, n.Account) {
		res.Outcome = MatchWrongAccount
		return res
	}
	refs := FindReferences(n.Description)
	for _, ref := range refs {
		for i, c := range candidates {
			if c.Reference != ref || (res.Index >= 0 && c.ID != 0 && c.ID == res.RequestID) {
				continue // storage may list a request twice: as pending and as named
			}
			if res.Index >= 0 {
				return MatchResult{Outcome: MatchAmbiguous, Index: -1, Amount: n.Amount, Reference: res.Reference}
			}
			res.Index, res.RequestID, res.Reference = i, c.ID, ref
		}
	}
	if res.Index < 0 {
		res.Outcome = MatchUnknownReference
		if len(refs) > 0 {
			res.Reference = refs[0]
		}
		res.Suggestions = suggest(n.Description, refs, candidates)
		return res
	}
	r := candidates[res.Index]
	res.Expected = r.Outstanding()
	switch {
	case r.State == StateCancelled || r.State == StateRefunded:
		res.Outcome = MatchClosed
	case r.State == StatePaid || n.Amount > res.Expected:
		res.Outcome = MatchOver
	case n.Amount < res.Expected:
		res.Outcome = MatchPartial
	default:
		res.Outcome = MatchExact
	}
	return res
}

// suggest lists the pending candidates whose reference is close to one found, or whose
// dossier code appears in the description (compared on letters and digits only).
func suggest(description string, refs []string, candidates []Request) []int64 {
	text := compact(description)
	var out []int64
	for _, c := range candidates {
		if c.State != StatePending {
			continue
		}
		near := false
		for _, ref := range refs {
			// Two characters off, or the same date and sequence: the same dossier under
			// another ordinal, such as the QR code of a replaced request.
			near = near || hamming(ref, c.Reference) <= 2 || len(c.Reference) == ReferenceLength && ref[:12] == c.Reference[:12]
		}
		if code := compact(c.DossierCode); code != "" && strings.Contains(text, code) {
			near = true
		}
		if near {
			out = append(out, c.ID)
		}
	}
	return out
}

// hamming counts the positions where a and b differ; strings of different lengths
// are as far apart as can be.
func hamming(a, b string) int {
	if len(a) != len(b) {
		return len(a) + len(b)
	}
	d := 0
	for i := range len(a) {
		if a[i] != b[i] {
			d++
		}
	}
	return d
}
