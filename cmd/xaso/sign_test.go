package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/forms"
)

func TestSignVerifyDemoCACommands(t *testing.T) {
	dir := t.TempDir()
	ca := filepath.Join(dir, "ca")
	if r := xaso(t, nil, "", "demo-ca", "--out", ca); r.code != 0 || !strings.Contains(r.out, "lanhdao.p12") {
		t.Fatalf("demo-ca: %+v", r)
	}
	var b bytes.Buffer
	rc := forms.Receipt{Code: "H01.20-261126-0001", Request: "Đăng ký khai sinh", ReceivedAt: time.Now(), DueAt: time.Now().Add(24 * time.Hour)}
	if err := rc.PDF(&b); err != nil {
		t.Fatal(err)
	}
	in := filepath.Join(dir, "kq.pdf")
	os.WriteFile(in, b.Bytes(), 0o644)
	one, two := filepath.Join(dir, "kq-1.pdf"), filepath.Join(dir, "kq-2.pdf")
	env := map[string]string{"XASO_P12_PASSWORD": "xaso-demo"}

	// Wrong passphrase: a clear message, exit 1.
	r := xaso(t, map[string]string{"XASO_P12_PASSWORD": "sai"}, "", "sign", "--p12", filepath.Join(ca, "lanhdao.p12"), "--in", in, "--out", one)
	if r.code != 1 || !strings.Contains(r.err, "Mật khẩu của tệp chứng thư số") || strings.Contains(r.err, "sai") && strings.Contains(r.err, "XASO_P12_PASSWORD=sai") {
		t.Fatalf("wrong passphrase: %+v", r)
	}
	// The leader signs with the passphrase typed on stdin, then the clerk seals.
	r = xaso(t, map[string]string{"XASO_P12_PASSWORD": ""}, "xaso-demo\n", "sign", "--p12", filepath.Join(ca, "lanhdao.p12"), "--in", in, "--out", one,
		"--reason", "Phê duyệt kết quả", "--image", filepath.Join(ca, "chu-ky-lanhdao.png"), "--rect", "200,150,360,210")
	if r.code != 0 {
		t.Fatalf("sign (leader): %+v", r)
	}
	r = xaso(t, env, "", "sign", "--p12", filepath.Join(ca, "vanthu-con-dau.p12"), "--in", one, "--out", two,
		"--seal", filepath.Join(ca, "con-dau.png"), "--rect", "200,150,360,210")
	if r.code != 0 {
		t.Fatalf("sign (seal): %+v", r)
	}
	r = xaso(t, nil, "", "verify", "--offline", "--trust", filepath.Join(ca, "ca.pem"), two)
	var rep struct {
		Valid      bool `json:"valid"`
		Modified   bool `json:"modified_after_signing"`
		Signatures []struct {
			Valid  bool `json:"valid"`
			Signer struct {
				CommonName string `json:"common_name"`
			}
			Chain      struct{ Status string }
			Revocation struct{ Status string }
		}
	}
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil || r.code != 0 {
		t.Fatalf("verify: %v %+v", err, r)
	}
	if !rep.Valid || rep.Modified || len(rep.Signatures) != 2 || rep.Signatures[0].Signer.CommonName != "Nguyễn Văn Dũng" ||
		rep.Signatures[1].Chain.Status != "trusted" || rep.Signatures[1].Revocation.Status != "unknown" {
		t.Fatalf("report: %s", r.out)
	}
	if _, err := exec.LookPath("pdfsig"); err == nil {
		out, _ := exec.Command("pdfsig", "-nocert", two).CombinedOutput()
		i := strings.LastIndex(string(out), "Signature #")
		if strings.Count(string(out), "Signature is Valid") != 2 || i < 0 || !strings.Contains(string(out[i:]), "Total document signed") {
			t.Fatalf("pdfsig:\n%s", out)
		}
	}
	// Without the anchor, or with a changed byte: exit 1 and the JSON still printed.
	if r := xaso(t, nil, "", "verify", "--offline", two); r.code != 1 || !strings.Contains(r.out, `"valid": false`) || !strings.Contains(r.out, "no_trust_anchors") {
		t.Fatalf("no anchor: %+v", r)
	}
	data, _ := os.ReadFile(two)
	i := bytes.Index(data, []byte("stream\n"))
	data[i+30] ^= 1
	bad := filepath.Join(dir, "bad.pdf")
	os.WriteFile(bad, data, 0o644)
	if r := xaso(t, nil, "", "verify", "--offline", "--trust", filepath.Join(ca, "ca.pem"), bad); r.code != 1 || !strings.Contains(r.out, `"intact": false`) {
		t.Fatalf("changed byte: %+v", r)
	}
	// Not a PDF, and usage errors.
	if r := xaso(t, nil, "", "verify", filepath.Join(ca, "ca.pem")); r.code != 1 || !strings.Contains(r.err, "PDF") {
		t.Fatalf("not a PDF: %+v", r)
	}
	if r := xaso(t, env, "", "sign", "--in", in); r.code != 2 {
		t.Fatalf("usage: %+v", r)
	}
	if r := xaso(t, env, "", "sign", "--p12", filepath.Join(ca, "lanhdao.p12"), "--in", in, "--out", one, "--image", filepath.Join(ca, "con-dau.png"), "--rect", "1,2"); r.code != 2 {
		t.Fatalf("bad rect: %+v", r)
	}
}

