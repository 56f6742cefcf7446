package store

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/xaso-vn/xaso/internal/audit"
	"github.com/xaso-vn/xaso/internal/auth"
)

const userCols = `id, username, full_name, password_hash, disabled, created_at, session_epoch, must_change_password`

func scanUser(row interface{ Scan(...any) error }) (auth.User, error) {
	var u auth.User
	err := row.Scan(&u.ID, &u.Username, &u.FullName, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.SessionEpoch, &u.MustChangePassword)
	return u, err
}

// CreateUser adds a user with memberships in one transaction. Users belong to no unit
// themselves; their memberships do, and each membership is audited on its unit's chain.
func (s *Store) CreateUser(ctx context.Context, u auth.User, ms []auth.Membership) (int64, error) {
	var id int64
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		now := s.timestamp()
		err := tx.QueryRowContext(ctx, `INSERT INTO users (username, full_name, password_hash, disabled, must_change_password, created_at, updated_at)
			VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, u.Username, u.FullName, u.PasswordHash, u.Disabled, u.MustChangePassword, now).Scan(&id)
		if isUnique(err) {
			return auth.ErrUserExists.With(err)
		}
		if err != nil {
			return fmt.Errorf("store: user: %w", err)
		}
		fields := []string{"username", "full_name", "password_hash"}
		if u.MustChangePassword {
			fields = append(fields, "must_change_password")
		}
		if err := s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "user.create", ObjectType: "user",
			ObjectID: strconv.FormatInt(id, 10), Fields: fields}); err != nil {
			return err
		}
		for _, m := range ms {
			if err := s.addMembership(ctx, tx, id, m.UnitID, m.Role); err != nil {
				return err
			}
		}
		return nil
	})
	return id, err
}

// AddMembership grants a role in a unit.
func (s *Store) AddMembership(ctx context.Context, userID, unitID int64, role auth.Role) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error { return s.addMembership(ctx, tx, userID, unitID, role) })
}

func (s *Store) addMembership(ctx context.Context, tx *sql.Tx, userID, unitID int64, role auth.Role) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO memberships (user_id, unit_id, role, created_at) VALUES ($1, $2, $3, $4)
		ON CONFLICT (user_id, unit_id, role) DO NOTHING`, userID, unitID, role, s.timestamp())
	if err != nil {
		return fmt.Errorf("store: membership of user %d in unit %d: %w", userID, unitID, err)
	}
	return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "membership.grant", ObjectType: "user",
		ObjectID: strconv.FormatInt(userID, 10), Fields: []string{"role:" + string(role)}})
}

// UserByUsername finds a user by (normalised) username.
func (s *Store) UserByUsername(ctx context.Context, username string) (auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE username = $1`, username))
	if err != nil {
		return u, fmt.Errorf("store: user by name: %w", notFound(err, auth.ErrUserNotFound))
	}
	return u, nil
}

// UserByID finds a user.
func (s *Store) UserByID(ctx context.Context, id int64) (auth.User, error) {
	u, err := scanUser(s.r.QueryRowContext(ctx, `SELECT `+userCols+` FROM users WHERE id = $1`, id))
	if err != nil {
		return u, fmt.Errorf("store: user %d: %w", id, notFound(err, auth.ErrUserNotFound))
	}
	return u, nil
}

// Memberships lists a user's roles with their units.
func (s *Store) Memberships(ctx context.Context, userID int64) ([]auth.Membership, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT m.unit_id, u.code, u.name, m.role FROM memberships m
		JOIN units u ON u.id = m.unit_id WHERE m.user_id = $1 ORDER BY u.code, m.role`, userID)
	if err != nil {
		return nil, mapErr(err)
	}
	defer rows.Close()
	var out []auth.Membership
	for rows.Next() {
		var m auth.Membership
		if err := rows.Scan(&m.UnitID, &m.UnitCode, &m.UnitName, &m.Role); err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, mapErr(rows.Err())
}

// UserAndMemberships returns a user with their roles in one query: every request with a
// session asks for both.
func (s *Store) UserAndMemberships(ctx context.Context, id int64) (auth.User, []auth.Membership, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT u.id, u.username, u.full_name, u.password_hash, u.disabled, u.created_at, u.session_epoch,
		u.must_change_password, m.unit_id, un.code, un.name, m.role
		FROM users u LEFT JOIN memberships m ON m.user_id = u.id LEFT JOIN units un ON un.id = m.unit_id
		WHERE u.id = $1 ORDER BY un.code, m.role`, id)
	if err != nil {
		return auth.User{}, nil, mapErr(err)
	}
	defer rows.Close()
	var u auth.User
	var ms []auth.Membership
	found := false
	for rows.Next() {
		var unitID sql.NullInt64
		var code, name, role sql.NullString
		if err := rows.Scan(&u.ID, &u.Username, &u.FullName, &u.PasswordHash, &u.Disabled, &u.CreatedAt, &u.SessionEpoch,
			&u.MustChangePassword, &unitID, &code, &name, &role); err != nil {
			return auth.User{}, nil, err
		}
		found = true
		if unitID.Valid {
			ms = append(ms, auth.Membership{UnitID: unitID.Int64, UnitCode: code.String, UnitName: name.String, Role: auth.Role(role.String)})
		}
	}
	if err := rows.Err(); err != nil {
		return auth.User{}, nil, mapErr(err)
	}
	if !found {
		return auth.User{}, nil, fmt.Errorf("store: user %d: %w", id, auth.ErrUserNotFound)
	}
	return u, ms, nil
}

// RemoveMembership takes a role in a unit away from a user. It takes effect at the
// user's next request: every request reads the user's roles afresh.
func (s *Store) RemoveMembership(ctx context.Context, userID, unitID int64, role auth.Role) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = $1 AND unit_id = $2 AND role = $3`, userID, unitID, role)
		if err != nil {
			return fmt.Errorf("store: revoke membership of user %d in unit %d: %w", userID, unitID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return auth.ErrMembershipNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: unitID, Action: "membership.revoke", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Fields: []string{"role:" + string(role)}})
	})
}

