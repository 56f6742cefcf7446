package api

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
)

// The loudspeakers (internal/broadcast, docs/BROADCAST.md). The unit's leader and
// administrator manage clusters, speakers and bulletins; the speakers themselves ask for
// their feed, fetch the sound and report plays with the token they were registered with
// (Authorization: Bearer), not as users: those routes read no session.
func broadcastRoutes(h handlers) []httpx.Route {
	if h.Broadcast == nil {
		return nil
	}
	operators := httpx.OnlyRoles(auth.BroadcastRoles...)
	return []httpx.Route{
		{Pattern: "GET /api/v1/broadcast/clusters", Access: operators, Handler: h.clusters},
		{Pattern: "POST /api/v1/broadcast/clusters", Access: operators, Handler: h.createCluster},
		{Pattern: "GET /api/v1/broadcast/speakers", Access: operators, Handler: h.speakers},
		{Pattern: "POST /api/v1/broadcast/speakers", Access: operators, Handler: h.registerSpeaker},
		{Pattern: "GET /api/v1/bulletins", Access: operators, Handler: h.bulletins},
		{Pattern: "POST /api/v1/bulletins", Access: operators, Handler: h.createBulletin},
		{Pattern: "POST /api/v1/bulletins/{id}/actions/{action}", Access: operators, Handler: h.bulletinAction},
		{Pattern: "GET /api/v1/bulletins/{id}/plays", Access: operators, Handler: h.bulletinPlays},
		{Pattern: "GET /api/v1/broadcast/monthly", Access: operators, Handler: h.broadcastMonthly},
		{Pattern: "GET /api/v1/speakers/feed", Access: httpx.Anyone, Stateless: true, Handler: h.speakerFeed},
		{Pattern: "GET /api/v1/speakers/bulletins/{id}/audio", Access: httpx.Anyone, Stateless: true, Handler: h.speakerAudio},
		{Pattern: "POST /api/v1/speakers/plays", Access: httpx.Anyone, Stateless: true, Handler: h.speakerPlay},
	}
}

// operatorUnit is the unit a request names (?unit=CODE or the body's), which the caller
// must operate; the service checks the role in that unit again.
func (h handlers) operatorUnit(r *http.Request, code string) (int64, error) {
	u, err := h.Store.UnitByCode(r.Context(), strings.TrimSpace(code))
	if err != nil {
		return 0, err
	}
	return u.ID, nil
}

// broadcastList is the API's list envelope.
type broadcastList[T any] struct {
	Items []T `json:"items"`
	Total int `json:"total"`
}

// ClusterDoc is a cluster as the API shows it.
type ClusterDoc struct {
	ID   int64  `json:"id"`
	Code string `json:"code"`
	Name string `json:"name"`
}

func (h handlers) clusters(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.operatorUnit(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if !auth.PrincipalFrom(r.Context()).Can(unitID, auth.BroadcastRoles...) {
		return broadcast.ErrForbidden
	}
	cs, err := h.Store.Clusters(r.Context(), unitID)
	if err != nil {
		return err
	}
	items := make([]ClusterDoc, len(cs))
	for i, c := range cs {
		items[i] = ClusterDoc{ID: c.ID, Code: c.Code, Name: c.Name}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[ClusterDoc]{Items: items, Total: len(items)})
}

func (h handlers) createCluster(w http.ResponseWriter, r *http.Request) error {
	var in struct{ Unit, Code, Name string }
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	unitID, err := h.operatorUnit(r, in.Unit)
	if err != nil {
		return err
	}
	c, err := h.Broadcast.CreateCluster(r.Context(), auth.PrincipalFrom(r.Context()), unitID, in.Code, in.Name)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, ClusterDoc{ID: c.ID, Code: c.Code, Name: c.Name})
}

// SpeakerDoc is a speaker as the API shows it; Token only in the answer that registers it.
type SpeakerDoc struct {
	ID       int64      `json:"id"`
	Cluster  int64      `json:"cluster"`
	Name     string     `json:"name"`
	LastSeen *time.Time `json:"last_seen"`
	Volume   *int       `json:"volume"`
	Silent   bool       `json:"silent"`
	Token    string     `json:"token,omitempty"`
}

