package httpx

import "testing"

func TestContentDisposition(t *testing.T) {
	for _, c := range []struct{ disp, name, want string }{
		{"inline", "to-khai.pdf", `inline; filename="to-khai.pdf"; filename*=UTF-8''to-khai.pdf`},
		{"attachment", "Giấy khai sinh (bản sao).pdf",
			`attachment; filename="Giay khai sinh (ban sao).pdf"; filename*=UTF-8''Gi%E1%BA%A5y%20khai%20sinh%20%28b%E1%BA%A3n%20sao%29.pdf`},
		{"inline", `Đơn "gấp"; x=1\.png`, `inline; filename="Don _gap_; x=1_.png"; filename*=UTF-8''%C4%90%C6%A1n%20%22g%E1%BA%A5p%22%3B%20x%3D1%5C.png`},
	} {
		if got := contentDisposition(c.disp, c.name); got != c.want {
			t.Errorf("contentDisposition(%q, %q)\n got %s\nwant %s", c.disp, c.name, got, c.want)
		}
	}
}
