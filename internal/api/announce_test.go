package api_test

import (
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
)

// TestAnnouncementScenarios: the administrator writes an announcement, bad input is
// refused with its code, the leader publishes it and anyone lists it; withdrawn, it is
// gone from the list.
func TestAnnouncementScenarios(t *testing.T) {
	e := newEnv(t)
	today := calendar.DateOf(time.Now())
	from, to := today.AddDays(-1).String(), today.AddDays(2).String()
	run(t, e, []scenario{
		{name: "nothing yet", method: "GET", path: "/api/v1/announcements?unit=14731", status: 200, want: []string{`"items":[]`, `"total":0`}},
		{name: "written", as: "quantri", method: "POST", path: "/api/v1/announcements",
			body:   `{"unit":"14731","title":"Lịch tiêm phòng","body":"Sáng thứ Bảy tại trạm y tế.","valid_from":"` + from + `","valid_to":"` + to + `"}`,
			status: 201, want: []string{`"status":"draft"`, `"villages":[]`, `"valid_to":"` + to + `"`}, after: keep("a", "id")},
		{name: "no title", as: "quantri", method: "POST", path: "/api/v1/announcements",
			body: `{"unit":"14731","title":" ","body":"x","valid_from":"` + from + `","valid_to":"` + to + `"}`, status: 422, code: "announcement_title_invalid"},
		{name: "a date that is none", as: "quantri", method: "POST", path: "/api/v1/announcements",
			body: `{"unit":"14731","title":"x","body":"x","valid_from":"2026-02-30","valid_to":"` + to + `"}`, status: 422, code: "announcement_dates_invalid"},
		{name: "a village of no one", as: "quantri", method: "POST", path: "/api/v1/announcements",
			body:   `{"unit":"14731","title":"x","body":"x","valid_from":"` + from + `","valid_to":"` + to + `","villages":[999999]}`,
			status: 422, code: "announcement_village_invalid"},
		{name: "the counter officer may not write", as: "motcua", method: "POST", path: "/api/v1/announcements",
			body: `{"unit":"14731","title":"x","body":"x","valid_from":"` + from + `","valid_to":"` + to + `"}`, status: 403, code: "forbidden"},
		{name: "a draft is not listed", method: "GET", path: "/api/v1/announcements?unit=14731", status: 200, want: []string{`"total":0`}},
		{name: "the administrator does not publish", as: "quantri", method: "POST", path: "/api/v1/announcements/{a}/actions/publish", status: 403, code: "announcement_forbidden"},
		{name: "the leader publishes", as: "lanhdao", method: "POST", path: "/api/v1/announcements/{a}/actions/publish", status: 200,
			want: []string{`"status":"published"`, `"published_at":"`}},
		{name: "published twice", as: "lanhdao", method: "POST", path: "/api/v1/announcements/{a}/actions/publish", status: 409, code: "announcement_state"},
		{name: "listed for anyone", method: "GET", path: "/api/v1/announcements?unit=14731", status: 200, want: []string{`"total":1`, `"title":"Lịch tiêm phòng"`}},
		{name: "for a village: the commune's too", method: "GET", path: "/api/v1/announcements?unit=14731&village=999999", status: 200, want: []string{`"total":1`}},
		{name: "a village that is no number", method: "GET", path: "/api/v1/announcements?unit=14731&village=abc", status: 422, code: "invalid_village"},
		{name: "the portal's unit by default", method: "GET", path: "/api/v1/announcements", status: 200, want: []string{`"total":1`}},
		{name: "an unknown unit", method: "GET", path: "/api/v1/announcements?unit=99999", status: 404, code: "unit_not_found"},
		{name: "an unknown action", as: "lanhdao", method: "POST", path: "/api/v1/announcements/{a}/actions/delete", status: 404, code: "unknown_action"},
		{name: "withdrawn", as: "quantri", method: "POST", path: "/api/v1/announcements/{a}/actions/withdraw", status: 200, want: []string{`"status":"withdrawn"`}},
		{name: "gone from the list", method: "GET", path: "/api/v1/announcements?unit=14731", status: 200, want: []string{`"total":0`}},
	})
}
