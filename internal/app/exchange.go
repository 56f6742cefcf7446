package app

import (
	"context"

	"github.com/xaso-vn/xaso/internal/document"
	"github.com/xaso-vn/xaso/internal/edxml"
	"github.com/xaso-vn/xaso/internal/exchange"
	"github.com/xaso-vn/xaso/internal/web"
)

// WireExchange joins the documents' registers to the exchange platform (docs/EXCHANGE.md):
// an exchange.Service over d's store whose Registrar and StatusListener are the
// documents' adapter, which also hands the issued documents owed to organ ids to it; the
// documents' service reports 05 and 06 through it. d.Documents (made here when nil) and
// d.Exchange are set; platform nil takes only the messages pushed to the API. `xaso
// serve` runs the returned service's Deliver and Poll and the adapter's Dispatch.
func WireExchange(d *web.Deps, platform exchange.Platform) (*exchange.Service, *document.ExchangeAdapter) {
	if d.Documents == nil {
		d.Documents = web.NewDocuments(*d)
	}
	ex := &exchange.Service{Store: d.Store, Platform: platform, Log: d.Log}
	st := d.Store
	ad := &document.ExchangeAdapter{Docs: d.Documents, Store: st, Sender: ex, Log: d.Log,
		Organ: func(ctx context.Context, unitID int64) (edxml.Organ, error) {
			u, err := st.UnitByID(ctx, unitID)
			return document.UnitOrgan(u), err
		}}
	ex.Registrar, ex.Statuses = ad, ad
	d.Documents.Exchange = ex
	d.Exchange = ex
	return ex, ad
}
