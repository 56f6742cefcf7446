package payment

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/payment/vietqr"
)

var (
	now0    = time.Date(2026, 7, 2, 9, 0, 0, 0, locale.Zone)
	account = Account{UnitID: 12, BIN: "970415", Number: "113366668888", Name: "UBND XA YEN TU"}
)

func ptr(v int64) *int64 { return &v }

func TestNewRequest(t *testing.T) {
	fees := []catalog.Fee{
		{Name: "Lệ phí đăng ký kết hôn", Amount: 30000, OnlineAmount: ptr(15000)},
		{Name: "Phí cấp bản sao trích lục", Amount: 8000, OnlineAmount: ptr(0)},
		{Name: "Miễn phí", Amount: 0},
	}
	for _, tc := range []struct {
		name   string
		fees   []catalog.Fee
		online bool
		items  []Item
		err    error
	}{
		{"counter rates", fees, false, []Item{{Name: "Lệ phí đăng ký kết hôn", Amount: 30000}, {Name: "Phí cấp bản sao trích lục", Amount: 8000}}, nil},
		{"online rates skip the waived fee", fees, true, []Item{{Name: "Lệ phí đăng ký kết hôn", Amount: 15000}}, nil},
		{"no fees", nil, false, nil, ErrNothingToPay},
		{"all zero online", []catalog.Fee{{Name: "Phí", Amount: 5000, OnlineAmount: ptr(0)}}, true, nil, ErrNothingToPay},
		{"negative", []catalog.Fee{{Name: "Phí", Amount: -1}}, false, nil, ErrInvalidFee},
		{"no name", []catalog.Fee{{Name: "  ", Amount: 1000}}, false, nil, ErrInvalidFee},
		{"too large", []catalog.Fee{{Name: "Phí", Amount: maxAmount + 1}}, false, nil, ErrInvalidFee},
		{"sum too large", []catalog.Fee{{Name: "A", Amount: maxAmount}, {Name: "B", Amount: 1}}, false, nil, ErrInvalidFee},
		{"decomposed name comes out NFC", []catalog.Fee{{Name: "Le\u0302\u0323 phi\u0301", Amount: 1000}}, false, []Item{{Name: "Lệ phí", Amount: 1000}}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, ev, err := NewRequest(code7, tc.fees, tc.online, now0)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error = %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var sum int64
			for _, it := range tc.items {
				sum += it.Amount
			}
			if fmt.Sprint(r.Items) != fmt.Sprint(tc.items) || r.Amount != sum {
				t.Errorf("items %v amount %d, want %v amount %d", r.Items, r.Amount, tc.items, sum)
			}
			if r.State != StatePending || r.Ordinal != 1 || r.Reference != mustRef(t, code7, 1) || r.Online != tc.online ||
				!r.CreatedAt.Equal(now0) || r.Outstanding() != sum {
				t.Errorf("request = %+v", r)
			}
			if ev.Action != ActCreate || ev.ToState != StatePending || ev.Amount != sum {
				t.Errorf("event = %+v", ev)
			}
		})
	}
	if _, _, err := NewRequest("HS-7", fees, false, now0); !errors.Is(err, ErrInvalidReference) {
		t.Errorf("bad dossier code: error = %v", err)
	}
}

