package queue_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/queue"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

var _ queue.Store = (*store.Store)(nil)

// floorEnv is the demo commune's floor on a fresh database, with a clock the test moves.
type floorEnv struct {
	st      *store.Store
	svc     *queue.Service
	unit    unit.Unit
	now     time.Time
	counter *auth.Principal // motcua, who holds desk 1
	other   *auth.Principal // a second counter officer, holding nothing yet
}

// tuesday is a working day: 7 July 2026.
func tuesday(h, m int) time.Time { return time.Date(2026, 7, 7, h, m, 0, 0, locale.Zone) }

func newFloor(t *testing.T) *floorEnv {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 2), demo.Options{}); err != nil {
		t.Fatal(err)
	}
	u, err := st.UnitByCode(ctx, demo.CommuneCode)
	if err != nil {
		t.Fatal(err)
	}
	e := &floorEnv{st: st, unit: u, now: tuesday(8, 0)}
	e.svc = &queue.Service{Store: st, Calendars: workcal.New(st), Now: func() time.Time { return e.now }}
	e.counter = e.principal(t, "motcua")
	hash, _ := auth.NewHasher(auth.TestParams, 1).Hash(demo.Password)
	ms := []auth.Membership{{UnitID: u.ID, UnitCode: u.Code, Role: auth.RoleCounter}}
	id, err := st.CreateUser(ctx, auth.User{Username: "motcua2", FullName: "Lý Thị Cúc", PasswordHash: hash}, ms)
	if err != nil {
		t.Fatal(err)
	}
	e.other = &auth.Principal{UserID: id, Username: "motcua2", FullName: "Lý Thị Cúc", Memberships: ms}
	return e
}

func (e *floorEnv) principal(t *testing.T, username string) *auth.Principal {
	t.Helper()
	u, err := e.st.UserByUsername(context.Background(), username)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := e.st.Memberships(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: ms}
}

func (e *floorEnv) take(t *testing.T, group string, p queue.Priority) queue.Ticket {
	t.Helper()
	tk, err := e.svc.Take(context.Background(), queue.TicketRequest{Unit: e.unit, Group: group, Priority: p, Kiosk: demo.FloorKiosk})
	if err != nil {
		t.Fatal(err)
	}
	return tk
}

// TestTicketsConcurrent: 200 tickets taken at once from two kiosks, in two groups, get
// 200 different numbers, each group's numbered 1..n without a gap.
func TestTicketsConcurrent(t *testing.T) {
	e := newFloor(t)
	const n = 200
	var wg sync.WaitGroup
	numbers := make([]string, n)
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			kiosk := []string{"k1", "k2"}[i%2]
			group := []string{"tu-phap-ho-tich", "chung-thuc"}[i%3%2]
			tk, err := e.svc.Take(context.Background(), queue.TicketRequest{Unit: e.unit, Group: group, Kiosk: kiosk})
			numbers[i], errs[i] = tk.Number, err
		})
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	byLetter := map[byte][]string{}
	for _, num := range numbers {
		if seen[num] {
			t.Fatalf("number %s given twice", num)
		}
		seen[num] = true
		byLetter[num[0]] = append(byLetter[num[0]], num)
	}
	for letter, nums := range byLetter {
		sort.Strings(nums)
		for i, num := range nums {
			if want := queue.FormatNumber(string(letter), i+1); num != want {
				t.Fatalf("group %c: number %d is %s, want %s (a gap or a repeat)", letter, i+1, num, want)
			}
		}
	}
	if len(byLetter['A'])+len(byLetter['B']) != n {
		t.Fatalf("groups: %d + %d tickets, want %d", len(byLetter['A']), len(byLetter['B']), n)
	}
	// The next day starts again at 1.
	e.now = e.now.Add(24 * time.Hour)
	if tk := e.take(t, "tu-phap-ho-tich", ""); tk.Number != "A001" {
		t.Errorf("next day's first ticket: %s, want A001", tk.Number)
	}
}

