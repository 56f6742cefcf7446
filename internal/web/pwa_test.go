package web_test

import (
	"encoding/json"
	"fmt"
	"image/png"
	"net/http"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/xaso-vn/xaso/internal/demo"
)

// TestAppManifest: the manifest has what a browser needs to install the app, in
// Vietnamese, with the stylesheet's colours, and its icons are PNGs of the sizes it
// says.
func TestAppManifest(t *testing.T) {
	e := newEnv(t)
	resp, body := get(t, e.client(), e.ts.URL+"/manifest.webmanifest")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /manifest.webmanifest: %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); ct != "application/manifest+json" {
		t.Errorf("Content-Type %q, want application/manifest+json", ct)
	}
	var m struct {
		ID, Name, Lang, Scope, Display string
		ShortName                      string `json:"short_name"`
		StartURL                       string `json:"start_url"`
		ThemeColor                     string `json:"theme_color"`
		BackgroundColor                string `json:"background_color"`
		Icons                          []struct{ Src, Sizes, Type, Purpose string }
	}
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("the manifest is not JSON: %v\n%s", err, body)
	}
	css, err := os.ReadFile("static/app.css")
	if err != nil {
		t.Fatal(err)
	}
	cssVar := func(name string) string {
		mm := regexp.MustCompile(`--` + name + `:(#[0-9a-fA-F]{3,6})`).FindSubmatch(css)
		if mm == nil {
			t.Fatalf("app.css has no --%s colour", name)
		}
		return string(mm[1])
	}
	for _, c := range []struct{ field, got, want string }{
		{"name", m.Name, "Cổng dịch vụ công Xã Yên Từ"}, // as the home page names the portal
		{"short_name", m.ShortName, "Yên Từ"},
		{"lang", m.Lang, "vi"},
		{"id", m.ID, "/"},
		{"start_url", m.StartURL, "/"},
		{"scope", m.Scope, "/"},
		{"display", m.Display, "standalone"},
		{"theme_color", m.ThemeColor, cssVar("brand")},
		{"background_color", m.BackgroundColor, cssVar("bg")},
	} {
		if c.got != c.want {
			t.Errorf("manifest %s = %q, want %q", c.field, c.got, c.want)
		}
	}
	want := map[string]bool{"192x192 any": false, "512x512 any": false, "512x512 maskable": false}
	for _, ic := range m.Icons {
		key := ic.Sizes + " " + ic.Purpose
		if _, ok := want[key]; !ok {
			t.Errorf("unexpected icon %+v", ic)
			continue
		}
		want[key] = true
		resp, b := get(t, e.client(), e.ts.URL+ic.Src)
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "image/png" || ic.Type != "image/png" {
			t.Errorf("icon %s: %d %s (declared %s)", ic.Src, resp.StatusCode, resp.Header.Get("Content-Type"), ic.Type)
			continue
		}
		cfg, err := png.DecodeConfig(strings.NewReader(b))
		if err != nil {
			t.Errorf("icon %s is no PNG: %v", ic.Src, err)
			continue
		}
		if got := fmt.Sprintf("%dx%d", cfg.Width, cfg.Height); got != ic.Sizes {
			t.Errorf("icon %s is %s, declared %s", ic.Src, got, ic.Sizes)
		}
	}
	for k, seen := range want {
		if !seen {
			t.Errorf("the manifest has no %s icon", k)
		}
	}
	if resp, _ := get(t, e.client(), e.ts.URL+"/icons/khong-co.png"); resp.StatusCode != http.StatusNotFound {
		t.Errorf("an unknown icon: %d, want 404", resp.StatusCode)
	}
}

// TestLayoutLinksTheApp: every page links the manifest and sets the theme colour; the
// portal's pages load the service worker's script, deferred, and the office's do not.
func TestLayoutLinksTheApp(t *testing.T) {
	e := newEnv(t)
	citizen, _ := e.login(t, "congdan", demo.Password)
	officer, _ := e.login(t, "motcua", demo.Password)
	for _, c := range []struct {
		name   string
		client *http.Client
		path   string
		script bool
		theme  string
	}{
		{"home", e.client(), "/", true, "#a3160f"},
		{"login", e.client(), "/login", true, "#a3160f"},
		{"account", citizen, "/account", true, "#a3160f"},
		{"offline", e.client(), "/ngoai-tuyen", true, "#a3160f"},
		{"office", officer, "/office", false, "#14365f"},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, page := get(t, c.client, e.ts.URL+c.path)
			if resp.StatusCode != http.StatusOK {
				t.Fatalf("GET %s: %d", c.path, resp.StatusCode)
			}
			if got := attrAt(t, page, `head link[rel="manifest"]`, "href"); got != "/manifest.webmanifest" {
				t.Errorf("manifest link %q", got)
			}
			if got := attrAt(t, page, `head meta[name="theme-color"]`, "content"); got != c.theme {
				t.Errorf("theme-color %q, want %q", got, c.theme)
			}
			scripts := all(t, page, `script[src^="/static/app.js"]`)
			if !c.script {
				if len(scripts) != 0 {
					t.Errorf("an office page loads the service worker's script")
				}
				return
			}
			if len(scripts) != 1 {
				t.Fatalf("%d scripts of the app, want 1", len(scripts))
			}
			if _, ok := attr(scripts[0], "defer"); !ok {
				t.Errorf("the app's script is not deferred")
			}
		})
	}
}

