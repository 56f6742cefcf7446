package dossier_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/unit"
	"github.com/xaso-vn/xaso/internal/workcal"
)

type fixture struct {
	st      *store.Store
	svc     *dossier.Service
	commune int64
	now     time.Time
}

func testProcedure() catalog.Procedure {
	return catalog.Procedure{
		Code: "1.001193", Name: "Đăng ký khai sinh", Field: catalog.Field{Code: "ho-tich", Name: "Hộ tịch"},
		ImplementingLevel: catalog.LevelCommune, CompetentLevel: catalog.LevelCommune,
		LegalTime: catalog.Duration{Value: 3, Unit: catalog.Days}, Result: catalog.ResultPaper, OnlineLevel: catalog.OnlineFull,
		Form: []catalog.FormField{{Name: "ten_tre", Label: "Họ tên trẻ", Type: catalog.FieldText, Required: true, MaxLength: 100}},
		Workflow: catalog.Workflow{Steps: []catalog.Step{
			{Name: "Tiếp nhận", Role: auth.RoleCounter, BudgetHours: 2, Actions: []catalog.Action{catalog.ActionForward, catalog.ActionRequestSupplement, catalog.ActionRefuse}},
			{Name: "Thẩm định", Role: auth.RoleSpecialist, BudgetHours: 12, Actions: []catalog.Action{catalog.ActionForward, catalog.ActionSendBack, catalog.ActionRequestSupplement}},
			{Name: "Phê duyệt", Role: auth.RoleLeader, BudgetHours: 8, Actions: []catalog.Action{catalog.ActionSign, catalog.ActionSendBack}},
			{Name: "Trả kết quả", Role: auth.RoleCounter, BudgetHours: 2, Actions: []catalog.Action{catalog.ActionReturnResult}},
		}},
	}
}

