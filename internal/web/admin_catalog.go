package web

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// The administrator's catalog editor: the unit's catalog with the version in force and
// any draft of each code, the import of a catalog file, the editor of a draft (a new
// procedure, or the next version of a published one) and the versions of a code. It
// writes through the store methods the JSON API uses (SaveDraft, Publish,
// ImportCatalog), under the same rule: the unit's administrators, and the system
// administrator everywhere.
//
// The editor works without JavaScript. Its inputs are named by the JSON path of the
// value they hold ("fees[0].amount", "workflow.steps[1].role"), the path a
// catalog.Problem names, so each problem is drawn next to its input. Repeatable rows
// (fees, papers, form fields, workflow steps) are the rows there are plus blank ones;
// "Thêm dòng" sends the form back with one more blank row, saving nothing; blank rows
// and rows marked for removal are dropped before anything is checked.

const (
	blankRows     = 2       // blank rows offered under each repeatable section
	maxEditorRows = 200     // rows read per section; more are ignored
	importLimit   = 8 << 20 // a catalog file, as the API takes it
)

var (
	errImportNoFile = apperr.New(apperr.Invalid, "import_file_required", "Vui lòng chọn tệp danh mục (.json) để nhập.")
	errImportTooBig = apperr.New(apperr.Invalid, "import_too_large", "Tệp danh mục quá lớn: tối đa 8 MB.")
	errEditorTooBig = apperr.New(apperr.Invalid, "form_too_large", "Biểu mẫu gửi lên quá lớn.")
)

const (
	msgCodeExists   = "mã thủ tục này đã có trong danh mục của đơn vị; hãy sửa thủ tục đó thay vì thêm mới"
	msgNotPublished = "Bản nháp phiên bản %d đã được lưu nhưng chưa công bố: hãy sửa các mục dưới đây rồi công bố lại."
)

// sections are the repeatable parts of the editor, by the value of their "Thêm dòng"
// button and the JSON path of their rows.
var sections = []string{"fees", "papers", "form", "steps"}

// procedureAdminUnit is the unit whose catalog the administrator edits: ?unit=CODE, else
// the administered unit, else (the system administrator) the home unit; the same rule
// as the API's.
func (s *Server) procedureAdminUnit(r *http.Request) (unit.Unit, error) {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	var u unit.Unit
	var err error
	switch code := r.URL.Query().Get("unit"); {
	case code != "":
		u, err = s.Store.UnitByCode(ctx, code)
	case p.AdminScope() > 0:
		u, err = s.Store.UnitByID(ctx, p.AdminScope())
	default:
		u, err = s.Store.UnitByID(ctx, s.HomeUnitID)
	}
	if err != nil {
		return u, err
	}
	if !p.Can(u.ID, auth.RoleUnitAdmin) {
		return u, apperr.ErrForbidden
	}
	return u, nil
}

// ---- The catalog list and the import ----

// catalogRow is one code of the unit's catalog.
type catalogRow struct {
	Code, Name, Field string
	Published, Draft  int // version numbers; 0: none
}

type importView struct {
	Publish  bool
	Error    string
	Problems []string
	More     int // problems not listed
}

type adminCatalogView struct {
	Unit      unit.Unit
	UnitQuery string
	Units     []unit.Unit // the system administrator's choice of unit
	Q         string
	Rows      []catalogRow
	Published int
	Drafts    int
	Import    importView
}

func (s *Server) adminCatalogData(r *http.Request, u unit.Unit) (adminCatalogView, error) {
	ctx := r.Context()
	data := adminCatalogView{Unit: u, UnitQuery: unitQuery(r), Q: strings.TrimSpace(r.URL.Query().Get("q"))}
	if auth.PrincipalFrom(ctx).IsSystemAdmin() {
		units, _, err := s.Store.Units(ctx, 500, 0)
		if err != nil {
			return data, err
		}
		data.Units = units
	}
	// Every code the unit has ever had, then its version in force and its draft, two
	// queries a code: store.Procedures lists only versions in force, and a code never
	// published must be listed too.
	names, err := s.Store.ProcedureNames(ctx, []int64{u.ID})
	if err != nil {
		return data, err
	}
	for code, n := range names {
		if !catalog.Matches(data.Q, code+" "+n[0]+" "+n[2]) {
			continue
		}
		row := catalogRow{Code: code, Name: n[0], Field: n[2]}
		draft, pub, err := s.procedureVersions(r, u.ID, code)
		if err != nil {
			return data, err
		}
		if pub != nil {
			row.Published, row.Name, row.Field = pub.Version, pub.Name, pub.Field.Name
			data.Published++
		}
		if draft != nil {
			row.Draft, row.Name, row.Field = draft.Version, draft.Name, draft.Field.Name
			data.Drafts++
		}
		if pub == nil && draft == nil {
			continue // only archived versions: nothing to edit
		}
		data.Rows = append(data.Rows, row)
	}
	slices.SortFunc(data.Rows, func(a, b catalogRow) int {
		return cmp.Or(cmp.Compare(catalog.Fold(a.Field), catalog.Fold(b.Field)), cmp.Compare(catalog.Fold(a.Name), catalog.Fold(b.Name)),
			cmp.Compare(a.Code, b.Code))
	})
	return data, nil
}

