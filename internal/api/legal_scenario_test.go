package api_test

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/locale"
)

// samplePaper is the name of paper i of a procedure of the sample catalog, as the API
// expects it.
func samplePaper(t *testing.T, code string, i int) string {
	t.Helper()
	c, err := catalog.Sample()
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range c.Procedures {
		if p.Code == code {
			return p.Papers[i].Name
		}
	}
	t.Fatalf("no procedure %s in the sample", code)
	return ""
}

// withPapers is counterBody (procedure 1.001193) with a list of papers.
func withPapers(t *testing.T, procedure string, papers ...map[string]any) string {
	t.Helper()
	b, err := json.Marshal(papers)
	if err != nil {
		t.Fatal(err)
	}
	body := strings.Replace(counterBody, `"fields":{}`, `"fields":{},"papers":`+string(b), 1)
	return strings.Replace(body, "1.001193", procedure, 1)
}

// shiftDue keeps {name} as the kept due time {due} moved by d, in RFC 3339.
func shiftDue(name string, d time.Duration) func(*testing.T, *env) {
	return func(t *testing.T, e *env) {
		due, err := time.Parse(time.RFC3339, e.vars["due"])
		if err != nil {
			t.Fatal(err)
		}
		e.vars[name] = due.Add(d).In(locale.Zone).Format(time.RFC3339)
	}
}