// TestNewRequestCopies: a fee charged per copy ("bản", "bản sao") is multiplied by the
// copies asked for, and says how many; the others are charged once; 0 copies is one;
// outside 1–100 is refused.
func TestNewRequestCopies(t *testing.T) {
	copyFee := catalog.Fee{Name: "Phí cấp bản sao trích lục", Amount: 8000, Per: "bản sao"}
	caseFee := catalog.Fee{Name: "Lệ phí", Amount: 10000, Per: "trường hợp"}
	pageFee := catalog.Fee{Name: "Phí chứng thực", Amount: 2000, Per: "trang"}
	for _, tc := range []struct {
		name   string
		fees   []catalog.Fee
		copies int
		items  []Item
		err    error
	}{
		{"one copy", []catalog.Fee{copyFee}, 1, []Item{{Name: copyFee.Name, Amount: 8000, Quantity: 1, UnitAmount: 8000}}, nil},
		{"not said is one", []catalog.Fee{copyFee}, 0, []Item{{Name: copyFee.Name, Amount: 8000, Quantity: 1, UnitAmount: 8000}}, nil},
		{"three copies", []catalog.Fee{copyFee}, 3, []Item{{Name: copyFee.Name + " (3 bản)", Amount: 24000, Quantity: 3, UnitAmount: 8000}}, nil},
		{"per case once", []catalog.Fee{caseFee, copyFee}, 2, []Item{{Name: "Lệ phí", Amount: 10000},
			{Name: copyFee.Name + " (2 bản)", Amount: 16000, Quantity: 2, UnitAmount: 8000}}, nil},
		{"per page is not per copy", []catalog.Fee{pageFee}, 5, []Item{{Name: "Phí chứng thực", Amount: 2000}}, nil},
		{"per bản", []catalog.Fee{{Name: "Phí", Amount: 1000, Per: " Bản "}}, 4, []Item{{Name: "Phí (4 bản)", Amount: 4000, Quantity: 4, UnitAmount: 1000}}, nil},
		{"hundred copies", []catalog.Fee{copyFee}, 100, []Item{{Name: copyFee.Name + " (100 bản)", Amount: 800000, Quantity: 100, UnitAmount: 8000}}, nil},
		{"too many", []catalog.Fee{copyFee}, 101, nil, ErrInvalidCopies},
		{"negative", []catalog.Fee{copyFee}, -1, nil, ErrInvalidCopies},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r, _, err := NewRequestFor(code7, tc.fees, false, tc.copies, now0)
			if tc.err != nil || err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("error = %v, want %v", err, tc.err)
				}
				return
			}
			var sum int64
			for _, it := range tc.items {
				sum += it.Amount
			}
			if fmt.Sprint(r.Items) != fmt.Sprint(tc.items) || r.Amount != sum {
				t.Errorf("items %+v amount %d, want %+v amount %d", r.Items, r.Amount, tc.items, sum)
			}
		})
	}
}

func TestRenumber(t *testing.T) {
	r, _, err := NewRequest(code7, []catalog.Fee{{Name: "Phí", Amount: 1000}}, false, now0)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.Renumber(2); err != nil || r.Ordinal != 2 || r.Reference != mustRef(t, code7, 2) {
		t.Fatalf("Renumber(2): %v, %+v", err, r)
	}
	r.ID = 5
	if err := r.Renumber(3); !errors.Is(err, ErrInvalidTransition) {
		t.Errorf("Renumber of a stored request: %v", err)
	}
}

func TestAccountValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		a    Account
		ok   bool
	}{
		{"account", account, true},
		{"card", Account{UnitID: 1, BIN: "970403", Number: "9704031101234567", Name: "UBND", Card: true}, true},
		{"letters in a virtual account", Account{UnitID: 1, BIN: "970422", Number: "VQRQADAIJ5512", Name: "UBND"}, true},
		{"BIN of 5 digits", Account{UnitID: 1, BIN: "97041", Number: "1", Name: "UBND"}, false},
		{"BIN with a letter", Account{UnitID: 1, BIN: "97041A", Number: "1", Name: "UBND"}, false},
		{"number with a dash", Account{UnitID: 1, BIN: "970415", Number: "1133-6666", Name: "UBND"}, false},
		{"number of 20", Account{UnitID: 1, BIN: "970415", Number: strings.Repeat("1", 20), Name: "UBND"}, false},
		{"no number", Account{UnitID: 1, BIN: "970415", Name: "UBND"}, false},
		{"no name", Account{UnitID: 1, BIN: "970415", Number: "1", Name: " "}, false},
		{"control in name", Account{UnitID: 1, BIN: "970415", Number: "1", Name: "UBND\nXA"}, false},
		{"no unit", Account{BIN: "970415", Number: "1", Name: "UBND"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.a.Validate()
			if (err == nil) != tc.ok || (err != nil && !errors.Is(err, ErrInvalidAccount)) {
				t.Errorf("Validate() = %v, want ok=%v", err, tc.ok)
			}
		})
	}
	if !account.Receives("970415", "113366668888") || account.Receives("970436", "113366668888") ||
		!(Account{Number: "VQRQ1"}).Receives("", "vqrq1") {
		t.Error("Receives")
	}
}

