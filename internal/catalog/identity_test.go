package catalog

import "testing"

func TestCheckCitizenID(t *testing.T) {
	tests := []struct {
		in string
		ok bool
	}{
		{"037090001234", true},  // Ninh Bình, male born 1990
		{"001305123456", true},  // Hà Nội, female born 2005
		{"096999999999", true},  // Cà Mau; every 4th to 6th digit is accepted
		{"003090001234", false}, // 003 is no province
		{"097090001234", false}, // beyond Cà Mau
		{"000090001234", false},
		{"03709000123", false}, // 11 digits
		{"0370900012345", false},
		{"03709000123a", false},
		{"037 09000123", false},
		{"", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if err := CheckCitizenID(tt.in); (err == nil) != tt.ok {
				t.Errorf("CheckCitizenID(%q) = %v, want ok=%v", tt.in, err, tt.ok)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"0912345678", "0912345678"},
		{"0912 345 678", "0912345678"},
		{"0912.345.678", "0912345678"},
		{"+84912345678", "0912345678"},
		{"+84 912-345-678", "0912345678"},
		{"84912345678", "0912345678"},
		{"0356789012", "0356789012"},
		{"0587654321", "0587654321"},
		{"0701234567", "0701234567"},
		{"0812345678", "0812345678"},
		{"0212345678", ""},  // landline prefix
		{"0112345678", ""},  // old 11-digit scheme
		{"01234567890", ""}, // 11 digits
		{"091234567", ""},   // 9 digits
		{"+8491234567", ""}, // 9 digits after +84
		{"09123456a8", ""},
		{"", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := NormalizePhone(tt.in)
			if tt.want == "" {
				if err == nil {
					t.Errorf("NormalizePhone(%q) = %q, want an error", tt.in, got)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
			}
		})
	}
}
