package dossier

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
)

const commune, other = 2, 3

func procedure(t *testing.T) catalog.Procedure {
	t.Helper()
	p := catalog.Procedure{
		Code: "1.001193", Name: "Đăng ký khai sinh", Field: catalog.Field{Code: "ho-tich", Name: "Hộ tịch"},
		ImplementingLevel: catalog.LevelCommune, CompetentLevel: catalog.LevelCommune,
		LegalTime: catalog.Duration{Value: 3, Unit: catalog.Days}, Result: catalog.ResultPaper, OnlineLevel: catalog.OnlineFull,
		Form: []catalog.FormField{{Name: "ten_tre", Label: "Họ tên trẻ", Type: catalog.FieldText, Required: true, MaxLength: 100}},
		Workflow: catalog.Workflow{Steps: []catalog.Step{
			{Name: "Tiếp nhận", Role: auth.RoleCounter, BudgetHours: 2, Actions: []catalog.Action{catalog.ActionForward, catalog.ActionRequestSupplement, catalog.ActionRefuse}},
			{Name: "Thẩm định", Role: auth.RoleSpecialist, BudgetHours: 12, Actions: []catalog.Action{catalog.ActionForward, catalog.ActionSendBack, catalog.ActionRequestSupplement, catalog.ActionRefuse}},
			{Name: "Phê duyệt", Role: auth.RoleLeader, BudgetHours: 8, Actions: []catalog.Action{catalog.ActionApprove, catalog.ActionSign, catalog.ActionSendBack, catalog.ActionRefuse}},
			{Name: "Trả kết quả", Role: auth.RoleCounter, BudgetHours: 2, Actions: []catalog.Action{catalog.ActionReturnResult}},
		}},
		Version: 1, Status: catalog.StatusPublished,
	}
	if err := p.Validate(); err != nil {
		t.Fatalf("test procedure invalid: %v", err)
	}
	return p
}

func rules(t *testing.T) Rules {
	t.Helper()
	cal, err := calendar.Default(2025, 2027)
	if err != nil {
		t.Fatal(err)
	}
	return Rules{Procedure: procedure(t), Calendar: cal}
}

func person(id int64, unit int64, roles ...auth.Role) Actor {
	p := &auth.Principal{UserID: id, Username: "u"}
	for _, r := range roles {
		p.Memberships = append(p.Memberships, auth.Membership{UnitID: unit, Role: r})
	}
	return Actor{P: p}
}

var (
	counterOfficer = person(1, commune, auth.RoleCounter)
	specialist     = person(2, commune, auth.RoleSpecialist)
	leader         = person(3, commune, auth.RoleLeader)
	otherLeader    = person(4, other, auth.RoleLeader)
	citizen        = Actor{P: &auth.Principal{UserID: 9, Username: "congdan"}, Owner: true}
	stranger       = Actor{P: &auth.Principal{UserID: 10, Username: "khac"}}
)

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

var applicant = Applicant{FullName: "Nguyễn  Văn An", IDNumber: "037085001234", Phone: "0912 345 678", Email: "an@example.vn", Address: "Thôn Quảng Từ"}

func counterDossier(t *testing.T, r Rules, now string) Dossier {
	t.Helper()
	d, ev, err := New(r, Intake{Channel: ChannelCounter, Applicant: applicant, ReceivingUnitID: commune}, counterOfficer, at(now))
	if err != nil {
		t.Fatal(err)
	}
	if ev.Action != ActReceive || ev.ToStatus != StatusReceived {
		t.Fatalf("intake event %+v", ev)
	}
	return d
}

func must(t *testing.T, d *Dossier, r Rules, act Action, a Actor, now string, reason ...string) Event {
	t.Helper()
	req := Request{Action: act, Actor: a, Now: at(now)}
	if len(reason) > 0 {
		req.Reason = reason[0]
	}
	ev, err := d.Apply(r, req)
	if err != nil {
		t.Fatalf("%s at %s: %v", act, now, err)
	}
	return ev
}

func refuse(t *testing.T, d *Dossier, r Rules, req Request, want error) {
	t.Helper()
	before := *d
	if _, err := d.Apply(r, req); !errors.Is(err, want) {
		t.Fatalf("%s by %v: err = %v, want %v", req.Action, req.Actor.P.Memberships, err, want)
	}
	if d.Status != before.Status || d.Step != before.Step || d.DueAt != before.DueAt {
		t.Fatal("a refused transition changed the dossier")
	}
}

