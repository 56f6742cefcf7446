package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/telehealth"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// Tele-health's demo (docs/TELEHEALTH.md): the health station (tramyte) has published a
// doctor's video morning and an assistant doctor's phone afternoon on each of the next
// five working days; the demo citizen has booked two of them; on the last working day
// before today three consultations took place (two attended, one no-show), so the
// station's months and the commune's telehealth_people indicator have something to count.
const (
	DemoDoctor    = "BS. Phạm Thị Hạnh"
	DemoAssistant = "YS. Lê Văn Toàn"
)

func demoTelehealth(ctx context.Context, st *store.Store, commune int64, staff, citizen *auth.Principal, now time.Time) error {
	svc := &telehealth.Service{Store: st, Calendars: workcal.New(st), Now: func() time.Time { return now }}
	cal, err := svc.Calendars.For(ctx, commune)
	if err != nil {
		return err
	}
	today := calendar.DateOf(now.In(locale.Zone))
	var days []calendar.Date
	for d := today.AddDays(1); len(days) < 5 && d.Sub(today) < 30; d = d.AddDays(1) {
		if cal.IsWorkingDay(d) {
			days = append(days, d)
		}
	}
	var first []telehealth.Slot
	for _, d := range days {
		video, err := svc.Publish(ctx, staff, telehealth.Publishing{UnitID: commune, Doctor: DemoDoctor, Kind: string(telehealth.KindVideo),
			Day: d, From: "08:00", Minutes: 20, Count: 6})
		if err != nil {
			return fmt.Errorf("demo: tele-health slots: %w", err)
		}
		if _, err := svc.Publish(ctx, staff, telehealth.Publishing{UnitID: commune, Doctor: DemoAssistant, Kind: string(telehealth.KindPhone),
			Day: d, From: "14:00", Minutes: 15, Count: 4}); err != nil {
			return fmt.Errorf("demo: tele-health slots: %w", err)
		}
		first = append(first, video[0])
	}
	for i, reason := range []string{"Tư vấn tiêm chủng cho cháu 9 tháng", "Tái khám huyết áp"} {
		if i >= len(first) {
			break
		}
		// An illustrative number: the messages' channel (the demo account has none).
		if _, _, err := svc.Book(ctx, citizen, telehealth.Request{SlotID: first[i].ID, Reason: reason,
			Phone: "0915 000 111"}); err != nil {
			return fmt.Errorf("demo: tele-health booking: %w", err)
		}
	}
	// The last working day before today: three consultations already held.
	past := today.AddDays(-1)
	for ; !cal.IsWorkingDay(past) && today.Sub(past) < 30; past = past.AddDays(-1) {
	}
	held := make([]telehealth.Slot, 3)
	for i := range held {
		start := past.At(calendar.Clock(8*60 + 20*i))
		held[i] = telehealth.Slot{UnitID: commune, Doctor: DemoDoctor, Kind: telehealth.KindVideo, Start: start.UTC(), End: start.Add(20 * time.Minute).UTC()}
	}
	if held, err = st.AddTeleSlots(ctx, held, staff.UserID); err != nil {
		return fmt.Errorf("demo: tele-health past slots: %w", err)
	}
	for i, sl := range held {
		phone := fmt.Sprintf("+8491200000%d", i+1)
		b, err := st.BookTeleSlot(ctx, telehealth.Booking{Code: telehealth.NewCode(), SlotID: sl.ID, UnitID: commune, SecretHash: "-",
			Room: fmt.Sprintf("demo%d", i), Phone: phone, Reason: "Khám sức khỏe định kỳ", PersonHash: telehealth.PersonHash(0, phone),
			Status: telehealth.StatusBooked, BookedAt: sl.Start.Add(-48 * time.Hour), Slot: sl}, "", nil)
		if err != nil {
			return fmt.Errorf("demo: tele-health past booking: %w", err)
		}
		mark := telehealth.StatusAttended
		if i == 2 {
			mark = telehealth.StatusNoShow
		}
		if _, err := st.MarkTeleBooking(ctx, b, mark, sl.End, staff.UserID); err != nil {
			return fmt.Errorf("demo: tele-health mark: %w", err)
		}
	}
	return nil
}
