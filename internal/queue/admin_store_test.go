package queue_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// The floor's set-up through the service, on both engines: only the unit's
// administrators; a kiosk's key is made once and kept until renewed; tickets at a keyed
// kiosk need it; a disabled kiosk gives none; a desk's holder is a counter officer.
func TestFloorSetUp(t *testing.T) {
	e := newFloor(t)
	ctx := context.Background()
	admin := e.principal(t, "quantri")
	if err := e.svc.SaveGroup(ctx, e.counter, queue.Group{UnitID: e.unit.ID, Code: "x", Letter: "X", Name: "X", SlotMinutes: 30, SlotCapacity: 4}); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("a counter officer sets a group up: %v", err)
	}
	if err := e.svc.SaveGroup(ctx, admin, queue.Group{UnitID: e.unit.ID, Code: "ho-tro", Letter: "b", Name: "Hỗ trợ", SlotMinutes: 30, SlotCapacity: 4}); !errors.Is(err, queue.ErrLetterTaken) {
		t.Fatalf("the letter of chung-thuc again: %v", err)
	}
	if err := e.svc.SaveGroup(ctx, admin, queue.Group{UnitID: e.unit.ID, Code: "ho-tro", Letter: "d", Name: "Hỗ trợ", SlotMinutes: 30, SlotCapacity: 4}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.SaveDesk(ctx, admin, queue.Desk{UnitID: e.unit.ID, Number: 4, HolderID: e.principal(t, "lanhdao").UserID}); !errors.Is(err, queue.ErrDeskHolder) {
		t.Fatalf("a leader holds a desk: %v", err)
	}
	if err := e.svc.SaveDesk(ctx, admin, queue.Desk{UnitID: e.unit.ID, Number: 4, Name: "Hỗ trợ", Groups: []string{"ho-tro"}, HolderID: e.other.UserID}); err != nil {
		t.Fatal(err)
	}

	k, err := e.svc.SaveKiosk(ctx, admin, queue.Kiosk{UnitID: e.unit.ID, Code: "k2", Name: "Sảnh"}, false)
	if err != nil || len(k.Token) != 26 {
		t.Fatalf("new kiosk: %+v %v", k, err)
	}
	same, err := e.svc.SaveKiosk(ctx, admin, queue.Kiosk{UnitID: e.unit.ID, Code: "k2", Name: "Sảnh chính", Printer: "10.0.0.9:9100"}, false)
	if err != nil || same.Token != k.Token {
		t.Fatalf("a change without a new key changed it: %q → %q %v", k.Token, same.Token, err)
	}
	take := func(key string) error {
		_, err := e.svc.Take(ctx, queue.TicketRequest{Unit: e.unit, Group: "ho-tro", Kiosk: "k2", Key: key})
		return err
	}
	if err := take(""); !errors.Is(err, queue.ErrKioskKey) {
		t.Fatalf("no key: %v", err)
	}
	if err := take(k.Token); err != nil {
		t.Fatalf("its key: %v", err)
	}
	renewed, err := e.svc.SaveKiosk(ctx, admin, queue.Kiosk{UnitID: e.unit.ID, Code: "k2"}, true)
	if err != nil || renewed.Token == k.Token {
		t.Fatalf("new key: %v", err)
	}
	if err := take(k.Token); !errors.Is(err, queue.ErrKioskKey) {
		t.Fatalf("the old key after a new one: %v", err)
	}
	if _, err := e.svc.SaveKiosk(ctx, admin, queue.Kiosk{UnitID: e.unit.ID, Code: "k2", Disabled: true}, false); err != nil {
		t.Fatal(err)
	}
	if err := take(renewed.Token); !errors.Is(err, queue.ErrKioskOff) {
		t.Fatalf("a disabled kiosk: %v", err)
	}
	// The demo's kiosk, set up before keys, still needs none; the API's tickets name no kiosk.
	if _, err := e.svc.Take(ctx, queue.TicketRequest{Unit: e.unit, Group: "ho-tro", Kiosk: "k1"}); err != nil {
		t.Fatalf("the kiosk without a key: %v", err)
	}
	ks, err := e.svc.Kiosks(ctx, admin, e.unit.ID)
	if err != nil || len(ks) != 2 || ks[1].Printer != "" || ks[1].Name != "" || !ks[1].Disabled {
		t.Fatalf("kiosks %+v %v", ks, err)
	}
	if _, err := e.st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

// A dossier started from a ticket counts, in the floor's statistics per officer, on
// who called the ticket until it is assigned by name, then on its assignee.
func TestFloorDossiersByOfficer(t *testing.T) {
	e := newFloor(t)
	ctx := context.Background()
	if err := e.svc.Hold(ctx, e.counter, e.unit.ID, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Take(ctx, queue.TicketRequest{Unit: e.unit, Group: "tu-phap-ho-tich"}); err != nil {
		t.Fatal(err)
	}
	tk, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0)
	if err != nil || tk.Number != "A001" {
		t.Fatalf("call: %+v %v", tk, err)
	}
	ds := &dossier.Service{Store: e.st, Calendars: workcal.New(e.st), Now: func() time.Time { return e.now }}
	counter := dossier.Actor{P: e.counter}
	d, _, err := ds.File(ctx, demo.CurrentProcedure, dossier.Intake{Channel: dossier.ChannelCounter, ReceivingUnitID: e.unit.ID,
		QueueTicket: "A001", Applicant: dossier.Applicant{FullName: "Nguyễn Văn An", IDNumber: "037085001234", Phone: "0912345678",
			Address: "Thôn Quảng Từ"}}, counter, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	day := calendar.DateOf(e.now)
	stats := func() []queue.DossierCount {
		t.Helper()
		st, err := e.svc.Stats(ctx, e.principal(t, "lanhdao"), e.unit.ID, day, day)
		if err != nil {
			t.Fatal(err)
		}
		return st.Dossiers
	}
	if got := stats(); len(got) != 1 || got[0].Name != "Trần Thị Bình" || got[0].Dossiers != 1 {
		t.Fatalf("before the assignment: %+v", got)
	}
	if _, err := ds.Act(ctx, d.Code, dossier.Request{Action: dossier.ActForward, Actor: counter}); err != nil {
		t.Fatal(err)
	}
	specialist := e.principal(t, "chuyenvien")
	if _, err := ds.Assign(ctx, d.Code, dossier.AssignRequest{UserID: specialist.UserID, Actor: dossier.Actor{P: e.principal(t, "lanhdao")}}); err != nil {
		t.Fatal(err)
	}
	if got := stats(); len(got) != 1 || got[0].Name != "Lê Văn Cường" || got[0].OfficerID != specialist.UserID || got[0].Dossiers != 1 {
		t.Fatalf("after the assignment: %+v", got)
	}
}

func TestCountDossiers(t *testing.T) {
	names := map[int64]string{1: "An", 2: "Bình", 3: "Cường"}
	tickets := []queue.Ticket{
		{OfficerID: 1, DossierCode: "D1"}, // assigned to 3
		{OfficerID: 1, DossierCode: "D2"}, // not assigned: its caller
		{OfficerID: 2, DossierCode: "D3"}, // assigned to 3
		{OfficerID: 2},                    // no dossier
		{DossierCode: "D4"},               // never called, not assigned: nobody
	}
	got := queue.CountDossiers(tickets, map[string]int64{"D1": 3, "D3": 3}, names)
	want := []queue.DossierCount{{OfficerID: 3, Name: "Cường", Dossiers: 2}, {OfficerID: 1, Name: "An", Dossiers: 1}}
	if !slices.Equal(got, want) {
		t.Errorf("CountDossiers = %+v, want %+v", got, want)
	}
}
