package catalog

import (
	"fmt"
	"slices"
)

// Status is where a version of a procedure is in its life.
type Status string

const (
	// StatusDraft: being edited; not shown to citizens, no dossier can use it.
	StatusDraft Status = "draft" // bản nháp
	// StatusPublished: the version in force; new dossiers are received under it. At
	// most one version of a code is published at a time.
	StatusPublished Status = "published" // đang áp dụng
	// StatusArchived: replaced by a later version; dossiers received under it keep
	// following it to the end.
	StatusArchived Status = "archived" // đã thay thế
)

// Statuses lists every status.
var Statuses = []Status{StatusDraft, StatusPublished, StatusArchived}

// NextVersion returns the draft that editing p starts: a deep copy of p numbered
// p.Version+1. Editing a published procedure, its workflow included, never changes it
// in place, because dossiers received under it must keep the rules they were received
// under; the draft replaces it only when published (see Publish). A draft is edited in
// place and needs no new version.
func NextVersion(p Procedure) Procedure {
	n := p.clone()
	n.Version = p.Version + 1
	n.Status = StatusDraft
	return n
}

// Publish puts draft in force. current is the version in force so far, nil for a
// procedure published for the first time; it comes back archived. The draft must pass
// ValidateForPublish, and must be a later version of the same code.
func Publish(draft Procedure, current *Procedure) (published Procedure, archived *Procedure, err error) {
	if draft.Status != StatusDraft {
		return Procedure{}, nil, fmt.Errorf("catalog: publish %s version %d: status %s, want %s: %w",
			draft.Code, draft.Version, draft.Status, StatusDraft, ErrInvalidTransition)
	}
	if current != nil {
		switch {
		case current.Code != draft.Code:
			return Procedure{}, nil, fmt.Errorf("catalog: publish %s over %s: different procedures: %w",
				draft.Code, current.Code, ErrInvalidTransition)
		case current.Status != StatusPublished:
			return Procedure{}, nil, fmt.Errorf("catalog: publish %s: version %d in force has status %s: %w",
				draft.Code, current.Version, current.Status, ErrInvalidTransition)
		case draft.Version <= current.Version:
			return Procedure{}, nil, fmt.Errorf("catalog: publish %s version %d over version %d: versions only go up: %w",
				draft.Code, draft.Version, current.Version, ErrInvalidTransition)
		}
	}
	if err := draft.ValidateForPublish(); err != nil {
		return Procedure{}, nil, fmt.Errorf("catalog: publish %s version %d: %w", draft.Code, draft.Version, err)
	}
	published = draft.clone()
	published.Status = StatusPublished
	if current != nil {
		a := current.clone()
		a.Status = StatusArchived
		archived = &a
	}
	return published, archived, nil
}

// clone returns a copy of p that shares no memory with it, so that editing a new
// version cannot change the one it came from.
func (p Procedure) clone() Procedure {
	c := p
	c.Fees = slices.Clone(p.Fees)
	for i, f := range c.Fees {
		if f.OnlineAmount != nil {
			v := *f.OnlineAmount
			c.Fees[i].OnlineAmount = &v
		}
	}
	c.Papers = slices.Clone(p.Papers)
	c.LegalBasis = slices.Clone(p.LegalBasis)
	c.Form = slices.Clone(p.Form)
	for i := range c.Form {
		c.Form[i].Options = slices.Clone(p.Form[i].Options)
	}
	c.Workflow.Steps = slices.Clone(p.Workflow.Steps)
	for i := range c.Workflow.Steps {
		c.Workflow.Steps[i].Actions = slices.Clone(p.Workflow.Steps[i].Actions)
	}
	c.Sources = slices.Clone(p.Sources)
	c.Unconfirmed = slices.Clone(p.Unconfirmed)
	return c
}
