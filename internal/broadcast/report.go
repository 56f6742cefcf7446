package broadcast

import (
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/locale"
)

// Reporting (Circular 39/2020: the source system keeps a log of what played): for a
// bulletin and a period, each speaker of its clusters against each play its cluster's
// timeline planned (a play cut by an emergency included), with what the speaker
// reported; and, for a unit and a month, each cluster's totals.

// LogEntry is one planned play on one speaker, with the speaker's report.
type LogEntry struct {
	SpeakerID int64
	Speaker   string
	ClusterID int64
	Due       time.Time // the schedule's time: the play's key
	Start     time.Time // when the timeline played it
	End       time.Time
	Cut       bool   // stopped by an emergency
	Reported  string // played, cut, failed; "" nothing reported
}

// Acknowledged says whether the speaker reported the play as played (or cut, as planned).
func (e LogEntry) Acknowledged() bool {
	return e.Reported == "played" || e.Reported == "cut"
}

// StatusLabel is the report on screen.
func (e LogEntry) StatusLabel() string {
	switch e.Reported {
	case "played":
		return "Đã phát"
	case "cut":
		return "Bị cắt (khẩn cấp)"
	case "failed":
		return "Lỗi, không phát được"
	}
	return "Chưa báo cáo"
}

// PlayLog is a bulletin's log over [From, To).
type PlayLog struct {
	Bulletin     Record
	From, To     time.Time
	Entries      []LogEntry // by due time, then speaker
	Acknowledged int        // entries reported played or cut
}

// Limits of a report: a log covers at most maxLogDays days and maxLogEntries rows.
const (
	maxLogDays    = 31
	maxLogEntries = 20000
)

// ErrPeriod: a report's period is empty, reversed or too long.
var ErrPeriod = apperr.New(apperr.Invalid, "report_period_invalid",
	"Khoảng thời gian của báo cáo không hợp lệ (từ 1 ngày đến 31 ngày, ngày bắt đầu trước ngày kết thúc).")

// ErrTooMany: a log would be too long to show at once.
var ErrTooMany = apperr.New(apperr.Invalid, "report_too_large",
	"Nhật ký phát quá dài; vui lòng chọn khoảng thời gian ngắn hơn.")

// PlayLog lists a bulletin's planned plays on each speaker of its clusters over
// [from, to) against their reports: an operator of the bulletin's unit.
func (s *Service) PlayLog(ctx context.Context, p *auth.Principal, bulletinID int64, from, to time.Time) (PlayLog, error) {
	if !to.After(from) || to.Sub(from) > maxLogDays*24*time.Hour+time.Hour {
		return PlayLog{}, ErrPeriod
	}
	r, err := s.Store.Bulletin(ctx, bulletinID)
	if err != nil {
		return PlayLog{}, err
	}
	if !p.Can(r.UnitID, operators...) {
		return PlayLog{}, ErrForbidden
	}
	log := PlayLog{Bulletin: r, From: from, To: to}
	if r.Status == StatusDraft { // nothing was planned yet
		return log, nil
	}
	// A bulletin withdrawn since is laid out too: its plays before the withdrawal.
	planned, err := s.planned(ctx, r.UnitID, r.Clusters, []Record{r}, from, to)
	if err != nil {
		return PlayLog{}, err
	}
	for _, pl := range planned {
		if pl.slot.Bulletin != r.ID {
			continue
		}
		for _, sp := range pl.speakers {
			if len(log.Entries) >= maxLogEntries {
				return PlayLog{}, ErrTooMany
			}
			log.Entries = append(log.Entries, LogEntry{SpeakerID: sp.ID, Speaker: sp.Name, ClusterID: sp.ClusterID,
				Due: pl.slot.Due, Start: pl.slot.Start, End: pl.slot.End, Cut: pl.slot.Cut})
		}
	}
	if err := s.report(ctx, []int64{r.ID}, log.Entries, func(i int) int64 { return r.ID }); err != nil {
		return PlayLog{}, err
	}
	for _, e := range log.Entries {
		if e.Acknowledged() {
			log.Acknowledged++
		}
	}
	return log, nil
}

// plannedSlot is a slot of a cluster's timeline with the speakers that should play it.
type plannedSlot struct {
	cluster  int64
	slot     Slot
	speakers []Speaker
}

