package web

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The loudspeakers' page (/office/truyen-thanh, docs/BROADCAST.md): today's timeline of
// each cluster, the bulletins with their schedule (approve, withdraw), a form to write one
// (read aloud from its text, or an uploaded sound), the speakers with those gone silent
// flagged, and the clusters. Everything goes through broadcast.Service, as the API does.

var broadcastRoles = auth.BroadcastRoles

func (s *Server) broadcastRoutes() []httpx.Route {
	if s.Broadcast == nil {
		return nil
	}
	op := httpx.OnlyRoles(broadcastRoles...)
	return []httpx.Route{
		{Pattern: "GET /office/truyen-thanh", Access: op, Handler: s.broadcastPage},
		{Pattern: "POST /office/truyen-thanh/ban-tin", Access: op, Handler: s.createBulletin},
		{Pattern: "POST /office/truyen-thanh/ban-tin/{id}/{action}", Access: op, Handler: s.bulletinAction},
		{Pattern: "POST /office/truyen-thanh/cum-loa", Access: op, Handler: s.createCluster},
		{Pattern: "POST /office/truyen-thanh/loa", Access: op, Handler: s.registerSpeaker},
		{Pattern: "GET /office/truyen-thanh/lich", Access: op, Handler: s.timelinePage},
		{Pattern: "POST /office/truyen-thanh/lich", Access: op, Handler: s.movePlay},
	}
}

type slotView struct {
	Start, End, Title, Priority, Note string
	Emergency                         bool
}

type clusterTimeline struct {
	Cluster broadcast.Cluster
	Slots   []slotView
	// The cluster's live stream on Icecast, as this instance knows it (empty: no streams).
	Stream     string
	StreamLost bool
	StreamWhy  string
}

// streamView says a cluster's live stream state in words.
func streamView(tl *clusterTimeline, st broadcast.StreamState, known bool) {
	switch {
	case !known:
		tl.Stream = "Đang kết nối tới máy chủ phát trực tiếp…"
	case st.Connected:
		tl.Stream = "Đang phát trực tiếp (từ " + st.Since.In(locale.Zone).Format("15:04") + ")"
	default:
		tl.Stream, tl.StreamLost = "Mất kết nối từ "+st.Since.In(locale.Zone).Format("15:04"), true
		if st.Since.In(locale.Zone).Format(time.DateOnly) != time.Now().In(locale.Zone).Format(time.DateOnly) {
			tl.Stream += " ngày " + locale.Day(st.Since)
		}
		tl.StreamWhy = "không kết nối được máy chủ Icecast; đang thử lại"
		if st.Refused {
			tl.StreamWhy = "máy chủ Icecast từ chối nguồn phát (sai mật khẩu, hoặc điểm phát đang có nguồn khác); đang thử lại"
		}
	}
}

type bulletinView struct {
	ID                       int64
	Title, Priority, Status  string
	Schedule, Length         string
	Emergency, Draft, Active bool
	Clusters                 string
}

type speakerView struct {
	Name, Cluster, LastSeen, Volume string
	Silent                          bool
	Never                           bool // silent because it never asked yet: not "lost"
}

type broadcastForm struct {
	Values map[string]string
	Error  string
}

func (f broadcastForm) Value(k string) string { return f.Values[k] }

type broadcastPage struct {
	Unit       unit.Unit
	Today      string
	Timelines  []clusterTimeline
	Bulletins  []bulletinView
	Speakers   []speakerView
	Clusters   []broadcast.Cluster
	CanApprove bool
	Form       broadcastForm
	NewToken   string // a speaker's token, shown once after registering it
	NewSpeaker string
	Log        playLogView
	Month      broadcastMonthView
	Outbox     outboxView
}

// outboxView is the section on the messages to the province's source system (shown when
// they are sent: --source-url, or the demo's fake).
type outboxView struct {
	Shown                 bool
	Pending, Sent, Failed int
	Rows                  []outboxRow
}

type outboxRow struct {
	Kind, Bulletin, Created, State, Error string
	Failed                                bool
}

// playLogView is the "Nhật ký phát" section: a bulletin's planned plays on each speaker
// against their reports, for the days chosen (?nhat-ky=ID&tu=…&den=…).
type playLogView struct {
	Bulletin             int64 // 0: none chosen
	Title                string
	From, To             string // the form's values, YYYY-MM-DD
	Rows                 []playLogRow
	Planned, Acknowledge int
	Error                string
}

