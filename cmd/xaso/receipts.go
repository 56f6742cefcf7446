package main

import (
	"fmt"
	"log/slog"
	"os"
	"time"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/payment/xmldsig"
)

// receiptSigner is the key that signs the electronic fee receipts and their daily
// summaries: the deployment's PKCS #12 file (--receipt-p12, XASO_RECEIPT_P12 and
// XASO_RECEIPT_P12_PASSWORD); in --demo without one, a throw-away self-signed key;
// otherwise none, and receipts are issued unsigned (logged as a warning).
func receiptSigner(cfg config.Config, log *slog.Logger, now time.Time) (*xmldsig.Signer, error) {
	switch {
	case cfg.ReceiptP12 != "":
		b, err := os.ReadFile(cfg.ReceiptP12)
		if err != nil {
			return nil, fmt.Errorf("--receipt-p12 %s: %w", cfg.ReceiptP12, err)
		}
		s, err := xmldsig.LoadPKCS12(b, cfg.ReceiptP12Password)
		if err != nil {
			return nil, fmt.Errorf("--receipt-p12 %s: không mở được tệp khóa ký biên lai (sai mật khẩu hoặc không phải PKCS #12): %w", cfg.ReceiptP12, err)
		}
		c := s.Certificate()
		log.Info("receipts are signed", "subject", c.Subject.String(), "not_after", c.NotAfter)
		if now.After(c.NotAfter) {
			log.Warn("the receipt signing certificate has expired", "not_after", c.NotAfter)
		}
		return s, nil
	case cfg.Demo:
		log.Warn("receipts are signed with a throw-away demo key (no legal value)")
		return xmldsig.Ephemeral("Xã số — khóa ký thử (demo)", now)
	}
	log.Warn("receipts are issued unsigned: set --receipt-p12 and XASO_RECEIPT_P12_PASSWORD")
	return nil, nil
}
