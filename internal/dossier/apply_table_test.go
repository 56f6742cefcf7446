package dossier

import (
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
)

// The exhaustive table of Dossier.Apply: every situation a dossier can be in (every
// status, at the steps of the test procedure that matter), every action the machine
// accepts (ParseAction), and every role, including the citizen who owns the dossier, the
// holder of its look-up secret who is not logged in, the digital-team volunteer who
// filed it and the system administrator. The expectations are written out by hand from
// the rules (machine.go, DOMAIN §2), not recomputed: a change of a rule changes a cell,
// and a new status, action or role fails the test until its rows and columns are added.
//
// The dossier was received at one unit for another (non-boundary receipt), so every cell
// also says in which unit a role counts: counter work (steps 0 and 3, receiving, the
// online check) in the receiving unit, the rest in the competent unit.
const tableReceiving, tableCompetent = 20, 30

// tableActor is a column of the table.
type tableActor struct {
	name  string
	role  auth.Role // the role the column stands for; "" for a visitor without an account
	actor Actor
}

func tableMember(id, unit int64, role auth.Role) *auth.Principal {
	return &auth.Principal{UserID: id, Username: string(role), Memberships: []auth.Membership{{UnitID: unit, Role: role}}}
}

// tableActors are the columns, in the order of the grids' header.
func tableActors() []tableActor {
	citizen := tableMember(9, tableReceiving, auth.RoleCitizen)
	volunteer := tableMember(12, tableReceiving, auth.RoleDigitalTeam)
	return []tableActor{
		{"an", "", Actor{}},                                      // anonymous: not logged in, no secret
		{"se", "", Actor{Owner: true}},                           // the look-up secret's holder, not logged in
		{"ow", auth.RoleCitizen, Actor{P: citizen, Owner: true}}, // the owner, logged in
		{"ci", auth.RoleCitizen, Actor{P: tableMember(10, tableReceiving, auth.RoleCitizen)}},
		{"vo", auth.RoleDigitalTeam, Actor{P: volunteer, Assistant: true}}, // filed it under the owner's consent
		{"dt", auth.RoleDigitalTeam, Actor{P: tableMember(13, tableReceiving, auth.RoleDigitalTeam)}},
		{"cR", auth.RoleCounter, Actor{P: tableMember(20, tableReceiving, auth.RoleCounter)}},
		{"cC", auth.RoleCounter, Actor{P: tableMember(21, tableCompetent, auth.RoleCounter)}},
		{"sC", auth.RoleSpecialist, Actor{P: tableMember(22, tableCompetent, auth.RoleSpecialist)}},
		{"sR", auth.RoleSpecialist, Actor{P: tableMember(23, tableReceiving, auth.RoleSpecialist)}},
		{"lC", auth.RoleLeader, Actor{P: tableMember(24, tableCompetent, auth.RoleLeader)}},
		{"lR", auth.RoleLeader, Actor{P: tableMember(25, tableReceiving, auth.RoleLeader)}},
		{"kC", auth.RoleClerk, Actor{P: tableMember(26, tableCompetent, auth.RoleClerk)}},
		{"aC", auth.RoleAccountant, Actor{P: tableMember(27, tableCompetent, auth.RoleAccountant)}},
		{"vC", auth.RoleCulture, Actor{P: tableMember(30, tableCompetent, auth.RoleCulture)}},
		{"hC", auth.RoleHealth, Actor{P: tableMember(31, tableCompetent, auth.RoleHealth)}}, // the health station: not an official
		{"uC", auth.RoleUnitAdmin, Actor{P: tableMember(28, tableCompetent, auth.RoleUnitAdmin)}},
		{"sy", auth.RoleSystemAdmin, Actor{P: tableMember(29, 1, auth.RoleSystemAdmin)}},
	}
}

