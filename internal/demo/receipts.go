package demo

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/payment"
	"github.com/xaso-vn/xaso/internal/store"
)

// demoKEKSecret seals the demo commune's receipt key when the server has no
// XASO_RECEIPT_KEK. It is published here, so it protects nothing: demo only.
const demoKEKSecret = "xaso-demo-receipt-kek: published, protects nothing (demo only)"

// ReceiptKEK is the key-encryption key `xaso serve --demo` uses when XASO_RECEIPT_KEK is
// not set: a published constant, for the demo's keys only.
func ReceiptKEK() *kek.Key {
	k, err := kek.Parse(demoKEKSecret)
	if err != nil {
		panic(err) // a constant longer than kek.MinLength
	}
	return k
}

// demoReceiptKey installs the demo commune's own receipt key, issued by ca (the demo's
// test CA, a trust anchor; nil: a CA of its own, trusted), sealed with pay's KEK,
// as an administrator does with `xaso receiptkey add`. Without a KEK it does nothing:
// receipts then fall back to the deployment's key.
func demoReceiptKey(ctx context.Context, st *store.Store, pay *payment.Service, commune int64, ca *democa.CA) error {
	if pay.KEK == nil {
		return nil
	}
	if ca == nil {
		var err error
		if ca, err = democa.New("CA thử nghiệm xaso — biên lai (demo)", true); err != nil {
			return fmt.Errorf("demo: receipt CA: %w", err)
		}
		if err := st.AddTrustAnchor(ctx, ca.Cert); err != nil {
			return fmt.Errorf("demo: receipt CA: %w", err)
		}
	}
	now := time.Now()
	cert, key, err := ca.Issue(democa.CertOptions{CommonName: "Ủy ban nhân dân xã Yên Từ — ký biên lai", Organization: "Ủy ban nhân dân xã Yên Từ",
		NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(3, 0, 0), ECDSA: true})
	if err != nil {
		return fmt.Errorf("demo: receipt certificate: %w", err)
	}
	p12, err := democa.EncodePKCS12(key, cert, []*x509.Certificate{ca.Cert}, Password)
	if err != nil {
		return fmt.Errorf("demo: receipt PKCS#12: %w", err)
	}
	if _, err := pay.AddReceiptKey(ctx, commune, p12, Password); err != nil {
		return fmt.Errorf("demo: receipt key: %w", err)
	}
	return nil
}