// procedureVersions returns the draft and the version in force of code, each nil when
// there is none.
func (s *Server) procedureVersions(r *http.Request, unitID int64, code string) (draft, pub *store.StoredProcedure, err error) {
	d, err := s.Store.DraftProcedure(r.Context(), unitID, code)
	switch {
	case err == nil:
		draft = &d
	case !errors.Is(err, store.ErrProcedureNotFound):
		return nil, nil, err
	}
	p, err := s.Store.PublishedProcedure(r.Context(), unitID, code)
	switch {
	case err == nil:
		pub = &p
	case !errors.Is(err, store.ErrProcedureNotFound):
		return nil, nil, err
	}
	return draft, pub, nil
}

func (s *Server) adminProcedures(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	data, err := s.adminCatalogData(r, u)
	if err != nil {
		return err
	}
	v := s.view(r, "Danh mục thủ tục")
	v.Area, v.Nav, v.Data = "office", "procedures", data
	v.Flash = s.sessions.PopString(r.Context(), "flash")
	return s.views.render(w, http.StatusOK, "admin_procedures", v)
}

// importCatalog takes a catalog file (xaso.catalog/v1) uploaded with the form: all or
// nothing, every problem listed with its place in the file.
func (s *Server) importCatalog(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	again := func(status int, imp importView) error {
		data, err := s.adminCatalogData(r, u)
		if err != nil {
			return err
		}
		data.Import = imp
		v := s.view(r, "Danh mục thủ tục")
		v.Area, v.Nav, v.Data = "office", "procedures", data
		return s.views.render(w, status, "admin_procedures", v)
	}
	r.Body = http.MaxBytesReader(w, r.Body, importLimit+64<<10)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return again(http.StatusRequestEntityTooLarge, importView{Error: errImportTooBig.Message})
		}
		return again(http.StatusUnprocessableEntity, importView{Error: errImportNoFile.Message})
	}
	defer r.MultipartForm.RemoveAll()
	imp := importView{Publish: r.PostFormValue("publish") != ""}
	file, hdr, err := r.FormFile("file")
	if err != nil {
		imp.Error = errImportNoFile.Message
		return again(http.StatusUnprocessableEntity, imp)
	}
	defer file.Close()
	if hdr.Size > importLimit {
		imp.Error = errImportTooBig.Message
		return again(http.StatusRequestEntityTooLarge, imp)
	}
	body, err := io.ReadAll(io.LimitReader(file, importLimit+1))
	if err != nil {
		return err
	}
	if len(body) > importLimit {
		imp.Error = errImportTooBig.Message
		return again(http.StatusRequestEntityTooLarge, imp)
	}
	c, err := catalog.ParseCatalog(body)
	var n int
	if err == nil {
		n, err = s.Store.ImportCatalog(ctx, u.ID, c, imp.Publish)
	}
	var ve *catalog.ValidationError
	switch {
	case errors.As(err, &ve):
		imp.Error = fmt.Sprintf("Không nhập được tệp %q: có %d lỗi. Không thủ tục nào được nhập; sửa tệp rồi nhập lại.", hdr.Filename, len(ve.Problems))
		const shown = 200
		for i, p := range ve.Problems {
			if i == shown {
				imp.More = len(ve.Problems) - shown
				break
			}
			imp.Problems = append(imp.Problems, p.String())
		}
		return again(http.StatusUnprocessableEntity, imp)
	case apperr.KindOf(err) == apperr.Invalid || apperr.KindOf(err) == apperr.Conflict:
		imp.Error = "Không nhập được danh mục; không thủ tục nào được nhập: " + apperr.From(err).Message
		return again(apperr.KindOf(err).HTTPStatus(), imp)
	case err != nil:
		return err
	}
	if imp.Publish {
		s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã nhập và công bố %d thủ tục.", n))
	} else {
		s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã nhập %d thủ tục thành bản nháp; hãy kiểm tra rồi công bố từng thủ tục.", n))
	}
	http.Redirect(w, r, "/admin/procedures"+unitQuery(r), http.StatusSeeOther)
	return nil
}