// planned lays out the timelines of clusters over [from, to) with the approved bulletins
// (and extra, the bulletin a log is asked for even when it was withdrawn since), each
// slot with the enabled speakers of its cluster; by due time, then cluster.
func (s *Service) planned(ctx context.Context, unitID int64, clusters []int64, extra []Record, from, to time.Time) ([]plannedSlot, error) {
	// The bulletins approved, and those withdrawn since (their plays until then).
	all, err := s.Store.Bulletins(ctx, unitID, []Status{StatusApproved, StatusWithdrawn})
	if err != nil {
		return nil, err
	}
	var recs []Record
	for _, r := range all {
		if slices.ContainsFunc(r.Clusters, func(c int64) bool { return slices.Contains(clusters, c) }) && !r.ApprovedAt.IsZero() &&
			(r.Status == StatusApproved || !r.WithdrawnAt.IsZero()) {
			recs = append(recs, r)
		}
	}
	for _, x := range extra {
		if !slices.ContainsFunc(recs, func(r Record) bool { return r.ID == x.ID }) {
			recs = append(recs, x)
		}
	}
	bs := make([]Bulletin, 0, len(recs))
	approvedAt := map[int64]time.Time{}
	for _, r := range recs {
		if r.UnitID != unitID {
			continue
		}
		b := r.Bulletin
		if !r.WithdrawnAt.IsZero() {
			// No play from the withdrawal on: a one-off after it is dropped, a rule ends there.
			if !r.Schedule.Start.Before(r.WithdrawnAt) {
				continue
			}
			if b.Schedule.Rule != nil && (b.Schedule.End.IsZero() || r.WithdrawnAt.Before(b.Schedule.End)) {
				b.Schedule.End = r.WithdrawnAt.Add(-time.Nanosecond)
			}
			// A play moved past the withdrawal did not play either.
			b.Moves = slices.Clone(b.Moves)
			for i, m := range b.Moves {
				if !m.Skip && !m.To.Before(r.WithdrawnAt) {
					b.Moves[i].Skip, b.Moves[i].To = true, time.Time{}
				}
			}
		}
		bs = append(bs, b)
		approvedAt[r.ID] = r.ApprovedAt
	}
	sps, err := s.Store.Speakers(ctx, unitID)
	if err != nil {
		return nil, err
	}
	var out []plannedSlot
	for _, c := range clusters {
		slots, err := Playlist(c, bs, from, to)
		if err != nil {
			return nil, err
		}
		var speakers []Speaker
		for _, sp := range sps {
			if sp.ClusterID == c && !sp.Disabled {
				speakers = append(speakers, sp)
			}
		}
		for _, sl := range slots {
			// Planned in the period before, or due before its approval (the speakers were
			// never told of it then).
			if sl.Due.Before(from) || sl.Due.Before(approvedAt[sl.Bulletin]) {
				continue
			}
			out = append(out, plannedSlot{cluster: c, slot: sl, speakers: speakers})
		}
	}
	slices.SortStableFunc(out, func(a, b plannedSlot) int { return a.slot.Due.Compare(b.slot.Due) })
	return out, nil
}

// report fills each entry's Reported from the reports of the bulletins; bulletinOf(i)
// is entry i's bulletin.
func (s *Service) report(ctx context.Context, bulletins []int64, entries []LogEntry, bulletinOf func(int) int64) error {
	type key struct {
		bulletin, speaker int64
		due               int64
	}
	got := map[key]string{}
	for _, id := range bulletins {
		plays, err := s.Store.Plays(ctx, id)
		if err != nil {
			return err
		}
		for _, pl := range plays {
			got[key{pl.BulletinID, pl.SpeakerID, pl.Due.Unix()}] = pl.Status
		}
	}
	for i := range entries {
		entries[i].Reported = got[key{bulletinOf(i), entries[i].SpeakerID, entries[i].Due.Unix()}]
	}
	return nil
}

// ClusterMonth is a cluster's totals for a month.
type ClusterMonth struct {
	Cluster      Cluster
	Planned      int     // plays planned: the timeline's slots times the cluster's speakers
	Acknowledged int     // of them, reported played (or cut, as planned)
	Minutes      float64 // minutes on air: the timeline's slots as played (cut ones to their cut)
	Emergencies  int     // emergency bulletins' plays on the timeline
}

