package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/qrform"
	"github.com/xaso-vn/xaso/internal/store"
)

// The demo's QR forms (docs/QRFORMS.md): the culture officer's health declaration ("Tờ
// khai y tế", kept 14 days) and the visitor register of the commune's office (kept 30
// days), both published a week ago and open for two months, with a few answers of the
// last days (illustrative names; no files).

// QRFormTitles are the demo forms' titles.
var QRFormTitles = []string{"Tờ khai y tế", "Sổ đăng ký khách đến làm việc"}

func demoQRForms(ctx context.Context, st *store.Store, commune int64, culture *auth.Principal) error {
	now := time.Now().UTC().Truncate(time.Minute)
	at := now
	svc := &qrform.Service{Store: st, Now: func() time.Time { return at }}
	opens, closes := now.AddDate(0, 0, -7), now.AddDate(0, 2, 0)
	health := qrform.Draft{Title: QRFormTitles[0], RetentionDays: 14, OpensAt: opens, ClosesAt: closes,
		Purpose: "Theo dõi sức khỏe người từ nơi khác về xã để trạm y tế xã liên hệ, hướng dẫn khi cần.",
		Fields: []qrform.Field{
			{Label: "Họ và tên", Kind: qrform.KindText, Required: true},
			{Label: "Số điện thoại", Kind: qrform.KindPhone, Required: true, Help: "Trạm y tế gọi số này khi cần."},
			{Label: "Thôn, xóm nơi ở", Kind: qrform.KindVillage, Required: true},
			{Label: "Ngày về địa phương", Kind: qrform.KindDate, Required: true},
			{Label: "Triệu chứng trong 14 ngày qua", Kind: qrform.KindMulti, Required: true, Options: []string{"Sốt", "Ho", "Khó thở", "Đau họng", "Không có"}},
			{Label: "Có tiếp xúc người bệnh truyền nhiễm", Kind: qrform.KindChoice, Required: true, Options: []string{"Có", "Không", "Không rõ"}},
			{Label: "Ảnh giấy xét nghiệm", Kind: qrform.KindFile, Help: "Nếu có: ảnh chụp hoặc tệp PDF."},
		}}
	visitors := qrform.Draft{Title: QRFormTitles[1], RetentionDays: 30, OpensAt: opens, ClosesAt: closes,
		Purpose: "Ghi nhận khách đến làm việc tại trụ sở Ủy ban nhân dân xã để bảo đảm an ninh, trật tự.",
		Fields: []qrform.Field{
			{Label: "Họ và tên", Kind: qrform.KindText, Required: true},
			{Label: "Số định danh cá nhân", Kind: qrform.KindCCCD},
			{Label: "Đơn vị công tác", Kind: qrform.KindText},
			{Label: "Đến để", Kind: qrform.KindChoice, Required: true, Options: []string{"Làm thủ tục hành chính", "Họp, làm việc", "Liên hệ công tác", "Khác"}},
			{Label: "Số người đi cùng", Kind: qrform.KindNumber},
		}}
	vs, err := st.CommunityVillages(ctx, commune)
	if err != nil {
		return err
	}
	names := []string{"Nguyễn Văn Hải", "Trần Thị Thu", "Lê Văn Phong", "Phạm Thị Hạnh", "Đỗ Văn Toàn", "Vũ Thị Ngọc"}
	symptoms := [][]string{{"Không có"}, {"Ho"}, {"Không có"}, {"Sốt", "Ho"}, {"Không có"}, {"Đau họng"}}
	contact := []string{"Không", "Không", "Không rõ", "Có", "Không", "Không"}
	purposes := []string{"Làm thủ tục hành chính", "Họp, làm việc", "Làm thủ tục hành chính", "Liên hệ công tác", "Khác", "Làm thủ tục hành chính"}
	for i, d := range []qrform.Draft{health, visitors} {
		at = opens
		f, err := svc.Create(ctx, culture, commune, d)
		if err != nil {
			return fmt.Errorf("demo: qr form: %w", err)
		}
		if f, err = svc.Publish(ctx, culture, f.ID); err != nil {
			return fmt.Errorf("demo: qr form: %w", err)
		}
		for j, name := range names {
			at = now.Add(-time.Duration(len(names)-j) * 20 * time.Hour)
			values := map[string][]string{"f1": {name}}
			if i == 0 {
				values["f2"] = []string{fmt.Sprintf("09123450%02d", j)}
				values["f3"] = []string{vs[j%len(vs)].Code}
				values["f4"] = []string{at.AddDate(0, 0, -1).Format("2006-01-02")}
				values["f5"], values["f6"] = symptoms[j], []string{contact[j]}
			} else {
				values["f4"] = []string{purposes[j]}
				values["f5"] = []string{fmt.Sprint(j % 3)}
			}
			if _, err := svc.Submit(ctx, qrform.Answerer{Client: "demo"}, f, qrform.Submission{Values: values, Consent: true}); err != nil {
				return fmt.Errorf("demo: qr answer: %w", err)
			}
		}
	}
	return nil
}
