package web

import (
	"cmp"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The counter intake page's procedure picker and papers checklist (issues 16 and 17):
// a GET search over the unit's catalog, folded ("ho tich" finds "hộ tịch"), the most
// used procedures first; then every paper of the chosen procedure with a box to tick,
// its form and its count, so that form 01 lists what was actually received.

// pickedProcedure is one procedure the picker offers.
type pickedProcedure struct {
	Code, Name, Field, LegalTime, URL string
	Used                              int64 // dossiers received in the last twelve months
}

// procedurePicker is what the picker shows: the search and its results.
type procedurePicker struct {
	Q        string
	Results  []pickedProcedure // the search's matches, or the most used when nothing was searched
	Searched bool
	More     int // matches beyond those shown
}

// pickerShown is how many procedures the picker lists.
const pickerShown = 12

// pick searches the unit's catalog for q and orders the matches by use over the last
// twelve months, most used first, then as the catalog orders them.
func (s *Server) pick(r *http.Request, u unit.Unit, q string, all []store.StoredProcedure) (procedurePicker, error) {
	pk := procedurePicker{Q: q, Searched: strings.TrimSpace(q) != ""}
	matches := all
	if pk.Searched {
		var err error
		if matches, _, err = s.Store.Procedures(r.Context(), u.ID, store.ProcedureQuery{Text: q, Limit: 500}); err != nil {
			return pk, err
		}
	}
	since := time.Now().In(locale.Zone).AddDate(-1, 0, 0).Format("2006-01")
	use, err := s.Store.ProcedureUse(r.Context(), u.ID, since)
	if err != nil {
		return pk, err
	}
	items := make([]pickedProcedure, 0, len(matches))
	for _, p := range matches {
		v := url.Values{"procedure": {p.Code}}
		if code := r.URL.Query().Get("unit"); code != "" {
			v.Set("unit", code)
		}
		if pk.Searched {
			v.Set("q", q)
		}
		items = append(items, pickedProcedure{Code: p.Code, Name: p.Name, Field: p.Field.Name, LegalTime: p.LegalTime.Words(p.CutOff),
			URL: "/office/receive?" + v.Encode(), Used: use[p.Code]})
	}
	slices.SortStableFunc(items, func(a, b pickedProcedure) int { return cmp.Compare(b.Used, a.Used) })
	if !pk.Searched {
		// Without a search, only those the desk actually receives are worth a shortcut.
		items = slices.DeleteFunc(items, func(p pickedProcedure) bool { return p.Used == 0 })
	}
	if len(items) > pickerShown {
		pk.More, items = len(items)-pickerShown, items[:pickerShown]
	}
	pk.Results = items
	return pk, nil
}

// paperCheck is one paper of the procedure on the checklist.
type paperCheck struct {
	Index       int
	ID          string // "paper-2"
	Name        string
	Conditional bool // not required: unticked unless the officer ticks it
	Taken       bool
	Form        string
	Count       string
	Forms       []option
	Error       string
}

// DescribedBy is the id of the row's error, for aria-describedby.
func (p paperCheck) DescribedBy() string {
	if p.Error != "" {
		return p.ID + "-error"
	}
	return ""
}

var paperFormOptions = optionsOf(dossier.PaperForms, dossier.PaperForm.Label)

// paperChecks draws the checklist: as first shown (required papers ticked, the
// catalog's form and quantity), or as posted (posted non-nil).
func paperChecks(p catalog.Procedure, posted formValues) []paperCheck {
	out := make([]paperCheck, len(p.Papers))
	for i, cp := range p.Papers {
		c := paperCheck{Index: i, ID: "paper-" + strconv.Itoa(i), Name: cp.Name, Conditional: !cp.Required, Forms: paperFormOptions}
		if posted == nil {
			c.Taken, c.Form, c.Count = cp.Required, string(dossier.DefaultForm(cp.Form)), strconv.Itoa(max(cp.Quantity, 1))
		} else {
			key := "paper." + strconv.Itoa(i)
			c.Taken, c.Form, c.Count = posted[key] != "", posted[key+".form"], posted[key+".count"]
		}
		out[i] = c
	}
	return out
}

// readPapers takes the ticked papers from the posted form, in the catalog's order, and
// keeps the posted values (for the hash and for drawing the form again). at maps a
// position in the list to the paper's index in the catalog.
func readPapers(r *http.Request, p catalog.Procedure, v formValues) (papers []dossier.Paper, at []int) {
	for i, cp := range p.Papers {
		key := "paper." + strconv.Itoa(i)
		taken := r.PostFormValue(key) != ""
		form, count := r.PostFormValue(key+".form"), strings.TrimSpace(r.PostFormValue(key+".count"))
		if taken {
			v[key] = "1"
		}
		v[key+".form"], v[key+".count"] = form, count
		if !taken {
			continue
		}
		n, err := strconv.Atoi(count)
		if err != nil {
			n = 0 // not a number: refused with the count's message
		}
		papers = append(papers, dossier.Paper{Name: cp.Name, Form: dossier.PaperForm(form), Count: n})
		at = append(at, i)
	}
	return papers, at
}

var paperErrRE = regexp.MustCompile(`^papers\[(\d+)\]\.(name|form|count)$`)

// paperErrors moves the problems of the papers out of errs onto their rows of the
// checklist (errs' keys name positions in the list sent, at maps them back), and
// returns the summary's links to them.
func paperErrors(errs map[string]string, at []int, checks []paperCheck) []errorLink {
	var links []errorLink
	for k, msg := range errs {
		if k == "papers" {
			links = append(links, errorLink{"", "Giấy tờ đã nhận", msg})
			delete(errs, k)
			continue
		}
		m := paperErrRE.FindStringSubmatch(k)
		if m == nil {
			continue
		}
		delete(errs, k)
		pos, _ := strconv.Atoi(m[1])
		if pos >= len(at) {
			continue
		}
		c := &checks[at[pos]]
		c.Error = strings.TrimSpace(c.Error + " " + msg)
		links = append(links, errorLink{c.ID, fmt.Sprintf("Giấy tờ %d", at[pos]+1), msg})
	}
	slices.SortFunc(links, func(a, b errorLink) int { return cmp.Compare(a.ID, b.ID) })
	return links
}