type playLogRow struct {
	Due, Played, Speaker, Cluster, Status string
	Missing, Cut                          bool
}

// broadcastMonthView is the month's totals per cluster (?thang=YYYY-MM).
type broadcastMonthView struct {
	Month, Label string
	Rows         []broadcastMonthRow
	Error        string
}

type broadcastMonthRow struct {
	Cluster               string
	Planned, Acknowledged int
	Minutes               string
	Emergencies           int
}

// broadcastUnit is the unit whose speakers the caller runs: the first where they are
// leader or unit administrator; the portal's unit for the system administrator.
func (s *Server) broadcastUnit(r *http.Request) (unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	for _, m := range p.Memberships {
		if slices.Contains(broadcastRoles, m.Role) {
			return s.Store.UnitByID(r.Context(), m.UnitID)
		}
	}
	if p.IsSystemAdmin() {
		return s.Store.UnitByID(r.Context(), s.HomeUnitID)
	}
	return unit.Unit{}, apperr.ErrForbidden
}

func (s *Server) broadcastPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderBroadcast(w, r, http.StatusOK, broadcastForm{}, "", "")
}

func (s *Server) renderBroadcast(w http.ResponseWriter, r *http.Request, status int, form broadcastForm, token, speaker string) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	p := auth.PrincipalFrom(ctx)
	now := time.Now()
	if s.Broadcast.Now != nil {
		now = s.Broadcast.Now()
	}
	local := now.In(locale.Zone)
	dayStart := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, locale.Zone)
	page := broadcastPage{Unit: u, Today: locale.Day(local), CanApprove: p.Can(u.ID, auth.RoleLeader), Form: form, NewToken: token, NewSpeaker: speaker}
	if page.Clusters, err = s.Store.Clusters(ctx, u.ID); err != nil {
		return err
	}
	names := map[int64]string{}
	ids := make([]int64, len(page.Clusters))
	for i, c := range page.Clusters {
		names[c.ID], ids[i] = c.Name, c.ID
	}
	approved, err := s.Store.Approved(ctx, ids)
	if err != nil {
		return err
	}
	bs := make([]broadcast.Bulletin, len(approved))
	for i, a := range approved {
		bs[i] = a.Bulletin
	}
	streaming, streams := s.Broadcast.Streaming(), s.Broadcast.StreamStates()
	for _, c := range page.Clusters {
		slots, err := broadcast.Playlist(c.ID, bs, dayStart, dayStart.AddDate(0, 0, 1))
		if err != nil {
			return err
		}
		tl := clusterTimeline{Cluster: c}
		if st, known := streams[c.ID]; streaming || known {
			streamView(&tl, st, known)
		}
		for _, sl := range slots {
			v := slotView{Start: sl.Start.In(locale.Zone).Format("15:04:05"), End: sl.End.In(locale.Zone).Format("15:04:05"),
				Title: sl.Title, Priority: sl.Priority.Label(), Emergency: sl.Priority == broadcast.Emergency}
			switch {
			case sl.Cut:
				v.Note = "Bị ngắt bởi bản tin khẩn cấp"
			case sl.Delayed:
				v.Note = "Phát lùi sau bản tin trước (lịch " + sl.Due.In(locale.Zone).Format("15:04") + ")"
			}
			tl.Slots = append(tl.Slots, v)
		}
		page.Timelines = append(page.Timelines, tl)
	}
	all, err := s.Store.Bulletins(ctx, u.ID, nil)
	if err != nil {
		return err
	}
	for _, b := range all {
		var cl []string
		for _, c := range b.Clusters {
			cl = append(cl, names[c])
		}
		page.Bulletins = append(page.Bulletins, bulletinView{ID: b.ID, Title: b.Title, Priority: b.Priority.Label(), Status: b.Status.Label(),
			Schedule: b.Schedule.Describe(), Length: seconds(b.Seconds), Emergency: b.Priority == broadcast.Emergency,
			Draft: b.Status == broadcast.StatusDraft, Active: b.Status != broadcast.StatusWithdrawn, Clusters: strings.Join(cl, ", ")})
	}
	sps, err := s.Store.Speakers(ctx, u.ID)
	if err != nil {
		return err
	}
	for _, sp := range sps {
		v := speakerView{Name: sp.Name, Cluster: names[sp.ClusterID], LastSeen: "—", Volume: "—", Silent: broadcast.Silent(sp, now), Never: sp.LastSeen.IsZero()}
		if !sp.LastSeen.IsZero() {
			v.LastSeen = locale.DateTime(sp.LastSeen)
		}
		if sp.Volume >= 0 {
			v.Volume = strconv.Itoa(sp.Volume) + "%"
		}
		page.Speakers = append(page.Speakers, v)
	}
	if s.Broadcast.Source {
		titles := map[int64]string{}
		for _, b := range all {
			titles[b.ID] = b.Title
		}
		if page.Outbox, err = s.outboxSection(r, u.ID, titles); err != nil {
			return err
		}
	}
	if page.Log, err = s.playLogSection(r, names, local); err != nil {
		return err
	}
	if page.Month, err = s.monthSection(r, u.ID, local); err != nil {
		return err
	}
	v := s.view(r, "Truyền thanh cơ sở")
	v.Area, v.Nav, v.Data = "office", "broadcast", page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "broadcast", v)
}

