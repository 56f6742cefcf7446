package dossier_test

import (
	"context"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/consent"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/unit"
)

func TestSortText(t *testing.T) {
	for _, c := range []struct {
		in      string
		code    string
		numbers []string
		words   []string
	}{
		{"", "", nil, nil},
		{"  Nguyễn  Văn An ", "", nil, []string{"nguyen", "van", "an"}},
		{"nguyen van an", "", nil, []string{"nguyen", "van", "an"}},
		{"ĐỖ Thị Đào", "", nil, []string{"do", "thi", "dao"}},
		{"000.31.37.h45-260302-0001", "000.31.37.H45-260302-0001", nil, nil},
		{"260302-0001", "260302-0001", nil, nil},
		{"037 085 001 234", "", []string{"037085001234"}, nil},
		{"0912.345.678", "", []string{"0912345678", "84912345678", "+84912345678"}, nil},
		{"+84 912 345 678", "", []string{"84912345678", "0912345678", "+84912345678"}, nil},
		{"0001", "0001", nil, nil},
		{"12345678", "12345678", nil, nil},
		// A hyphen among other characters is a name (a double-barrelled one), not a code.
		{"Hoàng-Anh", "", nil, []string{"hoang", "anh"}},
	} {
		code, numbers, words := dossier.SortText(c.in)
		if code != c.code || !slices.Equal(numbers, c.numbers) || !slices.Equal(words, c.words) {
			t.Errorf("SortText(%q) = %q %q %q, want %q %q %q", c.in, code, numbers, words, c.code, c.numbers, c.words)
		}
	}
}

func TestSearchCursor(t *testing.T) {
	for _, k := range []dossier.SearchKey{
		{SubmittedAt: time.Date(2026, 3, 2, 2, 0, 0, 123456000, time.UTC), ID: 987654, Total: 12},
		{SubmittedAt: time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC), ID: 1, Total: dossier.SearchCountCap, Capped: true},
	} {
		got, err := dossier.DecodeCursor(dossier.EncodeCursor(k))
		if err != nil || got != k {
			t.Fatalf("round trip %+v: %+v %v", k, got, err)
		}
	}
	for _, bad := range []string{"!!", "YWJj", "LjE", dossier.EncodeCursor(dossier.SearchKey{ID: 0}), string(make([]byte, 65))} {
		if _, err := dossier.DecodeCursor(bad); apperr.From(err).Code != "invalid_cursor" {
			t.Errorf("DecodeCursor(%q) = %v", bad, err)
		}
	}
}

func TestParseSearch(t *testing.T) {
	for _, c := range []struct {
		query, code string
	}{
		{"q=an&status=received,processing&channel=online&from=2026-01-01&to=2026-01-31&limit=5", ""},
		{"status=xyz", "invalid_status"},
		{"channel=fax", "invalid_channel"},
		{"from=01/01/2026", "invalid_search_dates"},
		{"limit=0", "invalid_pagination"},
		{"limit=abc", "invalid_pagination"},
	} {
		v, _ := url.ParseQuery(c.query)
		s, err := dossier.ParseSearch(v)
		if got := apperr.From(err).Code; err != nil && got != c.code || err == nil && c.code != "" {
			t.Errorf("%s: %v, want %q", c.query, err, c.code)
		}
		if c.code == "" && (s.Text != "an" || len(s.Statuses) != 2 || s.Channel != dossier.ChannelOnline || s.Limit != 5 ||
			s.From != calendar.NewDate(2026, 1, 1) || s.To != calendar.NewDate(2026, 1, 31)) {
			t.Errorf("%s: parsed %+v", c.query, s)
		}
	}
}

