package store

import (
	"context"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// SearchDossiers finds dossiers for dossier.Service.Search: the filter's scope is split
// into disjoint branches (the dossiers an official's units decide; those they received
// for another unit; a citizen's own; those a volunteer filed), each walked newest first
// on its own index (migration dossier_search). A first page reads the keys (id, filing
// time) of every match, up to dossier.SearchCountCap + 1, in one pass: their number is
// the count, the first of them the page — a rare name is looked for once, not once to
// count and once to show. A following page (a cursor) reads only down to its size from
// each branch. The page's rows are then read whole.
func (s *Store) SearchDossiers(ctx context.Context, f dossier.SearchFilter) ([]dossier.Dossier, int, bool, error) {
	if !f.Scope.All && len(f.Scope.Units) == 0 && f.Scope.OwnerID == 0 && (f.Scope.AssistedBy == 0 || len(f.Scope.AssistUnits) == 0) {
		return nil, 0, false, nil
	}
	total, capped := -1, false
	limit := f.Limit
	if f.After == nil {
		limit = dossier.SearchCountCap + 1
	}
	keysSQL, keysArgs := searchSQL(f, limit)
	rows, err := s.r.QueryContext(ctx, keysSQL, keysArgs...)
	if err != nil {
		return nil, 0, false, mapErr(err)
	}
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return nil, 0, false, err
		}
		ids = append(ids, id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, false, mapErr(err)
	}
	if f.After == nil { // the following pages carry this count
		total = len(ids)
		if capped = total > dossier.SearchCountCap; capped {
			total = dossier.SearchCountCap
		}
	}
	ids = ids[:min(len(ids), f.Limit)]
	if len(ids) == 0 {
		return nil, total, capped, nil
	}
	ps := make([]string, len(ids))
	args := make([]any, len(ids))
	for i, id := range ids {
		ps[i], args[i] = "$"+strconv.Itoa(i+1), id
	}
	rows, err = s.r.QueryContext(ctx, `SELECT `+dossierCols+` FROM dossiers d WHERE d.id IN (`+strings.Join(ps, ", ")+`)
		ORDER BY d.submitted_at DESC, d.id DESC`, args...)
	if err != nil {
		return nil, 0, false, mapErr(err)
	}
	defer rows.Close()
	var out []dossier.Dossier
	for rows.Next() {
		d, err := scanDossier(rows)
		if err != nil {
			return nil, 0, false, err
		}
		out = append(out, d)
	}
	return out, total, capped, mapErr(rows.Err())
}

// searchSQL writes the query of a search's keys, newest first, at most limit.
func searchSQL(f dossier.SearchFilter, limit int) (string, []any) {
	var args []any
	arg := func(v any) string { args = append(args, v); return "$" + strconv.Itoa(len(args)) }
	list := func(ids []int64) string {
		ps := make([]string, len(ids))
		for i, id := range ids {
			ps[i] = arg(id)
		}
		return "(" + strings.Join(ps, ", ") + ")"
	}

	var branches [][]string
	sc := f.Scope
	if sc.All {
		branches = append(branches, nil)
	}
	if len(sc.Units) > 0 {
		us := list(sc.Units)
		// A number is found through its own index (a handful of rows), then kept if it
		// is the unit's: the unary + tells SQLite not to walk the unit's index instead.
		plus := ""
		if len(f.Numbers) > 0 {
			plus = "+"
		}
		branches = append(branches,
			[]string{plus + "d.competent_unit_id IN " + us},
			[]string{plus + "d.receiving_unit_id IN " + us, "d.competent_unit_id NOT IN " + us})
	}
	if sc.OwnerID != 0 {
		branches = append(branches, []string{"d.owner_id = " + arg(sc.OwnerID)})
	}
	if sc.AssistedBy != 0 && len(sc.AssistUnits) > 0 {
		b := []string{"d.assisted_by = " + arg(sc.AssistedBy), "d.channel = " + arg(dossier.ChannelAssisted),
			"d.receiving_unit_id IN " + list(sc.AssistUnits), "d.owner_id IS NOT NULL",
			"EXISTS (SELECT 1 FROM consents c WHERE c.id = d.consent_id AND c.revoked_at IS NULL)"}
		if sc.OwnerID != 0 {
			b = append(b, "d.owner_id <> "+arg(sc.OwnerID)) // disjoint from the owner's branch
		}
		branches = append(branches, b)
	}

	common := []string{"1 = 1"}
	for _, w := range f.Words {
		// A word of the name begins with w: the column holds the folded name after a
		// space (searchName), words separated by one space, so it holds " " + w.
		common = append(common, "d.applicant_fold LIKE "+arg("% "+w+"%"))
	}
	switch {
	case len(f.Numbers) > 0:
		ns := make([]string, len(f.Numbers))
		for i, n := range f.Numbers {
			ns[i] = arg(n)
		}
		in := "(" + strings.Join(ns, ", ") + ")"
		common = append(common, "(d.applicant_id IN "+in+" OR d.applicant_phone IN "+in+")")
	case f.Code != "" && !strings.Contains(f.Code, "-"):
		common = append(common, "d.code LIKE "+arg("%-"+f.Code)) // a code's sequence
	case f.Code != "":
		common = append(common, "(d.code = "+arg(f.Code)+" OR d.code LIKE "+arg("%"+f.Code)+")")
	}
	if f.ProcedureCode != "" {
		common = append(common, "d.procedure_code = "+arg(f.ProcedureCode))
	}
	if len(f.Statuses) > 0 {
		ps := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			ps[i] = arg(st)
		}
		common = append(common, "d.status IN ("+strings.Join(ps, ", ")+")")
	}
	if f.Channel != "" {
		common = append(common, "d.channel = "+arg(f.Channel))
	}
	if !f.FromAt.IsZero() {
		common = append(common, "d.submitted_at >= "+arg(utc(f.FromAt)))
	}
	if !f.ToAt.IsZero() {
		common = append(common, "d.submitted_at < "+arg(utc(f.ToAt)))
	}
	if f.After != nil {
		t := arg(utc(f.After.SubmittedAt))
		common = append(common, "(d.submitted_at < "+t+" OR (d.submitted_at = "+t+" AND d.id < "+arg(f.After.ID)+"))")
	}
	where := func(branch []string) string {
		return strings.Join(append(append([]string{}, branch...), common...), " AND ")
	}
	lim := arg(limit)
	var parts []string
	for i, b := range branches {
		parts = append(parts, `SELECT * FROM (SELECT d.id, d.submitted_at FROM dossiers d WHERE `+where(b)+
			` ORDER BY d.submitted_at DESC, d.id DESC LIMIT `+lim+`) b`+strconv.Itoa(i))
	}
	return `SELECT k.id FROM (` + strings.Join(parts, " UNION ALL ") + `) k ORDER BY k.submitted_at DESC, k.id DESC LIMIT ` + lim, args
}

// searchName is what dossiers.applicant_fold holds: the applicant's name folded
// (catalog.Fold) after one space, so that every word of it, the first included, follows
// a space, and a word's beginning is found by LIKE '% word%' without building a string
// for each row.
func searchName(name string) string { return " " + catalog.Fold(name) }
