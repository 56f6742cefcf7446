package telehealth_test

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/citizen"
	"github.com/xaso-vn/xaso/internal/community"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/telehealth"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// Monday 7 December 2026, 07:00 in Vietnam; the slots are on Tuesday the 8th.
var monday = time.Date(2026, 12, 7, 7, 0, 0, 0, locale.Zone)

type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time  { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *clock) Set(t time.Time) { c.mu.Lock(); c.t = t; c.mu.Unlock() }

func service(t *testing.T) (*telehealth.Service, storetest.Demo, *clock) {
	t.Helper()
	d := storetest.OpenDemo(t)
	c := &clock{t: monday}
	cit := &citizen.Service{Store: d.Store, UnitID: d.Unit, Key: []byte("test key"), Now: c.Now}
	return &telehealth.Service{Store: d.Store, Calendars: workcal.New(d.Store), Phones: cit, VideoURL: "https://meet.jit.si",
		Now: c.Now}, d, c
}

func publishMorning(t *testing.T, svc *telehealth.Service, p *auth.Principal, unitID int64, kind string, count int) []telehealth.Slot {
	t.Helper()
	slots, err := svc.Publish(context.Background(), p, telehealth.Publishing{UnitID: unitID, Doctor: "BS. Phạm Thị Hạnh", Kind: kind,
		Day: calendar.NewDate(2026, 12, 8), From: "08:00", Minutes: 20, Count: count})
	if err != nil {
		t.Fatal(err)
	}
	return slots
}

func TestPublishSlots(t *testing.T) {
	ctx := context.Background()
	svc, d, _ := service(t)
	station := d.Member(t, "tramyte", auth.RoleHealth)
	slots := publishMorning(t, svc, station, d.Unit, "video", 6)
	if len(slots) != 6 || slots[5].End.Sub(slots[0].Start) != 2*time.Hour || slots[0].Start.In(locale.Zone).Hour() != 8 {
		t.Fatalf("slots: %+v", slots)
	}
	// The same doctor again over them: refused, nothing stored.
	_, err := svc.Publish(ctx, station, telehealth.Publishing{UnitID: d.Unit, Doctor: "BS. Phạm Thị Hạnh", Kind: "phone",
		Day: calendar.NewDate(2026, 12, 8), From: "09:50", Minutes: 30, Count: 2})
	if !errors.Is(err, telehealth.ErrOverlap) {
		t.Fatalf("overlap: %v", err)
	}
	// Another doctor at the same time: fine.
	if _, err := svc.Publish(ctx, station, telehealth.Publishing{UnitID: d.Unit, Doctor: "YS. Lê Văn Toàn", Kind: "station",
		Day: calendar.NewDate(2026, 12, 8), From: "08:00", Minutes: 30, Count: 2}); err != nil {
		t.Fatal(err)
	}
	// Saturday is not a working day.
	_, err = svc.Publish(ctx, station, telehealth.Publishing{UnitID: d.Unit, Doctor: "BS. Phạm Thị Hạnh", Kind: "video",
		Day: calendar.NewDate(2026, 12, 12), From: "08:00", Minutes: 20, Count: 2})
	if !errors.Is(err, telehealth.ErrNotWorkingDay) {
		t.Fatalf("saturday: %v", err)
	}
	// Bad input: every field named.
	_, err = svc.Publish(ctx, station, telehealth.Publishing{UnitID: d.Unit, Kind: "x", From: "25:00", Minutes: 1, Count: 99})
	var fe *telehealth.FieldError
	if !errors.As(err, &fe) || len(fe.Fields) != 6 {
		t.Fatalf("bad input: %v", err)
	}
	// The past and beyond midnight.
	if _, err = svc.Publish(ctx, station, telehealth.Publishing{UnitID: d.Unit, Doctor: "A", Kind: "video",
		Day: calendar.NewDate(2026, 12, 7), From: "06:00", Minutes: 20, Count: 1}); !errors.Is(err, telehealth.ErrSlotPast) {
		t.Fatalf("past: %v", err)
	}
	if _, err = svc.Publish(ctx, station, telehealth.Publishing{UnitID: d.Unit, Doctor: "A", Kind: "video",
		Day: calendar.NewDate(2026, 12, 8), From: "23:00", Minutes: 40, Count: 2}); !errors.As(err, &fe) {
		t.Fatalf("past midnight: %v", err)
	}
	// Officials who are not the station's, and citizens, do not publish.
	for _, p := range []*auth.Principal{d.Member(t, "lanhdao", auth.RoleLeader), d.Member(t, "congdan", auth.RoleCitizen)} {
		if _, err := svc.Publish(ctx, p, telehealth.Publishing{UnitID: d.Unit}); !errors.Is(err, telehealth.ErrNotStation) {
			t.Fatalf("%v publishes: %v", p.Memberships, err)
		}
	}
	free, err := svc.Free(ctx, d.Unit)
	if err != nil || len(free) != 8 {
		t.Fatalf("free: %d %v", len(free), err)
	}
}

