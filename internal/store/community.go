package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/community"
)

// Villages, their counts and coverage, the digital teams and help requests
// (internal/community, migration 0052).

func parseDate(s string) calendar.Date {
	d, _ := calendar.ParseDate(s)
	return d
}

// nextVillageCode is the code of a commune's next village: its statistics code and the
// next two-digit number.
func nextVillageCode(ctx context.Context, tx *sql.Tx, unitID int64) (string, error) {
	var code string
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT u.code, (SELECT COUNT(*) FROM villages v WHERE v.unit_id = u.id) FROM units u WHERE u.id = $1`,
		unitID).Scan(&code, &n); err != nil {
		return "", err
	}
	for i := n + 1; ; i++ {
		c := fmt.Sprintf("%s-%02d", code, i)
		var x int
		err := tx.QueryRowContext(ctx, `SELECT 1 FROM villages WHERE code = $1`, c).Scan(&x)
		if errors.Is(err, sql.ErrNoRows) {
			return c, nil
		}
		if err != nil {
			return "", err
		}
	}
}

// CommunityVillages lists a unit's villages with their latest count and coverage.
func (s *Store) CommunityVillages(ctx context.Context, unitID int64) ([]community.Village, error) {
	return s.communityVillages(ctx, `v.unit_id = $1`, unitID)
}

// CommunityVillage loads one village with its latest facts.
func (s *Store) CommunityVillage(ctx context.Context, id int64) (community.Village, error) {
	vs, err := s.communityVillages(ctx, `v.id = $1`, id)
	if err != nil {
		return community.Village{}, err
	}
	if len(vs) == 0 {
		return community.Village{}, community.ErrVillageNotFound
	}
	return vs[0], nil
}

func (s *Store) communityVillages(ctx context.Context, where string, arg int64) ([]community.Village, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT v.id, v.unit_id, v.code, v.name, v.kind, v.leader_name FROM villages v WHERE `+where+` ORDER BY v.code, v.id`, arg)
	if err != nil {
		return nil, mapErr(err)
	}
	var out []community.Village
	index := map[int64]int{}
	for rows.Next() {
		var v community.Village
		if err := rows.Scan(&v.ID, &v.UnitID, &v.Code, &v.Name, &v.Kind, &v.Leader); err != nil {
			rows.Close()
			return nil, err
		}
		index[v.ID] = len(out)
		out = append(out, v)
	}
	rows.Close()
	if err := rows.Err(); err != nil || len(out) == 0 {
		return out, mapErr(err)
	}
	// The latest count and coverage facts: ordered by date, the last one wins.
	crows, err := s.r.QueryContext(ctx, `SELECT c.id, c.village_id, c.as_of, c.households, c.people, c.source FROM village_counts c
		JOIN villages v ON v.id = c.village_id WHERE `+where+` ORDER BY c.as_of, c.id`, arg)
	if err != nil {
		return nil, mapErr(err)
	}
	for crows.Next() {
		var c community.Count
		var asOf string
		if err := crows.Scan(&c.ID, &c.VillageID, &asOf, &c.Households, &c.People, &c.Source); err != nil {
			crows.Close()
			return nil, err
		}
		c.AsOf = parseDate(asOf)
		out[index[c.VillageID]].Count = c
	}
	crows.Close()
	if err := crows.Err(); err != nil {
		return nil, mapErr(err)
	}
	vrows, err := s.r.QueryContext(ctx, `SELECT c.id, c.village_id, c.kind, c.available, c.as_of, c.source, COALESCE(c.cluster_id, 0)
		FROM village_coverage c JOIN villages v ON v.id = c.village_id WHERE `+where+` ORDER BY c.as_of, c.id`, arg)
	if err != nil {
		return nil, mapErr(err)
	}
	defer vrows.Close()
	for vrows.Next() {
		var c community.Coverage
		var asOf string
		if err := vrows.Scan(&c.ID, &c.VillageID, &c.Kind, &c.Available, &asOf, &c.Source, &c.ClusterID); err != nil {
			return nil, err
		}
		c.AsOf = parseDate(asOf)
		v := &out[index[c.VillageID]]
		replaced := false
		for i := range v.Coverage {
			if v.Coverage[i].Kind == c.Kind {
				v.Coverage[i], replaced = c, true
			}
		}
		if !replaced {
			v.Coverage = append(v.Coverage, c)
		}
	}
	return out, mapErr(vrows.Err())
}