// The scope of a search is Service.Access's rule: every role, and what each may narrow.
func TestSearchScope(t *testing.T) {
	in := func(unitID int64, roles ...auth.Role) *auth.Principal {
		p := &auth.Principal{UserID: 7}
		for _, r := range roles {
			p.Memberships = append(p.Memberships, auth.Membership{UnitID: unitID, Role: r})
		}
		return p
	}
	twoUnits := in(1, auth.RoleSpecialist)
	twoUnits.Memberships = append(twoUnits.Memberships, auth.Membership{UnitID: 2, Role: auth.RoleLeader})
	for _, c := range []struct {
		name string
		p    *auth.Principal
		unit int64
		want dossier.SearchScope
		code string
	}{
		{"anonymous", nil, 0, dossier.SearchScope{}, "unauthenticated"},
		{"system administrator", in(0, auth.RoleSystemAdmin), 0, dossier.SearchScope{All: true}, ""},
		{"system administrator, one unit", in(0, auth.RoleSystemAdmin), 5, dossier.SearchScope{Units: []int64{5}}, ""},
		{"counter officer", in(1, auth.RoleCounter), 0, dossier.SearchScope{Units: []int64{1}}, ""},
		{"unit administrator", in(1, auth.RoleUnitAdmin), 0, dossier.SearchScope{Units: []int64{1}}, ""},
		{"accountant", in(1, auth.RoleAccountant), 0, dossier.SearchScope{Units: []int64{1}}, ""},
		{"official of two units", twoUnits, 0, dossier.SearchScope{Units: []int64{1, 2}}, ""},
		{"official of two units, one asked", twoUnits, 2, dossier.SearchScope{Units: []int64{2}}, ""},
		{"official, another unit asked", in(1, auth.RoleLeader), 3, dossier.SearchScope{}, "forbidden"},
		{"volunteer", in(1, auth.RoleDigitalTeam), 0, dossier.SearchScope{OwnerID: 7, AssistedBy: 7, AssistUnits: []int64{1}}, ""},
		{"citizen", in(1, auth.RoleCitizen), 0, dossier.SearchScope{OwnerID: 7}, ""},
		{"citizen asking for a unit", in(1, auth.RoleCitizen), 1, dossier.SearchScope{OwnerID: 7}, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			f, err := dossier.Filter(c.p, dossier.Search{UnitID: c.unit})
			if got := apperr.From(err).Code; err != nil && got != c.code || err == nil && c.code != "" {
				t.Fatalf("err %v, want %q", err, c.code)
			}
			if err == nil && (f.Scope.All != c.want.All || !slices.Equal(f.Scope.Units, c.want.Units) || f.Scope.OwnerID != c.want.OwnerID ||
				f.Scope.AssistedBy != c.want.AssistedBy || !slices.Equal(f.Scope.AssistUnits, c.want.AssistUnits)) {
				t.Fatalf("scope %+v, want %+v", f.Scope, c.want)
			}
		})
	}
}

