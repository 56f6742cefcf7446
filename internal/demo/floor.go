package demo

import (
	"context"
	"fmt"

	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/store"
)

// FloorGroups are the demo floor's service groups (issue 28's fixed shapes).
var FloorGroups = []queue.Group{
	{Code: "tu-phap-ho-tich", Letter: "A", Name: "Tư pháp – Hộ tịch", SlotMinutes: 30, SlotCapacity: 4},
	{Code: "chung-thuc", Letter: "B", Name: "Chứng thực", SlotMinutes: 30, SlotCapacity: 4},
	{Code: "dat-dai", Letter: "C", Name: "Đất đai", SlotMinutes: 30, SlotCapacity: 2},
}

// FloorKiosk is the demo floor's ticket machine (no printer: tickets shown on screen).
const FloorKiosk = "k1"

// demoFloor sets up the centre's floor: three groups, desks 1–3 serving every group, one
// kiosk, and the counter officer holding desk 1.
func demoFloor(ctx context.Context, st *store.Store, commune, counter int64) error {
	for i, g := range FloorGroups {
		g.UnitID, g.Position = commune, i+1
		if err := st.SetQueueGroup(ctx, g); err != nil {
			return fmt.Errorf("demo: floor: %w", err)
		}
	}
	for n := 1; n <= 3; n++ {
		if err := st.SetQueueDesk(ctx, queue.Desk{UnitID: commune, Number: n}); err != nil {
			return fmt.Errorf("demo: floor: %w", err)
		}
	}
	if err := st.SetQueueKiosk(ctx, queue.Kiosk{UnitID: commune, Code: FloorKiosk}); err != nil {
		return fmt.Errorf("demo: floor: %w", err)
	}
	if err := st.HoldDesk(ctx, commune, 1, counter); err != nil {
		return fmt.Errorf("demo: floor: %w", err)
	}
	return nil
}