// SetVillageProfile stores a village's kind and leader, audited.
func (s *Store) SetVillageProfile(ctx context.Context, v community.Village) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE villages SET kind = $1, leader_name = $2 WHERE id = $3`, v.Kind, v.Leader, v.ID); err != nil {
			return fmt.Errorf("store: village %d: %w", v.ID, err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: v.UnitID, Action: "village.profile", ObjectType: "village",
			ObjectID: strconv.FormatInt(v.ID, 10), Fields: []string{"kind", "leader_name"}})
	})
}

func (s *Store) villageUnit(ctx context.Context, tx *sql.Tx, villageID int64) (int64, error) {
	var unitID int64
	err := tx.QueryRowContext(ctx, `SELECT unit_id FROM villages WHERE id = $1`, villageID).Scan(&unitID)
	return unitID, notFound(err, community.ErrVillageNotFound)
}

// AddVillageCount stores a dated count, audited.
func (s *Store) AddVillageCount(ctx context.Context, c community.Count, by int64) (community.Count, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		unitID, err := s.villageUnit(ctx, tx, c.VillageID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO village_counts (village_id, as_of, households, people, source, entered_by, entered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`, c.VillageID, c.AsOf.String(), c.Households, c.People, c.Source,
			nullID(by), s.timestamp()).Scan(&c.ID); err != nil {
			return fmt.Errorf("store: village count: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "village.count", ObjectType: "village",
			ObjectID: strconv.FormatInt(c.VillageID, 10), Fields: []string{"as_of", "households", "people", "source"}})
	})
	return c, err
}

// VillageCounts lists a village's counts, the latest first.
func (s *Store) VillageCounts(ctx context.Context, villageID int64) ([]community.Count, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, village_id, as_of, households, people, source FROM village_counts WHERE village_id = $1
		ORDER BY as_of DESC, id DESC`, villageID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []community.Count
	for rows.Next() {
		var c community.Count
		var asOf string
		if err := rows.Scan(&c.ID, &c.VillageID, &asOf, &c.Households, &c.People, &c.Source); err != nil {
			return nil, err
		}
		c.AsOf = parseDate(asOf)
		out = append(out, c)
	}
	return out, mapErr(rows.Err())
}

// AddCoverage stores a dated coverage fact, audited.
func (s *Store) AddCoverage(ctx context.Context, c community.Coverage, by int64) (community.Coverage, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		unitID, err := s.villageUnit(ctx, tx, c.VillageID)
		if err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO village_coverage (village_id, kind, available, as_of, source, cluster_id, entered_by, entered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`, c.VillageID, c.Kind, c.Available, c.AsOf.String(), c.Source,
			nullID(c.ClusterID), nullID(by), s.timestamp()).Scan(&c.ID); err != nil {
			return fmt.Errorf("store: village coverage: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "village.coverage", ObjectType: "village",
			ObjectID: strconv.FormatInt(c.VillageID, 10), Fields: []string{"kind", "available", "as_of", "source", "cluster_id"}})
	})
	return c, err
}

