package api

import (
	"net/http"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/store"
	"github.com/xaso-vn/xaso/internal/unit"
)

// ProcedureItem is a procedure in a list.
type ProcedureItem struct {
	Code          string              `json:"code"`
	Name          string              `json:"name"`
	Field         catalog.Field       `json:"field"`
	OnlineLevel   catalog.OnlineLevel `json:"online_level"`
	LegalTime     catalog.Duration    `json:"legal_time"`
	LegalTimeText string              `json:"legal_time_text"`
	Version       int                 `json:"version"`
}

// catalogUnit is the unit whose catalog a request reads: ?unit=CODE, or the home unit.
func (h handlers) catalogUnit(r *http.Request) (unit.Unit, error) {
	if code := r.URL.Query().Get("unit"); code != "" {
		return h.Store.UnitByCode(r.Context(), code)
	}
	return h.Store.UnitByID(r.Context(), h.HomeUnitID)
}

var errOnlineLevel = apperr.New(apperr.Invalid, "invalid_online_level", "online_level phải là full, partial hoặc none.")

func (h handlers) procedures(w http.ResponseWriter, r *http.Request) error {
	u, err := h.catalogUnit(r)
	if err != nil {
		return err
	}
	limit, offset, err := httpx.Page(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	level := q.Get("online_level")
	if level != "" && level != string(catalog.OnlineFull) && level != string(catalog.OnlinePartial) && level != string(catalog.OnlineNone) {
		return errOnlineLevel
	}
	ps, total, err := h.Store.Procedures(r.Context(), u.ID, store.ProcedureQuery{Text: q.Get("q"), Field: q.Get("field"),
		OnlineLevel: level, Limit: limit, Offset: offset})
	if err != nil {
		return err
	}
	items := make([]ProcedureItem, 0, len(ps))
	for _, p := range ps {
		items = append(items, ProcedureItem{Code: p.Code, Name: p.Name, Field: p.Field, OnlineLevel: p.OnlineLevel,
			LegalTime: p.LegalTime, LegalTimeText: p.LegalTime.String(), Version: p.Version})
	}
	return httpx.WriteJSON(w, http.StatusOK, httpx.NewList(items, total))
}

func (h handlers) procedure(w http.ResponseWriter, r *http.Request) error {
	u, err := h.catalogUnit(r)
	if err != nil {
		return err
	}
	p, err := h.Store.PublishedProcedure(r.Context(), u.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, p.Procedure)
}

// adminUnit is the unit whose catalog an administrator edits: ?unit=CODE or their own.
func (h handlers) adminUnit(r *http.Request) (unit.Unit, error) {
	p := auth.PrincipalFrom(r.Context())
	var u unit.Unit
	var err error
	switch code := r.URL.Query().Get("unit"); {
	case code != "":
		u, err = h.Store.UnitByCode(r.Context(), code)
	case p.AdminScope() > 0:
		u, err = h.Store.UnitByID(r.Context(), p.AdminScope())
	default:
		u, err = h.Store.UnitByID(r.Context(), h.HomeUnitID)
	}
	if err != nil {
		return u, err
	}
	if !p.Can(u.ID, auth.RoleUnitAdmin) {
		return u, apperr.ErrForbidden
	}
	return u, nil
}

var errCodeMismatch = apperr.New(apperr.Invalid, "code_mismatch", "Mã thủ tục trong nội dung khác mã trên địa chỉ.")

// saveDraft creates (POST) or edits (PUT) the draft of a procedure.
func (h handlers) saveDraft(w http.ResponseWriter, r *http.Request) error {
	u, err := h.adminUnit(r)
	if err != nil {
		return err
	}
	var p catalog.Procedure
	if err := httpx.DecodeJSON(w, r, &p, 256<<10); err != nil {
		return err
	}
	status := http.StatusCreated
	if code := r.PathValue("code"); code != "" {
		if p.Code == "" {
			p.Code = code
		}
		if p.Code != code {
			return errCodeMismatch
		}
		status = http.StatusOK
	} else {
		// POST creates: a code with a version in force or a draft already is an edit (PUT).
		if _, err := h.Store.PublishedProcedure(r.Context(), u.ID, p.Code); err == nil {
			return store.ErrProcedureExists
		}
		if _, err := h.Store.DraftProcedure(r.Context(), u.ID, p.Code); err == nil {
			return store.ErrProcedureExists
		}
	}
	sp, err := h.Store.SaveDraft(r.Context(), u.ID, p)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, status, sp.Procedure)
}

func (h handlers) publish(w http.ResponseWriter, r *http.Request) error {
	u, err := h.adminUnit(r)
	if err != nil {
		return err
	}
	sp, err := h.Store.Publish(r.Context(), u.ID, r.PathValue("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, sp.Procedure)
}

func (h handlers) exportCatalog(w http.ResponseWriter, r *http.Request) error {
	u, err := h.catalogUnit(r)
	if err != nil {
		return err
	}
	c, err := h.Store.CatalogInForce(r.Context(), u.ID)
	if err != nil {
		return err
	}
	b, err := catalog.Export(c)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Disposition", `attachment; filename="catalog-`+u.Code+`.json"`)
	_, err = w.Write(b)
	return err
}

// ImportResult reports an import.
type ImportResult struct {
	Imported  int  `json:"imported"`
	Published bool `json:"published"`
}

func (h handlers) importCatalog(w http.ResponseWriter, r *http.Request) error {
	u, err := h.adminUnit(r)
	if err != nil {
		return err
	}
	body, err := readBody(w, r, 8<<20)
	if err != nil {
		return err
	}
	c, err := catalog.ParseCatalog(body)
	if err != nil {
		return err
	}
	publish := r.URL.Query().Get("publish") == "true"
	n, err := h.Store.ImportCatalog(r.Context(), u.ID, c, publish)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, ImportResult{Imported: n, Published: publish})
}
