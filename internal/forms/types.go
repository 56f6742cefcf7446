package forms

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/locale"
)

// ReceptionOffice is the issuer printed when a Header names none: the one-stop desk
// (bộ phận tiếp nhận và trả kết quả), which issues forms 01, 02, 03 and 06.
const ReceptionOffice = "Bộ phận Tiếp nhận và Trả kết quả"

// Header is the issuing office printed at the top left of a form (Decree 30/2020's
// "tên cơ quan, tổ chức ban hành văn bản") and the place its documents are dated at.
//
// The desk's slips put the commune's People's Committee above the desk:
//
//	Header{Parent: "Ủy ban nhân dân xã Yên Từ", Place: "Yên Từ"}
//
// A letter the committee signs itself (forms 04 and 05) names it as the issuer:
//
//	Header{Issuer: "Ủy ban nhân dân xã Yên Từ", Place: "Yên Từ"}
//
// Since 1 July 2025 a commune's desk is its "Trung tâm Phục vụ hành chính công"; set
// Issuer to the name the unit uses (unit.Unit.Desk): the printing package does.
type Header struct {
	Parent string // governing body (cơ quan chủ quản), upper case, regular; may be empty
	Issuer string // issuing office, upper case, bold, with a short rule under it; empty means ReceptionOffice
	Place  string // place name of the date line (địa danh): "Yên Từ"
}

func (h Header) issuer() string {
	if h.Issuer == "" {
		return ReceptionOffice
	}
	return h.Issuer
}

// Person is an applicant (người nộp hồ sơ): a citizen or an organisation.
type Person struct {
	Name    string
	Address string
	Phone   string
	Email   string
}

// Paper is a paper of a dossier (thành phần hồ sơ) as received.
type Paper struct {
	Name     string // "Tờ khai đăng ký khai sinh"
	Form     string // "Bản chính", "Bản sao", "Bản chụp", "Bản điện tử"…
	Quantity int
}

// Fee is a charge (phí, lệ phí) shown with its amount in figures and in words.
type Fee struct {
	Name   string // "Lệ phí đăng ký khai sinh"
	Amount int64  // đồng
}

// Signer is who signs an official letter (forms 04 and 05), under the authority lines
// of Decree 30/2020.
type Signer struct {
	Title []string // "TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH"
	Name  string
}

func (s Signer) block() signer { return signer{Title: s.Title, Name: s.Name} }

// The helpers below write the lines the forms share, so that the same datum reads the
// same on every form.

// blank stands for a value to be written in by hand.
const blank = "……"

func orBlank(s string) string {
	if strings.TrimSpace(s) == "" {
		return blank
	}
	return s
}

func label(l, value string) para {
	return para{Spans: []span{{l + ": ", regular}, {orBlank(value), regular}}}
}

func labelBold(l, value string) para {
	return para{Spans: []span{{l + ": ", regular}, {orBlank(value), bold}}}
}

// lowerFirst lower-cases the first letter of s for use inside a sentence ("về việc đăng
// ký khai sinh"), unless the first word is an acronym.
func lowerFirst(s string) string {
	first, _, _ := strings.Cut(s, " ")
	if first == "" {
		return s
	}
	if first == strings.ToUpper(first) && utf8.RuneCountInString(first) > 1 {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[n:]
}

// sentence trims the full stop a reason may end with, before the form adds its own.
func sentence(s string) string {
	return strings.TrimRight(strings.TrimSpace(s), ".")
}

// applicantLines are the applicant's name, address and contact, as the slips list them.
func applicantLines(who string, p Person) []para {
	b := []para{labelBold(who, p.Name), label("Địa chỉ", p.Address)}
	switch {
	case p.Phone != "" && p.Email != "":
		b = append(b, para{Spans: []span{{"Số điện thoại: " + p.Phone + "; Email: " + p.Email, regular}}})
	case p.Email != "":
		b = append(b, label("Email", p.Email))
	default:
		b = append(b, label("Số điện thoại", p.Phone))
	}
	return b
}

func asBlocks(ps []para) []block {
	b := make([]block, len(ps))
	for i, p := range ps {
		b[i] = p
	}
	return b
}

// codeLine is the dossier code centred under the title.
func codeLine(code string) para {
	return para{Spans: []span{{"Mã hồ sơ: ", regular}, {code, bold}}, Align: alignCenter}
}

// twoDigits writes a count the way administrative text does below ten: "01", "05".
func twoDigits(n int) string {
	if n <= 0 {
		return blank
	}
	return fmt.Sprintf("%02d", n)
}

// amount writes money in figures and, in brackets, in words.
func amount(n int64) string {
	return locale.Money(n) + " (" + locale.MoneyWords(n) + ")"
}

// signHere is the note under a signer's title on the slips.
const signHere = "(Ký và ghi rõ họ tên)"

// receiver names who received a dossier in a letter's first sentence: the desk, else the
// issuing body itself.
func receiver(desk, issuer string) string {
	if desk != "" {
		return desk
	}
	return issuer
}
