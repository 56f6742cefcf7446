package web

import (
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
)

// What the pages call the catalog's and the dossiers' values, and how they write times
// (money is internal/locale's).

var onlineLabels = map[catalog.OnlineLevel]string{
	catalog.OnlineFull:    "Toàn trình",
	catalog.OnlinePartial: "Một phần",
	catalog.OnlineNone:    "Trực tiếp",
}

var resultLabels = map[catalog.ResultType]string{
	catalog.ResultPaper:      "Bản giấy",
	catalog.ResultElectronic: "Bản điện tử có chữ ký số",
	catalog.ResultBoth:       "Bản giấy và bản điện tử có chữ ký số",
}

var paperFormLabels = map[catalog.PaperForm]string{
	catalog.PaperOriginal: "Bản chính",
	catalog.PaperCopy:     "Bản sao",
	catalog.PaperEither:   "Bản chính hoặc bản sao",
}

var levelLabels = map[catalog.Level]string{
	catalog.LevelCommune:  "Cấp xã",
	catalog.LevelProvince: "Cấp tỉnh",
	catalog.LevelCentral:  "Cấp trung ương",
}

// dangerous actions end a dossier or turn it back: their buttons look different.
var dangerous = map[dossier.Action]bool{dossier.ActRefuse: true, dossier.ActStop: true, dossier.ActWithdraw: true,
	dossier.ActSendBack: true}

// actionLabel names a history entry's action; "submit" (an online filing) is not an
// action an officer takes, so the dossier package has no label for it.
func actionLabel(a dossier.Action) string {
	if a == "submit" {
		return "Nộp hồ sơ"
	}
	if l := a.Label(); l != "" {
		return l
	}
	return string(a)
}

// appointment writes an instant as appointments are written: "09:00 ngày 05/03/2026",
// in Vietnam time; "" for the zero time.
func appointment(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(locale.Zone).Format("15:04 ngày 02/01/2006")
}

// shortTime writes an instant for tables: "05/03/2026 09:00", Vietnam time.
func shortTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(locale.Zone).Format("02/01/2006 15:04")
}

// sentence capitalises the first letter of a validation message written to follow a
// field name ("cần họ và tên người nộp"), to stand on its own under the field.
func sentence(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToUpper(r)) + s[n:]
}
