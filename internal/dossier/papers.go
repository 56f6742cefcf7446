package dossier

import (
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/catalog"
	"golang.org/x/text/unicode/norm"
)

// PaperForm is the form in which a paper was handed in (hình thức): what the officer
// saw, not what the catalog allows.
type PaperForm string

const (
	PaperOriginal      PaperForm = "original"       // bản chính
	PaperCopy          PaperForm = "copy"           // bản sao, bản chụp
	PaperCertifiedCopy PaperForm = "certified_copy" // bản sao có chứng thực (hoặc cấp từ sổ gốc)
)

// PaperForms lists every form, in the order the intake page offers them.
var PaperForms = []PaperForm{PaperOriginal, PaperCopy, PaperCertifiedCopy}

var paperFormLabels = map[PaperForm]string{
	PaperOriginal:      "Bản chính",
	PaperCopy:          "Bản sao",
	PaperCertifiedCopy: "Bản sao có chứng thực",
}

// Label is the Vietnamese name of the form, as form 01 prints it.
func (f PaperForm) Label() string { return paperFormLabels[f] }

// DefaultForm is the form the intake page proposes for a catalog paper: what the
// catalog asks for, an original when it takes either.
func DefaultForm(f catalog.PaperForm) PaperForm {
	if f == catalog.PaperCopy {
		return PaperCopy
	}
	return PaperOriginal
}

// Paper is one paper received with a dossier (thành phần hồ sơ đã nhận): the catalog
// paper's name, the form it came in and how many. Form 01 lists exactly these.
type Paper struct {
	Name  string    `json:"name"`
	Form  PaperForm `json:"form"`
	Count int       `json:"count"`
}

// MaxPaperCount bounds the count of one paper: more is a typing mistake.
const MaxPaperCount = 100

// ErrPapers is the code of an intake whose only problems are in its list of papers.
var ErrPapers = apperr.New(apperr.Invalid, "invalid_papers",
	"Danh sách giấy tờ đã nhận chưa hợp lệ: mỗi giấy tờ phải thuộc thủ tục, ghi một lần, hình thức là bản chính, bản sao hoặc bản sao có chứng thực, số lượng từ 1 đến 100.")

// checkPapers normalises the papers received and reports each problem under
// "papers[i].name", "papers[i].form" or "papers[i].count". A paper must be one of the
// procedure's (its name as the catalog writes it, spaces and Unicode forms aside), at
// most once. Completeness is the officer's judgement (a paper the catalog calls required
// may be shown rather than handed in), so none is demanded.
func checkPapers(p catalog.Procedure, in []Paper, bad map[string]string) []Paper {
	if len(in) == 0 {
		return nil
	}
	if len(in) > len(p.Papers) {
		bad["papers"] = fmt.Sprintf("thủ tục chỉ có %d thành phần hồ sơ", len(p.Papers))
		return nil
	}
	names := make(map[string]string, len(p.Papers))
	for _, cp := range p.Papers {
		names[paperKey(cp.Name)] = cp.Name
	}
	seen := map[string]bool{}
	out := make([]Paper, 0, len(in))
	for i, pp := range in {
		at := fmt.Sprintf("papers[%d].", i)
		key := paperKey(pp.Name)
		name, ok := names[key]
		switch {
		case !ok:
			bad[at+"name"] = "thủ tục này không có giấy tờ này trong thành phần hồ sơ"
		case seen[key]:
			bad[at+"name"] = "giấy tờ này đã ghi ở dòng trên"
		}
		seen[key] = true
		if _, ok := paperFormLabels[pp.Form]; !ok {
			bad[at+"form"] = "hình thức phải là original (bản chính), copy (bản sao) hoặc certified_copy (bản sao có chứng thực)"
		}
		if pp.Count < 1 || pp.Count > MaxPaperCount {
			bad[at+"count"] = fmt.Sprintf("số lượng phải từ 1 đến %d", MaxPaperCount)
		}
		out = append(out, Paper{Name: name, Form: pp.Form, Count: pp.Count})
	}
	return out
}

func paperKey(s string) string { return strings.Join(strings.Fields(norm.NFC.String(s)), " ") }

// onlyPapers reports whether every problem is in the list of papers.
func onlyPapers(bad map[string]string) bool {
	for k := range bad {
		if !strings.HasPrefix(k, "papers") {
			return false
		}
	}
	return len(bad) > 0
}

// Letter is an official letter a dossier's transition issued (form 04), numbered in the
// issuing unit's outgoing register (sổ văn bản đi): "05/UBND-VP".
type Letter struct {
	Form     string // "04"
	Number   int64
	Notation string
	IssuedAt time.Time
}

// Paperwork is what a dossier's printed forms record beyond its row: the papers
// received, its line in the register of dossiers (form 07; one book a year per
// receiving unit) and the letters issued.
type Paperwork struct {
	Papers       []Paper
	RegisterYear int   // 0 when not registered (imported dossiers, online ones not yet received)
	RegisterLine int64 // line in that year's book
	Letters      []Letter
}

// Letter returns the letter of form number, if one was issued.
func (p Paperwork) Letter(form string) (Letter, bool) {
	for _, l := range p.Letters {
		if l.Form == form {
			return l, true
		}
	}
	return Letter{}, false
}
