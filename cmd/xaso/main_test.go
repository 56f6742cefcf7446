package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/report"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/store/storetest"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// TestMain lets a test start this very binary as the xaso server (XASO_TEST_MAIN=1), so
// the crash test kills a real process without a separate build.
func TestMain(m *testing.M) {
	if os.Getenv("XASO_TEST_MAIN") == "1" {
		main()
		return
	}
	os.Exit(m.Run())
}

// cheapPasswords makes argon2id cheap in tests (the race detector slows it a hundredfold).
var cheapPasswords = map[string]string{"XASO_PASSWORD_MEMORY": "1024", "XASO_PASSWORD_TIME": "1"}

type result struct {
	code     int
	out, err string
}

// xaso runs a command line in-process.
func xaso(t *testing.T, env map[string]string, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	dataDir := "" // attachments go to the test's directory, not ./xaso-data beside the test
	code := run(context.Background(), args, stdio{in: strings.NewReader(stdin), out: &out, err: &errb,
		getenv: func(k string) string {
			if v, ok := env[k]; ok {
				return v
			}
			if k == "XASO_DATA_DIR" {
				if dataDir == "" {
					dataDir = t.TempDir()
				}
				return dataDir
			}
			return cheapPasswords[k]
		}})
	return result{code, out.String(), errb.String()}
}

// fresh is a new database and data directory for a test's commands, and must, which
// runs a command line there and fails the test unless it exits 0, returning its output.
func fresh(t *testing.T) (env map[string]string, must func(stdin string, args ...string) string) {
	env = map[string]string{"XASO_DB": storetest.DSN(t), "XASO_DATA_DIR": filepath.Join(t.TempDir(), "files")}
	return env, func(stdin string, args ...string) string {
		t.Helper()
		r := xaso(t, env, stdin, args...)
		if r.code != 0 {
			t.Fatalf("%v: code %d: %s", args, r.code, r.err)
		}
		return r.out
	}
}

func TestHelp(t *testing.T) {
	r := xaso(t, nil, "", "help")
	if r.code != 0 || !strings.Contains(r.out, "serve") || !strings.Contains(r.out, "backup") {
		t.Fatalf("help: %+v", r)
	}
	for _, c := range commands() {
		r := xaso(t, nil, "", c.name, "-h")
		if r.code != 0 || !strings.Contains(r.out, "Cách dùng (usage): xaso "+c.name) {
			t.Errorf("%s -h: %+v", c.name, r)
		}
		if r2 := xaso(t, nil, "", "help", c.name); r2.out != r.out {
			t.Errorf("help %s differs from %s -h", c.name, c.name)
		}
	}
	if r := xaso(t, nil, "", "user", "add", "-h"); r.code != 0 || !strings.Contains(r.out, "--password-stdin") && !strings.Contains(r.out, "-password-stdin") {
		t.Errorf("user add -h: %+v", r)
	}
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"nope"}, "không có lệnh"},
		{[]string{"serve", "--bogus"}, "flag provided but not defined"},
		{[]string{"version", "extra"}, "không nhận tham số"},
		{[]string{"user"}, "thiếu lệnh con"},
		{[]string{"user", "remove", "x"}, "không có lệnh con"},
		{[]string{"token", "create"}, "--user"},
		{[]string{"audit", "check"}, "không có lệnh con"},
		{[]string{"backup"}, "tệp sao lưu"},
	}
	for _, tt := range tests {
		r := xaso(t, nil, "", tt.args...)
		if r.code != 2 || !strings.Contains(r.err, tt.want) || r.out != "" {
			t.Errorf("%v: code %d, stderr %q, stdout %q", tt.args, r.code, r.err, r.out)
		}
	}
	if r := xaso(t, nil, ""); r.code != 2 {
		t.Errorf("no arguments: %d", r.code)
	}
	if r := xaso(t, map[string]string{"XASO_DEMO": "perhaps"}, "", "migrate"); r.code != 2 || !strings.Contains(r.err, "XASO_DEMO") {
		t.Errorf("bad environment: %+v", r)
	}
}

