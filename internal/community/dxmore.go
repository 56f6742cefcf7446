package community

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"math"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
)

// The indicators per village, the rows behind each computed value (drill-down), their
// values year by year (the trend), and the app installs the citizen app counts itself.

// Part is the numerator or the denominator of a computed indicator.
type Part string

const (
	Numerator   Part = "numerator"
	Denominator Part = "denominator"
)

// Label is the part's name on screen.
func (p Part) Label() string {
	if p == Denominator {
		return "Mẫu số"
	}
	return "Tử số"
}

// Parts are the parts of a computed indicator that have rows behind them: a count (the
// installs) has only a numerator; a manual indicator has none.
func (d Definition) Parts() []Part {
	switch {
	case d.Origin != Computed:
		return nil
	case d.Count:
		return []Part{Numerator}
	}
	return []Part{Numerator, Denominator}
}

// villageAttribution says, for each computed indicator, which of its parts can be
// counted for one village (from what the rows record) and why the value cannot be given
// there when not both. Manual values are the commune's.
var villageAttribution = map[string]struct {
	parts  []Part
	reason string
}{
	"online_dossier_rate":    {nil, "Hồ sơ không ghi thôn của người nộp, nên không tính được theo thôn."},
	"assisted_dossier_share": {[]Part{Numerator}, "Hồ sơ không ghi thôn của người nộp: chỉ đếm được hồ sơ do tổ công nghệ số của thôn nộp hộ (tử số), không có mẫu số theo thôn."},
	"accounts_per_household": {[]Part{Denominator}, "Tài khoản công dân không ghi thôn: chỉ có số hộ của thôn (mẫu số)."},
	"qr_payment_share":       {nil, "Yêu cầu thanh toán không ghi thôn, nên không tính được theo thôn."},
	"help_on_time":           {[]Part{Numerator, Denominator}, ""},
	"app_installs_counted":   {[]Part{Numerator}, ""},
	"telehealth_people":      {nil, "Lịch khám từ xa không ghi thôn của người khám, nên không tính được theo thôn."},
}

// ManualUnattributed is why a manual value has no village figure.
const ManualUnattributed = "Số liệu nhập tay cho cả xã, không có theo thôn."

// VillageDX counts, for one village and a year, the rows that can be attributed to it:
// households (its latest count up to the year's end), dossiers its team's members filed
// on a citizen's behalf, its help requests finished (on time), app installs set up for
// it, and its team's visits (households visited, installs and accounts helped).
type VillageDX struct {
	VillageID                       int64
	Code, Name                      string
	Households                      int
	Assisted                        int
	HelpDone, HelpDoneOnTime        int
	Installs                        int
	Visited, InstallsHelped, Opened int
}

// RowQuery asks for the rows behind a computed indicator's part in [From, To).
type RowQuery struct {
	UnitID    int64
	VillageID int64 // 0: the whole unit
	Indicator string
	Part      Part
	From, To  time.Time
	YearEnd   calendar.Date
	// Limit 0: every row.
	Limit, Offset int
}

// DXRow is one row behind an indicator.
type DXRow struct {
	// Code: the dossier's code, the help request's code, the payment's reference, the
	// village's code, the account's number, the first 12 hex digits of an install's hash.
	Code string
	// At is when the row counts (received, filed, paid, opened, first seen); Day is the
	// date of a village's count.
	At  time.Time
	Day calendar.Date
	// Detail: the dossier's channel, the payment's method, the request's status, the
	// village's name (codes; the pages name them in Vietnamese).
	Detail string
	// Count is what the row adds: 1, or the households of a village's count.
	Count int
}

// Install is an app install the app reported: its id's hash only.
type Install struct {
	IDHash    string
	UnitID    int64
	VillageID int64 // 0: none said
	At        time.Time
}

// YearValues are a year's indicators (the trend).
type YearValues struct {
	Year       int
	Indicators []Indicator
}