// AccountsOpened sums the accounts the team's visits opened in a village.
func (s *Store) AccountsOpened(ctx context.Context, villageID int64) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(accounts), 0) FROM team_visits WHERE village_id = $1`, villageID).Scan(&n)
	return n, mapErr(err)
}

// Teams lists a unit's villages with the members active on day.
func (s *Store) Teams(ctx context.Context, unitID int64, day calendar.Date) ([]community.Team, error) {
	vs, err := s.CommunityVillages(ctx, unitID)
	if err != nil {
		return nil, err
	}
	rows, err := s.r.QueryContext(ctx, `SELECT m.village_id, COUNT(*) FROM team_members m JOIN villages v ON v.id = m.village_id
		WHERE v.unit_id = $1 AND m.joined_on <= $2 AND (m.left_on = '' OR m.left_on >= $2) GROUP BY m.village_id`, unitID, day.String())
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	counts := map[int64]int{}
	for rows.Next() {
		var id int64
		var n int
		if err := rows.Scan(&id, &n); err != nil {
			return nil, err
		}
		counts[id] = n
	}
	if err := rows.Err(); err != nil {
		return nil, mapErr(err)
	}
	out := make([]community.Team, len(vs))
	for i, v := range vs {
		out[i] = community.Team{Village: v, Members: counts[v.ID]}
	}
	return out, mapErr(rows.Err())
}

const memberCols = `m.id, m.village_id, v.name, m.user_id, u.full_name, m.phone, m.joined_on, m.left_on`

func scanMember(row interface{ Scan(...any) error }) (community.Member, error) {
	var m community.Member
	var joined, left string
	err := row.Scan(&m.ID, &m.VillageID, &m.VillageName, &m.UserID, &m.FullName, &m.Phone, &joined, &left)
	m.Joined, m.Left = parseDate(joined), parseDate(left)
	return m, err
}

func (s *Store) members(ctx context.Context, where string, args ...any) ([]community.Member, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+memberCols+` FROM team_members m JOIN villages v ON v.id = m.village_id
		JOIN users u ON u.id = m.user_id WHERE `+where+` ORDER BY v.code, m.joined_on DESC, m.id DESC`, args...)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []community.Member
	for rows.Next() {
		m, err := scanMember(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// TeamMembers lists a unit's members (a village's when villageID ≠ 0).
func (s *Store) TeamMembers(ctx context.Context, unitID, villageID int64) ([]community.Member, error) {
	if villageID != 0 {
		return s.members(ctx, `v.unit_id = $1 AND m.village_id = $2`, unitID, villageID)
	}
	return s.members(ctx, `v.unit_id = $1`, unitID)
}

// MemberOf lists a user's memberships, the latest first.
func (s *Store) MemberOf(ctx context.Context, userID int64) ([]community.Member, error) {
	return s.members(ctx, `m.user_id = $1`, userID)
}

// AddMember stores a team membership, audited (without the phone's value).
func (s *Store) AddMember(ctx context.Context, unitID int64, m community.Member) (community.Member, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `INSERT INTO team_members (village_id, user_id, phone, joined_on, left_on) VALUES ($1, $2, $3, $4, $5)
			RETURNING id`, m.VillageID, m.UserID, m.Phone, m.Joined.String(), dateText(m.Left)).Scan(&m.ID)
		if isUnique(err) {
			return community.ErrMember.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: team member: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "team.member.add", ObjectType: "team_member",
			ObjectID: strconv.FormatInt(m.ID, 10), Fields: []string{"village_id", "user_id", "phone", "joined_on"}})
	})
	return m, err
}

// EndMember sets an open membership's left date, drops the pending help reminders to that
// member and, when the user has no open membership left in the unit's villages, removes
// their digital_team role in the unit, each audited (fields named, no values), in one
// transaction.
func (s *Store) EndMember(ctx context.Context, unitID int64, m community.Member) (bool, error) {
	revoked := false
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE team_members SET left_on = $1 WHERE id = $2 AND left_on = ''`, m.Left.String(), m.ID)
		if err != nil {
			return fmt.Errorf("store: end team member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return community.ErrMemberEnded
		}
		if err := s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "team.member.end", ObjectType: "team_member",
			ObjectID: strconv.FormatInt(m.ID, 10), Fields: []string{"left_on"}}); err != nil {
			return err
		}
		// The reminders of help requests still waiting for this member go with them.
		if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE ref LIKE 'help:%:reminder' AND dedup_key LIKE $1
			AND status = 'pending' AND attempts = 0`, "help:%:member:"+strconv.FormatInt(m.ID, 10)); err != nil {
			return fmt.Errorf("store: end team member: reminders: %w", err)
		}
		var open int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM team_members m JOIN villages v ON v.id = m.village_id
			WHERE m.user_id = $1 AND v.unit_id = $2 AND m.left_on = ''`, m.UserID, unitID).Scan(&open); err != nil {
			return fmt.Errorf("store: end team member: %w", err)
		}
		if open > 0 {
			return nil
		}
		res, err = tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = $1 AND unit_id = $2 AND role = $3`, m.UserID, unitID, auth.RoleDigitalTeam)
		if err != nil {
			return fmt.Errorf("store: end team member: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		revoked = true
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "membership.revoke", ObjectType: "user",
			ObjectID: strconv.FormatInt(m.UserID, 10), Fields: []string{"role:" + string(auth.RoleDigitalTeam)}})
	})
	return revoked, err
}

// AddTraining stores a member's training, audited.
func (s *Store) AddTraining(ctx context.Context, unitID int64, t community.Training) (community.Training, error) {
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO team_trainings (member_id, course, held_on, certificate) VALUES ($1, $2, $3, $4)
			RETURNING id`, t.MemberID, t.Course, t.Held.String(), t.Certificate).Scan(&t.ID); err != nil {
			return fmt.Errorf("store: training: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "team.training.add", ObjectType: "team_member",
			ObjectID: strconv.FormatInt(t.MemberID, 10), Fields: []string{"course", "held_on", "certificate"}})
	})
	return t, err
}

