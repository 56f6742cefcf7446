package community

import (
	"bytes"
	"fmt"
	"io"

	"github.com/go-pdf/fpdf"

	"github.com/xaso-vn/xaso/internal/forms"
	"github.com/xaso-vn/xaso/internal/qr"
)

// Poster is what a village's printable poster says: the commune, the village and the
// link to the help form with the village chosen (/ho-tro?thon=CODE), which its QR code
// holds.
type Poster struct {
	UnitName, VillageName, Link string
}

// WritePosterPDF writes the poster on one A4 page: a heading, who helps with what, the
// QR code (12 cm, printed sharp from a PNG of qr.PrintSize pixels per side and more) and
// the short link under it, for those who type it.
func WritePosterPDF(w io.Writer, p Poster) error {
	png, err := qr.PNG(p.Link, 2*qr.PrintSize)
	if err != nil {
		return err
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(20, 20, 20)
	f.SetAutoPageBreak(false, 20)
	f.AddUTF8FontFromBytes("serif", "", forms.SerifRegular())
	f.SetTitle("Áp phích tổ công nghệ số cộng đồng "+p.VillageName, true)
	f.SetCreator("xaso", false)
	f.AddPage()
	const width = 170.0 // A4's 210 mm less the margins
	f.SetFont("serif", "", 14)
	f.MultiCell(width, 7, p.UnitName, "", "C", false)
	f.Ln(4)
	f.SetFont("serif", "", 28)
	f.MultiCell(width, 12, "Cần giúp dùng điện thoại, nộp hồ sơ trực tuyến?", "", "C", false)
	f.Ln(4)
	f.SetFont("serif", "", 15)
	f.MultiCell(width, 7.5, "Tổ công nghệ số cộng đồng "+p.VillageName+" hỗ trợ miễn phí: cài ứng dụng, mở tài khoản, "+
		"nộp hồ sơ trực tuyến, thanh toán không tiền mặt, sự cố loa truyền thanh, mạng internet.", "", "C", false)
	f.Ln(6)
	const side = 120.0
	opt := fpdf.ImageOptions{ImageType: "PNG"}
	f.RegisterImageOptionsReader("qr", opt, bytes.NewReader(png))
	_, y := f.GetXY()
	f.ImageOptions("qr", (210-side)/2, y, side, side, false, opt, 0, "")
	f.SetXY(20, y+side+6)
	f.SetFont("serif", "", 15)
	f.MultiCell(width, 7.5, "Quét mã QR hoặc vào địa chỉ dưới đây để gửi yêu cầu; tổ sẽ gọi lại trong 3 ngày làm việc.", "", "C", false)
	f.Ln(2)
	f.SetFont("serif", "", 17)
	f.MultiCell(width, 8.5, p.Link, "", "C", false)
	if err := f.Error(); err != nil {
		return fmt.Errorf("community: poster PDF: %w", err)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return fmt.Errorf("community: poster PDF: %w", err)
	}
	_, err = w.Write(buf.Bytes())
	return err
}
