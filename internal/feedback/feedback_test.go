package feedback

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestFilingCheck(t *testing.T) {
	long := strings.Repeat("a", MaxContent+1)
	cases := []struct {
		name   string
		in     Filing
		fields []string // fields in error; none: valid
	}{
		{"valid", Filing{Kind: "complaint", Content: "Cán bộ hẹn nhiều lần."}, nil},
		{"a proposal, spaces and a control character cleaned", Filing{Kind: " proposal ", Content: "  Đề nghị mở thêm quầy\x07.  "}, nil},
		{"no kind", Filing{Content: "Cán bộ hẹn nhiều lần."}, []string{"kind"}},
		{"an unknown kind", Filing{Kind: "praise", Content: "Cán bộ hẹn nhiều lần."}, []string{"kind"}},
		{"too short", Filing{Kind: "complaint", Content: "ngắn"}, []string{"content"}},
		{"too long", Filing{Kind: "complaint", Content: long}, []string{"content"}},
		{"name and contact too long", Filing{Kind: "complaint", Content: "Cán bộ hẹn nhiều lần.", Name: strings.Repeat("n", 201),
			Contact: strings.Repeat("c", 201)}, []string{"name", "contact"}},
		{"everything wrong at once", Filing{Kind: "x", Content: ""}, []string{"kind", "content"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			out, err := c.in.check()
			var fe *FieldError
			if len(c.fields) == 0 {
				if err != nil {
					t.Fatalf("unexpected %v", err)
				}
				if strings.ContainsRune(out.Content, 7) || out.Content != strings.TrimSpace(out.Content) {
					t.Fatalf("not cleaned: %q", out.Content)
				}
				return
			}
			if !errors.As(err, &fe) || len(fe.Fields) != len(c.fields) {
				t.Fatalf("got %v, want problems at %v", err, c.fields)
			}
			for _, f := range c.fields {
				if fe.Fields[f] == "" {
					t.Errorf("no problem at %s: %v", f, fe.Fields)
				}
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("not of kind invalid_feedback")
			}
		})
	}
}

func TestOnTime(t *testing.T) {
	vn := func(s string) time.Time {
		v, _ := time.Parse("2006-01-02 15:04", s)
		return v.Add(-7 * time.Hour).UTC()
	}
	due := vn("2026-03-20 09:00")
	cases := []struct {
		name     string
		answered string
		measured string
		want     bool
	}{
		{"answered before the deadline", "2026-03-19 10:00", "2026-03-31 23:59", true},
		{"answered on the deadline's date, after its hour", "2026-03-20 16:00", "2026-03-31 23:59", true},
		{"answered the day after", "2026-03-21 08:00", "2026-03-31 23:59", false},
		{"unanswered, measured before the deadline", "", "2026-03-18 23:59", true},
		{"unanswered, measured on the deadline's date", "", "2026-03-20 23:59", true},
		{"unanswered, measured after it", "", "2026-03-21 00:30", false},
		{"answered late, measured before the answer: still unanswered and past", "2026-03-25 10:00", "2026-03-22 23:59", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := Feedback{DueAt: due}
			if c.answered != "" {
				f.AnsweredAt = vn(c.answered)
			}
			if got := f.OnTime(vn(c.measured)); got != c.want {
				t.Fatalf("on time %v, want %v", got, c.want)
			}
		})
	}
}

func TestNewSurvey(t *testing.T) {
	all := func(v string) map[string]string {
		m := map[string]string{}
		for _, c := range Criteria {
			m[c.Key] = v
		}
		return m
	}
	now := time.Now()
	if s, err := NewSurvey(all("4"), "Tốt", now); err != nil || s.Scores["attitude"] != 4 || len(s.Scores) != len(Criteria) {
		t.Fatalf("valid: %+v %v", s, err)
	}
	for name, answers := range map[string]map[string]string{
		"zero":          all("0"),
		"six":           all("6"),
		"not a number":  all("tốt"),
		"one missing":   func() map[string]string { m := all("3"); delete(m, "time"); return m }(),
		"an extra key":  func() map[string]string { m := all("3"); m["price"] = "3"; return m }(),
		"nothing given": {},
	} {
		if _, err := NewSurvey(answers, "", now); !errors.Is(err, ErrSurvey) {
			t.Errorf("%s: %v, want invalid_survey", name, err)
		}
	}
	if _, err := NewSurvey(all("5"), strings.Repeat("x", MaxSurveyComment+1), now); err == nil {
		t.Error("a comment too long was taken")
	}
}
