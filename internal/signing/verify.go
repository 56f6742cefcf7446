package signing

import (
	"bytes"
	"context"
	"crypto"
	"crypto/sha256"
	_ "crypto/sha512" // SHA-384 and SHA-512 digests
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/digitorus/timestamp"
	"github.com/smallstep/pkcs7"

	"github.com/xaso-vn/xaso/internal/pdf"
)

// VerifyOptions configure a verification.
type VerifyOptions struct {
	// TrustAnchors are the roots a signer's chain must reach: the Vietnamese roots the
	// administrator configured (a test CA in demo mode). Never the system store.
	TrustAnchors []*x509.Certificate
	// HTTPClient fetches OCSP answers and CRLs; nil means a client with a 5 s timeout.
	HTTPClient *http.Client
	// Offline skips revocation checks (reported as unknown).
	Offline bool
	// Register looks a document's SHA-256 (hex) up in xaso's register of issued
	// documents; nil means no register.
	Register func(ctx context.Context, sha256Hex string) (*IssuedDocument, error)
	// Now is the clock (tests).
	Now func() time.Time
}

// IssuedDocument is an entry of xaso's register of issued documents.
type IssuedDocument struct {
	DossierCode  string    `json:"dossier_code"`
	DocumentCode string    `json:"document_code"` // <dossier code>-KQ<n> (a result) or -PH<n> (a form)
	Kind         string    `json:"kind"`          // result | form
	Version      int       `json:"version"`       // 1 for the first signature, +1 for each later one
	Latest       bool      `json:"latest"`        // no later signed version of the document exists
	IssuedAt     time.Time `json:"issued_at"`
	SHA256       string    `json:"sha256"`
}

// Report is the result of verifying a PDF. Field names are stable (API and CLI output);
// Summary and Problems are plain Vietnamese for the public page.
type Report struct {
	Valid                bool              `json:"valid"`
	Summary              string            `json:"summary"`
	SHA256               string            `json:"sha256"`
	Size                 int               `json:"size"`
	ModifiedAfterSigning bool              `json:"modified_after_signing"`
	IssuedByXaso         *IssuedDocument   `json:"issued_by_xaso"`
	Signatures           []SignatureReport `json:"signatures"`
	Warnings             []string          `json:"warnings,omitempty"`
}

// SignatureReport is one signature's result.
type SignatureReport struct {
	Field                  string           `json:"field"`
	Valid                  bool             `json:"valid"`
	Summary                string           `json:"summary"`
	SubFilter              string           `json:"sub_filter"`
	Level                  string           `json:"level"` // PAdES-B-B, PAdES-B-T, or PKCS7 for adbe.pkcs7.detached
	Signer                 *CertificateInfo `json:"signer"`
	SigningTime            *time.Time       `json:"signing_time"`
	SigningTimeSource      string           `json:"signing_time_source"` // timestamp | claimed
	Timestamp              *TimestampInfo   `json:"timestamp,omitempty"`
	Reason                 string           `json:"reason,omitempty"`
	Location               string           `json:"location,omitempty"`
	ByteRange              []int64          `json:"byte_range"`
	CoversWholeFile        bool             `json:"covers_whole_file"`
	Intact                 bool             `json:"intact"`          // the signed bytes hash to the signed digest
	SignatureValid         bool             `json:"signature_valid"` // the CMS signature checks with the certificate
	SigningCertificateAttr bool             `json:"signing_certificate_attr"`
	Chain                  ChainReport      `json:"chain"`
	CertValidAtSigningTime bool             `json:"cert_valid_at_signing_time"`
	KeyUsageOK             bool             `json:"key_usage_ok"`
	Revocation             RevocationReport `json:"revocation"`
	ModifiedAfterSigning   bool             `json:"modified_after_signing"`
	Problems               []string         `json:"problems,omitempty"`
	Warnings               []string         `json:"warnings,omitempty"`
}

