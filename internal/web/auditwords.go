package web

import (
	"strings"

	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/payment"
)

// What the audit log page calls the recorded actions and objects. The records keep
// stable English names (the chain's hashes cover them); the page shows them in
// Vietnamese, the recorded name kept beside for whoever reads the chain with
// `xaso audit verify`.

var auditActions = map[string]string{
	"login.success": "Đăng nhập", "login.fail": "Đăng nhập sai mật khẩu", "logout": "Đăng xuất",
	"user.create": "Tạo người dùng", "user.password": "Đổi mật khẩu", "user.password.reset": "Cấp lại mật khẩu dùng một lần", "user.disable": "Khóa tài khoản",
	"user.enable": "Mở khóa tài khoản", "user.register": "Công dân tự đăng ký tài khoản", "dossier.link_account": "Hồ sơ: thêm vào tài khoản công dân", "membership.grant": "Giao vai trò", "membership.revoke": "Thu hồi vai trò",
	"token.create": "Cấp mã truy cập API", "token.revoke": "Thu hồi mã truy cập API",
	"unit.create": "Tạo đơn vị", "unit.import": "Nhập danh mục đơn vị", "village.create": "Tạo thôn, tổ dân phố",
	"unit.contact.set":         "Đặt địa chỉ, đường dây nóng của đơn vị",
	"calendar.decision.create": "Thêm quyết định nghỉ, làm bù", "calendar.decision.delete": "Xóa quyết định nghỉ, làm bù",
	"calendar.hours.set": "Đặt giờ làm việc",
	"consent.granted":    "Công dân đồng ý cho nộp hộ", "consent.revoked": "Công dân rút lại đồng ý nộp hộ",
	"dossier.submit": "Nộp hồ sơ trực tuyến", "dossier.file_added": "Thêm tệp vào hồ sơ", "dossier.import": "Nhập hồ sơ cũ",
	"dossier.rated": "Công dân đánh giá mức độ hài lòng", "document.issued": "Phát hành văn bản ký số",
	"signing_key.add": "Lưu chứng thư ký số của cán bộ", "signing_key.withdraw": "Thu hồi chứng thư ký số của cán bộ", "trust_anchor.add": "Thêm chứng thư gốc tin cậy",
	"trust_anchor.remove": "Gỡ chứng thư gốc tin cậy", "receipt_key.add": "Lưu khóa ký biên lai",
	"receipt.issue": "Lập biên lai thu phí, lệ phí", "payment.create": "Tạo yêu cầu thanh toán",
	"payment.account.set": "Đặt tài khoản thu", "payment.account.secret": "Đổi khóa bí mật nhận báo có",
	"payment.receipt_config.set": "Đặt mẫu số, ký hiệu biên lai", "payment.notification.resolve": "Xử lý giao dịch chưa khớp",
	"procedure.version.draft": "Lưu bản nháp thủ tục", "procedure.version.published": "Công bố thủ tục",
	"procedure.version.archived": "Lưu trữ phiên bản thủ tục",
	"broadcast.cluster.create":   "Thêm cụm loa truyền thanh", "broadcast.speaker.create": "Đăng ký loa truyền thanh",
	"bulletin.create": "Soạn bản tin truyền thanh", "bulletin.approve": "Duyệt bản tin truyền thanh",
	"bulletin.withdraw":   "Thu hồi bản tin truyền thanh",
	"announcement.create": "Soạn thông báo", "announcement.publish": "Đăng thông báo", "announcement.withdraw": "Gỡ thông báo",
	"notify.consent_granted": "Công dân đồng ý nhận thông báo qua một kênh", "notify.consent_withdrawn": "Công dân rút lại đồng ý nhận thông báo",
	"notify.template": "Sửa mẫu tin nhắn", "notify.announcement_subscriptions": "Công dân chọn nhận thông báo của xã, thôn",
}

var auditObjects = map[string]string{
	"api_token": "Mã truy cập API", "calendar_decision": "Quyết định lịch", "consent": "Đồng ý nộp hộ", "dossier": "Hồ sơ",
	"dossier_batch": "Lô hồ sơ nhập", "payment_notification": "Giao dịch ngân hàng", "payment_request": "Yêu cầu thanh toán",
	"procedure": "Thủ tục", "receipt": "Biên lai", "receipt_key": "Khóa ký biên lai", "session": "Phiên đăng nhập",
	"signing_key": "Chứng thư ký số", "trust_anchor": "Chứng thư gốc", "unit": "Đơn vị", "user": "Người dùng", "village": "Thôn",
	"document": "Văn bản", "bulletin": "Bản tin truyền thanh", "broadcast_cluster": "Cụm loa", "broadcast_speaker": "Loa truyền thanh",
	"announcement": "Thông báo", "notify_channel": "Kênh nhận thông báo", "notify_template": "Mẫu tin nhắn",
}

var matchLabels = map[payment.Outcome]string{
	payment.MatchExact: "khớp đủ", payment.MatchPartial: "thiếu tiền", payment.MatchOver: "thừa tiền",
	payment.MatchUnknownReference: "không rõ mã thanh toán", payment.MatchAmbiguous: "nhiều yêu cầu trùng",
	payment.MatchClosed: "yêu cầu đã đóng", payment.MatchWrongAccount: "sai tài khoản nhận",
}

// auditAction is a recorded action in Vietnamese; one the page does not know keeps its
// recorded name.
func auditAction(a string) string {
	if l, ok := auditActions[a]; ok {
		return l
	}
	if rest, ok := strings.CutPrefix(a, "payment.notification."); ok {
		if l, ok := matchLabels[payment.Outcome(rest)]; ok {
			return "Nhận báo có ngân hàng: " + l
		}
	}
	if rest, ok := strings.CutPrefix(a, "dossier."); ok {
		if l := dossier.Action(rest).Label(); l != "" {
			return "Hồ sơ: " + lowerFirst(l)
		}
	}
	if rest, ok := strings.CutPrefix(a, "payment."); ok {
		if l := payment.Action(rest).Label(); l != "" {
			return "Thanh toán: " + lowerFirst(l)
		}
	}
	return a
}

// auditObject names a record's object type in Vietnamese.
func auditObject(t string) string {
	if l, ok := auditObjects[t]; ok {
		return l
	}
	return t
}
