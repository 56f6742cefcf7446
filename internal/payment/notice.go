package payment

import (
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
)

// Notice is the message a dossier's applicant is owed when a request is billed to them
// (kind fee, docs/NOTIFY.md): to their account's channels or the contacts the dossier
// recorded; nil when there is no one to tell. Storage completes it with the request as
// stored (CompleteNotice) in the same transaction.
func Notice(d dossier.Dossier) *notify.Message {
	phone := notify.E164(d.Applicant.Phone)
	if d.Applicant.Email == "" && phone == "" && d.OwnerID == 0 {
		return nil
	}
	return &notify.Message{UnitID: d.CompetentUnitID, Ref: d.Code, UserID: d.OwnerID, Phone: phone, Email: d.Applicant.Email,
		Kind: notify.KindFee, Subject: "Phí, lệ phí cần nộp cho hồ sơ " + d.Code,
		Data: map[string]string{"ma_ho_so": d.Code, "ten_thu_tuc": d.ProcedureName}}
}

// CompleteNotice fills m with the stored request r: the amount in figures, the transfer
// content (the reference), the dedup key fee:<request id> (one message per request).
func CompleteNotice(m notify.Message, r Request) notify.Message {
	data := make(map[string]string, len(m.Data)+2)
	for k, v := range m.Data {
		data[k] = v
	}
	data["so_tien"], data["noi_dung_ck"] = locale.Number(r.Amount), r.Reference
	m.Data = data
	m.DedupKey = "fee:" + strconv.FormatInt(r.ID, 10)
	m.Body = strings.Join([]string{
		"Hồ sơ " + r.DossierCode + " có phí, lệ phí cần nộp: " + locale.Money(r.Amount) + ".",
		"Nội dung chuyển khoản: " + r.Reference,
		"Ông/bà có thể nộp tại bộ phận một cửa hoặc chuyển khoản vào tài khoản của đơn vị ghi trên trang hồ sơ.",
		"", "Đây là thư tự động của hệ thống một cửa điện tử.",
	}, "\n")
	return m
}
