package report

import (
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/unit"
)

// Roles may read a unit's statistics: its leaders and administrators, and the officers
// who answer for its figures. The statistics page and the API's reports both ask these.
var Roles = []auth.Role{auth.RoleLeader, auth.RoleUnitAdmin, auth.RoleSystemAdmin, auth.RoleCounter, auth.RoleClerk}

// Allowed reports whether p may read u's statistics: p has a reporting role in u, or in
// the province u belongs to (a province's leader may look at each of its communes).
func Allowed(p *auth.Principal, u unit.Unit) bool {
	return p.Can(u.ID, Roles...) || (u.ParentID != nil && p.Can(*u.ParentID, Roles...))
}
