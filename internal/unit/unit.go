// Package unit describes administrative units (đơn vị hành chính): provinces and
// communes after the 2025 reform, with their statistics codes (Decision 19/2025/QĐ-TTg:
// 2-digit provinces, 5-digit communes, never reused), validity dates so that old codes stay
// valid for old data, and the electronic identifier code (mã định danh điện tử, Decision
// 20/2020/QĐ-TTg) that begins every dossier code of the unit.
package unit

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/xaso-vn/xaso/internal/apperr"
)

// Level is a unit's tier.
type Level string

const (
	Province Level = "province" // tỉnh, thành phố
	Commune  Level = "commune"  // xã, phường, đặc khu
)

// Unit is one administrative unit.
type Unit struct {
	ID        int64
	Code      string // statistics code: 2 digits (province) or 5 digits (commune)
	Level     Level
	ParentID  *int64
	Name      string // "Xã Yên Từ"
	IdentCode string // electronic identifier, e.g. "000.31.37.H45"
	ValidFrom string // YYYY-MM-DD
	ValidTo   string // YYYY-MM-DD, "" while in force
	// ReplacedByID points to the unit that took over after a merger.
	ReplacedByID *int64
	Settings
}

// Settings are what a unit's administrator sets about how the unit presents itself
// (cài đặt đơn vị).
type Settings struct {
	// DeskName is the name of the unit's one-stop desk as forms 01–07 and the pages
	// print it; "" means the default (Desk).
	DeskName string `json:"desk_name"`
	// LetterSymbol is the symbol of the unit's outgoing letters after the number
	// ("UBND-VP" in "05/UBND-VP"); "" means DefaultLetterSymbol.
	LetterSymbol string `json:"letter_symbol"`
}

// DefaultLetterSymbol is the symbol of a commune's letters about dossiers when its
// administrator has set none: the People's Committee and its office (Decree 30/2020,
// Appendix III: a công văn names the body and the drafting unit). UNCONFIRMED: which
// unit drafts the apology letter varies; the setting exists for that.
const DefaultLetterSymbol = "UBND-VP"

// Desk is the name of the unit's one-stop desk: the name its administrator set, else,
// since 1 July 2025 (Decree 118/2025), its Public Administration Service Centre:
// "Trung tâm Phục vụ hành chính công xã Yên Từ".
func (u Unit) Desk() string {
	if u.DeskName != "" {
		return u.DeskName
	}
	name := u.Name
	if r, size := utf8.DecodeRuneInString(name); size > 0 {
		name = string(unicode.ToLower(r)) + name[size:]
	}
	return "Trung tâm Phục vụ hành chính công " + name
}

// LetterNotation is the number and symbol of the unit's outgoing letter n: "05/UBND-VP"
// (a leading zero below 10, Decree 30/2020).
func (u Unit) LetterNotation(n int64) string {
	sym := u.LetterSymbol
	if sym == "" {
		sym = DefaultLetterSymbol
	}
	return fmt.Sprintf("%02d/%s", n, sym)
}

// ErrSettings is the code of invalid unit settings; the message names the field.
var ErrSettings = apperr.New(apperr.Invalid, "invalid_unit_settings", "Cài đặt đơn vị chưa hợp lệ.")

// letterSymbolRE: letters (Vietnamese capitals included) and digits in groups joined by
// hyphens, as Decree 30/2020 writes symbols: "UBND-VP", "TTPVHCC".
var letterSymbolRE = regexp.MustCompile(`^[\p{Lu}0-9]+(-[\p{Lu}0-9]+)*$`)

// Normalize trims the settings and checks them, reporting each problem by field name
// (desk_name, letter_symbol) in Vietnamese.
func (s Settings) Normalize() (Settings, map[string]string) {
	bad := map[string]string{}
	s.DeskName = strings.Join(strings.Fields(norm.NFC.String(s.DeskName)), " ")
	s.LetterSymbol = strings.TrimSpace(norm.NFC.String(s.LetterSymbol))
	if n := utf8.RuneCountInString(s.DeskName); n > 200 {
		bad["desk_name"] = "tên tối đa 200 ký tự"
	} else if strings.ContainsFunc(s.DeskName, unicode.IsControl) {
		bad["desk_name"] = "tên không được chứa ký tự điều khiển"
	}
	if s.LetterSymbol != "" && (len(s.LetterSymbol) > 40 || !letterSymbolRE.MatchString(s.LetterSymbol)) {
		bad["letter_symbol"] = "ký hiệu gồm chữ in hoa và chữ số, nối bằng dấu gạch ngang, không có khoảng trắng; ví dụ UBND-VP"
	}
	return s, bad
}