// CertificateInfo describes a certificate.
type CertificateInfo struct {
	CommonName   string    `json:"common_name"`
	Organization string    `json:"organization,omitempty"`
	Title        string    `json:"title,omitempty"` // the holder's position (chức vụ), when the certificate names it
	Subject      string    `json:"subject"`
	Issuer       string    `json:"issuer"`
	SerialNumber string    `json:"serial_number"`
	NotBefore    time.Time `json:"not_before"`
	NotAfter     time.Time `json:"not_after"`
	SHA256       string    `json:"sha256"`
}

// TimestampInfo describes an RFC 3161 signature timestamp.
type TimestampInfo struct {
	Time    time.Time `json:"time"`
	TSA     string    `json:"tsa"`
	Valid   bool      `json:"valid"`   // the token is signed and stamps this signature
	Trusted bool      `json:"trusted"` // the TSA's certificate chains to a trust anchor
}

// ChainReport says whether the signer's certificate chains to a trust anchor.
type ChainReport struct {
	Status       string   `json:"status"` // trusted | untrusted | no_trust_anchors
	Certificates []string `json:"certificates,omitempty"`
	Error        string   `json:"error,omitempty"`
}

func certInfo(c *x509.Certificate) *CertificateInfo {
	h := sha256.Sum256(c.Raw)
	ci := &CertificateInfo{CommonName: c.Subject.CommonName, Subject: c.Subject.String(), Issuer: c.Issuer.String(),
		SerialNumber: strings.ToUpper(c.SerialNumber.Text(16)), NotBefore: c.NotBefore, NotAfter: c.NotAfter, SHA256: hex.EncodeToString(h[:])}
	if len(c.Subject.Organization) > 0 {
		ci.Organization = c.Subject.Organization[0]
	}
	for _, n := range c.Subject.Names {
		if v, ok := n.Value.(string); ok && n.Type.Equal(OIDTitle) && ci.Title == "" {
			ci.Title = v
		}
	}
	return ci
}

// OIDTitle is the subject attribute "title" (X.520, 2.5.4.12): the holder's position
// (chức vụ), which official-duty certificates carry.
var OIDTitle = asn1.ObjectIdentifier{2, 5, 4, 12}

// SignedBy says who signed, in what position and when, as a person checking the document
// reads it (Vietnamese, the time in zone): "Ký bởi Nguyễn Văn Dũng, Chủ tịch Ủy ban nhân
// dân xã Yên Từ lúc 14:05 07/12/2026". The position is the certificate's title (with its
// organisation when the title does not name it), else its organisation when that is not
// the signer's own name (a seal is the organisation's own signature).
func (r SignatureReport) SignedBy(zone *time.Location) string {
	if r.Signer == nil {
		return ""
	}
	out := "Ký bởi " + r.Signer.CommonName
	switch {
	case r.Signer.Title != "" && r.Signer.Organization != "" && !strings.Contains(r.Signer.Title, r.Signer.Organization):
		out += ", " + r.Signer.Title + ", " + r.Signer.Organization
	case r.Signer.Title != "":
		out += ", " + r.Signer.Title
	case r.Signer.Organization != "" && r.Signer.Organization != r.Signer.CommonName:
		out += ", " + r.Signer.Organization
	}
	if r.SigningTime != nil {
		out += " lúc " + r.SigningTime.In(zone).Format("15:04 02/01/2006")
	}
	return out
}

// maxVerifySize bounds what is read into memory.
const maxVerifySize = 64 << 20

