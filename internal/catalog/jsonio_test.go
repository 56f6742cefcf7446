package catalog

import (
	"bytes"
	"encoding/json/v2"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
)

func TestExportParseRoundTrip(t *testing.T) {
	sample, err := Sample()
	if err != nil {
		t.Fatal(err)
	}
	draft := NextVersion(validProcedure())
	draft.Code = "1.004873.H42"
	draft.Workflow.Steps[1].BudgetHours = 100 // a draft may be over budget
	catalogs := map[string]Catalog{
		"sample":    sample,
		"hand-made": {Procedures: []Procedure{validProcedure(), draft}},
		"empty":     {},
	}
	for name, c := range catalogs {
		t.Run(name, func(t *testing.T) {
			data, err := Export(c)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseCatalog(data)
			if err != nil {
				t.Fatalf("ParseCatalog(Export(c)): %v", err)
			}
			if !reflect.DeepEqual(got, c) {
				t.Errorf("round trip changed the catalog:\n got %+v\nwant %+v", got, c)
			}
			again, err := Export(got)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(again, data) {
				t.Error("second export differs from the first")
			}
		})
	}
}

func TestParseCatalogCanonicalizes(t *testing.T) {
	p := validProcedure()
	p.Name = "  Thu\u0309 tu\u0323c  " // decomposed and padded
	p.LegalBasis = []string{}
	data, err := Export(Catalog{Procedures: []Procedure{p}})
	if err != nil {
		t.Fatal(err)
	}
	c, err := ParseCatalog(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := c.Procedures[0]; got.Name != "Thủ tục" || got.LegalBasis != nil {
		t.Errorf("Name = %q, LegalBasis = %#v", got.Name, got.LegalBasis)
	}
}

// file builds a catalog file from procedures given as JSON objects, so that tests can
// write what no Go value can: unknown members, wrong types, missing codes.
func file(procs ...string) []byte {
	return []byte(`{"schema": "xaso.catalog/v1", "procedures": [` + strings.Join(procs, ",") + `]}`)
}

// procJSON returns validProcedure as a JSON object with replacements applied to its
// text, each replacement an old/new pair.
func procJSON(t *testing.T, edit func(*Procedure), replace ...string) string {
	t.Helper()
	p := validProcedure()
	if edit != nil {
		edit(&p)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for i := 0; i+1 < len(replace); i += 2 {
		if !strings.Contains(s, replace[i]) {
			t.Fatalf("procedure JSON lacks %q", replace[i])
		}
		s = strings.Replace(s, replace[i], replace[i+1], 1)
	}
	return s
}

func TestParseCatalogRejects(t *testing.T) {
	code := func(c string) func(*Procedure) { return func(p *Procedure) { p.Code = c } }
	tests := []struct {
		name string
		data []byte
		want []string // substrings of the error, each naming the procedure and field
	}{
		{"malformed JSON", []byte("{\"schema\": \"xaso.catalog/v1\",\n \"procedures\": [}"),
			[]string{"procedures[0]: JSON không hợp lệ ở dòng 2, cột 17"}},
		{"not an object", []byte(`[]`), []string{"phải là một đối tượng"}},
		{"trailing data", append(file(), " {}"...), []string{"JSON không hợp lệ"}},
		{"invalid UTF-8", []byte("{\"schema\": \"xaso.catalog/v1\", \"procedures\": [{\"name\": \"\xff\"}]}"), []string{"JSON không hợp lệ"}},
		{"duplicate member", []byte(`{"schema": "xaso.catalog/v1", "schema": "x", "procedures": []}`), []string{"schema: JSON không hợp lệ"}},
		{"missing schema", []byte(`{"procedures": []}`), []string{"schema: thiếu tên định dạng"}},
		{"other schema", []byte(`{"schema": "xaso.catalog/v2", "procedures": []}`), []string{`schema: định dạng "xaso.catalog/v2" không được hỗ trợ`}},
		{"unknown top-level member", []byte(`{"schema": "xaso.catalog/v1", "procedures": [], "province": "37"}`), []string{"province: trường không có trong định dạng"}},
		{"missing procedures", []byte(`{"schema": "xaso.catalog/v1"}`), []string{"procedures: thiếu danh sách thủ tục"}},
		{"unknown member", file(procJSON(t, nil, `"legal_time":`, `"legal_tme": 1, "legal_time":`)),
			[]string{"procedures[0].legal_tme (thủ tục 1.004873): trường không có trong định dạng"}},
		{"member with other case", file(procJSON(t, nil, `"name":"Thủ tục`, `"Name":"Thủ tục`)),
			[]string{"procedures[0].Name (thủ tục 1.004873): trường không có trong định dạng"}},
		{"wrong type", file(procJSON(t, nil, `"amount":5000`, `"amount":"5000"`)),
			[]string{"procedures[0].fees[0].amount (thủ tục 1.004873): giá trị phải là một số nguyên"}},
		{"list expected", []byte(`{"schema": "xaso.catalog/v1", "procedures": "x"}`), []string{"procedures: giá trị phải là một danh sách"}},
		{"number expected", file(procJSON(t, nil, `"budget_hours":2,`, `"budget_hours":"2",`)),
			[]string{"procedures[0].workflow.steps[0].budget_hours (thủ tục 1.004873): giá trị phải là một số"}},
		{"boolean expected", file(procJSON(t, nil, `"required":true`, `"required":"có"`)), []string{"giá trị phải là true hoặc false"}},
		{"object expected", file(procJSON(t, nil, `"field":{`, `"field":[],"x":{`)), []string{"procedures[0].field (thủ tục 1.004873): giá trị phải là một đối tượng"}},
		{"string expected", file(procJSON(t, nil, `"name":"Thủ tục cấp Giấy xác nhận tình trạng hôn nhân"`, `"name":1`)), []string{"procedures[0].name (thủ tục 1.004873): giá trị phải là một chuỗi"}},
		{"fraction of a đồng", file(procJSON(t, nil, `"amount":5000`, `"amount":5000.5`)),
			[]string{"procedures[0].fees[0].amount (thủ tục 1.004873)"}},
		{"negative fee, code missing", file(procJSON(t, nil), procJSON(t, code(""), `"amount":5000`, `"amount":-5000`)),
			[]string{"procedures[1].fees[0].amount: số tiền không được âm", "procedures[1].code: mã thủ tục không được để trống"}},
		{"duplicate codes", file(procJSON(t, nil), procJSON(t, code("1.001193")), procJSON(t, nil)),
			[]string{"procedures[2].code (thủ tục 1.004873): mã thủ tục trùng với procedures[0]"}},
		{"no steps", file(procJSON(t, func(p *Procedure) { p.Workflow.Steps = nil })),
			[]string{"procedures[0].workflow.steps (thủ tục 1.004873): quy trình phải có ít nhất một bước"}},
		{"unknown role", file(procJSON(t, func(p *Procedure) { p.Workflow.Steps[1].Role = "xyz" })),
			[]string{`procedures[0].workflow.steps[1].role (thủ tục 1.004873, quy trình bước 2 (Chuyên viên thẩm định)): vai trò "xyz" không tồn tại`}},
		{"published over budget", file(procJSON(t, func(p *Procedure) { p.Workflow.Steps[1].BudgetHours = 40 })),
			[]string{"procedures[0].workflow (thủ tục 1.004873): tổng thời gian các bước (48 giờ làm việc) vượt thời hạn giải quyết"}},
		{"problems of several procedures together", file(
			procJSON(t, func(p *Procedure) { p.Fees[0].Amount = -1 }),
			procJSON(t, code("1.001193"), `"amount":5000`, `"amount":true`),
			procJSON(t, func(p *Procedure) { p.Code = "2.000815"; p.Workflow.Steps[0].Role = "boss" }),
		), []string{"procedures[0].fees[0].amount", "procedures[1].fees[0].amount (thủ tục 1.001193)", "procedures[2].workflow.steps[0].role (thủ tục 2.000815"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := ParseCatalog(tt.data)
			if err == nil {
				t.Fatalf("ParseCatalog accepted %s", tt.data)
			}
			problemsOf(t, err)
			if c.Procedures != nil {
				t.Error("a rejected import returned procedures: an import is all or nothing")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error does not contain %q:\n%v", w, err)
				}
			}
		})
	}
}

func TestExportRejectsWhatJSONCannotHold(t *testing.T) {
	p := validProcedure()
	p.Workflow.Steps[0].BudgetHours = math.NaN()
	if _, err := Export(Catalog{Procedures: []Procedure{p}}); err == nil {
		t.Error("Export wrote NaN")
	}
}

func TestParseCatalogDraftOverBudget(t *testing.T) {
	p := NextVersion(validProcedure())
	p.Workflow.Steps[1].BudgetHours = 40
	data, err := Export(Catalog{Procedures: []Procedure{p}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ParseCatalog(data); err != nil {
		t.Errorf("a draft over budget is stored with a notice, not rejected: %v", err)
	}
}

// FuzzParseCatalog checks that ParseCatalog never panics, and that whatever it accepts
// exports and parses back to the same value.
func FuzzParseCatalog(f *testing.F) {
	// Small seeds: the fuzzer minimises every new input it finds, and minimising
	// mutations of the 150 kB sample would take the whole fuzzing time.
	valid, err := json.Marshal(catalogFile{Schema: Schema, Procedures: []Procedure{validProcedure()}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(valid)
	f.Add([]byte(`{"schema": "xaso.catalog/v1", "procedures": []}`))
	f.Add([]byte(`{"schema": "xaso.catalog/v1", "procedures": [{"code": "1.001193"}]}`))
	f.Add([]byte(`{"schema": "xaso.catalog/v1", "procedures": [null, 1, "x", {}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := ParseCatalog(data)
		if err != nil {
			if len(problemsOf(t, err)) == 0 {
				t.Fatal("error without problems")
			}
			return
		}
		out, err := Export(c)
		if err != nil {
			t.Fatalf("Export of a parsed catalog: %v", err)
		}
		c2, err := ParseCatalog(out)
		if err != nil {
			t.Fatalf("re-parse of the export: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(c, c2) {
			t.Fatalf("round trip changed the catalog:\n%+v\n%+v", c, c2)
		}
	})
}

func TestValidationErrorDetails(t *testing.T) {
	_, err := ParseCatalog(file(procJSON(t, nil), procJSON(t, func(p *Procedure) { p.Code = ""; p.Fees[0].Amount = -1 })))
	got := apperr.DetailsOf(err)
	want := apperr.Detail{Field: "procedures[1].fees[0].amount", Message: "procedures[1].fees[0].amount: số tiền không được âm"}
	if !slices.Contains(got, want) {
		t.Errorf("DetailsOf = %v, want %v among them", got, want)
	}
}