// The table's clock: a Monday morning; the dossier was received at 08:00 and is due on
// Thursday at 08:00 (three working days), so an extension is still in time.
var (
	tableNow      = at("2026-03-09T10:00:00+07:00")
	tableReceived = at("2026-03-09T08:00:00+07:00")
	tableDue      = at("2026-03-12T08:00:00+07:00")
	tableNewDue   = at("2026-03-16T08:00:00+07:00")
)

type tableSituation struct {
	name string
	d    Dossier
}

// tableSituations are the rows: every status, at the steps of the test procedure
// (0 counter, 1 specialist, 2 leader, 3 counter returns the result) where the rules
// differ.
func tableSituations() []tableSituation {
	base := Dossier{ID: 1, Code: "14731-260306-0001", ReceivingUnitID: tableReceiving, CompetentUnitID: tableCompetent,
		Channel: ChannelAssisted, OwnerID: 9, AssistedBy: 12, ConsentID: 1, SubmittedAt: at("2026-03-06T20:00:00+07:00"), Version: 3}
	in := func(s Status, step int, f ...func(*Dossier)) Dossier {
		d := base
		d.Status, d.Step = s, step
		if s != StatusSubmitted {
			d.ReceivedAt, d.DueAt, d.StepStartedAt = tableReceived, tableDue, tableReceived
		}
		for _, f := range f {
			f(&d)
		}
		return d
	}
	resolved := func(d *Dossier) { d.ResolvedAt, d.Timeliness = tableReceived.Add(time.Hour), Early }
	ended := func(d *Dossier) { d.EndedAt, d.Reason = tableReceived.Add(time.Hour), "lý do" }
	return []tableSituation{
		{"sub0", in(StatusSubmitted, 0)}, // filed online, waiting for the counter's check
		{"rec0", in(StatusReceived, 0)},
		{"pro1", in(StatusProcessing, 1)},
		{"pro2", in(StatusProcessing, 2)},
		{"pro3", in(StatusProcessing, 3)}, // as a workflow without an approval step reaches its last
		{"sup0", in(StatusSupplementRequested, 0, func(d *Dossier) { // guidance before receipt (form 02)
			d.ReceivedAt, d.DueAt, d.StepStartedAt = time.Time{}, time.Time{}, d.SubmittedAt
		})},
		{"sup1", in(StatusSupplementRequested, 1, func(d *Dossier) {
			d.PausedAt, d.Supplements = tableReceived.Add(time.Hour), 1
		})},
		{"res3", in(StatusResolved, 3, resolved)},
		{"ret3", in(StatusReturned, 3, resolved, ended)},
		{"ref0", in(StatusRefused, 0, ended)},
		{"stp1", in(StatusStopped, 1, ended)},
		{"wdr0", in(StatusWithdrawn, 0, ended)},
	}
}

// A cell is either what the dossier becomes (a status letter and the step) or an error.
var (
	tableStatuses = map[byte]Status{'S': StatusSubmitted, 'R': StatusReceived, 'P': StatusProcessing,
		'Q': StatusSupplementRequested, 'D': StatusResolved, 'T': StatusReturned, 'F': StatusRefused,
		'X': StatusStopped, 'W': StatusWithdrawn}
	tableErrors = map[string]error{
		"--": ErrTransition,   // not in this state (or not at this step)
		"no": ErrNotYourStep,  // not this actor's step
		"rr": ErrReason,       // a reason is required
		"nd": ErrExtendDate,   // the new appointment is not after the old
		"1x": ErrExtendedOnce, // extended before
		"lt": ErrExtendLate,   // less than a working day before the appointment
		"pc": ErrExtendCap,    // past the procedure's legal time once more, without the leader's approval
	}
)

