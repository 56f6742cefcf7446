package api_test

import (
	"strings"
	"testing"
)

// TestCertificationScenarios: the desk records certifications through the fixed shape of
// issue 28 and gets the book, the line's number and the fee; bad input answers with a
// stable code; the register lists, prints and reconciles.
func TestCertificationScenarios(t *testing.T) {
	e := newEnv(t)
	copy3 := `{"kind":"copy","pages":3,"copies":2,"document":"Giấy khai sinh","requester":"Nguyễn Văn An"}`
	run(t, e, []scenario{
		{name: "a copy certified", as: "motcua", method: "POST", path: "/api/v1/certifications", body: copy3, status: 201,
			want:  []string{`"book":"01/`, `-SCT/BS"`, `"number":1,`, `"fee":10000,`, `"kind":"copy"`, `"statement":"Chứng thực bản sao đúng với bản chính.`},
			after: keep("c1", "id")},
		{name: "the next copy", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: `{"kind":"copy","pages":250,"copies":1,"document":"Sổ hộ khẩu","requester":"Trần Thị Bình"}`, status: 201,
			want: []string{`"number":2,`, `"fee":200000,`}, after: keep("ref", "payment_reference")},
		{name: "a signature in its own book", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: `{"kind":"signature","pages":1,"copies":2,"document":"Giấy ủy quyền","requester":"Lê Văn C","certifier":"lanhdao"}`, status: 201,
			want: []string{`"number":1,`, `"fee":20000,`, `-SCT/CK,ĐC"`, `"certifier":"Nguyễn Văn Dũng"`}},
		{name: "a contract", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: `{"kind":"contract","pages":6,"copies":3,"document":"Hợp đồng tặng cho","requester":"Lê Văn C"}`, status: 201,
			want: []string{`"fee":50000,`, `-SCT/HĐ,GD"`}},
		{name: "zero pages", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: strings.Replace(copy3, `"pages":3`, `"pages":0`, 1), status: 422, code: "invalid_pages", want: []string{`"field":"pages"`}},
		{name: "zero copies", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: strings.Replace(copy3, `"copies":2`, `"copies":0`, 1), status: 422, code: "invalid_copies"},
		{name: "an unknown kind", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: strings.Replace(copy3, `"copy"`, `"apostille"`, 1), status: 422, code: "invalid_certification_kind"},
		{name: "pages as text", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: strings.Replace(copy3, `"pages":3`, `"pages":"ba"`, 1), status: 422, code: "invalid_json"},
		{name: "a certifier who is not one", as: "motcua", method: "POST", path: "/api/v1/certifications",
			body: strings.Replace(copy3, `}`, `,"certifier":"ketoan"}`, 1), status: 422, code: "invalid_certifier"},
		{name: "the accountant does not record", as: "ketoan", method: "POST", path: "/api/v1/certifications", body: copy3, status: 403, code: "forbidden"},
		{name: "the volunteer does not record", as: "tocongnghe", method: "POST", path: "/api/v1/certifications", body: copy3, status: 403, code: "forbidden"},
		{name: "anonymous", method: "POST", path: "/api/v1/certifications", body: copy3, status: 401, code: "unauthenticated"},

		{name: "the book of copies", as: "chuyenvien", method: "GET", path: "/api/v1/certifications?kind=copy", status: 200,
			want: []string{`"total":2`, `"number":2`}},
		{name: "one line", as: "lanhdao", method: "GET", path: "/api/v1/certifications/{c1}", status: 200, want: []string{`"requester":"Nguyễn Văn An"`}},
		{name: "the volunteer does not read", as: "tocongnghe", method: "GET", path: "/api/v1/certifications/{c1}", status: 403, code: "forbidden"},
		{name: "a book as PDF", as: "motcua", method: "GET", path: "/api/v1/certifications/books/copy-2026.pdf", status: 200,
			wantHeader: map[string]string{"Content-Type": "application/pdf"}},
		{name: "a book of no kind", as: "motcua", method: "GET", path: "/api/v1/certifications/books/notary-2026.pdf", status: 404, code: "unknown_register_file"},
		{name: "the fee paid in cash", as: "motcua", method: "POST", path: "/api/v1/payments/{ref}/confirm",
			body: `{"version":1,"method":"cash","amount":200000}`, status: 200, want: []string{`"state":"paid"`}},
		{name: "the day's reconciliation", as: "ketoan", method: "GET", path: "/api/v1/certifications/reconciliation", status: 200,
			want: []string{`"fees":280000`, `"collected":200000`, `"balanced":false`, `"problem":"unpaid"`}},
	})
}
