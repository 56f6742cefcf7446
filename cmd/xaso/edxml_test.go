package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/edxml"
)

// TestEdxmlBuildParse: JSON → build → file → parse → the same JSON; a bomb is refused.
func TestEdxmlBuildParse(t *testing.T) {
	in := `{"kind":"document","from":{"organ_id":"000.00.31.H49","organ_name":"UBND xã A"},
	"to":[{"organ_id":"000.00.32.H49"}],"code":{"code_number":"01","code_notation":"QĐ-UBND"},
	"promulgation_date":"2026/12/07","subject":"Về việc thử","priority":3,"steering_type":1,
	"attachments":[{"content_id":"1","name":"a.pdf","content_type":"application/pdf","data":"JVBERi0xLjc="}]}`
	r := xaso(t, nil, in, "edxml", "build")
	if r.code != 0 || !strings.Contains(r.out, edxml.Namespace) {
		t.Fatalf("build: %+v", r)
	}
	f := filepath.Join(t.TempDir(), "m.xml")
	if err := os.WriteFile(f, []byte(r.out), 0o600); err != nil {
		t.Fatal(err)
	}
	p := xaso(t, nil, "", "edxml", "parse", f)
	if p.code != 0 {
		t.Fatalf("parse: %+v", p)
	}
	var m edxml.Message
	if err := json.Unmarshal([]byte(p.out), &m); err != nil {
		t.Fatal(err)
	}
	if m.Code.String() != "01/QĐ-UBND" || m.Priority != edxml.PriorityHoaToc || string(m.Attachments[0].Data) != "%PDF-1.7" ||
		m.DocumentID != "000.00.31.H49,2026/12/07,01/QĐ-UBND" {
		t.Fatalf("%+v", m)
	}
	bomb := xaso(t, nil, `<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`, "edxml", "parse", "-")
	if bomb.code == 0 || !strings.Contains(bomb.err, "edxml_doctype_refused") {
		t.Fatalf("bomb: %+v", bomb)
	}
	if r := xaso(t, nil, `{"kind":"document","from":{"organ_id":"bad id"}}`, "edxml", "build"); r.code == 0 || !strings.Contains(r.err, "edxml_organ_id") {
		t.Fatalf("bad build: %+v", r)
	}
}
