package catalog

import (
	"errors"
	"reflect"
	"testing"
)

func TestNextVersion(t *testing.T) {
	p := validProcedure()
	n := NextVersion(p)
	if n.Version != 2 || n.Status != StatusDraft {
		t.Fatalf("NextVersion = version %d %s, want 2 draft", n.Version, n.Status)
	}
	// The draft shares no memory with the published version: editing it must not
	// change the rules dossiers received under version 1 follow.
	n.Fees[0].Amount = 1
	*n.Fees[0].OnlineAmount = 1
	n.Papers[0].Name = "x"
	n.LegalBasis[0] = "x"
	n.Form[3].Options[0] = "x"
	n.Workflow.Steps[0].BudgetHours = 8
	n.Workflow.Steps[0].Actions[0] = ActionRefuse
	n.Sources[0].URL = "x"
	if !reflect.DeepEqual(p, validProcedure()) {
		t.Error("editing the next version changed the original")
	}
}

func TestPublish(t *testing.T) {
	v1 := validProcedure()
	v2 := NextVersion(v1)
	v2.Name += " (sửa đổi)"

	t.Run("first publication", func(t *testing.T) {
		draft := v1
		draft.Status = StatusDraft
		pub, arch, err := Publish(draft, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Status != StatusPublished || pub.Version != 1 || arch != nil {
			t.Errorf("Publish = %s v%d, archived %v", pub.Status, pub.Version, arch)
		}
	})

	t.Run("new version archives the old", func(t *testing.T) {
		pub, arch, err := Publish(v2, &v1)
		if err != nil {
			t.Fatal(err)
		}
		if pub.Status != StatusPublished || pub.Version != 2 || pub.Name != v2.Name {
			t.Errorf("published = %s v%d %q", pub.Status, pub.Version, pub.Name)
		}
		if arch == nil || arch.Status != StatusArchived || arch.Version != 1 {
			t.Fatalf("archived = %+v", arch)
		}
		if v1.Status != StatusPublished {
			t.Error("Publish changed its argument")
		}
	})

	overBudget := NextVersion(v1)
	overBudget.Workflow.Steps[1].BudgetHours = 100
	wrongCode := NextVersion(v1)
	wrongCode.Code = "1.001193"
	stale := v2
	stale.Version = 1
	archived := v1
	archived.Status = StatusArchived
	tests := []struct {
		name    string
		draft   Procedure
		current *Procedure
		want    error
	}{
		{"not a draft", v1, nil, ErrInvalidTransition},
		{"other procedure", wrongCode, &v1, ErrInvalidTransition},
		{"version does not go up", stale, &v1, ErrInvalidTransition},
		{"current is not in force", v2, &archived, ErrInvalidTransition},
		{"budgets over the legal time", overBudget, &v1, ErrInvalid},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Publish(tt.draft, tt.current); !errors.Is(err, tt.want) {
				t.Errorf("Publish = %v, want %v", err, tt.want)
			}
		})
	}
}