// ---- The editor's handlers ----

func (s *Server) newProcedure(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	f := newProcForm()
	p, _ := f.procedure()
	return s.renderEditor(w, r, editorState{unit: u, isNew: true, form: f, proc: p, version: 1}, http.StatusOK)
}

// editState loads what the editor of code starts from: the draft, or else the next
// version of the one in force.
func (s *Server) editState(r *http.Request, u unit.Unit, code string) (editorState, error) {
	draft, pub, err := s.procedureVersions(r, u.ID, code)
	if err != nil {
		return editorState{}, err
	}
	st := editorState{unit: u}
	switch {
	case draft != nil:
		st.proc, st.version, st.draftStored = draft.Procedure, draft.Version, true
	case pub != nil:
		st.proc = catalog.NextVersion(pub.Procedure)
		st.version = st.proc.Version
	default:
		return st, store.ErrProcedureNotFound
	}
	if pub != nil {
		st.inForce = pub.Version
	}
	st.form = formOf(st.proc)
	st.sources, st.unconfirmed = len(st.proc.Sources), st.proc.Unconfirmed
	return st, nil
}

func (s *Server) editProcedure(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	st, err := s.editState(r, u, r.PathValue("code"))
	if err != nil {
		return err
	}
	return s.renderEditor(w, r, st, http.StatusOK)
}

// readEditor reads the posted editor form into st: the form compacted, the procedure it
// makes and the problems of reading it.
func readEditor(w http.ResponseWriter, r *http.Request, st *editorState) ([]catalog.Problem, error) {
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, errEditorTooBig
		}
		return nil, errBadForm
	}
	st.more = r.PostFormValue("more")
	if st.more != "" && !slices.Contains(sections, st.more) {
		return nil, errBadForm
	}
	code := st.form.Code
	st.form = readProcForm(r).compact()
	if !st.isNew {
		st.form.Code = code // read-only on the page
	}
	p, own := st.form.procedure()
	p.Sources, p.Unconfirmed = st.proc.Sources, st.proc.Unconfirmed
	st.proc = p
	return own, nil
}

// createProcedure saves a new procedure's first draft.
func (s *Server) createProcedure(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	st := editorState{unit: u, isNew: true, version: 1}
	own, err := readEditor(w, r, &st)
	if err != nil {
		return err
	}
	if st.more != "" {
		return s.renderEditor(w, r, st, http.StatusOK)
	}
	if st.form.Code != "" {
		draft, pub, err := s.procedureVersions(r, u.ID, st.form.Code)
		if err != nil {
			return err
		}
		if draft != nil || pub != nil {
			own = append(own, catalog.Problem{Index: -1, Code: st.form.Code, Path: "code", Message: msgCodeExists})
		}
	}
	return s.saveDraft(w, r, st, own, false)
}

// saveProcedure saves the draft of an existing code (the next version, when only a
// published one exists).
func (s *Server) saveProcedure(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	st, err := s.editState(r, u, r.PathValue("code"))
	if err != nil {
		return err
	}
	own, err := readEditor(w, r, &st)
	if err != nil {
		return err
	}
	if st.more != "" {
		return s.renderEditor(w, r, st, http.StatusOK)
	}
	return s.saveDraft(w, r, st, own, false)
}