// ReplacePassword sets a user's new password hash, chosen by the user (or set by the
// operator from the command line), and ends all their sessions: the generation of their
// sessions moves on, and a session of an older one is refused at its next request. It
// clears the demand to change a one-time password. It returns the new generation, for the
// session of a user who changed their own password and stays logged in.
func (s *Store) ReplacePassword(ctx context.Context, userID int64, hash string) (int64, error) {
	return s.newPassword(ctx, userID, hash, false)
}

// SetOneTimePassword sets the hash of a one-time password an administrator hands over
// (a reset): the user's sessions end as with ReplacePassword, and the user must change
// the password at their next login before anything else is served.
func (s *Store) SetOneTimePassword(ctx context.Context, userID int64, hash string) (int64, error) {
	return s.newPassword(ctx, userID, hash, true)
}

func (s *Store) newPassword(ctx context.Context, userID int64, hash string, oneTime bool) (int64, error) {
	var epoch int64
	action := "user.password"
	if oneTime {
		action = "user.password.reset"
	}
	err := s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		err := tx.QueryRowContext(ctx, `UPDATE users SET password_hash = $1, must_change_password = $2,
			session_epoch = session_epoch + 1, updated_at = $3 WHERE id = $4 RETURNING session_epoch`,
			hash, oneTime, s.timestamp(), userID).Scan(&epoch)
		if err != nil {
			return fmt.Errorf("store: password of user %d: %w", userID, notFound(err, auth.ErrUserNotFound))
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: action, ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Fields: []string{"password_hash", "session_epoch", "must_change_password"}})
	})
	return epoch, err
}

// SetUserDisabled disables or enables an account. Disabling ends its sessions (their
// generation moves on, so enabling the account again does not bring them back); its API
// tokens are refused while it is disabled.
func (s *Store) SetUserDisabled(ctx context.Context, userID int64, disabled bool) error {
	action, bump := "user.enable", 0
	if disabled {
		action, bump = "user.disable", 1
	}
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET disabled = $1, session_epoch = session_epoch + $2, updated_at = $3 WHERE id = $4`,
			disabled, bump, s.timestamp(), userID)
		if err != nil {
			return fmt.Errorf("store: disable user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return auth.ErrUserNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: action, ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Fields: []string{"disabled", "session_epoch"}})
	})
}

// SetPasswordHash replaces a user's password hash with the same password hashed anew
// (a login upgrading an old hash): the user's sessions go on. A new password goes
// through ReplacePassword.
func (s *Store) SetPasswordHash(ctx context.Context, userID int64, hash string) error {
	return s.inTx(ctx, func(ctx context.Context, tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3`, hash, s.timestamp(), userID)
		if err != nil {
			return fmt.Errorf("store: password of user %d: %w", userID, err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return auth.ErrUserNotFound
		}
		return s.appendAudit(ctx, tx, audit.Event{Chain: audit.SystemChain, Action: "user.password", ObjectType: "user",
			ObjectID: strconv.FormatInt(userID, 10), Fields: []string{"password_hash"}})
	})
}

// UserWithRoles is a user and their memberships, for listings.
type UserWithRoles struct {
	auth.User
	Memberships []auth.Membership
}

// Users lists users by username with their memberships; unitID > 0 restricts the list to
// members of that unit (what a unit administrator may see).
func (s *Store) Users(ctx context.Context, unitID int64, limit, offset int) ([]UserWithRoles, int, error) {
	limit, offset = page(limit, offset)
	filter, args := "", []any{}
	if unitID > 0 {
		filter, args = ` WHERE id IN (SELECT user_id FROM memberships WHERE unit_id = $1)`, []any{unitID}
	}
	var total int
	if err := s.r.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`+filter, args...).Scan(&total); err != nil {
		return nil, 0, mapErr(err)
	}
	n := len(args)
	rows, err := s.r.QueryContext(ctx, `SELECT `+userCols+` FROM users`+filter+
		` ORDER BY username LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2), append(args, limit, offset)...)
	if err != nil {
		return nil, 0, mapErr(err)
	}
	var out []UserWithRoles
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		out = append(out, UserWithRoles{User: u})
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, mapErr(err)
	}
	for i := range out {
		ms, err := s.Memberships(ctx, out[i].ID)
		if err != nil {
			return nil, 0, err
		}
		out[i].Memberships = ms
	}
	return out, total, nil
}