func TestVersion(t *testing.T) {
	r := xaso(t, nil, "", "version")
	if r.code != 0 || !strings.HasPrefix(r.out, "xaso ") || strings.Count(r.out, "\n") != 1 {
		t.Fatalf("version: %+v", r)
	}
}

func TestDataCommands(t *testing.T) {
	env, must := fresh(t)
	dsn := env["XASO_DB"]
	if out := must("", "migrate"); !strings.HasPrefix(out, "schema version ") {
		t.Fatalf("migrate: %q", out)
	}
	must("", "unit", "add", "--level", "province", "--code", "37", "--name", "Tỉnh Ninh Bình")
	must("", "unit", "add", "--code", "14731", "--parent", "37", "--name", "Xã Yên Từ", "--ident", "000.31.37.H45")
	if out := must("", "unit", "list"); !strings.Contains(out, "14731\tcommune\tXã Yên Từ\t000.31.37.H45\t2025-07-01\t\n") {
		t.Fatalf("unit list: %q", out)
	}
	if r := xaso(t, env, "", "unit", "add", "--code", "1", "--parent", "37", "--name", "X"); r.code != 1 || !strings.Contains(r.err, "code") {
		t.Fatalf("bad unit code: %+v", r)
	}
	if out := must("mat-khau-du-dai\n", "user", "add", "--full-name", "Trần Thị Bình", "--unit", "14731", "--role", "counter,specialist", "--password-stdin", "motcua"); out != "" {
		t.Fatalf("user add with --password-stdin printed %q", out)
	}
	generated := strings.TrimSpace(must("", "user", "add", "--db", dsn, "congdan"))
	if len(generated) != 16 {
		t.Fatalf("generated password %q", generated)
	}
	if r := xaso(t, env, "", "user", "add", "motcua"); r.code != 1 || !strings.Contains(r.err, "đã được dùng") {
		t.Fatalf("duplicate user: %+v", r)
	}
	if r := xaso(t, env, "ngan\n", "user", "set-password", "--password-stdin", "motcua"); r.code != 1 || !strings.Contains(r.err, "8 ký tự") {
		t.Fatalf("weak password: %+v", r)
	}
	must("", "user", "grant", "--unit", "14731", "--role", "leader", "congdan")
	out := must("", "user", "list")
	if !strings.Contains(out, "motcua\tTrần Thị Bình\tcounter@14731,specialist@14731\tactive\n") ||
		!strings.Contains(out, "congdan\t\tleader@14731\tactive\n") {
		t.Fatalf("user list: %q", out)
	}
	token := must("", "token", "create", "--user", "motcua")
	if !strings.HasPrefix(token, "xaso_") || strings.Count(token, "\n") != 1 || strings.Contains(strings.TrimSpace(token), " ") {
		t.Fatalf("token create printed %q", token)
	}
	must("", "token", "revoke", strings.TrimSpace(token))
	if out := must("", "token", "list", "--user", "motcua"); !strings.Contains(out, "\tcli\t") || !strings.Contains(out, "revoked ") {
		t.Fatalf("token list: %q", out)
	}
	if r := xaso(t, env, "", "token", "revoke", "999"); r.code != 1 {
		t.Fatalf("revoke missing token: %+v", r)
	}
	if out := must("", "audit", "verify"); !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("audit verify: %q", out)
	}

	// Tamper with one record: verify must name the chain and the record.
	db, err := sql.Open(driverOf(dsn), sqlDSN(dsn))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`UPDATE audit_log SET actor = 'cli:someone-else' WHERE chain_id = 0 AND seq = 2`); err != nil {
		t.Fatal(err)
	}
	r := xaso(t, env, "", "audit", "verify")
	if r.code != 1 || !strings.Contains(r.err, "chuỗi 0, bản ghi số 2") || r.out != "" {
		t.Fatalf("tampered audit: %+v", r)
	}

	if storetest.PostgresURL() != "" {
		if r := xaso(t, env, "", "backup", filepath.Join(t.TempDir(), "b.db")); r.code != 1 || !strings.Contains(r.err, "pg_dump") {
			t.Fatalf("backup on PostgreSQL: %+v", r)
		}
		return
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	must("", "backup", backup)
	if out := must("", "user", "list", "--db", "sqlite:"+backup); !strings.Contains(out, "motcua") {
		t.Fatalf("backup content: %q", out)
	}
}

