package broadcast

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/audio"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/broadcast/source"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/speech"
)

// Status is a bulletin's state: written (draft), approved by the leader (it plays), or
// withdrawn.
type Status string

const (
	StatusDraft     Status = "draft"
	StatusApproved  Status = "approved"
	StatusWithdrawn Status = "withdrawn"
)

// Label is the status on screen.
func (s Status) Label() string {
	switch s {
	case StatusApproved:
		return "Đã duyệt, đang phát theo lịch"
	case StatusWithdrawn:
		return "Đã thu hồi"
	}
	return "Chờ duyệt"
}

// Cluster is a group of speakers that play the same (cụm loa): a village's, or the
// centre's.
type Cluster struct {
	ID, UnitID int64
	Code, Name string
}

// Speaker is an IP speaker or a cluster's receiver. It asks for its feed with a token
// shown once when it is registered (only its hash is kept).
type Speaker struct {
	ID, UnitID, ClusterID int64
	Name                  string
	Disabled              bool
	LastSeen              time.Time // zero: never
	Volume                int       // as it last reported, 0–100; -1 unknown
}

// Record is a stored bulletin.
type Record struct {
	Bulletin
	UnitID      int64
	Body        string // the text (read aloud when no sound was uploaded)
	Status      Status
	CreatedBy   int64
	ApprovedBy  int64
	CreatedAt   time.Time
	ApprovedAt  time.Time
	WithdrawnAt time.Time // zero: not withdrawn
	Version     int
}

// Play is a speaker's report of one play.
type Play struct {
	SpeakerID, BulletinID int64
	Due                   time.Time // the play's due time: its key
	Status                string    // played, cut, failed
	ReportedAt            time.Time
}

// Play statuses a speaker reports.
var playStatuses = []string{"played", "cut", "failed"}

// Store is what the loudspeakers need from storage. Every change of clusters, speakers
// and bulletins is one transaction with its audit record; the speakers' health and plays
// are not audited (they are the speakers' own reports).
type Store interface {
	CreateCluster(ctx context.Context, c Cluster) (Cluster, error)
	Clusters(ctx context.Context, unitID int64) ([]Cluster, error)
	// CreateSpeaker stores a speaker with its token's hash.
	CreateSpeaker(ctx context.Context, sp Speaker, tokenHash string) (Speaker, error)
	SpeakerByToken(ctx context.Context, tokenHash string) (Speaker, error)
	// SeeSpeaker records that a speaker asked for its feed at at, with its volume (-1: not said).
	SeeSpeaker(ctx context.Context, id int64, at time.Time, volume int) error
	Speakers(ctx context.Context, unitID int64) ([]Speaker, error)
	CreateBulletin(ctx context.Context, r Record) (Record, error)
	Bulletin(ctx context.Context, id int64) (Record, error)
	// Bulletins lists a unit's bulletins of the statuses, the latest first.
	Bulletins(ctx context.Context, unitID int64, statuses []Status) ([]Record, error)
	// Approved lists the approved bulletins playing on any of the clusters.
	Approved(ctx context.Context, clusters []int64) ([]Record, error)
	// SaveBulletin stores after if the row is still at before's version (else ErrChanged),
	// with the audit record of action and the messages out to the source system, in one
	// transaction.
	SaveBulletin(ctx context.Context, before, after Record, action string, out ...source.Message) (Record, error)
	// EnqueueSource queues messages to the source system (one queued before is kept).
	EnqueueSource(ctx context.Context, msgs []source.Message) error
	// SourceOutbox counts a unit's messages to the source system by state and lists the
	// latest limit of them.
	SourceOutbox(ctx context.Context, unitID int64, limit int) (Outbox, error)
	// RecordPlay stores a speaker's report once; a repeated report changes nothing.
	// MoveBulletin stores the operator's move of one play (m.To equal to m.Due: the move
	// is undone), with its audit record, in one transaction.
	MoveBulletin(ctx context.Context, r Record, m Move, by int64, at time.Time) error
	RecordPlay(ctx context.Context, p Play) error
	Plays(ctx context.Context, bulletinID int64) ([]Play, error)
}

// Sounds converts a sound into the speakers' form (audio.Tools).
type Sounds interface {
	Convert(ctx context.Context, data []byte) ([]byte, audio.Info, error)
}

// Blobs keeps the sounds.
type Blobs interface {
	Put(ctx context.Context, r io.Reader, limit int64) (key string, size int64, err error)
	Open(ctx context.Context, key string) (io.ReadSeekCloser, error)
}

