package api

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/printing"
	"github.com/xaso-vn/xaso/internal/report"
)

// lookupURL is the absolute address of a dossier's public look-up with its secret, the
// content of the receipt's QR code.
func (h handlers) lookupURL(r *http.Request, code, secret string) string {
	base := h.BaseURL
	if base == "" {
		scheme := "http"
		if r.TLS != nil {
			scheme = "https"
		}
		base = scheme + "://" + r.Host
	}
	return strings.TrimRight(base, "/") + "/tra-cuu/" + code + "?secret=" + secret
}

// dossierForm serves forms 01–06 of a dossier as PDF (NN.pdf) or printable HTML
// (NN.html), for the officials of its units and its owner.
func (h handlers) dossierForm(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	number, ext, _ := strings.Cut(r.PathValue("form"), ".")
	if ext != "pdf" && ext != "html" {
		return printing.ErrUnknownForm
	}
	d, _, err := h.load(r)
	if err != nil {
		return err
	}
	f, err := printing.DossierForm(ctx, h.Store, h.Dossiers, d, number, h.lookupURL(r, d.Code, d.Secret))
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if ext == "pdf" {
		err = f.PDF(&buf)
		w.Header().Set("Content-Type", "application/pdf")
		w.Header().Set("Content-Disposition", `inline; filename="`+d.Code+`-mau-`+number+`.pdf"`)
	} else {
		err = f.HTML(&buf)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(buf.Bytes())
	return err
}

// maxRegister bounds one printed register; longer periods are printed in parts.
const maxRegister = 5000

var errRegisterTooLong = apperr.New(apperr.Invalid, "register_too_long", "Kỳ quá dài cho một sổ theo dõi (tối đa 5.000 hồ sơ); hãy in theo từng tháng.")

// register serves form 07, the register of a unit's dossiers received in a period, as
// PDF (07.pdf) or printable HTML (07.html).
func (h handlers) register(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	ext := strings.TrimPrefix(r.PathValue("file"), "07.")
	if ext != "pdf" && ext != "html" {
		return printing.ErrUnknownForm
	}
	u, err := h.reportUnit(r)
	if err != nil {
		return err
	}
	q := r.URL.Query()
	from, to, err := report.Params{From: q.Get("from"), To: q.Get("to")}.Check()
	if err != nil {
		return err
	}
	ds, err := h.Store.ReceivedBetween(ctx, u.ID, from, to, maxRegister+1)
	if err != nil {
		return err
	}
	if len(ds) > maxRegister {
		return errRegisterTooLong
	}
	names := map[int64]string{}
	for _, d := range ds {
		if _, ok := names[d.CompetentUnitID]; !ok {
			cu, err := h.Store.UnitByID(ctx, d.CompetentUnitID)
			if err != nil {
				return err
			}
			names[d.CompetentUnitID] = cu.Name
		}
	}
	f := printing.Register(printing.RegisterInput{Unit: u, From: from.Time(), To: to.Time(), Dossiers: ds, Units: names})
	var buf bytes.Buffer
	if ext == "pdf" {
		err = f.PDF(&buf)
		w.Header().Set("Content-Type", "application/pdf")
	} else {
		err = f.HTML(&buf)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
	}
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "private, no-store")
	_, err = w.Write(buf.Bytes())
	return err
}
