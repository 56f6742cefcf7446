package main

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

func TestCalendarCommands(t *testing.T) {
	tests := []struct {
		args []string
		code int
		out  string // exact stdout, or a line it must contain when prefixed with "~"
		err  string
	}{
		{[]string{"lunar", "2026-02-17"}, 0, "2026-02-17\t01/01/2026\tBính Ngọ\n", ""},
		{[]string{"lunar", "2025-01-29"}, 0, "2025-01-29\t01/01/2025\tẤt Tỵ\n", ""},
		{[]string{"lunar", "2020-06-05"}, 0, "2020-06-05\t14/04/2020 nhuận\tCanh Tý\n", ""},
		{[]string{"lunar", "--to-solar", "1/1/2026"}, 0, "2026-02-17\n", ""},
		{[]string{"lunar", "--to-solar", "10/3/2026"}, 0, "2026-04-26\n", ""},
		{[]string{"lunar", "--leap", "--to-solar", "1/4/2020"}, 0, "2020-05-23\n", ""},
		{[]string{"lunar", "2026-02-30"}, 1, "", "không có thật"},
		{[]string{"lunar", "1850-01-01"}, 1, "", "ngoài phạm vi"},
		{[]string{"lunar", "--leap", "--to-solar", "1/4/2026"}, 1, "", "không tồn tại"},
		{[]string{"lunar", "--to-solar", "31/1/2026"}, 1, "", "sai dạng"},
		{[]string{"lunar"}, 2, "", "cần đúng một ngày"},
		{[]string{"holidays", "2026"}, 0, "~2026-01-10\tdecreed-workday\t", ""},
		{[]string{"holidays", "2026"}, 0, "~2026-04-27\tcompensatory\t", ""},
		{[]string{"holidays", "--legal", "2026"}, 0, "~2026-02-17\tholiday\tTết Nguyên đán", ""},
		{[]string{"holidays", "26"}, 2, "", "YYYY"},
		{[]string{"holidays", "2300"}, 1, "", "ngoài phạm vi"},
		{[]string{"deadline", "--from", "2026-03-02T09:00:00+07:00", "--days", "1"}, 0, "2026-03-03T09:00:00+07:00\n", ""},
		// Received on Friday 13 February 2026 with 3 working days: 16–20 February are Tết,
		// 21–22 a weekend, so the days are Monday 23, Tuesday 24 and Wednesday 25.
		{[]string{"deadline", "--from", "2026-02-13T09:00:00+07:00", "--days", "3"}, 0, "2026-02-25T09:00:00+07:00\n", ""},
		// After closing: counted from Monday's opening.
		{[]string{"deadline", "--from", "2026-03-06T18:00:00+07:00", "--days", "1"}, 0, "2026-03-10T07:30:00+07:00\n", ""},
		{[]string{"deadline", "--from", "2026-03-02T16:00:00+07:00", "--hours", "2"}, 0, "2026-03-03T08:30:00+07:00\n", ""},
		{[]string{"deadline", "--from", "2026-03-02T09:00:00Z", "--days", "1"}, 0, "2026-03-03T16:00:00+07:00\n", ""},
		{[]string{"deadline", "--from", "2026-03-02", "--days", "1"}, 2, "", "RFC 3339"},
		{[]string{"deadline", "--from", "2026-03-02T09:00:00+07:00", "--days", "-2"}, 2, "", "không được âm"},
		{[]string{"deadline", "--from", "2026-03-02T09:00:00+07:00", "--days", "1", "--hours", "2"}, 2, "", "đúng một"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			r := xaso(t, nil, "", tt.args...)
			if r.code != tt.code {
				t.Fatalf("code %d, want %d; stderr %q", r.code, tt.code, r.err)
			}
			if want, ok := strings.CutPrefix(tt.out, "~"); ok {
				if !strings.Contains(r.out, want) {
					t.Fatalf("stdout lacks %q:\n%s", want, r.out)
				}
			} else if r.out != tt.out {
				t.Fatalf("stdout %q, want %q", r.out, tt.out)
			}
			if !strings.Contains(r.err, tt.err) {
				t.Fatalf("stderr %q lacks %q", r.err, tt.err)
			}
		})
	}
}

// TestHolidaysListsOnlyDepartures checks the contract of `xaso holidays`: only weekdays
// off and weekend days worked, sorted, each line date<TAB>kind<TAB>name.
func TestHolidaysListsOnlyDepartures(t *testing.T) {
	r := xaso(t, nil, "", "holidays", "2026")
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	prev := ""
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if len(f) != 3 || f[2] == "" {
			t.Fatalf("bad line %q", l)
		}
		if f[0] <= prev {
			t.Fatalf("not sorted at %q", l)
		}
		prev = f[0]
		switch f[0] {
		case "2026-02-14", "2026-02-15", "2026-02-21", "2026-02-22", "2026-04-26":
			t.Errorf("weekend day off listed: %q", l)
		}
	}
}

