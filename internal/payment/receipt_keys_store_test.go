package payment_test

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
	"github.com/xaso-vn/xaso/internal/signing"
)

const testKEK = "0123456789abcdef0123456789abcdef-receipt-kek-for-tests"

// backdatedCA is a test CA valid from 2025 to 2035: the tests' receipts are issued in
// July 2026 (democa.New starts an hour before the real clock).
func backdatedCA(t *testing.T, name string) *democa.CA {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2035, 1, 1, 0, 0, 0, 0, time.UTC),
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign, BasicConstraintsValid: true, IsCA: true, SubjectKeyId: []byte(name)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &democa.CA{Cert: cert, Key: key}
}

type unitCert struct {
	p12  []byte
	cert *x509.Certificate
	key  crypto.Signer
	ca   *democa.CA
}

func issueUnitCert(t *testing.T, ca *democa.CA, o democa.CertOptions) unitCert {
	t.Helper()
	o.ECDSA = true
	if o.NotBefore.IsZero() {
		o.NotBefore = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	if o.NotAfter.IsZero() {
		o.NotAfter = time.Date(2028, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	cert, key, err := ca.Issue(o)
	if err != nil {
		t.Fatal(err)
	}
	p12, err := democa.EncodePKCS12(key, cert, []*x509.Certificate{ca.Cert}, "mat-khau")
	if err != nil {
		t.Fatal(err)
	}
	return unitCert{p12: p12, cert: cert, key: key, ca: ca}
}

// TestReceiptKeys: each unit signs its receipts with its own key, sealed with the
// server's KEK; a receipt verifies for its unit only when its chain reaches an anchor;
// one signed with another unit's key, or an untrusted certificate, is never valid.
func TestReceiptKeys(t *testing.T) {
	ctx := context.Background()
	e := newPayEnv(t)
	e.receiptConfig(t, "26T")
	commune, err := e.s.UnitByID(ctx, e.unit)
	if err != nil {
		t.Fatal(err)
	}
	province, err := e.s.UnitByCode(ctx, "37")
	if err != nil {
		t.Fatal(err)
	}
	serverKEK, err := kek.Parse(testKEK)
	if err != nil {
		t.Fatal(err)
	}
	ca := backdatedCA(t, "CA kiểm thử biên lai")
	a := issueUnitCert(t, ca, democa.CertOptions{CommonName: "UBND xã Yên Từ"})
	b := issueUnitCert(t, ca, democa.CertOptions{CommonName: "UBND tỉnh Ninh Bình"})
	now := day2(8, 0)

	// Installing: the KEK, the passphrase, a certificate valid now that allows signing.
	for _, tt := range []struct {
		name string
		uc   unitCert
		pass string
		key  *kek.Key
		want error
	}{
		{"no KEK", a, "mat-khau", nil, payment.ErrReceiptKEKMissing},
		{"wrong passphrase", a, "sai", serverKEK, signing.ErrWrongPassphrase},
		{"expired", issueUnitCert(t, ca, democa.CertOptions{CommonName: "hết hạn", NotBefore: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC),
			NotAfter: time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)}), "mat-khau", serverKEK, signing.ErrCertExpired},
		{"not yet valid", issueUnitCert(t, ca, democa.CertOptions{CommonName: "chưa hiệu lực", NotBefore: time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC)}),
			"mat-khau", serverKEK, signing.ErrCertNotYetValid},
		{"no signing usage", issueUnitCert(t, ca, democa.CertOptions{CommonName: "mã hóa", NoKeyUsage: true}), "mat-khau", serverKEK, signing.ErrCertNoSigning},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := payment.NewReceiptKey(e.unit, tt.uc.p12, tt.pass, tt.key, now)
			if !errors.Is(err, tt.want) {
				t.Fatalf("err = %v, want %v", err, tt.want)
			}
			if e := apperr.From(err); e.Kind == apperr.Internal || !strings.ContainsAny(e.Message, "ăâđêôơư") {
				t.Fatalf("not a Vietnamese message with a code: %+v", e)
			}
		})
	}
	install := func(unitID int64, uc unitCert) payment.ReceiptKey {
		t.Helper()
		k, err := payment.NewReceiptKey(unitID, uc.p12, "mat-khau", serverKEK, now)
		if err != nil {
			t.Fatal(err)
		}
		if bytes.Contains(k.Sealed, uc.cert.Raw) || len(k.Sealed) == 0 {
			t.Fatal("sealed key looks wrong")
		}
		if k, err = e.s.AddReceiptKey(ctx, k); err != nil {
			t.Fatal(err)
		}
		return k
	}
	install(e.unit, a)
	install(province.ID, b)
	if k, _ := payment.NewReceiptKey(province.ID, a.p12, "mat-khau", serverKEK, now); true {
		if _, err := e.s.AddReceiptKey(ctx, k); !errors.Is(err, payment.ErrReceiptKeyExists) {
			t.Fatalf("one certificate for two units: %v", err)
		}
	}

	// Without the KEK the unit's key is locked: the payment is stored, its receipt waits
	// (never signed by another key), and takes no number.
	pr := e.bill(t, e.dossiers[0], day2(9, 0))
	paid, issued, err := e.cash(pr, pr.Amount, day2(9, 1))
	if err != nil || paid.State != payment.StatePaid || issued.Receipt != nil || !errors.Is(issued.NotIssued, payment.ErrReceiptKeyLocked) {
		t.Fatalf("locked key: %+v %v", issued, err)
	}
	other, _ := kek.Parse(strings.Repeat("x", 40))
	e.useKEK(other)
	if _, err := e.issue(ctx, paid, day2(9, 2)); !errors.Is(err, payment.ErrReceiptKeyLocked) {
		t.Fatalf("another KEK: %v", err)
	}
	e.useKEK(serverKEK)
	stored, err := e.issue(ctx, paid, day2(9, 3))
	if err != nil || stored.Number != 1 {
		t.Fatalf("receipt with the unit's key: %+v %v", stored.FeeReceipt, err)
	}
	cert, err := xmldsig.Verify(stored.XML)
	if err != nil || !cert.Equal(a.cert) {
		t.Fatalf("signed by %v, want the commune's certificate: %v", cert, err)
	}

	check := func(rc payment.StoredFeeReceipt) payment.SignatureReport {
		t.Helper()
		rep, err := e.pay.CheckReceiptSignature(ctx, rc)
		if err != nil {
			t.Fatal(err)
		}
		return rep
	}
	// No trust anchor yet: the unit's key, intact, but the chain reaches nothing.
	rep := check(stored)
	if rep.Valid || !rep.Intact || rep.Key != payment.KeyUnit || rep.SignerUnit != commune.Code || rep.Chain.Status != signing.ChainNoTrustAnchors ||
		rep.Code != "no_trust_anchors" {
		t.Fatalf("without anchors: %+v", rep)
	}
	if err := e.s.AddTrustAnchor(ctx, ca.Cert); err != nil {
		t.Fatal(err)
	}
	rep = check(stored)
	if !rep.Valid || rep.Chain.Status != signing.ChainTrusted || !rep.CertValidAtIssue || !rep.KeyUsageOK || !rep.ContentMatches ||
		rep.Signer.CommonName != "UBND xã Yên Từ" || !strings.Contains(rep.Summary, "hợp lệ") {
		t.Fatalf("with the anchor: %+v", rep)
	}

	// The commune's signed receipt presented as the province's: flagged.
	asProvince := stored
	asProvince.UnitID = province.ID
	if rep := check(asProvince); rep.Valid || rep.Key != payment.KeyOtherUnit || rep.SignerUnit != commune.Code {
		t.Fatalf("the commune's receipt checked for the province: %+v", rep)
	}
	// The same record signed with the province's key: flagged, never valid.
	unsigned, err := payment.FeeReceiptXML(stored.FeeReceipt)
	if err != nil {
		t.Fatal(err)
	}
	resign := func(uc unitCert) payment.StoredFeeReceipt {
		t.Helper()
		sg, err := xmldsig.New(uc.key, uc.cert, uc.ca.Cert)
		if err != nil {
			t.Fatal(err)
		}
		doc, err := sg.Sign(unsigned, payment.SignedElementID)
		if err != nil {
			t.Fatal(err)
		}
		return payment.StoredFeeReceipt{FeeReceipt: stored.FeeReceipt, XML: doc}
	}
	rep = check(resign(b))
	if rep.Valid || rep.Key != payment.KeyOtherUnit || rep.SignerUnit != "37" || rep.Code != "receipt_signer_other_unit" || !rep.Intact {
		t.Fatalf("signed by the province: %+v", rep)
	}
	// A certificate of an untrusted CA, installed nowhere.
	rogue := issueUnitCert(t, backdatedCA(t, "CA lạ"), democa.CertOptions{CommonName: "UBND xã Yên Từ"})
	rep = check(resign(rogue))
	if rep.Valid || rep.Key != payment.KeyUnknown || rep.Chain.Status != signing.ChainUntrusted {
		t.Fatalf("untrusted certificate: %+v", rep)
	}
	// The chain check fails without the anchor, for the unit's own key too.
	rogueForUnit := issueUnitCert(t, rogue.ca, democa.CertOptions{CommonName: "UBND xã Yên Từ (CA lạ)"})
	install(e.unit, rogueForUnit)
	rep = check(resign(rogueForUnit))
	if rep.Valid || rep.Key != payment.KeyUnit || rep.Chain.Status != signing.ChainUntrusted || rep.Code != "chain_untrusted" {
		t.Fatalf("the unit's key from an untrusted CA: %+v", rep)
	}
	// The retired key's receipts are still the unit's.
	if rep := check(stored); !rep.Valid {
		t.Fatalf("receipt of the retired key: %+v", rep)
	}
	// A changed amount, or a changed record.
	changed := stored
	changed.Total++
	if rep := check(changed); rep.Valid || rep.ContentMatches || rep.Code != "receipt_content_mismatch" {
		t.Fatalf("shown content differs: %+v", rep)
	}
	changed = stored
	changed.XML = bytes.Replace(stored.XML, []byte("<Total>5000</Total>"), []byte("<Total>500</Total>"), 1)
	if rep := check(changed); rep.Valid || rep.Intact || rep.Code != "invalid_xml_signature" {
		t.Fatalf("changed record: %+v", rep)
	}
	if ks, err := e.s.ReceiptKeys(ctx, e.unit); err != nil || len(ks) != 2 || !ks[0].RetiredAt.IsZero() || ks[1].RetiredAt.IsZero() {
		t.Fatalf("the unit's keys: %+v %v", ks, err)
	}

	// The day's summary is signed with the unit's key in use; the province's with its own.
	sum, err := e.pay.SignReceiptRecord(ctx, e.unit, unsigned, day2(18, 0))
	if c, err2 := xmldsig.Verify(sum); err != nil || err2 != nil || !c.Equal(rogueForUnit.cert) {
		t.Fatalf("summary: %v %v", err, err2)
	}
	sum, err = e.pay.SignReceiptRecord(ctx, province.ID, unsigned, day2(18, 0))
	if c, err2 := xmldsig.Verify(sum); err != nil || err2 != nil || !c.Equal(b.cert) {
		t.Fatalf("province's summary: %v %v", err, err2)
	}

	// A key whose certificate ends before the receipt's time holds the receipt back.
	short := issueUnitCert(t, ca, democa.CertOptions{CommonName: "UBND xã Yên Từ (ngắn hạn)", NotAfter: time.Date(2026, 7, 3, 0, 0, 0, 0, time.UTC)})
	install(e.unit, short)
	later := time.Date(2026, 7, 6, 9, 0, 0, 0, locale.Zone)
	pr2 := e.bill(t, e.dossiers[1], later)
	if _, issued, err := e.cash(pr2, pr2.Amount, later); err != nil || issued.Receipt != nil || !errors.Is(issued.NotIssued, payment.ErrReceiptKeyNotValid) ||
		!strings.Contains(apperr.From(issued.NotIssued).Message, "03/07/2026") {
		t.Fatalf("expired at the receipt's time: %+v %v", issued, err)
	}
	if _, err := e.s.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}
