package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/calendar"
	"github.com/xaso-vn/xaso/internal/certify"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The certification desk (/office/certifications): the counter officer records a
// certification (kind, the original's pages, copies, the paper, who asks, who certifies)
// and gets its book, number, fee and text to print; the register's readers see a book
// of a year, print it (the API's PDF and XLSX, which the page links to) and reconcile a
// day's fees with their payments. Everything goes through certify.Service, as the API
// does (docs/CERTIFICATION.md).

// certForm is the desk's form as sent, with its problems by field.
type certForm struct {
	Values map[string]string
	Errors map[string]string
	Codes  map[string]string
	Alert  string
}

func (f certForm) Value(name string) string { return f.Values[name] }
func (f certForm) Err(name string) string   { return f.Errors[name] }
func (f certForm) Code(name string) string  { return f.Codes[name] }

type certKindView struct {
	Kind  certify.Kind
	Label string
	Fee   string // the rule in words, under the choice
}

type certPage struct {
	Unit       unit.Unit
	UnitQuery  string
	CanRecord  bool
	Kinds      []certKindView
	Certifiers []certifierOption
	Form       certForm
	Today      calendar.Date
	TodayLines []certify.Entry
	Kind       certify.Kind
	Year       int
	Book       string
	Lines      []certify.Entry
	Total      int
	BookPDF    string
	BookXLSX   string
}

type certifierOption struct{ Username, Name string }

var certFeeRules = map[certify.Kind]string{
	certify.KindCopy:      "2.000 đồng/trang cho trang 1 và 2, 1.000 đồng/trang từ trang 3, tối đa 200.000 đồng/bản",
	certify.KindSignature: "10.000 đồng/trường hợp (mỗi giấy tờ được ký)",
	certify.KindContract:  "50.000 đồng/hợp đồng, giao dịch",
}

// certUnit is the unit whose register the page shows: ?unit=CODE (the caller must read
// its register), else the caller's first unit where they may.
func (s *Server) certUnit(r *http.Request) (unit.Unit, string, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	code := r.URL.Query().Get("unit")
	if code == "" && r.Method == http.MethodPost {
		code = r.PostFormValue("unit")
	}
	if code != "" {
		u, err := s.Store.UnitByCode(ctx, code)
		if err != nil {
			return u, "", err
		}
		if !p.Can(u.ID, certify.ReadRoles...) {
			return u, "", apperr.ErrForbidden
		}
		return u, "&unit=" + url.QueryEscape(u.Code), nil
	}
	for _, role := range certify.ReadRoles {
		for _, m := range p.Memberships {
			if m.Role == role {
				u, err := s.Store.UnitByID(ctx, m.UnitID)
				return u, "", err
			}
		}
	}
	if p.IsSystemAdmin() {
		u, err := s.Store.UnitByID(ctx, s.HomeUnitID)
		return u, "", err
	}
	return unit.Unit{}, "", apperr.ErrForbidden
}

func (s *Server) certificationsPage(w http.ResponseWriter, r *http.Request) error {
	u, uq, err := s.certUnit(r)
	if err != nil {
		return err
	}
	return s.renderCertifications(w, r, http.StatusOK, u, uq, certForm{})
}

func (s *Server) renderCertifications(w http.ResponseWriter, r *http.Request, status int, u unit.Unit, uq string, form certForm) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	svc := s.Certifications
	today := svc.Today()
	page := certPage{Unit: u, UnitQuery: uq, CanRecord: p.Can(u.ID, certify.RecordRoles...), Form: form, Today: today,
		Kind: certify.KindCopy, Year: today.Year}
	for _, k := range certify.Kinds {
		page.Kinds = append(page.Kinds, certKindView{Kind: k, Label: k.Label(), Fee: certFeeRules[k]})
	}
	q := r.URL.Query()
	if k, ok := certify.ParseKind(q.Get("kind")); ok {
		page.Kind = k
	}
	if y, err := strconv.Atoi(q.Get("year")); err == nil && y >= 2000 && y <= 2100 {
		page.Year = y
	}
	page.Book = certify.Book(page.Kind, page.Year)
	var err error
	if page.TodayLines, _, err = s.Store.Certifications(ctx, certify.Query{UnitID: u.ID, Day: today, Limit: 500}); err != nil {
		return err
	}
	if page.Lines, page.Total, err = svc.List(ctx, p, u.ID, page.Kind, page.Year, 500, 0); err != nil {
		return err
	}
	file := "/api/v1/certifications/books/" + string(page.Kind) + "-" + strconv.Itoa(page.Year)
	page.BookPDF, page.BookXLSX = file+".pdf?unit="+url.QueryEscape(u.Code), file+".xlsx?unit="+url.QueryEscape(u.Code)
	if page.CanRecord {
		if page.Certifiers, err = s.certifiers(ctx, u.ID); err != nil {
			return err
		}
	}
	v := s.view(r, "Sổ chứng thực")
	v.Area, v.Nav, v.Data = "office", "certifications", page
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "certifications", v)
}

// certifiers are the unit's officials who may certify, for the form's choice.
func (s *Server) certifiers(ctx context.Context, unitID int64) ([]certifierOption, error) {
	us, _, err := s.Store.Users(ctx, unitID, 500, 0)
	if err != nil {
		return nil, err
	}
	var out []certifierOption
	for _, u := range us {
		if u.Disabled {
			continue
		}
		for _, m := range u.Memberships {
			if m.UnitID == unitID && (m.Role == auth.RoleLeader || m.Role == auth.RoleSpecialist) {
				name := u.FullName
				if name == "" {
					name = u.Username
				}
				out = append(out, certifierOption{Username: u.Username, Name: name + " (" + roleLabel(m.Role) + ")"})
				break
			}
		}
	}
	return out, nil
}