// saveDraft stores the form's procedure as the draft and goes back to the editor, or,
// with publish, puts it in force and goes to the catalog. Mistakes come back on the
// page, 422, next to their fields.
func (s *Server) saveDraft(w http.ResponseWriter, r *http.Request, st editorState, own []catalog.Problem, publish bool) error {
	ctx := r.Context()
	if len(own) > 0 {
		p := st.proc
		p.Version, p.Status = max(st.version, 1), catalog.StatusDraft
		st.problems = merge(own, p.Validate())
		return s.renderEditor(w, r, st, http.StatusUnprocessableEntity)
	}
	sp, err := s.Store.SaveDraft(ctx, st.unit.ID, st.proc)
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		st.problems = ve.Problems
		return s.renderEditor(w, r, st, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	st.version, st.draftStored = sp.Version, true
	if publish {
		return s.publishDraft(w, r, st, true)
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã lưu bản nháp phiên bản %d.", sp.Version))
	http.Redirect(w, r, "/admin/procedures/"+sp.Code+"/edit"+unitQuery(r), http.StatusSeeOther)
	return nil
}

// publishProcedure puts the draft in force. Sent by the editor's "Lưu và công bố", it
// saves the form first; sent empty (the versions page), it publishes the stored draft.
func (s *Server) publishProcedure(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	st, err := s.editState(r, u, r.PathValue("code"))
	if errors.Is(err, store.ErrProcedureNotFound) {
		return store.ErrNoDraft
	}
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<20)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if _, posted := r.PostForm["name"]; posted {
		own, err := readEditor(w, r, &st)
		if err != nil {
			return err
		}
		if st.more != "" {
			return s.renderEditor(w, r, st, http.StatusOK)
		}
		return s.saveDraft(w, r, st, own, true)
	}
	if !st.draftStored {
		return store.ErrNoDraft
	}
	return s.publishDraft(w, r, st, false)
}

// publishDraft publishes the stored draft of st; saved says the form was just saved
// (the page then says so when publishing fails).
func (s *Server) publishDraft(w http.ResponseWriter, r *http.Request, st editorState, saved bool) error {
	ctx := r.Context()
	sp, err := s.Store.Publish(ctx, st.unit.ID, st.form.Code)
	var ve *catalog.ValidationError
	if errors.As(err, &ve) {
		st.problems = ve.Problems
		if saved {
			st.notice = fmt.Sprintf(msgNotPublished, st.version)
		}
		return s.renderEditor(w, r, st, http.StatusUnprocessableEntity)
	}
	if err != nil {
		return err
	}
	s.sessions.Put(ctx, "flash", fmt.Sprintf("Đã công bố phiên bản %d của thủ tục %s.", sp.Version, sp.Code))
	http.Redirect(w, r, "/admin/procedures"+unitQuery(r), http.StatusSeeOther)
	return nil
}

// ---- The versions of a code ----

type versionRow struct {
	Version   int
	Status    catalog.Status
	Label     string
	Name      string
	LegalTime string
	Steps     int
	Budget    string
	Over      bool // the budgets exceed the legal time: it cannot be published
	Fees      int
	Papers    int
	Link      string // where to read it
	LinkText  string
}

type versionsView struct {
	Unit         unit.Unit
	UnitQuery    string
	Code, Name   string
	Rows         []versionRow
	Archived     int // versions 1…Archived were replaced
	CanPublish   bool
	PublishURL   string
	AuditChain   int64
	DraftVersion int
}

func versionRowOf(sp store.StoredProcedure, label string) versionRow {
	p := sp.Procedure
	return versionRow{Version: p.Version, Status: p.Status, Label: label, Name: p.Name, LegalTime: p.LegalTime.String(),
		Steps: len(p.Workflow.Steps), Budget: hoursText(p.Workflow.BudgetHours()), Fees: len(p.Fees), Papers: len(p.Papers),
		Over: p.Workflow.BudgetHours() > float64(p.LegalHours())}
}

func (s *Server) procedureVersionsPage(w http.ResponseWriter, r *http.Request) error {
	u, err := s.procedureAdminUnit(r)
	if err != nil {
		return err
	}
	code := r.PathValue("code")
	draft, pub, err := s.procedureVersions(r, u.ID, code)
	if err != nil {
		return err
	}
	if draft == nil && pub == nil {
		return store.ErrProcedureNotFound
	}
	q := unitQuery(r)
	data := versionsView{Unit: u, UnitQuery: q, Code: code, AuditChain: u.ID}
	if draft != nil {
		row := versionRowOf(*draft, "Bản nháp")
		row.Link, row.LinkText = "/admin/procedures/"+code+"/edit"+q, "Sửa bản nháp"
		data.Rows = append(data.Rows, row)
		data.Name, data.CanPublish, data.DraftVersion = draft.Name, true, draft.Version
		data.PublishURL = "/admin/procedures/" + code + "/publish" + q
	}
	if pub != nil {
		row := versionRowOf(*pub, "Đang áp dụng")
		row.Link, row.LinkText = "/thu-tuc/"+code+"?unit="+u.Code, "Xem trên Cổng dịch vụ công"
		data.Rows = append(data.Rows, row)
		data.Name = cmp.Or(data.Name, pub.Name)
		// Versions below the one in force have all been replaced: a draft is always
		// numbered after every stored version, and publishing archives the one before.
		data.Archived = pub.Version - 1
	}
	v := s.view(r, "Các phiên bản của thủ tục "+code)
	v.Area, v.Nav, v.Data = "office", "procedures", data
	return s.views.render(w, http.StatusOK, "admin_versions", v)
}