func TestPayload(t *testing.T) {
	r, _, err := NewRequest(code7, []catalog.Fee{{Name: "Lệ phí chứng thực", Amount: 50000}}, false, now0)
	if err != nil {
		t.Fatal(err)
	}
	r.UnitID = account.UnitID
	s, err := Payload(account, r)
	if err != nil {
		t.Fatal(err)
	}
	// docs/PAYMENTS.md shows this payload.
	const doc = "00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA53037045405500005802VN" +
		"62450115XS260702000719H0822Le phi XS260702000719H63042134"
	if s != doc {
		t.Errorf("Payload = %s\nwant (docs/PAYMENTS.md) %s", s, doc)
	}
	p, err := vietqr.Decode(s)
	if err != nil {
		t.Fatal(err)
	}
	want := vietqr.Payload{PointOfInitiation: vietqr.Dynamic, BIN: "970415", Account: "113366668888", Amount: 50000,
		Bill: "XS260702000719H", Purpose: "Le phi XS260702000719H"}
	if fmt.Sprint(p) != fmt.Sprint(want) {
		t.Errorf("payload decodes to %+v, want %+v", p, want)
	}

	// Partly paid: the code asks for the rest.
	if _, err := r.Confirm(Payment{Method: MethodCash, Amount: 20000, By: officer}, now0); err != nil {
		t.Fatal(err)
	}
	s, _ = Payload(account, r)
	if p, _ := vietqr.Decode(s); p.Amount != 30000 {
		t.Errorf("after a partial payment the code asks for %d, want 30000", p.Amount)
	}

	for _, tc := range []struct {
		name string
		a    Account
		r    func(Request) Request
		err  error
	}{
		{"paid", account, func(r Request) Request { r.State = StatePaid; return r }, ErrNotPayable},
		{"cancelled", account, func(r Request) Request { r.State = StateCancelled; return r }, ErrNotPayable},
		{"another unit's account", Account{UnitID: 99, BIN: "970415", Number: "1", Name: "X"}, func(r Request) Request { return r }, ErrAccountMismatch},
		{"invalid account", Account{UnitID: 12, BIN: "1", Number: "1", Name: "X"}, func(r Request) Request { return r }, ErrInvalidAccount},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := Payload(tc.a, tc.r(r)); !errors.Is(err, tc.err) {
				t.Errorf("Payload error = %v, want %v", err, tc.err)
			}
		})
	}
}

// TestNewRequestPayloadProperty: for random dossiers and fees, the QR code of a new
// request decodes to its amount and reference, and the reference is found again in the
// purpose a bank would copy into the description.
func TestNewRequestPayloadProperty(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 2026))
	accounts := []Account{
		account,
		{UnitID: 12, BIN: "970403", Number: "9704031101234567", Name: "UBND", Card: true},
		{UnitID: 12, BIN: "970422", Number: "VQRQADAIJ5512", Name: "UBND"},
	}
	for i := range 2000 {
		day := calendar.Date{Year: 2025, Month: 1, Day: 1}.AddDays(rng.IntN(3650))
		seq := 1 + rng.IntN(9999)
		if rng.IntN(10) == 0 {
			seq = 10000 + rng.IntN(maxSeq-10000+1)
		}
		ident := fmt.Sprintf("%03d.%02d.%02d.H%02d", rng.IntN(1000), rng.IntN(100), rng.IntN(100), rng.IntN(100))
		code := dossier.FormatCode(ident, day, seq)
		var fees []catalog.Fee
		for j := range 1 + rng.IntN(4) {
			f := catalog.Fee{Name: fmt.Sprintf("Lệ phí %d", j), Amount: int64(rng.IntN(5)) * int64(rng.IntN(2_000_000))}
			if rng.IntN(2) == 0 {
				f.OnlineAmount = ptr(f.Amount / 2)
			}
			fees = append(fees, f)
		}
		online := rng.IntN(2) == 0
		r, _, err := NewRequest(code, fees, online, now0)
		if errors.Is(err, ErrNothingToPay) {
			continue
		}
		if err != nil {
			t.Fatalf("case %d: NewRequest(%q): %v", i, code, err)
		}
		var want int64
		for _, f := range fees {
			want += f.AmountFor(online)
		}
		a := accounts[i%len(accounts)]
		s, err := Payload(a, r)
		if err != nil {
			t.Fatalf("case %d: Payload: %v", i, err)
		}
		p, err := vietqr.Decode(s)
		if err != nil {
			t.Fatalf("case %d: Decode(%q): %v", i, s, err)
		}
		if p.Amount != want || p.Bill != r.Reference || p.BIN != a.BIN || p.Account != a.Number || p.Card != a.Card ||
			p.PointOfInitiation != vietqr.Dynamic {
			t.Fatalf("case %d: %s decodes to %+v; want amount %d, reference %s", i, code, p, want, r.Reference)
		}
		if got, ok := ParseReference(mangle("MBVCB.123."+p.Purpose+".CT tu 0011", uint8(i))); !ok || got != r.Reference {
			t.Fatalf("case %d: purpose %q gives reference %q, want %q", i, p.Purpose, got, r.Reference)
		}
	}
}