// Errors of the drill-down and the installs.
var (
	ErrDXPart         = apperr.New(apperr.Invalid, "dx_part_invalid", "Phần phải là tử số (numerator) hoặc mẫu số (denominator) của một chỉ số tính tự động.")
	ErrDXUnattributed = apperr.New(apperr.Invalid, "dx_not_by_village", "Phần này của chỉ số không tính được theo thôn.")
	ErrInstallID      = apperr.New(apperr.Invalid, "invalid_install_id", "Mã cài đặt phải gồm 16 đến 64 chữ cái, chữ số, dấu gạch ngang hoặc gạch dưới.")
	ErrInstallFlood   = apperr.New(apperr.TooManyRequests, "install_flood", "Quá nhiều lượt báo cài đặt từ địa chỉ này, vui lòng thử lại sau.")
)

// MaxRows is the most rows of a drill-down page.
const MaxRows = 200

func (s *Service) readable(p *auth.Principal, unitID int64, year int) error {
	if !p.Can(unitID, auth.OfficeRoles...) {
		return ErrNotReader
	}
	if year < 2000 || year > 2100 {
		return ErrDXYear
	}
	return nil
}

// VillageIndicators gives the indicators of one of the unit's villages (by code or
// name) for a year: computed where the rows say the village, null with the reason
// elsewhere.
func (s *Service) VillageIndicators(ctx context.Context, p *auth.Principal, unitID int64, year int, village string) (Village, []Indicator, error) {
	if err := s.readable(p, unitID, year); err != nil {
		return Village{}, nil, err
	}
	v, err := s.Village(ctx, unitID, village)
	if err != nil {
		return Village{}, nil, err
	}
	ins, err := s.villageIndicators(ctx, unitID, year, v)
	return v, ins, err
}

func (s *Service) villageIndicators(ctx context.Context, unitID int64, year int, v Village) ([]Indicator, error) {
	from, to, end := yearSpan(year)
	all, err := s.Store.DXVillageCounts(ctx, unitID, from, to, end)
	if err != nil {
		return nil, err
	}
	var c VillageDX
	for _, x := range all {
		if x.VillageID == v.ID {
			c = x
		}
	}
	out := make([]Indicator, 0, len(Definitions))
	for _, d := range Definitions {
		in := Indicator{Definition: d, Village: v.Code}
		a, ok := villageAttribution[d.ID]
		if !ok {
			in.Unattributed = ManualUnattributed
			out = append(out, in)
			continue
		}
		in.Parts, in.Unattributed = a.parts, a.reason
		switch d.ID {
		case "assisted_dossier_share":
			in.Numerator = float64(c.Assisted)
		case "accounts_per_household":
			in.Denominator = float64(c.Households)
		case "help_on_time":
			in.Numerator, in.Denominator = float64(c.HelpDoneOnTime), float64(c.HelpDone)
			if c.HelpDone > 0 {
				val := math.Round(float64(c.HelpDoneOnTime)/float64(c.HelpDone)*100*100) / 100
				in.Value = &val
			}
		case "app_installs_counted":
			n := float64(c.Installs)
			in.Numerator, in.Value = n, &n
		}
		out = append(out, in)
	}
	return out, nil
}

// VillageTable counts the year's attributable rows for each of the unit's villages.
func (s *Service) VillageTable(ctx context.Context, p *auth.Principal, unitID int64, year int) ([]VillageDX, error) {
	if err := s.readable(p, unitID, year); err != nil {
		return nil, err
	}
	from, to, end := yearSpan(year)
	return s.Store.DXVillageCounts(ctx, unitID, from, to, end)
}

