package account

import (
	"errors"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
)

// TestManages: who changes whose account.
func TestManages(t *testing.T) {
	sys := &auth.Principal{UserID: 1, Memberships: []auth.Membership{{UnitID: 1, Role: auth.RoleSystemAdmin}}}
	adminA := &auth.Principal{UserID: 2, Memberships: []auth.Membership{{UnitID: 10, Role: auth.RoleUnitAdmin}}}
	counterA := &auth.Principal{UserID: 3, Memberships: []auth.Membership{{UnitID: 10, Role: auth.RoleCounter}}}
	for _, tc := range []struct {
		name  string
		admin *auth.Principal
		ms    []auth.Membership
		want  bool
	}{
		{"system administrator: anyone", sys, []auth.Membership{{UnitID: 20, Role: auth.RoleCounter}}, true},
		{"unit administrator: an official of their unit", adminA, []auth.Membership{{UnitID: 10, Role: auth.RoleLeader}}, true},
		{"unit administrator: one also serving elsewhere", adminA, []auth.Membership{{UnitID: 20, Role: auth.RoleClerk}, {UnitID: 10, Role: auth.RoleClerk}}, true},
		{"unit administrator: another unit's official", adminA, []auth.Membership{{UnitID: 20, Role: auth.RoleLeader}}, false},
		{"unit administrator: a system administrator", adminA, []auth.Membership{{UnitID: 10, Role: auth.RoleUnitAdmin}, {UnitID: 1, Role: auth.RoleSystemAdmin}}, false},
		{"unit administrator: a user without a role", adminA, nil, false},
		{"an official: nobody", counterA, []auth.Membership{{UnitID: 10, Role: auth.RoleCounter}}, false},
	} {
		if got := Manages(tc.admin, tc.ms); got != tc.want {
			t.Errorf("%s: Manages = %v, want %v", tc.name, got, tc.want)
		}
	}
}

// TestCheckRoles: the roles a unit administrator gives in their unit.
func TestCheckRoles(t *testing.T) {
	adminA := &auth.Principal{UserID: 2, Memberships: []auth.Membership{{UnitID: 10, Role: auth.RoleUnitAdmin}}}
	for _, tc := range []struct {
		name  string
		unit  int64
		roles []auth.Role
		want  error
	}{
		{"officials of their unit", 10, []auth.Role{auth.RoleCounter, auth.RoleLeader, auth.RoleDigitalTeam, auth.RoleUnitAdmin}, nil},
		{"a system administrator", 10, []auth.Role{auth.RoleSystemAdmin}, ErrRoleNotGrantable},
		{"a citizen", 10, []auth.Role{auth.RoleCitizen}, ErrRoleNotGrantable},
		{"in another unit", 20, []auth.Role{auth.RoleCounter}, apperr.ErrForbidden},
	} {
		if err := checkRoles(adminA, tc.unit, tc.roles); !errors.Is(err, tc.want) && !(err == nil && tc.want == nil) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// TestOneTimePassword: 12 characters of the readable alphabet, different each time.
func TestOneTimePassword(t *testing.T) {
	a, b := OneTimePassword(), OneTimePassword()
	if len(a) != 12 || a == b || auth.CheckPassword(a) != nil {
		t.Errorf("one-time passwords %q, %q", a, b)
	}
}

// TestKeyUnit: the unit of an official's key an administrator may change.
func TestKeyUnit(t *testing.T) {
	sys := &auth.Principal{UserID: 1, Memberships: []auth.Membership{{UnitID: 1, Role: auth.RoleSystemAdmin}}}
	adminA := &auth.Principal{UserID: 2, Memberships: []auth.Membership{{UnitID: 10, Role: auth.RoleUnitAdmin}}}
	oneUnit := []auth.Membership{{UnitID: 10, Role: auth.RoleLeader}, {UnitID: 10, Role: auth.RoleSpecialist}}
	twoUnits := []auth.Membership{{UnitID: 10, Role: auth.RoleLeader}, {UnitID: 20, Role: auth.RoleClerk}}
	for _, tc := range []struct {
		name  string
		admin *auth.Principal
		ms    []auth.Membership
		unit  int64
		want  int64
		err   error
	}{
		{"the one unit, not named", adminA, oneUnit, 0, 10, nil},
		{"the one unit, named", adminA, oneUnit, 10, 10, nil},
		{"serving elsewhere too: the administrator's unit", adminA, twoUnits, 0, 10, nil},
		{"another unit, named", adminA, twoUnits, 20, 0, apperr.ErrForbidden},
		{"a unit the official does not serve in", sys, oneUnit, 20, 0, apperr.ErrForbidden},
		{"two units for the system administrator, not named", sys, twoUnits, 0, 0, ErrKeyUnit},
		{"two units for the system administrator, named", sys, twoUnits, 20, 20, nil},
	} {
		got, err := keyUnit(tc.admin, tc.ms, tc.unit)
		if got != tc.want || !errors.Is(err, tc.err) && !(err == nil && tc.err == nil) {
			t.Errorf("%s: %d, %v; want %d, %v", tc.name, got, err, tc.want, tc.err)
		}
	}
}

// TestKeyKind: personal by default, seal, nothing else.
func TestKeyKind(t *testing.T) {
	for in, want := range map[string]string{"": "personal", "personal": "personal", "seal": "seal"} {
		if got, err := keyKind(in); got != want || err != nil {
			t.Errorf("keyKind(%q) = %q, %v", in, got, err)
		}
	}
	if _, err := keyKind("khac"); !errors.Is(err, ErrKeyKind) {
		t.Errorf("keyKind(khac) = %v", err)
	}
}