// ErrMonth: a month is written YYYY-MM.
var ErrMonth = apperr.New(apperr.Invalid, "report_month_invalid", "Tháng cần viết dạng NNNN-TT, ví dụ 2026-12.")

// ParseMonth reads YYYY-MM as the month's first instant in the commune's time zone.
func ParseMonth(s string) (time.Time, error) {
	t, err := time.ParseInLocation("2006-01", s, locale.Zone)
	if err != nil || t.Year() < 2000 || t.Year() > 2200 {
		return time.Time{}, ErrMonth
	}
	return t, nil
}

// Monthly totals each cluster of a unit over the month starting at month (ParseMonth):
// an operator of the unit. The plan is that of the bulletins approved now (a withdrawn
// bulletin's plays before its withdrawal are not counted).
func (s *Service) Monthly(ctx context.Context, p *auth.Principal, unitID int64, month time.Time) ([]ClusterMonth, error) {
	if !p.Can(unitID, operators...) {
		return nil, ErrForbidden
	}
	month = time.Date(month.Year(), month.Month(), 1, 0, 0, 0, 0, locale.Zone)
	end := month.AddDate(0, 1, 0)
	cs, err := s.Store.Clusters(ctx, unitID)
	if err != nil {
		return nil, err
	}
	ids := make([]int64, len(cs))
	for i, c := range cs {
		ids[i] = c.ID
	}
	out := make([]ClusterMonth, len(cs))
	index := map[int64]int{}
	for i, c := range cs {
		out[i].Cluster = c
		index[c.ID] = i
	}
	if len(cs) == 0 {
		return out, nil
	}
	planned, err := s.planned(ctx, unitID, ids, nil, month, end)
	if err != nil {
		return nil, err
	}
	var entries []LogEntry
	var bulletinOf []int64
	var bulletins []int64
	for _, pl := range planned {
		m := &out[index[pl.cluster]]
		if pl.slot.Priority == Emergency {
			m.Emergencies++
		}
		m.Minutes += pl.slot.End.Sub(pl.slot.Start).Minutes()
		for _, sp := range pl.speakers {
			if len(entries) >= 50*maxLogEntries {
				return nil, ErrTooMany
			}
			entries = append(entries, LogEntry{SpeakerID: sp.ID, ClusterID: pl.cluster, Due: pl.slot.Due})
			bulletinOf = append(bulletinOf, pl.slot.Bulletin)
			if !slices.Contains(bulletins, pl.slot.Bulletin) {
				bulletins = append(bulletins, pl.slot.Bulletin)
			}
		}
	}
	if err := s.report(ctx, bulletins, entries, func(i int) int64 { return bulletinOf[i] }); err != nil {
		return nil, err
	}
	for _, e := range entries {
		m := &out[index[e.ClusterID]]
		m.Planned++
		if e.Acknowledged() {
			m.Acknowledged++
		}
	}
	return out, nil
}

// ParsePeriod reads a log's period as forms and the API write it: from and to are days
// (YYYY-MM-DD, both included) in the commune's time zone; an empty from is today, an
// empty to is from.
func ParsePeriod(from, to string, now time.Time) (time.Time, time.Time, error) {
	today := now.In(locale.Zone)
	start := time.Date(today.Year(), today.Month(), today.Day(), 0, 0, 0, 0, locale.Zone)
	var err error
	if from != "" {
		if start, err = time.ParseInLocation(time.DateOnly, from, locale.Zone); err != nil {
			return time.Time{}, time.Time{}, ErrPeriod
		}
	}
	last := start
	if to != "" {
		if last, err = time.ParseInLocation(time.DateOnly, to, locale.Zone); err != nil {
			return time.Time{}, time.Time{}, ErrPeriod
		}
	}
	end := last.AddDate(0, 0, 1)
	if !end.After(start) || end.Sub(start) > maxLogDays*24*time.Hour+time.Hour {
		return time.Time{}, time.Time{}, ErrPeriod
	}
	return start, end, nil
}