func setup(t *testing.T) *fixture {
	t.Helper()
	ctx := context.Background()
	st := storetest.Open(t)
	p, err := st.CreateUnit(ctx, unit.Unit{Code: "37", Level: unit.Province, Name: "Tỉnh Ninh Bình", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	c, err := st.CreateUnit(ctx, unit.Unit{Code: "14731", Level: unit.Commune, ParentID: &p, Name: "Xã Yên Từ", IdentCode: "000.31.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.ImportCatalog(ctx, c, catalog.Catalog{Procedures: []catalog.Procedure{testProcedure()}}, true); err != nil {
		t.Fatal(err)
	}
	f := &fixture{st: st, commune: c, now: time.Date(2026, 3, 2, 2, 0, 0, 0, time.UTC)} // Monday 09:00 in Vietnam
	f.svc = &dossier.Service{Store: st, Calendars: workcal.New(st), Now: func() time.Time { return f.now }}
	return f
}

func (f *fixture) actor(roles ...auth.Role) dossier.Actor {
	p := &auth.Principal{UserID: 0, Username: "can-bo", FullName: "Cán bộ"}
	for _, r := range roles {
		p.Memberships = append(p.Memberships, auth.Membership{UnitID: f.commune, Role: r})
	}
	return dossier.Actor{P: p}
}

func (f *fixture) intake(name string) dossier.Intake {
	return dossier.Intake{Channel: dossier.ChannelCounter, ReceivingUnitID: f.commune,
		Applicant: dossier.Applicant{FullName: name, IDNumber: "037085001234", Email: "an@example.vn"}}
}

func TestFileAndProcess(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	counter, specialist, leader := f.actor(auth.RoleCounter), f.actor(auth.RoleSpecialist), f.actor(auth.RoleLeader)
	d, replayed, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), counter, dossier.Idempotency{})
	if err != nil || replayed {
		t.Fatal(err, replayed)
	}
	if d.Code != "000.31.37.H45-260302-0001" || d.Status != dossier.StatusReceived || len(d.Secret) != 8 || d.ProcedureID == 0 {
		t.Fatalf("filed %+v", d)
	}
	if got := d.DueAt.UTC().Format(time.RFC3339); got != "2026-03-05T02:00:00Z" {
		t.Fatalf("due %s", got)
	}
	d2, _, err := f.svc.File(ctx, "1.001193", f.intake("Trần Thị Bình"), counter, dossier.Idempotency{})
	if err != nil || d2.Code != "000.31.37.H45-260302-0002" {
		t.Fatalf("second code %s %v", d2.Code, err)
	}
	steps := []struct {
		act dossier.Action
		who dossier.Actor
	}{{dossier.ActForward, counter}, {dossier.ActForward, specialist}, {dossier.ActSign, leader}, {dossier.ActReturn, counter}}
	for _, s := range steps {
		f.now = f.now.Add(2 * time.Hour)
		if d, err = f.svc.Act(ctx, d.Code, dossier.Request{Action: s.act, Actor: s.who}); err != nil {
			t.Fatalf("%s: %v", s.act, err)
		}
	}
	loaded, err := f.st.DossierByCode(ctx, d.Code)
	if err != nil || loaded.Status != dossier.StatusReturned || loaded.Timeliness != dossier.Early || loaded.Version != 5 {
		t.Fatalf("loaded %+v %v", loaded, err)
	}
	evs, err := f.st.DossierEvents(ctx, d.ID)
	if err != nil || len(evs) != 5 || evs[0].Action != dossier.ActReceive || evs[4].ToStatus != dossier.StatusReturned || evs[3].FromStep != 2 {
		t.Fatalf("history %+v %v", evs, err)
	}
	if _, err := f.st.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	counts, err := f.st.OutboxCounts(ctx)
	if err != nil || counts["pending"] != 3 { // two receipts, one "result ready"
		t.Fatalf("outbox %v %v", counts, err)
	}
}

func TestStaleTransitionLoses(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	counter := f.actor(auth.RoleCounter)
	d, _, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), counter, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := f.svc.Rules(ctx, d)
	if err != nil {
		t.Fatal(err)
	}
	a, b := d, d
	evA, errA := a.Apply(rules, dossier.Request{Action: dossier.ActForward, Actor: counter, Now: f.now})
	evB, errB := b.Apply(rules, dossier.Request{Action: dossier.ActRefuse, Actor: counter, Reason: "Sai thẩm quyền", Now: f.now})
	if errA != nil || errB != nil {
		t.Fatal(errA, errB)
	}
	if _, err := f.st.SaveTransition(ctx, d, a, evA, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.SaveTransition(ctx, d, b, evB, nil); !errors.Is(err, dossier.ErrStale) {
		t.Fatalf("second officer: %v, want ErrStale", err)
	}
	got, _ := f.st.DossierByCode(ctx, d.Code)
	if got.Status != dossier.StatusProcessing {
		t.Fatalf("the loser's change leaked: %s", got.Status)
	}
}

func TestIdempotency(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	counter := f.actor(auth.RoleCounter)
	key := dossier.Idempotency{Principal: "user:1", Key: "k-1", BodyHash: "h1"}
	a, replayed, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), counter, key)
	if err != nil || replayed {
		t.Fatal(err)
	}
	b, replayed, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), counter, key)
	if err != nil || !replayed || b.Code != a.Code {
		t.Fatalf("retry: %s %v %v", b.Code, replayed, err)
	}
	key.BodyHash = "h2"
	if _, _, err := f.svc.File(ctx, "1.001193", f.intake("Lê Văn Cường"), counter, key); !errors.Is(err, dossier.ErrIdempotency) {
		t.Fatalf("same key, other body: %v", err)
	}
	list, total, err := f.st.Dossiers(ctx, store.DossierQuery{UnitID: f.commune})
	if err != nil || total != 1 || len(list) != 1 {
		t.Fatalf("%d dossiers after retries, want 1 (%v)", total, err)
	}
}

// TestConcurrentCodes files 1,000 dossiers from 50 goroutines: 1,000 distinct,
// gap-free codes.
func TestConcurrentCodes(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	counter := f.actor(auth.RoleCounter)
	const workers, each = 50, 20
	var mu sync.Mutex
	codes := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				d, _, err := f.svc.File(ctx, "1.001193", f.intake(fmt.Sprintf("Người %d-%d", w, i)), counter, dossier.Idempotency{})
				if err != nil {
					errs <- err
					return
				}
				mu.Lock()
				codes[d.Code] = true
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	var seqs []int
	for c := range codes {
		_, _, seq, err := dossier.ParseCode(c)
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, seq)
	}
	sort.Ints(seqs)
	if len(seqs) != workers*each || seqs[0] != 1 || seqs[len(seqs)-1] != workers*each {
		t.Fatalf("%d codes from %d to %d", len(seqs), seqs[0], seqs[len(seqs)-1])
	}
}

