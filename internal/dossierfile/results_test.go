package dossierfile

import (
	"fmt"
	"testing"

	"github.com/xaso-vn/xaso/internal/dossier"
)

// TestApplicantSees: the applicant sees every paper and only the final results.
func TestApplicantSees(t *testing.T) {
	paper := dossier.File{Kind: KindPaper, BlobKey: "p"}
	draft := dossier.File{Kind: KindResult, BlobKey: "draft"}
	leader := dossier.File{Kind: KindResult, BlobKey: "v1"}
	sealed := dossier.File{Kind: KindResult, BlobKey: "v2"}
	external := dossier.File{Kind: KindResult, BlobKey: "ext", ResultNumber: "123"}
	reg := map[string]Registered{"v1": {Signed: true}, "v2": {Signed: true, Latest: true}}
	onlyLeader := map[string]Registered{"v1": {Signed: true, Latest: true}}
	processing := dossier.Dossier{Status: dossier.StatusProcessing}
	resolved := dossier.Dossier{Status: dossier.StatusResolved}
	returned := dossier.Dossier{Status: dossier.StatusReturned}
	for _, tc := range []struct {
		name  string
		d     dossier.Dossier
		files []dossier.File
		reg   map[string]Registered
		want  []bool
	}{
		{"a draft while processing", processing, []dossier.File{paper, draft}, nil, []bool{true, false}},
		{"nothing while processing, signed or not", processing, []dossier.File{paper, draft, leader}, onlyLeader, []bool{true, false, false}},
		{"the leader's signature once resolved, the draft not", resolved, []dossier.File{paper, draft, leader}, onlyLeader, []bool{true, false, true}},
		{"sealed: only the last version", resolved, []dossier.File{draft, leader, sealed}, reg, []bool{false, false, true}},
		{"issued elsewhere beside a draft", resolved, []dossier.File{draft, external}, nil, []bool{false, true}},
		{"a scanned result once resolved", resolved, []dossier.File{draft}, nil, []bool{true}},
		{"a scanned result once returned", returned, []dossier.File{paper, draft}, nil, []bool{true, true}},
		{"a superseded version alone never shows", resolved, []dossier.File{leader}, reg, []bool{false}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ApplicantSees(tc.d, tc.files, tc.reg); fmt.Sprint(got) != fmt.Sprint(tc.want) {
				t.Errorf("ApplicantSees = %v, want %v", got, tc.want)
			}
		})
	}
}
