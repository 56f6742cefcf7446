package queue_test

import (
	"errors"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/queue"
)

func TestFormatNumber(t *testing.T) {
	for _, c := range []struct {
		letter string
		seq    int
		want   string
	}{{"A", 1, "A001"}, {"A", 12, "A012"}, {"C", 999, "C999"}, {"B", 1000, "B1000"}} {
		if got := queue.FormatNumber(c.letter, c.seq); got != c.want {
			t.Errorf("FormatNumber(%s, %d) = %s, want %s", c.letter, c.seq, got, c.want)
		}
	}
}

func TestCallText(t *testing.T) {
	for _, c := range []struct {
		number string
		desk   int
		want   string
	}{
		{"0123", 2, "số không một hai ba, mời đến quầy số hai"},
		{"A012", 1, "số a không một hai, mời đến quầy số một"},
		{"B105", 10, "số bê một không năm, mời đến quầy số mười"},
		{"C020", 15, "số xê không hai không, mời đến quầy số mười lăm"},
	} {
		if got := queue.CallText(c.number, c.desk); got != c.want {
			t.Errorf("CallText(%s, %d) = %q, want %q", c.number, c.desk, got, c.want)
		}
	}
}

func TestParseBookingCode(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"K7M2QX4P", "K7M2QX4P"},
		{" k7m2-qx4p ", "K7M2QX4P"},
		{"K7M2 QX4P", "K7M2QX4P"},
		{"https://xa.example.vn/hen/K7M2QX4P", "K7M2QX4P"},
		{"https://xa.example.vn/hen/K7M2QX4P?x=1", "K7M2QX4P"},
		{"/hen/k7m2qx4p/", "K7M2QX4P"},
		{"K7M2QX4", ""},   // too short
		{"K7M2QX4PA", ""}, // too long
		{"K7M2QX4O", ""},  // O is not in the alphabet
		{"K7M2QX41", ""},  // nor 1
		{"K7M2QX4Ⓟ", ""},  // nor anything outside ASCII
		{"", ""},          // nothing
		{strings.Repeat("A", queue.MaxCheckIn+1), ""},
	} {
		got, err := queue.ParseBookingCode(c.in)
		if c.want == "" {
			if !errors.Is(err, queue.ErrBookingNotFound) {
				t.Errorf("ParseBookingCode(%q) = %q, %v; want booking_not_found", c.in, got, err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("ParseBookingCode(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for range 100 {
		code := queue.NewBookingCode()
		if got, err := queue.ParseBookingCode(code); err != nil || got != code {
			t.Fatalf("a new code %q does not parse: %q %v", code, got, err)
		}
	}
}

// FuzzParseBookingCode: whatever a kiosk's field or scanner sends, the parser answers a
// code of eight signs of the alphabet or booking_not_found, and never panics.
func FuzzParseBookingCode(f *testing.F) {
	for _, s := range []string{"K7M2QX4P", "https://xa.example.vn/hen/K7M2QX4P", "/hen/", "/hen//hen/abc", "\xff\xfe", "k7m2-qx4p"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		code, err := queue.ParseBookingCode(s)
		if err != nil {
			if !errors.Is(err, queue.ErrBookingNotFound) {
				t.Fatalf("%q: %v", s, err)
			}
			return
		}
		if len(code) != 8 || strings.Trim(code, "ABCDEFGHJKMNPQRSTUVWXYZ23456789") != "" || !utf8.ValidString(code) {
			t.Fatalf("%q gave %q", s, code)
		}
	})
}

func TestDaySlots(t *testing.T) {
	cal, err := calendar.Default(2026, 2027)
	if err != nil {
		t.Fatal(err)
	}
	g := queue.Group{SlotMinutes: 30, SlotCapacity: 4}
	slots := queue.DaySlots(cal, calendar.DefaultOfficeHours(), calendar.NewDate(2026, 7, 7), g)
	var starts []string
	for _, s := range slots {
		starts = append(starts, s.String())
	}
	// 07:30–11:30 and 13:00–17:00: eight slots each.
	want := "07:30 08:00 08:30 09:00 09:30 10:00 10:30 11:00 13:00 13:30 14:00 14:30 15:00 15:30 16:00 16:30"
	if got := strings.Join(starts, " "); got != want {
		t.Errorf("slots of a Tuesday:\n got %s\nwant %s", got, want)
	}
	if s := queue.DaySlots(cal, calendar.DefaultOfficeHours(), calendar.NewDate(2026, 9, 2), g); len(s) != 0 {
		t.Errorf("National Day has %d slots", len(s))
	}
}

func TestReminderAt(t *testing.T) {
	day := calendar.NewDate(2026, 7, 8)
	at := func(d, h, m int) time.Time { return time.Date(2026, 7, d, h, m, 0, 0, locale.Zone) }
	for _, c := range []struct {
		now  time.Time
		want time.Time
		ok   bool
	}{
		{at(6, 10, 0), at(7, 16, 0), true}, // booked days ahead: the afternoon before
		{at(7, 17, 0), at(8, 7, 0), true},  // booked in the evening: two hours before 09:00
		{at(8, 7, 30), time.Time{}, false}, // booked at the last minute: none
	} {
		got, ok := queue.ReminderAt(day, calendar.NewClock(9, 0), c.now)
		if ok != c.ok || ok && !got.Equal(c.want) {
			t.Errorf("booked at %v: reminder %v %v, want %v %v", c.now, got, ok, c.want, c.ok)
		}
	}
}

func TestPriorityAndRating(t *testing.T) {
	for _, c := range []struct {
		in    string
		kiosk bool
		ok    bool
	}{{"", true, true}, {"elderly", true, true}, {"pregnant", true, true}, {"booked", true, false}, {"booked", false, true}, {"vip", true, false}} {
		if _, err := queue.ParsePriority(c.in, c.kiosk); (err == nil) != c.ok {
			t.Errorf("ParsePriority(%q, %v): %v", c.in, c.kiosk, err)
		}
	}
	for _, c := range []struct {
		score  int
		reason string
		want   error
	}{{1, "", nil}, {4, "tan-tinh", nil}, {0, "", queue.ErrBadScore}, {5, "", queue.ErrBadScore}, {3, "Nguyễn Văn An", queue.ErrBadReason}} {
		if err := queue.CheckRating(c.score, c.reason); !errors.Is(err, c.want) && !(err == nil && c.want == nil) {
			t.Errorf("CheckRating(%d, %q) = %v, want %v", c.score, c.reason, err, c.want)
		}
	}
}

func TestASCII(t *testing.T) {
	if got := queue.ASCII("Xã Yên Từ – Đất đai\x1b@"); got != "Xa Yen Tu - Dat dai @" {
		t.Errorf("ASCII = %q", got)
	}
}