func TestImport(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	lines := []string{
		`{"unit":"14731","procedure_code":"1.001193","channel":"online","applicant":{"full_name":"Lê Thị Hoa"},"received_at":"2021-03-01T08:30:00+07:00","due_at":"2021-03-04T08:30:00+07:00","resolved_at":"2021-03-03T10:00:00+07:00","status":"returned","ended_at":"2021-03-04T08:00:00+07:00"}`,
		`{"code":"000.31.37.H45-210301-0007","unit":"14731","procedure_code":"1.001193","channel":"counter","applicant":{"full_name":"Phạm Văn Tú"},"received_at":"2021-03-01T09:00:00+07:00","due_at":"2021-03-04T09:00:00+07:00","status":"received"}`,
	}
	var recs []dossier.Record
	for i, l := range lines {
		r, err := dossier.ParseRecord(i+1, []byte(l))
		if err != nil {
			t.Fatal(err)
		}
		recs = append(recs, r)
	}
	codes, err := dossier.Import(ctx, f.st, recs)
	if err != nil {
		t.Fatal(err)
	}
	if codes[0] != "000.31.37.H45-210301-0001" || codes[1] != "000.31.37.H45-210301-0007" {
		t.Fatalf("codes %v", codes)
	}
	// A kept code moves the day's sequence past it.
	more, err := dossier.Import(ctx, f.st, recs[:1])
	if err != nil || more[0] != "000.31.37.H45-210301-0008" {
		t.Fatalf("next code %v %v", more, err)
	}
	// All or nothing: a duplicate code rolls everything back.
	if _, err := dossier.Import(ctx, f.st, recs); err == nil {
		t.Fatal("a duplicate code was imported")
	}
	_, total, _ := f.st.Dossiers(ctx, store.DossierQuery{UnitID: f.commune})
	if total != 3 {
		t.Fatalf("%d dossiers after a failed import, want 3", total)
	}
	d, err := f.st.DossierByCode(ctx, codes[0])
	if err != nil || d.Timeliness != dossier.Early || d.Status != dossier.StatusReturned || d.ProcedureVersion != 1 {
		t.Fatalf("imported %+v %v", d, err)
	}
	bad, _ := dossier.ParseRecord(1, []byte(strings.Replace(lines[0], `"1.001193"`, `"9.999999"`, 1)))
	var ie *dossier.ImportError
	if _, err := dossier.Import(ctx, f.st, []dossier.Record{bad}); !errors.As(err, &ie) || ie.Field != "procedure_code" {
		t.Fatalf("unknown procedure: %v", err)
	}
}

