package catalog

import (
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/calendar"
)

func TestValidProcedure(t *testing.T) {
	p := validProcedure()
	if err := p.ValidateForPublish(); err != nil {
		t.Fatalf("ValidateForPublish: %v", err)
	}
	if w := p.Warnings(); len(w) != 0 {
		t.Errorf("Warnings = %v, want none", w)
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	minus := int64(-1)
	tests := []struct {
		name   string
		edit   func(*Procedure)
		path   string
		msg    string
		render string // a substring of the rendered problem, when it matters
	}{
		{"empty code", func(p *Procedure) { p.Code = "" }, "code", "không được để trống", ""},
		{"malformed code", func(p *Procedure) { p.Code = "1.00119" }, "code", "không đúng dạng", ""},
		{"lower-case suffix", func(p *Procedure) { p.Code = "1.001193.h42" }, "code", "không đúng dạng", ""},
		{"empty name", func(p *Procedure) { p.Name = " " }, "name", "không được để trống", ""},
		{"field code", func(p *Procedure) { p.Field.Code = "Hộ tịch" }, "field.code", "ho-tich", ""},
		{"level", func(p *Procedure) { p.ImplementingLevel = "district" }, "implementing_level", "không hợp lệ", ""},
		{"legal time zero", func(p *Procedure) { p.LegalTime.Value = 0 }, "legal_time.value", "từ 1", ""},
		{"legal time unit", func(p *Procedure) { p.LegalTime.Unit = "weeks" }, "legal_time.unit", "không hợp lệ", ""},
		{"too many hours", func(p *Procedure) { p.LegalTime = Duration{Value: 81, Unit: Hours} }, "legal_time.value", "tính theo ngày", ""},
		{"cut-off", func(p *Procedure) { p.CutOff = "3pm" }, "cut_off", "HH:MM", ""},
		{"cut-off midnight", func(p *Procedure) { p.CutOff = "24:00" }, "cut_off", "HH:MM", ""},
		{"negative fee", func(p *Procedure) { p.Fees[0].Amount = -5000 }, "fees[0].amount", "số tiền không được âm",
			"thủ tục 1.004873, fees[0].amount: số tiền không được âm"},
		{"negative online fee", func(p *Procedure) { p.Fees[0].OnlineAmount = &minus }, "fees[0].online_amount", "không được âm", ""},
		{"online fee offline", func(p *Procedure) { p.OnlineLevel = OnlineNone; p.Form = nil }, "fees[0].online_amount", "không có dịch vụ công trực tuyến", ""},
		{"fee name", func(p *Procedure) { p.Fees[0].Name = "" }, "fees[0].name", "không được để trống", ""},
		{"fee too large", func(p *Procedure) { p.Fees[0].Amount = maxAmount + 1 }, "fees[0].amount", "quá lớn", ""},
		{"online fee too large", func(p *Procedure) { *p.Fees[0].OnlineAmount = maxAmount + 1 }, "fees[0].online_amount", "quá lớn", ""},
		{"name too long", func(p *Procedure) { p.Name = strings.Repeat("x", 501) }, "name", "dài quá 500 ký tự", ""},
		{"paper form", func(p *Procedure) { p.Papers[0].Form = "photo" }, "papers[0].form", "không hợp lệ", ""},
		{"paper quantity", func(p *Procedure) { p.Papers[0].Quantity = 0 }, "papers[0].quantity", "từ 1", ""},
		{"template path", func(p *Procedure) { p.Papers[0].Template = "../etc/passwd.docx" }, "papers[0].template", "tên tệp", ""},
		{"template kind", func(p *Procedure) { p.Papers[0].Template = "to-khai.exe" }, "papers[0].template", "tên tệp", ""},
		{"result", func(p *Procedure) { p.Result = "" }, "result", "không hợp lệ", ""},
		{"online level", func(p *Procedure) { p.OnlineLevel = "level4" }, "online_level", "không hợp lệ", ""},
		{"legal basis", func(p *Procedure) { p.LegalBasis = []string{""} }, "legal_basis[0]", "không được để trống", ""},
		{"form field name", func(p *Procedure) { p.Form[0].Name = "Họ tên" }, "form[0].name", "viết thường", ""},
		{"duplicate form field", func(p *Procedure) { p.Form[1].Name = "subject_name" }, "form[1].name", "lặp lại", ""},
		{"form field type", func(p *Procedure) { p.Form[0].Type = "rich_text" }, "form[0].type", "không hợp lệ", ""},
		{"choice without options", func(p *Procedure) { p.Form[3].Options = nil }, "form[3].options", "ít nhất một", ""},
		{"options on text", func(p *Procedure) { p.Form[0].Options = []string{"a"} }, "form[0].options", "chỉ trường lựa chọn", ""},
		{"duplicate option", func(p *Procedure) { p.Form[3].Options = []string{"a", "a"} }, "form[3].options[1]", "lặp lại", ""},
		{"empty option", func(p *Procedure) { p.Form[3].Options = []string{"a", ""} }, "form[3].options[1]", "không được để trống", ""},
		{"empty label", func(p *Procedure) { p.Form[0].Label = "" }, "form[0].label", "không được để trống", ""},
		{"max length", func(p *Procedure) { p.Form[0].MaxLength = -1 }, "form[0].max_length", "độ dài", ""},
		{"version", func(p *Procedure) { p.Version = 0 }, "version", "từ 1", ""},
		{"status", func(p *Procedure) { p.Status = "deleted" }, "status", "không hợp lệ", ""},
		{"source", func(p *Procedure) { p.Sources[0].URL = "dichvucong.gov.vn" }, "sources[0].url", "http", ""},
		{"unconfirmed", func(p *Procedure) { p.Unconfirmed = []string{" "} }, "unconfirmed[0]", "không được để trống", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProcedure()
			tt.edit(&p)
			ps := problemsOf(t, p.Validate())
			if !hasProblem(ps, tt.path, tt.msg) {
				t.Fatalf("no problem at %s containing %q in %v", tt.path, tt.msg, ps)
			}
			if tt.render != "" && !strings.Contains(p.Validate().Error(), tt.render) {
				t.Errorf("error %q does not contain %q", p.Validate().Error(), tt.render)
			}
		})
	}

	t.Run("all at once", func(t *testing.T) {
		p := validProcedure()
		p.Name = ""
		p.Fees[0].Amount = -1
		p.Workflow.Steps[1].Role = "xyz"
		ps := problemsOf(t, p.Validate())
		if len(ps) != 3 {
			t.Errorf("got %d problems, want 3: %v", len(ps), ps)
		}
	})
}