// Fifty people, each with their own phone proven by its code, book one slot at once:
// exactly one booking is stored, the 49 others are refused slot_taken (the unique index
// decides, on either engine), and their codes are not used up.
func TestFiftyBookOneSlot(t *testing.T) {
	ctx := context.Background()
	svc, d, _ := service(t)
	slot := publishMorning(t, svc, d.Member(t, "tramyte", auth.RoleHealth), d.Unit, "video", 1)[0]
	challenges := make([]string, 50)
	for i := range challenges {
		st, err := svc.SendCode(ctx, fmt.Sprintf("09123450%02d", i), fmt.Sprintf("198.51.100.%d", i))
		if err != nil {
			t.Fatal(err)
		}
		challenges[i] = st.ID
	}
	codes := smsCodes(t, d)
	var wg sync.WaitGroup
	errs := make([]error, 50)
	start := make(chan struct{})
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			_, _, errs[i] = svc.Book(ctx, nil, telehealth.Request{SlotID: slot.ID, Reason: "Ho kéo dài", ChallengeID: challenges[i],
				Code: codes[challenges[i]]})
		}()
	}
	close(start)
	wg.Wait()
	ok, taken := 0, 0
	for _, err := range errs {
		switch {
		case err == nil:
			ok++
		case errors.Is(err, telehealth.ErrSlotTaken):
			taken++
		default:
			t.Errorf("unexpected: %v", err)
		}
	}
	if ok != 1 || taken != 49 {
		t.Fatalf("%d confirmed, %d slot_taken; want 1 and 49", ok, taken)
	}
	day, err := svc.Day(ctx, d.Member(t, "tramyte", auth.RoleHealth), d.Unit, calendar.NewDate(2026, 12, 8))
	if err != nil || len(day) != 1 {
		t.Fatalf("the station's day: %d bookings, %v", len(day), err)
	}
	// A refused booker's code still books another slot.
	other := publishMorning2(t, svc, d.Member(t, "tramyte", auth.RoleHealth), d.Unit)
	for i, err := range errs {
		if err != nil {
			if _, _, err := svc.Book(ctx, nil, telehealth.Request{SlotID: other.ID, Reason: "Ho", ChallengeID: challenges[i],
				Code: codes[challenges[i]]}); err != nil {
				t.Fatalf("a refused booker's code: %v", err)
			}
			break
		}
	}
}

func publishMorning2(t *testing.T, svc *telehealth.Service, p *auth.Principal, unitID int64) telehealth.Slot {
	t.Helper()
	slots, err := svc.Publish(context.Background(), p, telehealth.Publishing{UnitID: unitID, Doctor: "YS. Lê Văn Toàn", Kind: "phone",
		Day: calendar.NewDate(2026, 12, 8), From: "14:00", Minutes: 15, Count: 1})
	if err != nil {
		t.Fatal(err)
	}
	return slots[0]
}