// Trainings lists a member's trainings, the latest first.
func (s *Store) Trainings(ctx context.Context, memberID int64) ([]community.Training, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT id, member_id, course, held_on, certificate FROM team_trainings WHERE member_id = $1
		ORDER BY held_on DESC, id DESC`, memberID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []community.Training
	for rows.Next() {
		var t community.Training
		var held string
		if err := rows.Scan(&t.ID, &t.MemberID, &t.Course, &held, &t.Certificate); err != nil {
			return nil, err
		}
		t.Held = parseDate(held)
		out = append(out, t)
	}
	return out, mapErr(rows.Err())
}

// AddVisit stores a member's visit, audited (without the note).
func (s *Store) AddVisit(ctx context.Context, unitID int64, v community.Visit) (community.Visit, error) {
	var replay *community.Visit
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if v.IdemKey != "" {
			prev, found, err := visitByKey(ctx, tx, v.UserID, v.IdemKey)
			if err != nil {
				return err
			}
			if found {
				if prev.IdemHash != v.IdemHash {
					return community.ErrVisitKeyReused
				}
				prev.Replayed = true
				replay = &prev
				return nil
			}
		}
		if err := tx.QueryRowContext(ctx, `INSERT INTO team_visits (member_id, user_id, village_id, visited_on, households, installs, accounts,
			payments, note, recorded_at, idem_key, idem_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`, v.MemberID, v.UserID, v.VillageID,
			v.Visited.String(), v.Households, v.Installs, v.Accounts, v.Payments, v.Note, utc(v.RecordedAt), nullString(v.IdemKey), v.IdemHash).Scan(&v.ID); err != nil {
			if isUnique(err) {
				return errVisitRace
			}
			return fmt.Errorf("store: visit: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "team.visit.add", ObjectType: "team_visit",
			ObjectID: strconv.FormatInt(v.ID, 10), Fields: []string{"visited_on", "households", "installs", "accounts", "payments", "note"}})
	})
	if errors.Is(err, errVisitRace) {
		// Two replays of one key at once: the other one recorded it.
		return s.AddVisit(ctx, unitID, v)
	}
	if replay != nil {
		return *replay, err
	}
	return v, err
}

var errVisitRace = errors.New("store: visit key recorded meanwhile")

// visitByKey finds the visit a user recorded with an Idempotency-Key.
func visitByKey(ctx context.Context, tx *sql.Tx, userID int64, key string) (community.Visit, bool, error) {
	var v community.Visit
	var day string
	err := tx.QueryRowContext(ctx, `SELECT id, member_id, user_id, village_id, visited_on, households, installs, accounts, payments, note,
		recorded_at, idem_key, idem_hash FROM team_visits WHERE user_id = $1 AND idem_key = $2`, userID, key).Scan(&v.ID, &v.MemberID, &v.UserID,
		&v.VillageID, &day, &v.Households, &v.Installs, &v.Accounts, &v.Payments, &v.Note, &v.RecordedAt, &v.IdemKey, &v.IdemHash)
	if errors.Is(err, sql.ErrNoRows) {
		return v, false, nil
	}
	if err != nil {
		return v, false, fmt.Errorf("store: visit key: %w", err)
	}
	v.Visited, v.RecordedAt = parseDate(day), v.RecordedAt.UTC()
	return v, true, nil
}

// Visits lists a user's visits, the latest first, and the totals of all of them.
func (s *Store) Visits(ctx context.Context, userID int64, limit int) ([]community.Visit, community.Totals, error) {
	var t community.Totals
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(households), 0), COALESCE(SUM(installs), 0), COALESCE(SUM(accounts), 0),
		COALESCE(SUM(payments), 0) FROM team_visits WHERE user_id = $1`, userID).Scan(&t.Visits, &t.Households, &t.Installs, &t.Accounts,
		&t.Payments); err != nil {
		return nil, t, mapErr(err)
	}
	limit, _ = page(limit, 0)
	rows, err := s.r.QueryContext(ctx, `SELECT id, member_id, user_id, village_id, visited_on, households, installs, accounts, payments, note,
		recorded_at FROM team_visits WHERE user_id = $1 ORDER BY visited_on DESC, id DESC LIMIT $2`, userID, limit)
	if err != nil {
		return nil, t, mapErr(err)
	}
	defer rows.Close()
	var out []community.Visit
	for rows.Next() {
		var v community.Visit
		var day string
		if err := rows.Scan(&v.ID, &v.MemberID, &v.UserID, &v.VillageID, &day, &v.Households, &v.Installs, &v.Accounts, &v.Payments,
			&v.Note, &v.RecordedAt); err != nil {
			return nil, t, err
		}
		v.Visited, v.RecordedAt = parseDate(day), v.RecordedAt.UTC()
		out = append(out, v)
	}
	return out, t, mapErr(rows.Err())
}

