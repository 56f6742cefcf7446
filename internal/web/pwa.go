package web

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"text/template"
	"time"
	"unicode/utf8"

	"github.com/xaso-vn/xaso/internal/httpx"
)

// The installable citizen app (docs/APP.md): a web app manifest, the app's icons drawn
// here, an offline page and a service worker that keeps the app shell and the citizen's
// last-seen pages for reading without a connection. Pages never need any of it: with
// JavaScript off they work as before.

// The app's colours, those of app.css (--brand and --bg; pwa_test.go reads the file).
const (
	themeColour      = "#a3160f"
	backgroundColour = "#f6f6f4"
)

// offlinePath is the page the service worker shows when the network fails and it kept
// no copy of the page asked for.
const offlinePath = "/ngoai-tuyen"

// How many of the citizen's receipts and result files the service worker keeps for
// reading offline, and how many bytes in all: the oldest are dropped beyond either.
const (
	maxKeptFiles     = 20
	maxKeptFileBytes = 10 << 20
)

// shortNameMax is the longest short name: what a phone's home screen shows under the
// icon without cutting it.
const shortNameMax = 12

// appIcon is one of the app's icons: a white star on the portal's red.
type appIcon struct {
	name     string // under /icons/
	size     int
	maskable bool // full-bleed, the star inside the safe zone (a circle of 40% of the size)
}

var appIcons = []appIcon{
	{"app-192.png", 192, false},
	{"app-512.png", 512, false},
	{"app-maskable-512.png", 512, true},
}

// iconPNG draws each icon once, on first use.
var iconPNG = sync.OnceValue(func() map[string][]byte {
	out := map[string][]byte{}
	for _, ic := range appIcons {
		out[ic.name] = drawIcon(ic.size, ic.maskable)
	}
	return out
})

func (s *Server) appRoutes() []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /manifest.webmanifest", Access: httpx.Anyone, Handler: s.manifest, Stateless: true},
		{Pattern: "GET /sw.js", Access: httpx.Anyone, Handler: s.serviceWorker, Stateless: true},
		{Pattern: "GET /icons/{name}", Access: httpx.Anyone, Handler: s.icon, Stateless: true},
		{Pattern: "GET " + offlinePath, Access: httpx.Anyone, Handler: s.offlinePage, Stateless: true},
	}
}

type manifestIcon struct {
	Src     string `json:"src"`
	Sizes   string `json:"sizes"`
	Type    string `json:"type"`
	Purpose string `json:"purpose"`
}

type webManifest struct {
	ID              string         `json:"id"`
	Name            string         `json:"name"`
	ShortName       string         `json:"short_name"`
	Description     string         `json:"description"`
	Lang            string         `json:"lang"`
	Dir             string         `json:"dir"`
	StartURL        string         `json:"start_url"`
	Scope           string         `json:"scope"`
	Display         string         `json:"display"`
	ThemeColor      string         `json:"theme_color"`
	BackgroundColor string         `json:"background_color"`
	Icons           []manifestIcon `json:"icons"`
}

// appManifest is the manifest: the app is named as the home page names the portal
// ("Cổng dịch vụ công Xã Yên Từ").
func (s *Server) appManifest() webManifest {
	m := webManifest{ID: "/", Name: "Cổng dịch vụ công " + s.SiteName, ShortName: appShortName(s.SiteName),
		Description: "Nộp hồ sơ, theo dõi tiến độ, nộp phí và nhận kết quả thủ tục hành chính của " + s.SiteName + ".",
		Lang:        "vi", Dir: "ltr", StartURL: "/", Scope: "/", Display: "standalone",
		ThemeColor: themeColour, BackgroundColor: backgroundColour}
	for _, ic := range appIcons {
		purpose := "any"
		if ic.maskable {
			purpose = "maskable"
		}
		m.Icons = append(m.Icons, manifestIcon{Src: "/icons/" + ic.name, Sizes: fmt.Sprintf("%dx%d", ic.size, ic.size),
			Type: "image/png", Purpose: purpose})
	}
	return m
}