func roleLabel(r auth.Role) string {
	if r == auth.RoleLeader {
		return "lãnh đạo"
	}
	return "tư pháp - hộ tịch"
}

func (s *Server) recordCertification(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, 16<<10)
	if err := r.ParseForm(); err != nil {
		return errPayForm
	}
	u, uq, err := s.certUnit(r)
	if err != nil {
		return err
	}
	form := certForm{Values: map[string]string{}, Errors: map[string]string{}, Codes: map[string]string{}}
	for _, f := range []string{"kind", "pages", "copies", "document", "requester", "certifier"} {
		form.Values[f] = r.PostFormValue(f)
	}
	req := certify.Request{Kind: certify.Kind(form.Values["kind"]), Document: form.Values["document"],
		Requester: form.Values["requester"], Certifier: form.Values["certifier"]}
	// A figure that is not a whole number reads as 0, which Check refuses at its field
	// with the same message.
	for f, dst := range map[string]*int{"pages": &req.Pages, "copies": &req.Copies} {
		*dst, _ = strconv.Atoi(form.Values[f])
	}
	e, err := s.Certifications.Record(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, req)
	var fe *certify.FieldError
	switch {
	case errors.As(err, &fe):
		for f, p := range fe.Problems {
			form.Errors[f], form.Codes[f] = p.Message, p.Code
		}
		return s.renderCertifications(w, r, http.StatusUnprocessableEntity, u, uq, form)
	case err != nil:
		return err
	}
	s.sessions.Put(r.Context(), "flash", "Đã vào sổ: số "+strconv.Itoa(e.Number)+", quyển số "+e.Book+"; phí "+locale.Money(e.Fee)+".")
	http.Redirect(w, r, "/office/certifications/"+strconv.FormatInt(e.ID, 10), http.StatusSeeOther)
	return nil
}

type certEntryPage struct {
	E         certify.Entry
	Unit      unit.Unit
	KindLabel string
	Statement []string
	Receipt   string // the fee's receipt (PDF), once issued
}

func (s *Server) certificationPage(w http.ResponseWriter, r *http.Request) error {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return certify.ErrNotFound
	}
	e, err := s.Certifications.Entry(r.Context(), auth.PrincipalFrom(r.Context()), id)
	if err != nil {
		return err
	}
	u, err := s.Store.UnitByID(r.Context(), e.UnitID)
	if err != nil {
		return err
	}
	v := s.view(r, "Chứng thực số "+strconv.Itoa(e.Number)+" — quyển số "+e.Book)
	v.Area, v.Nav = "office", "certifications"
	data := certEntryPage{E: e, Unit: u, KindLabel: e.Kind.Label(), Statement: splitLines(e.Statement)}
	rid, err := s.Certifications.ReceiptID(r.Context(), e)
	if err != nil {
		return err
	}
	if rid != 0 {
		data.Receipt = "/api/v1/receipts/" + strconv.FormatInt(rid, 10) + ".pdf"
	}
	v.Data = data
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, http.StatusOK, "certification", v)
}

func splitLines(s string) []string {
	var out []string
	start := 0
	for i := range len(s) {
		if s[i] == '\n' {
			out = append(out, s[start:i])
			start = i + 1
		}
	}
	return append(out, s[start:])
}

type certReconPage struct {
	Unit      unit.Unit
	UnitQuery string
	Day       calendar.Date
	Prev      calendar.Date
	Next      calendar.Date
	Rec       certify.Reconciliation
}

// DateText is the day as dates are written.
func (p certReconPage) DateText() string { return locale.Date(p.Day.Time()) }

func (s *Server) certificationReconciliation(w http.ResponseWriter, r *http.Request) error {
	u, uq, err := s.certUnit(r)
	if err != nil {
		return err
	}
	day, err := payDay(r.URL.Query().Get("date"), s.paymentsNow())
	if err != nil {
		return err
	}
	rec, err := s.Certifications.Reconcile(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, day)
	if err != nil {
		return err
	}
	v := s.view(r, "Đối soát phí chứng thực")
	v.Area, v.Nav = "office", "certifications"
	v.Data = certReconPage{Unit: u, UnitQuery: uq, Day: day, Prev: day.AddDays(-1), Next: day.AddDays(1), Rec: rec}
	return s.views.render(w, http.StatusOK, "certification_reconciliation", v)
}

func (s *Server) certificationPageRoutes() []httpx.Route {
	read := httpx.OnlyRoles(certify.ReadRoles...)
	return []httpx.Route{
		{Pattern: "GET /office/certifications", Access: read, Handler: s.certificationsPage},
		{Pattern: "POST /office/certifications", Access: httpx.OnlyRoles(certify.RecordRoles...), Handler: s.recordCertification},
		{Pattern: "GET /office/certifications/{id}", Access: read, Handler: s.certificationPage},
		{Pattern: "GET /office/certifications/reconciliation", Access: read, Handler: s.certificationReconciliation},
	}
}

// certInputView is one input of the desk's form, for the "certField" template.
type certInputView struct {
	Name, Label, Type, Help, Value, Error, Code string
}

// certInput describes an input of form: its name, label, type and help, with the value
// sent (or def) and the problem at it.
func certInput(f certForm, name, label, typ, help, def string) certInputView {
	v := def
	if f.Values != nil {
		v = f.Values[name]
	}
	return certInputView{Name: name, Label: label, Type: typ, Help: help, Value: v, Error: f.Errors[name], Code: f.Codes[name]}
}