const helpCols = `h.id, h.code, h.unit_id, h.village_id, v.name, v.code, h.topic, h.description, h.name, h.phone, h.owner_id, h.filed_by,
	h.secret_hash, h.client_hash, h.status, h.filed_at, h.due_at, h.assignee_id, h.assignee, h.closed_at, h.version`

func scanHelp(row interface{ Scan(...any) error }) (community.HelpRequest, error) {
	var h community.HelpRequest
	var owner, filedBy, assignee sql.NullInt64
	var closed sql.NullTime
	err := row.Scan(&h.ID, &h.Code, &h.UnitID, &h.VillageID, &h.VillageName, &h.VillageCode, &h.Topic, &h.Description, &h.Name, &h.Phone,
		&owner, &filedBy, &h.SecretHash, &h.ClientHash, &h.Status, &h.FiledAt, &h.DueAt, &assignee, &h.Assignee, &closed, &h.Version)
	h.OwnerID, h.FiledBy, h.AssigneeID = owner.Int64, filedBy.Int64, assignee.Int64
	h.FiledAt, h.DueAt = h.FiledAt.UTC(), h.DueAt.UTC()
	if closed.Valid {
		h.ClosedAt = closed.Time.UTC()
	}
	return h, err
}

func (s *Store) addHelpEvent(ctx context.Context, tx *sql.Tx, id int64, ev community.Event) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO help_request_events (request_id, status, at, note) VALUES ($1, $2, $3, $4)`,
		id, ev.Status, utc(ev.At), ev.Note)
	return err
}

// CreateHelpRequest stores a new request with its first events and its reminder, audited
// (naming the fields, never their values).
func (s *Store) CreateHelpRequest(ctx context.Context, h community.HelpRequest, reminders []community.Reminder) (community.HelpRequest, error) {
	h.Version = 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, `INSERT INTO help_requests (code, unit_id, village_id, topic, description, name, phone, owner_id, filed_by,
			secret_hash, client_hash, status, filed_at, due_at, assignee, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, '', 1)
			RETURNING id`, h.Code, h.UnitID, h.VillageID, h.Topic, h.Description, h.Name, h.Phone, nullID(h.OwnerID), nullID(h.FiledBy),
			h.SecretHash, h.ClientHash, h.Status, utc(h.FiledAt), utc(h.DueAt)).Scan(&h.ID); err != nil {
			return fmt.Errorf("store: help request: %w", err)
		}
		for _, ev := range h.Events {
			if err := s.addHelpEvent(ctx, tx, h.ID, ev); err != nil {
				return fmt.Errorf("store: help request: %w", err)
			}
		}
		for _, r := range reminders {
			if err := s.enqueueDue(ctx, tx, r.Message, r.At); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: h.UnitID, Action: "help_request.filed", ObjectType: "help_request",
			ObjectID: h.Code, Fields: []string{"village_id", "topic", "description", "name", "phone", "status"}})
	})
	return h, err
}

// HelpRequest loads a request by code with its history.
func (s *Store) HelpRequest(ctx context.Context, code string) (community.HelpRequest, error) {
	h, err := scanHelp(s.r.QueryRowContext(ctx, `SELECT `+helpCols+` FROM help_requests h JOIN villages v ON v.id = h.village_id
		WHERE h.code = $1`, code))
	if err != nil {
		return h, notFound(err, community.ErrHelpNotFound)
	}
	rows, err := s.r.QueryContext(ctx, `SELECT status, at, note FROM help_request_events WHERE request_id = $1 ORDER BY id`, h.ID)
	if err != nil {
		return h, mapErr(err)
	}
	defer rows.Close()
	for rows.Next() {
		var ev community.Event
		if err := rows.Scan(&ev.Status, &ev.At, &ev.Note); err != nil {
			return h, err
		}
		ev.At = ev.At.UTC()
		h.Events = append(h.Events, ev)
	}
	return h, mapErr(rows.Err())
}

// HelpRequests lists requests, the open ones by deadline first, then the others,
// latest first.
func (s *Store) HelpRequests(ctx context.Context, q community.HelpQuery) ([]community.HelpRequest, int, error) {
	limit, offset := page(q.Limit, q.Offset)
	args := []any{q.UnitID}
	where := []string{"h.unit_id = $1"}
	if q.VillageID != 0 {
		args = append(args, q.VillageID)
		where = append(where, "h.village_id = $"+strconv.Itoa(len(args)))
	}
	statuses := q.Statuses
	if !q.OverdueAt.IsZero() {
		statuses = community.OpenStatuses
		args = append(args, utc(q.OverdueAt))
		where = append(where, "h.due_at < $"+strconv.Itoa(len(args)))
	}
	if len(statuses) > 0 {
		var ps []string
		for _, st := range statuses {
			args = append(args, st)
			ps = append(ps, "$"+strconv.Itoa(len(args)))
		}
		where = append(where, "h.status IN ("+strings.Join(ps, ", ")+")")
	}
	w := strings.Join(where, " AND ")
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM help_requests h WHERE `+w, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	args = append(args, limit, offset)
	rows, err := s.r.QueryContext(ctx, `SELECT `+helpCols+` FROM help_requests h JOIN villages v ON v.id = h.village_id WHERE `+w+`
		ORDER BY CASE WHEN h.status IN ('done', 'closed') THEN 1 ELSE 0 END, CASE WHEN h.status IN ('done', 'closed') THEN NULL ELSE h.due_at END,
		h.filed_at DESC, h.id DESC LIMIT $`+strconv.Itoa(len(args)-1)+` OFFSET $`+strconv.Itoa(len(args)), args...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	defer rows.Close()
	var out []community.HelpRequest
	for rows.Next() {
		h, err := scanHelp(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, h)
	}
	return out, total, mapErr(rows.Err())
}

