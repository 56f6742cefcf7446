package catalog

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/xaso-vn/xaso/internal/auth"
)

// Action is something the officer of a workflow step may do with a dossier.
type Action string

const (
	ActionForward           Action = "forward"            // chuyển bước tiếp theo
	ActionSendBack          Action = "send_back"          // trả lại bước trước
	ActionRequestSupplement Action = "request_supplement" // yêu cầu bổ sung, hoàn thiện hồ sơ
	ActionRefuse            Action = "refuse"             // từ chối giải quyết
	ActionApprove           Action = "approve"            // phê duyệt
	ActionSign              Action = "sign"               // ký số kết quả
	ActionReturnResult      Action = "return_result"      // trả kết quả
)

// Actions lists every action, in the order screens show them.
var Actions = []Action{ActionForward, ActionSendBack, ActionRequestSupplement, ActionRefuse,
	ActionApprove, ActionSign, ActionReturnResult}

// Workflow is the internal process (quy trình nội bộ) of a procedure: the ordered
// steps a dossier passes through, from receipt at the one-stop desk to the return of
// the result. It is versioned with its procedure.
//
// Conventions, checked by [Procedure.Validate]: the last step, and only the last,
// returns the result (return_result), and nothing follows it to forward to; the first
// step has nothing before it to send back to.
type Workflow struct {
	Steps []Step `json:"steps"`
}

// Step is one step (bước) of a workflow: who acts, within what time, and what they
// may do.
type Step struct {
	Name string    `json:"name"`
	Role auth.Role `json:"role"`
	// BudgetHours is the step's share of the legal time in working hours, in quarters
	// of an hour (0.25, 1.5, 16): same-day procedures need budgets below one hour.
	BudgetHours float64  `json:"budget_hours"`
	Actions     []Action `json:"actions"`
}

// Allows reports whether the step's officer may take action a.
func (s Step) Allows(a Action) bool { return slices.Contains(s.Actions, a) }

// BudgetHours returns the sum of the steps' budgets in working hours.
func (w Workflow) BudgetHours() float64 {
	var sum float64
	for _, s := range w.Steps {
		sum += s.BudgetHours
	}
	return sum
}

// maxBudgetHours bounds one step's budget (a year of working days); it keeps sums of
// quarter hours exact in float64.
const maxBudgetHours = maxDays * HoursPerDay

func (w Workflow) check(ps *problems) {
	if len(w.Steps) == 0 {
		ps.add("workflow.steps", "quy trình phải có ít nhất một bước")
		return
	}
	last := len(w.Steps) - 1
	for i, s := range w.Steps {
		path := fmt.Sprintf("workflow.steps[%d]", i)
		step := stepLabel(i, s)
		if strings.TrimSpace(s.Name) == "" {
			ps.addStep(path+".name", step, "tên bước không được để trống")
		}
		switch r, err := auth.ParseRole(string(s.Role)); {
		case err != nil:
			ps.addStep(path+".role", step, "vai trò %q không tồn tại", s.Role)
		case !slices.Contains(auth.OfficeRoles, r):
			ps.addStep(path+".role", step, "vai trò %q không phải của cán bộ, công chức; công dân không xử lý hồ sơ", s.Role)
		}
		if !(s.BudgetHours > 0) || s.BudgetHours > maxBudgetHours || s.BudgetHours*4 != math.Trunc(s.BudgetHours*4) {
			ps.addStep(path+".budget_hours", step, "thời gian của bước phải lớn hơn 0, tính theo giờ làm việc, chia hết cho 0,25 giờ (15 phút), không quá %d giờ", maxBudgetHours)
		}
		if len(s.Actions) == 0 {
			ps.addStep(path+".actions", step, "bước phải cho phép ít nhất một thao tác")
		}
		for j, a := range s.Actions {
			apath := fmt.Sprintf("%s.actions[%d]", path, j)
			switch {
			case !slices.Contains(Actions, a):
				ps.addStep(apath, step, "thao tác %q không tồn tại", a)
			case slices.Index(s.Actions, a) < j:
				ps.addStep(apath, step, "thao tác %q bị lặp lại", a)
			case a == ActionReturnResult && i != last:
				ps.addStep(apath, step, "chỉ bước cuối cùng được trả kết quả")
			case a == ActionForward && i == last:
				ps.addStep(apath, step, "bước cuối cùng không có bước sau để chuyển")
			case a == ActionSendBack && i == 0:
				ps.addStep(apath, step, "bước đầu tiên không có bước trước để trả lại")
			}
		}
	}
	if !w.Steps[last].Allows(ActionReturnResult) {
		ps.addStep(fmt.Sprintf("workflow.steps[%d].actions", last), stepLabel(last, w.Steps[last]),
			"bước cuối cùng phải cho phép trả kết quả (%q)", ActionReturnResult)
	}
}

// stepLabel names a step as people count: `bước 2 (Chuyên viên thẩm định)`.
func stepLabel(i int, s Step) string {
	if name := strings.TrimSpace(s.Name); name != "" {
		return fmt.Sprintf("bước %d (%s)", i+1, name)
	}
	return fmt.Sprintf("bước %d", i+1)
}

// formatHours writes hours the Vietnamese way: "2", "0,25".
func formatHours(h float64) string {
	return strings.Replace(fmt.Sprint(h), ".", ",", 1)
}
