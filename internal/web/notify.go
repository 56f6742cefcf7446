package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/store"
)

// The notifications' pages (docs/NOTIFY.md): the citizen's channels and consents
// (/account/thong-bao), the unit's templates (/admin/thong-bao), and the messages sent
// about a dossier on the officer's dossier page.

func (s *Server) notifyRoutes() []httpx.Route {
	if s.Notify == nil {
		return nil
	}
	return []httpx.Route{
		{Pattern: "GET /account/thong-bao", Access: httpx.LoggedIn, Handler: s.notifyAccountPage},
		{Pattern: "POST /account/thong-bao", Access: httpx.LoggedIn, Handler: s.saveNotifyConsent},
		{Pattern: "GET /admin/thong-bao", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.notifyTemplatesPage},
		{Pattern: "POST /admin/thong-bao", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: s.saveNotifyTemplate},
	}
}

type channelRow struct {
	Channel, Label, Text string
	Granted              bool
	Since, Withdrawn     string
	Position             int
}

type notifyAccountView struct {
	Channels      []channelRow
	Subscriptions int
	Positions     []int
	// The commune's announcements followed.
	Commune          bool
	Villages         []villageChoice
	Followed         []string
	AnnouncementText string
}

type villageChoice struct {
	ID      int64
	Name    string
	Checked bool
}

func (s *Server) notifyAccountPage(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	cs, subs, err := s.Notify.Consents(ctx, auth.PrincipalFrom(ctx))
	if err != nil {
		return err
	}
	data := notifyAccountView{Subscriptions: len(subs), Positions: []int{1, 2, 3, 4}}
	for _, ch := range notify.DefaultOrder {
		row := channelRow{Channel: ch, Label: notify.ChannelLabels[ch], Text: notify.ConsentTexts[ch]}
		for _, c := range cs {
			if c.Channel != ch {
				continue
			}
			row.Position = c.Position
			if c.WithdrawnAt.IsZero() {
				row.Granted, row.Since = true, shortTime(c.GrantedAt)
			} else {
				row.Withdrawn = shortTime(c.WithdrawnAt)
			}
		}
		data.Channels = append(data.Channels, row)
	}
	commune, followed, err := s.Notify.Subscriptions(ctx, auth.PrincipalFrom(ctx), s.HomeUnitID)
	if err != nil {
		return err
	}
	villages, err := s.Store.Villages(ctx, s.HomeUnitID)
	if err != nil {
		return err
	}
	data.Commune, data.AnnouncementText = commune, notify.AnnouncementConsentText
	for _, vl := range villages {
		c := villageChoice{ID: vl.ID, Name: vl.Name, Checked: slices.Contains(followed, vl.ID)}
		if c.Checked {
			data.Followed = append(data.Followed, vl.Name)
		}
		data.Villages = append(data.Villages, c)
	}
	v := s.view(r, "Nhận thông báo")
	v.Flash = s.sessions.PopString(ctx, "flash")
	v.Data = data
	return s.views.render(w, http.StatusOK, "notify_account", v)
}

var errNotifyNotAgreed = apperr.New(apperr.Invalid, "consent_not_confirmed", "Vui lòng đánh dấu ô “Tôi đồng ý” sau khi đọc nội dung đồng ý.")