// Service runs the loudspeakers.
type Service struct {
	Store  Store
	Sounds Sounds             // nil: no sound can be made (ErrNoSound)
	Voice  speech.Synthesizer // nil: a bulletin needs an uploaded sound
	Reader *speech.Reader     // nil: speech's own abbreviation table
	Blobs  Blobs
	Now    func() time.Time
	// Source: approved bulletins and daily play logs are queued for the province's source
	// information system (internal/broadcast/source); UnitCode names a unit there.
	Source   bool
	UnitCode func(ctx context.Context, unitID int64) (string, error)

	mu        sync.Mutex
	changed   chan struct{}         // closed and replaced when bulletins change (Changes)
	streams   map[int64]StreamState // each cluster's live stream on this instance (StreamStates)
	streaming bool                  // StreamClusters runs here
}

// Changes returns a channel closed at the next change of this instance's bulletins
// (approved or withdrawn): a speaker's long poll waits on it.
func (s *Service) Changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed == nil {
		s.changed = make(chan struct{})
	}
	return s.changed
}

func (s *Service) signal() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.changed != nil {
		close(s.changed)
	}
	s.changed = make(chan struct{})
}

// Errors, with stable codes.
var (
	ErrForbidden = apperr.New(apperr.Forbidden, "broadcast_forbidden", "Bạn không có quyền với hệ thống truyền thanh của đơn vị này.")
	ErrNotFound  = apperr.New(apperr.NotFound, "bulletin_not_found", "Không tìm thấy bản tin.")
	ErrChanged   = apperr.New(apperr.Conflict, "bulletin_changed", "Bản tin vừa được người khác thay đổi; vui lòng tải lại trang.")
	ErrState     = apperr.New(apperr.Conflict, "bulletin_state", "Bản tin không ở trạng thái cho phép thao tác này.")
	ErrSpeaker   = apperr.New(apperr.Unauthenticated, "speaker_token_invalid", "Mã của loa không đúng hoặc loa đã bị tắt.")
	ErrNoSound   = apperr.New(apperr.Invalid, "bulletin_no_sound", "Bản tin cần tệp âm thanh hoặc nội dung để đọc thành lời.")
	ErrCluster   = apperr.New(apperr.Invalid, "cluster_invalid", "Cụm loa không thuộc đơn vị, hoặc mã, tên cụm loa không hợp lệ.")
	ErrPlay      = apperr.New(apperr.Invalid, "play_invalid", "Báo cáo phát không hợp lệ: bản tin không phát trên cụm loa này hoặc trạng thái sai.")
	ErrTitle     = apperr.New(apperr.Invalid, "bulletin_title_invalid", "Tiêu đề bản tin cần từ 1 đến 200 ký tự.")
	ErrMove      = apperr.New(apperr.Invalid, "play_move_invalid",
		"Không dời được lượt phát: chọn một lượt phát theo lịch của bản tin trên cụm loa này, chưa đến giờ, và giờ mới trong cùng ngày, chưa qua.")
	ErrMoveEmergency = apperr.New(apperr.Conflict, "play_move_emergency", "Không dời hoặc bỏ lượt phát của bản tin khẩn cấp.")
)

// Who may write bulletins and manage speakers in a unit, and who approves.
var (
	operators = auth.BroadcastRoles
	approvers = []auth.Role{auth.RoleLeader}
)

// pollEvery is how often a speaker asks for its feed (the long poll's length); a speaker
// not seen for two of them is flagged silent.
const pollEvery = 30 * time.Second

// horizon is how far ahead a feed tells a speaker what comes.
const horizon = 24 * time.Hour

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// CreateCluster adds a cluster of speakers to a unit.
func (s *Service) CreateCluster(ctx context.Context, p *auth.Principal, unitID int64, code, name string) (Cluster, error) {
	if !p.Can(unitID, operators...) {
		return Cluster{}, ErrForbidden
	}
	code, name = strings.TrimSpace(code), strings.TrimSpace(name)
	if code == "" || len(code) > 32 || strings.ContainsAny(code, " /?#") || name == "" || utf8.RuneCountInString(name) > 200 {
		return Cluster{}, ErrCluster
	}
	return s.Store.CreateCluster(ctx, Cluster{UnitID: unitID, Code: code, Name: name})
}