func TestTrustAndSignkeyCommands(t *testing.T) {
	dir := t.TempDir()
	db := "sqlite:" + filepath.Join(dir, "x.db")
	ca := filepath.Join(dir, "ca")
	if r := xaso(t, nil, "", "demo-ca", "--out", ca); r.code != 0 {
		t.Fatalf("demo-ca: %+v", r)
	}
	for _, args := range [][]string{
		{"unit", "add", "--db", db, "--level", "province", "--code", "37", "--name", "Tỉnh Ninh Bình"},
		{"unit", "add", "--db", db, "--code", "14731", "--parent", "37", "--name", "Xã Yên Từ"},
		{"user", "add", "--db", db, "--unit", "14731", "--role", "leader", "lanhdao"},
	} {
		if r := xaso(t, nil, "", args...); r.code != 0 {
			t.Fatalf("%v: %+v", args, r)
		}
	}
	// The leader's key, sealed in the database; the passphrase is not stored.
	env := map[string]string{"XASO_P12_PASSWORD": "xaso-demo"}
	if r := xaso(t, map[string]string{"XASO_P12_PASSWORD": "sai"}, "", "signkey", "add", "--db", db, "--user", "lanhdao", "--p12", filepath.Join(ca, "lanhdao.p12")); r.code != 1 {
		t.Fatalf("signkey add, wrong passphrase: %+v", r)
	}
	if r := xaso(t, env, "", "signkey", "add", "--db", db, "--user", "lanhdao", "--kind", "personal", "--p12", filepath.Join(ca, "lanhdao.p12")); r.code != 0 || !strings.Contains(r.out, "personal") {
		t.Fatalf("signkey add: %+v", r)
	}
	if r := xaso(t, nil, "", "signkey", "list", "--db", db, "--user", "lanhdao"); r.code != 0 || !strings.Contains(r.out, "Nguyễn Văn Dũng") {
		t.Fatalf("signkey list: %+v", r)
	}
	raw, _ := os.ReadFile(filepath.Join(dir, "x.db"))
	if bytes.Contains(raw, []byte("xaso-demo")) {
		t.Fatal("the passphrase is in the database")
	}
	r := xaso(t, nil, "", "trust", "add", "--db", db, filepath.Join(ca, "ca.pem"))
	if r.code != 0 || !strings.Contains(r.out, "THỬ NGHIỆM") {
		t.Fatalf("trust add: %+v", r)
	}
	sha := strings.Fields(r.out)[0]
	if r := xaso(t, nil, "", "trust", "list", "--db", db); r.code != 0 || !strings.HasPrefix(r.out, sha) {
		t.Fatalf("trust list: %+v", r)
	}
	// Verification with the database's anchors.
	var b bytes.Buffer
	(forms.Receipt{Code: "H01", ReceivedAt: time.Now(), DueAt: time.Now()}).PDF(&b)
	in, out := filepath.Join(dir, "in.pdf"), filepath.Join(dir, "out.pdf")
	os.WriteFile(in, b.Bytes(), 0o644)
	if r := xaso(t, map[string]string{"XASO_P12_PASSWORD": "xaso-demo"}, "", "sign", "--p12", filepath.Join(ca, "lanhdao.p12"), "--in", in, "--out", out); r.code != 0 {
		t.Fatalf("sign: %+v", r)
	}
	if r := xaso(t, nil, "", "verify", "--offline", "--db", db, out); r.code != 0 || !strings.Contains(r.out, `"issued_by_xaso": null`) {
		t.Fatalf("verify --db: %+v", r)
	}
	if r := xaso(t, nil, "", "trust", "add", "--db", db, filepath.Join(dir, "in.pdf")); r.code != 1 {
		t.Fatalf("not PEM: %+v", r)
	}
	if r := xaso(t, nil, "", "trust", "remove", "--db", db, sha); r.code != 0 {
		t.Fatalf("trust remove: %+v", r)
	}
	if r := xaso(t, nil, "", "verify", "--offline", "--db", db, out); r.code != 1 {
		t.Fatalf("verify without the anchor: %+v", r)
	}
}
