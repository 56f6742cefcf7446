package dossierfile

import "github.com/xaso-vn/xaso/internal/dossier"

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
