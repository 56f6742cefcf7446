package dossier

import (
	"errors"
	"strings"
	"testing"
)

func TestParseRecord(t *testing.T) {
	good := `{"unit":"14731","procedure_code":"1.004873","channel":"counter","applicant":{"full_name":"Lê Thị Hoa"},` +
		`"received_at":"2021-03-01T08:30:00+07:00","due_at":"2021-03-04T08:30:00+07:00","resolved_at":"2021-03-03T10:00:00+07:00",` +
		`"status":"returned","ended_at":"2021-03-04T08:00:00+07:00"}`
	r, err := ParseRecord(1, []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	d, evs := r.Dossier()
	if d.Timeliness != Early || d.Status != StatusReturned || len(evs) != 3 || evs[2].Action != ActReturn {
		t.Fatalf("dossier %+v events %+v", d, evs)
	}
	tests := []struct {
		name, from, to, field string
	}{
		{"no unit", `"unit":"14731",`, ``, "unit"},
		{"unknown field", `"status":`, `"colour":"red","status":`, "(dòng)"},
		{"due before receipt", `"due_at":"2021-03-04T08:30:00+07:00"`, `"due_at":"2021-02-04T08:30:00+07:00"`, "due_at"},
		{"returned without end", `,"ended_at":"2021-03-04T08:00:00+07:00"`, ``, "ended_at"},
		{"refused without reason", `"status":"returned"`, `"status":"refused"`, "reason"},
		{"bad channel", `"channel":"counter"`, `"channel":"fax"`, "channel"},
		{"bad code", `"unit":`, `"code":"H45-1","unit":`, "code"},
		{"submitted status", `"status":"returned"`, `"status":"submitted"`, "status"},
		{"not JSON", `{`, `[`, "(dòng)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			line := strings.Replace(good, tt.from, tt.to, 1)
			_, err := ParseRecord(7, []byte(line))
			var ie *ImportError
			if !errors.As(err, &ie) || ie.Line != 7 || ie.Field != tt.field || !errors.Is(err, ErrImport) {
				t.Fatalf("err = %v, want line 7 field %s", err, tt.field)
			}
		})
	}
}

func FuzzParseRecord(f *testing.F) {
	f.Add(`{"unit":"14731","procedure_code":"1.004873","channel":"counter","applicant":{"full_name":"A"},"received_at":"2021-03-01T08:30:00+07:00","due_at":"2021-03-04T08:30:00+07:00","status":"received"}`)
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRecord(1, []byte(s))
		if err != nil {
			return
		}
		d, evs := r.Dossier()
		if len(evs) == 0 || d.ReceivedAt.IsZero() || d.DueAt.Before(d.ReceivedAt) {
			t.Fatalf("accepted record makes %+v", d)
		}
	})
}