func TestHappyPath(t *testing.T) {
	r := rules(t)
	d := counterDossier(t, r, "2026-03-02T09:00:00+07:00") // Monday
	if d.Applicant.FullName != "Nguyễn Văn An" || d.Applicant.Phone != "0912345678" {
		t.Fatalf("applicant not normalised: %+v", d.Applicant)
	}
	if got := d.DueAt.Format(time.RFC3339); got != "2026-03-05T09:00:00+07:00" {
		t.Fatalf("due %s", got)
	}
	refuse(t, &d, r, Request{Action: ActForward, Actor: specialist, Now: at("2026-03-02T10:00:00+07:00")}, ErrNotYourStep)
	must(t, &d, r, ActForward, counterOfficer, "2026-03-02T10:00:00+07:00")
	if d.Status != StatusProcessing || d.Step != 1 {
		t.Fatalf("after forward: %s step %d", d.Status, d.Step)
	}
	refuse(t, &d, r, Request{Action: ActApprove, Actor: specialist, Now: at("2026-03-03T10:00:00+07:00")}, ErrTransition)
	must(t, &d, r, ActForward, specialist, "2026-03-03T10:00:00+07:00")
	refuse(t, &d, r, Request{Action: ActApprove, Actor: otherLeader, Now: at("2026-03-04T10:00:00+07:00")}, ErrNotYourStep)
	ev := must(t, &d, r, ActSign, leader, "2026-03-04T10:00:00+07:00")
	if d.Status != StatusResolved || d.Timeliness != Early || d.Step != 3 || ev.FromStep != 2 || ev.ToStep != 3 {
		t.Fatalf("after sign: %+v", d)
	}
	refuse(t, &d, r, Request{Action: ActWithdraw, Actor: citizen, Reason: "x", Now: at("2026-03-04T11:00:00+07:00")}, ErrTransition)
	must(t, &d, r, ActReturn, counterOfficer, "2026-03-05T08:00:00+07:00")
	if d.Status != StatusReturned || !d.Status.Final() || d.EndedAt.IsZero() {
		t.Fatalf("after return: %+v", d)
	}
	for _, act := range Actions {
		if _, err := d.Apply(r, Request{Action: act, Actor: leader, Reason: "x", Now: at("2026-03-06T08:00:00+07:00")}); err == nil {
			t.Errorf("%s allowed on a returned dossier", act)
		}
	}
}

func TestOnlineIntakeAndCounterCheck(t *testing.T) {
	r := rules(t)
	in := Intake{Channel: ChannelOnline, Applicant: applicant, ReceivingUnitID: commune, OwnerID: 9, Fields: map[string]string{"ten_tre": "Nguyễn Thị Bé"}}
	d, ev, err := New(r, in, citizen, at("2026-03-02T20:00:00+07:00"))
	if err != nil {
		t.Fatal(err)
	}
	if d.Status != StatusSubmitted || !d.DueAt.IsZero() || ev.Action != "submit" {
		t.Fatalf("online intake: %+v %+v", d, ev)
	}
	// Incomplete: guidance (form 02), no clock.
	must(t, &d, r, ActRequestSupplement, counterOfficer, "2026-03-03T08:00:00+07:00", "Thiếu giấy chứng sinh")
	if d.Status != StatusSupplementRequested || d.Supplements != 0 || !d.PausedAt.IsZero() {
		t.Fatalf("guidance: %+v", d)
	}
	refuse(t, &d, r, Request{Action: ActSupplement, Actor: stranger, Now: at("2026-03-03T09:00:00+07:00")}, ErrNotYourStep)
	must(t, &d, r, ActSupplement, citizen, "2026-03-03T09:00:00+07:00")
	if d.Status != StatusSubmitted {
		t.Fatalf("after supplement: %s", d.Status)
	}
	refuse(t, &d, r, Request{Action: ActReceive, Actor: specialist, Now: at("2026-03-03T10:00:00+07:00")}, ErrNotYourStep)
	must(t, &d, r, ActReceive, counterOfficer, "2026-03-03T10:00:00+07:00")
	if d.Status != StatusReceived || d.DueAt.Format(time.RFC3339) != "2026-03-06T10:00:00+07:00" {
		t.Fatalf("received: %s due %s", d.Status, d.DueAt)
	}
}

