package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
)

// TestFeedbackScenarios: citizens' feedback through the API — filed with the dossier's
// secret; refused with feedback_forbidden for a wrong secret, someone else's dossier or a
// code that does not exist (the same answer); assigned by the leader to a specialist,
// answered, judged by the citizen, published without the citizen's name; and the
// satisfaction survey, once, scored 1–5.
func TestFeedbackScenarios(t *testing.T) {
	e := newEnv(t)
	ds, _, err := e.st.Dossiers(context.Background(), store.DossierQuery{Statuses: []dossier.Status{dossier.StatusReturned}, Limit: 1})
	if err != nil || len(ds) == 0 {
		t.Fatalf("a returned dossier: %v", err)
	}
	d := ds[0]
	e.vars["code"], e.vars["secret"] = d.Code, d.Secret
	body := func(extra string) string {
		return `{"dossier_code": "{code}", "kind": "complaint", "content": "Cán bộ hẹn trả kết quả nhưng chưa có.", "publish": true` + extra + `}`
	}
	run(t, e, []scenario{
		{name: "a wrong secret", method: "POST", path: "/api/v1/feedback", body: body(`, "secret": "SAIMATRA"`), status: 403, code: "feedback_forbidden"},
		{name: "someone else's dossier, logged in without its secret", as: "congdan", method: "POST", path: "/api/v1/feedback", body: body(""),
			status: 403, code: "feedback_forbidden"},
		{name: "a code that does not exist", method: "POST", path: "/api/v1/feedback",
			body:   `{"dossier_code": "000.00.00.H00-240101-9999", "secret": "ABCD2345", "kind": "proposal", "content": "Đề nghị mở thêm quầy tiếp nhận."}`,
			status: 403, code: "feedback_forbidden"},
		{name: "about the service, anonymous", method: "POST", path: "/api/v1/feedback",
			body: `{"unit": "14731", "kind": "proposal", "content": "Đề nghị mở thêm quầy tiếp nhận."}`, status: 401, code: "feedback_login_required"},
		{name: "too short", method: "POST", path: "/api/v1/feedback", body: `{"dossier_code": "{code}", "secret": "{secret}", "kind": "complaint", "content": "ngắn"}`,
			status: 422, code: "invalid_feedback"},
		{name: "filed with the secret", method: "POST", path: "/api/v1/feedback", body: body(`, "secret": "{secret}", "name": "Người phản ánh"`),
			status: 201, want: []string{`"status":"new"`, `"dossier_code":"{code}"`}, after: keep("id", "id")},
		{name: "about the service, logged in", as: "congdan", method: "POST", path: "/api/v1/feedback",
			body: `{"unit": "14731", "kind": "proposal", "content": "Đề nghị mở thêm quầy tiếp nhận buổi sáng thứ Bảy."}`, status: 201},
		{name: "the unit's list", as: "motcua", method: "GET", path: "/api/v1/feedback?unit=14731", status: 200, want: []string{`"total":2`}},
		{name: "not for the volunteer", as: "tocongnghe", method: "GET", path: "/api/v1/feedback?unit=14731", status: 403, code: "forbidden"},
		{name: "assigned to a citizen", as: "lanhdao", method: "POST", path: "/api/v1/feedback/{id}/assign", body: `{"assignee": "congdan"}`,
			status: 422, code: "feedback_assignee"},
		{name: "the specialist may not assign", as: "chuyenvien", method: "POST", path: "/api/v1/feedback/{id}/assign", body: `{"assignee": "chuyenvien"}`,
			status: 403, code: "forbidden"},
		{name: "assigned", as: "lanhdao", method: "POST", path: "/api/v1/feedback/{id}/assign", body: `{"assignee": "chuyenvien"}`,
			status: 200, want: []string{`"status":"assigned"`, `"assignee":"Lê Văn Cường"`}},
		{name: "answered", as: "chuyenvien", method: "POST", path: "/api/v1/feedback/{id}/answer", body: `{"answer": "Đơn vị đã kiểm tra và xin lỗi ông/bà."}`,
			status: 200, want: []string{`"status":"answered"`, `"on_time":true`}},
		{name: "answered twice", as: "lanhdao", method: "POST", path: "/api/v1/feedback/{id}/answer", body: `{"answer": "Lần nữa."}`,
			status: 409, code: "feedback_answered"},
		{name: "the citizen's verdict, wrong secret", method: "POST", path: "/api/v1/feedback/{id}/verdict", body: `{"verdict": "satisfied", "secret": "SAI"}`,
			status: 404, code: "feedback_not_found"},
		{name: "the citizen's verdict", method: "POST", path: "/api/v1/feedback/{id}/verdict", body: `{"verdict": "satisfied", "secret": "{secret}"}`,
			status: 200, want: []string{`"verdict":"satisfied"`}},
		{name: "published without name or contact", method: "GET", path: "/api/v1/feedback/published?unit=14731", status: 200,
			want: []string{`"total":1`, `"answer":"Đơn vị đã kiểm tra và xin lỗi ông/bà."`},
			after: func(t *testing.T, e *env, body string) {
				for _, private := range []string{"Người phản ánh", `"name"`, `"contact"`, d.Code} {
					if strings.Contains(body, private) {
						t.Fatalf("the published list shows %q: %s", private, body)
					}
				}
			}},
		{name: "a survey with a score out of range", method: "POST", path: "/api/v1/dossiers/{code}/survey",
			body: `{"secret": "{secret}", "scores": {"attitude": 6, "time": 4, "transparency": 4, "simplicity": 4, "result": 5}}`, status: 422, code: "invalid_survey"},
		{name: "a survey without the secret", method: "POST", path: "/api/v1/dossiers/{code}/survey",
			body: `{"scores": {"attitude": 5, "time": 4, "transparency": 4, "simplicity": 4, "result": 5}}`, status: 404, code: "dossier_not_found"},
		{name: "the survey", method: "POST", path: "/api/v1/dossiers/{code}/survey",
			body: `{"secret": "{secret}", "scores": {"attitude": 5, "time": 4, "transparency": 4, "simplicity": 3, "result": 5}, "comment": "Tốt"}`, status: 204},
		{name: "the survey twice", method: "POST", path: "/api/v1/dossiers/{code}/survey",
			body: `{"secret": "{secret}", "scores": {"attitude": 5, "time": 4, "transparency": 4, "simplicity": 3, "result": 5}}`, status: 409, code: "already_surveyed"},
		{name: "the deadline set out of range", as: "quantri", method: "PUT", path: "/api/v1/feedback/settings", body: `{"unit": "14731", "answer_days": 0}`,
			status: 422, code: "feedback_answer_days"},
		{name: "the deadline set", as: "quantri", method: "PUT", path: "/api/v1/feedback/settings", body: `{"unit": "14731", "answer_days": 15}`, status: 200},
	})
}
