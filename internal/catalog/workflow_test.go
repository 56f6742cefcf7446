package catalog

import (
	"errors"
	"strings"
	"testing"
)

func TestWorkflowRules(t *testing.T) {
	tests := []struct {
		name   string
		edit   func(*Workflow)
		path   string
		msg    string
		render string
	}{
		{"no steps", func(w *Workflow) { w.Steps = nil }, "workflow.steps", "ít nhất một bước",
			"thủ tục 1.004873, workflow.steps: quy trình phải có ít nhất một bước"},
		{"unknown role", func(w *Workflow) { w.Steps[1].Role = "xyz" }, "workflow.steps[1].role", `vai trò "xyz" không tồn tại`,
			`thủ tục 1.004873, quy trình bước 2 (Chuyên viên thẩm định): vai trò "xyz" không tồn tại`},
		{"citizen role", func(w *Workflow) { w.Steps[1].Role = "citizen" }, "workflow.steps[1].role", "không phải của cán bộ", ""},
		{"empty name", func(w *Workflow) { w.Steps[0].Name = "" }, "workflow.steps[0].name", "không được để trống",
			"quy trình bước 1: tên bước không được để trống"},
		{"zero budget", func(w *Workflow) { w.Steps[0].BudgetHours = 0 }, "workflow.steps[0].budget_hours", "lớn hơn 0", ""},
		{"negative budget", func(w *Workflow) { w.Steps[0].BudgetHours = -2 }, "workflow.steps[0].budget_hours", "lớn hơn 0", ""},
		{"budget not in quarters", func(w *Workflow) { w.Steps[0].BudgetHours = 0.1 }, "workflow.steps[0].budget_hours", "0,25", ""},
		{"no actions", func(w *Workflow) { w.Steps[1].Actions = nil }, "workflow.steps[1].actions", "ít nhất một thao tác", ""},
		{"unknown action", func(w *Workflow) { w.Steps[1].Actions = append(w.Steps[1].Actions, "delete") }, "workflow.steps[1].actions[2]", `"delete" không tồn tại`, ""},
		{"repeated action", func(w *Workflow) { w.Steps[1].Actions = append(w.Steps[1].Actions, ActionForward) }, "workflow.steps[1].actions[2]", "lặp lại", ""},
		{"return before the end", func(w *Workflow) { w.Steps[1].Actions = append(w.Steps[1].Actions, ActionReturnResult) }, "workflow.steps[1].actions[2]", "chỉ bước cuối cùng", ""},
		{"last step cannot return", func(w *Workflow) { w.Steps[3].Actions = []Action{ActionSign} }, "workflow.steps[3].actions", "phải cho phép trả kết quả", ""},
		{"forward from the last step", func(w *Workflow) { w.Steps[3].Actions = append(w.Steps[3].Actions, ActionForward) }, "workflow.steps[3].actions[1]", "không có bước sau", ""},
		{"send back from the first step", func(w *Workflow) { w.Steps[0].Actions = append(w.Steps[0].Actions, ActionSendBack) }, "workflow.steps[0].actions[3]", "không có bước trước", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProcedure()
			tt.edit(&p.Workflow)
			err := p.Validate()
			ps := problemsOf(t, err)
			if !hasProblem(ps, tt.path, tt.msg) {
				t.Fatalf("no problem at %s containing %q in %v", tt.path, tt.msg, ps)
			}
			if tt.render != "" && !strings.Contains(err.Error(), tt.render) {
				t.Errorf("error %q does not contain %q", err, tt.render)
			}
		})
	}
}

func TestWorkflowBudgets(t *testing.T) {
	tests := []struct {
		name    string
		legal   Duration
		budgets []float64
		over    bool
	}{
		{"days, exactly the legal time", Duration{3, Days}, []float64{2, 16, 4, 2}, false},
		{"days, under", Duration{3, Days}, []float64{1, 8, 2, 1}, false},
		{"days, over by a quarter hour", Duration{3, Days}, []float64{2, 16, 4, 2.25}, true},
		{"hours, same-day", Duration{2, Hours}, []float64{0.25, 1, 0.5, 0.25}, false},
		{"hours, over", Duration{2, Hours}, []float64{0.5, 1, 0.5, 0.25}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := validProcedure()
			p.LegalTime = tt.legal
			for i, b := range tt.budgets {
				p.Workflow.Steps[i].BudgetHours = b
			}
			// A draft may exceed the legal time while it is edited: the editor says so.
			if err := p.Validate(); err != nil {
				t.Fatalf("Validate: %v", err)
			}
			warnings := p.Warnings()
			if got := hasProblem(warnings, "workflow", "vượt thời hạn giải quyết"); got != tt.over {
				t.Errorf("budget warning = %v, want %v (%v)", got, tt.over, warnings)
			}
			err := p.ValidateForPublish()
			if (err != nil) != tt.over {
				t.Fatalf("ValidateForPublish = %v, want error %v", err, tt.over)
			}
			if tt.over && !hasProblem(problemsOf(t, err), "workflow", "vượt thời hạn giải quyết") {
				t.Errorf("publish error lacks the budget problem: %v", err)
			}
		})
	}

	t.Run("message", func(t *testing.T) {
		p := validProcedure()
		p.Workflow.Steps[1].BudgetHours = 30.5
		want := "thủ tục 1.004873, workflow: tổng thời gian các bước (38,5 giờ làm việc) vượt thời hạn giải quyết 3 ngày làm việc (24 giờ làm việc)"
		if err := p.ValidateForPublish(); err == nil || err.Error() != want {
			t.Errorf("error = %v\nwant    %s", err, want)
		}
	})
}

func TestOnlineProcedureNeedsForm(t *testing.T) {
	p := validProcedure()
	p.Form = nil
	if err := p.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	if !hasProblem(p.Warnings(), "form", "chưa có biểu mẫu") {
		t.Errorf("Warnings = %v, want the missing form", p.Warnings())
	}
	if err := p.ValidateForPublish(); !errors.Is(err, ErrInvalid) {
		t.Errorf("ValidateForPublish = %v, want ErrInvalid", err)
	}
}

func TestStepAllows(t *testing.T) {
	s := validProcedure().Workflow.Steps[2]
	if !s.Allows(ActionSign) || s.Allows(ActionReturnResult) {
		t.Errorf("Allows wrong for %v", s.Actions)
	}
}