// appShortName is the unit's name without its level ("Xã Yên Từ" → "Yên Từ") when that
// fits a home screen, else what the portal is ("Dịch vụ công"); a site no unit names
// keeps the product's name.
func appShortName(unitName string) string {
	if unitName == productName {
		return productName
	}
	name := unitName
	for _, level := range []string{"Xã ", "Phường ", "Thị trấn ", "Đặc khu "} {
		if rest, ok := strings.CutPrefix(name, level); ok {
			name = rest
			break
		}
	}
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > shortNameMax {
		return "Dịch vụ công"
	}
	return name
}

func (s *Server) manifest(w http.ResponseWriter, r *http.Request) error {
	b, err := json.Marshal(s.appManifest())
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/manifest+json")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(b)
	return err
}

func (s *Server) icon(w http.ResponseWriter, r *http.Request) error {
	b, ok := iconPNG()[r.PathValue("name")]
	if !ok {
		return errNoPage
	}
	sum := sha256.Sum256(b)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.Header().Set("ETag", `"`+hex.EncodeToString(sum[:5])+`"`)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(b))
	return nil
}

// offlineBytes is the offline page, the same for everyone: it is rendered without a
// session, since the service worker keeps one copy for whoever is logged in later.
func (s *Server) offlineBytes() ([]byte, error) {
	return s.views.page("offline", view{Title: "Không có kết nối mạng", SiteName: s.SiteName, Area: "portal"})
}

func (s *Server) offlinePage(w http.ResponseWriter, r *http.Request) error {
	b, err := s.offlineBytes()
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(b)
	return err
}

// shellFiles are what the service worker keeps on install: the layout's stylesheet,
// icon and script (at the addresses the pages use), the manifest and its icons, the
// offline page.
func (s *Server) shellFiles() ([]string, error) {
	files := []string{offlinePath, "/manifest.webmanifest"}
	for _, name := range []string{"app.css", "favicon.svg", "app.js"} {
		h, ok := s.views.hashes[name]
		if !ok {
			return nil, fmt.Errorf("web: no static file %q", name)
		}
		files = append(files, "/static/"+name+"?v="+h)
	}
	for _, ic := range appIcons {
		files = append(files, "/icons/"+ic.name)
	}
	return files, nil
}

func (s *Server) serviceWorker(w http.ResponseWriter, r *http.Request) error {
	files, err := s.shellFiles()
	if err != nil {
		return err
	}
	// The shell's version changes whenever one of its files does, so that a new
	// release replaces the kept copies.
	sum := sha256.New()
	for _, f := range files {
		fmt.Fprintln(sum, f)
	}
	offline, err := s.offlineBytes()
	if err != nil {
		return err
	}
	sum.Write(offline)
	m, err := json.Marshal(s.appManifest())
	if err != nil {
		return err
	}
	sum.Write(m)
	for _, ic := range appIcons {
		sum.Write(iconPNG()[ic.name])
	}
	list, err := json.Marshal(files)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := serviceWorkerJS.Execute(&buf, map[string]string{"Version": hex.EncodeToString(sum.Sum(nil)[:6]),
		"Files": string(list), "Offline": offlinePath, "MaxFiles": strconv.Itoa(maxKeptFiles),
		"MaxFileBytes": strconv.Itoa(maxKeptFileBytes)}); err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, err = w.Write(buf.Bytes())
	return err
}

