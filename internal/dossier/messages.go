package dossier

import (
	"fmt"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
)

// ErrNoIdent is returned when the receiving unit has no electronic identifier code, which
// every dossier code begins with.
var ErrNoIdent = apperr.New(apperr.Conflict, "unit_without_ident", "Đơn vị chưa có mã định danh điện tử; quản trị viên cần khai báo trước khi tiếp nhận hồ sơ.")

// message composes what the applicant is owed after an action, to their account's
// channels or the contacts the dossier recorded (docs/NOTIFY.md): the receipt, a supplement request, an apology with the new date, the news
// that the result is ready, or the end of the dossier.
func message(d Dossier, act Action, reason string) (notify.Message, bool) {
	phone := notify.E164(d.Applicant.Phone)
	if d.Applicant.Email == "" && phone == "" && d.OwnerID == 0 {
		return notify.Message{}, false
	}
	ref := d.Code
	if ref == "" {
		ref = d.ProcedureCode
	}
	var subject, kind string
	var body []string
	data := map[string]string{"ma_ho_so": d.Code, "ten_thu_tuc": d.ProcedureName}
	if !d.DueAt.IsZero() {
		data["ngay_hen"] = localTime(d.DueAt)
	}
	hello := "Kính gửi " + d.Applicant.FullName + ","
	switch {
	case act == ActReceive:
		kind, subject = notify.KindReceipt, "Hồ sơ đã được tiếp nhận: "+d.ProcedureName
		body = []string{hello, fmt.Sprintf("Hồ sơ %s của ông/bà đã được tiếp nhận.", d.ProcedureName),
			"Thời hạn trả kết quả: " + localTime(d.DueAt) + "."}
	case act == "submit":
		kind, subject = notify.KindSubmitted, "Đã nhận hồ sơ trực tuyến: "+d.ProcedureName
		body = []string{hello, fmt.Sprintf("Hồ sơ %s của ông/bà đã được gửi và đang chờ cán bộ một cửa kiểm tra.", d.ProcedureName)}
	case act == ActRequestSupplement:
		kind, subject = notify.KindSupplement, "Yêu cầu bổ sung hồ sơ "+ref
		data["ly_do"] = reason
		body = []string{hello, "Hồ sơ " + ref + " cần bổ sung, hoàn thiện:", reason, "Thời gian bổ sung không tính vào thời hạn giải quyết."}
	case act == ActExtend:
		kind, subject = notify.KindApology, "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ "+ref
		data["ngay_hen"] = localTime(d.ExtendedDueAt)
		body = []string{hello, "Cơ quan chúng tôi xin lỗi vì hồ sơ " + ref + " chưa giải quyết kịp hạn.",
			"Ngày hẹn trả kết quả mới: " + localTime(d.ExtendedDueAt) + "."}
	case d.Status == StatusResolved && (act == ActApprove || act == ActSign):
		kind, subject = notify.KindResult, "Hồ sơ "+ref+" đã có kết quả"
		body = []string{hello, "Hồ sơ " + ref + " đã có kết quả. Ông/bà có thể nhận kết quả tại bộ phận một cửa hoặc tra cứu trực tuyến."}
	case act == ActRefuse || act == ActStop:
		kind, subject = notify.KindRefused, "Thông báo về hồ sơ "+ref
		verb := "bị từ chối"
		if act == ActStop {
			verb = "được dừng giải quyết"
		}
		data["trang_thai"], data["ly_do"] = verb, d.Reason
		body = []string{hello, "Hồ sơ " + ref + " " + verb + ". Lý do: " + d.Reason}
	default:
		return notify.Message{}, false
	}
	body = append(body, "", "Đây là thư tự động của hệ thống một cửa điện tử.")
	// One message per action and version of the dossier: a replay owes nothing new.
	dedup := fmt.Sprintf("dossier:%s:%s:%d", ref, act, d.Version)
	return notify.Message{UnitID: d.CompetentUnitID, Subject: subject, Body: strings.Join(body, "\n"), Ref: ref,
		UserID: d.OwnerID, Phone: phone, Email: d.Applicant.Email, Kind: kind, Data: data, DedupKey: dedup}, true
}

func localTime(t time.Time) string {
	return t.In(locale.Zone).Format("15 giờ 04, ngày 02/01/2006")
}
