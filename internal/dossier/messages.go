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

// message composes what the applicant is owed after an action, when they gave an e-mail
// address: the receipt, a supplement request, an apology with the new date, the news
// that the result is ready, or the end of the dossier.
func message(d Dossier, act Action, reason string) (notify.Message, bool) {
	if d.Applicant.Email == "" {
		return notify.Message{}, false
	}
	ref := d.Code
	if ref == "" {
		ref = d.ProcedureCode
	}
	var subject string
	var body []string
	hello := "Kính gửi " + d.Applicant.FullName + ","
	switch {
	case act == ActReceive:
		subject = "Hồ sơ đã được tiếp nhận: " + d.ProcedureName
		body = []string{hello, fmt.Sprintf("Hồ sơ %s của ông/bà đã được tiếp nhận.", d.ProcedureName),
			"Thời hạn trả kết quả: " + localTime(d.DueAt) + "."}
	case act == "submit":
		subject = "Đã nhận hồ sơ trực tuyến: " + d.ProcedureName
		body = []string{hello, fmt.Sprintf("Hồ sơ %s của ông/bà đã được gửi và đang chờ cán bộ một cửa kiểm tra.", d.ProcedureName)}
	case act == ActRequestSupplement:
		subject = "Yêu cầu bổ sung hồ sơ " + ref
		body = []string{hello, "Hồ sơ " + ref + " cần bổ sung, hoàn thiện:", reason, "Thời gian bổ sung không tính vào thời hạn giải quyết."}
	case act == ActExtend:
		subject = "Thư xin lỗi và hẹn lại ngày trả kết quả hồ sơ " + ref
		body = []string{hello, "Cơ quan chúng tôi xin lỗi vì hồ sơ " + ref + " chưa giải quyết kịp hạn.",
			"Ngày hẹn trả kết quả mới: " + localTime(d.ExtendedDueAt) + "."}
	case d.Status == StatusResolved && (act == ActApprove || act == ActSign):
		subject = "Hồ sơ " + ref + " đã có kết quả"
		body = []string{hello, "Hồ sơ " + ref + " đã có kết quả. Ông/bà có thể nhận kết quả tại bộ phận một cửa hoặc tra cứu trực tuyến."}
	case act == ActRefuse || act == ActStop:
		subject = "Thông báo về hồ sơ " + ref
		verb := "bị từ chối"
		if act == ActStop {
			verb = "được dừng giải quyết"
		}
		body = []string{hello, "Hồ sơ " + ref + " " + verb + ". Lý do: " + d.Reason}
	default:
		return notify.Message{}, false
	}
	body = append(body, "", "Đây là thư tự động của hệ thống một cửa điện tử.")
	return notify.Message{UnitID: d.CompetentUnitID, To: d.Applicant.Email, Subject: subject, Body: strings.Join(body, "\n"), Ref: ref}, true
}

func localTime(t time.Time) string {
	return t.In(locale.Zone).Format("15 giờ 04, ngày 02/01/2006")
}