// driverOf and sqlDSN open the test database directly, to tamper with it.
func driverOf(dsn string) string {
	if strings.HasPrefix(dsn, "sqlite:") {
		return "sqlite"
	}
	return "pgx"
}

func sqlDSN(dsn string) string { return strings.TrimPrefix(dsn, "sqlite:") }

func TestServeStartupErrors(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	r := xaso(t, nil, "", "serve", "--addr", ln.Addr().String(), "--db", "sqlite:"+filepath.Join(dir, "x.db"), "--data-dir", filepath.Join(dir, "f"))
	if r.code != 1 || !strings.Contains(r.err, "đang được dùng") || !strings.Contains(r.err, "--addr") {
		t.Fatalf("port in use: %+v", r)
	}
	// A file where the data directory should be: the error names the directory.
	blocker := filepath.Join(dir, "blocker")
	os.WriteFile(blocker, nil, 0o600)
	r = xaso(t, nil, "", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(dir, "y.db"), "--data-dir", filepath.Join(blocker, "files"))
	if r.code != 1 || !strings.Contains(r.err, "không tạo được thư mục") {
		t.Fatalf("unusable data dir: %+v", r)
	}
	// The live streams' Icecast without its source password: refused before starting.
	r = xaso(t, nil, "", "serve", "--addr", "127.0.0.1:0", "--db", "sqlite:"+filepath.Join(dir, "z.db"), "--data-dir", filepath.Join(dir, "g"),
		"--icecast-url", "http://127.0.0.1:18000")
	if r.code != 1 || !strings.Contains(r.err, "XASO_ICECAST_PASSWORD") {
		t.Fatalf("icecast without a password: %+v", r)
	}
	r = xaso(t, nil, "", "migrate", "--db", "postgres://nobody@127.0.0.1:1/none?connect_timeout=2")
	if r.code != 1 || !strings.Contains(r.err, "không kết nối được cơ sở dữ liệu") || strings.Count(strings.TrimSpace(r.err), "\n") != 0 {
		t.Fatalf("unreachable database: %+v", r)
	}
	if strings.Contains(fmt.Sprint(r), "password=") {
		t.Fatal("a password leaked")
	}
}

func TestImportDossiersCommand(t *testing.T) {
	dsn := storetest.DSN(t)
	env := map[string]string{"XASO_DB": dsn, "XASO_DATA_DIR": filepath.Join(t.TempDir(), "files")}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.LoadWith(ctx, st, auth.NewHasher(auth.TestParams, 1), demo.Options{}); err != nil {
		t.Fatal(err)
	}
	good := `{"unit":"14731","procedure_code":"1.004873","channel":"counter","applicant":{"full_name":"Lê Thị Hoa"},"received_at":"2019-03-01T08:30:00+07:00","due_at":"2019-03-06T08:30:00+07:00","status":"received"}`
	r := xaso(t, env, good+"\n\n"+good+"\n", "import", "dossiers", "-")
	if r.code != 0 || r.out != "000.31.37.H45-190301-0001\n000.31.37.H45-190301-0002\n" {
		t.Fatalf("import: %+v", r)
	}
	r = xaso(t, env, good+"\n"+strings.Replace(good, `"counter"`, `"fax"`, 1)+"\n", "import", "dossiers", "-")
	if r.code != 1 || !strings.Contains(r.err, "dòng 2, trường channel") || r.out != "" {
		t.Fatalf("bad line: %+v", r)
	}
}

