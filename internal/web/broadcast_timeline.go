package web

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The timeline page (/office/truyen-thanh/lich?cum=ID&ngay=YYYY-MM-DD, docs/BROADCAST.md):
// one cluster's day, each play with its time and length, and the operator's changes of a
// single play that day (broadcast.Service.Move): moved to another time, skipped, or put
// back. No JavaScript: each play has its own small form.

type timelineSlot struct {
	Start, End, Length, Title, Priority, Note string
	Bulletin                                  int64
	Due                                       int64  // the play's key (Unix seconds)
	At                                        string // HH:MM, the form's value
	Emergency, Moved, Cut, Delayed, Movable   bool
}

type timelineSkipped struct {
	Title, Due string
	Bulletin   int64
	DueKey     int64
	Movable    bool
}

type timelinePage struct {
	Clusters []broadcast.Cluster
	Cluster  broadcast.Cluster
	Day      string // YYYY-MM-DD
	DayLabel string
	Prev     string
	Next     string
	Slots    []timelineSlot
	Skipped  []timelineSkipped
	Error    string
}

var errTimelineDay = apperr.Invalidf("timeline_day_invalid", "Ngày cần viết dạng NNNN-TT-NN, ví dụ 2026-12-07.")

func (s *Server) timelinePage(w http.ResponseWriter, r *http.Request) error {
	return s.renderTimeline(w, r, http.StatusOK, r.URL.Query().Get("cum"), r.URL.Query().Get("ngay"), "")
}

func (s *Server) renderTimeline(w http.ResponseWriter, r *http.Request, status int, clusterParam, dayParam, problem string) error {
	ctx := r.Context()
	u, err := s.broadcastUnit(r)
	if err != nil {
		return err
	}
	now := time.Now()
	if s.Broadcast.Now != nil {
		now = s.Broadcast.Now()
	}
	local := now.In(locale.Zone)
	day := time.Date(local.Year(), local.Month(), local.Day(), 0, 0, 0, 0, locale.Zone)
	if dayParam != "" {
		d, err := time.ParseInLocation(time.DateOnly, dayParam, locale.Zone)
		if err != nil || d.Year() < 2000 || d.Year() > 2200 {
			return errTimelineDay
		}
		day = d
	}
	page := timelinePage{Day: day.Format(time.DateOnly), DayLabel: locale.Day(day), Error: problem,
		Prev: day.AddDate(0, 0, -1).Format(time.DateOnly), Next: day.AddDate(0, 0, 1).Format(time.DateOnly)}
	if page.Clusters, err = s.Store.Clusters(ctx, u.ID); err != nil {
		return err
	}
	v := s.view(r, "Lịch phát trong ngày")
	v.Area, v.Nav = "office", "broadcast"
	v.Flash = s.sessions.PopString(ctx, "flash")
	if len(page.Clusters) == 0 {
		v.Data = page
		return s.views.render(w, status, "broadcast_timeline", v)
	}
	page.Cluster = page.Clusters[0]
	if clusterParam != "" {
		id, _ := strconv.ParseInt(clusterParam, 10, 64)
		found := false
		for _, c := range page.Clusters {
			if c.ID == id {
				page.Cluster, found = c, true
			}
		}
		if !found {
			return errNoPage
		}
	}
	approved, err := s.Store.Approved(ctx, []int64{page.Cluster.ID})
	if err != nil {
		return err
	}
	bs := make([]broadcast.Bulletin, len(approved))
	for i, a := range approved {
		bs[i] = a.Bulletin
	}
	end := day.AddDate(0, 0, 1)
	slots, err := broadcast.Playlist(page.Cluster.ID, bs, day, end)
	if err != nil {
		return err
	}
	for _, sl := range slots {
		v := timelineSlot{Start: sl.Start.In(locale.Zone).Format("15:04:05"), End: sl.End.In(locale.Zone).Format("15:04:05"),
			Length: seconds(sl.End.Sub(sl.Start).Seconds()), Title: sl.Title, Priority: sl.Priority.Label(), Bulletin: sl.Bulletin,
			Due: sl.Due.Unix(), At: sl.Start.In(locale.Zone).Format("15:04"), Emergency: sl.Priority == broadcast.Emergency,
			Moved: sl.Moved, Cut: sl.Cut, Delayed: sl.Delayed,
			Movable: sl.Priority != broadcast.Emergency && sl.Start.After(now) && !sl.Due.Before(day) && sl.Due.Before(end)}
		switch {
		case sl.Cut:
			v.Note = "Bị ngắt bởi bản tin khẩn cấp"
		case sl.Moved:
			v.Note = "Đã dời từ " + sl.Due.In(locale.Zone).Format("15:04")
		case sl.Delayed:
			v.Note = "Phát lùi sau bản tin trước (lịch " + sl.Due.In(locale.Zone).Format("15:04") + ")"
		}
		if sl.Moved && sl.Delayed {
			v.Note += ", phát lùi sau bản tin trước"
		}
		page.Slots = append(page.Slots, v)
	}
	// The plays skipped that day, to be put back.
	for _, b := range bs {
		for _, m := range b.Moves {
			if m.Cluster == page.Cluster.ID && m.Skip && !m.Due.Before(day) && m.Due.Before(end) {
				page.Skipped = append(page.Skipped, timelineSkipped{Title: b.Title, Due: m.Due.In(locale.Zone).Format("15:04"),
					Bulletin: b.ID, DueKey: m.Due.Unix(), Movable: m.Due.After(now)})
			}
		}
	}
	v.Data = page
	return s.views.render(w, status, "broadcast_timeline", v)
}

