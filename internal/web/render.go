package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"html/template"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/signing"
)

//go:embed templates static
var assets embed.FS

var roleTasks = map[auth.Role]string{
	auth.RoleCitizen:     "nộp và theo dõi hồ sơ của mình",
	auth.RoleCounter:     "tiếp nhận hồ sơ, in giấy hẹn, trả kết quả",
	auth.RoleSpecialist:  "thẩm định, xử lý hồ sơ được giao",
	auth.RoleLeader:      "phê duyệt và ký số kết quả",
	auth.RoleClerk:       "vào sổ văn bản, đóng dấu số",
	auth.RoleAccountant:  "thu phí, lệ phí và đối soát",
	auth.RoleCulture:     "thông báo, bản tin và loa truyền thanh",
	auth.RoleDigitalTeam: "hỗ trợ người dân nộp hồ sơ trực tuyến",
	auth.RoleHealth:      "khám, tư vấn từ xa của trạm y tế",
	auth.RoleUnitAdmin:   "quản lý người dùng và cấu hình của đơn vị",
	auth.RoleSystemAdmin: "quản trị toàn hệ thống",
}

// renderer holds the templates, parsed once at start, and the static files' hashes.
type renderer struct {
	pages  map[string]*template.Template
	hashes map[string]string // static file → first 10 hex digits of its SHA-256
}

func newRenderer() (*renderer, error) {
	r := &renderer{pages: map[string]*template.Template{}, hashes: map[string]string{}}
	err := fs.WalkDir(assets, "static", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		sum := sha256.Sum256(b)
		r.hashes[strings.TrimPrefix(p, "static/")] = hex.EncodeToString(sum[:5])
		return err
	})
	if err != nil {
		return nil, err
	}
	funcs := template.FuncMap{
		"static": func(name string) (string, error) {
			h, ok := r.hashes[name]
			if !ok {
				return "", fmt.Errorf("no static file %q", name)
			}
			return "/static/" + name + "?v=" + h, nil
		},
		"roleTask":    func(role auth.Role) string { return roleTasks[role] },
		"auditAction": auditAction,
		// signedBy: "Ký bởi <name>, <position> lúc hh:mm dd/mm/yyyy" (Vietnam's time).
		"signedBy":    func(r signing.SignatureReport) string { return r.SignedBy(locale.Zone) },
		"auditObject": auditObject,
		"localTime":   func(t time.Time) string { return t.In(locale.Zone).Format("02/01/2006 15:04:05") },
		"join":        strings.Join,
		"lower":       strings.ToLower,
		"inc":         func(i int) int { return i + 1 },
		// decimal writes a figure with one decimal the Vietnamese way: 26,1.
		"decimal": oneDecimal,
		"percent": locale.Percent,
		"day":     locale.Day,
		"date":    func(d calendar.Date) string { return locale.Day(d.Time()) },
		// ymd writes a civil date kept as YYYY-MM-DD as the pages do: 01/07/2025.
		"ymd": func(s string) string {
			if d, err := calendar.ParseDate(s); err == nil {
				return locale.Day(d.Time())
			}
			return s
		},
		"money":        locale.Money,
		"count":        count,
		"points":       points,
		"appt":         appointment,
		"shortTime":    shortTime,
		"minutes":      minutes,
		"online":       func(l catalog.OnlineLevel) string { return onlineLabels[l] },
		"result":       func(r catalog.ResultType) string { return resultLabels[r] },
		"paperForm":    func(f catalog.PaperForm) string { return paperFormLabels[f] },
		"level":        func(l catalog.Level) string { return levelLabels[l] },
		"problemLabel": certify.ProblemLabel,
		"certInput":    certInput,
		"floorArgs":    floorArgs,
		"dict":         dict,
	}
	base, err := template.New("").Funcs(funcs).ParseFS(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages, err := fs.Glob(assets, "templates/pages/*.html")
	if err != nil {
		return nil, err
	}
	for _, p := range pages {
		t, err := template.Must(base.Clone()).ParseFS(assets, p)
		if err != nil {
			return nil, err
		}
		r.pages[strings.TrimSuffix(path.Base(p), ".html")] = t
	}
	return r, nil
}

// view is what every page template receives.
type view struct {
	Title     string
	SiteName  string
	Area      string // "portal" or "office": which layout chrome
	Nav       string // current office tab
	Menu      []navItem
	P         *auth.Principal
	Flash     string
	Error     string
	RequestID string
	Data      any
}

// render writes a page, buffering it first so a template error becomes a clean 500
// instead of half a page.
func (r *renderer) render(w http.ResponseWriter, status int, page string, v view) error {
	b, err := r.page(page, v)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, err = w.Write(b)
	return err
}

// page executes a page's template in the layout.
func (r *renderer) page(page string, v view) ([]byte, error) {
	t, ok := r.pages[page]
	if !ok {
		return nil, fmt.Errorf("web: no page template %q", page)
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// serveStatic serves embedded files; a request carrying the current hash is cached for a
// year, since the URL changes whenever the file does.
func (r *renderer) serveStatic(w http.ResponseWriter, req *http.Request) error {
	name := req.PathValue("name")
	h, ok := r.hashes[name]
	if !ok {
		return errNoPage
	}
	b, err := assets.ReadFile("static/" + name)
	if err != nil {
		return err
	}
	if req.URL.Query().Get("v") == h {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	w.Header().Set("ETag", `"`+h+`"`)
	if ct := mime.TypeByExtension(path.Ext(name)); ct != "" {
		w.Header().Set("Content-Type", ct)
	}
	http.ServeContent(w, req, name, time.Time{}, bytes.NewReader(b))
	return nil
}

// dict builds a map from key, value pairs, to pass several values to a template.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, fmt.Errorf("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
