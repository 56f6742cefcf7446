package web

import (
	"context"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/catalog"
	"github.com/xaso-vn/xaso/internal/dossier"
)

// The result's signing as one guided sequence on the dossier page: the result attached,
// the leader's signature, the organisation's seal, the return — each step done or not,
// and what comes next and who does it.

// signSteps is the sequence as the page draws it.
type signSteps struct {
	Steps []signStep
	// Next says what comes next and who does it ("" once all is done).
	Next string
}

type signStep struct {
	Label string
	Done  bool
}

// guideSigning is the signing sequence of d, whose workflow has the leader sign the
// result (nil when it does not, or before the dossier is received or after it ended
// otherwise than returned).
func guideSigning(d dossier.Dossier, rules dossier.Rules, files []fileRow) *signSteps {
	signs := slices.ContainsFunc(rules.Procedure.Workflow.Steps, func(st catalog.Step) bool {
		return slices.Contains(st.Actions, catalog.ActionSign)
	})
	switch {
	case !signs:
		return nil
	case d.Status != dossier.StatusProcessing && d.Status != dossier.StatusResolved && d.Status != dossier.StatusReturned:
		return nil
	}
	var attached, signed, sealed bool
	for _, f := range files {
		if !f.result {
			continue
		}
		attached = true
		if f.doc != nil {
			signed = true
			sealed = sealed || f.doc.Version >= 2
		}
	}
	resolved := d.Status == dossier.StatusResolved || d.Status == dossier.StatusReturned
	st := &signSteps{Steps: []signStep{
		{"Đính kèm kết quả giải quyết (PDF, bản dự thảo)", attached},
		{"Lãnh đạo ký số kết quả và ký kết quả", signed && resolved},
		{"Văn thư đóng dấu số của cơ quan lên bản lãnh đạo đã ký", sealed},
		{"Trả kết quả cho người nộp", d.Status == dossier.StatusReturned},
	}}
	switch {
	case !attached:
		st.Next = "Tiếp theo: chuyên viên đính kèm kết quả giải quyết (PDF) ở mục Giấy tờ đính kèm, loại “Kết quả giải quyết”."
	case !signed || !resolved:
		st.Next = "Tiếp theo: lãnh đạo chọn bản dự thảo trong mục Ký số, nhập mật khẩu khóa ký số và bấm Ký số; hồ sơ chuyển sang “Đã có kết quả, chờ trả”."
	case !sealed:
		st.Next = "Tiếp theo: văn thư mở hồ sơ, bản lãnh đạo đã ký được chọn sẵn trong mục Ký số; chọn con dấu của cơ quan và bấm Ký số."
	case d.Status != dossier.StatusReturned:
		st.Next = "Tiếp theo: cán bộ một cửa trả kết quả cho người nộp (bấm “Trả kết quả”); người nộp chỉ thấy bản cuối cùng đã đóng dấu."
	}
	return st
}

// signingHistory adds the signatures xaso made on the dossier's documents to its history,
// in time order: the leader's signature, the seal, the forms signed.
func (s *Server) signingHistory(ctx context.Context, d dossier.Dossier, files []fileRow, rows *[]historyRow) error {
	names := map[int64]string{}
	added := false
	for _, f := range files {
		if f.doc == nil {
			continue
		}
		name, ok := names[f.by]
		if !ok && f.by != 0 {
			u, err := s.Store.UserByID(ctx, f.by)
			if err != nil {
				return err
			}
			name = u.FullName
			names[f.by] = name
		}
		action := "Ký số kết quả"
		switch {
		case f.doc.Kind == "form":
			action = "Ký số phiếu của cơ quan"
		case f.doc.Version >= 2:
			action = "Đóng dấu số của cơ quan"
		}
		*rows = append(*rows, historyRow{At: shortTime(f.at), Actor: name, Action: action, Note: f.doc.DocumentCode + " (bản " + strconv.Itoa(f.doc.Version) + ")",
			t: f.at})
		added = true
	}
	if added {
		slices.SortStableFunc(*rows, func(a, b historyRow) int { return a.t.Compare(b.t) })
	}
	return nil
}
