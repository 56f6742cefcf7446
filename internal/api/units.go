package api

import (
	"net/http"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/unit"
)

// UnitSettings is a unit's settings as the API reads and writes them: what its
// administrator set ("" for the default) and, read only, what is printed.
type UnitSettings struct {
	DeskName     string `json:"desk_name"`
	LetterSymbol string `json:"letter_symbol"`
	// Desk is the desk's name as forms 01–07 and the pages print it (read only).
	Desk string `json:"desk"`
	// LetterExample shows the notation of the unit's first letter of a year (read only).
	LetterExample string `json:"letter_example"`
}

func unitSettings(u unit.Unit) UnitSettings {
	return UnitSettings{DeskName: u.DeskName, LetterSymbol: u.LetterSymbol, Desk: u.Desk(), LetterExample: u.LetterNotation(1)}
}

// unitSettingsRoutes: anyone reads a unit's settings (they are printed on public
// forms); its administrators (and the system administrator) change them.
func unitSettingsRoutes(h handlers) []httpx.Route {
	return []httpx.Route{
		{Pattern: "GET /api/v1/units/{code}/settings", Access: httpx.Anyone, Handler: h.getUnitSettings},
		{Pattern: "PUT /api/v1/units/{code}/settings", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.putUnitSettings},
	}
}

func (h handlers) getUnitSettings(w http.ResponseWriter, r *http.Request) error {
	u, err := h.Store.UnitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, unitSettings(u))
}

func (h handlers) putUnitSettings(w http.ResponseWriter, r *http.Request) error {
	p := auth.PrincipalFrom(r.Context())
	u, err := h.Store.UnitByCode(r.Context(), r.PathValue("code"))
	if err != nil {
		return err
	}
	if !p.Can(u.ID, auth.AdminRoles...) {
		return apperr.ErrForbidden
	}
	var body UnitSettings
	if err := httpx.DecodeJSON(w, r, &body, 8<<10); err != nil {
		return err
	}
	if u, err = h.Store.SetUnitSettings(r.Context(), u.ID, unit.Settings{DeskName: body.DeskName, LetterSymbol: body.LetterSymbol}); err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, unitSettings(u))
}