func TestDeskFlow(t *testing.T) {
	e := newFloor(t)
	ctx := context.Background()
	a1 := e.take(t, "tu-phap-ho-tich", "")
	e.now = e.now.Add(time.Minute)
	b1 := e.take(t, "chung-thuc", "")
	e.now = e.now.Add(time.Minute)
	a2 := e.take(t, "tu-phap-ho-tich", queue.PriorityElderly)
	if a1.Number != "A001" || b1.Number != "B001" || a2.Number != "A002" {
		t.Fatalf("numbers %s %s %s", a1.Number, b1.Number, a2.Number)
	}
	// Desk 2 is nobody's: calling there is refused; desk 1 is motcua's.
	if _, err := e.svc.Act(ctx, e.counter, e.unit.ID, 2, queue.ActCallNext, 0); !errors.Is(err, queue.ErrDeskNotHeld) {
		t.Fatalf("call on a desk not held: %v, want desk_not_held", err)
	}
	if _, err := e.svc.Act(ctx, e.other, e.unit.ID, 1, queue.ActCallNext, 0); !errors.Is(err, queue.ErrDeskNotHeld) {
		t.Fatalf("call on another's desk: %v, want desk_not_held", err)
	}
	citizen := e.principal(t, "congdan")
	if _, err := e.svc.Act(ctx, citizen, e.unit.ID, 1, queue.ActCallNext, 0); !errors.Is(err, queue.ErrNotServingOfficer) {
		t.Fatalf("a citizen calling: %v", err)
	}
	e.now = tuesday(8, 10)
	got, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0)
	if err != nil {
		t.Fatal(err)
	}
	if got.Number != "A002" || got.Status != queue.StatusCalled || got.Desk != 1 {
		t.Fatalf("first call: %+v, want the priority ticket A002 at desk 1", got)
	}
	d, err := e.svc.Display(ctx, e.unit.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Calling) != 1 || d.Calling[0].Number != "A002" || d.Calling[0].Desk != 1 || d.Waiting != 2 ||
		strings.Join(d.Next, " ") != "A001 B001" || d.LastCall == nil || d.LastCall.Number != "A002" {
		t.Fatalf("display: %+v", d)
	}
	if txt := queue.CallText(d.LastCall.Number, d.LastCall.Desk); txt != "số a không không hai, mời đến quầy số một" {
		t.Errorf("call text %q", txt)
	}
	// Recall: another announcement of the same ticket.
	if got, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActRecall, 0); err != nil || got.Calls != 2 {
		t.Fatalf("recall: %+v %v", got, err)
	}
	// The other officer takes desk 2; A002 is sent there.
	if err := e.svc.Hold(ctx, e.other, e.unit.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActTransfer, 1); !errors.Is(err, queue.ErrSameDesk) {
		t.Fatalf("transfer to the same desk: %v", err)
	}
	if _, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActTransfer, 9); !errors.Is(err, queue.ErrUnknownDesk) {
		t.Fatalf("transfer to no desk: %v", err)
	}
	if got, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActTransfer, 2); err != nil || got.Status != queue.StatusWaiting || got.Desk != 2 {
		t.Fatalf("transfer: %+v %v", got, err)
	}
	// Desk 2 calls the ticket sent to it first, though A001 waited longer.
	if got, err = e.svc.Act(ctx, e.other, e.unit.ID, 2, queue.ActCallNext, 0); err != nil || got.Number != "A002" {
		t.Fatalf("desk 2 next: %+v %v", got, err)
	}
	// Desk 1 calls A001; it is absent: skipped. Then B001, served and finished.
	e.now = tuesday(8, 20)
	if got, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); err != nil || got.Number != "A001" {
		t.Fatalf("desk 1 next: %+v %v", got, err)
	}
	if got, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActSkip, 0); err != nil || got.Status != queue.StatusSkipped {
		t.Fatalf("skip: %+v %v", got, err)
	}
	if _, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActRecall, 0); !errors.Is(err, queue.ErrNoTicket) {
		t.Fatalf("recall with nobody at the desk: %v", err)
	}
	if got, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); err != nil || got.Number != "B001" {
		t.Fatalf("desk 1 next: %+v %v", got, err)
	}
	e.now = tuesday(8, 30)
	if got, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActFinish, 0); err != nil || got.Status != queue.StatusDone {
		t.Fatalf("finish: %+v %v", got, err)
	}
	if _, err = e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); !errors.Is(err, queue.ErrQueueEmpty) {
		t.Fatalf("empty queue: %v", err)
	}
	// Taking desk 2 away: motcua holds it now, and no longer desk 1.
	if err := e.svc.Hold(ctx, e.counter, e.unit.ID, 2); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); !errors.Is(err, queue.ErrDeskNotHeld) {
		t.Fatalf("desk 1 after moving to desk 2: %v", err)
	}
	// Statistics of the day: B001 waited 8:01 → 8:20 and was served 10 minutes.
	day := calendar.DateOf(e.now)
	st, err := e.svc.Stats(ctx, e.counter, e.unit.ID, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if st.Tickets != 3 || st.Skipped != 1 || st.PerHour[8] != 3 || st.Overall.Served != 1 || st.Overall.AvgService != 10*time.Minute {
		t.Fatalf("stats: %+v", st)
	}
	if len(st.ByDesk) != 2 || st.ByDesk[0].Key != "1" || st.ByDesk[0].Tickets != 2 || st.ByDesk[0].Skipped != 1 {
		t.Fatalf("by desk: %+v", st.ByDesk)
	}
	if len(st.ByGroup) != 2 || st.ByGroup[1].Key != "tu-phap-ho-tich" || st.ByGroup[1].Tickets != 2 {
		t.Fatalf("by group: %+v", st.ByGroup)
	}
	// B001: taken 8:01, called 8:20.
	if g := st.ByGroup[0]; g.Key != "chung-thuc" || g.AvgWait != 19*time.Minute || g.AvgService != 10*time.Minute {
		t.Fatalf("chung-thuc: %+v", g)
	}
	if _, err := e.svc.Stats(ctx, e.principal(t, "tocongnghe"), e.unit.ID, day, day); !errors.Is(err, apperr.ErrForbidden) {
		t.Fatalf("a volunteer reading the statistics: %v", err)
	}
}

