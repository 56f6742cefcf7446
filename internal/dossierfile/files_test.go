package dossierfile

import (
	"errors"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/attach"
	"github.com/xaso-vn/xaso/internal/dossier"
)

func TestInlineAllowed(t *testing.T) {
	for _, c := range []struct {
		ct     string
		active bool
		want   bool
	}{
		{attach.PDF, false, true}, {attach.JPEG, false, true}, {attach.PNG, false, true},
		{attach.PDF, true, false}, // JavaScript or /OpenAction: only downloaded
		{"text/html", false, false}, {"application/octet-stream", false, false}, {"image/svg+xml", false, false}, {"", false, false},
	} {
		if got := inlineAllowed(c.ct, c.active); got != c.want {
			t.Errorf("inlineAllowed(%q, %v) = %v", c.ct, c.active, got)
		}
	}
}

// TestCheck: who may add which kind of file to a dossier in which state, and what an
// upload's kind, names and result number become, before anything is stored.
func TestCheck(t *testing.T) {
	pdf := attach.File{ContentType: attach.PDF, Data: []byte("%PDF-1.4\n%%EOF\n")}
	for _, c := range []struct {
		name     string
		status   dossier.Status
		official bool
		u        Upload
		kind     string // the kind settled, when accepted
		err      error
	}{
		{"the owner's paper, online", dossier.StatusSubmitted, false, Upload{}, KindPaper, nil},
		{"the owner's supplement", dossier.StatusSupplementRequested, false, Upload{}, KindSupplement, nil},
		{"the owner's paper once received", dossier.StatusReceived, false, Upload{}, "", dossier.ErrNoSupplementAsked},
		{"the owner's result", dossier.StatusSubmitted, false, Upload{Kind: KindResult}, "", apperr.ErrForbidden},
		{"an official's paper while processing", dossier.StatusProcessing, true, Upload{}, KindPaper, nil},
		{"an official's result", dossier.StatusResolved, true, Upload{Kind: KindResult, ResultNumber: "15"}, KindResult, nil},
		{"a file for an ended dossier", dossier.StatusReturned, true, Upload{}, "", dossier.ErrClosed},
		{"a kind that is none", dossier.StatusProcessing, true, Upload{Kind: "letter"}, "", errFileKind},
		{"a paper with a result's number", dossier.StatusProcessing, true, Upload{ResultBook: "01"}, "", errResultNumberKind},
		{"a result's number too long", dossier.StatusProcessing, true, Upload{Kind: KindResult, ResultIssuer: strings.Repeat("x", 201)}, "", errResultNumberLength},
		{"a name too long", dossier.StatusProcessing, true, Upload{Name: strings.Repeat("x", 201)}, "", errFileName},
	} {
		c.u.File, c.u.FileName = pdf, `C:\giay to\to khai.PDF`
		got, err := check(dossier.Dossier{Status: c.status}, c.official, c.u)
		if !errors.Is(err, c.err) {
			t.Errorf("%s: err %v, want %v", c.name, err, c.err)
			continue
		}
		if err == nil && (got.Kind != c.kind || got.FileName != "to khai.pdf" || got.Name == "") {
			t.Errorf("%s: settled as %q %q %q", c.name, got.Kind, got.FileName, got.Name)
		}
	}
}