// serviceWorkerJS is the service worker. Navigations go to the network first; of the
// citizen's own pages (the portal's home, "Hồ sơ của tôi", a dossier's look-up page,
// the page after filing with its receipt) the last copy seen is kept and shown when the
// network fails; any other page then gets the offline page. The receipts (PDF) and the
// files of a dossier (results included) the citizen opened are kept too, in xaso-files,
// bounded by count and bytes. Office pages (/office, /admin), the rest of the API and
// anything but GET are never touched or kept. A filing queued on the phone (app.js) is
// replayed by the pages; the worker's background sync only wakes them. No navigation
// preload: the office's navigations, which the worker leaves alone, would then reach the
// server twice. Logging in or out
// drops the kept pages and files: they belong to whoever was logged in.
var serviceWorkerJS = template.Must(template.New("sw").Parse(`// Xã số: the service worker of the citizen app (docs/APP.md).
'use strict';
const SHELL = 'xaso-shell-{{.Version}}';
const PAGES = 'xaso-pages';
const FILES = 'xaso-files';
const SHELL_FILES = {{.Files}};
const OFFLINE = '{{.Offline}}';
const MAX_PAGES = 30;
const MAX_FILES = {{.MaxFiles}};
const MAX_FILE_BYTES = {{.MaxFileBytes}};
let clearing = Promise.resolve();

self.addEventListener('install', event => {
  event.waitUntil(caches.open(SHELL).then(c => c.addAll(SHELL_FILES)).then(() => self.skipWaiting()));
});

self.addEventListener('activate', event => {
  event.waitUntil(caches.keys()
    .then(keys => Promise.all(keys.filter(k => k.startsWith('xaso-shell-') && k !== SHELL).map(k => caches.delete(k))))
    .then(() => self.clients.claim()));
});

function under(path, prefix) { return path === prefix || path.startsWith(prefix + '/'); }

// The citizen's receipts (PDF) and the files of their dossiers, results included, as
// they opened them.
function keptFile(url) {
  return /^\/api\/v1\/receipts\/\d+\.pdf$/.test(url.pathname) || /^\/tra-cuu\/[^/]+\/tep\/\d+$/.test(url.pathname);
}

function kept(url) {
  const p = url.pathname;
  return p === '/' || p === '/account' || /^\/tra-cuu\/[^/]+$/.test(p) || /^\/ho-so-da-nop\/[^/]+$/.test(p);
}

// A filing queued on the phone: the pages replay it (app.js); a background sync, where
// the browser has it, wakes those open.
self.addEventListener('sync', event => {
  if (event.tag === 'xaso-nop') {
    event.waitUntil(self.clients.matchAll({type: 'window'}).then(cs => cs.forEach(c => c.postMessage('xaso-nop'))));
  }
});

self.addEventListener('fetch', event => {
  const req = event.request;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  if (req.method !== 'GET') {
    if (req.method === 'POST' && (url.pathname === '/login' || url.pathname === '/logout')) {
      clearing = Promise.all([caches.delete(PAGES), caches.delete(FILES)]);
      event.waitUntil(clearing);
    }
    return;
  }
  if (keptFile(url)) {
    event.respondWith(file(event, req, url));
    return;
  }
  if (under(url.pathname, '/office') || under(url.pathname, '/admin') || under(url.pathname, '/api')) return;
  if (req.mode === 'navigate') {
    event.respondWith(navigate(event, req, url));
    return;
  }
  if (SHELL_FILES.includes(url.pathname + url.search)) {
    event.respondWith(caches.open(SHELL).then(c => c.match(req, {ignoreVary: true})).then(r => r || fetch(req)));
  }
});

async function navigate(event, req, url) {
  let resp;
  try {
    resp = await fetch(req);
  } catch (err) {
    if (kept(url)) {
      const copy = await (await caches.open(PAGES)).match(url.href, {ignoreVary: true});
      if (copy) return copy;
    }
    const offline = await (await caches.open(SHELL)).match(OFFLINE, {ignoreVary: true});
    return offline || Response.error();
  }
  if (kept(url) && resp.status === 200 && resp.type === 'basic') {
    event.waitUntil(keep(url.href, resp.clone()));
  }
  return resp;
}

async function file(event, req, url) {
  let resp;
  try {
    resp = await fetch(req);
  } catch (err) {
    const copy = await (await caches.open(FILES)).match(url.href, {ignoreVary: true});
    if (copy) return copy;
    if (req.mode === 'navigate') {
      const offline = await (await caches.open(SHELL)).match(OFFLINE, {ignoreVary: true});
      if (offline) return offline;
    }
    return Response.error();
  }
  if (resp.status === 200 && resp.type === 'basic') {
    event.waitUntil(keepFile(url.href, resp.clone()));
  }
  return resp;
}

// keepFile keeps a copy of a file, its size in a header of the copy; the oldest are
// dropped beyond MAX_FILES files or MAX_FILE_BYTES bytes in all.
async function keepFile(href, resp) {
  await clearing;
  const body = await resp.blob();
  if (body.size > MAX_FILE_BYTES) return;
  const headers = new Headers(resp.headers);
  headers.set('X-Xaso-Size', String(body.size));
  const c = await caches.open(FILES);
  await c.delete(href);
  await c.put(href, new Response(body, {status: 200, headers}));
  const keys = await c.keys();
  const sizes = await Promise.all(keys.map(k => c.match(k).then(r => Number(r && r.headers.get('X-Xaso-Size')) || 0)));
  let total = sizes.reduce((a, b) => a + b, 0);
  for (let i = 0; i < keys.length && (keys.length - i > MAX_FILES || total > MAX_FILE_BYTES); i++) {
    await c.delete(keys[i]);
    total -= sizes[i];
  }
}

async function keep(href, resp) {
  await clearing;
  const c = await caches.open(PAGES);
  await c.delete(href);
  await c.put(href, resp);
  const keys = await c.keys();
  for (const old of keys.slice(0, Math.max(0, keys.length - MAX_PAGES))) await c.delete(old);
}

// Web Push (docs/NOTIFY.md): the message xaso encrypted for this browser, shown as a
// notification; a tap opens the dossier's page (same origin only).
self.addEventListener('push', event => {
  let m = {};
  try { m = event.data ? event.data.json() : {}; } catch (err) {}
  event.waitUntil(self.registration.showNotification(m.title || 'Xã số', {body: m.body || '', tag: m.tag || undefined,
    data: {url: typeof m.url === 'string' && m.url.startsWith('/') && !m.url.startsWith('//') ? m.url : '/account'}}));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  event.waitUntil(self.clients.openWindow((event.notification.data && event.notification.data.url) || '/account'));
});
`))