// SaveHelpRequest stores a step of a request under its optimistic lock, with its event,
// its reminders dropped or scheduled, audited, in one transaction.
func (s *Store) SaveHelpRequest(ctx context.Context, before, after community.HelpRequest, ev community.Event, drop bool,
	reminders []community.Reminder) (community.HelpRequest, error) {
	after.Version = before.Version + 1
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE help_requests SET status = $1, due_at = $2, assignee_id = $3, assignee = $4, closed_at = $5,
			version = $6 WHERE id = $7 AND version = $8`, after.Status, utc(after.DueAt), nullID(after.AssigneeID), after.Assignee,
			nullTime(after.ClosedAt), after.Version, after.ID, before.Version)
		if err != nil {
			return fmt.Errorf("store: help request: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return community.ErrHelpChanged
		}
		if err := s.addHelpEvent(ctx, tx, after.ID, ev); err != nil {
			return fmt.Errorf("store: help request: %w", err)
		}
		if drop || len(reminders) > 0 {
			if _, err := tx.ExecContext(ctx, `DELETE FROM outbox WHERE ref = $1 AND status = 'pending' AND attempts = 0`,
				community.ReminderRef(after.Code)); err != nil {
				return fmt.Errorf("store: reminder: %w", err)
			}
		}
		for _, r := range reminders {
			if err := s.enqueueDue(ctx, tx, r.Message, r.At); err != nil {
				return err
			}
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: after.UnitID, Action: "help_request." + string(after.Status), ObjectType: "help_request",
			ObjectID: after.Code, Fields: []string{"status"}})
	})
	if err != nil {
		return after, err
	}
	after.Events = append(after.Events, ev)
	return after, nil
}

// HelpRequestsFrom counts the requests filed from a client since.
func (s *Store) HelpRequestsFrom(ctx context.Context, clientHash string, since time.Time) (int, error) {
	var n int
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM help_requests WHERE client_hash = $1 AND filed_at >= $2`, clientHash, utc(since)).Scan(&n)
	return n, mapErr(err)
}

var _ community.Store = (*Store)(nil)