// ProvinceID is the province the unit belongs to (itself for a province): since the
// 2025 reform there are two tiers, so a commune's parent is its province.
func (u Unit) ProvinceID() int64 {
	if u.Level == Province || u.ParentID == nil {
		return u.ID
	}
	return *u.ParentID
}

// Village is a thôn, xóm or tổ dân phố within a commune.
type Village struct {
	ID     int64
	UnitID int64
	Name   string
}

var (
	codeRE  = map[Level]*regexp.Regexp{Province: regexp.MustCompile(`^\d{2}$`), Commune: regexp.MustCompile(`^\d{5}$`)}
	identRE = regexp.MustCompile(`^[0-9A-Z]{3}\.[0-9A-Z]{2}\.[0-9A-Z]{2}\.[A-Z][0-9A-Z]{2}$`)
	dateRE  = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

// Errors of this package.
var (
	ErrNotFound = apperr.New(apperr.NotFound, "unit_not_found", "Không tìm thấy đơn vị hành chính.")
	ErrExists   = apperr.New(apperr.Conflict, "unit_exists", "Mã đơn vị hành chính đã có.")
)

// Validate checks a unit's codes and dates.
func (u Unit) Validate() error {
	invalid := func(field, msg string) error {
		return apperr.Invalidf("invalid_unit", fmt.Sprintf("Đơn vị %q, trường %s: %s", u.Code, field, msg))
	}
	re, ok := codeRE[u.Level]
	switch {
	case !ok:
		return invalid("level", "cấp phải là province hoặc commune")
	case !re.MatchString(u.Code):
		return invalid("code", "mã tỉnh có 2 chữ số, mã xã có 5 chữ số")
	case strings.TrimSpace(u.Name) == "":
		return invalid("name", "tên không được để trống")
	case u.IdentCode != "" && !identRE.MatchString(u.IdentCode):
		return invalid("ident_code", "mã định danh điện tử có dạng V1V2V3.Z1Z2.Y1Y2.MX1X2, ví dụ 000.31.37.H45")
	case !dateRE.MatchString(u.ValidFrom):
		return invalid("valid_from", "ngày theo dạng YYYY-MM-DD")
	case u.ValidTo != "" && (!dateRE.MatchString(u.ValidTo) || u.ValidTo < u.ValidFrom):
		return invalid("valid_to", "ngày theo dạng YYYY-MM-DD, không trước ngày hiệu lực")
	case u.Level == Commune && u.ParentID == nil:
		return invalid("parent", "xã phải thuộc một tỉnh")
	}
	return nil
}

// InForce reports whether u is valid on date (YYYY-MM-DD).
func (u Unit) InForce(date string) bool {
	return u.ValidFrom <= date && (u.ValidTo == "" || date <= u.ValidTo)
}

// SettingsError lists the problems of settings by field name; it unwraps to ErrSettings.
type SettingsError struct{ Fields map[string]string }

func (e *SettingsError) Error() string {
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString("unit settings:")
	for _, k := range keys {
		b.WriteString(" " + k + ": " + e.Fields[k] + ";")
	}
	return b.String()
}

func (e *SettingsError) Unwrap() error { return ErrSettings }

// Details lists the problems by field, sorted (apperr.Detailed).
func (e *SettingsError) Details() []apperr.Detail {
	out := make([]apperr.Detail, 0, len(e.Fields))
	for k, v := range e.Fields {
		out = append(out, apperr.Detail{Field: k, Message: v})
	}
	slices.SortFunc(out, func(a, b apperr.Detail) int { return strings.Compare(a.Field, b.Field) })
	return out
}
