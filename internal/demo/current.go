package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// current files, through the same service officers use, a handful of dossiers of the
// last days in every state, so that every inbox and page has something to show.
func current(ctx context.Context, svc *dossier.Service, unitID int64, users map[auth.Role]*auth.Principal, proc catalog.Procedure, cal *calendar.Calendar, now time.Time) ([]dossier.Dossier, error) {
	actor := func(r auth.Role) dossier.Actor { return dossier.Actor{P: users[r]} }
	// workingDaysAgo is the opening hour n working days before now.
	workingDaysAgo := func(n int, clock calendar.Clock) time.Time {
		d := calendar.DateOf(now)
		for n > 0 {
			d = d.AddDays(-1)
			if cal.IsWorkingDay(d) {
				n--
			}
		}
		return d.At(clock)
	}
	fields := fill(proc.Form)
	type plan struct {
		name    string
		channel dossier.Channel
		ago     int      // working days before now
		steps   []string // what happens after intake
	}
	plans := []plan{
		{"Nguyễn Văn An", dossier.ChannelOnline, 0, nil},                                                         // submitted, waiting for the counter
		{"Trần Thị Mai", dossier.ChannelCounter, 0, nil},                                                         // received today
		{"Lê Văn Hùng", dossier.ChannelCounter, 1, []string{"forward"}},                                          // with the specialist
		{"Phạm Thị Lan", dossier.ChannelCounter, 2, []string{"forward", "request_supplement"}},                   // waiting for supplements
		{"Hoàng Văn Nam", dossier.ChannelCounter, 2, []string{"forward", "forward"}},                             // with the leader
		{"Vũ Thị Hoa", dossier.ChannelCounter, 3, []string{"forward", "forward", "sign"}},                        // resolved, to return
		{"Đinh Văn Sơn", dossier.ChannelCounter, 4, []string{"forward", "forward", "sign", "forward", "return"}}, // returned
		{"Bùi Thị Thảo", dossier.ChannelCounter, 1, []string{"refuse"}},                                          // refused
		{"Đỗ Văn Quân", dossier.ChannelCounter, 3, []string{"forward", "stop"}},                                  // stopped
		{"Ngô Thị Vân", dossier.ChannelCounter, 1, []string{"withdraw"}},                                         // withdrawn
		{"Dương Văn Tú", dossier.ChannelCounter, proc.LegalTime.Value + 3, []string{"forward"}},                  // overdue
		{"Lý Thị Trang", dossier.ChannelCounter, max(proc.LegalTime.Value, 1), []string{"forward"}},              // due today
		{"Nguyễn Văn An", dossier.ChannelAssisted, 0, nil},                                                       // filed by the volunteer for the demo citizen, who consented
	}
	reasons := map[string]string{"request_supplement": "Bổ sung bản sao giấy tờ chứng minh nơi cư trú",
		"refuse": "Hồ sơ không thuộc thẩm quyền giải quyết của xã", "stop": "Người yêu cầu đề nghị dừng để bổ sung giấy tờ từ nơi cư trú trước",
		"withdraw": "Người dân xin rút hồ sơ"}
	var out []dossier.Dossier
	for i, pl := range plans {
		at := workingDaysAgo(pl.ago, calendar.NewClock(8, 5*i))
		if at.After(now) {
			// Today's dossiers are filed before now, in the plan's order, however early
			// the demo is loaded: nothing is filed in the future.
			at = now.Add(-time.Duration(len(plans)-i) * time.Minute)
		}
		svc.Now = func() time.Time { return at }
		in := dossier.Intake{Channel: pl.channel, ReceivingUnitID: unitID, Fields: fields,
			Applicant: dossier.Applicant{FullName: pl.name, IDNumber: "037085001234", Phone: "0912345678", Address: Villages[i%len(Villages)]}}
		a := actor(auth.RoleCounter)
		switch pl.channel {
		case dossier.ChannelOnline:
			a = actor(auth.RoleCitizen)
			in.OwnerID = users[auth.RoleCitizen].UserID
		case dossier.ChannelAssisted:
			a = actor(auth.RoleDigitalTeam)
			in.OwnerID = users[auth.RoleCitizen].UserID
		}
		d, _, err := svc.File(ctx, proc.Code, in, a, dossier.Idempotency{})
		if err != nil {
			return nil, fmt.Errorf("demo: dossier of %s: %w", pl.name, err)
		}
		for j, step := range pl.steps {
			at = at.Add(time.Duration(j+1) * 20 * time.Minute)
			act, who := dossier.Action(step), actor(proc.Workflow.Steps[d.Step].Role)
			switch step {
			case "return":
				act = dossier.ActReturn
			case "stop":
				who = actor(auth.RoleLeader)
			case "withdraw":
				who = actor(auth.RoleCounter)
			}
			if d, err = svc.Act(ctx, d.Code, dossier.Request{Action: act, Actor: who, Reason: reasons[step]}); err != nil {
				return nil, fmt.Errorf("demo: %s %s: %w", step, d.Code, err)
			}
		}
		out = append(out, d)
	}
	svc.Now = time.Now
	return out, nil
}

// fill answers a form plausibly, for demo dossiers.
func fill(form []catalog.FormField) map[string]string {
	out := map[string]string{}
	for _, f := range form {
		if !f.Required {
			continue
		}
		switch f.Type {
		case catalog.FieldDate:
			out[f.Name] = "1990-05-12"
		case catalog.FieldNumber:
			out[f.Name] = "1"
		case catalog.FieldChoice:
			out[f.Name] = f.Options[0]
		case catalog.FieldIDNumber:
			out[f.Name] = "037085001234"
		case catalog.FieldPhone:
			out[f.Name] = "0912345678"
		case catalog.FieldEmail:
			out[f.Name] = "congdan@example.vn"
		default:
			out[f.Name] = "Xã Yên Từ"
		}
	}
	return out
}