// playLogSection reads ?nhat-ky=ID&tu=YYYY-MM-DD&den=YYYY-MM-DD into the play log's
// section; a period or bulletin the service refuses is said in the section, not as an
// error page.
func (s *Server) playLogSection(r *http.Request, clusters map[int64]string, now time.Time) (playLogView, error) {
	q := r.URL.Query()
	v := playLogView{From: q.Get("tu"), To: q.Get("den")}
	if v.From == "" {
		v.From = now.Format(time.DateOnly)
	}
	if v.To == "" {
		v.To = v.From
	}
	if q.Get("nhat-ky") == "" {
		return v, nil
	}
	id, err := strconv.ParseInt(q.Get("nhat-ky"), 10, 64)
	if err != nil || id <= 0 {
		v.Error = broadcast.ErrNotFound.Message
		return v, nil
	}
	v.Bulletin = id
	from, to, err := broadcast.ParsePeriod(v.From, v.To, now)
	var log broadcast.PlayLog
	if err == nil {
		log, err = s.Broadcast.PlayLog(r.Context(), auth.PrincipalFrom(r.Context()), id, from, to)
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && ae.Kind != apperr.Internal {
		v.Error = ae.Message
		return v, nil
	}
	if err != nil {
		return v, err
	}
	v.Title, v.Planned, v.Acknowledge = log.Bulletin.Title, len(log.Entries), log.Acknowledged
	for _, e := range log.Entries {
		row := playLogRow{Due: locale.DateTime(e.Due), Played: e.Start.In(locale.Zone).Format("15:04:05") + "–" + e.End.In(locale.Zone).Format("15:04:05"),
			Speaker: e.Speaker, Cluster: clusters[e.ClusterID], Status: e.StatusLabel(), Missing: !e.Acknowledged(), Cut: e.Cut}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}

// monthSection is the month's totals per cluster (?thang=YYYY-MM, this month when absent).
func (s *Server) monthSection(r *http.Request, unitID int64, now time.Time) (broadcastMonthView, error) {
	v := broadcastMonthView{Month: r.URL.Query().Get("thang")}
	if v.Month == "" {
		v.Month = now.Format("2006-01")
	}
	month, err := broadcast.ParseMonth(v.Month)
	if err != nil {
		v.Error = broadcast.ErrMonth.Message
		return v, nil
	}
	v.Label = fmt.Sprintf("tháng %d/%d", month.Month(), month.Year())
	totals, err := s.Broadcast.Monthly(r.Context(), auth.PrincipalFrom(r.Context()), unitID, month)
	if err != nil {
		return v, err
	}
	for _, t := range totals {
		v.Rows = append(v.Rows, broadcastMonthRow{Cluster: t.Cluster.Name, Planned: t.Planned, Acknowledged: t.Acknowledged,
			Minutes: strings.Replace(strconv.FormatFloat(t.Minutes, 'f', 1, 64), ".", ",", 1), Emergencies: t.Emergencies})
	}
	return v, nil
}

// seconds writes a duration as the page shows it: "1 phút 05 giây", "45 giây".
func seconds(f float64) string {
	n := int(f + 0.5)
	if n < 60 {
		return strconv.Itoa(n) + " giây"
	}
	return fmt.Sprintf("%d phút %02d giây", n/60, n%60)
}

// errBroadcastForm: a form that could not be read.
var errBroadcastForm = apperr.Invalidf("invalid_form", "Không đọc được biểu mẫu; vui lòng gửi lại.")

func (s *Server) createBulletin(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, audio.MaxBytes+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return audio.ErrTooLarge
		}
		return errBroadcastForm
	}
	defer r.MultipartForm.RemoveAll()
	form := broadcastForm{Values: map[string]string{}}
	for _, k := range []string{"title", "text", "priority", "kind", "at", "start", "end", "times", "rule"} {
		form.Values[k] = strings.TrimSpace(r.PostFormValue(k))
	}
	var clusters []int64
	for _, c := range r.PostForm["cluster"] {
		if id, err := strconv.ParseInt(c, 10, 64); err == nil {
			clusters = append(clusters, id)
			form.Values["cluster-"+c] = "on"
		}
	}
	var sound []byte
	if f, _, err := r.FormFile("audio"); err == nil {
		sound, err = io.ReadAll(io.LimitReader(f, audio.MaxBytes+1))
		f.Close()
		if err != nil {
			return errBroadcastForm
		}
	}
	sch, err := scheduleFromForm(form.Values)
	if err == nil {
		_, err = s.Broadcast.CreateBulletin(ctx, auth.PrincipalFrom(ctx), u.ID, broadcast.Draft{Title: form.Values["title"], Text: form.Values["text"],
			Priority: broadcast.Priority(form.Values["priority"]), Clusters: clusters, Schedule: sch, Audio: sound})
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Kind == apperr.Invalid || ae.Kind == apperr.Conflict || ae.Kind == apperr.Unavailable) {
		form.Error = ae.Message
		return s.renderBroadcast(w, r, http.StatusUnprocessableEntity, form, "", "")
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã lưu bản tin «"+form.Values["title"]+"»; bản tin phát khi lãnh đạo duyệt.")
	http.Redirect(w, r, "/office/truyen-thanh", http.StatusSeeOther)
	return nil
}

// scheduleFromForm reads the form's schedule: once at a moment, daily at times between
// two days, or an RFC 5545 rule from a moment to a day.
func scheduleFromForm(v map[string]string) (broadcast.Schedule, error) {
	bad := apperr.Invalidf("schedule_invalid", "Vui lòng điền đủ lịch phát: thời điểm phát một lần, hoặc giờ phát, ngày bắt đầu và ngày kết thúc.")
	moment := func(s string) (time.Time, error) { return time.ParseInLocation("2006-01-02T15:04", s, locale.Zone) }
	day := func(s string) (time.Time, error) { return time.ParseInLocation("2006-01-02", s, locale.Zone) }
	switch v["kind"] {
	case "once":
		at, err := moment(v["at"])
		if err != nil {
			return broadcast.Schedule{}, bad
		}
		return broadcast.Schedule{Start: at}, nil
	case "daily", "rule":
		start, err1 := day(v["start"])
		end, err2 := day(v["end"])
		if err1 != nil || err2 != nil {
			return broadcast.Schedule{}, bad
		}
		text := v["rule"]
		if v["kind"] == "daily" {
			var hours, minutes []string
			for t := range strings.FieldsFuncSeq(v["times"], func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
				h, m, ok := strings.Cut(t, ":")
				if !ok {
					h, m, ok = strings.Cut(strings.ToLower(t), "h")
				}
				if m == "" {
					m = "0"
				}
				hi, err1 := strconv.Atoi(h)
				mi, err2 := strconv.Atoi(m)
				if err1 != nil || err2 != nil {
					return broadcast.Schedule{}, apperr.Invalidf("schedule_times_invalid", "Giờ phát viết dạng 06:00, 17:00.")
				}
				hours, minutes = append(hours, strconv.Itoa(hi)), append(minutes, strconv.Itoa(mi))
			}
			if len(hours) == 0 {
				return broadcast.Schedule{}, apperr.Invalidf("schedule_times_invalid", "Giờ phát viết dạng 06:00, 17:00.")
			}
			// Times at different minutes are separate rules' work: one rule pairs every
			// hour with every minute, so the form takes one minute for all its hours.
			if slices.ContainsFunc(minutes, func(m string) bool { return m != minutes[0] }) {
				return broadcast.Schedule{}, apperr.Invalidf("schedule_times_invalid", "Các giờ phát trong ngày cần cùng số phút (ví dụ 06:00, 17:00); giờ khác phút hãy lập bản tin riêng.")
			}
			text = "FREQ=DAILY;BYHOUR=" + strings.Join(slices.Compact(hours), ",") + ";BYMINUTE=" + minutes[0]
		}
		rule, err := broadcast.ParseRule(text)
		if err != nil {
			return broadcast.Schedule{}, err
		}
		return broadcast.Schedule{Start: start, Rule: &rule, End: end.Add(24*time.Hour - time.Second)}, nil
	}
	return broadcast.Schedule{}, bad
}

func (s *Server) bulletinAction(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return broadcast.ErrNotFound
	}
	p := auth.PrincipalFrom(ctx)
	var b broadcast.Record
	var done string
	switch r.PathValue("action") {
	case "duyet":
		b, err = s.Broadcast.Approve(ctx, p, id)
		done = "Đã duyệt bản tin «%s»; bản tin phát theo lịch."
	case "thu-hoi":
		b, err = s.Broadcast.Withdraw(ctx, p, id)
		done = "Đã thu hồi bản tin «%s»."
	default:
		return errNoPage
	}
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Kind == apperr.Conflict || ae.Kind == apperr.Invalid) {
		s.sessions.Put(ctx, "flash", ae.Message)
		http.Redirect(w, r, "/office/truyen-thanh", http.StatusSeeOther)
		return nil
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf(done, b.Title))
	http.Redirect(w, r, "/office/truyen-thanh", http.StatusSeeOther)
	return nil
}