// applyTable is the expected outcome of every action, with a reason and, for an
// extension, a new appointment after the current one (tableNewDue), at tableNow.
//
// Columns: an anonymous, se the secret's holder (not logged in), ow the owner, ci another
// citizen, vo the volunteer who filed it, dt another digital-team member; then by role
// and unit (R receiving, C competent): c counter officer, s specialist, l leader,
// k clerk, a accountant, u unit administrator; sy the system administrator.
// Rows: the status (sub submitted, rec received, pro processing, sup supplement
// requested, res resolved, ret returned, ref refused, stp stopped, wdr withdrawn) and
// the step.
var applyTable = map[Action]string{
	ActReceive: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no no no no no no R0 no no no no no no no no no no R0
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActForward: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no no no no no no P1 no no no no no no no no no no P1
		pro1  no no no no no no no no P2 no no no no no no no no P2
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActSendBack: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no no no no no no no no R0 no no no no no no no no R0
		pro2  no no no no no no no no no no P1 no no no no no no P1
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActRequestSupplement: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no no no no no no Q0 no no no no no no no no no no Q0
		rec0  no no no no no no Q0 no no no no no no no no no no Q0
		pro1  no no no no no no no no Q1 no no no no no no no no Q1
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActSupplement: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no S0 S0 no S0 no S0 no no no no no no no no no no S0
		sup1  no P1 P1 no P1 no P1 no no no no no no no no no no P1
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActRefuse: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no no no no no no F0 no no no no no no no no no no F0
		rec0  no no no no no no F0 no no no no no no no no no no F0
		pro1  no no no no no no no no F1 no no no no no no no no F1
		pro2  no no no no no no no no no no F2 no no no no no no F2
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActApprove: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no no no no no no no no no no D3 no no no no no no D3
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActSign: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no no no no no no no no no no D3 no no no no no no D3
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActReturn: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no no no no no no T3 no no no no no no no no no no T3
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no no no no no no T3 no no no no no no no no no no T3
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActExtend: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no no no no no no no no no no R0 no no no no no no R0
		pro1  no no no no no no no no P1 no P1 no no no no no no P1
		pro2  no no no no no no no no no no P2 no no no no no no P2
		pro3  no no no no no no no no no no P3 no no no no no no P3
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no no no no no no no no Q1 no Q1 no no no no no no Q1
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActStop: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no no no no no no no no no no X0 no no no no no no X0
		pro1  no no no no no no no no no no X1 no no no no no no X1
		pro2  no no no no no no no no no no X2 no no no no no no X2
		pro3  no no no no no no no no no no X3 no no no no no no X3
		sup0  no no no no no no no no no no X0 no no no no no no X0
		sup1  no no no no no no no no no no X1 no no no no no no X1
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActWithdraw: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no W0 W0 no no no W0 no no no no no no no no no no W0
		rec0  no W0 W0 no no no W0 no no no no no no no no no no W0
		pro1  no W1 W1 no no no W1 no no no no no no no no no no W1
		pro2  no W2 W2 no no no W2 no no no no no no no no no no W2
		pro3  no W3 W3 no no no W3 no no no no no no no no no no W3
		sup0  no W0 W0 no no no W0 no no no no no no no no no no W0
		sup1  no W1 W1 no no no W1 no no no no no no no no no no W1
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	ActReschedule: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
	// Assignment is not a transition: Service.Assign makes it (assign_test.go).
	ActAssign: `
		      an se ow ci vo dt cR cC sC sR lC lR kC aC vC hC uC sy
		sub0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		rec0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro2  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		pro3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		sup1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		res3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ret3  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		ref0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		stp1  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
		wdr0  no -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- -- --
	`,
}

// reasonActions are the actions whose reason the citizen is owed in writing.
var reasonActions = []Action{ActRequestSupplement, ActSendBack, ActRefuse, ActExtend, ActStop, ActWithdraw}

// withoutReason is the outcome of those actions with an empty or blank reason, by actor
// (the grids' columns), in every situation: the reason is asked for before anything else,
// except of a visitor who is neither logged in nor holds the secret.
const withoutReason = "no rr rr rr rr rr rr rr rr rr rr rr rr rr rr rr rr rr"

