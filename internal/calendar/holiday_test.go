package calendar

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestKind(t *testing.T) {
	tests := []struct {
		kind    Kind
		name    string
		working bool
	}{
		{KindHoliday, "holiday", false},
		{KindCompensatory, "compensatory", false},
		{KindDecreedOff, "decreed-off", false},
		{KindDecreedWorkday, "decreed-workday", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.kind.String(); got != tt.name {
				t.Errorf("String() = %q, want %q", got, tt.name)
			}
			if got, err := ParseKind(tt.name); err != nil || got != tt.kind {
				t.Errorf("ParseKind(%q) = %v, %v", tt.name, got, err)
			}
			if got := tt.kind.Working(); got != tt.working {
				t.Errorf("Working() = %v, want %v", got, tt.working)
			}
		})
	}
	if got := Kind(0).String(); got != "Kind(0)" {
		t.Errorf("Kind(0).String() = %q", got)
	}
	if _, err := ParseKind("Holiday"); !errors.Is(err, ErrSyntax) {
		t.Errorf("ParseKind(Holiday) error = %v, want ErrSyntax", err)
	}
}

// formatDays renders days as the command line prints them, one per line, which makes
// expected lists easy to read and diffs easy to follow.
func formatDays(days []Day) string {
	var b strings.Builder
	for _, d := range days {
		fmt.Fprintf(&b, "%v\t%v\t%s\n", d.Date, d.Kind, d.Name)
	}
	return b.String()
}