// Searching stored dossiers on the engine under test: folded names, numbers, codes,
// filters, keyset pages, and only what the caller may see.
func TestSearchDossiers(t *testing.T) {
	ctx := context.Background()
	f := setup(t)
	c0, err := f.st.UnitByID(ctx, f.commune)
	if err != nil {
		t.Fatal(err)
	}
	other, err := f.st.CreateUnit(ctx, unit.Unit{Code: "14732", Level: unit.Commune, ParentID: c0.ParentID, Name: "Xã Bên", IdentCode: "000.32.37.H45", ValidFrom: "2025-07-01"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.st.ImportCatalog(ctx, other, catalog.Catalog{Procedures: []catalog.Procedure{testProcedure()}}, true); err != nil {
		t.Fatal(err)
	}
	newUser := func(name string, ms ...auth.Membership) *auth.Principal {
		id, err := f.st.CreateUser(ctx, auth.User{Username: name, FullName: name}, ms)
		if err != nil {
			t.Fatal(err)
		}
		return &auth.Principal{UserID: id, Username: name, FullName: name, Memberships: ms}
	}
	counter := newUser("motcua", auth.Membership{UnitID: f.commune, Role: auth.RoleCounter})
	otherCounter := newUser("motcua2", auth.Membership{UnitID: other, Role: auth.RoleCounter})
	citizen := newUser("congdan", auth.Membership{UnitID: f.commune, Role: auth.RoleCitizen})
	volunteer := newUser("tocongnghe", auth.Membership{UnitID: f.commune, Role: auth.RoleDigitalTeam})
	admin := newUser("admin", auth.Membership{UnitID: f.commune, Role: auth.RoleSystemAdmin})

	people := []struct{ name, id, phone string }{
		{"Nguyễn Văn An", "037085001234", "0912345678"},
		{"Trần Thị Bình", "037185001235", "0987654321"},
		{"Nguyễn Thị Ánh", "037185001236", "+84911111111"},
		{"Lê Văn Anh", "037085001237", "0922222222"},
		{"Đỗ Đức Đạt", "037085001238", "0933333333"},
		{"Phạm Thanh Toàn", "037085001239", "0944444444"},
		{"NGUYỄN VĂN AN", "037085001240", "0955555555"}, // a namesake
	}
	var filed []dossier.Dossier
	for _, who := range people {
		f.now = f.now.Add(time.Hour)
		in := f.intake(who.name)
		in.Applicant.IDNumber, in.Applicant.Phone = who.id, who.phone
		d, _, err := f.svc.File(ctx, "1.001193", in, dossier.Actor{P: counter}, dossier.Idempotency{})
		if err != nil {
			t.Fatal(err)
		}
		filed = append(filed, d)
	}
	// The citizen's own online dossier, and one the volunteer files for them.
	f.now = f.now.Add(time.Hour)
	own := f.intake("Vũ Minh Châu")
	own.Channel, own.OwnerID, own.Fields = dossier.ChannelOnline, citizen.UserID, map[string]string{"ten_tre": "Bé"}
	own.Applicant.Phone = "0966666666"
	ownD, _, err := f.svc.File(ctx, "1.001193", own, dossier.Actor{P: citizen}, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := f.st.GrantConsent(ctx, consent.Consent{CitizenID: citizen.UserID, VolunteerID: volunteer.UserID, UnitID: f.commune,
		Purpose: consent.AssistedFiling, Text: consent.Text(consent.AssistedFiling)})
	if err != nil {
		t.Fatal(err)
	}
	f.now = f.now.Add(time.Hour)
	assisted := own
	assisted.Channel, assisted.Applicant.FullName = dossier.ChannelAssisted, "Vũ Minh Châu"
	assistedD, _, err := f.svc.File(ctx, "1.001193", assisted, dossier.Actor{P: volunteer}, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	// A namesake in the other commune, which the first commune's officials never see.
	f.now = f.now.Add(time.Hour)
	elsewhere := f.intake("Nguyễn Văn An")
	elsewhere.ReceivingUnitID = other
	otherD, _, err := f.svc.File(ctx, "1.001193", elsewhere, dossier.Actor{P: otherCounter}, dossier.Idempotency{})
	if err != nil {
		t.Fatal(err)
	}
	all := append(append([]dossier.Dossier{}, filed...), ownD, assistedD)

	codes := func(ds []dossier.Dossier) []string {
		var out []string
		for _, d := range ds {
			out = append(out, d.Code)
		}
		return out
	}
	// expect lists, newest first, the dossiers of ds the predicate keeps.
	expect := func(ds []dossier.Dossier, keep func(dossier.Dossier) bool) []string {
		var out []string
		for i := len(ds) - 1; i >= 0; i-- {
			if keep(ds[i]) {
				out = append(out, ds[i].Code)
			}
		}
		return out
	}
	byName := func(q string) func(dossier.Dossier) bool {
		return func(d dossier.Dossier) bool { return catalog.Matches(q, d.Applicant.FullName) }
	}
	search := func(p *auth.Principal, q dossier.Search) []string {
		t.Helper()
		var got []string
		total := -1
		for i := 0; i < 20; i++ {
			page, err := f.svc.Search(ctx, p, q)
			if err != nil {
				t.Fatalf("search %+v: %v", q, err)
			}
			if total >= 0 && page.Total != total {
				t.Fatalf("total moved from %d to %d", total, page.Total)
			}
			total = page.Total
			got = append(got, codes(page.Items)...)
			if page.Next == "" {
				if len(got) != total {
					t.Fatalf("%d found, total says %d", len(got), total)
				}
				return got
			}
			q.After = page.Next
		}
		t.Fatal("no end of pages")
		return nil
	}
	for _, c := range []struct {
		name string
		p    *auth.Principal
		q    dossier.Search
		want []string
	}{
		{"folded full name", counter, dossier.Search{Text: "nguyen van an"}, expect(all, byName("nguyen van an"))},
		{"with accents, other case", counter, dossier.Search{Text: "NGUYỄN văn AN"}, expect(all, byName("nguyen van an"))},
		{"given name", counter, dossier.Search{Text: "an"}, expect(all, byName("an"))},
		{"word beginnings", counter, dossier.Search{Text: "ng th"}, expect(all, byName("ng th"))},
		{"đ folds to d", counter, dossier.Search{Text: "do duc dat"}, expect(all, byName("do duc dat"))},
		{"inside a word finds nothing", counter, dossier.Search{Text: "oan"}, nil},
		{"nobody", counter, dossier.Search{Text: "zzqx khong co ai"}, nil},
		{"CCCD", counter, dossier.Search{Text: "037185001235"}, []string{filed[1].Code}},
		{"phone as typed", counter, dossier.Search{Text: "0912 345 678"}, []string{filed[0].Code}},
		{"phone stored with +84", counter, dossier.Search{Text: "0911111111"}, []string{filed[2].Code}},
		{"whole code", counter, dossier.Search{Text: filed[3].Code}, []string{filed[3].Code}},
		{"code in lower case", counter, dossier.Search{Text: "000.31.37.h45-260302-0004"}, []string{filed[3].Code}},
		{"end of a code", counter, dossier.Search{Text: filed[4].Code[len(filed[4].Code)-11:]}, []string{filed[4].Code}},
		{"sequence only", counter, dossier.Search{Text: "0002"}, []string{filed[1].Code}},
		{"channel", counter, dossier.Search{Channel: dossier.ChannelOnline}, []string{ownD.Code}},
		{"status", counter, dossier.Search{Statuses: []dossier.Status{dossier.StatusSubmitted}}, []string{assistedD.Code, ownD.Code}},
		{"procedure", counter, dossier.Search{ProcedureCode: "1.001193", Text: "binh"}, []string{filed[1].Code}},
		{"another procedure", counter, dossier.Search{ProcedureCode: "9.999999"}, nil},
		{"day range", counter, dossier.Search{From: calendar.NewDate(2026, 3, 2), To: calendar.NewDate(2026, 3, 2)}, expect(all, func(dossier.Dossier) bool { return true })},
		{"day before", counter, dossier.Search{To: calendar.NewDate(2026, 3, 1)}, nil},
		{"small pages", counter, dossier.Search{Limit: 2}, expect(all, func(dossier.Dossier) bool { return true })},
		{"small pages of a name", counter, dossier.Search{Limit: 1, Text: "nguyen"}, expect(all, byName("nguyen"))},
		{"other commune's official", otherCounter, dossier.Search{Text: "nguyen van an"}, []string{otherD.Code}},
		{"system administrator", admin, dossier.Search{Text: "nguyen van an", Limit: 1}, append([]string{otherD.Code}, expect(all, byName("nguyen van an"))...)},
		{"citizen: their own", citizen, dossier.Search{}, []string{assistedD.Code, ownD.Code}},
		{"citizen: no one else's", citizen, dossier.Search{Text: "nguyen"}, nil},
		{"volunteer: what they filed", volunteer, dossier.Search{}, []string{assistedD.Code}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := search(c.p, c.q); !slices.Equal(got, c.want) {
				t.Fatalf("got %q\nwant %q", got, c.want)
			}
		})
	}
	if _, err := f.st.RevokeConsent(ctx, citizen.UserID, c.ID); err != nil {
		t.Fatal(err)
	}
	if got := search(volunteer, dossier.Search{}); len(got) != 0 {
		t.Fatalf("the volunteer after the revocation: %q", got)
	}
	if _, err := f.svc.Search(ctx, counter, dossier.Search{Text: string(make([]rune, 101))}); apperr.From(err).Code != "invalid_search" {
		t.Fatalf("long text: %v", err)
	}
}

// FuzzSearchInput: what a stranger types in the search box or the API's parameters never
// panics, a cursor read back is one that was written, and the sorted text is folded.
func FuzzSearchInput(f *testing.F) {
	for _, s := range []string{"nguyen van an", "000.31.37.H45-260302-0001", "+84 912 345 678", "0007", dossier.EncodeCursor(dossier.SearchKey{ID: 9}), "\xff-\x00", "Đ-đ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := dossier.ParseSearch(url.Values{"q": {s}, "after": {s}, "from": {s}, "status": {s}, "channel": {s}, "limit": {s}}); err == nil && s != "" {
			t.Fatalf("%q accepted as every parameter at once", s)
		}
		code, numbers, words := dossier.SortText(s)
		for _, w := range words {
			if w != catalog.Fold(w) || w == "" {
				t.Fatalf("word %q of %q not folded", w, s)
			}
		}
		if code != "" && len(numbers) > 0 {
			t.Fatalf("%q is both a code and a number", s)
		}
		if k, err := dossier.DecodeCursor(s); err == nil {
			if again, err := dossier.DecodeCursor(dossier.EncodeCursor(k)); err != nil || again != k {
				t.Fatalf("cursor %q: %+v then %+v, %v", s, k, again, err)
			}
		}
	})
}
