package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"

	"github.com/xaso-vn/xaso/internal/locale"
)

// Charts of the statistics page, drawn on the server as inline SVG: no JavaScript, and
// no image request. Each chart is role="img" with a <title> and a <desc> that says the
// same figures in words; the page also shows them in a table. The drawing is 320 units
// wide and scales to its box, so it fits a 360-pixel phone; bars are horizontal, so that
// labels stay readable there.

// bar is one bar of a chart.
type bar struct {
	Label string
	Value int64
	Share float64 // percent shown beside the value; negative for none
	Class string  // colour: "online", "counter", "post", "carried", "early", "on-time", "late", "within", "overdue", "neutral"
}

// barColours pass WCAG's 3:1 contrast for graphics against white.
var barColours = map[string]string{
	"online": "#1565c0", "counter": "#6a4c93", "post": "#8d5a00", "carried": "#5f6b73",
	"early": "#1b7a3d", "on-time": "#2e6f9e", "late": "#b3261e",
	"within": "#2e6f9e", "overdue": "#b3261e", "neutral": "#3d5a80",
}

const chartWidth = 320

func esc(s string) string { return template.HTMLEscapeString(s) }

// count writes n with dots between thousands, the Vietnamese way: 2.094.
func count(n int64) string { return locale.Number(n) }

// oneDecimal writes a figure with one decimal the Vietnamese way: 26,1.
func oneDecimal(f float64) string { return locale.Decimal(f, 1) }

func (b bar) figure() string {
	if b.Share < 0 {
		return count(b.Value)
	}
	return count(b.Value) + " (" + oneDecimal(b.Share) + "%)"
}

// barChart draws labelled horizontal bars, the longest over the width left beside the
// figures.
func barChart(id, title string, bars []bar) template.HTML {
	const rowH, barH, labelW = 38, 14, 200.0
	var maxV int64
	desc := make([]string, len(bars))
	for i, b := range bars {
		maxV = max(maxV, b.Value)
		desc[i] = b.Label + ": " + b.figure()
	}
	h := rowH*len(bars) + 4
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, h, id, id)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(strings.Join(desc, "; ")+"."))
	for i, b := range bars {
		y := i * rowH
		w := 0.0
		if maxV > 0 {
			w = labelW * float64(b.Value) / float64(maxV)
		}
		if b.Value > 0 {
			w = max(w, 2)
		}
		colour := barColours[b.Class]
		if colour == "" {
			colour = barColours["neutral"]
		}
		fmt.Fprintf(&s, `<text x="0" y="%d" font-size="13" fill="#1a1a1a">%s</text>`, y+13, esc(b.Label))
		fmt.Fprintf(&s, `<rect x="0" y="%d" width="%.1f" height="%d" rx="2" fill="%s"/>`, y+18, w, barH, colour)
		fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="13" fill="#1a1a1a">%s</text>`, w+6, y+30, esc(b.figure()))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// point is one period of a trend.
type point struct {
	Label string
	Value float64 // NaN: no value that period (no bar, "—")
}

// trendChart draws a series (the index's monthly totals, out of limit) as vertical
// bars with a baseline; with a year or less every month is labelled, beyond that the
// first month of each year.
func trendChart(id, title string, limit float64, pts []point) template.HTML {
	return seriesChart(id, title, limit, nil, pts, func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) })
}

// seriesChart is trendChart with a target drawn as a line across (when not nil) and
// the figures above the bars written by figure.
func seriesChart(id, title string, limit float64, target *float64, pts []point, figure func(float64) string) template.HTML {
	const h, top, base = 160, 18, 134
	n := len(pts)
	desc := make([]string, n)
	for i, p := range pts {
		desc[i] = p.Label + ": " + oneDecimal(p.Value)
		if math.IsNaN(p.Value) {
			desc[i] = p.Label + ": không có số liệu"
		}
	}
	if target != nil {
		desc = append(desc, "chỉ tiêu "+figure(*target))
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, h, id, id)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(strings.Join(desc, "; ")+"."))
	fmt.Fprintf(&s, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#5f6b73" stroke-width="1"/>`, base, chartWidth, base)
	fmt.Fprintf(&s, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#c5ccd3" stroke-width="1" stroke-dasharray="3 3"/>`, top, chartWidth, top)
	fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="11" fill="#1a1a1a" text-anchor="end">%s</text>`, chartWidth, top-4, esc(oneDecimal(limit)))
	if n == 0 || limit <= 0 {
		s.WriteString(`</svg>`)
		return template.HTML(s.String())
	}
	slot := float64(chartWidth) / float64(n)
	bw := max(1, slot*0.7)
	for i, p := range pts {
		missing := math.IsNaN(p.Value)
		v := min(max(p.Value, 0), limit)
		bh := float64(base-top) * v / limit
		x := float64(i)*slot + (slot-bw)/2
		cx := float64(i)*slot + slot/2
		if missing {
			bh = 0
		} else {
			fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x, float64(base)-bh, bw, bh, barColours["neutral"])
		}
		if n <= 12 {
			label := figure(p.Value)
			if missing {
				label = "—"
			}
			fmt.Fprintf(&s, `<text x="%.1f" y="%.1f" font-size="10" fill="#1a1a1a" text-anchor="middle">%s</text>`, cx, float64(base)-bh-3, esc(label))
		}
		if label, ok := trendLabel(p.Label, n, i); ok {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="11" fill="#1a1a1a" text-anchor="middle">%s</text>`, cx, base+16, esc(label))
		}
	}
	if target != nil {
		y := float64(base) - float64(base-top)*min(max(*target, 0), limit)/limit
		fmt.Fprintf(&s, `<line class="target" x1="0" y1="%.1f" x2="%d" y2="%.1f" stroke="%s" stroke-width="2" stroke-dasharray="6 3"/>`,
			y, chartWidth, y, barColours["late"])
		fmt.Fprintf(&s, `<text x="2" y="%.1f" font-size="11" fill="%s">%s</text>`, y-4, barColours["late"], esc("Chỉ tiêu "+figure(*target)))
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}

