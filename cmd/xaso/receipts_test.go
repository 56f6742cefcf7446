package main

import (
	"bytes"
	"crypto/x509"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo/democa"
	"github.com/xaso-vn/xaso/internal/signing"
	"github.com/xaso-vn/xaso/internal/testtool"
)

// TestReceiptkeyCommands: `xaso receiptkey add` installs a unit's receipt key sealed with
// XASO_RECEIPT_KEK (refused without it, with a wrong passphrase, or with an expired
// certificate, each with a Vietnamese message and exit 1); the passphrase and the KEK are
// not in the database; `list` shows the key in use and the retired one.
func TestReceiptkeyCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "x.db")
	for _, args := range [][]string{
		{"unit", "add", "--db", db, "--level", "province", "--code", "37", "--name", "Tỉnh Ninh Bình"},
		{"unit", "add", "--db", db, "--code", "14731", "--parent", "37", "--name", "Xã Yên Từ"},
	} {
		if r := xaso(t, nil, "", args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	ca, err := democa.New("CA kiểm thử", true)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, o democa.CertOptions) string {
		o.ECDSA = true
		c, k, err := ca.Issue(o)
		if err != nil {
			t.Fatal(err)
		}
		b, err := democa.EncodePKCS12(k, c, []*x509.Certificate{ca.Cert}, "mat-khau-p12")
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	good := write("donvi.p12", democa.CertOptions{CommonName: "UBND xã Yên Từ — biên lai"})
	newer := write("donvi-moi.p12", democa.CertOptions{CommonName: "UBND xã Yên Từ — biên lai (mới)"})
	expired := write("het-han.p12", democa.CertOptions{CommonName: "Hết hạn", NotBefore: time.Now().AddDate(-2, 0, 0), NotAfter: time.Now().AddDate(0, 0, -1)})
	kek := "kek-" + strings.Repeat("0123456789abcdef", 3)
	env := map[string]string{"XASO_P12_PASSWORD": "mat-khau-p12", "XASO_RECEIPT_KEK": kek}
	add := func(env map[string]string, file string) result {
		return xaso(t, env, "", "receiptkey", "add", "--db", db, "--unit", "14731", "--p12", file)
	}
	for name, tc := range map[string]struct {
		env  map[string]string
		file string
		want string
	}{
		"no KEK":           {map[string]string{"XASO_P12_PASSWORD": "mat-khau-p12"}, good, "XASO_RECEIPT_KEK"},
		"short KEK":        {map[string]string{"XASO_P12_PASSWORD": "mat-khau-p12", "XASO_RECEIPT_KEK": "ngan"}, good, "XASO_RECEIPT_KEK"},
		"wrong passphrase": {map[string]string{"XASO_P12_PASSWORD": "sai", "XASO_RECEIPT_KEK": kek}, good, "Mật khẩu"},
		"expired":          {env, expired, "hết hạn"},
	} {
		if r := add(tc.env, tc.file); r.code != 1 || !strings.Contains(r.err, tc.want) || r.out != "" {
			t.Errorf("%s: %+v", name, r)
		}
	}
	if r := xaso(t, env, "", "receiptkey", "add", "--db", db, "--unit", "99999", "--p12", good); r.code != 1 {
		t.Errorf("unknown unit: %+v", r)
	}
	r := add(env, good)
	if r.code != 0 || !strings.Contains(r.out, "14731") || !strings.Contains(r.out, "UBND xã Yên Từ — biên lai") || !strings.Contains(r.err, "xaso trust add") {
		t.Fatalf("add: %+v", r)
	}
	if r := add(env, good); r.code != 1 || !strings.Contains(r.err, "đã được cài") {
		t.Errorf("same certificate again: %+v", r)
	}
	if r := xaso(t, nil, "", "trust", "add", "--db", db, writePEM(t, dir, ca.Cert)); r.code != 0 {
		t.Fatalf("trust add: %+v", r)
	}
	if r := add(env, newer); r.code != 0 || strings.Contains(r.err, "xaso trust add") {
		t.Fatalf("add a newer key: %+v", r)
	}
	r = xaso(t, nil, "", "receiptkey", "list", "--db", db, "--unit", "14731")
	lines := strings.Split(strings.TrimSpace(r.out), "\n")
	if r.code != 0 || len(lines) != 2 || !strings.Contains(lines[0], "in-use") || !strings.Contains(lines[0], "(mới)") || !strings.Contains(lines[1], "retired") {
		t.Fatalf("list: %+v", r)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "x.db"))
	if bytes.Contains(raw, []byte("mat-khau-p12")) || bytes.Contains(raw, []byte(kek)) {
		t.Fatal("the passphrase or the KEK is in the database")
	}
}

func writePEM(t *testing.T, dir string, c *x509.Certificate) string {
	t.Helper()
	p := filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(p, signing.CertPEM(c), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// TestVietQRPNGScans: the image `xaso vietqr encode --png` writes decodes with zbarimg
// (Debian zbar-tools, installed by .ci/run) to exactly the payload printed on stdout.
func TestVietQRPNGScans(t *testing.T) {
	zbar := testtool.Path(t, "zbarimg", "apt-get install zbar-tools")
	png := filepath.Join(t.TempDir(), "qr.png")
	r := xaso(t, nil, "", "vietqr", "encode", "--bin", "970415", "--account", "113366668888", "--amount", "50000",
		"--bill", "XS260702000719H", "--purpose", "Lệ phí XS260702000719H", "--png", png)
	if r.code != 0 {
		t.Fatalf("encode --png: %+v", r)
	}
	out, err := exec.Command(zbar, "--raw", "-q", png).Output()
	if err != nil {
		t.Fatalf("zbarimg: %v", err)
	}
	if got, want := strings.TrimSpace(string(out)), strings.TrimSpace(r.out); got != want {
		t.Fatalf("scanned %q, printed %q", got, want)
	}
}