func TestIntakeValidation(t *testing.T) {
	r := rules(t)
	tests := []struct {
		name   string
		mutate func(*Intake)
		actor  Actor
		fields []string
	}{
		{"online without id, phone, required field", func(in *Intake) {
			in.Channel, in.Applicant.IDNumber, in.Applicant.Phone = ChannelOnline, "", ""
		}, citizen, []string{"applicant.id_number", "applicant.phone", "fields.ten_tre"}},
		{"bad CCCD", func(in *Intake) { in.Applicant.IDNumber = "999085001234" }, counterOfficer, []string{"applicant.id_number"}},
		{"short CCCD", func(in *Intake) { in.Applicant.IDNumber = "03708500123" }, counterOfficer, []string{"applicant.id_number"}},
		{"no name", func(in *Intake) { in.Applicant.FullName = "   " }, counterOfficer, []string{"applicant.full_name"}},
		{"bad phone and e-mail", func(in *Intake) { in.Applicant.Phone, in.Applicant.Email = "12345", "an@" }, counterOfficer, []string{"applicant.phone", "applicant.email"}},
		{"assisted without naming the consenting citizen", func(in *Intake) {
			in.Channel = ChannelAssisted
			in.Fields = map[string]string{"ten_tre": "Bé"}
		}, person(5, commune, auth.RoleDigitalTeam), []string{"owner"}},
		{"unknown field", func(in *Intake) { in.Fields = map[string]string{"khong_co": "x"} }, counterOfficer, []string{"fields.khong_co"}},
		{"bad channel", func(in *Intake) { in.Channel = "fax" }, counterOfficer, []string{"channel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := Intake{Channel: ChannelCounter, Applicant: applicant, ReceivingUnitID: commune}
			tt.mutate(&in)
			_, _, err := New(r, in, tt.actor, at("2026-03-02T09:00:00+07:00"))
			var fe *FieldError
			if !errors.As(err, &fe) || !errors.Is(err, ErrInvalidInput) {
				t.Fatalf("err = %v", err)
			}
			for _, f := range tt.fields {
				if fe.Fields[f] == "" {
					t.Errorf("no message for %s: %v", f, fe.Fields)
				}
			}
			if len(fe.Fields) != len(tt.fields) {
				t.Errorf("messages %v, want exactly %v", fe.Fields, tt.fields)
			}
		})
	}
	// Counter intake may leave the form fields empty: the paper form holds them.
	if _, _, err := New(r, Intake{Channel: ChannelCounter, Applicant: Applicant{FullName: "Lê Thị Hoa"}, ReceivingUnitID: commune},
		counterOfficer, at("2026-03-02T09:00:00+07:00")); err != nil {
		t.Fatalf("counter intake with empty fields: %v", err)
	}
	if _, _, err := New(r, Intake{Channel: ChannelCounter, Applicant: applicant, ReceivingUnitID: commune}, specialist,
		at("2026-03-02T09:00:00+07:00")); !errors.Is(err, ErrNotYourStep) {
		t.Fatalf("a specialist receives at the counter: %v", err)
	}
}

func TestSupplementPausesTheClock(t *testing.T) {
	r := rules(t)
	d := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	must(t, &d, r, ActForward, counterOfficer, "2026-03-02T09:30:00+07:00")
	refuse(t, &d, r, Request{Action: ActRequestSupplement, Actor: specialist, Now: at("2026-03-03T10:00:00+07:00")}, ErrReason)
	must(t, &d, r, ActRequestSupplement, specialist, "2026-03-03T10:00:00+07:00", "Bổ sung bản sao giấy đăng ký kết hôn")
	if d.Status != StatusSupplementRequested || d.Supplements != 1 {
		t.Fatalf("%+v", d)
	}
	refuse(t, &d, r, Request{Action: ActForward, Actor: specialist, Now: at("2026-03-04T10:00:00+07:00")}, ErrTransition)
	// Two working days later (16 working hours): the due time moves two days.
	must(t, &d, r, ActSupplement, citizen, "2026-03-05T10:00:00+07:00")
	if d.Status != StatusProcessing || d.PausedMinutes != 16*60 || d.DueAt.Format(time.RFC3339) != "2026-03-09T09:00:00+07:00" {
		t.Fatalf("after supplement: %s paused %d due %s", d.Status, d.PausedMinutes, d.DueAt.Format(time.RFC3339))
	}
}