// extendTable is the outcome of an extension under its own rules, at the specialist's step (pro1).
var extendTable = []struct {
	name   string
	mutate func(*Dossier, *Request)
	want   string
}{
	{"new appointment not after the old", func(d *Dossier, r *Request) { r.NewDue = d.DueAt },
		"no no no no no no no no nd no nd no no no no no no nd"},
	{"extended once", func(d *Dossier, r *Request) { d.ExtendedDueAt = tableNewDue },
		"no no no no no no no no 1x no 1x no no no no no no 1x"},
	{"on the day of the appointment", func(d *Dossier, r *Request) { r.Now = d.DueAt.Add(-time.Hour) },
		"no no no no no no no no lt no lt no no no no no no lt"},
	// The cap is the procedure's three working days once more from Thursday's
	// appointment: Tuesday 17 March 08:00.
	{"at the cap", func(d *Dossier, r *Request) { r.NewDue = tableCap },
		"no no no no no no no no P1 no P1 no no no no no no P1"},
	{"a minute past the cap", func(d *Dossier, r *Request) { r.NewDue = tableCap.Add(time.Minute) },
		"no no no no no no no no pc no pc no no no no no no pc"},
	{"past the cap with the approval: only a leader gives it", func(d *Dossier, r *Request) {
		r.NewDue, r.ApproveLonger = tableCap.Add(48*time.Hour), true
	}, "no no no no no no no no pc no P1 no no no no no no P1"},
}

var tableCap = at("2026-03-17T08:00:00+07:00")