func TestBookRemindCancelMarkPurge(t *testing.T) {
	ctx := context.Background()
	svc, d, clk := service(t)
	station := d.Member(t, "tramyte", auth.RoleHealth)
	slots := publishMorning(t, svc, station, d.Unit, "video", 3)
	// Without an account: a code by SMS proves the phone.
	started, err := svc.SendCode(ctx, "0912 345 678", "203.0.113.9")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Book(ctx, nil, telehealth.Request{SlotID: slots[0].ID, Reason: "Đau đầu"}); !errors.Is(err, telehealth.ErrPhoneProof) {
		t.Fatalf("without proof: %v", err)
	}
	if _, _, err := svc.Book(ctx, nil, telehealth.Request{SlotID: slots[0].ID, Reason: "Đau đầu", ChallengeID: started.ID, Code: "000000x"}); !errors.Is(err, citizen.ErrCodeInvalid) {
		t.Fatalf("wrong code: %v", err)
	}
	code := smsCode(t, d, started.ID)
	b, secret, err := svc.Book(ctx, nil, telehealth.Request{SlotID: slots[0].ID, Reason: "Đau đầu, chóng mặt", Name: "Bà Lan",
		ChallengeID: started.ID, Code: code})
	if err != nil {
		t.Fatal(err)
	}
	if b.Phone != "+84912345678" || b.Status != telehealth.StatusBooked || secret == "" {
		t.Fatalf("booking: %+v", b)
	}
	// The code is used: it books nothing else.
	if _, _, err := svc.Book(ctx, nil, telehealth.Request{SlotID: slots[1].ID, Reason: "x", ChallengeID: started.ID, Code: code}); !errors.Is(err, citizen.ErrCodeInvalid) {
		t.Fatalf("code reused: %v", err)
	}
	// The confirmation and the two reminders are in the outbox.
	if n, _ := d.Store.OutboxBodiesLike(ctx, b.Code); n != 3 {
		t.Fatalf("messages: %d, want the confirmation and two reminders", n)
	}
	// Seen with the secret, by the station; not by another citizen nor without it.
	if _, err := svc.Lookup(ctx, nil, b.Code, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Lookup(ctx, station, b.Code, ""); err != nil {
		t.Fatal(err)
	}
	for _, p := range []*auth.Principal{nil, d.Member(t, "congdan", auth.RoleCitizen), d.Member(t, "lanhdao", auth.RoleLeader)} {
		if _, err := svc.Lookup(ctx, p, b.Code, "WRONG"); !errors.Is(err, telehealth.ErrBookingNotFound) {
			t.Fatalf("seen without right: %v", err)
		}
	}
	// The video room: not before 15 minutes before the start, then the audio-only link.
	if r := svc.Room(b); r.Open || r.Video != "" {
		t.Fatalf("room open a day before: %+v", r)
	}
	clk.Set(slots[0].Start.Add(-10 * time.Minute))
	r := svc.Room(b)
	if !r.Open || r.AudioOnly != r.Video+"#config.startAudioOnly=true" || len(r.Video) < len("https://meet.jit.si/XaSoKham")+26 {
		t.Fatalf("room: %+v", r)
	}
	// Too late to cancel for the citizen; the station still may not mark before the start.
	if _, err := svc.Cancel(ctx, nil, b.Code, secret); !errors.Is(err, telehealth.ErrTooLate) {
		t.Fatalf("late cancel: %v", err)
	}
	if _, err := svc.Mark(ctx, station, b.Code, telehealth.StatusAttended); !errors.Is(err, telehealth.ErrMarkEarly) {
		t.Fatalf("early mark: %v", err)
	}
	clk.Set(slots[0].Start.Add(5 * time.Minute))
	if r := svc.Room(b); !r.Open {
		t.Fatal("room closed during the slot")
	}
	if b, err = svc.Mark(ctx, station, b.Code, telehealth.StatusAttended); err != nil || b.Status != telehealth.StatusAttended {
		t.Fatalf("mark: %v", err)
	}
	clk.Set(slots[0].End)
	if r := svc.Room(b); r.Open {
		t.Fatal("room open after the slot")
	}

	// A logged-in citizen books the next slot and cancels it: the reminders are dropped
	// and the slot is free again.
	clk.Set(monday)
	cd := d.Member(t, "congdan", auth.RoleCitizen)
	b2, _, err := svc.Book(ctx, cd, telehealth.Request{SlotID: slots[1].ID, Reason: "Tư vấn dinh dưỡng cho trẻ"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := svc.Book(ctx, cd, telehealth.Request{SlotID: slots[1].ID, Reason: "x"}); !errors.Is(err, telehealth.ErrSlotTaken) {
		t.Fatalf("second booking: %v", err)
	}
	if b2, err = svc.Cancel(ctx, cd, b2.Code, ""); err != nil || b2.Status != telehealth.StatusCancelled {
		t.Fatalf("cancel: %v", err)
	}
	if n, _ := d.Store.OutboxBodiesLike(ctx, b2.Code); n != 1 {
		t.Fatalf("after cancel %d messages, want the confirmation alone", n)
	}
	got, err := svc.Lookup(ctx, cd, b2.Code, "")
	if err != nil || got.Reason != "" {
		t.Fatalf("cancelled booking keeps its reason: %q %v", got.Reason, err)
	}
	if _, _, err := svc.Book(ctx, cd, telehealth.Request{SlotID: slots[1].ID, Reason: "Tái khám"}); err != nil {
		t.Fatalf("the freed slot: %v", err)
	}
	// Bad input.
	_, _, err = svc.Book(ctx, cd, telehealth.Request{SlotID: slots[2].ID, Reason: string(make([]rune, 600)) + "x", Phone: "12"})
	var fe *telehealth.FieldError
	if !errors.As(err, &fe) || fe.Fields["phone"] == "" {
		t.Fatalf("bad input: %v", err)
	}
	// A phone consultation needs a number to call: the account has none, none typed.
	phoneSlot := publishMorning2(t, svc, station, d.Unit)
	if _, _, err := svc.Book(ctx, cd, telehealth.Request{SlotID: phoneSlot.ID, Reason: "Hỏi thuốc"}); !errors.As(err, &fe) || fe.Fields["phone"] == "" {
		t.Fatalf("phone slot without a phone: %v", err)
	}

	// Monthly counts: December, one attended, one cancelled, one booked.
	months, err := svc.Months(ctx, station, d.Unit, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if m := months[11]; m.Attended != 1 || m.Cancelled != 1 || m.Booked != 1 || m.All != 3 {
		t.Fatalf("december: %+v", m)
	}

	// The purge: a day after the slot the reason goes, thirty days after it the contacts.
	clk.Set(slots[0].End.Add(25 * time.Hour))
	if n, err := svc.Purge(ctx); err != nil || n != 2 {
		t.Fatalf("purge of reasons: %d %v", n, err)
	}
	got, _ = svc.Lookup(ctx, station, b.Code, "")
	if got.Reason != "" || got.Phone == "" {
		t.Fatalf("after a day: %+v", got)
	}
	clk.Set(slots[0].End.Add(31 * 24 * time.Hour))
	if _, err := svc.Purge(ctx); err != nil {
		t.Fatal(err)
	}
	got, _ = svc.Lookup(ctx, station, b.Code, "")
	if got.Phone != "" || got.Name != "" || got.PersonHash == "" || got.Status != telehealth.StatusAttended {
		t.Fatalf("after thirty days: %+v", got)
	}
	if n, err := svc.Purge(ctx); err != nil || n != 0 {
		t.Fatalf("purge again: %d %v", n, err)
	}

	// The commune's indicator counts the people attended in the year (purged contacts
	// or not): one.
	dx := &community.Service{Store: d.Store, Calendars: workcal.New(d.Store), Now: clk.Now}
	ins, err := dx.Indicators(ctx, d.Member(t, "lanhdao", auth.RoleLeader), d.Unit, 2026)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, in := range ins {
		if in.ID == "telehealth_people" {
			found = true
			if in.Value == nil || *in.Value != 1 {
				t.Fatalf("telehealth_people: %+v", in)
			}
		}
	}
	if !found {
		t.Fatal("no telehealth_people indicator")
	}
}

var sixDigits = regexp.MustCompile(`\b([0-9]{6})\b`)

// smsCodes reads the codes sent so far from the outbox, by challenge id.
func smsCodes(t *testing.T, d storetest.Demo) map[string]string {
	t.Helper()
	ps, err := d.Store.ClaimOutbox(context.Background(), time.Now().Add(time.Hour), time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, p := range ps {
		if id, ok := strings.CutPrefix(p.Ref, "otp:"); ok {
			if m := sixDigits.FindStringSubmatch(p.Body); m != nil {
				out[id] = m[1]
			}
		}
	}
	return out
}

// smsCode reads the SMS sent for challenge id from the outbox and returns its code.
func smsCode(t *testing.T, d storetest.Demo, id string) string {
	t.Helper()
	ps, err := d.Store.ClaimOutbox(context.Background(), time.Now().Add(time.Hour), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		if p.Ref == "otp:"+id && p.To == "tel:+84912345678" {
			if m := sixDigits.FindStringSubmatch(p.Body); m != nil {
				return m[1]
			}
		}
	}
	t.Fatalf("no code sent for %s", id)
	return ""
}