func (s *Server) saveNotifyConsent(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	if r.PostFormValue("action") == "announcements" {
		return s.saveAnnouncementSubs(w, r)
	}
	grant := r.PostFormValue("action") == "grant"
	if grant && r.PostFormValue("agree") != "yes" {
		s.sessions.Put(ctx, "flash", errNotifyNotAgreed.Message)
		http.Redirect(w, r, "/account/thong-bao", http.StatusSeeOther)
		return nil
	}
	pos, _ := strconv.Atoi(r.PostFormValue("position"))
	ch := r.PostFormValue("channel")
	if err := s.Notify.SetConsent(ctx, auth.PrincipalFrom(ctx), ch, grant, pos); err != nil {
		return err
	}
	msg := "Đã ghi nhận sự đồng ý nhận thông báo qua " + notify.ChannelLabels[ch] + ". Có thể rút lại bất cứ lúc nào."
	if !grant {
		msg = "Đã rút lại: từ nay không gửi thông báo qua " + notify.ChannelLabels[ch] + " nữa."
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/account/thong-bao", http.StatusSeeOther)
	return nil
}

// saveAnnouncementSubs replaces what the citizen follows of the commune's announcements.
func (s *Server) saveAnnouncementSubs(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	commune := r.PostFormValue("commune") == "yes"
	var villages []int64
	for _, v := range r.PostForm["village"] {
		id, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return errBadForm
		}
		villages = append(villages, id)
	}
	if (commune || len(villages) > 0) && r.PostFormValue("agree") != "yes" {
		s.sessions.Put(ctx, "flash", errNotifyNotAgreed.Message)
		http.Redirect(w, r, "/account/thong-bao#thong-bao-xa", http.StatusSeeOther)
		return nil
	}
	if err := s.Notify.SubscribeAnnouncements(ctx, auth.PrincipalFrom(ctx), s.HomeUnitID, commune, villages); err != nil {
		return err
	}
	msg := "Đã lưu: ông/bà sẽ nhận thông báo của xã theo lựa chọn."
	if !commune && len(villages) == 0 {
		msg = "Đã thôi nhận thông báo của xã."
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/account/thong-bao#thong-bao-xa", http.StatusSeeOther)
	return nil
}

type notifyTemplatesView struct {
	UnitName, Query string
	Templates       []notify.TemplateView
	Placeholders    []string
	Error           string
	ErrorKey        string // kind/channel of the template refused
}

func (s *Server) renderNotifyTemplates(w http.ResponseWriter, r *http.Request, status int, errMsg, errKey, typed string) error {
	ctx := r.Context()
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	ts, err := s.Notify.Templates(ctx, auth.PrincipalFrom(ctx), u.ID)
	if err != nil {
		return err
	}
	data := notifyTemplatesView{UnitName: u.Name, Query: "?unit=" + url.QueryEscape(u.Code), Templates: ts, Error: errMsg, ErrorKey: errKey}
	for i := range data.Templates {
		if data.Templates[i].Kind+"/"+data.Templates[i].Channel == errKey {
			data.Templates[i].Body = typed
		}
	}
	for _, k := range []string{"ma_ho_so", "ten_thu_tuc", "ngay_hen", "ly_do", "so_tien", "ma_otp", "trang_thai", "don_vi", "tieu_de", "duong_dan", "noi_dung_ck"} {
		data.Placeholders = append(data.Placeholders, "{{"+k+"}} — "+notify.Placeholders[k])
	}
	v := s.view(r, "Mẫu tin nhắn")
	v.Area, v.Nav, v.Data = "office", "admin-notify", data
	v.Flash = s.sessions.PopString(ctx, "flash")
	return s.views.render(w, status, "admin_notify", v)
}

func (s *Server) notifyTemplatesPage(w http.ResponseWriter, r *http.Request) error {
	return s.renderNotifyTemplates(w, r, http.StatusOK, "", "", "")
}

func (s *Server) saveNotifyTemplate(w http.ResponseWriter, r *http.Request) error {
	ctx := r.Context()
	u, err := s.calendarUnit(r)
	if err != nil {
		return err
	}
	r.Body = http.MaxBytesReader(w, r.Body, 8<<10)
	if err := r.ParseForm(); err != nil {
		return errBadForm
	}
	kind, ch, body := r.PostFormValue("kind"), r.PostFormValue("channel"), r.PostFormValue("body")
	if r.PostFormValue("reset") != "" {
		body = ""
	}
	v, err := s.Notify.SaveTemplate(ctx, auth.PrincipalFrom(ctx), u.ID, kind, ch, body)
	if e := apperr.From(err); err != nil && e.Kind == apperr.Invalid {
		return s.renderNotifyTemplates(w, r, http.StatusUnprocessableEntity, e.Message, kind+"/"+ch, body)
	}
	if err != nil {
		return err
	}
	msg := "Đã lưu mẫu “" + v.KindLabel + "” qua " + v.ChannelLabel + "."
	if v.Channel == notify.ChanSMS {
		msg += " Tin nhắn SMS dài khoảng " + strconv.Itoa(v.Segments) + " phần."
	}
	s.sessions.Put(ctx, "flash", msg)
	http.Redirect(w, r, "/admin/thong-bao?unit="+url.QueryEscape(u.Code), http.StatusSeeOther)
	return nil
}

// sentMessage is one attempt of a message about a dossier, as its page shows it: never
// the body (a one-time code's least of all).
type sentMessage struct {
	At, Kind, Channel, Status string
	Failed                    bool
}

func (s *Server) sentMessages(r *http.Request, code string) ([]sentMessage, error) {
	if code == "" {
		return nil, nil
	}
	as, err := s.Store.AttemptsFor(r.Context(), code)
	if err != nil {
		return nil, err
	}
	return sentRows(as), nil
}

func sentRows(as []store.Attempt) []sentMessage {
	var out []sentMessage
	for _, a := range as {
		kind := notify.Kinds[a.Kind]
		if kind == "" {
			kind = "Thư thông báo"
		}
		out = append(out, sentMessage{At: shortTime(a.UpdatedAt), Kind: kind, Channel: notify.ChannelLabels[a.Channel],
			Status: notify.StatusLabels[a.Status], Failed: a.Status == "failed" || a.Status == "expired"})
	}
	return out
}
