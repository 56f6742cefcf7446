package report_test

import (
	"context"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/feedback"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/workcal"
)

// TestFeedbackSatisfaction: a complaint about a dossier filed in April 2024, assigned,
// and answered after its deadline (10 working days) moves the satisfaction group as
// Decision 766 says: feedback handled on time 0/1, satisfied with the handling 0/1, and
// 5.4 loses the dossier's share (1 of the 4 dossiers: 25%) although the dossier itself was
// resolved on time; a dossier that is both late and complained about is subtracted once.
func TestFeedbackSatisfaction(t *testing.T) {
	ctx := context.Background()
	st, commune := loadDemo(t)
	vn := func(s string) time.Time {
		v, err := time.Parse("2006-01-02 15:04", s)
		if err != nil {
			t.Fatal(err)
		}
		return v.Add(-7 * time.Hour).UTC()
	}
	ptr := func(s string) *time.Time { v := vn(s); return &v }
	rec := func(name, received, due, resolved string) dossier.Record {
		return dossier.Record{Unit: commune.Code, ProcedureCode: demo.CurrentProcedure, Channel: dossier.ChannelCounter,
			Applicant: dossier.Applicant{FullName: name, Email: "nguoidan@example.vn"}, ReceivedAt: vn(received), DueAt: vn(due),
			Status: dossier.StatusReturned, ResolvedAt: ptr(resolved), EndedAt: ptr(resolved)}
	}
	codes, err := dossier.Import(ctx, st, []dossier.Record{
		rec("Một", "2024-04-01 09:00", "2024-04-04 17:00", "2024-04-03 10:00"),
		rec("Hai", "2024-04-01 10:00", "2024-04-04 17:00", "2024-04-04 10:00"),
		rec("Ba (trễ)", "2024-04-02 09:00", "2024-04-05 17:00", "2024-04-09 10:00"),
		rec("Bốn", "2024-04-02 10:00", "2024-04-05 17:00", "2024-04-05 10:00"),
	})
	if err != nil {
		t.Fatal(err)
	}
	now := vn("2024-04-08 09:00")
	svc := &feedback.Service{Store: st, Calendars: workcal.New(st), Now: func() time.Time { return now }}
	period := report.Params{From: "2024-04-01", To: "2024-04-30", Today: calendar.NewDate(2024, time.May, 6)}
	indicators := func() map[string]report.Indicator {
		t.Helper()
		idx, err := report.IndexReport(ctx, st, commune, period)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]report.Indicator{}
		for _, ind := range idx.Indicators {
			out[ind.ID] = ind
		}
		return out
	}
	rate := func(ind report.Indicator) float64 {
		t.Helper()
		if ind.Rate == nil {
			t.Fatalf("%s has no rate: %+v", ind.ID, ind)
		}
		return *ind.Rate
	}
	before := indicators()
	// One late of four: 75%; no feedback yet: the feedback indicators have nothing to divide.
	if got := rate(before["satisfaction.rate"]); got != 75 {
		t.Fatalf("5.4 before any complaint: %v", got)
	}
	if fb := before["satisfaction.feedback"]; fb.Rate != nil || !fb.Computable || fb.Note == "" {
		t.Fatalf("feedback on time without feedback: %+v", fb)
	}

	one, err := st.DossierByCode(ctx, codes[0])
	if err != nil {
		t.Fatal(err)
	}
	f, err := svc.File(ctx, feedback.Filer{DossierCode: one.Code, Secret: one.Secret},
		feedback.Filing{Kind: "complaint", Content: "Cán bộ hẹn lại nhiều lần, tôi phải đi lại ba lần."})
	if err != nil {
		t.Fatal(err)
	}
	// Ten working days from Monday 8 April 2024, Giỗ Tổ Hùng Vương (18 April) off:
	// Tuesday 23 April.
	if got := calendar.DateOf(f.DueAt); got != calendar.NewDate(2024, time.April, 23) || f.Contact != "nguoidan@example.vn" {
		t.Fatalf("due %s, contact %q", got, f.Contact)
	}
	leader := principal(t, st, "lanhdao")
	specialist := principal(t, st, "chuyenvien")
	if _, err := svc.Assign(ctx, leader, f.ID, 0, specialist.UserID); err != nil {
		t.Fatal(err)
	}
	now = vn("2024-04-25 10:00") // after the deadline
	if _, err := svc.Answer(ctx, specialist, f.ID, 0, "Đơn vị xin lỗi ông/bà và đã nhắc nhở cán bộ."); err != nil {
		t.Fatal(err)
	}
	after := indicators()
	if fb := after["satisfaction.feedback"]; fb.Numerator == nil || *fb.Numerator != 0 || *fb.Denominator != 1 || rate(fb) != 0 {
		t.Fatalf("feedback handled on time: %+v", fb)
	}
	if fb := after["satisfaction.feedback_rate"]; fb.Numerator == nil || *fb.Numerator != 0 || *fb.Denominator != 1 {
		t.Fatalf("satisfied with the handling: %+v", fb)
	}
	// 100 − (25% late + 25% complained about and not late) = 50%.
	if got := rate(after["satisfaction.rate"]); got != 50 {
		t.Fatalf("5.4 after the complaint: %v (%s)", got, after["satisfaction.rate"].Note)
	}
	// A complaint about the late dossier subtracts nothing more: it is late already.
	three, err := st.DossierByCode(ctx, codes[2])
	if err != nil {
		t.Fatal(err)
	}
	now = vn("2024-04-26 09:00")
	if _, err := svc.File(ctx, feedback.Filer{DossierCode: three.Code, Secret: three.Secret},
		feedback.Filing{Kind: "complaint", Content: "Hồ sơ của tôi bị trả chậm so với giấy hẹn."}); err != nil {
		t.Fatal(err)
	}
	last := indicators()
	if got := rate(last["satisfaction.rate"]); got != 50 {
		t.Fatalf("5.4 after a complaint about the late dossier: %v", got)
	}
	// Still open on 30 April, within its deadline: handled on time so far (1 of 2).
	if fb := last["satisfaction.feedback"]; *fb.Numerator != 1 || *fb.Denominator != 2 || rate(fb) != 50 {
		t.Fatalf("feedback handled on time: %+v", fb)
	}
	// The answered complaint's citizen is dissatisfied: that changes nothing more (it
	// was late already), and a second verdict is refused.
	if _, err := svc.Judge(ctx, nil, f.ID, one.Secret, feedback.VerdictDissatisfied); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Judge(ctx, nil, f.ID, one.Secret, feedback.VerdictSatisfied); err != feedback.ErrVerdict {
		t.Fatalf("second verdict: %v", err)
	}
}

func principal(t *testing.T, st interface {
	UserByUsername(context.Context, string) (auth.User, error)
	Memberships(context.Context, int64) ([]auth.Membership, error)
}, name string) *auth.Principal {
	t.Helper()
	u, err := st.UserByUsername(context.Background(), name)
	if err != nil {
		t.Fatal(err)
	}
	ms, err := st.Memberships(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return &auth.Principal{UserID: u.ID, Username: u.Username, FullName: u.FullName, Memberships: ms}
}
