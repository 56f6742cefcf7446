package document_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
)

type docEnv struct {
	st     *store.Store
	svc    *document.Service
	unit   int64
	clerks []*auth.Principal
	leader *auth.Principal
	now    time.Time
}

func newDocEnv(t *testing.T) *docEnv {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	p, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.CreateUnit(ctx, unit.Unit{Code: "14731", Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ",
		IdentCode: "000.31.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	e := &docEnv{st: st, unit: c, now: time.Date(2026, 3, 2, 9, 0, 0, 0, locale.Zone)}
	user := func(name string, role auth.Role) *auth.Principal {
		ms := []auth.Membership{{UnitID: c, Role: role}}
		id, err := st.CreateUser(ctx, auth.User{Username: name, FullName: name, PasswordHash: "x"}, ms)
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{UserID: id, Username: name, Memberships: ms}
	}
	e.clerks = []*auth.Principal{user("vanthu1", auth.RoleClerk), user("vanthu2", auth.RoleClerk)}
	e.leader = user("lanhdao", auth.RoleLeader)
	e.svc = &document.Service{Store: st, Now: func() time.Time { return e.now }}
	return e
}

func (e *docEnv) draft(t *testing.T, typ, drafting string, legal bool) document.Document {
	t.Helper()
	d, err := e.svc.CreateOutgoing(context.Background(), e.clerks[0], document.OutgoingInput{UnitID: e.unit, TypeCode: typ,
		Subject: "Về việc thử", DraftingUnit: drafting, Recipients: []string{"Thôn Đông", "UBND tỉnh"}, Legal: legal})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestIssueNumbering(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	issue := func(d document.Document) document.Document {
		t.Helper()
		got, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{Paper: true})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	if got := issue(e.draft(t, "quyet_dinh", "VP", false)); got.NumberNotation != "01/QĐ-UBND" || got.Number != 1 || got.Status != document.Issued {
		t.Fatalf("first decision: %+v", got)
	}
	if got := issue(e.draft(t, document.CongVan, "VP", false)); got.NumberNotation != "02/UBND-VP" {
		t.Fatalf("next công văn: %q", got.NumberNotation)
	}
	// A legal decision numbers in a sequence of its own.
	if got := issue(e.draft(t, "quyet_dinh", "", true)); got.NumberNotation != "01/QĐ-UBND" || got.Sequence != "qppl_quyet_dinh" {
		t.Fatalf("legal decision: %q %q", got.NumberNotation, got.Sequence)
	}
	var last document.Document
	for range 8 {
		last = issue(e.draft(t, "thong_bao", "", false))
	}
	if last.NumberNotation != "10/TB-UBND" {
		t.Fatalf("tenth: %q", last.NumberNotation)
	}
	// The dispatch rows: one per recipient.
	ds, err := e.st.DocumentDispatches(ctx, last.ID)
	if err != nil || len(ds) != 2 || ds[0].Kind != "document_dispatch" || ds[1].Recipient != "UBND tỉnh" {
		t.Fatalf("dispatches: %+v, %v", ds, err)
	}
	// Issued once.
	if _, err := e.svc.Issue(ctx, e.clerks[0], last.ID, document.IssueInput{Paper: true}); !errors.Is(err, document.ErrState) {
		t.Fatalf("issued twice: %v", err)
	}
	// A unit that gives công văn a sequence of their own.
	if err := e.svc.SetSettings(ctx, e.leader, document.Settings{UnitID: e.unit, Abbreviation: "UBND",
		Groups: map[string]string{document.CongVan: "cong_van"}}); err != nil {
		t.Fatal(err)
	}
	if got := issue(e.draft(t, document.CongVan, "TP", false)); got.NumberNotation != "01/UBND-TP" {
		t.Fatalf("own công văn sequence: %q", got.NumberNotation)
	}
	// Electronic issue without signatures is refused, and takes no number.
	d := e.draft(t, "quyet_dinh", "", false)
	if _, err := e.svc.Approve(ctx, e.leader, d.ID, 0); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Issue(ctx, e.clerks[0], d.ID, document.IssueInput{}); !errors.Is(err, document.ErrSignatures) {
		t.Fatalf("electronic without signatures: %v", err)
	}
	if _, err := e.svc.Issue(ctx, e.clerks[0], e.draft(t, "quyet_dinh", "", false).ID, document.IssueInput{}); !errors.Is(err, document.ErrState) {
		t.Fatalf("electronic draft not approved: %v", err)
	}
	if got := issue(d); got.NumberNotation != "11/QĐ-UBND" {
		t.Fatalf("after a refusal: %q", got.NumberNotation)
	}
	// The dispatch rows are leased to one sender at a time.
	claimed, err := e.st.ClaimDocumentDispatches(ctx, document.ChannelPaper, time.Now(), time.Minute, 1000)
	if err != nil || len(claimed) != 2*13 {
		t.Fatalf("claimed %d, %v", len(claimed), err)
	}
	if err := e.st.MarkDocumentDispatch(ctx, claimed[0].ID, time.Now(), "", "", time.Time{}, false); err != nil {
		t.Fatal(err)
	}
	if err := e.st.MarkDocumentDispatch(ctx, claimed[1].ID, time.Now(), "550 không nhận", "", time.Now().Add(-time.Second), false); err != nil {
		t.Fatal(err)
	}
	if again, err := e.st.ClaimDocumentDispatches(ctx, document.ChannelPaper, time.Now(), time.Minute, 1000); err != nil || len(again) != 1 || again[0].ID != claimed[1].ID || again[0].Attempts != 2 {
		t.Fatalf("claimed again: %+v, %v", again, err)
	}
	// The leader may not issue; a clerk of another unit does not see it.
	if _, err := e.svc.Issue(ctx, e.leader, e.draft(t, "quyet_dinh", "", false).ID, document.IssueInput{Paper: true}); !errors.Is(err, document.ErrForbidden) {
		t.Fatalf("leader issues: %v", err)
	}
	stranger := &auth.Principal{UserID: 999, Memberships: []auth.Membership{{UnitID: e.unit + 100, Role: auth.RoleClerk}}}
	if _, err := e.svc.Issue(ctx, stranger, e.draft(t, "quyet_dinh", "", false).ID, document.IssueInput{Paper: true}); !errors.Is(err, document.ErrNotFound) {
		t.Fatalf("stranger issues: %v", err)
	}
}

// Two clerks issue 1,000 documents each at once: numbers 01…2000, no gap, no duplicate;
// the first of the next year is 01.
func TestIssueConcurrent(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	const per = 1000
	ids := make([][]int64, 2)
	for c := range ids {
		for range per {
			ids[c] = append(ids[c], e.draft(t, "quyet_dinh", "", false).ID)
		}
	}
	var mu sync.Mutex
	var numbers []int
	var wg sync.WaitGroup
	errs := make(chan error, 2*per)
	for c := range 2 {
		for g := range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for _, id := range ids[c][g*per/10 : (g+1)*per/10] {
					d, err := e.svc.Issue(ctx, e.clerks[c], id, document.IssueInput{Paper: true})
					if err != nil {
						errs <- err
						return
					}
					if d.NumberNotation != fmt.Sprintf("%02d/QĐ-UBND", d.Number) {
						errs <- fmt.Errorf("notation %q for %d", d.NumberNotation, d.Number)
					}
					mu.Lock()
					numbers = append(numbers, d.Number)
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	sort.Ints(numbers)
	if len(numbers) != 2*per {
		t.Fatalf("%d issued", len(numbers))
	}
	for i, n := range numbers {
		if n != i+1 {
			t.Fatalf("number %d at %d: a gap or a duplicate", n, i+1)
		}
	}
	list, total, err := e.st.Documents(ctx, document.Query{UnitID: e.unit, Direction: document.Outgoing, Status: document.Issued, Limit: 1})
	if err != nil || total != 2*per || list[0].Number != 2*per {
		t.Fatalf("stored: %d, %v", total, err)
	}
	// 1 January, 00:05 in Vietnam (still 31 December in UTC).
	e.now = time.Date(2027, 1, 1, 0, 5, 0, 0, locale.Zone)
	d, err := e.svc.Issue(ctx, e.clerks[0], e.draft(t, "quyet_dinh", "", false).ID, document.IssueInput{Paper: true})
	if err != nil || d.NumberNotation != "01/QĐ-UBND" || d.Year != 2027 {
		t.Fatalf("next year: %+v, %v", d, err)
	}
}

func TestRegisterIncoming(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	in := document.IncomingInput{UnitID: e.unit, Source: document.Paper, Sender: "UBND tỉnh Ninh Bình",
		NumberNotation: "15/QĐ-UBND", IssuedOn: "2026-02-27", Subject: "Về việc giao chỉ tiêu", TypeCode: "quyet_dinh",
		ReceivedAt: e.now.Add(-time.Hour)}
	d, err := e.svc.RegisterIncoming(ctx, e.clerks[0], in)
	if err != nil || d.ArrivalNumber != 1 || d.Status != document.Registered {
		t.Fatalf("paper: %+v, %v", d, err)
	}
	// The exchange's intake (no person) shares the arrival sequence.
	ex := in
	ex.Source, ex.NumberNotation, ex.Urgency, ex.Attachments = document.Exchange, "20/UBND-VP", "hoa_toc", []string{"ab"}
	ex.TypeCode = document.CongVan
	d2, err := e.svc.RegisterIncoming(ctx, nil, ex)
	if err != nil || d2.ArrivalNumber != 2 {
		t.Fatalf("exchange: %+v, %v", d2, err)
	}
	// The same document again (the sender written otherwise) is refused.
	dup := in
	dup.Sender = "ubnd tinh ninh binh"
	if _, err := e.svc.RegisterIncoming(ctx, e.clerks[1], dup); !errors.Is(err, document.ErrDuplicate) {
		t.Fatalf("duplicate: %v", err)
	}
	for _, c := range []struct {
		change func(*document.IncomingInput)
		want   error
	}{
		{func(i *document.IncomingInput) { i.NumberNotation = "16 /QĐ-UBND" }, document.ErrNotation},
		{func(i *document.IncomingInput) { i.NumberNotation = "16/TB-UBND" }, document.ErrAbbreviation},
		{func(i *document.IncomingInput) { i.IssuedOn = "2026-13-01" }, document.ErrIssuedOn},
		{func(i *document.IncomingInput) { i.IssuedOn = "2027-01-01" }, document.ErrIssuedOn},
		{func(i *document.IncomingInput) { i.ReceivedAt = e.now.Add(time.Hour) }, document.ErrReceivedAt},
		{func(i *document.IncomingInput) { i.Sender = " " }, document.ErrSender},
		{func(i *document.IncomingInput) { i.Subject = "" }, document.ErrSubject},
		{func(i *document.IncomingInput) { i.Urgency = "asap" }, document.ErrUrgency},
		{func(i *document.IncomingInput) { i.Source = "fax" }, document.ErrSource},
	} {
		bad := in
		bad.NumberNotation = "16/QĐ-UBND"
		c.change(&bad)
		if _, err := e.svc.RegisterIncoming(ctx, e.clerks[0], bad); !errors.Is(err, c.want) {
			t.Errorf("%+v: %v, want %v", bad, err, c.want)
		}
	}
	if _, err := e.svc.RegisterIncoming(ctx, e.leader, in); !errors.Is(err, document.ErrForbidden) {
		t.Fatalf("leader registers: %v", err)
	}
	if _, err := e.svc.RegisterIncoming(ctx, nil, in); !errors.Is(err, document.ErrForbidden) {
		t.Fatalf("paper without a person: %v", err)
	}
	// Urgent first; search by folded subject and by arrival number.
	list, total, err := e.svc.List(ctx, e.leader, document.Query{UnitID: e.unit, Direction: document.Incoming})
	if err != nil || total != 2 || list[0].ID != d2.ID {
		t.Fatalf("list: %v %v", total, err)
	}
	if list, _, _ := e.svc.List(ctx, e.leader, document.Query{UnitID: e.unit, Text: "giao CHI TIEU"}); len(list) != 2 {
		t.Fatalf("folded search: %d", len(list))
	}
	if list, _, _ := e.svc.List(ctx, e.leader, document.Query{UnitID: e.unit, Number: "2"}); len(list) != 1 || list[0].ID != d2.ID {
		t.Fatalf("by arrival number: %d", len(list))
	}
	// The leader directs; the handler reports; done.
	handler := e.clerks[1]
	dd, err := e.svc.Direct(ctx, e.leader, d.ID, document.DirectionInput{HandlerID: handler.UserID, Supporting: "Công an xã",
		Deadline: "2026-03-10", Instruction: "Giao văn thư tham mưu"})
	if err != nil || dd.Status != document.Directed || dd.Deadline != "2026-03-10" || dd.HandlerName != "vanthu2" {
		t.Fatalf("direct: %+v, %v", dd, err)
	}
	if _, err := e.svc.Direct(ctx, e.leader, d.ID, document.DirectionInput{HandlerID: 99999}); !errors.Is(err, document.ErrHandler) {
		t.Fatalf("unknown handler: %v", err)
	}
	if _, err := e.svc.Direct(ctx, e.leader, d.ID, document.DirectionInput{HandlerID: handler.UserID, Deadline: "2026-01-01"}); !errors.Is(err, document.ErrDeadline) {
		t.Fatalf("past deadline: %v", err)
	}
	if !dd.Overdue("2026-03-11") || dd.Overdue("2026-03-10") {
		t.Fatal("overdue")
	}
	if _, err := e.svc.Report(ctx, e.clerks[0], d.ID, 0, "x", true); !errors.Is(err, document.ErrForbidden) {
		t.Fatalf("not the handler: %v", err)
	}
	if got, err := e.svc.Report(ctx, handler, d.ID, 0, "Đã trình", true); err != nil || got.Status != document.Done {
		t.Fatalf("report: %+v, %v", got, err)
	}
	if mine, _, err := e.svc.List(ctx, handler, document.Query{UnitID: e.unit, HandlerID: handler.UserID}); err != nil || len(mine) != 1 {
		t.Fatalf("mine: %d %v", len(mine), err)
	}
	// A reply drafted from the incoming document.
	reply, err := e.svc.CreateOutgoing(ctx, e.clerks[0], document.OutgoingInput{UnitID: e.unit, TypeCode: "bao_cao",
		Subject: "Báo cáo", Recipients: []string{"UBND tỉnh"}, ReplyTo: &d.ID})
	if err != nil || reply.ReplyTo == nil || *reply.ReplyTo != d.ID {
		t.Fatalf("reply: %+v %v", reply, err)
	}
	// The next year starts again at 1.
	e.now = time.Date(2027, 1, 1, 7, 0, 0, 0, locale.Zone)
	n := in
	n.NumberNotation, n.IssuedOn, n.ReceivedAt = "01/QĐ-UBND", "2026-12-31", e.now
	if d, err := e.svc.RegisterIncoming(ctx, e.clerks[0], n); err != nil || d.ArrivalNumber != 1 || d.Year != 2027 {
		t.Fatalf("next year: %+v %v", d, err)
	}
}

func TestFilesHandOver(t *testing.T) {
	ctx := context.Background()
	e := newDocEnv(t)
	mk := func(title string, years int, ended string) document.File {
		f, err := e.svc.CreateFile(ctx, e.clerks[0], document.File{UnitID: e.unit, Title: title, RetentionYears: years, Year: 2024, EndedOn: ended})
		if err != nil {
			t.Fatal(err)
		}
		return f
	}
	keep := mk("Hồ sơ đất đai", 0, "2025-05-01")
	mk("Hồ sơ ngắn hạn", 2, "2025-05-01")
	mk("Hồ sơ đang làm", 10, "")
	if _, err := e.svc.CreateFile(ctx, e.clerks[0], document.File{UnitID: e.unit, Title: "x", RetentionYears: 99}); !errors.Is(err, document.ErrRetention) {
		t.Fatal(err)
	}
	due, err := e.svc.HandOver(ctx, e.clerks[0], e.unit, 2026)
	if err != nil || len(due) != 1 || due[0].ID != keep.ID || due[0].Code != "2024.01" {
		t.Fatalf("hand-over: %+v %v", due, err)
	}
}