func TestReportCommand(t *testing.T) {
	dsn := storetest.DSN(t)
	env := map[string]string{"XASO_DB": dsn, "XASO_DATA_DIR": filepath.Join(t.TempDir(), "files")}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1)); err != nil {
		t.Fatal(err)
	}
	r := xaso(t, env, "", "report", "one-stop", "--from", "2021-01-01", "--to", "2021-12-31")
	if r.code != 0 || !strings.Contains(r.out, `"online_rate": 26.1`) || !strings.Contains(r.out, `"early_rate": 43.9`) {
		t.Fatalf("report: %+v", r)
	}
	r = xaso(t, env, "", "report", "--from", "2021-01-01", "--to", "2021-12-31", "--by", "channel", "--format", "csv")
	if r.code != 0 || !strings.Contains(r.out, "total,Tổng cộng Xã Yên Từ 2021-01-01 – 2021-12-31,2094,547,1547,0,0,2094,919,1175,0,") {
		t.Fatalf("csv: %+v", r)
	}
	xlsx := filepath.Join(t.TempDir(), "r.xlsx")
	if r := xaso(t, env, "", "report", "--from", "2021-01-01", "--to", "2021-12-31", "--format", "xlsx", "--out", xlsx); r.code != 0 {
		t.Fatalf("xlsx: %+v", r)
	}
	if b, err := os.ReadFile(xlsx); err != nil || !bytes.HasPrefix(b, []byte("PK")) {
		t.Fatalf("xlsx file: %v", err)
	}
	pdf := filepath.Join(t.TempDir(), "r.pdf")
	if r := xaso(t, env, "", "report", "--from", "2021-01-01", "--to", "2021-12-31", "--by", "channel", "--format", "pdf", "--out", pdf); r.code != 0 {
		t.Fatalf("pdf: %+v", r)
	}
	if b, err := os.ReadFile(pdf); err != nil || !bytes.HasPrefix(b, []byte("%PDF-")) {
		t.Fatalf("pdf file: %v", err)
	}
	if pdftotext, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command(pdftotext, "-layout", pdf, "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		text := strings.Join(strings.Fields(string(out)), " ")
		for _, want := range []string{"BÁO CÁO TÌNH HÌNH TIẾP NHẬN VÀ GIẢI QUYẾT", "Xã Yên Từ, từ ngày 01/01/2021 đến ngày 31/12/2021",
			"Số hồ sơ tiếp nhận", "Số hồ sơ đang giải quyết", "Tổng cộng 2.094 547 1.547 0 0 2.094 919 1.175 0",
			"Tỷ lệ hồ sơ trực tuyến: 26,1%", "trước hạn: 43,9%; đúng hạn: 56,1%; quá hạn: 0,0%"} {
			if !strings.Contains(text, want) {
				t.Errorf("the PDF lacks %q:\n%s", want, text)
			}
		}
	}
	if r := xaso(t, env, "", "report", "--from", "2021-01-01", "--to", "2021-12-31", "--format", "pdf"); r.code != 2 {
		t.Fatalf("pdf to the terminal: %+v", r)
	}
	if r := xaso(t, env, "", "report", "--from", "2021-01-01", "--to", "2021-12-31", "--format", "xlsx"); r.code != 2 {
		t.Fatalf("xlsx to the terminal: %+v", r)
	}
	if r := xaso(t, env, "", "report", "rebuild"); r.code != 0 || !strings.HasPrefix(r.out, "rebuilt the counters of ") {
		t.Fatalf("rebuild: %+v", r)
	}
	if r := xaso(t, env, "", "report", "one-stop", "--from", "2021-12-31", "--to", "2021-01-01"); r.code != 1 || !strings.Contains(r.err, "Kỳ báo cáo") {
		t.Fatalf("bad period: %+v", r)
	}
}

func TestUnitImport(t *testing.T) {
	env := map[string]string{"XASO_DB": storetest.DSN(t), "XASO_DATA_DIR": filepath.Join(t.TempDir(), "files")}
	csv := "Mã,Tên,Cấp,Mã tỉnh,Mã định danh\n14731,Xã Yên Từ,Xã,37,000.31.37.H45\n37,Tỉnh Ninh Bình,Tỉnh,,\n"
	if r := xaso(t, env, csv, "unit", "import", "-"); r.code != 0 || r.out != "added 2, skipped 0 (already present)\n" {
		t.Fatalf("import: %+v", r)
	}
	if r := xaso(t, env, csv, "unit", "import", "-"); r.code != 0 || r.out != "added 0, skipped 2 (already present)\n" {
		t.Fatalf("import again: %+v", r)
	}
	if r := xaso(t, env, "code,name,parent_code\n14732,Xã Khác,99\n", "unit", "import", "-"); r.code != 1 || !strings.Contains(r.err, "không có tỉnh mã 99") {
		t.Fatalf("unknown province: %+v", r)
	}
	if r := xaso(t, env, "", "unit", "list"); !strings.Contains(r.out, "14731\tcommune\tXã Yên Từ\t000.31.37.H45") {
		t.Fatalf("list: %+v", r)
	}
}

