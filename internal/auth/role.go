// Package auth holds who may do what: users (người dùng), their memberships in
// administrative units with roles, password and token credentials, and the authorization
// rules. It owns the small store interface it needs; internal/store implements it.
package auth

import (
	"fmt"
	"slices"
)

// Role is what a user may do within a unit.
type Role string

const (
	RoleCitizen     Role = "citizen"      // công dân
	RoleCounter     Role = "counter"      // cán bộ một cửa
	RoleSpecialist  Role = "specialist"   // chuyên viên
	RoleLeader      Role = "leader"       // lãnh đạo
	RoleClerk       Role = "clerk"        // văn thư
	RoleAccountant  Role = "accountant"   // kế toán
	RoleCulture     Role = "culture"      // công chức văn hóa - xã hội (runs the loudspeakers)
	RoleDigitalTeam Role = "digital_team" // thành viên tổ công nghệ số cộng đồng
	RoleHealth      Role = "health"       // nhân viên trạm y tế (tele-health only)
	RoleUnitAdmin   Role = "unit_admin"   // quản trị đơn vị
	RoleSystemAdmin Role = "system_admin" // quản trị hệ thống
)

// Roles lists every role, in the order screens show them.
var Roles = []Role{RoleCitizen, RoleCounter, RoleSpecialist, RoleLeader, RoleClerk,
	RoleAccountant, RoleCulture, RoleDigitalTeam, RoleHealth, RoleUnitAdmin, RoleSystemAdmin}

// OfficeRoles are the roles of a commune's officials, who use the office pages and see
// the unit's dossiers. Members of the community digital team (RoleDigitalTeam) are
// volunteers, not officials: they see only the dossiers they filed for citizens who
// consented (dossier.Service.Access).
// The culture officer (RoleCulture) is one: they write announcements and bulletins and run
// the loudspeakers (docs/BROADCAST.md), and handle the commune's social procedures.
var OfficeRoles = []Role{RoleCounter, RoleSpecialist, RoleLeader, RoleClerk, RoleAccountant,
	RoleCulture, RoleUnitAdmin, RoleSystemAdmin}

// BroadcastRoles run a unit's loudspeakers and announcements (docs/BROADCAST.md): they
// write announcements and bulletins, manage clusters and speakers, and see the timeline
// and the play logs. Only the leader approves.
var BroadcastRoles = []Role{RoleLeader, RoleCulture, RoleUnitAdmin}

// HealthRoles run the commune health station's tele-health (docs/TELEHEALTH.md): they
// publish consultation slots, see the station's day and mark attendance. The station's
// staff (RoleHealth) are not officials: they see only tele-health.
var HealthRoles = []Role{RoleHealth, RoleUnitAdmin}

// AdminRoles may manage users and settings.
var AdminRoles = []Role{RoleUnitAdmin, RoleSystemAdmin}

var roleLabels = map[Role]string{
	RoleCitizen:     "Công dân",
	RoleCounter:     "Cán bộ một cửa",
	RoleSpecialist:  "Chuyên viên",
	RoleLeader:      "Lãnh đạo",
	RoleClerk:       "Văn thư",
	RoleAccountant:  "Kế toán",
	RoleCulture:     "Công chức văn hóa - xã hội",
	RoleDigitalTeam: "Tổ công nghệ số",
	RoleHealth:      "Nhân viên trạm y tế",
	RoleUnitAdmin:   "Quản trị đơn vị",
	RoleSystemAdmin: "Quản trị hệ thống",
}

// Label is the Vietnamese name shown on screen.
func (r Role) Label() string {
	if l, ok := roleLabels[r]; ok {
		return l
	}
	return string(r)
}

// ParseRole accepts a role's code.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !slices.Contains(Roles, r) {
		return "", fmt.Errorf("vai trò %q không tồn tại (unknown role); có: %v", s, Roles)
	}
	return r, nil
}