// RegisterSpeaker adds a speaker to a cluster and returns the token it asks with, shown
// once.
func (s *Service) RegisterSpeaker(ctx context.Context, p *auth.Principal, unitID, clusterID int64, name string) (Speaker, string, error) {
	if !p.Can(unitID, operators...) {
		return Speaker{}, "", ErrForbidden
	}
	if err := s.ownCluster(ctx, unitID, clusterID); err != nil {
		return Speaker{}, "", err
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 200 {
		return Speaker{}, "", ErrCluster
	}
	plain, hash := auth.NewToken()
	sp, err := s.Store.CreateSpeaker(ctx, Speaker{UnitID: unitID, ClusterID: clusterID, Name: name, Volume: -1}, hash)
	return sp, plain, err
}

func (s *Service) ownCluster(ctx context.Context, unitID, clusterID int64) error {
	cs, err := s.Store.Clusters(ctx, unitID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(cs, func(c Cluster) bool { return c.ID == clusterID }) {
		return ErrCluster
	}
	return nil
}

// Draft is a bulletin as an operator writes it.
type Draft struct {
	Title, Text string
	Priority    Priority
	Clusters    []int64
	Schedule    Schedule
	Audio       []byte // an uploaded MP3 or WAV; empty: Text is read aloud
}

// CreateBulletin checks a draft, makes its sound (the upload converted, or the text read
// aloud and converted), keeps it and stores the bulletin, waiting for approval.
func (s *Service) CreateBulletin(ctx context.Context, p *auth.Principal, unitID int64, d Draft) (Record, error) {
	if !p.Can(unitID, operators...) {
		return Record{}, ErrForbidden
	}
	d.Title, d.Text = strings.TrimSpace(d.Title), strings.TrimSpace(d.Text)
	if d.Title == "" || utf8.RuneCountInString(d.Title) > 200 {
		return Record{}, ErrTitle
	}
	if _, err := ParsePriority(string(d.Priority)); err != nil {
		return Record{}, err
	}
	if len(d.Clusters) == 0 {
		return Record{}, ErrCluster
	}
	for _, c := range d.Clusters {
		if err := s.ownCluster(ctx, unitID, c); err != nil {
			return Record{}, err
		}
	}
	if err := d.Schedule.Check(); err != nil {
		return Record{}, err
	}
	if utf8.RuneCountInString(d.Text) > speech.MaxText {
		return Record{}, speech.ErrTooLong
	}
	sound := d.Audio
	if len(sound) == 0 {
		if d.Text == "" || s.Voice == nil {
			return Record{}, ErrNoSound
		}
		reader := s.Reader
		if reader == nil {
			reader = speech.NewReader(nil)
		}
		said, err := reader.Normalize(d.Title + ". " + d.Text)
		if err != nil {
			return Record{}, err
		}
		if sound, err = s.Voice.Synthesize(ctx, said); err != nil {
			return Record{}, err
		}
	}
	if s.Sounds == nil {
		return Record{}, audio.ErrUnavailable
	}
	mp3, info, err := s.Sounds.Convert(ctx, sound)
	if err != nil {
		return Record{}, err
	}
	key, _, err := s.Blobs.Put(ctx, bytes.NewReader(mp3), int64(len(mp3)))
	if err != nil {
		return Record{}, err
	}
	r := Record{Bulletin: Bulletin{Title: d.Title, Priority: d.Priority, Clusters: slices.Compact(slices.Sorted(slices.Values(d.Clusters))),
		Schedule: d.Schedule, Seconds: info.Seconds, AudioKey: key},
		UnitID: unitID, Body: d.Text, Status: StatusDraft, CreatedBy: p.UserID, CreatedAt: s.now().UTC()}
	return s.Store.CreateBulletin(ctx, r)
}

// Approve lets a bulletin play: the unit's leader, once it overlaps no emergency on a
// cluster they share (nor, an emergency, another emergency).
func (s *Service) Approve(ctx context.Context, p *auth.Principal, id int64) (Record, error) {
	r, err := s.Store.Bulletin(ctx, id)
	if err != nil {
		return r, err
	}
	if !p.Can(r.UnitID, approvers...) {
		return r, ErrForbidden
	}
	if r.Status != StatusDraft {
		return r, ErrState
	}
	others, err := s.Store.Approved(ctx, r.Clusters)
	if err != nil {
		return r, err
	}
	bs := make([]Bulletin, len(others))
	for i, o := range others {
		bs[i] = o.Bulletin
	}
	// The schedule's whole span, in windows the expansion allows.
	end := r.Schedule.Start.Add(time.Second)
	if r.Schedule.Rule != nil {
		end = r.Schedule.end()
		if end.IsZero() { // a COUNT rule: at most five years
			end = r.Schedule.Start.AddDate(maxYears, 0, 0)
		}
	}
	for from := r.Schedule.Start; from.Before(end); from = from.AddDate(0, 0, 360) {
		to := from.AddDate(0, 0, 360)
		if last := end.Add(time.Second); last.Before(to) {
			to = last
		}
		if err := CheckOverlap(r.Bulletin, bs, from, to); err != nil {
			return r, err
		}
	}
	after := r
	after.Status, after.ApprovedBy, after.ApprovedAt = StatusApproved, p.UserID, s.now().UTC()
	var out []source.Message
	if s.Source {
		m, err := s.sourceBulletin(ctx, after)
		if err != nil {
			return r, err
		}
		out = append(out, m)
	}
	saved, err := s.Store.SaveBulletin(ctx, r, after, "bulletin.approve", out...)
	if err == nil {
		s.signal()
	}
	return saved, err
}

// Withdraw stops a bulletin: an operator of its unit.
func (s *Service) Withdraw(ctx context.Context, p *auth.Principal, id int64) (Record, error) {
	r, err := s.Store.Bulletin(ctx, id)
	if err != nil {
		return r, err
	}
	if !p.Can(r.UnitID, operators...) {
		return r, ErrForbidden
	}
	if r.Status == StatusWithdrawn {
		return r, ErrState
	}
	after := r
	after.Status, after.WithdrawnAt = StatusWithdrawn, s.now().UTC()
	saved, err := s.Store.SaveBulletin(ctx, r, after, "bulletin.withdraw")
	if err == nil {
		s.signal()
	}
	return saved, err
}

// Move changes one play of an approved, non-emergency bulletin on one of its clusters,
// that day only (the commune's day): the play due at due plays at to instead (to equal
// to due puts it back), or, with skip, not at all. The play must not have started, nor
// may the new time be past or, with the sound's length, overlap an emergency's play on
// the cluster (ErrOverlapsEmergency, the same refusal as a schedule's). An operator of
// the bulletin's unit; audited; the speakers' feeds follow at once on this instance.
func (s *Service) Move(ctx context.Context, p *auth.Principal, bulletinID, clusterID int64, due, to time.Time, skip bool) (Record, error) {
	r, err := s.Store.Bulletin(ctx, bulletinID)
	if err != nil {
		return r, err
	}
	if !p.Can(r.UnitID, operators...) {
		return r, ErrForbidden
	}
	if r.Status != StatusApproved {
		return r, ErrState
	}
	if r.Priority == Emergency {
		return r, ErrMoveEmergency
	}
	if !r.plays(clusterID) {
		return r, ErrCluster
	}
	now := s.now()
	times, err := r.Schedule.Between(due, due.Add(time.Second))
	if err != nil || len(times) != 1 || !times[0].Equal(due) {
		return r, ErrMove.With(fmt.Errorf("no play due at %s", due.Format(time.RFC3339)))
	}
	m := Move{Cluster: clusterID, Due: due.UTC(), To: to.UTC(), Skip: skip}
	if skip {
		m.To = time.Time{}
	}
	// The play as it stands must not have started.
	current := due
	if old, ok := r.move(clusterID, due); ok && !old.Skip {
		current = old.To
	}
	if !current.After(now) {
		return r, ErrMove.With(errors.New("the play has started"))
	}
	if !skip {
		if dayOf(to) != dayOf(due) || !to.After(now) {
			return r, ErrMove.With(fmt.Errorf("to %s", to.Format(time.RFC3339)))
		}
		others, err := s.Store.Approved(ctx, []int64{clusterID})
		if err != nil {
			return r, err
		}
		length := r.length()
		for _, o := range others {
			if o.Priority != Emergency || !o.plays(clusterID) {
				continue
			}
			ts, err := o.Schedule.Between(to.Add(-o.length()), to.Add(length))
			if err != nil {
				return r, err
			}
			for _, t := range ts {
				if t.Before(to.Add(length)) && to.Before(t.Add(o.length())) {
					return r, ErrOverlapsEmergency.With(fmt.Errorf("bulletin %d at %s", o.ID, t.Format(time.RFC3339)))
				}
			}
		}
	}
	if err := s.Store.MoveBulletin(ctx, r, m, p.UserID, now.UTC()); err != nil {
		return r, err
	}
	s.signal()
	return s.Store.Bulletin(ctx, bulletinID)
}

// dayOf is t's day in the commune's time zone.
func dayOf(t time.Time) string { return t.In(locale.Zone).Format(time.DateOnly) }

// Feed is what a speaker is told: what plays now (nil: silence) and what comes next.
type Feed struct {
	Now  *Slot  `json:"now"`
	Next []Slot `json:"next"`
}

// maxNext bounds what a feed lists ahead.
const maxNext = 10

// FeedFor answers a speaker that asks with its token (volume -1 when it does not say
// its volume), and records that it was seen.
func (s *Service) FeedFor(ctx context.Context, token string, volume int) (Speaker, Feed, error) {
	sp, err := s.speaker(ctx, token)
	if err != nil {
		return sp, Feed{}, err
	}
	now := s.now()
	if volume < -1 || volume > 100 {
		volume = -1
	}
	if err := s.Store.SeeSpeaker(ctx, sp.ID, now.UTC(), volume); err != nil {
		return sp, Feed{}, err
	}
	f, err := s.FeedOf(ctx, sp)
	return sp, f, err
}

// FeedOf is a speaker's feed now, without recording a poll (a long poll looks again).
func (s *Service) FeedOf(ctx context.Context, sp Speaker) (Feed, error) {
	now := s.now()
	recs, err := s.Store.Approved(ctx, []int64{sp.ClusterID})
	if err != nil {
		return Feed{}, err
	}
	bs := make([]Bulletin, len(recs))
	for i, r := range recs {
		bs[i] = r.Bulletin
	}
	cur, next, err := NowAndNext(sp.ClusterID, bs, now, horizon)
	if err != nil {
		return Feed{}, err
	}
	if len(next) > maxNext {
		next = next[:maxNext]
	}
	return Feed{Now: cur, Next: next}, nil
}

// Speaker finds the speaker a token belongs to (ErrSpeaker for none, or a disabled one).
func (s *Service) Speaker(ctx context.Context, token string) (Speaker, error) {
	return s.speaker(ctx, token)
}

func (s *Service) speaker(ctx context.Context, token string) (Speaker, error) {
	if token == "" || len(token) > 200 {
		return Speaker{}, ErrSpeaker
	}
	sp, err := s.Store.SpeakerByToken(ctx, auth.HashToken(token))
	if errors.Is(err, ErrNotFound) || err == nil && sp.Disabled {
		return Speaker{}, ErrSpeaker
	}
	return sp, err
}

// ReportPlay records a speaker's report of a play: the bulletin must play on its cluster
// and be approved; the play's due time must be one of the bulletin's within a day of now.
func (s *Service) ReportPlay(ctx context.Context, token string, bulletinID int64, due time.Time, status string) error {
	sp, err := s.speaker(ctx, token)
	if err != nil {
		return err
	}
	if !slices.Contains(playStatuses, status) {
		return ErrPlay
	}
	r, err := s.Store.Bulletin(ctx, bulletinID)
	if errors.Is(err, ErrNotFound) {
		return ErrPlay
	}
	if err != nil {
		return err
	}
	if r.Status != StatusApproved || r.UnitID != sp.UnitID || !r.plays(sp.ClusterID) {
		return ErrPlay
	}
	now := s.now()
	times, err := r.Schedule.Between(due, due.Add(time.Second))
	when := due // when it played: a moved play at its new time
	if m, ok := r.move(sp.ClusterID, due); ok && !m.Skip {
		when = m.To
	}
	if err != nil || len(times) != 1 || when.After(now.Add(time.Minute)) || when.Before(now.Add(-horizon)) {
		return ErrPlay.With(fmt.Errorf("due %s", due.Format(time.RFC3339)))
	}
	return s.Store.RecordPlay(ctx, Play{SpeakerID: sp.ID, BulletinID: r.ID, Due: due.UTC(), Status: status, ReportedAt: now.UTC()})
}

// Audio opens the sound of a bulletin for a speaker: an approved bulletin that plays on
// its cluster.
func (s *Service) Audio(ctx context.Context, token string, bulletinID int64) (io.ReadSeekCloser, error) {
	sp, err := s.speaker(ctx, token)
	if err != nil {
		return nil, err
	}
	r, err := s.Store.Bulletin(ctx, bulletinID)
	if err != nil {
		return nil, err
	}
	if r.Status != StatusApproved || r.UnitID != sp.UnitID || !r.plays(sp.ClusterID) {
		return nil, ErrNotFound
	}
	return s.Blobs.Open(ctx, r.AudioKey)
}

// Silent says whether a speaker has not asked for its feed for two polls (never asked:
// silent too).
func Silent(sp Speaker, now time.Time) bool {
	return !sp.Disabled && (sp.LastSeen.IsZero() || now.Sub(sp.LastSeen) > 2*pollEvery+5*time.Second)
}