func TestLateAndExtension(t *testing.T) {
	r := rules(t)
	d := counterDossier(t, r, "2026-03-02T09:00:00+07:00") // due Thursday 5 March 09:00
	must(t, &d, r, ActForward, counterOfficer, "2026-03-02T09:30:00+07:00")
	refuse(t, &d, r, Request{Action: ActExtend, Actor: leader, Reason: "Cần xác minh", NewDue: at("2026-03-04T09:00:00+07:00"), Now: at("2026-03-03T09:00:00+07:00")}, ErrExtendDate)
	refuse(t, &d, r, Request{Action: ActExtend, Actor: counterOfficer, Reason: "x", NewDue: at("2026-03-10T09:00:00+07:00"), Now: at("2026-03-03T09:00:00+07:00")}, ErrNotYourStep)
	// The cap: the procedure's three working days again from Thursday 5 March 09:00.
	refuse(t, &d, r, Request{Action: ActExtend, Actor: specialist, Reason: "x", NewDue: at("2026-03-10T09:01:00+07:00"), Now: at("2026-03-03T09:00:00+07:00")}, ErrExtendCap)
	refuse(t, &d, r, Request{Action: ActExtend, Actor: specialist, Reason: "x", NewDue: at("2026-03-12T09:00:00+07:00"), Now: at("2026-03-03T09:00:00+07:00"), ApproveLonger: true}, ErrExtendCap)
	if _, err := d.Apply(r, Request{Action: ActExtend, Actor: leader, Reason: "Cần xác minh thêm", NewDue: at("2026-03-10T09:00:00+07:00"), Now: at("2026-03-04T09:00:00+07:00")}); err != nil {
		t.Fatal(err)
	}
	if d.ExtendedDueAt.IsZero() || d.DueAt.Format(time.RFC3339) != "2026-03-05T09:00:00+07:00" {
		t.Fatalf("extension: %+v", d)
	}
	refuse(t, &d, r, Request{Action: ActExtend, Actor: leader, Reason: "x", NewDue: at("2026-03-12T09:00:00+07:00"), Now: at("2026-03-04T10:00:00+07:00")}, ErrExtendedOnce)
	must(t, &d, r, ActForward, specialist, "2026-03-06T09:00:00+07:00")
	must(t, &d, r, ActApprove, leader, "2026-03-09T09:00:00+07:00")
	if d.Timeliness != Late {
		t.Fatalf("resolved after the original appointment must count late even when extended: %s", d.Timeliness)
	}

	// On the due date itself an apology is too late.
	e := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	refuse(t, &e, r, Request{Action: ActExtend, Actor: leader, Reason: "x", NewDue: at("2026-03-10T09:00:00+07:00"), Now: at("2026-03-05T08:00:00+07:00")}, ErrExtendLate)
}

func TestRefuseStopWithdraw(t *testing.T) {
	r := rules(t)
	d := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	refuse(t, &d, r, Request{Action: ActRefuse, Actor: counterOfficer, Now: at("2026-03-02T10:00:00+07:00")}, ErrReason)
	must(t, &d, r, ActRefuse, counterOfficer, "2026-03-02T10:00:00+07:00", "Không thuộc thẩm quyền")
	if d.Status != StatusRefused || d.Reason != "Không thuộc thẩm quyền" {
		t.Fatalf("%+v", d)
	}

	s := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	refuse(t, &s, r, Request{Action: ActStop, Actor: specialist, Reason: "x", Now: at("2026-03-03T10:00:00+07:00")}, ErrNotYourStep)
	must(t, &s, r, ActStop, leader, "2026-03-03T10:00:00+07:00", "Người dân đề nghị dừng theo khoản 2 Điều 8")
	if s.Status != StatusStopped {
		t.Fatal(s.Status)
	}

	w := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	w.OwnerID = 9
	refuse(t, &w, r, Request{Action: ActWithdraw, Actor: stranger, Reason: "x", Now: at("2026-03-03T10:00:00+07:00")}, ErrNotYourStep)
	must(t, &w, r, ActWithdraw, citizen, "2026-03-03T10:00:00+07:00", "Không có nhu cầu nữa")
	if w.Status != StatusWithdrawn {
		t.Fatal(w.Status)
	}
}

func TestSendBack(t *testing.T) {
	r := rules(t)
	d := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	refuse(t, &d, r, Request{Action: ActSendBack, Actor: counterOfficer, Reason: "x", Now: at("2026-03-02T10:00:00+07:00")}, ErrTransition)
	must(t, &d, r, ActForward, counterOfficer, "2026-03-02T10:00:00+07:00")
	must(t, &d, r, ActSendBack, specialist, "2026-03-02T11:00:00+07:00", "Thiếu chữ ký người nộp")
	if d.Step != 0 || d.Status != StatusReceived {
		t.Fatalf("after send back: step %d %s", d.Step, d.Status)
	}
}