// TestLateDecisionMovesOnlyWhenChosen: a decision entered after receipt leaves printed
// appointments alone; the preview lists what would move; applying moves it, with history.
func TestLateDecisionMovesOnlyWhenChosen(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	counter := f.actor(auth.RoleCounter)
	d, _, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), counter, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	if moves, err := f.svc.Moves(ctx, f.st, f.commune); err != nil || len(moves) != 0 {
		t.Fatalf("moves before any decision: %v %v", moves, err)
	}
	wed, _ := calendar.ParseDate("2026-03-04")
	if _, err := f.st.CreateDecision(ctx, f.commune, calendar.Decision{Number: "5/QĐ-UBND",
		Days: []calendar.DecidedDay{{Date: wed, Off: true, Name: "Nghỉ đột xuất"}}}); err != nil {
		t.Fatal(err)
	}
	if got, _ := f.st.DossierByCode(ctx, d.Code); !got.DueAt.Equal(d.DueAt) {
		t.Fatal("a decision moved a printed appointment by itself")
	}
	moves, err := f.svc.Moves(ctx, f.st, f.commune)
	if err != nil || len(moves) != 1 || moves[0].Code != d.Code || moves[0].To.UTC().Format(time.RFC3339) != "2026-03-06T02:00:00Z" {
		t.Fatalf("preview: %+v %v", moves, err)
	}
	moved, skipped, err := f.svc.ApplyMoves(ctx, moves, f.actor(auth.RoleUnitAdmin))
	if err != nil || moved != 1 || len(skipped) != 0 {
		t.Fatalf("apply: %d %v %v", moved, skipped, err)
	}
	got, _ := f.st.DossierByCode(ctx, d.Code)
	evs, _ := f.st.DossierEvents(ctx, got.ID)
	if !got.DueAt.Equal(moves[0].To) || evs[len(evs)-1].Action != dossier.ActReschedule {
		t.Fatalf("after apply: due %v, last event %+v", got.DueAt, evs[len(evs)-1])
	}
	if again, _ := f.svc.Moves(ctx, f.st, f.commune); len(again) != 0 {
		t.Fatalf("moves after apply: %v", again)
	}
	// A stale preview (the dossier changed since) is skipped, not applied.
	if moved, skipped, _ := f.svc.ApplyMoves(ctx, moves, f.actor(auth.RoleUnitAdmin)); moved != 0 || len(skipped) != 1 {
		t.Fatalf("stale preview: %d %v", moved, skipped)
	}
}

// The store keeps decoded procedure versions for filings and transitions; an edit of a
// version, in place (a draft saved again, a version archived), is seen at once.
func TestProcedureVersionsFollowEdits(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	id1, p1, err := f.st.PublishedProcedureVersion(ctx, f.commune, "1.001193")
	if err != nil || p1.Status != catalog.StatusPublished || p1.Name != "Đăng ký khai sinh" {
		t.Fatalf("published = %d %+v, %v", id1, p1, err)
	}
	p := testProcedure()
	p.Name = "Đăng ký khai sinh (sửa)"
	draft, err := f.st.SaveDraft(ctx, f.commune, p)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := f.st.ProcedureVersion(ctx, draft.ID); err != nil || got.Name != p.Name || got.Status != catalog.StatusDraft {
		t.Fatalf("draft = %+v, %v", got, err)
	}
	p.Name = "Đăng ký khai sinh (sửa lần hai)"
	if again, err := f.st.SaveDraft(ctx, f.commune, p); err != nil || again.ID != draft.ID {
		t.Fatalf("draft saved again: %+v, %v", again, err)
	}
	if got, _ := f.st.ProcedureVersion(ctx, draft.ID); got.Name != p.Name {
		t.Fatalf("draft edited in place reads %q, want %q", got.Name, p.Name)
	}
	if _, err := f.st.Publish(ctx, f.commune, "1.001193"); err != nil {
		t.Fatal(err)
	}
	id2, p2, err := f.st.PublishedProcedureVersion(ctx, f.commune, "1.001193")
	if err != nil || id2 != draft.ID || p2.Name != p.Name || p2.Status != catalog.StatusPublished {
		t.Fatalf("published after edit = %d %+v, %v", id2, p2, err)
	}
	if old, _ := f.st.ProcedureVersion(ctx, id1); old.Status != catalog.StatusArchived || old.Name != "Đăng ký khai sinh" {
		t.Fatalf("replaced version = %q %s, want archived", old.Name, old.Status)
	}
	if _, err := f.st.ProcedureVersion(ctx, 999999); !errors.Is(err, store.ErrProcedureNotFound) {
		t.Fatalf("missing version: %v", err)
	}
}