func speakerDoc(sp broadcast.Speaker, now time.Time) SpeakerDoc {
	d := SpeakerDoc{ID: sp.ID, Cluster: sp.ClusterID, Name: sp.Name, Silent: broadcast.Silent(sp, now)}
	if !sp.LastSeen.IsZero() {
		t := sp.LastSeen
		d.LastSeen = &t
	}
	if sp.Volume >= 0 {
		v := sp.Volume
		d.Volume = &v
	}
	return d
}

func (h handlers) speakers(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.operatorUnit(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if !auth.PrincipalFrom(r.Context()).Can(unitID, auth.BroadcastRoles...) {
		return broadcast.ErrForbidden
	}
	sps, err := h.Store.Speakers(r.Context(), unitID)
	if err != nil {
		return err
	}
	now := time.Now()
	items := make([]SpeakerDoc, len(sps))
	for i, sp := range sps {
		items[i] = speakerDoc(sp, now)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[SpeakerDoc]{Items: items, Total: len(items)})
}

func (h handlers) registerSpeaker(w http.ResponseWriter, r *http.Request) error {
	var in struct {
		Unit    string `json:"unit"`
		Cluster int64  `json:"cluster"`
		Name    string `json:"name"`
	}
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	unitID, err := h.operatorUnit(r, in.Unit)
	if err != nil {
		return err
	}
	sp, token, err := h.Broadcast.RegisterSpeaker(r.Context(), auth.PrincipalFrom(r.Context()), unitID, in.Cluster, in.Name)
	if err != nil {
		return err
	}
	d := speakerDoc(sp, time.Now())
	d.Token = token
	return httpx.WriteJSON(w, http.StatusCreated, d)
}

// ScheduleDoc is a bulletin's schedule: once at At, or Rule (RFC 5545) from Start to End.
type ScheduleDoc struct {
	At    *time.Time `json:"at,omitempty"`
	Start *time.Time `json:"start,omitempty"`
	Rule  string     `json:"rule,omitempty"`
	End   *time.Time `json:"end,omitempty"`
}

func (sd ScheduleDoc) schedule() (broadcast.Schedule, error) {
	bad := apperr.Invalidf("schedule_invalid", "Lịch phát cần một thời điểm (at), hoặc thời điểm bắt đầu, quy tắc lặp lại và ngày kết thúc.")
	switch {
	case sd.At != nil && sd.Rule == "" && sd.Start == nil:
		return broadcast.Schedule{Start: *sd.At}, nil
	case sd.At == nil && sd.Rule != "" && sd.Start != nil:
		rule, err := broadcast.ParseRule(sd.Rule)
		if err != nil {
			return broadcast.Schedule{}, err
		}
		s := broadcast.Schedule{Start: *sd.Start, Rule: &rule}
		if sd.End != nil {
			s.End = *sd.End
		}
		return s, nil
	}
	return broadcast.Schedule{}, bad
}

func scheduleDoc(s broadcast.Schedule) ScheduleDoc {
	start := s.Start.In(locale.Zone)
	if s.Rule == nil {
		return ScheduleDoc{At: &start}
	}
	d := ScheduleDoc{Start: &start, Rule: s.Rule.String()}
	if !s.End.IsZero() {
		end := s.End.In(locale.Zone)
		d.End = &end
	}
	return d
}

// BulletinDoc is a bulletin as the API shows it.
type BulletinDoc struct {
	ID            int64              `json:"id"`
	Title         string             `json:"title"`
	Text          string             `json:"text"`
	Priority      broadcast.Priority `json:"priority"`
	Status        broadcast.Status   `json:"status"`
	StatusLabel   string             `json:"status_label"`
	Clusters      []int64            `json:"clusters"`
	Schedule      ScheduleDoc        `json:"schedule"`
	Seconds       float64            `json:"seconds"`
	CreatedAt     time.Time          `json:"created_at"`
	ApprovedAt    *time.Time         `json:"approved_at"`
	SpeakerAudio  string             `json:"speaker_audio"` // the path speakers fetch the sound from
	PriorityLabel string             `json:"priority_label"`
}

func bulletinDoc(b broadcast.Record) BulletinDoc {
	d := BulletinDoc{ID: b.ID, Title: b.Title, Text: b.Body, Priority: b.Priority, PriorityLabel: b.Priority.Label(), Status: b.Status,
		StatusLabel: b.Status.Label(), Clusters: b.Clusters, Schedule: scheduleDoc(b.Schedule), Seconds: b.Seconds, CreatedAt: b.CreatedAt,
		SpeakerAudio: speakerAudioPath(b.ID)}
	if !b.ApprovedAt.IsZero() {
		t := b.ApprovedAt
		d.ApprovedAt = &t
	}
	return d
}

func speakerAudioPath(id int64) string {
	return "/api/v1/speakers/bulletins/" + strconv.FormatInt(id, 10) + "/audio"
}

func (h handlers) bulletins(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.operatorUnit(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	if !auth.PrincipalFrom(r.Context()).Can(unitID, auth.BroadcastRoles...) {
		return broadcast.ErrForbidden
	}
	bs, err := h.Store.Bulletins(r.Context(), unitID, nil)
	if err != nil {
		return err
	}
	items := make([]BulletinDoc, len(bs))
	for i, b := range bs {
		items[i] = bulletinDoc(b)
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[BulletinDoc]{Items: items, Total: len(items)})
}

type bulletinRequest struct {
	Unit     string      `json:"unit"`
	Title    string      `json:"title"`
	Text     string      `json:"text"`
	Priority string      `json:"priority"`
	Clusters []int64     `json:"clusters"`
	Schedule ScheduleDoc `json:"schedule"`
}

// createBulletin takes JSON (the text is read aloud) or a multipart form whose part
// "bulletin" is that JSON and part "audio" (or "file") the sound (MP3 or WAV, at most
// 50 MB).
func (h handlers) createBulletin(w http.ResponseWriter, r *http.Request) error {
	var in bulletinRequest
	var sound []byte
	if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/form-data") {
		r.Body = http.MaxBytesReader(w, r.Body, audio.MaxBytes+64<<10)
		mr, err := r.MultipartReader()
		if err != nil {
			return apperr.Invalidf("invalid_multipart", "Dữ liệu gửi lên không đúng dạng multipart.")
		}
		for {
			part, err := mr.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				return apperr.Invalidf("invalid_multipart", "Dữ liệu gửi lên không đúng dạng multipart.")
			}
			switch part.FormName() {
			case "bulletin":
				dec := json.NewDecoder(io.LimitReader(part, 16<<10))
				dec.DisallowUnknownFields()
				if err := dec.Decode(&in); err != nil {
					return apperr.Invalidf("invalid_json", "Phần bulletin không phải JSON đúng dạng.")
				}
			case "audio", "file":
				if sound, err = io.ReadAll(io.LimitReader(part, audio.MaxBytes+1)); err != nil {
					return apperr.Invalidf("invalid_multipart", "Không đọc được tệp âm thanh.")
				}
				if len(sound) > audio.MaxBytes {
					return audio.ErrTooLarge
				}
			}
		}
	} else if err := httpx.DecodeJSON(w, r, &in, 32<<10); err != nil {
		return err
	}
	unitID, err := h.operatorUnit(r, in.Unit)
	if err != nil {
		return err
	}
	sch, err := in.Schedule.schedule()
	if err != nil {
		return err
	}
	b, err := h.Broadcast.CreateBulletin(r.Context(), auth.PrincipalFrom(r.Context()), unitID, broadcast.Draft{Title: in.Title, Text: in.Text,
		Priority: broadcast.Priority(in.Priority), Clusters: in.Clusters, Schedule: sch, Audio: sound})
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, bulletinDoc(b))
}