// VerifyPDF checks every signature of file: the byte ranges (the whole file but
// /Contents), the digest, the CMS signature, the ESS signing-certificate, the chain to
// the trust anchors at the signing time (the timestamp's when there is one), the key
// usage, revocation (OCSP, else CRL; unknown when unreachable) and whether the document
// was changed after signing in ways other than further signatures. A signature is valid
// when its bytes are intact, its CMS signature checks, its chain reaches an anchor, its
// certificate was valid at signing time and allows signing, it is not revoked and the
// document was not modified after it. Unknown revocation is a warning.
func VerifyPDF(ctx context.Context, file []byte, opts VerifyOptions) (*Report, error) {
	if len(file) > maxVerifySize {
		return nil, pdf.ErrInvalid.With(errors.New("file too large"))
	}
	doc, fields, err := parseSigned(ctx, file)
	if err != nil {
		return nil, err
	}
	now := time.Now
	if opts.Now != nil {
		now = opts.Now
	}
	h := sha256.Sum256(file)
	rep := &Report{SHA256: hex.EncodeToString(h[:]), Size: len(file), Signatures: []SignatureReport{}}
	// Everything that reads the file is done for every signature first, within the
	// file's budget; revocation, which waits on the network, comes after.
	var revocations []*revocationCheck
	for _, f := range fields {
		sv, err := doc.Resolve(f.Get("V"))
		if err != nil {
			return nil, pdf.Classify(err)
		}
		sd, ok := sv.(*pdf.Dict)
		if !ok {
			continue // an empty signature field
		}
		if err := doc.Budget().Check(); err != nil {
			return nil, err
		}
		sr, rc, err := verifyOne(doc, f, sd, opts, now)
		if err != nil {
			return nil, err
		}
		rep.Signatures = append(rep.Signatures, sr)
		revocations = append(revocations, rc)
	}
	if len(rep.Signatures) == 0 {
		return nil, ErrNoSignature
	}
	for i := range rep.Signatures {
		revoke(ctx, &rep.Signatures[i], revocations[i], opts)
		finish(&rep.Signatures[i])
	}
	if opts.Register != nil {
		if d, err := opts.Register(ctx, rep.SHA256); err == nil && d != nil {
			rep.IssuedByXaso = d
		} else if err != nil {
			rep.Warnings = append(rep.Warnings, "Không tra cứu được sổ văn bản đã phát hành của xaso.")
		}
	}
	rep.Valid = true
	for _, s := range rep.Signatures {
		rep.Valid = rep.Valid && s.Valid
		rep.ModifiedAfterSigning = rep.ModifiedAfterSigning || s.ModifiedAfterSigning
		for _, w := range s.Warnings {
			rep.Warnings = appendOnce(rep.Warnings, w)
		}
		if s.Revocation.Status == RevocationUnknown {
			rep.Warnings = appendOnce(rep.Warnings, "Chưa kiểm tra được tình trạng thu hồi của chứng thư số (không kết nối được máy chủ OCSP/CRL hoặc chứng thư không khai báo).")
		}
	}
	rep.Summary = summarize(rep)
	return rep, nil
}

func appendOnce(list []string, s string) []string {
	for _, e := range list {
		if e == s {
			return list
		}
	}
	return append(list, s)
}

func summarize(rep *Report) string {
	n := len(rep.Signatures)
	var b strings.Builder
	switch {
	case rep.Valid:
		fmt.Fprintf(&b, "Tài liệu có %d chữ ký số, tất cả đều hợp lệ; nội dung không bị thay đổi sau khi ký.", n)
	case rep.ModifiedAfterSigning:
		fmt.Fprintf(&b, "Tài liệu đã bị thay đổi sau khi ký; không nên tin cậy nội dung này.")
	default:
		bad := 0
		for _, s := range rep.Signatures {
			if !s.Valid {
				bad++
			}
		}
		fmt.Fprintf(&b, "%d trong %d chữ ký số không hợp lệ.", bad, n)
	}
	if rep.IssuedByXaso != nil {
		what := "kết quả"
		if rep.IssuedByXaso.Kind == "form" {
			what = "phiếu"
		}
		fmt.Fprintf(&b, " Tài liệu này do xaso phát hành: %s %s của hồ sơ %s.", what, rep.IssuedByXaso.DocumentCode, rep.IssuedByXaso.DossierCode)
		if !rep.IssuedByXaso.Latest {
			b.WriteString(" Đây chưa phải bản cuối cùng: văn bản đã được ký thêm sau đó; hãy dùng bản ký sau cùng.")
		}
	} else {
		b.WriteString(" Không tìm thấy tài liệu này trong sổ văn bản đã phát hành của xaso.")
	}
	return b.String()
}

// revocationCheck is what checking a signer's revocation needs, once the file is read:
// the certificate, its issuer in the trusted chain, and the time that matters.
type revocationCheck struct {
	cert, issuer *x509.Certificate
	at           time.Time
}

