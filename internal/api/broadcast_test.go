package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// TestBroadcastScenarios: the administrator sets up a cluster and a speaker, uploads a
// bulletin, the leader approves it, the speaker finds it in its feed, fetches its sound
// and reports the play.
func TestBroadcastScenarios(t *testing.T) {
	testtool.Path(t, "ffmpeg", "apt-get install ffmpeg")
	e := newEnv(t)
	due := time.Now().Add(20 * time.Second).In(locale.Zone).Truncate(time.Second).Format(time.RFC3339)
	bulletin := `{"unit":"14731","title":"Thông báo tiêm chủng","priority":"normal","clusters":[{cl}],"schedule":{"at":"` + due + `"}}`
	speaker := map[string]string{"Authorization": "Bearer {spk}"}
	dueAt, _ := time.Parse(time.RFC3339, due)
	day, nextDay, month := dueAt.Format(time.DateOnly), dueAt.AddDate(0, 0, 1).Format(time.DateOnly), dueAt.Format("2006-01")
	run(t, e, []scenario{
		{name: "a cluster", as: "quantri", method: "POST", path: "/api/v1/broadcast/clusters", body: `{"unit":"14731","code":"thon-dong","name":"Thôn Đông"}`,
			status: 201, want: []string{`"code":"thon-dong"`}, after: keep("cl", "id")},
		{name: "the same code again", as: "quantri", method: "POST", path: "/api/v1/broadcast/clusters", body: `{"unit":"14731","code":"thon-dong","name":"x"}`,
			status: 422, code: "cluster_invalid"},
		{name: "a speaker, its token once", as: "quantri", method: "POST", path: "/api/v1/broadcast/speakers",
			body: `{"unit":"14731","cluster":{cl},"name":"Loa nhà văn hóa"}`, status: 201, want: []string{`"token":"`, `"silent":true`}, after: keep("spk", "token")},
		{name: "the list hides the token", as: "lanhdao", method: "GET", path: "/api/v1/broadcast/speakers?unit=14731", status: 200,
			want: []string{`"total":1`, `"name":"Loa nhà văn hóa"`}},
		{name: "a bulletin uploaded", as: "quantri", method: "POST", path: "/api/v1/bulletins",
			file: &upload{name: "thong-bao.wav", data: audio.Tone(1, 8000), fields: map[string]string{"bulletin": bulletin}}, status: 201,
			want: []string{`"status":"draft"`, `"seconds":1`, `"status_label":"Chờ duyệt"`}, after: keep("b", "id")},
		{name: "not audio", as: "quantri", method: "POST", path: "/api/v1/bulletins",
			file: &upload{name: "x.wav", data: []byte("%PDF-1.7"), fields: map[string]string{"bulletin": bulletin}}, status: 422, code: "audio_not_audio"},
		{name: "every minute", as: "quantri", method: "POST", path: "/api/v1/bulletins",
			body:   `{"unit":"14731","title":"x","text":"x","priority":"normal","clusters":[{cl}],"schedule":{"start":"` + due + `","rule":"FREQ=MINUTELY"}}`,
			status: 422, code: "schedule_too_frequent"},
		{name: "the administrator does not approve", as: "quantri", method: "POST", path: "/api/v1/bulletins/{b}/actions/approve", status: 403, code: "broadcast_forbidden"},
		{name: "the counter officer has no access", as: "motcua", method: "GET", path: "/api/v1/bulletins?unit=14731", status: 403, code: "forbidden"},
		{name: "a draft is not in the feed", method: "GET", path: "/api/v1/speakers/feed", header: speaker, status: 200, want: []string{`"now":null`, `"next":[]`}},
		{name: "the leader approves", as: "lanhdao", method: "POST", path: "/api/v1/bulletins/{b}/actions/approve", status: 200, want: []string{`"status":"approved"`}},
		{name: "the feed has it", method: "GET", path: "/api/v1/speakers/feed?volume=80", header: speaker, status: 200,
			want: []string{`"bulletin":{b}`, `"due":"` + due + `"`, `"audio":"/api/v1/speakers/bulletins/{b}/audio"`}, after: keepHeader("etag", "ETag")},
		{name: "unchanged, after a short wait", method: "GET", path: "/api/v1/speakers/feed?wait=1",
			header: map[string]string{"Authorization": "Bearer {spk}", "If-None-Match": "{etag}"}, status: 304},
		{name: "its sound", method: "GET", path: "/api/v1/speakers/bulletins/{b}/audio", header: speaker, status: 200,
			wantHeader: map[string]string{"Content-Type": "audio/mpeg"}},
		{name: "the play reported", method: "POST", path: "/api/v1/speakers/plays", header: speaker,
			body: `{"bulletin":{b},"due":"` + due + `","status":"played"}`, status: 204},
		{name: "a play at another time", method: "POST", path: "/api/v1/speakers/plays", header: speaker,
			body: `{"bulletin":{b},"due":"2026-01-01T06:00:00+07:00","status":"played"}`, status: 422, code: "play_invalid"},
		{name: "seen, with its volume", as: "lanhdao", method: "GET", path: "/api/v1/broadcast/speakers?unit=14731", status: 200,
			want: []string{`"volume":80`, `"silent":false`}},
		{name: "a wrong token", method: "GET", path: "/api/v1/speakers/feed", header: map[string]string{"Authorization": "Bearer nope"},
			status: 401, code: "speaker_token_invalid"},
		{name: "a user's token is no speaker's", as: "lanhdao", method: "GET", path: "/api/v1/speakers/feed", status: 401, code: "speaker_token_invalid"},
		{name: "the play log", as: "lanhdao", method: "GET", path: "/api/v1/bulletins/{b}/plays?from=" + day + "&to=" + nextDay, status: 200,
			want: []string{`"planned":1`, `"acknowledged":1`, `"speaker_name":"Loa nhà văn hóa"`, `"reported":"played"`, `"due":"` + due + `"`}},
		{name: "a log of a year", as: "lanhdao", method: "GET", path: "/api/v1/bulletins/{b}/plays?from=2026-01-01&to=2026-12-31", status: 422, code: "report_period_invalid"},
		{name: "a log of another day", as: "lanhdao", method: "GET", path: "/api/v1/bulletins/{b}/plays?from=2020-01-01", status: 200,
			want: []string{`"planned":0`, `"items":[]`}},
		{name: "the counter officer reads no log", as: "motcua", method: "GET", path: "/api/v1/bulletins/{b}/plays", status: 403, code: "forbidden"},
		{name: "the month's totals", as: "quantri", method: "GET", path: "/api/v1/broadcast/monthly?unit=14731&month=" + month, status: 200,
			want: []string{`"total":1`, `"cluster_name":"Thôn Đông"`, `"planned":1`, `"acknowledged":1`, `"emergencies":0`}},
		{name: "a month 13", as: "quantri", method: "GET", path: "/api/v1/broadcast/monthly?unit=14731&month=2026-13", status: 422, code: "report_month_invalid"},
		{name: "withdrawn", as: "quantri", method: "POST", path: "/api/v1/bulletins/{b}/actions/withdraw", status: 200, want: []string{`"status":"withdrawn"`}},
		{name: "its sound no more", method: "GET", path: "/api/v1/speakers/bulletins/{b}/audio", header: speaker, status: 404, code: "bulletin_not_found"},
	})
}

// keepHeader keeps an answer's header under name (a run's after sees only the body, so the
// header is fetched again by the scenario that follows: here, the feed's ETag is stable).
func keepHeader(name, header string) func(*testing.T, *env, string) {
	return func(t *testing.T, e *env, body string) {
		req, _ := http.NewRequest("GET", e.ts.URL+"/api/v1/speakers/feed", nil)
		req.Header.Set("Authorization", "Bearer "+e.vars["spk"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if e.vars[name] = resp.Header.Get(header); e.vars[name] == "" {
			t.Fatalf("no %s header", header)
		}
	}
}