func TestLegalHolidays(t *testing.T) {
	tests := []struct {
		year int
		want string
	}{
		{2023, `2023-01-01	holiday	Tết Dương lịch
2023-01-02	compensatory	Nghỉ bù Tết Dương lịch
2023-01-21	holiday	Tết Nguyên đán
2023-01-22	holiday	Tết Nguyên đán
2023-01-23	holiday	Tết Nguyên đán
2023-01-24	holiday	Tết Nguyên đán
2023-01-25	holiday	Tết Nguyên đán
2023-01-26	compensatory	Nghỉ bù Tết Nguyên đán
2023-01-27	compensatory	Nghỉ bù Tết Nguyên đán
2023-04-29	holiday	Giỗ Tổ Hùng Vương
2023-04-30	holiday	Ngày Chiến thắng
2023-05-01	holiday	Ngày Quốc tế Lao động
2023-05-02	compensatory	Nghỉ bù Giỗ Tổ Hùng Vương
2023-05-03	compensatory	Nghỉ bù Ngày Chiến thắng
2023-09-02	holiday	Quốc khánh
2023-09-03	holiday	Quốc khánh
2023-09-04	compensatory	Nghỉ bù Quốc khánh
2023-09-05	compensatory	Nghỉ bù Quốc khánh
`},
		{2024, `2024-01-01	holiday	Tết Dương lịch
2024-02-09	holiday	Tết Nguyên đán
2024-02-10	holiday	Tết Nguyên đán
2024-02-11	holiday	Tết Nguyên đán
2024-02-12	holiday	Tết Nguyên đán
2024-02-13	holiday	Tết Nguyên đán
2024-02-14	compensatory	Nghỉ bù Tết Nguyên đán
2024-02-15	compensatory	Nghỉ bù Tết Nguyên đán
2024-04-18	holiday	Giỗ Tổ Hùng Vương
2024-04-30	holiday	Ngày Chiến thắng
2024-05-01	holiday	Ngày Quốc tế Lao động
2024-09-02	holiday	Quốc khánh
2024-09-03	holiday	Quốc khánh
`},
		{2025, `2025-01-01	holiday	Tết Dương lịch
2025-01-28	holiday	Tết Nguyên đán
2025-01-29	holiday	Tết Nguyên đán
2025-01-30	holiday	Tết Nguyên đán
2025-01-31	holiday	Tết Nguyên đán
2025-02-01	holiday	Tết Nguyên đán
2025-02-03	compensatory	Nghỉ bù Tết Nguyên đán
2025-04-07	holiday	Giỗ Tổ Hùng Vương
2025-04-30	holiday	Ngày Chiến thắng
2025-05-01	holiday	Ngày Quốc tế Lao động
2025-09-02	holiday	Quốc khánh
2025-09-03	holiday	Quốc khánh
`},
		{2026, `2026-01-01	holiday	Tết Dương lịch
2026-02-16	holiday	Tết Nguyên đán
2026-02-17	holiday	Tết Nguyên đán
2026-02-18	holiday	Tết Nguyên đán
2026-02-19	holiday	Tết Nguyên đán
2026-02-20	holiday	Tết Nguyên đán
2026-04-26	holiday	Giỗ Tổ Hùng Vương
2026-04-27	compensatory	Nghỉ bù Giỗ Tổ Hùng Vương
2026-04-30	holiday	Ngày Chiến thắng
2026-05-01	holiday	Ngày Quốc tế Lao động
2026-09-02	holiday	Quốc khánh
2026-09-03	holiday	Quốc khánh
`},
		// Labour Code 1994: Tết 4 days, Quốc khánh 1 day; Giỗ Tổ since 2007.
		{2012, `2012-01-01	holiday	Tết Dương lịch
2012-01-02	compensatory	Nghỉ bù Tết Dương lịch
2012-01-22	holiday	Tết Nguyên đán
2012-01-23	holiday	Tết Nguyên đán
2012-01-24	holiday	Tết Nguyên đán
2012-01-25	holiday	Tết Nguyên đán
2012-01-26	compensatory	Nghỉ bù Tết Nguyên đán
2012-03-31	holiday	Giỗ Tổ Hùng Vương
2012-04-02	compensatory	Nghỉ bù Giỗ Tổ Hùng Vương
2012-04-30	holiday	Ngày Chiến thắng
2012-05-01	holiday	Ngày Quốc tế Lao động
2012-09-02	holiday	Quốc khánh
2012-09-03	compensatory	Nghỉ bù Quốc khánh
`},
		{2006, `2006-01-01	holiday	Tết Dương lịch
2006-01-02	compensatory	Nghỉ bù Tết Dương lịch
2006-01-28	holiday	Tết Nguyên đán
2006-01-29	holiday	Tết Nguyên đán
2006-01-30	holiday	Tết Nguyên đán
2006-01-31	holiday	Tết Nguyên đán
2006-02-01	compensatory	Nghỉ bù Tết Nguyên đán
2006-02-02	compensatory	Nghỉ bù Tết Nguyên đán
2006-04-30	holiday	Ngày Chiến thắng
2006-05-01	holiday	Ngày Quốc tế Lao động
2006-05-02	compensatory	Nghỉ bù Ngày Chiến thắng
2006-09-02	holiday	Quốc khánh
2006-09-04	compensatory	Nghỉ bù Quốc khánh
`},
		{1994, ``},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.year), func(t *testing.T) {
			days, err := LegalHolidays(tt.year)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatDays(days); got != tt.want {
				t.Errorf("LegalHolidays(%d) =\n%s\nwant\n%s", tt.year, got, tt.want)
			}
		})
	}
}

// The Labour Code's changes, year by year: each year has as many holidays as the code
// in force gives (compensatory days aside).
func TestLegalHolidaysCount(t *testing.T) {
	for y := 1995; y <= MaxYear; y++ {
		days, err := LegalHolidays(y)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, d := range days {
			if d.Kind == KindHoliday {
				n++
			}
		}
		var want int
		switch {
		case y < 2007:
			want = 8
		case y <= 2013: // Tết 2013 (10 February) came before the 2012 code took effect
			want = 9
		case y < 2021:
			want = 10
		default:
			want = 11
		}
		if n != want {
			t.Errorf("%d: %d holidays, want %d", y, n, want)
		}
	}
}