func (s *Server) createCluster(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBroadcastForm
	}
	_, err = s.Broadcast.CreateCluster(ctx, auth.PrincipalFrom(ctx), u.ID, r.PostFormValue("code"), r.PostFormValue("name"))
	if errors.Is(err, broadcast.ErrCluster) {
		return s.renderBroadcast(w, r, http.StatusUnprocessableEntity, broadcastForm{Error: broadcast.ErrCluster.Message}, "", "")
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", "Đã thêm cụm loa «"+strings.TrimSpace(r.PostFormValue("name"))+"».")
	http.Redirect(w, r, "/office/truyen-thanh#cum-loa", http.StatusSeeOther)
	return nil
}

// registerSpeaker answers with the page itself, the speaker's token on it once: the
// token is nowhere kept but as its hash.
func (s *Server) registerSpeaker(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBroadcastForm
	}
	cluster, _ := strconv.ParseInt(r.PostFormValue("cluster"), 10, 64)
	sp, token, err := s.Broadcast.RegisterSpeaker(ctx, auth.PrincipalFrom(ctx), u.ID, cluster, r.PostFormValue("name"))
	if errors.Is(err, broadcast.ErrCluster) {
		return s.renderBroadcast(w, r, http.StatusUnprocessableEntity, broadcastForm{Error: broadcast.ErrCluster.Message}, "", "")
	}
	if err != nil {
		return err
	}
	return s.renderBroadcast(w, r, http.StatusCreated, broadcastForm{}, token, sp.Name)
}

