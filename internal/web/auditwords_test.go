package web

import (
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/dossier"
)

func TestAuditActionWords(t *testing.T) {
	for in, want := range map[string]string{
		"login.success":                   "Đăng nhập",
		"dossier.receive":                 "Hồ sơ: tiếp nhận",
		"dossier.submit":                  "Nộp hồ sơ trực tuyến",
		"payment.notification.partial":    "Nhận báo có ngân hàng: thiếu tiền",
		"procedure.version.published":     "Công bố thủ tục",
		"document.sealed":                 "Văn bản đi: văn thư đóng dấu số",
		"exchange.receive":                "Trục liên thông: nhận gói tin",
		"something.new":                   "something.new", // unknown: the recorded name stays
		"payment.notification.not_a_kind": "payment.notification.not_a_kind",
	} {
		if got := auditAction(in); !strings.HasPrefix(got, want) {
			t.Errorf("auditAction(%q) = %q, want %q…", in, got, want)
		}
	}
	recorded := []string{"payment.confirm", "payment.cancel", "payment.refund",
		"broadcast.cluster.create", "broadcast.speaker.create", "bulletin.create", "bulletin.approve", "bulletin.withdraw",
		"announcement.create", "announcement.publish", "announcement.withdraw",
		"notify.consent_granted", "notify.consent_withdrawn", "notify.template",
		"notify.announcement_subscriptions"}
	for _, a := range dossier.Actions {
		recorded = append(recorded, "dossier."+string(a))
	}
	for _, recorded := range recorded {
		if got := auditAction(recorded); got == recorded {
			t.Errorf("%s has no Vietnamese name", recorded)
		}
	}
}
