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