// finish says whether a signature is valid, and why not, once all its checks are done.
func finish(sr *SignatureReport) {
	sr.Valid = len(sr.Problems) == 0
	if sr.Valid {
		sr.Summary = "Chữ ký hợp lệ."
		if sr.Signer != nil {
			sr.Summary = fmt.Sprintf("Chữ ký của %s hợp lệ.", sr.Signer.CommonName)
		}
	} else {
		sr.Summary = "Chữ ký không hợp lệ: " + strings.Join(sr.Problems, " ")
	}
}

// revoke checks the revocation of a signer whose chain reached an anchor (rc not nil):
// OCSP, else CRL; unknown when unreachable or offline.
func revoke(ctx context.Context, sr *SignatureReport, rc *revocationCheck, opts VerifyOptions) {
	if rc == nil || opts.Offline {
		sr.Revocation = RevocationReport{Status: RevocationUnknown, Detail: "not checked"}
		return
	}
	sr.Revocation = checkRevocation(ctx, rc.cert, rc.issuer, httpClient(opts.HTTPClient, 5*time.Second))
	if sr.Revocation.Status == RevocationRevoked {
		if sr.Revocation.RevokedAt == nil || sr.SigningTimeSource != "timestamp" || !sr.Revocation.RevokedAt.After(rc.at) {
			sr.Problems = append(sr.Problems, "Chứng thư số đã bị thu hồi.")
		}
	}
}

