package dossier

import (
	"errors"
	"testing"
)

func TestTakesFiles(t *testing.T) {
	for _, s := range Statuses {
		d := Dossier{Status: s}
		official, other := d.TakesFiles(true), d.TakesFiles(false)
		switch {
		case s.Final():
			if !errors.Is(official, ErrClosed) || !errors.Is(other, ErrClosed) {
				t.Errorf("%s: %v, %v", s, official, other)
			}
		case s == StatusSubmitted || s == StatusSupplementRequested:
			if official != nil || other != nil {
				t.Errorf("%s: %v, %v", s, official, other)
			}
		default:
			if official != nil || !errors.Is(other, ErrNoSupplementAsked) {
				t.Errorf("%s: %v, %v", s, official, other)
			}
		}
	}
}
