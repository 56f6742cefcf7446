package qrform

import (
	"bytes"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/qr"
)

// WritePoster writes a form's QR poster: one A4 page with the commune's name, the
// form's title, its QR code (the short link) large enough to scan from a metre away, the
// short link written out for those who type it, the opening and closing times, and the
// purpose and retention people consent to. The text is in Liberation Serif (the slips'
// face, with every Vietnamese letter).
func WritePoster(w io.Writer, unitName string, f Form, link string) error {
	png, err := qr.PNG(link, 1024)
	if err != nil {
		return fmt.Errorf("qrform: poster QR: %w", err)
	}
	p := fpdf.New("P", "mm", "A4", "")
	p.SetMargins(20, 20, 20)
	p.SetAutoPageBreak(false, 15)
	p.AddUTF8FontFromBytes("serif", "", forms.SerifRegular())
	p.SetTitle(f.Title, true)
	p.SetCreator("xaso", false)
	p.AddPage()
	const width = 170.0
	p.SetFont("serif", "", 16)
	p.MultiCell(width, 8, strings.ToUpper(unitName), "", "C", false)
	p.Ln(6)
	p.SetFont("serif", "", 24)
	p.MultiCell(width, 11, f.Title, "", "C", false)
	p.Ln(4)
	p.SetFont("serif", "", 14)
	p.MultiCell(width, 7, "Quét mã QR bằng điện thoại để khai, không cần tài khoản", "", "C", false)
	const side = 120.0
	y := p.GetY() + 4
	p.RegisterImageOptionsReader("qr", fpdf.ImageOptions{ImageType: "PNG"}, bytes.NewReader(png))
	p.ImageOptions("qr", (210-side)/2, y, side, side, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	p.SetY(y + side + 4)
	p.SetFont("serif", "", 16)
	p.MultiCell(width, 8, link, "", "C", false)
	p.Ln(3)
	p.SetFont("serif", "", 12)
	p.MultiCell(width, 6, "Nhận câu trả lời từ "+when(f.OpensAt)+" đến "+when(f.ClosesAt)+".", "", "C", false)
	p.MultiCell(width, 6, "Mục đích: "+f.Purpose, "", "C", false)
	p.MultiCell(width, 6, "Thông tin được lưu "+strconv.Itoa(f.RetentionDays)+" ngày kể từ khi gửi rồi bị xóa (Luật Bảo vệ dữ liệu cá nhân 2025).", "", "C", false)
	if err := p.Error(); err != nil {
		return fmt.Errorf("qrform: poster: %w", err)
	}
	return p.Output(w)
}

// when writes an instant as Vietnam reads it: 07h30 ngày 08/12/2026.
func when(t time.Time) string {
	t = t.In(locale.Zone)
	return t.Format("15h04") + " ngày " + t.Format("02/01/2006")
}
