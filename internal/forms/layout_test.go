package forms

import (
	"strings"
	"testing"
)

// TestWrap checks the line breaker on its own: no line wider than the column, no
// character lost or repeated, codes broken after a hyphen.
func TestWrap(t *testing.T) {
	p := &pdfWriter{m: a5Portrait}
	tests := []struct {
		name   string
		spans  []span
		width  float64
		indent float64
		lines  int    // expected number of lines; 0 to skip
		first  string // expected end of the first line; "" to skip
	}{
		{name: "fits", spans: []span{{"Nguyễn Thị Ngọc Ánh", bold}}, width: 100, lines: 1},
		{name: "wraps at spaces", spans: []span{{strings.Repeat("Đăng ký khai sinh ", 12), regular}}, width: 60},
		{name: "styles glue within a word", spans: []span{{"Mã hồ sơ:", regular}, {"000.00.12.H45", bold}}, width: 100, lines: 1},
		{name: "code breaks after a hyphen", spans: []span{{"000.00.12.H45-261126-0007", regular}}, width: 30, first: "-"},
		{name: "long word is cut", spans: []span{{strings.Repeat("Đ", 200), regular}}, width: 40},
		{name: "indent", spans: []span{{strings.Repeat("chờ ", 40), regular}}, width: 50, indent: 10},
		{name: "line breaks", spans: []span{{"một\nhai\n\nbốn", regular}}, width: 100, lines: 4},
		{name: "narrower than a letter", spans: []span{{"ĐĐĐ", bold}}, width: 0.5, lines: 3},
		{name: "empty", spans: []span{{"", regular}}, width: 50, lines: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lines := p.lines(tt.spans, tt.width, tt.indent, 11)
			if tt.lines != 0 && len(lines) != tt.lines || tt.name == "empty" && len(lines) != 0 {
				t.Errorf("%d lines, want %d", len(lines), tt.lines)
			}
			var got, want strings.Builder
			for i, l := range lines {
				indent := 0.0
				if i == 0 {
					indent = tt.indent
				}
				if l.indent != indent {
					t.Errorf("line %d indent %.1f, want %.1f", i, l.indent, indent)
				}
				var text strings.Builder
				for _, w := range l.words {
					for _, pc := range w.pieces {
						text.WriteString(pc.text)
					}
				}
				// Only a single character may be wider than the column.
				if l.w > tt.width-l.indent+1e-9 && len([]rune(text.String())) > 1 {
					t.Errorf("line %d is %.2f mm wide, column %.2f", i, l.w, tt.width-l.indent)
				}
				if i == 0 && tt.first != "" && !strings.HasSuffix(text.String(), tt.first) {
					t.Errorf("first line %q does not end with %q", text.String(), tt.first)
				}
				got.WriteString(text.String())
			}
			for _, s := range tt.spans {
				want.WriteString(strings.Join(strings.Fields(s.Text), ""))
			}
			if got.String() != want.String() {
				t.Errorf("text %q, want %q", got.String(), want.String())
			}
		})
	}
}