func TestProcedureAccessors(t *testing.T) {
	p := validProcedure()
	p.Code = "1.004873.H42"
	if got := p.NationalCode(); got != "1.004873" {
		t.Errorf("NationalCode = %q", got)
	}
	if got := p.LegalHours(); got != 24 {
		t.Errorf("LegalHours = %d, want 24", got)
	}
	if _, ok := p.CutOffClock(); ok {
		t.Error("CutOffClock without a cut-off reports one")
	}
	p.CutOff = "15:00"
	if c, ok := p.CutOffClock(); !ok || c != calendar.NewClock(15, 0) {
		t.Errorf("CutOffClock = %v, %v", c, ok)
	}
	if got := Fold(p.SearchText()); got != "1 004873 h42 thu tuc cap giay xac nhan tinh trang hon nhan ho tich" {
		t.Errorf("folded SearchText = %q", got)
	}
}

func TestFeeAmountFor(t *testing.T) {
	reduced := int64(4000)
	tests := []struct {
		name   string
		fee    Fee
		online bool
		want   int64
	}{
		{"counter", Fee{Amount: 8000, OnlineAmount: &reduced}, false, 8000},
		{"online reduced", Fee{Amount: 8000, OnlineAmount: &reduced}, true, 4000},
		{"online same", Fee{Amount: 8000}, true, 8000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.fee.AmountFor(tt.online); got != tt.want {
				t.Errorf("AmountFor(%v) = %d, want %d", tt.online, got, tt.want)
			}
		})
	}
}

func TestDuration(t *testing.T) {
	tests := []struct {
		d     Duration
		hours int
		text  string
	}{
		{Duration{3, Days}, 24, "3 ngày làm việc"},
		{Duration{2, Hours}, 2, "2 giờ làm việc"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			if got := tt.d.WorkingHours(); got != tt.hours {
				t.Errorf("WorkingHours = %d, want %d", got, tt.hours)
			}
			if got := tt.d.String(); got != tt.text {
				t.Errorf("String = %q, want %q", got, tt.text)
			}
		})
	}
}