// verifyOne checks one signature as far as the file and the trust anchors tell, and
// returns what its revocation check needs (nil when its chain reached no anchor). Its
// error is a limit of reading the file, which refuses the file as a whole.
func verifyOne(doc *pdf.Document, field, sd *pdf.Dict, opts VerifyOptions, now func() time.Time) (sr SignatureReport, rc *revocationCheck, err error) {
	sr = SignatureReport{Field: pdf.TextOf(field.Get("T")), Reason: pdf.TextOf(sd.Get("Reason")), Location: pdf.TextOf(sd.Get("Location")),
		SubFilter: pdf.TextOf(sd.Get("SubFilter")), Chain: ChainReport{Status: "untrusted"}, Revocation: RevocationReport{Status: RevocationUnknown}}
	problem := func(s string) { sr.Problems = append(sr.Problems, s) }
	buf := doc.Bytes()
	// Byte ranges: [0 a b c], /Contents exactly between a and b, the rest of the file up to
	// b+c signed.
	bra, _ := sd.Get("ByteRange").(pdf.Array)
	var br []int64
	for _, v := range bra {
		i, ok := pdf.IntOf(v)
		if !ok {
			br = nil
			break
		}
		br = append(br, i)
	}
	sr.ByteRange = br
	contents, _ := sd.Get("Contents").(pdf.HexString)
	if len(br) != 4 || br[0] != 0 || br[1] <= 0 || br[2] <= br[1]+1 || br[3] < 0 || br[2]+br[3] > int64(len(buf)) ||
		buf[br[1]] != '<' || buf[br[2]-1] != '>' || len(contents) == 0 {
		problem("Vùng dữ liệu được ký (/ByteRange) không đúng cấu trúc.")
		sr.Intact = false
		return sr, nil, nil
	}
	if raw, err := hex.DecodeString(string(bytes.TrimRight(buf[br[1]+1:br[2]-1], "\r\n\t "))); err != nil || !bytes.Equal(raw, []byte(contents)) {
		problem("Vùng dữ liệu được ký (/ByteRange) không khớp với vị trí chữ ký (/Contents).")
		return sr, nil, nil
	}
	end := br[2] + br[3]
	sr.CoversWholeFile = end == int64(len(buf))
	if !sr.CoversWholeFile {
		modified, err := modifiedAfter(doc, end)
		if pdf.IsLimit(err) {
			return sr, nil, err
		}
		if err != nil || modified {
			sr.ModifiedAfterSigning = true
			problem("Tài liệu đã bị thay đổi sau khi ký.")
		}
	}
	if t, ok := pdf.ParseDate(pdf.TextOf(sd.Get("M"))); ok {
		sr.SigningTime, sr.SigningTimeSource = &t, "claimed"
	}
	der := trimDER([]byte(contents))
	p7, err := pkcs7.Parse(der)
	if err != nil || len(p7.Signers) != 1 {
		problem("Không đọc được chữ ký số (CMS) trong tài liệu.")
		return sr, nil, nil
	}
	cert := p7.GetOnlySigner()
	if cert == nil {
		problem("Chữ ký không kèm chứng thư số của người ký.")
		return sr, nil, nil
	}
	sr.Signer = certInfo(cert)
	switch sr.SubFilter {
	case "ETSI.CAdES.detached":
		sr.Level = "PAdES-B-B"
	case "adbe.pkcs7.detached":
		sr.Level = "PKCS7"
	default:
		problem("Kiểu chữ ký " + sr.SubFilter + " không được hỗ trợ.")
		return sr, nil, nil
	}
	si := p7.Signers[0]
	hash, err := hashOf(si.DigestAlgorithm.Algorithm)
	if err != nil {
		problem("Thuật toán băm của chữ ký không được hỗ trợ.")
		return sr, nil, nil
	}
	hh := hash.New()
	hh.Write(buf[:br[1]])
	hh.Write(buf[br[2]:end])
	digest := hh.Sum(nil)
	var md []byte
	if err := p7.UnmarshalSignedAttribute(pkcs7.OIDAttributeMessageDigest, &md); err != nil {
		problem("Chữ ký thiếu thuộc tính giá trị băm.")
		return sr, nil, nil
	}
	sr.Intact = bytes.Equal(md, digest)
	if !sr.Intact {
		problem("Nội dung được ký đã bị thay đổi (giá trị băm không khớp).")
	}
	p7.Content = nil
	p7.Hasher = fixedDigest(md)
	if err := p7.Verify(); err != nil {
		problem("Chữ ký số không khớp với chứng thư số.")
	} else {
		sr.SignatureValid = true
	}
	// ESS signing-certificate-v2 binds the certificate (required by PAdES).
	var scv2 struct {
		Certs []struct {
			Raw asn1.RawContent
		}
	}
	if err := p7.UnmarshalSignedAttribute(oidSigningCertificateV2, &scv2); err == nil && len(scv2.Certs) > 0 {
		var id essCertIDv2
		if _, err := asn1.Unmarshal(scv2.Certs[0].Raw, &id); err == nil {
			want := sha256.Sum256(cert.Raw)
			sr.SigningCertificateAttr = bytes.Equal(id.CertHash, want[:])
		}
		if !sr.SigningCertificateAttr {
			problem("Thuộc tính chứng thư ký (signing-certificate-v2) không khớp với chứng thư số.")
		}
	} else if sr.Level == "PAdES-B-B" {
		problem("Chữ ký PAdES thiếu thuộc tính chứng thư ký (signing-certificate-v2).")
	}
	// Timestamp (B-T): the time of the signature's existence.
	for _, a := range si.UnauthenticatedAttributes {
		if !a.Type.Equal(oidTimeStampToken) {
			continue
		}
		ti := &TimestampInfo{}
		// digitorus/timestamp checks the token's signature only when the token carries
		// certificates; a token without them cannot be checked and is not valid here.
		if ts, err := timestamp.Parse(a.Value.Bytes); err == nil && len(ts.Certificates) > 0 {
			want := sha256.Sum256(si.EncryptedDigest)
			ti.Time = ts.Time
			ti.TSA = ts.Certificates[0].Subject.CommonName
			ti.Valid = ts.HashAlgorithm == crypto.SHA256 && bytes.Equal(ts.HashedMessage, want[:])
			ti.Trusted = ti.Valid && tsaTrusted(ts.Certificates, opts.TrustAnchors, ts.Time)
		}
		sr.Timestamp = ti
		switch {
		case !ti.Valid:
			problem("Dấu thời gian của chữ ký không hợp lệ.")
		case ti.Trusted:
			t := ti.Time
			sr.SigningTime, sr.SigningTimeSource = &t, "timestamp"
			sr.Level = "PAdES-B-T"
		default:
			// A well-formed stamp from an authority that is not trusted says nothing about
			// the time: the claimed time stands.
			sr.Level = "PAdES-B-T"
		}
	}
	at := now()
	if sr.SigningTime != nil {
		at = *sr.SigningTime
	}
	sr.CertValidAtSigningTime = !at.Before(cert.NotBefore) && !at.After(cert.NotAfter)
	if !sr.CertValidAtSigningTime {
		if at.After(cert.NotAfter) {
			problem("Chứng thư số đã hết hạn tại thời điểm ký.")
		} else {
			problem("Chứng thư số chưa có hiệu lực tại thời điểm ký.")
		}
	}
	if sr.SigningTimeSource == "claimed" {
		switch n := now(); {
		case at.After(n.Add(5 * time.Minute)):
			problem("Thời điểm ký ghi trong tài liệu ở tương lai.")
		case n.After(cert.NotAfter):
			sr.Warnings = append(sr.Warnings, "Thời điểm ký do người ký tự ghi, không có dấu thời gian; chứng thư số nay đã hết hạn.")
		}
	}
	sr.KeyUsageOK = hasSigningUsage(cert)
	if !sr.KeyUsageOK {
		problem("Chứng thư số không được phép dùng để ký số.")
	}
	// Chain to the configured anchors, as of the signing time.
	var issuer *x509.Certificate
	var chain []*x509.Certificate
	sr.Chain, chain = VerifyChain(cert, p7.Certificates, opts.TrustAnchors, at)
	switch {
	case sr.Chain.Status == ChainNoTrustAnchors:
		problem("Chưa cấu hình chứng thư gốc tin cậy, không xác định được nguồn gốc chứng thư số.")
	case chain == nil:
		problem("Chứng thư số không do tổ chức cung cấp dịch vụ chứng thực tin cậy cấp.")
	case len(chain) > 1:
		issuer = chain[1]
	default:
		issuer = chain[0]
	}
	if issuer != nil {
		rc = &revocationCheck{cert: cert, issuer: issuer, at: at}
	}
	return sr, rc, nil
}