// A unit's list holds the dossiers it decides and those it received for another unit,
// each once, by appointment; the count and the pages agree.
func TestListsOfDecidingAndReceivingUnits(t *testing.T) {
	f := setup(t)
	ctx := context.Background()
	prov, err := f.st.UnitByCode(ctx, "37")
	if err != nil {
		t.Fatal(err)
	}
	p := testProcedure()
	p.Code, p.Name = "2.000001", "Thủ tục cấp tỉnh"
	p.CompetentLevel = catalog.LevelProvince
	if _, err := f.st.ImportCatalog(ctx, prov.ID, catalog.Catalog{Procedures: []catalog.Procedure{p}}, true); err != nil {
		t.Fatal(err)
	}
	counter := f.actor(auth.RoleCounter)
	var own, forProvince []string
	for i := range 3 {
		f.now = f.now.Add(time.Hour)
		d, _, err := f.svc.File(ctx, "1.001193", f.intake(fmt.Sprintf("Người xã %d", i)), counter, dossier.Idempotency{})
		if err != nil {
			t.Fatal(err)
		}
		own = append(own, d.Code)
		in := f.intake(fmt.Sprintf("Người tỉnh %d", i))
		in.CompetentUnitID = prov.ID
		d, _, err = f.svc.File(ctx, "2.000001", in, counter, dossier.Idempotency{})
		if err != nil {
			t.Fatal(err)
		}
		if d.CompetentUnitID != prov.ID || d.ReceivingUnitID != f.commune {
			t.Fatalf("dossier %s: competent %d, receiving %d", d.Code, d.CompetentUnitID, d.ReceivingUnitID)
		}
		forProvince = append(forProvince, d.Code)
	}
	codes := func(q store.DossierQuery) ([]string, int) {
		t.Helper()
		ds, total, err := f.st.Dossiers(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for i, d := range ds {
			out = append(out, d.Code)
			if i > 0 && d.DueAt.Before(ds[i-1].DueAt) {
				t.Errorf("%s due %v listed after %s due %v", d.Code, d.DueAt, ds[i-1].Code, ds[i-1].DueAt)
			}
		}
		return out, total
	}
	got, total := codes(store.DossierQuery{UnitID: f.commune})
	sort.Strings(got)
	want := append(append([]string(nil), own...), forProvince...)
	sort.Strings(want)
	if total != 6 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("commune lists %d %v, want 6 %v", total, got, want)
	}
	if got, total := codes(store.DossierQuery{UnitID: prov.ID}); total != 3 || strings.Join(got, " ") != strings.Join(forProvince, " ") {
		t.Fatalf("province lists %d %v, want 3 %v", total, got, forProvince)
	}
	// Pages of two cover the six once.
	seen := map[string]bool{}
	for off := 0; off < 6; off += 2 {
		page, total := codes(store.DossierQuery{UnitID: f.commune, Limit: 2, Offset: off})
		if total != 6 || len(page) != 2 {
			t.Fatalf("page at %d: %v of %d", off, page, total)
		}
		for _, c := range page {
			if seen[c] {
				t.Fatalf("%s on two pages", c)
			}
			seen[c] = true
		}
	}
	if got, total := codes(store.DossierQuery{UnitID: f.commune, Statuses: []dossier.Status{dossier.StatusReturned}}); total != 0 || len(got) != 0 {
		t.Fatalf("no returned dossier, listed %v (%d)", got, total)
	}
}

