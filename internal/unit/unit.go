// Package unit describes administrative units (đơn vị hành chính): provinces and
// communes after the 2025 reform, with their statistics codes (Decision 19/2025/QĐ-TTg:
// 2-digit provinces, 5-digit communes, never reused), validity dates so that old codes stay
// valid for old data, and the electronic identifier code (mã định danh điện tử, Decision
// 20/2020/QĐ-TTg) that begins every dossier code of the unit.
package unit

import (
	"fmt"
	"regexp"
	"strings"

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
