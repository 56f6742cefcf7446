package broadcast

import (
	"bufio"
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Streamer feeds one cluster's live stream to an Icecast server, for receivers that play
// a stream rather than ask for a feed: the mount /<cluster code>.mp3 plays what the
// cluster's timeline says (NowAndNext), the bulletin's MP3 from where it is due to be
// when one plays, silence between, and an emergency as soon as it is approved (the
// timeline cuts what played). It is a source client of Icecast's HTTP PUT protocol
// (Icecast 2.4): one connection, the stream's bytes paced in real time, whole frames
// only; it reconnects after a failure.
type Streamer struct {
	Service  *Service
	Cluster  Cluster
	Server   string // Icecast's address: http://host:port
	Password string // the source password
	Log      *slog.Logger
	// Now is the timeline's clock (default the Service's); pacing uses the real clock.
	Now func() time.Time

	bulletins []Bulletin
	fetched   time.Time
	changes   <-chan struct{}
}

// Stream errors.
var (
	ErrIcecastURL = errors.New("icecast: the address must be http://host:port")
	errRefused    = errors.New("icecast refused the source")
)

// lead is how far ahead of real time the stream may be sent (Icecast's own queue smooths
// the rest).
const lead = 500 * time.Millisecond

// recheck is how often, while a sound plays, the timeline is asked again (an emergency
// cuts it within this).
const recheck = time.Second

// refreshEvery is how often the cluster's bulletins are read again without a change on
// this instance (another instance may have approved one).
const refreshEvery = 10 * time.Second

// Mount is the cluster's mount point on Icecast (its code escaped as a path segment).
func (c Cluster) Mount() string { return "/" + url.PathEscape(c.Code) + ".mp3" }

// Run streams until ctx ends, reconnecting after a failure (after 5 s, at most every
// minute when it keeps failing).
func (st *Streamer) Run(ctx context.Context) {
	wait := 5 * time.Second
	for ctx.Err() == nil {
		started := time.Now()
		err := st.stream(ctx)
		if ctx.Err() != nil {
			return
		}
		if err == nil {
			err = errors.New("icecast: the connection ended")
		}
		st.Service.setStream(st.Cluster.ID, err)
		if time.Since(started) > time.Minute {
			wait = 5 * time.Second
		}
		if st.Log != nil {
			st.Log.Warn("live stream interrupted", "cluster", st.Cluster.ID, "mount", st.Cluster.Mount(), "retry_in", wait, "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, time.Minute)
	}
}

func (st *Streamer) now() time.Time {
	if st.Now != nil {
		return st.Now()
	}
	return st.Service.now()
}

// stream is one source connection: it ends with ctx or a failure.
func (st *Streamer) stream(ctx context.Context) error {
	u, err := url.Parse(st.Server)
	if err != nil || u.Scheme != "http" || u.Host == "" || (u.Path != "" && u.Path != "/") {
		return ErrIcecastURL
	}
	host := u.Host
	if u.Port() == "" {
		host = net.JoinHostPort(u.Hostname(), "80")
	}
	var d net.Dialer
	dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := d.DialContext(dctx, "tcp", host)
	cancel()
	if err != nil {
		return err
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.Close() })
	defer stop()
	name := strings.NewReplacer("\r", " ", "\n", " ").Replace(st.Cluster.Name)
	req := "PUT " + st.Cluster.Mount() + " HTTP/1.1\r\n" +
		"Host: " + u.Host + "\r\n" +
		"Authorization: Basic " + base64.StdEncoding.EncodeToString([]byte("source:"+st.Password)) + "\r\n" +
		"User-Agent: xaso\r\n" +
		"Content-Type: audio/mpeg\r\n" +
		"Ice-Name: " + name + "\r\n" +
		"Ice-Public: 0\r\n" +
		"Ice-Audio-Info: channels=1;samplerate=44100;bitrate=64\r\n\r\n"
	conn.SetDeadline(time.Now().Add(10 * time.Second))
	if _, err := io.WriteString(conn, req); err != nil {
		return err
	}
	// The answer is a status line and a few headers: read at most 4 KB of it.
	resp, err := http.ReadResponse(bufio.NewReader(io.LimitReader(conn, 4096)), nil)
	if err != nil {
		return fmt.Errorf("icecast answer: %w", err)
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%w: %s", errRefused, resp.Status)
	}
	conn.SetDeadline(time.Time{})
	st.Service.setStream(st.Cluster.ID, nil)
	p := &pacer{w: conn, start: time.Now()}
	for ctx.Err() == nil {
		if err := st.play(ctx, p); err != nil {
			return err
		}
	}
	return nil
}

// pacer writes frames no faster than they play.
type pacer struct {
	w     net.Conn
	start time.Time
	sent  time.Duration // the play time of what was written
}

func (p *pacer) write(ctx context.Context, frame []byte, d time.Duration) error {
	if ahead := time.Until(p.start.Add(p.sent)) - lead; ahead > 0 {
		t := time.NewTimer(ahead)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	p.w.SetWriteDeadline(time.Now().Add(15 * time.Second))
	if _, err := p.w.Write(frame); err != nil {
		return err
	}
	p.sent += d
	return nil
}

// silentFrameTime is how long silentFrame plays.
var silentFrameTime = 1152 * time.Second / 44100

// play sends what plays now: a second of silence (less when a sound starts sooner), or
// the sound of the slot playing now from its position until it ends, is cut or the
// timeline changes.
func (st *Streamer) play(ctx context.Context, p *pacer) error {
	now := st.now()
	cur, next, err := st.nowAndNext(ctx, now)
	if err != nil {
		return err
	}
	if cur == nil {
		until := now.Add(recheck)
		if len(next) > 0 && next[0].Start.Before(until) {
			until = next[0].Start
		}
		for sent := time.Duration(0); sent == 0 || now.Add(sent).Before(until); sent += silentFrameTime {
			if err := p.write(ctx, silentFrame, silentFrameTime); err != nil {
				return err
			}
		}
		return nil
	}
	playing := *cur
	sound, err := st.Service.Blobs.Open(ctx, playing.AudioKey)
	if err != nil {
		// The stream goes on with silence; the failure is said once a second.
		if st.Log != nil {
			st.Log.Warn("live stream: sound missing", "cluster", st.Cluster.ID, "bulletin", playing.Bulletin, "err", err)
		}
		return st.silence(ctx, p, recheck)
	}
	defer sound.Close()
	frames := newFrameReader(sound)
	offset := now.Sub(playing.Start) // where the sound is due to be
	var pos time.Duration            // where the reader is in the sound
	checked, wrote := time.Now(), false
	for {
		fh, err := frames.next()
		if err == io.EOF {
			if !wrote {
				// The sound is shorter than its slot says (its length is rounded):
				// silence to the slot's end.
				return st.silence(ctx, p, min(max(playing.End.Sub(now), silentFrameTime), recheck))
			}
			return nil
		}
		if err != nil {
			if st.Log != nil {
				st.Log.Warn("live stream: sound unreadable", "cluster", st.Cluster.ID, "bulletin", playing.Bulletin, "err", err)
			}
			return st.silence(ctx, p, recheck)
		}
		pos += fh.Duration
		if pos <= offset {
			continue
		}
		if !playing.Start.Add(pos).Before(playing.End.Add(fh.Duration)) {
			return nil // cut by an emergency
		}
		if err := p.write(ctx, fh.Data, fh.Duration); err != nil {
			return err
		}
		wrote = true
		if time.Since(checked) >= recheck {
			checked = time.Now()
			again, _, err := st.nowAndNext(ctx, st.now())
			if err != nil {
				return err
			}
			if again == nil || again.Bulletin != playing.Bulletin || !again.Occurrence.Equal(playing.Occurrence) || !again.End.Equal(playing.End) {
				return nil // withdrawn, cut or pre-empted: the timeline is asked again
			}
		}
	}
}

func (st *Streamer) silence(ctx context.Context, p *pacer, d time.Duration) error {
	for sent := time.Duration(0); sent < d; sent += silentFrameTime {
		if err := p.write(ctx, silentFrame, silentFrameTime); err != nil {
			return err
		}
	}
	return nil
}

// nowAndNext is the cluster's timeline at now, its bulletins read again after a change
// on this instance or every refreshEvery.
func (st *Streamer) nowAndNext(ctx context.Context, now time.Time) (*Slot, []Slot, error) {
	changed := false
	if st.changes != nil {
		select {
		case <-st.changes:
			changed = true
		default:
		}
	}
	if st.changes == nil || changed || time.Since(st.fetched) >= refreshEvery {
		st.changes = st.Service.Changes()
		recs, err := st.Service.Store.Approved(ctx, []int64{st.Cluster.ID})
		if err != nil {
			return nil, nil, err
		}
		st.bulletins = st.bulletins[:0]
		for _, r := range recs {
			st.bulletins = append(st.bulletins, r.Bulletin)
		}
		st.fetched = time.Now()
	}
	return NowAndNext(st.Cluster.ID, st.bulletins, now, time.Hour)
}

// StreamClusters keeps a live stream going for every cluster of a unit on the Icecast
// server until ctx ends (and its streamers have stopped): one Streamer each, the clusters
// listed again every so often so a new one gets its stream.
func (s *Service) StreamClusters(ctx context.Context, unitID int64, server, password string, log *slog.Logger, every time.Duration) {
	s.mu.Lock()
	s.streaming = true
	s.mu.Unlock()
	running := map[int64]bool{}
	var wg sync.WaitGroup
	defer wg.Wait() // the streamers end with ctx
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		cs, err := s.Store.Clusters(ctx, unitID)
		if err != nil && ctx.Err() == nil && log != nil {
			log.Warn("live streams: clusters not listed", "err", err)
		}
		for _, c := range cs {
			if running[c.ID] {
				continue
			}
			running[c.ID] = true
			st := &Streamer{Service: s, Cluster: c, Server: server, Password: password, Log: log}
			wg.Go(func() { st.Run(ctx) })
			if log != nil {
				log.Info("live stream started", "cluster", c.ID, "mount", c.Mount())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// StreamState is whether a cluster's live stream is connected to Icecast, as this
// instance knows it (kept in memory: another instance keeps its own).
type StreamState struct {
	Connected bool
	Since     time.Time // connected since, or disconnected since
	Refused   bool      // Icecast answered but refused the source (password, or the mount has another source)
	LastError string    // the last failure, for the log and the administrator
}

// setStream records a cluster's stream connected (err nil) or failed.
func (s *Service) setStream(cluster int64, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.streams == nil {
		s.streams = map[int64]StreamState{}
	}
	old, known := s.streams[cluster]
	now := time.Now()
	if err == nil {
		s.streams[cluster] = StreamState{Connected: true, Since: now, LastError: old.LastError}
		return
	}
	st := StreamState{Since: now, Refused: errors.Is(err, errRefused), LastError: err.Error()}
	if known && !old.Connected {
		st.Since = old.Since // still down since the first failure
	}
	s.streams[cluster] = st
}

// Streaming says whether this instance runs the live streams (StreamClusters).
func (s *Service) Streaming() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.streaming
}

// StreamStates is the state of each cluster's live stream on this instance (a cluster
// not yet tried is absent).
func (s *Service) StreamStates() map[int64]StreamState {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[int64]StreamState, len(s.streams))
	for k, v := range s.streams {
		out[k] = v
	}
	return out
}