// DXCounts counts the rows behind a unit's computed digital-transformation indicators
// in [from, to): dossiers received (online, assisted), citizen accounts and households
// (the latest counts up to yearEnd), paid requests (by QR transfer), help requests
// finished (on time: the first "done" by the deadline), people attended a tele-health
// booking (distinct).
func (s *Store) DXCounts(ctx context.Context, unitID int64, from, to time.Time, yearEnd calendar.Date) (community.DXCounts, error) {
	var c community.DXCounts
	from, to = utc(from), utc(to)
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*),
		COALESCE(SUM(CASE WHEN channel IN ('online', 'national_portal', 'assisted') THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN channel = 'assisted' THEN 1 ELSE 0 END), 0)
		FROM dossiers WHERE competent_unit_id = $1 AND received_at >= $2 AND received_at < $3`, unitID, from, to).Scan(
		&c.Received, &c.Online, &c.Assisted); err != nil {
		return c, mapErr(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT user_id) FROM memberships WHERE unit_id = $1 AND role = 'citizen'`,
		unitID).Scan(&c.Citizens); err != nil {
		return c, mapErr(err)
	}
	// Each village's latest count up to the year's end.
	if err := s.r.QueryRowContext(ctx, `SELECT COALESCE(SUM(c.households), 0) FROM village_counts c JOIN villages v ON v.id = c.village_id
		WHERE v.unit_id = $1 AND c.id = (SELECT c2.id FROM village_counts c2 WHERE c2.village_id = c.village_id AND c2.as_of <= $2
		ORDER BY c2.as_of DESC, c2.id DESC LIMIT 1)`, unitID, yearEnd.String()).Scan(&c.Households); err != nil {
		return c, mapErr(err)
	}
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN method = 'bank_notification' THEN 1 ELSE 0 END), 0)
		FROM payment_requests WHERE unit_id = $1 AND state = 'paid' AND paid_at >= $2 AND paid_at < $3`, unitID, from, to).Scan(
		&c.Paid, &c.PaidByQR); err != nil {
		return c, mapErr(err)
	}
	err := s.r.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(CASE WHEN d.first_done <= h.due_at THEN 1 ELSE 0 END), 0)
		FROM help_requests h JOIN (SELECT request_id, MIN(at) AS first_done FROM help_request_events WHERE status = 'done' GROUP BY request_id) d
		ON d.request_id = h.id WHERE h.unit_id = $1 AND h.filed_at >= $2 AND h.filed_at < $3`, unitID, from, to).Scan(&c.HelpDone, &c.HelpDoneOnTime)
	if err != nil {
		return c, mapErr(err)
	}
	if c.Installs, err = s.dxInstalls(ctx, unitID, from, to); err != nil {
		return c, err
	}
	err = s.r.QueryRowContext(ctx, `SELECT COUNT(DISTINCT b.person_hash) FROM telehealth_bookings b JOIN telehealth_slots s ON s.id = b.slot_id
		WHERE b.unit_id = $1 AND b.status = 'attended' AND s.starts_at >= $2 AND s.starts_at < $3`, unitID, from, to).Scan(&c.TelehealthPeople)
	return c, mapErr(err)
}

// DXValues lists a unit's manual indicator values for a year, the oldest entered first.
func (s *Store) DXValues(ctx context.Context, unitID int64, year int) ([]community.DXValue, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT unit_id, indicator, year, value, source, as_of FROM dx_values WHERE unit_id = $1 AND year = $2
		ORDER BY id`, unitID, year)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []community.DXValue
	for rows.Next() {
		var v community.DXValue
		var asOf string
		if err := rows.Scan(&v.UnitID, &v.Indicator, &v.Year, &v.Value, &v.Source, &asOf); err != nil {
			return nil, err
		}
		v.AsOf = parseDate(asOf)
		out = append(out, v)
	}
	return out, mapErr(rows.Err())
}

// AddDXValue stores a manual indicator value, audited.
func (s *Store) AddDXValue(ctx context.Context, v community.DXValue, by int64) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO dx_values (unit_id, indicator, year, value, source, as_of, entered_by, entered_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, v.UnitID, v.Indicator, v.Year, v.Value, v.Source, v.AsOf.String(), nullID(by),
			s.timestamp()); err != nil {
			return fmt.Errorf("store: indicator value: %w", err)
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: v.UnitID, Action: "dx.value", ObjectType: "dx_indicator",
			ObjectID: v.Indicator + "/" + strconv.Itoa(v.Year), Fields: []string{"value", "source", "as_of"}})
	})
}
