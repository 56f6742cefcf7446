package web

import (
	"fmt"
	"strings"
	"testing"
)

func TestBarChart(t *testing.T) {
	got := string(barChart("c", `Hồ sơ <tiếp nhận> & "khác"`, []bar{
		{Label: "Trực tuyến", Value: 547, Share: 26.1, Class: "online"},
		{Label: "Trực tiếp <quầy>", Value: 1547, Share: 73.9, Class: "counter"},
		{Label: "Bưu chính", Value: 0, Share: -1},
	}))
	for _, want := range []string{
		`role="img" aria-labelledby="c-t c-d"`,
		`<title id="c-t">Hồ sơ &lt;tiếp nhận&gt; &amp; &#34;khác&#34;</title>`,
		`<desc id="c-d">Trực tuyến: 547 (26,1%); Trực tiếp &lt;quầy&gt;: 1.547 (73,9%); Bưu chính: 0.</desc>`,
		`width="200.0" height="14" rx="2" fill="#6a4c93"`, // the largest bar takes the full width
		`width="70.7"`, // 547 of 1,547
		`width="0.0"`,  // nothing to draw
	} {
		if !strings.Contains(got, want) {
			t.Errorf("chart lacks %s:\n%s", want, got)
		}
	}
	if strings.Contains(got, "<quầy>") || strings.Contains(got, "NaN") {
		t.Errorf("unescaped label or NaN:\n%s", got)
	}
	if empty := string(barChart("z", "Không có", []bar{{Label: "A"}, {Label: "B"}})); strings.Contains(empty, "NaN") || !strings.Contains(empty, `width="0.0"`) {
		t.Errorf("all-zero chart:\n%s", empty)
	}
}

func TestTrendChart(t *testing.T) {
	var year []point
	for _, m := range []string{"01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12"} {
		year = append(year, point{m + "/2021", 24.5})
	}
	got := string(trendChart("t", "Điểm theo tháng", 27, year))
	if strings.Count(got, "<rect") != 12 || !strings.Contains(got, ">T1<") || !strings.Contains(got, ">T12<") ||
		!strings.Contains(got, "01/2021: 24,5; 02/2021: 24,5") {
		t.Errorf("a year's trend:\n%s", got)
	}
	// Over five years only each January is labelled, with its year.
	var five []point
	for y := 2021; y <= 2025; y++ {
		for m := 1; m <= 12; m++ {
			five = append(five, point{fmt.Sprintf("%02d/%d", m, y), 10})
		}
	}
	got = string(trendChart("f", "Năm năm", 20, five))
	if strings.Count(got, "<rect") != 60 || strings.Count(got, ">202") != 5 || strings.Contains(got, ">T1<") {
		t.Errorf("five years' trend: %d bars, %d year labels", strings.Count(got, "<rect"), strings.Count(got, ">202"))
	}
}

func TestCount(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 547: "547", 2094: "2.094", 10000000: "10.000.000", -1200: "-1.200"} {
		if got := count(n); got != want {
			t.Errorf("count(%d) = %q, want %q", n, got, want)
		}
	}
}