// The one-stop rule lets any desk of the province receive a dossier that another unit
// decides; a unit of another province is refused, whoever files.
func TestFilingIntoAnotherProvinceRefused(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	province, err := f.st.UnitByID(ctx, f.commune)
	if err != nil || province.ParentID == nil {
		t.Fatal(err)
	}
	sameProvince, err := f.st.CreateUnit(ctx, unit.Unit{Code: "14732", Level: unit.Commune, ParentID: province.ParentID, Name: "Xã Yên Mạc",
		IdentCode: "000.32.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.st.CreateUnit(ctx, unit.Unit{Code: "01", Level: unit.Province, Name: "Thành phố Hà Nội", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	otherCommune, err := f.st.CreateUnit(ctx, unit.Unit{Code: "00004", Level: unit.Commune, ParentID: &other, Name: "Phường Ba Đình",
		IdentCode: "000.04.01.H26", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	for _, u := range []int64{sameProvince, otherCommune} {
		if _, err := f.st.ImportCatalog(ctx, u, catalog.Catalog{Procedures: []catalog.Procedure{testProcedure()}}, true); err != nil {
			t.Fatal(err)
		}
	}
	counter := f.actor(auth.RoleCounter)
	in := f.intake("Nguyễn Văn An")
	in.CompetentUnitID = sameProvince
	if _, _, err := f.svc.File(ctx, "1.001193", in, counter, dossier.Idempotency{}); err != nil {
		t.Fatalf("a commune of the same province decides: %v", err)
	}
	in.CompetentUnitID = otherCommune
	_, _, err = f.svc.File(ctx, "1.001193", in, counter, dossier.Idempotency{})
	if e := apperr.From(err); e.Code != "other_province" || e.Kind != apperr.Invalid || !strings.Contains(e.Message, "tỉnh") {
		t.Fatalf("a commune of another province decides: %v", err)
	}
	if _, _, err := f.svc.Check(ctx, "1.001193", in, counter); apperr.From(err).Code != "other_province" {
		t.Fatalf("the check without filing: %v", err)
	}
	if ds, total, err := f.st.Dossiers(ctx, store.DossierQuery{UnitID: otherCommune}); err != nil || total != 0 {
		t.Fatalf("stored in the other province: %d %v %v", total, ds, err)
	}
}

// A reason longer than the limit is cut between characters: Vietnamese letters take two
// or three bytes, and a cut inside one leaves text the pages and PostgreSQL refuse.
func TestLongReasonCutAtCharacter(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	counter := f.actor(auth.RoleCounter)
	d, _, err := f.svc.File(ctx, "1.001193", f.intake("Nguyễn Văn An"), counter, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	// Each "ệ" is three bytes: 2,000 bytes end inside the 667th.
	reason := "Thiếu giấy tờ: " + strings.Repeat("ệ", 2100)
	d, err = f.svc.Act(ctx, d.Code, dossier.Request{Action: dossier.ActRefuse, Actor: counter, Reason: reason})
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := f.st.DossierByCode(ctx, d.Code)
	if err != nil {
		t.Fatal(err)
	}
	evs, err := f.st.DossierEvents(ctx, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{loaded.Reason, evs[len(evs)-1].Note} {
		if !utf8.ValidString(s) || utf8.RuneCountInString(s) != 2000 || !strings.HasPrefix(reason, s) {
			t.Fatalf("reason stored as %d characters, valid UTF-8 %v", utf8.RuneCountInString(s), utf8.ValidString(s))
		}
	}
}

// An assisted filing rests on the owner's recorded consent to the volunteer, and the
// volunteer sees the dossier (Service.Access) only while that consent stands.
func TestAssistedFilingRestsOnConsent(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	newUser := func(name string, role auth.Role) *auth.Principal {
		ms := []auth.Membership{{UnitID: f.commune, Role: role}}
		id, err := f.st.CreateUser(ctx, auth.User{Username: name, FullName: name}, ms)
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{UserID: id, Username: name, FullName: name, Memberships: ms}
	}
	citizen, volunteer, other := newUser("congdan", auth.RoleCitizen), newUser("tocongnghe", auth.RoleDigitalTeam), newUser("tocongnghe2", auth.RoleDigitalTeam)
	counter := newUser("motcua", auth.RoleCounter)
	in := f.intake("Nguyễn Văn An")
	in.Channel, in.Applicant.Phone, in.Fields = dossier.ChannelAssisted, "0912345678", map[string]string{"ten_tre": "Bé"}
	in.OwnerID = citizen.UserID
	_, _, err := f.svc.File(ctx, "1.001193", in, dossier.Actor{P: volunteer}, dossier.Idempotency{})
	if e := apperr.From(err); e.Code != "consent_required" || !hasField(err, "owner") {
		t.Fatalf("filing without consent: %v", err)
	}
	c, created, err := f.st.GrantConsent(ctx, consent.Consent{CitizenID: citizen.UserID, VolunteerID: volunteer.UserID, UnitID: f.commune,
		Purpose: consent.AssistedFiling, Text: consent.Text(consent.AssistedFiling)})
	if err != nil || !created {
		t.Fatal(err, created)
	}
	if again, created, err := f.st.GrantConsent(ctx, consent.Consent{CitizenID: citizen.UserID, VolunteerID: volunteer.UserID,
		UnitID: f.commune, Purpose: consent.AssistedFiling, Text: "x"}); err != nil || created || again.ID != c.ID {
		t.Fatalf("agreeing twice: %+v %v %v", again, created, err)
	}
	// Another volunteer has no consent of this citizen.
	if _, _, err := f.svc.File(ctx, "1.001193", in, dossier.Actor{P: other}, dossier.Idempotency{}); apperr.From(err).Code != "consent_required" {
		t.Fatalf("another volunteer files: %v", err)
	}
	d, _, err := f.svc.File(ctx, "1.001193", in, dossier.Actor{P: volunteer}, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	if d.OwnerID != citizen.UserID || d.AssistedBy != volunteer.UserID || d.ConsentID != c.ID {
		t.Fatalf("assisted dossier: owner %d, assisted by %d, consent %d", d.OwnerID, d.AssistedBy, d.ConsentID)
	}
	access := func(p *auth.Principal) (dossier.Actor, error) { return f.svc.Access(ctx, d, p) }
	if a, err := access(volunteer); err != nil || !a.Assistant || a.Owner {
		t.Fatalf("the volunteer: %+v %v", a, err)
	}
	if a, err := access(citizen); err != nil || !a.Owner {
		t.Fatalf("the owner: %+v %v", a, err)
	}
	if a, err := access(counter); err != nil || a.Owner || a.Assistant {
		t.Fatalf("the counter officer: %+v %v", a, err)
	}
	if _, err := access(other); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("another volunteer: %v", err)
	}
	if _, err := access(nil); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("anonymous: %v", err)
	}
	// Left the digital team: no longer.
	former := &auth.Principal{UserID: volunteer.UserID, Username: volunteer.Username,
		Memberships: []auth.Membership{{UnitID: f.commune, Role: auth.RoleCitizen}}}
	if _, err := access(former); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("a former volunteer: %v", err)
	}
	// The volunteer may say a supplement is complete, never withdraw.
	f.now = f.now.Add(time.Hour)
	if _, err := f.svc.Act(ctx, d.Code, dossier.Request{Action: dossier.ActWithdraw, Actor: dossier.Actor{P: volunteer, Assistant: true}, Reason: "x"}); !errors.Is(err, dossier.ErrNotYourStep) {
		t.Fatalf("the volunteer withdraws: %v", err)
	}
	if _, err := f.st.RevokeConsent(ctx, other.UserID, c.ID); apperr.From(err).Code != "consent_not_found" {
		t.Fatalf("someone else revokes the consent: %v", err)
	}
	if _, err := f.st.RevokeConsent(ctx, citizen.UserID, c.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.RevokeConsent(ctx, citizen.UserID, c.ID); apperr.From(err).Code != "consent_revoked" {
		t.Fatalf("revoking twice: %v", err)
	}
	if _, err := access(volunteer); !errors.Is(err, dossier.ErrNotFound) {
		t.Fatalf("the volunteer after the revocation: %v", err)
	}
	if a, err := access(citizen); err != nil || !a.Owner {
		t.Fatalf("the owner after the revocation: %+v %v", a, err)
	}
	if _, _, err := f.svc.File(ctx, "1.001193", in, dossier.Actor{P: volunteer}, dossier.Idempotency{}); apperr.From(err).Code != "consent_required" {
		t.Fatalf("filing after the revocation: %v", err)
	}
	if _, total, err := f.st.Dossiers(ctx, store.DossierQuery{AssistedBy: volunteer.UserID}); err != nil || total != 0 {
		t.Fatalf("the volunteer's list after the revocation: %d %v", total, err)
	}
	// The audit names the consent and its fields, never a person.
	recs, _, err := f.st.AuditRecords(ctx, f.commune, 500, 0)
	if err != nil {
		t.Fatal(err)
	}
	var actions []string
	for _, r := range recs {
		if r.Event.ObjectType == "consent" {
			actions = append(actions, r.Event.Action)
			for _, field := range append([]string{r.Event.ObjectID}, r.Event.Fields...) {
				if strings.Contains(field, "congdan") || strings.Contains(field, "tocongnghe") {
					t.Errorf("audit record %s holds %q", r.Event.Action, field)
				}
			}
		}
	}
	sort.Strings(actions)
	if strings.Join(actions, ",") != "consent.granted,consent.revoked" {
		t.Errorf("consent audit records: %v", actions)
	}
}

func hasField(err error, name string) bool {
	var fe *dossier.FieldError
	return errors.As(err, &fe) && fe.Fields[name] != ""
}
