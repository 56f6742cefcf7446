package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/broadcast"
	"github.com/xaso-vn/xaso/internal/broadcast/source"
)

// The loudspeakers' tables (migration 0045): broadcast.Store.

// CreateCluster stores a cluster of speakers, audited.
func (s *Store) CreateCluster(ctx context.Context, c broadcast.Cluster) (broadcast.Cluster, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO broadcast_clusters (unit_id, code, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
			c.UnitID, c.Code, c.Name, utc(time.Now())).Scan(&c.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: c.UnitID, Action: "broadcast.cluster.create", ObjectType: "broadcast_cluster",
			ObjectID: strconv.FormatInt(c.ID, 10), Fields: []string{"code", "name"}})
	})
	if isUnique(err) {
		return c, broadcast.ErrCluster.With(err)
	}
	return c, mapErr(err)
}

// Clusters lists a unit's clusters by code.
func (s *Store) Clusters(ctx context.Context, unitID int64) ([]broadcast.Cluster, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, unit_id, code, name FROM broadcast_clusters WHERE unit_id = $1 ORDER BY code`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []broadcast.Cluster
	for rows.Next() {
		var c broadcast.Cluster
		if err := rows.Scan(&c.ID, &c.UnitID, &c.Code, &c.Name); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

const speakerCols = `id, unit_id, cluster_id, name, disabled, last_seen_at, volume`

func scanSpeaker(row interface{ Scan(...any) error }) (broadcast.Speaker, error) {
	var sp broadcast.Speaker
	var seen sql.NullTime
	var volume sql.NullInt64
	err := row.Scan(&sp.ID, &sp.UnitID, &sp.ClusterID, &sp.Name, &sp.Disabled, &seen, &volume)
	if seen.Valid {
		sp.LastSeen = seen.Time.UTC()
	}
	sp.Volume = -1
	if volume.Valid {
		sp.Volume = int(volume.Int64)
	}
	return sp, err
}

// CreateSpeaker stores a speaker with its token's hash, audited (never the token).
func (s *Store) CreateSpeaker(ctx context.Context, sp broadcast.Speaker, tokenHash string) (broadcast.Speaker, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO broadcast_speakers (unit_id, cluster_id, name, token_hash, created_at)
			VALUES ($1, $2, $3, $4, $5) RETURNING id`, sp.UnitID, sp.ClusterID, sp.Name, tokenHash, utc(time.Now())).Scan(&sp.ID); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: sp.UnitID, Action: "broadcast.speaker.create", ObjectType: "broadcast_speaker",
			ObjectID: strconv.FormatInt(sp.ID, 10), Fields: []string{"cluster", "name", "token"}})
	})
	return sp, mapErr(err)
}

// SpeakerByToken finds a speaker by its token's hash.
func (s *Store) SpeakerByToken(ctx context.Context, tokenHash string) (broadcast.Speaker, error) {
	sp, err := scanSpeaker(s.r.QueryRowContext(ctx, `SELECT `+speakerCols+` FROM broadcast_speakers WHERE token_hash = $1`, tokenHash))
	if err != nil {
		return sp, notFound(err, broadcast.ErrNotFound)
	}
	return sp, nil
}

// SeeSpeaker records a speaker's poll and, when it says it, its volume.
func (s *Store) SeeSpeaker(ctx context.Context, id int64, at time.Time, volume int) error {
	var v any
	if volume >= 0 {
		v = volume
	}
	_, err := s.w.ExecContext(ctx, `UPDATE broadcast_speakers SET last_seen_at = $1, volume = COALESCE($2, volume) WHERE id = $3`, utc(at), v, id)
	return mapErr(err)
}

// Speakers lists a unit's speakers by cluster and name.
func (s *Store) Speakers(ctx context.Context, unitID int64) ([]broadcast.Speaker, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+speakerCols+` FROM broadcast_speakers WHERE unit_id = $1 ORDER BY cluster_id, name, id`, unitID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []broadcast.Speaker
	for rows.Next() {
		sp, err := scanSpeaker(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, sp)
	}
	return out, mapErr(rows.Err())
}

const bulletinCols = `id, unit_id, title, body, priority, status, audio_key, seconds, start_at, rule, end_at, created_by, approved_by,
	created_at, approved_at, version, withdrawn_at`

