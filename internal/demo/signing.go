package demo

import (
	"context"
	"crypto/x509"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/store"
)

// demoSigning makes a test CA, trusts it, and stores sealed keys for the leader (their
// personal signature, with a drawn blue signature) and the clerk (the commune's seal,
// with a drawn red seal), unlocked with Password. ECDSA
// P-256 keys: made in milliseconds. For the demo only: real keys come from a licensed
// certification authority (xaso signkey add). It returns the CA, which also issues the
// commune's receipt key (demoReceiptKey).
func demoSigning(ctx context.Context, st *store.Store, commune int64, principals map[auth.Role]*auth.Principal) (*democa.CA, error) {
	ca, err := democa.New("CA thử nghiệm xaso (demo)", true)
	if err != nil {
		return nil, fmt.Errorf("demo: test CA: %w", err)
	}
	if err := st.AddTrustAnchor(ctx, ca.Cert); err != nil {
		return nil, fmt.Errorf("demo: trust anchor: %w", err)
	}
	signature, seal, err := democa.Images()
	if err != nil {
		return nil, fmt.Errorf("demo: images: %w", err)
	}
	now := time.Now()
	for _, k := range []struct {
		role              auth.Role
		kind, name, title string
		image             []byte
	}{
		{auth.RoleLeader, "personal", principals[auth.RoleLeader].FullName, "Chủ tịch Ủy ban nhân dân xã Yên Từ", signature},
		{auth.RoleClerk, "seal", "Ủy ban nhân dân xã Yên Từ", "", seal},
	} {
		cert, key, err := ca.Issue(democa.CertOptions{CommonName: k.name, Organization: "Ủy ban nhân dân xã Yên Từ", Title: k.title,
			NotBefore: now.Add(-time.Hour), NotAfter: now.AddDate(3, 0, 0), ECDSA: true})
		if err != nil {
			return nil, fmt.Errorf("demo: certificate of %s: %w", k.role, err)
		}
		p12, err := democa.EncodePKCS12(key, cert, []*x509.Certificate{ca.Cert}, Password)
		if err != nil {
			return nil, fmt.Errorf("demo: PKCS#12 of %s: %w", k.role, err)
		}
		sealed, _, err := signing.SealPKCS12(p12, Password)
		if err != nil {
			return nil, fmt.Errorf("demo: sealing the key of %s: %w", k.role, err)
		}
		nk := store.NewSigningKey(principals[k.role].UserID, commune, k.kind, cert, sealed)
		nk.Image = k.image
		if _, err := st.AddSigningKey(ctx, nk); err != nil {
			return nil, fmt.Errorf("demo: key of %s: %w", k.role, err)
		}
	}
	return ca, nil
}