// Rows lists the rows behind a computed indicator's numerator or denominator for a
// year, the whole unit's or one village's (when that part can be counted there): a page
// of at most MaxRows, their number, and the sum of their counts (equal to the part).
func (s *Service) Rows(ctx context.Context, p *auth.Principal, unitID int64, year int, village, indicator string, part Part, limit, offset int) ([]DXRow, int, int, error) {
	if err := s.readable(p, unitID, year); err != nil {
		return nil, 0, 0, err
	}
	d, ok := DefinitionOf(indicator)
	if !ok {
		return nil, 0, 0, ErrDXIndicator
	}
	parts := d.Parts()
	q := RowQuery{UnitID: unitID, Indicator: indicator, Part: part, Limit: limit, Offset: max(offset, 0)}
	if village != "" {
		v, err := s.Village(ctx, unitID, village)
		if err != nil {
			return nil, 0, 0, err
		}
		q.VillageID = v.ID
		parts = villageAttribution[indicator].parts
	}
	has := false
	for _, x := range parts {
		has = has || x == part
	}
	if !has {
		if village != "" && len(d.Parts()) > 0 {
			return nil, 0, 0, ErrDXUnattributed
		}
		return nil, 0, 0, ErrDXPart
	}
	if q.Limit <= 0 || q.Limit > MaxRows {
		q.Limit = MaxRows
	}
	q.From, q.To, q.YearEnd = yearSpan(year)
	return s.Store.DXRows(ctx, q)
}

// Trend gives the indicators year by year, from the first year with data (at most 15
// years back) up to year, the whole unit's or one village's.
func (s *Service) Trend(ctx context.Context, p *auth.Principal, unitID int64, year int, village string) ([]YearValues, error) {
	if err := s.readable(p, unitID, year); err != nil {
		return nil, err
	}
	var v Village
	if village != "" {
		var err error
		if v, err = s.Village(ctx, unitID, village); err != nil {
			return nil, err
		}
	}
	first, err := s.Store.DXFirstYear(ctx, unitID)
	if err != nil {
		return nil, err
	}
	if first == 0 || first > year {
		first = year
	}
	first = max(first, year-15)
	var out []YearValues
	for y := first; y <= year; y++ {
		var ins []Indicator
		if v.ID != 0 {
			ins, err = s.villageIndicators(ctx, unitID, y, v)
		} else {
			ins, err = s.indicators(ctx, unitID, y)
		}
		if err != nil {
			return nil, err
		}
		out = append(out, YearValues{Year: y, Indicators: ins})
	}
	return out, nil
}

// InstallReport is what the app posts on its first run.
type InstallReport struct {
	ID      string // the random install id made on the device
	Unit    string // the unit's code; "" for the portal's unit
	Village string // a village's code or name; "" for none
}

// CountInstall keeps an install the app reported once (anyone may report; no personal
// data: only the id's SHA-256 is kept). created is false when the id was already
// counted.
func (s *Service) CountInstall(ctx context.Context, in InstallReport, homeUnitID int64) (bool, error) {
	if !ValidInstallID(in.ID) {
		return false, ErrInstallID
	}
	unitID := homeUnitID
	if in.Unit != "" {
		u, err := s.UnitByCode(ctx, in.Unit)
		if err != nil {
			return false, err
		}
		unitID = u.ID
	}
	rec := Install{UnitID: unitID, At: s.now()}
	if in.Village != "" {
		if len(in.Village) > 200 {
			return false, ErrVillageNotFound
		}
		v, err := s.Village(ctx, unitID, in.Village)
		if err != nil {
			return false, err
		}
		rec.VillageID = v.ID
	}
	rec.IDHash = InstallHash(in.ID)
	return s.Store.RecordInstall(ctx, rec)
}

// ValidInstallID reports whether id can be an install id: 16 to 64 letters, digits,
// "-" or "_" (a UUID, or hex), checked by length before anything else.
func ValidInstallID(id string) bool {
	if len(id) < 16 || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// InstallHash is what is kept of an install id: its SHA-256, in hex.
func InstallHash(id string) string {
	sum := sha256.Sum256([]byte("xaso-install:" + id))
	return hex.EncodeToString(sum[:])
}