func TestLegalHolidaysOutOfRange(t *testing.T) {
	for _, y := range []int{MinYear - 1, MaxYear + 1} {
		if _, err := LegalHolidays(y); !errors.Is(err, ErrOutOfRange) {
			t.Errorf("LegalHolidays(%d) error = %v, want ErrOutOfRange", y, err)
		}
	}
}

func TestRulesHolidays(t *testing.T) {
	from := Date{2000, time.January, 1}
	tests := []struct {
		name  string
		rules Rules
		year  int
		want  string
	}{
		{
			name: "coinciding holidays make one day",
			rules: Rules{
				{Name: "A", Month: 5, Day: 5, Length: 1, ValidFrom: from},
				{Name: "B", Month: 5, Day: 5, Length: 1, ValidFrom: from},
			},
			year: 2026, // a Tuesday
			want: "2026-05-05\tholiday\tA; B\n",
		},
		{
			name: "compensatory day carried into the next year",
			rules: Rules{
				{Name: "Cuối năm", Month: 12, Day: 31, Length: 1, ValidFrom: from},
			},
			year: 2028, // 2027-12-31 is a Friday; 2028-12-31 a Sunday
			want: "2028-12-31\tholiday\tCuối năm\n",
		},
		{
			name: "compensatory day from the year before",
			rules: Rules{
				{Name: "Cuối năm", Month: 12, Day: 31, Length: 1, ValidFrom: from},
			},
			year: 2029,
			want: "2029-01-01\tcompensatory\tNghỉ bù Cuối năm\n2029-12-31\tholiday\tCuối năm\n",
		},
		{
			name: "valid_to ends a rule",
			rules: Rules{
				{Name: "Cũ", Month: 6, Day: 1, Length: 1, ValidFrom: from, ValidTo: Date{2026, time.May, 31}},
			},
			year: 2026,
			want: "",
		},
		{
			name: "lunar rule with offset",
			rules: Rules{
				{Name: "Rằm tháng Giêng", Lunar: true, Month: 1, Day: 15, Offset: -1, Length: 2, ValidFrom: from},
			},
			year: 2026, // lunar 15/1 is Tuesday 3 March
			want: "2026-03-02\tholiday\tRằm tháng Giêng\n2026-03-03\tholiday\tRằm tháng Giêng\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			days, err := tt.rules.Holidays(tt.year)
			if err != nil {
				t.Fatal(err)
			}
			if got := formatDays(days); got != tt.want {
				t.Errorf("Holidays(%d) =\n%s\nwant\n%s", tt.year, got, tt.want)
			}
		})
	}
	bad := Rules{{Name: "Ngày 30", Lunar: true, Month: 12, Day: 30, Length: 1, ValidFrom: from}}
	if _, err := bad.Holidays(2026); !errors.Is(err, ErrNoSuchDate) { // 12/2026 has 29 days
		t.Errorf("lunar 30/12/2026 error = %v, want ErrNoSuchDate", err)
	}
}

func TestLegalRules(t *testing.T) {
	rules := LegalRules()
	if err := rules.validate(); err != nil {
		t.Fatal(err)
	}
	for _, r := range rules {
		if r.Source == "" {
			t.Errorf("rule %q has no source", r.Name)
		}
	}
	rules[0].Name = "changed"
	if LegalRules()[0].Name == "changed" {
		t.Error("LegalRules returns the shared slice")
	}
	for _, r := range []Rule{
		{Name: "", Month: 1, Day: 1, Length: 1},
		{Name: "x", Month: 2, Day: 30, Length: 1},
		{Name: "x", Lunar: true, Month: 1, Day: 31, Length: 1},
		{Name: "x", Month: 1, Day: 1, Length: 0},
		{Name: "x", Month: 1, Day: 1, Length: 1, ValidFrom: Date{2020, 1, 1}, ValidTo: Date{2019, 1, 1}},
	} {
		if err := (Rules{r}).validate(); !errors.Is(err, ErrInvalid) {
			t.Errorf("validate(%+v) = %v, want ErrInvalid", r, err)
		}
	}
}