// scanBulletin reads a bulletin's row; its clusters are read apart (withClusters).
func scanBulletin(row interface{ Scan(...any) error }) (broadcast.Record, error) {
	var r broadcast.Record
	var rule string
	var end, approvedAt, withdrawnAt sql.NullTime
	var approvedBy sql.NullInt64
	err := row.Scan(&r.ID, &r.UnitID, &r.Title, &r.Body, &r.Priority, &r.Status, &r.AudioKey, &r.Seconds, &r.Schedule.Start,
		&rule, &end, &r.CreatedBy, &approvedBy, &r.CreatedAt, &approvedAt, &r.Version, &withdrawnAt)
	if err != nil {
		return r, err
	}
	r.Schedule.Start, r.CreatedAt = r.Schedule.Start.UTC(), r.CreatedAt.UTC()
	if end.Valid {
		r.Schedule.End = end.Time.UTC()
	}
	if approvedAt.Valid {
		r.ApprovedAt = approvedAt.Time.UTC()
	}
	if withdrawnAt.Valid {
		r.WithdrawnAt = withdrawnAt.Time.UTC()
	}
	r.ApprovedBy = approvedBy.Int64
	if rule != "" {
		parsed, err := broadcast.ParseRule(rule)
		if err != nil {
			return r, fmt.Errorf("bulletin %d: stored rule: %w", r.ID, err)
		}
		r.Schedule.Rule = &parsed
	}
	return r, nil
}

func ruleText(sch broadcast.Schedule) string {
	if sch.Rule == nil {
		return ""
	}
	return sch.Rule.String()
}

