package forms

import (
	"io"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Register is form 07, the register of dossiers (sổ theo dõi hồ sơ) for a period: one
// line per dossier, from receipt to the return of the result, printed on A4 landscape.
type Register struct {
	Unit     Header
	Book     string    // book number (quyển số); optional
	From, To time.Time // the period; either may be zero
	Entries  []RegisterEntry
}

// RegisterEntry is one dossier's line. Zero times print as empty cells, to be filled in
// as the dossier moves on.
type RegisterEntry struct {
	Code          string
	Procedure     string
	Sets          int
	Applicant     string
	Contact       string // address and phone number
	Competent     string // the body that resolves the dossier
	ReceivedAt    time.Time
	DueAt         time.Time
	TransferredAt time.Time // sent to the competent body
	ResolvedAt    time.Time // result received from it
	ReturnedAt    time.Time // result handed to the applicant
	Note          string
}

// PDF writes the register as an A4 landscape PDF.
func (r Register) PDF(w io.Writer) error { return renderPDF(r.document(), w) }

// HTML writes the register as a printable A4 landscape web page.
func (r Register) HTML(w io.Writer) error { return renderHTML(r.document(), w) }

func (r Register) document() document {
	rows := make([][]string, len(r.Entries))
	for i, e := range r.Entries {
		sets := ""
		if e.Sets > 0 {
			sets = strconv.Itoa(e.Sets)
		}
		rows[i] = []string{
			strconv.Itoa(i + 1), e.Code, e.Procedure, sets, e.Applicant, e.Contact, e.Competent,
			cellTime(e.ReceivedAt), cellTime(e.DueAt), cellTime(e.TransferredAt), cellTime(e.ResolvedAt),
			cellTime(e.ReturnedAt), "", e.Note,
		}
	}
	b := []block{title{"SỔ THEO DÕI HỒ SƠ"}}
	if !r.From.IsZero() || !r.To.IsZero() {
		b = append(b, para{Align: alignCenter, Spans: []span{
			{"Từ ngày " + locale.Date(r.From) + " đến ngày " + locale.Date(r.To), italic},
		}})
	}
	if r.Book != "" {
		b = append(b, para{Align: alignCenter, Spans: []span{{"Quyển số: " + r.Book, regular}}})
	}
	b = append(b, table{
		// Widths in millimetres of the 257 mm between the margins: a code breaks once at
		// its hyphens, a date and time on two lines.
		Cols: []column{
			{Head: "TT", Width: 8, Align: alignCenter},
			{Head: "Mã hồ sơ", Width: 26},
			{Head: "Tên thủ tục hành chính", Width: 26},
			{Head: "Số lượng hồ sơ (bộ)", Width: 12, Align: alignCenter},
			{Head: "Tên cá nhân, tổ chức", Width: 22},
			{Head: "Địa chỉ, số điện thoại", Width: 26},
			{Head: "Cơ quan chủ trì giải quyết", Width: 20},
			{Head: "Nhận hồ sơ", Width: 18.5, Align: alignCenter},
			{Head: "Hẹn trả kết quả", Width: 18.5, Align: alignCenter},
			{Head: "Chuyển hồ sơ đến cơ quan giải quyết", Width: 18.5, Align: alignCenter},
			{Head: "Nhận kết quả từ cơ quan giải quyết", Width: 18.5, Align: alignCenter},
			{Head: "Trả kết quả cho cá nhân, tổ chức", Width: 18.5, Align: alignCenter},
			{Head: "Ký nhận", Width: 12},
			{Head: "Ghi chú", Width: 12.5},
		},
		Groups:   []group{{Title: "Ngày, tháng, năm", First: 7, Last: 11}},
		Numbered: true,
		Rows:     rows,
	})
	return document{
		Title:     "Sổ theo dõi hồ sơ",
		Landscape: true,
		Header:    r.Unit,
		Date:      r.To,
		Blocks:    b,
	}
}

// cellTime writes an instant for a register cell — the date, then the time — so that a
// narrow column breaks it between the two.
func cellTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return locale.Date(t) + " " + t.In(locale.Zone).Format("15:04")
}
