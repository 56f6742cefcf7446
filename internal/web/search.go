package web

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/dossier"
	"github.com/xaso-vn/xaso/internal/locale"
	"github.com/xaso-vn/xaso/internal/store"
)

// The office's search (Tìm hồ sơ): the same dossier.Service.Search as the API's
// GET /api/v1/dossiers?q=…, with the same parameters, so the two cannot disagree on what
// an official may find. Every office page carries its box in the header.

type searchRow struct {
	Code, Applicant, Procedure, Status, Channel, Filed, Due string
}

type searchView struct {
	Q, Procedure, Status, Channel, From, To string
	Procedures, Statuses, Channels          []option
	Asked                                   bool // any criterion given: results are shown
	Rows                                    []searchRow
	Total                                   string // "12", or "hơn 10.000"
	Next, First                             string
	Errors                                  map[string]string // field → message
}

// dmy reads a day typed as dd/mm/yyyy (a browser without a date picker shows a text
// box) into the form the search takes, YYYY-MM-DD; anything else is left as typed.
var dmy = regexp.MustCompile(`^\s*(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})\s*$`)

func isoDay(s string) string {
	m := dmy.FindStringSubmatch(s)
	if m == nil {
		return strings.TrimSpace(s)
	}
	pad := func(x string) string {
		if len(x) == 1 {
			return "0" + x
		}
		return x
	}
	return m[3] + "-" + pad(m[2]) + "-" + pad(m[1])
}

// searchFields says at which input each refusal of a search is drawn.
var searchFields = map[string]string{
	"invalid_search": "q", "invalid_status": "status", "invalid_channel": "channel",
	"invalid_search_dates": "from", "invalid_cursor": "q", "invalid_pagination": "q",
}

func (s *Server) searchPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	p := auth.PrincipalFrom(ctx)
	in := r.URL.Query()
	sv := searchView{Q: in.Get("q"), Procedure: in.Get("procedure"), Status: in.Get("status"), Channel: in.Get("channel"),
		From: in.Get("from"), To: in.Get("to"), Errors: map[string]string{}}
	sv.Statuses = []option{{"", "Mọi trạng thái"}}
	for _, st := range dossier.Statuses {
		sv.Statuses = append(sv.Statuses, option{string(st), st.Label()})
	}
	sv.Channels = []option{{"", "Mọi kênh"}}
	for _, ch := range dossier.Channels {
		sv.Channels = append(sv.Channels, option{string(ch), ch.Label()})
	}
	sv.Procedures = []option{{"", "Mọi thủ tục"}}
	if unitID, ok := inboxScope(p); ok && unitID != 0 {
		ps, _, err := s.Store.Procedures(ctx, unitID, store.ProcedureQuery{Limit: 500})
		if err != nil {
			return err
		}
		for _, pr := range ps {
			sv.Procedures = append(sv.Procedures, option{pr.Code, shorten(pr.Name, 70)})
		}
	}
	q := url.Values{}
	for _, k := range []string{"q", "procedure", "status", "channel", "from", "to", "after"} {
		if v := strings.TrimSpace(in.Get(k)); v != "" {
			if k == "from" || k == "to" {
				v = isoDay(v)
			}
			q.Set(k, v)
		}
	}
	status := http.StatusOK
	sv.Asked = len(q) > 0
	if sv.Asked {
		search, err := dossier.ParseSearch(q)
		var page dossier.SearchPage
		if err == nil {
			page, err = s.Dossiers.Search(ctx, p, search)
		}
		if err != nil {
			e := apperr.From(err)
			field, ok := searchFields[e.Code]
			if !ok {
				return err
			}
			sv.Errors[field], status = searchMessages[e.Code], e.Kind.HTTPStatus()
		} else {
			sv.Total = count(int64(page.Total))
			if page.Capped {
				sv.Total = "hơn " + sv.Total
			}
			for _, d := range page.Items {
				due := d.DueAt
				if !d.ExtendedDueAt.IsZero() {
					due = d.ExtendedDueAt
				}
				sv.Rows = append(sv.Rows, searchRow{Code: d.Code, Applicant: d.Applicant.FullName, Procedure: d.ProcedureName,
					Status: d.Status.Label(), Channel: d.Channel.Label(), Filed: locale.Date(d.SubmittedAt), Due: shortTime(due)})
			}
			if page.Next != "" {
				next := url.Values{}
				for k, v := range q {
					next[k] = v
				}
				next.Set("after", page.Next)
				sv.Next = "/office/dossiers?" + next.Encode()
			}
			if q.Has("after") {
				q.Del("after")
				sv.First = "/office/dossiers?" + q.Encode()
			}
		}
	}
	v := s.view(r, "Tìm hồ sơ")
	v.Area, v.Nav, v.Data = "office", "search", sv
	return s.views.render(w, status, "search", v)
}

// searchMessages are the refusals as the page's form words them.
var searchMessages = map[string]string{
	"invalid_search":       "Nội dung tìm quá dài: nhập tối đa 100 ký tự.",
	"invalid_status":       "Chọn một trạng thái trong danh sách.",
	"invalid_channel":      "Chọn một kênh nộp trong danh sách.",
	"invalid_search_dates": "Ngày không hợp lệ: nhập ngày dạng ngày/tháng/năm, ví dụ 05/03/2026; từ ngày không được sau đến ngày.",
	"invalid_cursor":       "Liên kết trang sau không còn đúng; hãy tìm lại từ đầu.",
	"invalid_pagination":   "Số hồ sơ mỗi trang không hợp lệ.",
}