// TestDeskOnlyWorkflow: a certification done at the desk has one step that returns the
// result, which resolves and returns at once.
func TestDeskOnlyWorkflow(t *testing.T) {
	r := rules(t)
	r.Procedure.LegalTime = catalog.Duration{Value: 4, Unit: catalog.Hours}
	r.Procedure.CutOff = "15:00"
	r.Procedure.Workflow = catalog.Workflow{Steps: []catalog.Step{{Name: "Chứng thực", Role: auth.RoleCounter, BudgetHours: 4,
		Actions: []catalog.Action{catalog.ActionReturnResult, catalog.ActionRefuse}}}}
	d := counterDossier(t, r, "2026-03-02T15:30:00+07:00") // after the cut-off: counts from Tuesday
	if got := d.DueAt.Format(time.RFC3339); got != "2026-03-03T11:30:00+07:00" {
		t.Fatalf("due %s", got)
	}
	must(t, &d, r, ActReturn, counterOfficer, "2026-03-03T09:00:00+07:00")
	if d.Status != StatusReturned || d.Timeliness != OnTime || d.ResolvedAt.IsZero() {
		t.Fatalf("%+v", d)
	}
}

func TestAllowed(t *testing.T) {
	r := rules(t)
	d := counterDossier(t, r, "2026-03-02T09:00:00+07:00")
	now := at("2026-03-02T10:00:00+07:00")
	got := d.Allowed(r, counterOfficer, now)
	want := []Action{ActForward, ActRequestSupplement, ActRefuse, ActWithdraw}
	if strings.Join(actionNames(got), ",") != strings.Join(actionNames(want), ",") {
		t.Fatalf("counter may %v, want %v", got, want)
	}
	if got := d.Allowed(r, specialist, now); len(got) != 0 {
		t.Fatalf("specialist may %v at the counter step", got)
	}
	if d.Status != StatusReceived {
		t.Fatal("Allowed changed the dossier")
	}
}

func actionNames(as []Action) []string {
	out := make([]string, len(as))
	for i, a := range as {
		out[i] = string(a)
	}
	return out
}

func TestClassify(t *testing.T) {
	due := at("2026-03-05T09:00:00+07:00")
	for done, want := range map[string]Timeliness{
		"2026-03-04T16:59:00+07:00": Early,
		"2026-03-05T08:00:00+07:00": OnTime,
		"2026-03-05T16:00:00+07:00": OnTime, // same date, after the hour: still on time
		"2026-03-06T07:31:00+07:00": Late,
		"2026-03-04T17:30:00Z":      OnTime, // 00:30 on the 5th in Vietnam
	} {
		if got := Classify(at(done), due); got != want {
			t.Errorf("Classify(%s) = %s, want %s", done, got, want)
		}
	}
}

func TestCodes(t *testing.T) {
	day := calendar.Date{Year: 2026, Month: time.January, Day: 26}
	for seq, want := range map[int]string{7: "000.31.37.H45-260126-0007", 9999: "000.31.37.H45-260126-9999", 12345: "000.31.37.H45-260126-12345"} {
		code := FormatCode("000.31.37.H45", day, seq)
		if code != want {
			t.Errorf("FormatCode(%d) = %s", seq, code)
		}
		ident, d, s, err := ParseCode(code)
		if err != nil || ident != "000.31.37.H45" || d != day || s != seq {
			t.Errorf("ParseCode(%s) = %s %v %d %v", code, ident, d, s, err)
		}
	}
	for _, bad := range []string{"", "H45-260126-0007", "000.31.37.H45-261326-0007", "000.31.37.H45-260230-0007", "000.31.37.H45-260126-007",
		"000.31.37.H45-260126-0000", "000.31.37.H45-260126-00012", "000.31.37.h45-260126-0007", "000.31.37.H45-260126-0007 "} {
		if _, _, _, err := ParseCode(bad); !errors.Is(err, ErrBadCode) {
			t.Errorf("ParseCode(%q) accepted", bad)
		}
	}
	s := NewSecret()
	if len(s) != 8 || strings.ContainsAny(s, "01OIL") || NewSecret() == s {
		t.Errorf("secret %q", s)
	}
}

func FuzzParseCode(f *testing.F) {
	f.Add("000.31.37.H45-260126-0007")
	f.Add("000.00.12.H45-991231-123456789")
	f.Fuzz(func(t *testing.T, s string) {
		ident, day, seq, err := ParseCode(s)
		if err != nil {
			return
		}
		if got := FormatCode(ident, day, seq); got != s {
			t.Fatalf("round trip %q → %q", s, got)
		}
	})
}
