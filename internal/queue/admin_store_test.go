package queue_test

import (
	"context"
	"errors"
	"testing"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/queue"
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