// The XLSX export opens in LibreOffice with the same numbers as the JSON report: soffice
// converts each sheet to CSV, and every cell is compared with the JSON's figure. CI
// installs LibreOffice (.ci/run); elsewhere the test is skipped only when soffice is
// absent.
func TestReportXLSXInLibreOffice(t *testing.T) {
	soffice := testtool.Path(t, "soffice", "apt-get install --no-install-recommends libreoffice-calc-nogui")
	dsn := storetest.DSN(t)
	env := map[string]string{"XASO_DB": dsn, "XASO_DATA_DIR": filepath.Join(t.TempDir(), "files")}
	ctx := context.Background()
	st, err := store.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := demo.Load(ctx, st, auth.NewHasher(auth.TestParams, 1)); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	xlsx := filepath.Join(dir, "r.xlsx")
	args := []string{"report", "--from", "2021-01-01", "--to", "2021-12-31", "--by", "channel"}
	r := xaso(t, env, "", args...)
	if r.code != 0 {
		t.Fatalf("json: %+v", r)
	}
	var res report.Result
	if err := json.Unmarshal([]byte(r.out), &res); err != nil {
		t.Fatal(err)
	}
	if len(res.Groups) < 2 || res.Received.Total != 2094 {
		t.Fatalf("the JSON report is not the demo's 2021: %+v", res.OneStop)
	}
	if r := xaso(t, env, "", append(args, "--format", "xlsx", "--out", xlsx)...); r.code != 0 {
		t.Fatalf("xlsx: %+v", r)
	}
	// Filter options: comma, double quotes, UTF-8 (76), from line 1, …, and -1 at the
	// end: every sheet to its own file, r-<sheet>.csv.
	cmd := exec.Command(soffice, "-env:UserInstallation=file://"+filepath.Join(dir, "profile"), "--headless", "--convert-to",
		`csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1`, "--outdir", dir, xlsx)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("soffice: %v\n%s", err, out)
	}
	sheet := func(name string) [][]string {
		b, err := os.ReadFile(filepath.Join(dir, "r-"+name+".csv"))
		if err != nil {
			t.Fatalf("LibreOffice wrote no sheet %q: %v", name, err)
		}
		recs, err := csv.NewReader(bytes.NewReader(b)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	want := func(label string, o report.OneStop) []string {
		out := []string{label}
		for _, c := range report.Columns {
			switch v := c.Value(o).(type) {
			case float64:
				out = append(out, strconv.FormatFloat(v, 'f', -1, 64))
			default:
				out = append(out, fmt.Sprint(v))
			}
		}
		return out
	}
	check := func(sheetName string, row []string, w []string) {
		t.Helper()
		if !slices.Equal(row, w) {
			t.Errorf("sheet %s, row %q:\nLibreOffice %q\nJSON        %q", sheetName, w[0], row, w)
		}
	}
	summary := sheet("Tổng hợp")
	if len(summary) < 4 {
		t.Fatalf("summary sheet: %q", summary)
	}
	check("Tổng hợp", summary[3], want(res.UnitName, res.OneStop))
	detail := sheet("Chi tiết")
	if len(detail) != len(res.Groups)+2 {
		t.Fatalf("detail sheet has %d rows, want %d groups, a header and a total", len(detail), len(res.Groups))
	}
	for i, g := range res.Groups {
		check("Chi tiết", detail[i+1], want(g.Label, g.OneStop))
	}
	check("Chi tiết", detail[len(detail)-1], want("Tổng cộng", res.OneStop))
}