// movePlay applies the operator's change of one play: doi (to the time gio that day),
// bo (skipped that day) or khoi-phuc (put back at its schedule's time).
func (s *Server) movePlay(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBroadcastForm
	}
	cluster, day := r.PostFormValue("cum"), r.PostFormValue("ngay")
	clusterID, err1 := strconv.ParseInt(cluster, 10, 64)
	bulletinID, err2 := strconv.ParseInt(r.PostFormValue("ban-tin"), 10, 64)
	dueUnix, err3 := strconv.ParseInt(r.PostFormValue("lich"), 10, 64)
	if err1 != nil || err2 != nil || err3 != nil || dueUnix < 0 || dueUnix > 1<<40 {
		return errBroadcastForm
	}
	due := time.Unix(dueUnix, 0)
	var to time.Time
	skip := false
	var done string
	switch r.PostFormValue("thao-tac") {
	case "doi":
		d := due.In(locale.Zone)
		t, err := time.ParseInLocation("2006-01-02 15:04", d.Format(time.DateOnly)+" "+r.PostFormValue("gio"), locale.Zone)
		if err != nil {
			return s.renderTimeline(w, r, http.StatusUnprocessableEntity, cluster, day, "Giờ phát mới viết dạng 19:30.")
		}
		to, done = t, "Đã dời lượt phát «%s» lúc "+d.Format("15:04")+" sang "+t.Format("15:04")+"."
	case "bo":
		skip, done = true, "Đã bỏ lượt phát «%s» lúc "+due.In(locale.Zone).Format("15:04")+" trong ngày."
	case "khoi-phuc":
		to, done = due, "Lượt phát «%s» trở lại giờ theo lịch, "+due.In(locale.Zone).Format("15:04")+"."
	default:
		return errBroadcastForm
	}
	b, err := s.Broadcast.Move(ctx, auth.PrincipalFrom(ctx), bulletinID, clusterID, due, to, skip)
	var ae *apperr.Error
	if errors.As(err, &ae) && (ae.Kind == apperr.Conflict || ae.Kind == apperr.Invalid) {
		return s.renderTimeline(w, r, http.StatusUnprocessableEntity, cluster, day, ae.Message)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf(done, b.Title))
	http.Redirect(w, r, "/office/truyen-thanh/lich?"+url.Values{"cum": {cluster}, "ngay": {day}}.Encode(), http.StatusSeeOther)
	return nil
}
