package dossierfile

import (
	"context"

	"github.com/xaso-vn/xaso/internal/dossier"
)

// Registered is what the register of documents xaso signed says of a file's bytes (its
// blob key is their SHA-256).
type Registered struct {
	Signed bool // xaso signed these bytes (a result or form in the register)
	Latest bool // and no later signed version of the same document exists
}

// ApplicantSees reports, for each file of d, whether its applicant sees it: every paper,
// and of the results only the final ones — never a draft the leader has yet to sign, nor
// a version superseded by a later signature (the leader's before the clerk's seal).
//
// No result shows before the dossier has its result (resolved or returned): until then
// every result file is work in progress. Then the final results are those xaso signed
// whose version is the latest, and those issued by another system (with their number);
// when there is none, a result uploaded as it is (a paper result scanned, a PDF signed
// elsewhere) is the final one.
func ApplicantSees(d dossier.Dossier, files []dossier.File, reg map[string]Registered) []bool {
	final := func(f dossier.File) bool {
		r := reg[f.BlobKey]
		return r.Signed && r.Latest || f.ResultNumber != ""
	}
	anyFinal := false
	for _, f := range files {
		if f.Kind == KindResult && final(f) {
			anyFinal = true
		}
	}
	resolved := d.Status == dossier.StatusResolved || d.Status == dossier.StatusReturned
	out := make([]bool, len(files))
	for i, f := range files {
		switch {
		case f.Kind != KindResult:
			out[i] = true
		case !resolved:
		case anyFinal:
			out[i] = final(f)
		default:
			out[i] = !reg[f.BlobKey].Signed
		}
	}
	return out
}

// OwnedResult is a result file of a dossier a citizen owns, with the dossier's code,
// procedure and state and what the register knows of the file.
type OwnedResult struct {
	File          dossier.File
	DossierCode   string
	ProcedureName string
	Status        dossier.Status
	Reg           Registered
}

// OwnerResults lists the results a citizen may download from "Hồ sơ của tôi": of each
// of their dossiers with its result, the final result files only (ApplicantSees), the
// latest dossier first, in one query.
func (s *Service) OwnerResults(ctx context.Context, ownerID int64, limit int) ([]OwnedResult, error) {
	rows, err := s.Store.OwnerResultFiles(ctx, ownerID, limit)
	if err != nil {
		return nil, err
	}
	var out []OwnedResult
	for start := 0; start < len(rows); {
		end := start
		for end < len(rows) && rows[end].File.DossierID == rows[start].File.DossierID {
			end++
		}
		group := rows[start:end]
		files := make([]dossier.File, len(group))
		reg := map[string]Registered{}
		for i, o := range group {
			files[i] = o.File
			if o.Reg.Signed {
				reg[o.File.BlobKey] = o.Reg
			}
		}
		sees := ApplicantSees(dossier.Dossier{Status: group[0].Status}, files, reg)
		for i, o := range group {
			if sees[i] {
				out = append(out, o)
			}
		}
		start = end
	}
	return out, nil
}
