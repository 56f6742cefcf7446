package signing

import (
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo/democa"
)

// TestSignedBy: the line a person checking a document reads, with the position from the
// certificate's title or organisation, and the time in Vietnam as hh:mm dd/mm/yyyy.
func TestSignedBy(t *testing.T) {
	hcm := time.FixedZone("ICT", 7*3600)
	at := time.Date(2026, 12, 7, 17, 5, 0, 0, time.UTC) // 00:05 on the 8th in Vietnam
	for _, tc := range []struct {
		name   string
		signer *CertificateInfo
		at     *time.Time
		want   string
	}{
		{"title naming the organisation", &CertificateInfo{CommonName: "Nguyễn Văn Dũng", Title: "Chủ tịch Ủy ban nhân dân xã Yên Từ",
			Organization: "Ủy ban nhân dân xã Yên Từ"}, &at, "Ký bởi Nguyễn Văn Dũng, Chủ tịch Ủy ban nhân dân xã Yên Từ lúc 00:05 08/12/2026"},
		{"title and organisation", &CertificateInfo{CommonName: "Nguyễn Văn Dũng", Title: "Chủ tịch", Organization: "UBND xã Yên Từ"}, &at,
			"Ký bởi Nguyễn Văn Dũng, Chủ tịch, UBND xã Yên Từ lúc 00:05 08/12/2026"},
		{"organisation only", &CertificateInfo{CommonName: "Trần Thị Hoa", Organization: "UBND xã Yên Từ"}, &at,
			"Ký bởi Trần Thị Hoa, UBND xã Yên Từ lúc 00:05 08/12/2026"},
		{"the organisation's seal", &CertificateInfo{CommonName: "UBND xã Yên Từ", Organization: "UBND xã Yên Từ"}, &at,
			"Ký bởi UBND xã Yên Từ lúc 00:05 08/12/2026"},
		{"no time", &CertificateInfo{CommonName: "Lê Văn Tâm"}, nil, "Ký bởi Lê Văn Tâm"},
		{"no signer", nil, &at, ""},
	} {
		if got := (SignatureReport{Signer: tc.signer, SigningTime: tc.at}).SignedBy(hcm); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestCertInfoTitle: the holder's position is read from the subject's title attribute.
func TestCertInfoTitle(t *testing.T) {
	ca, err := democa.New("CA kiểm thử", true)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := ca.Issue(democa.CertOptions{CommonName: "Nguyễn Văn Dũng", Organization: "UBND xã Yên Từ", Title: "Chủ tịch", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	if ci := CertInfo(c); ci.Title != "Chủ tịch" || ci.Organization != "UBND xã Yên Từ" || ci.CommonName != "Nguyễn Văn Dũng" {
		t.Errorf("CertInfo = %+v", ci)
	}
	plain, _, err := ca.Issue(democa.CertOptions{CommonName: "Lê Văn Tâm", ECDSA: true})
	if err != nil {
		t.Fatal(err)
	}
	if ci := CertInfo(plain); ci.Title != "" {
		t.Errorf("a certificate without a title: %q", ci.Title)
	}
}