var shellFilesRE = regexp.MustCompile(`const SHELL_FILES = (\[[^\]]*\]);`)

// TestServiceWorker: /sw.js is served from the root as JavaScript, always revalidated;
// every file it keeps on install is there; the offline page is the same for everyone,
// in Vietnamese, naming nobody.
func TestServiceWorker(t *testing.T) {
	e := newEnv(t)
	resp, js := get(t, e.client(), e.ts.URL+"/sw.js")
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /sw.js: %d", resp.StatusCode)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/javascript") {
		t.Errorf("Content-Type %q", ct)
	}
	if cc := resp.Header.Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("Cache-Control %q, want no-cache", cc)
	}
	mm := shellFilesRE.FindStringSubmatch(js)
	if mm == nil {
		t.Fatalf("no SHELL_FILES in sw.js:\n%s", js)
	}
	var files []string
	if err := json.Unmarshal([]byte(mm[1]), &files); err != nil {
		t.Fatal(err)
	}
	_, home := get(t, e.client(), e.ts.URL+"/")
	for _, sel := range []string{`head link[rel="stylesheet"]`, `head link[rel="icon"]`} {
		if href := attrAt(t, home, sel, "href"); !slices.Contains(files, href) {
			t.Errorf("the shell lacks %s (%s), which every page uses: %v", href, sel, files)
		}
	}
	if src := attrAt(t, home, `script[src^="/static/app.js"]`, "src"); !slices.Contains(files, src) {
		t.Errorf("the shell lacks %s: %v", src, files)
	}
	for _, f := range []string{"/ngoai-tuyen", "/manifest.webmanifest", "/icons/app-192.png", "/icons/app-512.png", "/icons/app-maskable-512.png"} {
		if !slices.Contains(files, f) {
			t.Errorf("the shell lacks %s: %v", f, files)
		}
	}
	total := 0
	for _, f := range files {
		resp, b := get(t, e.client(), e.ts.URL+f)
		if resp.StatusCode != http.StatusOK {
			t.Errorf("shell file %s: %d", f, resp.StatusCode)
		}
		total += len(b)
	}
	if total > 100<<10 {
		t.Errorf("the shell weighs %d B, over 100 KB", total)
	}

	citizen, _ := e.login(t, "congdan", demo.Password)
	_, anon := get(t, e.client(), e.ts.URL+"/ngoai-tuyen")
	_, mine := get(t, citizen, e.ts.URL+"/ngoai-tuyen")
	if anon != mine {
		t.Errorf("the offline page differs with a session: it must not carry the user's page")
	}
	if got := textAt(t, anon, "main h1"); got != "Không có kết nối mạng" {
		t.Errorf("offline page h1 %q", got)
	}
	if strings.Contains(mine, "Nguyễn Văn An") {
		t.Errorf("the offline page names the user")
	}

	// The citizen's receipts and files are kept bounded by count and bytes, and dropped
	// with the pages at login and logout.
	for _, want := range []string{"const MAX_FILES = 20;", "const MAX_FILE_BYTES = 10485760;",
		"Promise.all([caches.delete(PAGES), caches.delete(FILES)])", `\/api\/v1\/receipts\/\d+\.pdf$`, `\/tra-cuu\/[^/]+\/tep\/\d+$`} {
		if !strings.Contains(js, want) {
			t.Errorf("sw.js lacks %s", want)
		}
	}

	// A new release of a shell file gives a new cache: the version is in the script.
	if !regexp.MustCompile(`const SHELL = 'xaso-shell-[0-9a-f]{12}';`).MatchString(js) {
		t.Errorf("no versioned shell cache in sw.js")
	}
}

// TestFilingFormQueuesOffline: the filing form is marked for the app's queue (with the
// user it is filled by, so that another user logged in later on the phone never sends
// it), and the script that queues it sends the phone's key as Idempotency-Key.
func TestFilingFormQueuesOffline(t *testing.T) {
	e := newEnv(t)
	c, _ := e.login(t, "congdan", demo.Password)
	_, page := get(t, c, e.ts.URL+"/nop-ho-so/1.001193")
	if _, ok := attr(one(t, page, "form.intake"), "data-offline"); !ok || attrAt(t, page, "form.intake", "data-user") != "congdan" {
		t.Error("the filing form is not marked for the offline queue")
	}
	src := attrAt(t, page, `script[src^="/static/app.js"]`, "src")
	_, js := get(t, c, e.ts.URL+src)
	for _, want := range []string{"'Idempotency-Key': rec.id", "Chưa có mạng: hồ sơ được lưu trên máy và sẽ tự gửi khi có mạng.", "crypto.randomUUID()"} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
}
