package document

import (
	"context"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/edxml"
)

// ErrNotIssued refuses the edXML of a document that has no number yet.
var ErrNotIssued = apperr.New(apperr.Conflict, "document_not_issued",
	"Văn bản chưa được phát hành (chưa có số, ký hiệu) nên chưa xuất được gói tin edXML.")

// maxExportPDF bounds the signed PDF an export carries (the uploads' own cap is lower).
const maxExportPDF = 64 << 20

// EdXML is an issued outgoing document as a QCVN 102:2016 message from its unit, the
// organ from: recipients written as organ ids (Decision 20/2020) are its To, every
// recipient is named in ToPlaces, and the signed PDF, when there is one, is attached.
// A document none of whose recipients has an organ id is still exported, without To
// (edxml.BuildExport): it is delivered on paper or by e-mail.
// organ names the issuing unit (its code is its organ id).
func (s *Service) EdXML(ctx context.Context, p *auth.Principal, id int64, organ func(ctx context.Context, unitID int64) (edxml.Organ, error)) ([]byte, error) {
	d, err := s.Get(ctx, p, id)
	if err != nil {
		return nil, err
	}
	if d.Direction != Outgoing || d.Number == 0 || d.NumberNotation == "" {
		return nil, ErrNotIssued
	}
	from, err := organ(ctx, d.UnitID)
	if err != nil {
		return nil, err
	}
	m, err := s.exchangeMessage(ctx, d, from)
	if err != nil {
		return nil, err
	}
	if len(m.To) == 0 {
		return edxml.BuildExport(m)
	}
	return edxml.Build(m)
}

// edxmlPriority is the standard's Priority for an urgency.
func edxmlPriority(u Urgency) int {
	switch u {
	case Khan:
		return edxml.PriorityKhan
	case ThuongKhan:
		return edxml.PriorityThuongKhan
	case HoaToc:
		return edxml.PriorityHoaToc
	}
	return edxml.PriorityNormal
}