// fixedDigest makes smallstep/pkcs7 check a signature over a digest computed here.
type fixedDigest []byte

func (f fixedDigest) Hash(crypto.Hash, io.Reader) ([]byte, error) {
	return f, nil
}

func hashOf(oid asn1.ObjectIdentifier) (crypto.Hash, error) {
	switch {
	case oid.Equal(pkcs7.OIDDigestAlgorithmSHA256):
		return crypto.SHA256, nil
	case oid.Equal(pkcs7.OIDDigestAlgorithmSHA384):
		return crypto.SHA384, nil
	case oid.Equal(pkcs7.OIDDigestAlgorithmSHA512):
		return crypto.SHA512, nil
	}
	return 0, errors.New("unsupported digest algorithm")
}

// trimDER cuts the zero padding after the DER value in /Contents.
func trimDER(b []byte) []byte {
	var rv asn1.RawValue
	if rest, err := asn1.Unmarshal(b, &rv); err == nil {
		return b[:len(b)-len(rest)]
	}
	return b
}

// tsaTrusted tells whether a timestamp's signing certificate (the first whose chain
// works) chains to an anchor at the stamped time with the timeStamping usage.
func tsaTrusted(certs []*x509.Certificate, anchors []*x509.Certificate, at time.Time) bool {
	if len(anchors) == 0 {
		return false
	}
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, c := range anchors {
		roots.AddCert(c)
	}
	for _, c := range certs {
		inter.AddCert(c)
	}
	for _, c := range certs {
		if c.IsCA {
			continue
		}
		if _, err := c.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageTimeStamping}}); err == nil {
			return true
		}
	}
	return false
}

// parseSigned parses file within the budget of an operation under ctx and lists its
// signature fields.
func parseSigned(ctx context.Context, file []byte) (*pdf.Document, []*pdf.Dict, error) {
	doc, err := pdf.ParseWithin(file, pdf.NewBudget(ctx, len(file)))
	if err != nil {
		return nil, nil, pdf.Classify(err)
	}
	root, err := doc.DictOf(doc.Root())
	if err != nil {
		return nil, nil, pdf.Classify(err)
	}
	fields, err := signatureFields(doc, root)
	if err != nil {
		return nil, nil, pdf.Classify(err)
	}
	return doc, fields, nil
}