// TestLegalScenarios (issue 16): the papers received at intake and their refusals, the
// register line, the apology and extension's cap and number, and the unit's settings.
func TestLegalScenarios(t *testing.T) {
	e := newEnv(t)
	birth := samplePaper(t, "1.001193", 1) // Giấy chứng sinh
	form := samplePaper(t, "1.004873", 0)  // Tờ khai cấp Giấy xác nhận tình trạng hôn nhân
	year := strconv.Itoa(time.Now().In(locale.Zone).Year())
	run(t, e, []scenario{
		{name: "a paper the procedure does not have", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body:   withPapers(t, "1.001193", map[string]any{"name": "Sổ hộ khẩu", "form": "original", "count": 1}),
			status: 422, code: "invalid_papers", want: []string{`"field":"papers[0].name"`}},
		{name: "a count of 0", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body:   withPapers(t, "1.001193", map[string]any{"name": birth, "form": "original", "count": 0}),
			status: 422, code: "invalid_papers", want: []string{`"field":"papers[0].count"`}},
		{name: "a form that is not one received", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body:   withPapers(t, "1.001193", map[string]any{"name": birth, "form": "either", "count": 1}),
			status: 422, code: "invalid_papers", want: []string{`"field":"papers[0].form"`}},
		{name: "the same paper twice", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body: withPapers(t, "1.001193", map[string]any{"name": birth, "form": "original", "count": 1},
				map[string]any{"name": birth, "form": "copy", "count": 1}),
			status: 422, code: "invalid_papers", want: []string{`"field":"papers[1].name"`}},
		{name: "a count that is no number", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body:   strings.Replace(withPapers(t, "1.001193", map[string]any{"name": birth, "form": "original", "count": 1}), `"count":1`, `"count":"một"`, 1),
			status: 422, code: "invalid_json"},
		{name: "one paper received", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body:   withPapers(t, "1.001193", map[string]any{"name": birth, "form": "certified_copy", "count": 2}),
			status: 201, after: keep("d", "code")},
		{name: "the dossier lists that paper and its register line", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}", status: 200,
			want: []string{`"papers":[{"name":"` + birth + `","form":"certified_copy","count":2}]`, `"register":{"book":` + year + `,"line":`, `"letters":[]`}},

		// Apology and extension: a dossier of 1.004873 (three working days) at the
		// specialist's step.
		{name: "file 1.004873", as: "motcua", method: "POST", path: "/api/v1/dossiers",
			body: withPapers(t, "1.004873", map[string]any{"name": form, "form": "original", "count": 1}), status: 201,
			after: func(t *testing.T, e *env, body string) {
				keep("x", "code")(t, e, body)
				keep("due", "due_at")(t, e, body)
			}},
		{name: "to the specialist", as: "motcua", method: "POST", path: "/api/v1/dossiers/{x}/actions/forward", status: 200},
		{name: "the counter writes no apology", as: "motcua", method: "POST", path: "/api/v1/dossiers/{x}/actions/extend",
			body: `{"reason":"Cần xác minh","new_due_at":"{soon}"}`, before: shiftDue("soon", time.Hour), status: 409, code: "not_your_step"},
		{name: "past the cap: the legal time once more", as: "chuyenvien", method: "POST", path: "/api/v1/dossiers/{x}/actions/extend",
			body: `{"reason":"Cần xác minh","new_due_at":"{late}"}`, before: shiftDue("late", 30*24*time.Hour), status: 422, code: "extension_past_cap"},
		{name: "the specialist cannot approve more", as: "chuyenvien", method: "POST", path: "/api/v1/dossiers/{x}/actions/extend",
			body: `{"reason":"Cần xác minh","new_due_at":"{late}","approve_longer":true}`, status: 422, code: "extension_past_cap"},
		{name: "the leader approves more", as: "lanhdao", method: "POST", path: "/api/v1/dossiers/{x}/actions/extend",
			body: `{"reason":"Cần xác minh tại nơi cư trú trước đây","new_due_at":"{late}","approve_longer":true}`, status: 200,
			want: []string{`"extended_due_at":"{late}"`, `"form":"04","number":1,"number_notation":"01/UBND-VP"`}},
		{name: "once only", as: "lanhdao", method: "POST", path: "/api/v1/dossiers/{x}/actions/extend",
			body: `{"reason":"x","new_due_at":"{soon}"}`, status: 409, code: "already_extended"},
		{name: "form 04 prints", as: "lanhdao", method: "GET", path: "/api/v1/dossiers/{x}/forms/04.html", status: 200,
			want: []string{"01/UBND-VP", "Trung tâm Phục vụ hành chính công xã Yên Từ"}},
		// The letter is an outgoing công văn of the unit's register (issue 19), and the next
		// công văn the clerk issues continues its sequence.
		{name: "the register lists the letter", as: "vanthu", method: "GET", path: "/api/v1/documents?direction=outgoing&number=01/UBND-VP", status: 200,
			want: []string{`"total":1`, `"type_code":"cong_van"`, `"subject":"Xin lỗi và hẹn lại ngày trả kết quả hồ sơ {x}"`,
				`"number":1,"number_notation":"01/UBND-VP"`, `"status":"issued","paper":true`}},
		{name: "a công văn drafted", as: "vanthu", method: "POST", path: "/api/v1/documents",
			body:   `{"direction":"outgoing","type_code":"cong_van","subject":"Về việc họp giao ban","drafting_unit":"VP","recipients":["Các thôn"]}`,
			status: 201, after: keep("cv", "id")},
		{name: "continues the letters' sequence", as: "vanthu", method: "POST", path: "/api/v1/documents/{cv}/actions/issue",
			body: `{"paper":true}`, status: 200, want: []string{`"number":2`, `"number_notation":"02/UBND-VP"`}},
		{name: "form 01 prints the paper, the look-up code's label, the law's words, the desk", as: "motcua", method: "GET",
			path: "/api/v1/dossiers/{d}/forms/01.html", status: 200,
			want: []string{birth, "Bản sao có chứng thực", "Mã tra cứu", "Trong ngày làm việc; sau 15 giờ thì trả trong ngày làm việc tiếp theo",
				"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ YÊN TỪ", "Quyển số: " + year}},

		// The unit's settings.
		{name: "anyone reads the settings", method: "GET", path: "/api/v1/units/14731/settings", status: 200,
			want: []string{`"desk_name":""`, `"desk":"Trung tâm Phục vụ hành chính công xã Yên Từ"`, `"letter_example":"01/UBND-VP"`}},
		{name: "the counter cannot change them", as: "motcua", method: "PUT", path: "/api/v1/units/14731/settings",
			body: `{"desk_name":"X"}`, status: 403, code: "forbidden"},
		{name: "a symbol with a space", as: "quantri", method: "PUT", path: "/api/v1/units/14731/settings",
			body: `{"desk_name":"","letter_symbol":"UBND VP"}`, status: 422, code: "invalid_unit_settings", want: []string{`"field":"letter_symbol"`}},
		{name: "a name too long", as: "quantri", method: "PUT", path: "/api/v1/units/14731/settings",
			body: `{"desk_name":"` + strings.Repeat("a", 201) + `"}`, status: 422, code: "invalid_unit_settings", want: []string{`"field":"desk_name"`}},
		{name: "the unit's administrator names the desk", as: "quantri", method: "PUT", path: "/api/v1/units/14731/settings",
			body: `{"desk_name":"  Trung tâm   Phục vụ hành chính công xã Yên Từ (cơ sở 2) ","letter_symbol":"TTPVHCC"}`, status: 200,
			want: []string{`"desk_name":"Trung tâm Phục vụ hành chính công xã Yên Từ (cơ sở 2)"`, `"letter_example":"01/TTPVHCC"`}},
		{name: "form 01 prints the new name", as: "motcua", method: "GET", path: "/api/v1/dossiers/{d}/forms/01.html", status: 200,
			want: []string{"TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG XÃ YÊN TỪ (CƠ SỞ 2)"}},
		{name: "no such unit", as: "quantri", method: "PUT", path: "/api/v1/units/99999/settings", body: `{}`, status: 404, code: "unit_not_found"},
	})
}