// outboxSection is the source system's outbox: counts and the latest messages.
func (s *Server) outboxSection(r *http.Request, unitID int64, titles map[int64]string) (outboxView, error) {
	o, err := s.Broadcast.SourceOutbox(r.Context(), auth.PrincipalFrom(r.Context()), unitID)
	if err != nil {
		return outboxView{}, err
	}
	v := outboxView{Shown: true, Pending: o.Pending, Sent: o.Sent, Failed: o.Failed}
	for _, e := range o.Latest {
		row := outboxRow{Kind: "Thông tin bản tin", Bulletin: titles[e.BulletinID], Created: locale.DateTime(e.CreatedAt), Error: e.LastError}
		if e.Kind == "play-log" {
			row.Kind = "Nhật ký phát"
		}
		if row.Bulletin == "" {
			row.Bulletin = "Bản tin số " + strconv.FormatInt(e.BulletinID, 10)
		}
		switch e.State {
		case "sent":
			row.State, row.Error = "Đã gửi lúc "+locale.DateTime(e.SentAt), ""
		case "failed":
			row.State, row.Failed = "Không gửi được (đã thử "+strconv.Itoa(e.Attempts)+" lần)", true
		default:
			row.State = "Đang chờ gửi"
			if e.Attempts > 0 {
				row.State += " (đã thử " + strconv.Itoa(e.Attempts) + " lần, thử lại lúc " + locale.DateTime(e.NextAttempt) + ")"
			}
		}
		v.Rows = append(v.Rows, row)
	}
	return v, nil
}
