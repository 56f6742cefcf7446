package e2e

import (
	"context"
	"strings"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// telehealthBookByPhone (issue 23): the health station publishes a video morning on the
// next working day from its page; a person without an account, JavaScript off, picks the
// first slot on /kham-tu-xa, types their phone and why, reads the code the fake SMS
// gateway received, books, and sees the booking's page with its code and secret and when
// the room opens; the station's day lists the booking. Every page fits the phone.
func telehealthBookByPhone(b *tab) {
	s := b.site
	cal, err := workcal.New(s.st).For(context.Background(), mustCommune(b))
	if err != nil {
		b.t.Fatal(err)
	}
	day := calendar.DateOf(time.Now().In(locale.Zone)).AddDays(1)
	for !cal.IsWorkingDay(day) {
		day = day.AddDays(1)
	}
	b.logIn("tramyte", demo.Password, "/tram-y-te")
	b.step("publish a morning", chromedp.SetValue(chromedp.CSS("#th-day"), day.String()), typeInto("#th-doctor", "BS. Phạm Thị Hạnh"),
		chromedp.SetValue(chromedp.CSS("#th-from"), "08:00"), chromedp.SetValue(chromedp.CSS("#th-minutes"), "20"),
		chromedp.SetValue(chromedp.CSS("#th-count"), "6"), follow(`form#publish button[type="submit"]`), atPath("/tram-y-te"),
		hasText("p.flash", "Đã công bố 6 khung giờ khám."), noSideScroll(), b.keep("station"))

	p := s.newTab(b.t, true)
	p.step("open the free slots", p.open("/kham-tu-xa"), hasText("main h1", "Khám, tư vấn sức khỏe từ xa"), noSideScroll(),
		p.keep("telehealth-slots"))
	p.step("pick the first slot", follow(`main a.button[href^="/kham-tu-xa/dat/"]`), hasText("main h1", "Đặt lịch khám từ xa"))
	p.step("type the phone and why, ask for a code", typeInto("#kb-phone", "0978 123 456"), typeInto("#kb-reason", "Cháu sốt hai ngày"),
		follow(`form#code-form button[type="submit"]`), chromedp.WaitVisible(chromedp.CSS("#kb-code")), noSideScroll(), p.keep("telehealth-code"))
	code := waitFor(p, "the fake SMS gateway receives the code", func() (string, bool) {
		for _, m := range s.sms.Sent() {
			if m.To == "+84978123456" {
				if c := otpCode.FindStringSubmatch(m.Text); c != nil {
					return c[1], true
				}
			}
		}
		return "", false
	})
	p.step("type the code and book", typeInto("#kb-code", code), follow(`form#book-form button[type="submit"]`),
		hasTextContaining("main h1", "Lịch khám KB-"), chromedp.WaitVisible(chromedp.CSS("#booking-secret")),
		chromedp.WaitVisible(chromedp.CSS("#room-later")), noSideScroll(), p.keep("telehealth-booked"))
	booking := p.text("#booking-code")
	if !strings.HasPrefix(booking, "KB-") {
		b.t.Fatalf("booking code %q", booking)
	}
	b.step("the station's day lists it", b.open("/tram-y-te?ngay="+day.String()), hasTextContaining("#bookings", booking),
		hasTextContaining("#bookings", "Cháu sốt hai ngày"), noSideScroll())
}

func mustCommune(b *tab) int64 {
	u, err := b.site.st.UnitByCode(context.Background(), demo.CommuneCode)
	if err != nil {
		b.t.Fatal(err)
	}
	return u.ID
}