func (h handlers) bulletinAction(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return broadcast.ErrNotFound
	}
	p := auth.PrincipalFrom(r.Context())
	var b broadcast.Record
	switch r.PathValue("action") {
	case "approve":
		b, err = h.Broadcast.Approve(r.Context(), p, id)
	case "withdraw":
		b, err = h.Broadcast.Withdraw(r.Context(), p, id)
	default:
		return apperr.New(apperr.NotFound, "unknown_action", "Không có thao tác này với bản tin.")
	}
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, bulletinDoc(b))
}

// PlayLogItem is one planned play on one speaker with what the speaker reported.
type PlayLogItem struct {
	Speaker      int64     `json:"speaker"`
	SpeakerName  string    `json:"speaker_name"`
	Cluster      int64     `json:"cluster"`
	Due          time.Time `json:"due"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Cut          bool      `json:"cut"`
	Reported     string    `json:"reported"` // played, cut, failed; "" nothing reported
	Acknowledged bool      `json:"acknowledged"`
}

// PlayLogDoc is a bulletin's play log over [from, to).
type PlayLogDoc struct {
	Bulletin     int64         `json:"bulletin"`
	From         time.Time     `json:"from"`
	To           time.Time     `json:"to"`
	Planned      int           `json:"planned"`
	Acknowledged int           `json:"acknowledged"`
	Items        []PlayLogItem `json:"items"`
}

// bulletinPlays is a bulletin's play log: ?from=YYYY-MM-DD&to=YYYY-MM-DD (days included,
// today when absent; at most 31 days).
func (h handlers) bulletinPlays(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return broadcast.ErrNotFound
	}
	from, to, err := broadcast.ParsePeriod(r.URL.Query().Get("from"), r.URL.Query().Get("to"), time.Now())
	if err != nil {
		return err
	}
	log, err := h.Broadcast.PlayLog(r.Context(), auth.PrincipalFrom(r.Context()), id, from, to)
	if err != nil {
		return err
	}
	d := PlayLogDoc{Bulletin: id, From: from, To: to, Planned: len(log.Entries), Acknowledged: log.Acknowledged, Items: make([]PlayLogItem, len(log.Entries))}
	for i, e := range log.Entries {
		d.Items[i] = PlayLogItem{Speaker: e.SpeakerID, SpeakerName: e.Speaker, Cluster: e.ClusterID, Due: e.Due.In(locale.Zone),
			Start: e.Start.In(locale.Zone), End: e.End.In(locale.Zone), Cut: e.Cut, Reported: e.Reported, Acknowledged: e.Acknowledged()}
	}
	return httpx.WriteJSON(w, http.StatusOK, d)
}

// MonthDoc is a cluster's totals for a month.
type MonthDoc struct {
	Cluster      int64   `json:"cluster"`
	ClusterName  string  `json:"cluster_name"`
	Planned      int     `json:"planned"`
	Acknowledged int     `json:"acknowledged"`
	Minutes      float64 `json:"minutes"`
	Emergencies  int     `json:"emergencies"`
}

// broadcastMonthly is a unit's totals per cluster: ?unit=CODE&month=YYYY-MM (this month
// when absent).
func (h handlers) broadcastMonthly(w http.ResponseWriter, r *http.Request) error {
	unitID, err := h.operatorUnit(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	m := r.URL.Query().Get("month")
	if m == "" {
		m = time.Now().In(locale.Zone).Format("2006-01")
	}
	month, err := broadcast.ParseMonth(m)
	if err != nil {
		return err
	}
	totals, err := h.Broadcast.Monthly(r.Context(), auth.PrincipalFrom(r.Context()), unitID, month)
	if err != nil {
		return err
	}
	items := make([]MonthDoc, len(totals))
	for i, t := range totals {
		items[i] = MonthDoc{Cluster: t.Cluster.ID, ClusterName: t.Cluster.Name, Planned: t.Planned, Acknowledged: t.Acknowledged,
			Minutes: math.Round(t.Minutes*10) / 10, Emergencies: t.Emergencies}
	}
	return httpx.WriteJSON(w, http.StatusOK, broadcastList[MonthDoc]{Items: items, Total: len(items)})
}

// speakerToken is the bearer a speaker asks with.
func speakerToken(r *http.Request) string {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	return strings.TrimSpace(tok)
}

// FeedDoc is a speaker's feed: what plays now (null: silence) and what comes next, with
// the sound's address.
type FeedDoc struct {
	Now  *PlayDoc  `json:"now"`
	Next []PlayDoc `json:"next"`
}

// PlayDoc is one play on a speaker.
type PlayDoc struct {
	Bulletin int64              `json:"bulletin"`
	Title    string             `json:"title"`
	Priority broadcast.Priority `json:"priority"`
	Due      time.Time          `json:"due"`
	Start    time.Time          `json:"start"`
	End      time.Time          `json:"end"`
	Cut      bool               `json:"cut,omitempty"`
	Moved    bool               `json:"moved,omitempty"` // moved by the operator: plays at Start, reported at Due
	Audio    string             `json:"audio"`
}

func playDoc(s broadcast.Slot) PlayDoc {
	return PlayDoc{Bulletin: s.Bulletin, Title: s.Title, Priority: s.Priority, Due: s.Due.In(locale.Zone), Start: s.Start.In(locale.Zone),
		End: s.End.In(locale.Zone), Cut: s.Cut, Moved: s.Moved, Audio: speakerAudioPath(s.Bulletin)}
}

// maxWait bounds a feed's long poll: under the server's write timeout, and short enough
// for proxies.
const maxWait = 30 * time.Second

// speakerFeed answers a speaker: its feed, with an ETag. With If-None-Match equal to the
// current one and ?wait=N (seconds, at most 30), it waits until the feed changes — a
// bulletin approved or withdrawn, or the next play begins — and answers 304 if nothing
// did.
func (h handlers) speakerFeed(w http.ResponseWriter, r *http.Request) error {
	volume := -1
	if v, err := strconv.Atoi(r.URL.Query().Get("volume")); err == nil && v >= 0 && v <= 100 {
		volume = v
	}
	wait := 0 * time.Second
	if n, err := strconv.Atoi(r.URL.Query().Get("wait")); err == nil && n > 0 {
		wait = min(time.Duration(n)*time.Second, maxWait)
	}
	deadline := time.Now().Add(wait)
	changed := h.Broadcast.Changes()
	sp, f, err := h.Broadcast.FeedFor(r.Context(), speakerToken(r), volume) // records the poll once
	if err != nil {
		return err
	}
	for {
		doc := FeedDoc{Next: make([]PlayDoc, 0, len(f.Next))}
		if f.Now != nil {
			s := playDoc(*f.Now)
			doc.Now = &s
		}
		for _, s := range f.Next {
			doc.Next = append(doc.Next, playDoc(s))
		}
		body, err := json.Marshal(doc)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		etag := `"` + hex.EncodeToString(sum[:12]) + `"`
		left := time.Until(deadline)
		if r.Header.Get("If-None-Match") != etag {
			w.Header().Set("ETag", etag)
			w.Header().Set("Cache-Control", "no-store")
			w.Header().Set("Content-Type", "application/json")
			_, err := w.Write(append(body, '\n'))
			return err
		}
		if left <= 0 {
			w.Header().Set("ETag", etag)
			w.WriteHeader(http.StatusNotModified)
			return nil
		}
		// Woken by a change of bulletins, or every few seconds for the clock (a play
		// begins or ends) and for changes made by another instance.
		select {
		case <-changed:
		case <-time.After(min(left, 5*time.Second)):
		case <-r.Context().Done():
			return r.Context().Err()
		}
		changed = h.Broadcast.Changes()
		if f, err = h.Broadcast.FeedOf(r.Context(), sp); err != nil {
			return err
		}
	}
}

func (h handlers) speakerAudio(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.Broadcast.Speaker(r.Context(), speakerToken(r)); err != nil {
		return err
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return broadcast.ErrNotFound
	}
	f, err := h.Broadcast.Audio(r.Context(), speakerToken(r), id)
	if err != nil {
		return err
	}
	defer f.Close()
	w.Header().Set("Content-Type", "audio/mpeg")
	w.Header().Set("Cache-Control", "private, max-age=86400, immutable")
	http.ServeContent(w, r, "", time.Time{}, f)
	return nil
}

func (h handlers) speakerPlay(w http.ResponseWriter, r *http.Request) error {
	if _, err := h.Broadcast.Speaker(r.Context(), speakerToken(r)); err != nil {
		return err
	}
	var in struct {
		Bulletin int64     `json:"bulletin"`
		Due      time.Time `json:"due"`
		Status   string    `json:"status"`
	}
	if err := httpx.DecodeJSON(w, r, &in, 4<<10); err != nil {
		return err
	}
	if err := h.Broadcast.ReportPlay(r.Context(), speakerToken(r), in.Bulletin, in.Due, in.Status); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
