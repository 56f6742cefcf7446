package community

import (
	"context"
	"math"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The commune's digital-transformation indicators (chỉ số chuyển đổi số): versioned
// definitions, computed from xaso's rows where it knows the answer, entered with their
// source and date where it does not.

// Origin says where an indicator's value comes from.
type Origin string

const (
	Computed Origin = "computed"
	Manual   Origin = "manual"
)

// Definition is one version of an indicator's definition.
type Definition struct {
	ID      string // stable: "online_dossier_rate"
	Version int
	Name    string
	Unit    string // "%", "thôn", "người", "lượt", "tài khoản/hộ"
	Origin  Origin
	Target  *float64
	// Formula says how a computed value is found (or what a manual one means).
	Formula string
	// Count: a computed count, with a numerator (the rows counted) and no denominator.
	Count bool
}

func target(v float64) *float64 { return &v }

// Definitions are the indicators' current definitions, in the dashboard's order.
var Definitions = []Definition{
	{ID: "online_dossier_rate", Version: 1, Name: "Tỷ lệ hồ sơ nộp trực tuyến", Unit: "%", Origin: Computed, Target: target(50),
		Formula: "hồ sơ tiếp nhận trong năm qua cổng của xã, Cổng Dịch vụ công quốc gia hoặc nộp hộ / mọi hồ sơ tiếp nhận trong năm"},
	{ID: "assisted_dossier_share", Version: 1, Name: "Tỷ lệ hồ sơ nộp với sự hỗ trợ của tổ công nghệ số", Unit: "%", Origin: Computed,
		Formula: "hồ sơ tiếp nhận trong năm do tổ công nghệ số nộp hộ (có đồng ý của người dân) / mọi hồ sơ tiếp nhận trong năm"},
	{ID: "accounts_per_household", Version: 1, Name: "Tài khoản công dân trên mỗi hộ", Unit: "tài khoản/hộ", Origin: Computed, Target: target(1),
		Formula: "tài khoản có vai trò công dân của xã / tổng số hộ theo số liệu mới nhất đến hết năm"},
	{ID: "qr_payment_share", Version: 1, Name: "Tỷ lệ thanh toán phí, lệ phí bằng chuyển khoản QR", Unit: "%", Origin: Computed, Target: target(50),
		Formula: "yêu cầu thanh toán trả đủ trong năm qua chuyển khoản ngân hàng báo có (mã VietQR) / mọi yêu cầu trả đủ trong năm"},
	{ID: "help_on_time", Version: 1, Name: "Tỷ lệ yêu cầu hỗ trợ hoàn thành đúng hạn", Unit: "%", Origin: Computed, Target: target(90),
		Formula: "yêu cầu hỗ trợ gửi trong năm được tổ công nghệ số hoàn thành lần đầu trước hạn / yêu cầu gửi trong năm đã hoàn thành"},
	{ID: "villages_connected", Version: 1, Name: "Thôn có cáp quang, internet băng rộng", Unit: "thôn", Origin: Manual, Target: target(12),
		Formula: "số thôn có hạ tầng internet băng rộng cố định"},
	{ID: "team_members", Version: 1, Name: "Thành viên tổ công nghệ số cộng đồng", Unit: "người", Origin: Manual,
		Formula: "số thành viên các tổ công nghệ số cộng đồng"},
	{ID: "app_installs", Version: 1, Name: "Lượt cài đặt ứng dụng được hỗ trợ", Unit: "lượt", Origin: Manual,
		Formula: "số lượt người dân được hỗ trợ cài đặt ứng dụng"},
	{ID: "smartphone_share", Version: 1, Name: "Tỷ lệ người dân sử dụng điện thoại thông minh", Unit: "%", Origin: Manual, Target: target(80),
		Formula: "người dùng điện thoại thông minh / dân số"},
	{ID: "telehealth_share", Version: 1, Name: "Tỷ lệ người dân được khám, tư vấn sức khỏe từ xa", Unit: "%", Origin: Manual,
		Formula: "người dân được tiếp cận khám, tư vấn từ xa / dân số"},
	{ID: "app_installs_counted", Version: 1, Name: "Lượt cài đặt ứng dụng đếm được", Unit: "lượt", Origin: Computed, Count: true,
		Formula: "lượt cài đặt ứng dụng của xã do chính ứng dụng báo về khi chạy lần đầu trong năm, mỗi máy một lần"},
	{ID: "telehealth_people", Version: 1, Name: "Người dân được khám, tư vấn từ xa qua lịch hẹn của trạm y tế", Unit: "người", Origin: Computed, Count: true,
		Formula: "số người khác nhau (tài khoản hoặc số điện thoại) có lịch khám từ xa được trạm y tế ghi nhận đã khám trong năm"},
}

// Definition finds an indicator's definition.
func DefinitionOf(id string) (Definition, bool) {
	for _, d := range Definitions {
		if d.ID == id {
			return d, true
		}
	}
	return Definition{}, false
}

// Indicator is an indicator's value for a unit and year.
type Indicator struct {
	Definition
	Value *float64 // nil: nothing to compute from, or no value entered
	// Source and AsOf say where a manual value comes from; Basis counts the rows behind
	// a computed one (numerator and denominator).
	Source      string
	AsOf        calendar.Date
	Numerator   float64
	Denominator float64
	// Village is the village's code when the value is one village's; Unattributed then
	// says why the value cannot be given for a village (Value nil), and Parts which of
	// the numerator and the denominator can still be counted there.
	Village      string
	Unattributed string
	Parts        []Part
}

// DXValue is a manual value as entered.
type DXValue struct {
	UnitID    int64
	Indicator string
	Year      int
	Value     float64
	Source    string
	AsOf      calendar.Date
}

// DXCounts are the rows a unit's computed indicators count in a period.
type DXCounts struct {
	Received, Online, Assisted int // dossiers received in the period
	Citizens, Households       int
	Paid, PaidByQR             int
	HelpDone, HelpDoneOnTime   int
	Installs                   int // app installs first reported in the period
	TelehealthPeople           int // distinct people attended a tele-health booking
}

// DXStore is what the indicators need from storage.
type DXStore interface {
	DXCounts(ctx context.Context, unitID int64, from, to time.Time, yearEnd calendar.Date) (DXCounts, error)
	DXValues(ctx context.Context, unitID int64, year int) ([]DXValue, error)
	AddDXValue(ctx context.Context, v DXValue, by int64) error
	// DXVillageCounts counts, for each of a unit's villages, the rows that can be
	// attributed to a village.
	DXVillageCounts(ctx context.Context, unitID int64, from, to time.Time, yearEnd calendar.Date) ([]VillageDX, error)
	// DXRows lists the rows behind a computed indicator's numerator or denominator, with
	// their number and the sum of their counts (what the indicator counts).
	DXRows(ctx context.Context, q RowQuery) (rows []DXRow, total, sum int, err error)
	// DXFirstYear is the first year with a row or a value behind the unit's indicators
	// (0: none).
	DXFirstYear(ctx context.Context, unitID int64) (int, error)
	// RecordInstall keeps an app install (its id's hash) once; created says it is new.
	RecordInstall(ctx context.Context, in Install) (created bool, err error)
}

// Errors of the indicators.
var (
	ErrDXYear      = apperr.New(apperr.Invalid, "invalid_year", "Năm phải từ 2000 đến 2100.")
	ErrDXIndicator = apperr.New(apperr.Invalid, "dx_indicator_unknown", "Không có chỉ số này, hoặc chỉ số này được tính tự động, không nhập tay.")
)

// Indicators gives a unit's indicators for a year (its officials): the computed ones
// from the rows, the manual ones as last entered.
func (s *Service) Indicators(ctx context.Context, p *auth.Principal, unitID int64, year int) ([]Indicator, error) {
	if !p.Can(unitID, auth.OfficeRoles...) {
		return nil, ErrNotReader
	}
	if year < 2000 || year > 2100 {
		return nil, ErrDXYear
	}
	return s.indicators(ctx, unitID, year)
}

// yearSpan is a year in Vietnam's time: [from, to) and its last day.
func yearSpan(year int) (from, to time.Time, end calendar.Date) {
	from = time.Date(year, 1, 1, 0, 0, 0, 0, locale.Zone)
	return from, from.AddDate(1, 0, 0), calendar.NewDate(year, 12, 31)
}

func (s *Service) indicators(ctx context.Context, unitID int64, year int) ([]Indicator, error) {
	from, to, end := yearSpan(year)
	c, err := s.Store.DXCounts(ctx, unitID, from, to, end)
	if err != nil {
		return nil, err
	}
	values, err := s.Store.DXValues(ctx, unitID, year)
	if err != nil {
		return nil, err
	}
	ratio := func(n, d int, scale float64) (float64, float64, *float64) {
		if d == 0 {
			return float64(n), float64(d), nil
		}
		v := math.Round(float64(n)/float64(d)*scale*100) / 100
		return float64(n), float64(d), &v
	}
	out := make([]Indicator, 0, len(Definitions))
	for _, d := range Definitions {
		in := Indicator{Definition: d}
		switch d.ID {
		case "online_dossier_rate":
			in.Numerator, in.Denominator, in.Value = ratio(c.Online, c.Received, 100)
		case "assisted_dossier_share":
			in.Numerator, in.Denominator, in.Value = ratio(c.Assisted, c.Received, 100)
		case "accounts_per_household":
			in.Numerator, in.Denominator, in.Value = ratio(c.Citizens, c.Households, 1)
		case "qr_payment_share":
			in.Numerator, in.Denominator, in.Value = ratio(c.PaidByQR, c.Paid, 100)
		case "help_on_time":
			in.Numerator, in.Denominator, in.Value = ratio(c.HelpDoneOnTime, c.HelpDone, 100)
		case "app_installs_counted":
			n := float64(c.Installs)
			in.Numerator, in.Value = n, &n
		case "telehealth_people":
			n := float64(c.TelehealthPeople)
			in.Numerator, in.Value = n, &n
		default:
			for _, v := range values { // oldest first: the last wins
				if v.Indicator == d.ID {
					val := v.Value
					in.Value, in.Source, in.AsOf = &val, v.Source, v.AsOf
				}
			}
		}
		in.Parts = d.Parts()
		out = append(out, in)
	}
	return out, nil
}

// SetManual enters a manual indicator's value for a year, with its source and date (the
// unit's leader or administrator).
func (s *Service) SetManual(ctx context.Context, p *auth.Principal, v DXValue) error {
	if !p.Can(v.UnitID, Editors...) {
		return ErrNotEditor
	}
	d, ok := DefinitionOf(v.Indicator)
	if !ok || d.Origin != Manual {
		return ErrDXIndicator
	}
	bad := map[string]string{}
	v.Source = oneLine(v.Source)
	switch {
	case v.Source == "":
		bad["source"] = "Vui lòng ghi nguồn số liệu (văn bản, báo cáo, điều tra)."
	case tooLong(v.Source, MaxSource):
		bad["source"] = "Nguồn số liệu dài tối đa 300 ký tự."
	}
	if v.AsOf.IsZero() || !v.AsOf.IsValid() {
		bad["as_of"] = "Vui lòng ghi ngày của số liệu."
	}
	if v.Year < 2000 || v.Year > 2100 {
		bad["date"] = "Năm phải từ 2000 đến 2100."
	}
	if math.IsNaN(v.Value) || math.IsInf(v.Value, 0) || v.Value < 0 || v.Value > 1e9 || d.Unit == "%" && v.Value > 100 {
		bad["value"] = "Giá trị phải là số không âm (tỷ lệ phần trăm tối đa 100)."
	}
	if err := fieldErr(bad); err != nil {
		return err
	}
	return s.Store.AddDXValue(ctx, v, p.UserID)
}