// sourceBulletin is the message that tells the source system about an approved bulletin.
func (s *Service) sourceBulletin(ctx context.Context, r Record) (source.Message, error) {
	codes, err := s.clusterCodes(ctx, r.UnitID)
	if err != nil {
		return source.Message{}, err
	}
	info := source.BulletinInfo{Unit: s.unitCode(ctx, r.UnitID), Bulletin: r.ID, Title: r.Title, Priority: string(r.Priority),
		Schedule: r.Schedule.Describe(), Start: r.Schedule.Start.In(locale.Zone), Seconds: r.Seconds, ApprovedAt: r.ApprovedAt.In(locale.Zone)}
	if r.Schedule.Rule != nil {
		info.Rule = r.Schedule.Rule.String()
	}
	if !r.Schedule.End.IsZero() {
		info.End = r.Schedule.End.In(locale.Zone)
	}
	for _, c := range r.Clusters {
		info.Clusters = append(info.Clusters, codes[c])
	}
	b, err := json.Marshal(info)
	if err != nil {
		return source.Message{}, err
	}
	return source.Message{UnitID: r.UnitID, MessageID: source.MessageID(source.KindBulletin, r.UnitID, r.ID, ""),
		Kind: source.KindBulletin, BulletinID: r.ID, Payload: b}, nil
}

func (s *Service) clusterCodes(ctx context.Context, unitID int64) (map[int64]string, error) {
	cs, err := s.Store.Clusters(ctx, unitID)
	if err != nil {
		return nil, err
	}
	codes := make(map[int64]string, len(cs))
	for _, c := range cs {
		codes[c.ID] = c.Code
	}
	return codes, nil
}

func (s *Service) unitCode(ctx context.Context, unitID int64) string {
	if s.UnitCode == nil {
		return ""
	}
	code, err := s.UnitCode(ctx, unitID)
	if err != nil {
		return ""
	}
	return code
}

// QueueDailyLogs queues, for the source system, each bulletin's play log of the day that
// starts at day (the commune's midnight) on a unit's clusters: a job's work, run after
// the day; queuing a day twice queues nothing new. It reports how many logs were queued
// (or already were).
func (s *Service) QueueDailyLogs(ctx context.Context, unitID int64, day time.Time) (int, error) {
	if !s.Source {
		return 0, nil
	}
	day = day.In(locale.Zone)
	day = time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, locale.Zone)
	codes, err := s.clusterCodes(ctx, unitID)
	if err != nil || len(codes) == 0 {
		return 0, err
	}
	ids := make([]int64, 0, len(codes))
	for id := range codes {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	planned, err := s.planned(ctx, unitID, ids, nil, day, day.AddDate(0, 0, 1))
	if err != nil {
		return 0, err
	}
	var entries []LogEntry
	var bulletinOf, bulletins []int64
	for _, pl := range planned {
		for _, sp := range pl.speakers {
			entries = append(entries, LogEntry{SpeakerID: sp.ID, ClusterID: pl.cluster, Due: pl.slot.Due, Start: pl.slot.Start, End: pl.slot.End, Cut: pl.slot.Cut})
			bulletinOf = append(bulletinOf, pl.slot.Bulletin)
			if !slices.Contains(bulletins, pl.slot.Bulletin) {
				bulletins = append(bulletins, pl.slot.Bulletin)
			}
		}
	}
	if err := s.report(ctx, bulletins, entries, func(i int) int64 { return bulletinOf[i] }); err != nil {
		return 0, err
	}
	unit, dayText := s.unitCode(ctx, unitID), day.Format(time.DateOnly)
	var msgs []source.Message
	for _, b := range bulletins {
		rep := source.PlayLogReport{Unit: unit, Bulletin: b, Day: dayText, Plays: []source.PlayEntry{}}
		for i, e := range entries {
			if bulletinOf[i] != b {
				continue
			}
			rep.Planned++
			if e.Acknowledged() {
				rep.Acknowledged++
			}
			rep.Plays = append(rep.Plays, source.PlayEntry{Speaker: e.SpeakerID, Cluster: codes[e.ClusterID], Due: e.Due.In(locale.Zone),
				Start: e.Start.In(locale.Zone), End: e.End.In(locale.Zone), Cut: e.Cut, Reported: e.Reported})
		}
		payload, err := json.Marshal(rep)
		if err != nil {
			return 0, err
		}
		msgs = append(msgs, source.Message{UnitID: unitID, MessageID: source.MessageID(source.KindPlayLog, unitID, b, dayText),
			Kind: source.KindPlayLog, BulletinID: b, Payload: payload})
	}
	if len(msgs) == 0 {
		return 0, nil
	}
	return len(msgs), s.Store.EnqueueSource(ctx, msgs)
}