// trendLabel shortens "03/2021" to "T3" when a year or less is shown; over longer
// spans it labels only January, with its year.
func trendLabel(label string, n, i int) (string, bool) {
	mm, yyyy, ok := strings.Cut(label, "/")
	if !ok {
		return label, n <= 12
	}
	m, _ := strconv.Atoi(mm)
	if n <= 12 {
		return "T" + strconv.Itoa(m), true
	}
	if m == 1 || i == 0 {
		return yyyy, true
	}
	return "", false
}

// monthPair is one month of the received/resolved chart.
type monthPair struct {
	Label              string // "03/2026"
	Received, Resolved int64
}

// monthlyChart draws, for each month, the dossiers received and those resolved as two
// vertical bars side by side, with a legend; the <desc> gives every figure, and the
// pages show them in a table too. Twelve months fit a 360-pixel phone: the drawing is
// 320 units wide and scales to its box.
func monthlyChart(id, title string, months []monthPair) template.HTML {
	const h, top, base, legendY = 200, 34, 170, 12
	var maxV int64
	desc := make([]string, len(months))
	for i, m := range months {
		maxV = max(maxV, m.Received, m.Resolved)
		desc[i] = m.Label + ": tiếp nhận " + count(m.Received) + ", đã giải quyết " + count(m.Resolved)
	}
	var s strings.Builder
	fmt.Fprintf(&s, `<svg class="chart" viewBox="0 0 %d %d" width="100%%" role="img" aria-labelledby="%s-t %s-d" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, h, id, id)
	fmt.Fprintf(&s, `<title id="%s-t">%s</title><desc id="%s-d">%s</desc>`, id, esc(title), id, esc(strings.Join(desc, "; ")+"."))
	fmt.Fprintf(&s, `<rect x="0" y="%d" width="10" height="10" fill="%s"/><text x="14" y="%d" font-size="11" fill="#1a1a1a">Tiếp nhận</text>`,
		legendY-9, barColours["online"], legendY)
	fmt.Fprintf(&s, `<rect x="90" y="%d" width="10" height="10" fill="%s"/><text x="104" y="%d" font-size="11" fill="#1a1a1a">Đã giải quyết</text>`,
		legendY-9, barColours["early"], legendY)
	fmt.Fprintf(&s, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#5f6b73" stroke-width="1"/>`, base, chartWidth, base)
	if maxV > 0 {
		fmt.Fprintf(&s, `<line x1="0" y1="%d" x2="%d" y2="%d" stroke="#c5ccd3" stroke-width="1" stroke-dasharray="3 3"/>`, top, chartWidth, top)
		fmt.Fprintf(&s, `<text x="%d" y="%d" font-size="10" fill="#1a1a1a" text-anchor="end">%s</text>`, chartWidth, top-3, esc(count(maxV)))
	}
	n := len(months)
	if n == 0 {
		s.WriteString(`</svg>`)
		return template.HTML(s.String())
	}
	slot := float64(chartWidth) / float64(n)
	bw := max(1, slot*0.36)
	height := func(v int64) float64 {
		if maxV == 0 {
			return 0
		}
		bh := float64(base-top) * float64(v) / float64(maxV)
		if v > 0 {
			bh = max(bh, 1)
		}
		return bh
	}
	for i, m := range months {
		x := float64(i)*slot + slot*0.12
		for j, v := range []int64{m.Received, m.Resolved} {
			bh := height(v)
			colour := barColours["online"]
			if j == 1 {
				colour = barColours["early"]
			}
			fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s"/>`, x+float64(j)*bw, float64(base)-bh, bw, bh, colour)
		}
		if label, ok := trendLabel(m.Label, n, i); ok && label != "" {
			fmt.Fprintf(&s, `<text x="%.1f" y="%d" font-size="10" fill="#1a1a1a" text-anchor="middle">%s</text>`, float64(i)*slot+slot/2, base+14, esc(label))
		}
	}
	s.WriteString(`</svg>`)
	return template.HTML(s.String())
}