// printout is what the fake printer understood of the bytes it received.
type printout struct {
	lines []string // text lines, in order
	big   []string // lines printed in double width and height
	qr    string
	cut   bool
}

// parseESCPOS reads the ESC/POS subset a thermal printer takes; any other byte is an
// error, as a printer would print it as garbage.
func parseESCPOS(b []byte) (printout, error) {
	var p printout
	var line []byte
	mode := byte(0)
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case c == 0x1b && i+1 < len(b) && b[i+1] == '@':
			i += 2
		case c == 0x1b && i+2 < len(b) && (b[i+1] == 'a' || b[i+1] == '!'):
			if b[i+1] == '!' {
				mode = b[i+2]
			}
			i += 3
		case c == 0x1d && i+4 < len(b) && b[i+1] == '(' && b[i+2] == 'k':
			n := int(b[i+3]) | int(b[i+4])<<8
			if i+5+n > len(b) {
				return p, fmt.Errorf("GS ( k at %d: %d bytes announced, %d left", i, n, len(b)-i-5)
			}
			data := b[i+5 : i+5+n]
			if len(data) >= 3 && data[0] == 49 && data[1] == 80 && data[2] == 48 {
				p.qr = string(data[3:])
			}
			i += 5 + n
		case c == 0x1d && i+3 < len(b) && b[i+1] == 'V':
			p.cut = true
			i += 4
		case c == 0x0a:
			if len(line) > 0 {
				p.lines = append(p.lines, string(line))
				if mode&0x30 == 0x30 {
					p.big = append(p.big, string(line))
				}
			}
			line = nil
			i++
		case c >= 0x20 && c < 0x7f:
			line = append(line, c)
			i++
		default:
			return p, fmt.Errorf("unexpected byte %#x at %d", c, i)
		}
	}
	return p, nil
}

// fakePrinter listens like a thermal printer on port 9100 and hands over what each
// connection sent.
func fakePrinter(t *testing.T) (string, <-chan []byte) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	got := make(chan []byte, 4)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			b, _ := io.ReadAll(bufio.NewReader(c))
			c.Close()
			got <- b
		}
	}()
	return ln.Addr().String(), got
}

type refuseSender struct{}

func (refuseSender) Send(context.Context, notify.Message) error {
	return errors.New("not a printer message")
}

