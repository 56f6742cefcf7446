// Package qr draws QR codes as PNG images and as inline SVG, for VietQR payment codes and
// for the dossier code on receipts.
package qr

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Sizes in pixels: a phone screen shows a code comfortably at 320 px; the A5 receipt
// prints it at about 3 cm, which 600 px renders sharply at 300 dpi and above.
const (
	ScreenSize = 320
	PrintSize  = 600
)

// PNG returns content as a PNG image size pixels wide, with error correction M (15%),
// which survives a crumpled receipt without making the code too dense for cheap cameras.
func PNG(content string, size int) ([]byte, error) {
	b, err := qrcode.Encode(content, qrcode.Medium, size)
	if err != nil {
		return nil, fmt.Errorf("qr: %w", err)
	}
	return b, nil
}

// SVG returns content as an SVG element drawn with one path, scalable to any size. The
// quiet zone of four modules is included.
func SVG(content, title string) (string, error) {
	q, err := qrcode.New(content, qrcode.Medium)
	if err != nil {
		return "", fmt.Errorf("qr: %w", err)
	}
	bm := q.Bitmap() // includes the quiet zone
	n := len(bm)
	var path strings.Builder
	for y, row := range bm {
		for x := 0; x < n; x++ {
			if !row[x] {
				continue
			}
			start := x
			for x < n && row[x] {
				x++
			}
			fmt.Fprintf(&path, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" role="img" aria-label="%s" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path d="%s" fill="#000"/></svg>`,
		n, n, escapeAttr(title), n, n, path.String()), nil
}

func escapeAttr(s string) string {
	return strings.NewReplacer(`&`, "&amp;", `"`, "&quot;", `<`, "&lt;", `>`, "&gt;").Replace(s)
}