// CreateBulletin stores a bulletin and its clusters, audited (the fields' names only).
func (s *Store) CreateBulletin(ctx context.Context, r broadcast.Record) (broadcast.Record, error) {
	r.Version = 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO bulletins (unit_id, title, body, priority, status, audio_key, seconds, start_at, rule,
			end_at, created_by, created_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 1) RETURNING id`,
			r.UnitID, r.Title, r.Body, r.Priority, r.Status, r.AudioKey, r.Seconds, utc(r.Schedule.Start), ruleText(r.Schedule),
			nullTime(r.Schedule.End), r.CreatedBy, utc(r.CreatedAt)).Scan(&r.ID); err != nil {
			return err
		}
		for _, c := range r.Clusters {
			if _, err := tx.ExecContext(ctx, `INSERT INTO bulletin_clusters (bulletin_id, cluster_id) VALUES ($1, $2)`, r.ID, c); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: r.UnitID, Action: "bulletin.create", ObjectType: "bulletin",
			ObjectID: strconv.FormatInt(r.ID, 10), Fields: []string{"title", "body", "priority", "clusters", "schedule", "audio"}})
	})
	return r, mapErr(err)
}

// withClusters fills the bulletins' clusters.
func (s *Store) withClusters(ctx context.Context, rs []broadcast.Record) ([]broadcast.Record, error) {
	if len(rs) == 0 {
		return rs, nil
	}
	ids := make([]int64, len(rs))
	at := map[int64]int{}
	for i, r := range rs {
		ids[i], at[r.ID] = r.ID, i
	}
	rows, err := s.r.QueryContext(ctx, `SELECT bulletin_id, cluster_id FROM bulletin_clusters WHERE bulletin_id IN (`+placeholders(1, len(ids))+`)
		ORDER BY bulletin_id, cluster_id`, anyIDs(ids)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var b, c int64
		if err := rows.Scan(&b, &c); err != nil {
			return nil, err
		}
		rs[at[b]].Clusters = append(rs[at[b]].Clusters, c)
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	rows.Close()
	// The operator's moves of single plays (migration 0048).
	mrows, err := s.r.QueryContext(ctx, `SELECT bulletin_id, cluster_id, due_at, moved_to FROM bulletin_moves WHERE bulletin_id IN (`+
		placeholders(1, len(ids))+`) ORDER BY bulletin_id, due_at, cluster_id`, anyIDs(ids)...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer mrows.Close()
	for mrows.Next() {
		var b int64
		var m broadcast.Move
		var to sql.NullTime
		if err := mrows.Scan(&b, &m.Cluster, &m.Due, &to); err != nil {
			return nil, err
		}
		m.Due = m.Due.UTC()
		if to.Valid {
			m.To = to.Time.UTC()
		} else {
			m.Skip = true
		}
		rs[at[b]].Moves = append(rs[at[b]].Moves, m)
	}
	return rs, mapErr(mrows.Err())
}

// MoveBulletin stores an operator's move of one play of a bulletin on a cluster (moved
// to another time, skipped, or, when To is Due, put back), audited (no times in the
// record: the fields' names).
func (s *Store) MoveBulletin(ctx context.Context, r broadcast.Record, m broadcast.Move, by int64, at time.Time) error {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		action := "bulletin.move"
		var err error
		switch {
		case !m.Skip && m.To.Equal(m.Due):
			action = "bulletin.move.undo"
			_, err = tx.ExecContext(ctx, `DELETE FROM bulletin_moves WHERE bulletin_id = $1 AND cluster_id = $2 AND due_at = $3`, r.ID, m.Cluster, utc(m.Due))
		default:
			if m.Skip {
				action = "bulletin.skip"
			}
			var to any
			if !m.Skip {
				to = utc(m.To)
			}
			_, err = tx.ExecContext(ctx, `INSERT INTO bulletin_moves (bulletin_id, cluster_id, due_at, moved_to, created_by, created_at)
				VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (bulletin_id, cluster_id, due_at)
				DO UPDATE SET moved_to = excluded.moved_to, created_by = excluded.created_by, created_at = excluded.created_at`,
				r.ID, m.Cluster, utc(m.Due), to, by, utc(at))
		}
		if err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: r.UnitID, Action: action, ObjectType: "bulletin",
			ObjectID: strconv.FormatInt(r.ID, 10), Fields: []string{"cluster", "due", "moved_to"}})
	})
	return mapErr(err)
}

// Bulletin loads one bulletin.
func (s *Store) Bulletin(ctx context.Context, id int64) (broadcast.Record, error) {
	r, err := scanBulletin(s.r.QueryRowContext(ctx, `SELECT `+bulletinCols+` FROM bulletins WHERE id = $1`, id))
	if err != nil {
		return r, notFound(err, broadcast.ErrNotFound)
	}
	rs, err := s.withClusters(ctx, []broadcast.Record{r})
	if err != nil {
		return r, err
	}
	return rs[0], nil
}

func (s *Store) bulletins(ctx context.Context, query string, args ...any) ([]broadcast.Record, error) {
	rows, err := s.r.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []broadcast.Record
	for rows.Next() {
		r, err := scanBulletin(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, r)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	return s.withClusters(ctx, out)
}

// Bulletins lists a unit's bulletins of the statuses (all when none), the latest first.
func (s *Store) Bulletins(ctx context.Context, unitID int64, statuses []broadcast.Status) ([]broadcast.Record, error) {
	args := []any{unitID}
	where := ""
	if len(statuses) > 0 {
		var ps []string
		for _, st := range statuses {
			args = append(args, string(st))
			ps = append(ps, "$"+strconv.Itoa(len(args)))
		}
		where = " AND status IN (" + strings.Join(ps, ", ") + ")"
	}
	return s.bulletins(ctx, `SELECT `+bulletinCols+` FROM bulletins WHERE unit_id = $1`+where+` ORDER BY created_at DESC, id DESC LIMIT 500`, args...)
}

// Approved lists the approved bulletins that play on any of the clusters.
func (s *Store) Approved(ctx context.Context, clusters []int64) ([]broadcast.Record, error) {
	if len(clusters) == 0 {
		return nil, nil
	}
	return s.bulletins(ctx, `SELECT `+bulletinCols+` FROM bulletins WHERE status = 'approved' AND id IN
		(SELECT bulletin_id FROM bulletin_clusters WHERE cluster_id IN (`+placeholders(1, len(clusters))+`)) ORDER BY id`, anyIDs(clusters)...)
}

// SaveBulletin stores a bulletin's new state if it is still at before's version.
func (s *Store) SaveBulletin(ctx context.Context, before, after broadcast.Record, action string, out ...source.Message) (broadcast.Record, error) {
	after.Version = before.Version + 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE bulletins SET status = $1, approved_by = $2, approved_at = $3, version = $4, withdrawn_at = $5
			WHERE id = $6 AND version = $7`, after.Status, nullID(after.ApprovedBy), nullTime(after.ApprovedAt), after.Version, nullTime(after.WithdrawnAt),
			after.ID, before.Version)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return broadcast.ErrChanged
		}
		if err := s.enqueueSource(ctx, tx, out); err != nil {
			return err
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: action, ObjectType: "bulletin",
			ObjectID: strconv.FormatInt(after.ID, 10), Fields: []string{"status"}})
	})
	return after, mapErr(err)
}

// RecordPlay stores a speaker's report of a play once.
func (s *Store) RecordPlay(ctx context.Context, p broadcast.Play) error {
	_, err := s.w.ExecContext(ctx, `INSERT INTO broadcast_plays (speaker_id, bulletin_id, due_at, status, reported_at)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (speaker_id, bulletin_id, due_at) DO NOTHING`,
		p.SpeakerID, p.BulletinID, utc(p.Due), p.Status, utc(p.ReportedAt))
	return mapErr(err)
}

// Plays lists the reports of a bulletin's plays, by due time and speaker.
func (s *Store) Plays(ctx context.Context, bulletinID int64) ([]broadcast.Play, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT speaker_id, bulletin_id, due_at, status, reported_at FROM broadcast_plays
		WHERE bulletin_id = $1 ORDER BY due_at, speaker_id`, bulletinID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []broadcast.Play
	for rows.Next() {
		var p broadcast.Play
		if err := rows.Scan(&p.SpeakerID, &p.BulletinID, &p.Due, &p.Status, &p.ReportedAt); err != nil {
			return nil, err
		}
		p.Due, p.ReportedAt = p.Due.UTC(), p.ReportedAt.UTC()
		out = append(out, p)
	}
	return out, mapErr(rows.Err())
}