func TestVietQRCommands(t *testing.T) {
	r := xaso(t, nil, "", "vietqr", "encode", "--bin", "970415", "--account", "113366668888", "--amount", "50000", "--purpose", "Lệ phí")
	const want = "00020101021238560010A0000007270126000697041501121133666688880208QRIBFTTA53037045405500005802VN62100806Le phi63043FBD\n"
	if r.code != 0 || r.out != want {
		t.Fatalf("encode: %+v", r)
	}
	r = xaso(t, nil, "", "vietqr", "decode", strings.TrimSpace(want))
	if r.code != 0 || !strings.Contains(r.out, `"bin": "970415"`) || !strings.Contains(r.out, `"amount": 50000`) || !strings.Contains(r.out, `"crc": "3FBD"`) {
		t.Fatalf("decode: %+v", r)
	}
	bad := strings.TrimSpace(want[:len(want)-5]) + "0000"
	if r := xaso(t, nil, "", "vietqr", "decode", bad); r.code != 1 || !strings.Contains(r.err, "63") || r.out != "" {
		t.Fatalf("bad CRC: %+v", r)
	}
	if r := xaso(t, nil, "", "vietqr", "encode", "--bin", "97041", "--account", "1"); r.code != 1 || !strings.Contains(r.err, "38.01.00") {
		t.Fatalf("bad BIN: %+v", r)
	}
	png := t.TempDir() + "/qr.png"
	if r := xaso(t, nil, "", "vietqr", "encode", "--bin", "970436", "--account", "0011001234567", "--png", png); r.code != 0 {
		t.Fatalf("encode --png: %+v", r)
	}
}

// TestCalendarCommandsWithDatabase checks that --db brings in the decisions entered in
// the database, and --unit the unit's own.
func TestCalendarCommandsWithDatabase(t *testing.T) {
	dsn := storetest.DSN(t)
	env := map[string]string{"XASO_DB": dsn}
	for _, args := range [][]string{
		{"unit", "add", "--level", "province", "--code", "37", "--name", "Tỉnh Ninh Bình"},
		{"unit", "add", "--code", "14731", "--parent", "37", "--name", "Xã Yên Từ"},
	} {
		if r := xaso(t, env, "", args...); r.code != 0 {
			t.Fatalf("%v: %s", args, r.err)
		}
	}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	u, _ := st.UnitByCode(context.Background(), "14731")
	d, _ := calendar.ParseDate("2026-03-02")
	if _, err := st.CreateDecision(context.Background(), u.ID, calendar.Decision{Number: "3/QĐ-UBND",
		Days: []calendar.DecidedDay{{Date: d, Off: true, Name: "Nghỉ của xã"}}}); err != nil {
		t.Fatal(err)
	}
	from := []string{"deadline", "--from", "2026-02-27T09:00:00+07:00", "--days", "1"}
	if r := xaso(t, env, "", from...); r.out != "2026-03-02T09:00:00+07:00\n" {
		t.Fatalf("national calendar from the database: %+v", r)
	}
	if r := xaso(t, env, "", append([]string{"deadline", "--unit", "14731"}, from[1:]...)...); r.out != "2026-03-03T09:00:00+07:00\n" {
		t.Fatalf("the commune's calendar: %+v", r)
	}
	if r := xaso(t, env, "", "holidays", "--unit", "14731", "2026"); !strings.Contains(r.out, "2026-03-02\tdecreed-off\tNghỉ của xã\n") {
		t.Fatalf("holidays --unit: %+v", r)
	}
	if r := xaso(t, nil, "", "holidays", "--unit", "14731", "2026"); r.code != 2 || !strings.Contains(r.err, "--db") {
		t.Fatalf("--unit without a database: %+v", r)
	}
}

// TestCalendarCommandsCreateNoFiles: without a database the commands touch no disk.
func TestCalendarCommandsCreateNoFiles(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	for _, args := range [][]string{{"holidays", "2026"}, {"deadline", "--from", "2026-03-02T09:00:00+07:00", "--hours", "4"}, {"lunar", "2026-01-01"}} {
		if r := xaso(t, nil, "", args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Fatalf("files created: %v", entries)
	}
}

// TestDeadlineByProcedure: `deadline --procedure` gives the appointment intake would set,
// by the procedure's legal time and cut-off on the unit's calendar.
func TestDeadlineByProcedure(t *testing.T) {
	dsn := storetest.DSN(t)
	env := map[string]string{"XASO_DB": dsn}
	st, err := store.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.LoadWith(context.Background(), st, auth.NewHasher(auth.TestParams, 1), demo.Options{}); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		args  []string
		code  int
		out   string
		inErr string
	}{
		// 2.000509, registering a religious activity: 15 calendar days; received on the
		// Thursday before Tết 2026 (14–22 February off), due fifteen days later.
		{"calendar days across Tết", []string{"--from", "2026-02-12T09:00:00+07:00", "--procedure", "2.000509"}, 0, "2026-02-27T09:00:00+07:00\n", ""},
		// 2.000815, certifying a copy: the same day; after 15:00 the next working day.
		{"same day after 15:00", []string{"--from", "2026-03-02T15:30:00+07:00", "--procedure", "2.000815"}, 0, "2026-03-03T09:30:00+07:00\n", ""},
		{"same day before 15:00", []string{"--from", "2026-03-02T10:00:00+07:00", "--procedure", "2.000815", "--unit", "14731"}, 0, "2026-03-02T13:30:00+07:00\n", ""},
		{"working days", []string{"--from", "2026-03-02T09:00:00+07:00", "--procedure", "1.004873"}, 0, "2026-03-05T09:00:00+07:00\n", ""},
		{"unknown procedure", []string{"--from", "2026-03-02T09:00:00+07:00", "--procedure", "9.999999"}, 1, "", "9.999999"},
		{"with --days too", []string{"--from", "2026-03-02T09:00:00+07:00", "--procedure", "1.004873", "--days", "2"}, 2, "", "đúng một"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := xaso(t, env, "", append([]string{"deadline"}, tt.args...)...)
			if r.code != tt.code || r.out != tt.out || !strings.Contains(r.err, tt.inErr) {
				t.Fatalf("deadline %v: %+v", tt.args, r)
			}
		})
	}
	if r := xaso(t, nil, "", "deadline", "--from", "2026-03-02T09:00:00+07:00", "--procedure", "1.004873"); r.code != 2 || !strings.Contains(r.err, "--db") {
		t.Fatalf("--procedure without a database: %+v", r)
	}
}