func TestTicketPrinted(t *testing.T) {
	e := newFloor(t)
	ctx := context.Background()
	addr, got := fakePrinter(t)
	if err := e.st.SetQueueKiosk(ctx, queue.Kiosk{UnitID: e.unit.ID, Code: "k1", Printer: addr}); err != nil {
		t.Fatal(err)
	}
	e.svc.BaseURL = "https://xa.example.vn"
	tk := e.take(t, "chung-thuc", queue.PriorityPregnant)
	w := &notify.Worker{Store: e.st, Sender: queue.PrinterSender{Next: refuseSender{}}, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Now: func() time.Time { return time.Now().Add(time.Minute) }} // the outbox's clock is the store's
	if n, err := w.Deliver(ctx); err != nil || n != 1 {
		t.Fatalf("deliver: %d sent, %v", n, err)
	}
	p, err := parseESCPOS(<-got)
	if err != nil {
		t.Fatal(err)
	}
	text := strings.Join(p.lines, "\n")
	if len(p.big) != 1 || p.big[0] != tk.Number || !p.cut {
		t.Fatalf("printout: big %q, cut %v\n%s", p.big, p.cut, text)
	}
	for _, want := range []string{"Xa Yen Tu", "PHIEU SO THU TU", "Chung thuc", "Uu tien: Phu nu mang thai", "08:00 07/07/2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("printout lacks %q:\n%s", want, text)
		}
	}
	if p.qr != "https://xa.example.vn"+queue.TicketPath(tk.Token) {
		t.Errorf("QR code %q", p.qr)
	}
}

func TestBookingAndCheckIn(t *testing.T) {
	e := newFloor(t)
	ctx := context.Background()
	e.now = tuesday(7, 0) // before opening
	book := func(group, day, slot, email string) (queue.Booking, error) {
		return e.svc.Book(ctx, queue.BookingRequest{UnitID: e.unit.ID, Group: group, Day: day, Slot: slot, Email: email}, e.unit.Name)
	}
	// dat-dai takes 2 a slot.
	b1, err := book("dat-dai", "2026-07-07", "09:00", "an@example.vn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := book("dat-dai", "2026-07-07", "09:00", ""); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		group, day, slot, email string
		want                    error
	}{
		{"dat-dai", "2026-07-07", "09:00", "", queue.ErrSlotFull},
		{"dat-dai", "2026-07-07", "12:00", "", queue.ErrOutsideHours}, // lunch
		{"dat-dai", "2026-07-07", "18:00", "", queue.ErrOutsideHours},
		{"dat-dai", "2026-07-07", "09:10", "", queue.ErrOutsideHours}, // not a slot's start
		{"dat-dai", "2026-07-12", "09:00", "", queue.ErrOutsideHours}, // Sunday
		{"dat-dai", "2026-07-06", "09:00", "", queue.ErrSlotPast},
		{"dat-dai", "2026-09-30", "09:00", "", queue.ErrTooFar},
		{"dat-dai", "07/07/2026", "09:00", "", queue.ErrBookingDay},
		{"dat-dai", "2026-07-08", "09:00", "not an address", queue.ErrBadEmail},
		{"khong-co", "2026-07-08", "09:00", "", queue.ErrUnknownGroup},
	} {
		if _, err := book(c.group, c.day, c.slot, c.email); !errors.Is(err, c.want) {
			t.Errorf("book %s %s %s: %v, want %v", c.group, c.day, c.slot, err, c.want)
		}
	}
	e.now = time.Date(2026, 8, 20, 9, 0, 0, 0, locale.Zone)
	if _, err := book("dat-dai", "2026-09-02", "09:00", ""); !errors.Is(err, queue.ErrOutsideHours) {
		t.Errorf("book on National Day: %v", err)
	}
	e.now = tuesday(7, 0)
	// Cancelling gives the place back.
	b3, err := book("dat-dai", "2026-07-08", "09:00", "an@example.vn")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Cancel(ctx, b3.Code); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Cancel(ctx, b3.Code); !errors.Is(err, queue.ErrBookingUsed) {
		t.Fatalf("second cancel: %v", err)
	}
	// Its place is free again: the slot of 2 takes two more, then is full.
	for i := range 2 {
		if _, err := book("dat-dai", "2026-07-08", "09:00", ""); err != nil {
			t.Fatalf("booking %d after the cancel: %v", i+1, err)
		}
	}
	if _, err := book("dat-dai", "2026-07-08", "09:00", ""); !errors.Is(err, queue.ErrSlotFull) {
		t.Fatalf("third booking after the cancel: %v, want slot_full", err)
	}
	// The kiosk's scanner types the QR code's address: a priority ticket.
	e.now = tuesday(8, 50)
	plain := e.take(t, "dat-dai", "")
	tk, err := e.svc.CheckIn(ctx, e.unit, "https://xa.example.vn"+queue.BookingPath(b1.Code), demo.FloorKiosk, "")
	if err != nil {
		t.Fatal(err)
	}
	if tk.Priority != queue.PriorityBooked || tk.BookingID != b1.ID || tk.Number != "C002" {
		t.Fatalf("checked in: %+v", tk)
	}
	if _, err := e.svc.CheckIn(ctx, e.unit, b1.Code, demo.FloorKiosk, ""); !errors.Is(err, queue.ErrBookingUsed) {
		t.Fatalf("second check-in: %v", err)
	}
	if _, err := e.svc.CheckIn(ctx, e.unit, "ZZZZ", demo.FloorKiosk, ""); !errors.Is(err, queue.ErrBookingNotFound) {
		t.Fatalf("bad code: %v", err)
	}
	if got, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); err != nil || got.Number != tk.Number {
		t.Fatalf("the booked visit goes first: %+v %v (plain %s)", got, err, plain.Number)
	}
	// The second 09:00 booking never came: a no-show once its slot is over.
	e.now = tuesday(10, 0)
	day := calendar.DateOf(e.now)
	st, err := e.svc.Stats(ctx, e.counter, e.unit.ID, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if st.Bookings != 2 || st.NoShows != 1 {
		t.Fatalf("bookings %d, no-shows %d; want 2, 1", st.Bookings, st.NoShows)
	}
}