// drawIcon draws the app's mark at size×size pixels: a white five-pointed star on the
// portal's red, on a rounded square (or, maskable, on the full square with the star
// inside the safe zone). Each pixel is sampled 4×4 times for smooth edges.
func drawIcon(size int, maskable bool) []byte {
	red := color.NRGBA{0xa3, 0x16, 0x0f, 0xff}
	img := image.NewNRGBA(image.Rect(0, 0, size, size))
	n := float64(size)
	outer := 0.36 * n
	corner := 0.18 * n
	if maskable {
		outer, corner = 0.28*n, 0
	}
	cx, cy := n/2, n*0.53
	var star [10][2]float64
	for i := range star {
		r := outer
		if i%2 == 1 {
			r = outer * 0.382
		}
		a := -math.Pi/2 + float64(i)*math.Pi/5
		star[i] = [2]float64{cx + r*math.Cos(a), cy + r*math.Sin(a)}
	}
	const k = 4
	for y := range size {
		for x := range size {
			var bg, fg int
			for sy := range k {
				for sx := range k {
					px, py := float64(x)+(float64(sx)+0.5)/k, float64(y)+(float64(sy)+0.5)/k
					if !inRoundedSquare(px, py, n, corner) {
						continue
					}
					bg++
					if inPolygon(px, py, star[:]) {
						fg++
					}
				}
			}
			if bg == 0 {
				continue
			}
			// White over red in the proportion of the samples in the star; the
			// square's edge fades through alpha.
			mix := func(c uint8) uint8 { return uint8((int(c)*(bg-fg) + 255*fg) / bg) }
			img.SetNRGBA(x, y, color.NRGBA{mix(red.R), mix(red.G), mix(red.B), uint8(255 * bg / (k * k))})
		}
	}
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestCompression}
	if err := enc.Encode(&buf, img); err != nil {
		panic(err) // encoding an in-memory image into a buffer cannot fail
	}
	return buf.Bytes()
}

func inRoundedSquare(x, y, n, r float64) bool {
	if x < 0 || y < 0 || x > n || y > n {
		return false
	}
	dx := math.Max(math.Max(r-x, x-(n-r)), 0)
	dy := math.Max(math.Max(r-y, y-(n-r)), 0)
	return dx*dx+dy*dy <= r*r
}

// inPolygon is the even-odd rule.
func inPolygon(x, y float64, pts [][2]float64) bool {
	in := false
	for i, j := 0, len(pts)-1; i < len(pts); j, i = i, i+1 {
		xi, yi, xj, yj := pts[i][0], pts[i][1], pts[j][0], pts[j][1]
		if (yi > y) != (yj > y) && x < (xj-xi)*(y-yi)/(yj-yi)+xi {
			in = !in
		}
	}
	return in
}