// parseGrid reads a grid: a header naming the actors, then one row per situation.
func parseGrid(t *testing.T, name, grid string, actors []tableActor, situations []tableSituation) map[string][]string {
	t.Helper()
	var lines []string
	for l := range strings.SplitSeq(grid, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	var header []string
	for _, a := range actors {
		header = append(header, a.name)
	}
	if len(lines) == 0 || lines[0] != strings.Join(header, " ") {
		t.Fatalf("%s: the header is not %q", name, strings.Join(header, " "))
	}
	rows := map[string][]string{}
	for i, l := range lines[1:] {
		f := strings.Fields(l)
		if i >= len(situations) || f[0] != situations[i].name {
			t.Fatalf("%s: row %d is %q; the rows must be the situations in order", name, i+1, f[0])
		}
		if len(f)-1 != len(actors) {
			t.Fatalf("%s: row %s has %d cells for %d actors", name, f[0], len(f)-1, len(actors))
		}
		rows[f[0]] = f[1:]
	}
	if len(rows) != len(situations) {
		t.Fatalf("%s: %d rows for %d situations", name, len(rows), len(situations))
	}
	return rows
}

// checkCell applies req to a copy of d and compares the outcome with the cell.
func checkCell(t *testing.T, where string, r Rules, d Dossier, req Request, cell string) {
	t.Helper()
	before := d
	ev, err := d.Apply(r, req)
	if want, ok := tableErrors[cell]; ok {
		if !errors.Is(err, want) {
			t.Errorf("%s: err = %v, want %v", where, err, want)
		}
		if !reflect.DeepEqual(d, before) {
			t.Errorf("%s: a refused action changed the dossier", where)
		}
		return
	}
	st, ok := tableStatuses[cell[0]]
	if len(cell) != 2 || !ok || cell[1] < '0' || cell[1] > '9' {
		t.Fatalf("%s: unknown cell %q", where, cell)
	}
	step := int(cell[1] - '0')
	if err != nil {
		t.Errorf("%s: err = %v, want %s at step %d", where, err, st, step)
		return
	}
	if d.Status != st || d.Step != step {
		t.Errorf("%s: %s at step %d, want %s at step %d", where, d.Status, d.Step, st, step)
	}
	if req.Action == ActExtend && !d.ExtendedDueAt.Equal(req.NewDue) {
		t.Errorf("%s: extended to %v, want %v", where, d.ExtendedDueAt, req.NewDue)
	}
	if ev.Action != req.Action || ev.FromStatus != before.Status || ev.ToStatus != d.Status ||
		ev.FromStep != before.Step || ev.ToStep != d.Step || !ev.At.Equal(req.Now) {
		t.Errorf("%s: event %+v does not describe the change", where, ev)
	}
}

func TestApplyTable(t *testing.T) {
	r := rules(t)
	actors, situations := tableActors(), tableSituations()

	// A new action, status or role must be added to the table.
	for a := range actionLabels {
		if _, ok := applyTable[a]; !ok {
			t.Errorf("action %s has no grid in applyTable", a)
		}
	}
	for a := range applyTable {
		if _, ok := ParseAction(string(a)); !ok {
			t.Errorf("applyTable has a grid for %s, which the machine does not know", a)
		}
	}
	for _, s := range Statuses {
		if !slices.ContainsFunc(situations, func(x tableSituation) bool { return x.d.Status == s }) {
			t.Errorf("status %s has no situation in the table", s)
		}
		found := false
		for _, v := range tableStatuses {
			found = found || v == s
		}
		if !found {
			t.Errorf("status %s has no letter in tableStatuses", s)
		}
	}
	for _, role := range auth.Roles {
		if !slices.ContainsFunc(actors, func(a tableActor) bool { return a.role == role }) {
			t.Errorf("role %s has no column in the table", role)
		}
	}

	noReason := strings.Fields(withoutReason)
	if len(noReason) != len(actors) {
		t.Fatalf("withoutReason: %d cells for %d actors", len(noReason), len(actors))
	}
	for act, grid := range applyTable {
		rows := parseGrid(t, string(act), grid, actors, situations)
		for _, s := range situations {
			for i, a := range actors {
				where := string(act) + " in " + s.name + " by " + a.name
				req := Request{Action: act, Actor: a.actor, Reason: "lý do", NewDue: tableNewDue, Now: tableNow}
				checkCell(t, where, r, s.d, req, rows[s.name][i])

				// Without a reason: the same, unless the action needs one.
				req.Reason = "  "
				cell := rows[s.name][i]
				if slices.Contains(reasonActions, act) {
					cell = noReason[i]
				}
				checkCell(t, where+" without a reason", r, s.d, req, cell)
			}
		}
	}

	// At the specialist's step, where both the leader and the specialist may write it.
	rec := situations[slices.IndexFunc(situations, func(s tableSituation) bool { return s.name == "pro1" })].d
	for _, tt := range extendTable {
		cells := strings.Fields(tt.want)
		if len(cells) != len(actors) {
			t.Fatalf("extension %s: %d cells for %d actors", tt.name, len(cells), len(actors))
		}
		for i, a := range actors {
			d := rec
			req := Request{Action: ActExtend, Actor: a.actor, Reason: "lý do", NewDue: tableNewDue, Now: tableNow}
			tt.mutate(&d, &req)
			checkCell(t, "extension "+tt.name+" by "+a.name, r, d, req, cells[i])
		}
	}
}

// TestAllowedFollowsTheTable checks that the buttons an officer sees are the table's
// allowed cells: Allowed asks Apply, so a button never offers what Apply refuses.
func TestAllowedFollowsTheTable(t *testing.T) {
	r := rules(t)
	actors, situations := tableActors(), tableSituations()
	for _, s := range situations {
		for i, a := range actors {
			var want []Action
			for _, act := range Actions {
				rows := parseGrid(t, string(act), applyTable[act], actors, situations)
				if _, refused := tableErrors[rows[s.name][i]]; !refused {
					want = append(want, act)
				}
			}
			if got := s.d.Allowed(r, a.actor, tableNow); !slices.Equal(got, want) {
				t.Errorf("%s by %s: Allowed = %v, want %v", s.name, a.name, got, want)
			}
		}
	}
}