func TestDeskRating(t *testing.T) {
	e := newFloor(t)
	ctx := context.Background()
	tk := e.take(t, "tu-phap-ho-tich", "")
	if _, ok, _ := e.svc.RateTarget(ctx, e.unit.ID, 1); ok {
		t.Fatal("something to rate before any call")
	}
	if _, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); err != nil {
		t.Fatal(err)
	}
	target, ok, err := e.svc.RateTarget(ctx, e.unit.ID, 1)
	if err != nil || !ok || target.ID != tk.ID {
		t.Fatalf("rate target: %+v %v %v", target, ok, err)
	}
	if _, err := e.svc.Rate(ctx, e.unit.ID, 1, tk.ID, 5, ""); !errors.Is(err, queue.ErrBadScore) {
		t.Fatalf("score 5: %v", err)
	}
	if _, err := e.svc.Rate(ctx, e.unit.ID, 1, tk.ID, 4, "ten cua toi"); !errors.Is(err, queue.ErrBadReason) {
		t.Fatalf("free text as reason: %v", err)
	}
	if _, err := e.svc.Rate(ctx, e.unit.ID, 2, tk.ID, 4, ""); !errors.Is(err, queue.ErrNothingToRate) {
		t.Fatalf("rating from another desk's tablet: %v", err)
	}
	r, err := e.svc.Rate(ctx, e.unit.ID, 1, tk.ID, 4, "tan-tinh")
	if err != nil {
		t.Fatal(err)
	}
	if r.OfficerID != e.counter.UserID {
		t.Fatalf("rating attached to %d, want motcua %d", r.OfficerID, e.counter.UserID)
	}
	if _, err := e.svc.Rate(ctx, e.unit.ID, 1, tk.ID, 1, ""); !errors.Is(err, queue.ErrNothingToRate) {
		t.Fatalf("second rating: %v", err)
	}
	// Too late: an hour and more after the call.
	tk2 := e.take(t, "tu-phap-ho-tich", "")
	if _, err := e.svc.Act(ctx, e.counter, e.unit.ID, 1, queue.ActCallNext, 0); err != nil {
		t.Fatal(err)
	}
	e.now = e.now.Add(queue.RatingWindow + time.Minute)
	if _, err := e.svc.Rate(ctx, e.unit.ID, 1, tk2.ID, 3, ""); !errors.Is(err, queue.ErrNothingToRate) {
		t.Fatalf("late rating: %v", err)
	}
	day := calendar.DateOf(e.now)
	figs, err := e.svc.OfficerFigures(ctx, e.principal(t, "lanhdao"), e.unit.ID, day, day)
	if err != nil {
		t.Fatal(err)
	}
	if len(figs) != 1 || figs[0].OfficerID != e.counter.UserID || figs[0].Name != "Trần Thị Bình" || figs[0].Ratings != 1 ||
		figs[0].Counts[4] != 1 || figs[0].Average != 4 || figs[0].Satisfied != 100 {
		t.Fatalf("officer figures: %+v", figs)
	}
}
