package api

import (
	"io"
	"net/http"

	"github.com/xaso-vn/xaso/internal/apperr"
	"github.com/xaso-vn/xaso/internal/auth"
	"github.com/xaso-vn/xaso/internal/httpx"
	"github.com/xaso-vn/xaso/internal/notify"
)

// notifyRoutes are the notifications' routes (docs/NOTIFY.md): the gateways' webhooks
// (delivery receipts, messages asking a dossier's status; authenticated by the HMAC of
// the gateway's secret, so served without a session), the VAPID key and the browsers'
// push subscriptions, the units' templates.
func (h handlers) notifyRoutes() []httpx.Route {
	if h.Notify == nil {
		return nil
	}
	return []httpx.Route{
		{Pattern: "POST /api/v1/notify/receipts/{gateway}", Access: httpx.Anyone, Handler: h.notifyReceipt, Stateless: true},
		{Pattern: "POST /api/v1/notify/inbound/{gateway}", Access: httpx.Anyone, Handler: h.notifyInbound, Stateless: true},
		{Pattern: "GET /api/v1/push/key", Access: httpx.Anyone, Handler: h.pushKey},
		{Pattern: "POST /api/v1/push-subscriptions", Access: httpx.LoggedIn, Handler: h.pushSubscribe},
		{Pattern: "DELETE /api/v1/push-subscriptions", Access: httpx.LoggedIn, Handler: h.pushUnsubscribe},
		{Pattern: "GET /api/v1/me/notifications", Access: httpx.LoggedIn, Handler: h.myChannels},
		{Pattern: "PUT /api/v1/me/notifications/{channel}", Access: httpx.LoggedIn, Handler: h.setMyChannel},
		{Pattern: "GET /api/v1/me/announcement-subscriptions", Access: httpx.LoggedIn, Handler: h.myAnnouncementSubs},
		{Pattern: "PUT /api/v1/me/announcement-subscriptions", Access: httpx.LoggedIn, Handler: h.setMyAnnouncementSubs},
		{Pattern: "GET /api/v1/notify/templates", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.notifyTemplates},
		{Pattern: "PUT /api/v1/notify/templates/{kind}/{channel}", Access: httpx.OnlyRoles(auth.AdminRoles...), Handler: h.saveNotifyTemplate},
	}
}

func (h handlers) webhookBody(r *http.Request) ([]byte, error) {
	// One byte more than allowed, so that the service sees a body too large.
	raw, err := io.ReadAll(io.LimitReader(r.Body, notify.MaxWebhook+1))
	if err != nil {
		return nil, notify.ErrWebhookBody.With(err)
	}
	return raw, nil
}

// NotifyAnswer is a webhook's answer.
type NotifyAnswer struct {
	Outcome string `json:"outcome"` // recorded, unknown (a receipt of no attempt), queued (a reply)
}

func (h handlers) notifyReceipt(w http.ResponseWriter, r *http.Request) error {
	raw, err := h.webhookBody(r)
	if err != nil {
		return err
	}
	found, err := h.Notify.Receipt(r.Context(), r.PathValue("gateway"), raw, r.Header.Get(notify.SignatureHeader))
	if err != nil {
		h.log().Warn("notify receipt refused", "gateway", r.PathValue("gateway"), "request_id", httpx.RequestID(r.Context()), "err", err)
		return err
	}
	out := NotifyAnswer{Outcome: "recorded"}
	if !found {
		out.Outcome = "unknown"
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

func (h handlers) notifyInbound(w http.ResponseWriter, r *http.Request) error {
	raw, err := h.webhookBody(r)
	if err != nil {
		return err
	}
	if err := h.Notify.Inbound(r.Context(), r.PathValue("gateway"), raw, r.Header.Get(notify.SignatureHeader)); err != nil {
		h.log().Warn("notify inbound refused", "gateway", r.PathValue("gateway"), "request_id", httpx.RequestID(r.Context()), "err", err)
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, NotifyAnswer{Outcome: "queued"})
}

// PushKey is the VAPID public key browsers subscribe with (applicationServerKey).
type PushKey struct {
	PublicKey string `json:"public_key"`
}

func (h handlers) pushKey(w http.ResponseWriter, r *http.Request) error {
	v, err := h.Notify.VAPID(r.Context())
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, PushKey{PublicKey: v.PublicKey()})
}

// PushSubscription is a stored subscription (its keys are not echoed).
type PushSubscription struct {
	ID       int64  `json:"id"`
	Endpoint string `json:"endpoint"`
}

func (h handlers) pushSubscribe(w http.ResponseWriter, r *http.Request) error {
	var in notify.SubscriptionJSON
	if err := httpx.DecodeJSON(w, r, &in, notify.MaxSubscription); err != nil {
		return err
	}
	sub, err := h.Notify.Subscribe(r.Context(), auth.PrincipalFrom(r.Context()), in)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusCreated, PushSubscription{ID: sub.ID, Endpoint: sub.Endpoint})
}

func (h handlers) pushUnsubscribe(w http.ResponseWriter, r *http.Request) error {
	if err := h.Notify.Unsubscribe(r.Context(), auth.PrincipalFrom(r.Context()), r.URL.Query().Get("endpoint")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// NotifyTemplate is a unit's wording of a kind of message on a channel.
type NotifyTemplate struct {
	Kind         string `json:"kind"`
	KindLabel    string `json:"kind_label"`
	Channel      string `json:"channel"`
	ChannelLabel string `json:"channel_label"`
	Body         string `json:"body"`
	Custom       bool   `json:"custom"`
	SMSSegments  int    `json:"sms_segments"`
	Unicode      bool   `json:"unicode"`
}

func templateJSON(v notify.TemplateView) NotifyTemplate {
	return NotifyTemplate{Kind: v.Kind, KindLabel: v.KindLabel, Channel: v.Channel, ChannelLabel: v.ChannelLabel, Body: v.Body,
		Custom: v.Custom, SMSSegments: v.Segments, Unicode: v.UCS2}
}

func (h handlers) notifyTemplates(w http.ResponseWriter, r *http.Request) error {
	u, err := h.unitParam(r, r.URL.Query().Get("unit"))
	if err != nil {
		return err
	}
	vs, err := h.Notify.Templates(r.Context(), auth.PrincipalFrom(r.Context()), u.ID)
	if err != nil {
		return err
	}
	out := make([]NotifyTemplate, 0, len(vs))
	for _, v := range vs {
		out = append(out, templateJSON(v))
	}
	return httpx.WriteJSON(w, http.StatusOK, map[string]any{"items": out})
}

// TemplateInput is a template's new wording ("" : back to the default).
type TemplateInput struct {
	Unit string `json:"unit"`
	Body string `json:"body"`
}

func (h handlers) saveNotifyTemplate(w http.ResponseWriter, r *http.Request) error {
	var in TemplateInput
	if err := httpx.DecodeJSON(w, r, &in, 8<<10); err != nil {
		return err
	}
	u, err := h.unitParam(r, in.Unit)
	if err != nil {
		return err
	}
	v, err := h.Notify.SaveTemplate(r.Context(), auth.PrincipalFrom(r.Context()), u.ID, r.PathValue("kind"), r.PathValue("channel"), in.Body)
	if err != nil {
		return err
	}
	return httpx.WriteJSON(w, http.StatusOK, templateJSON(v))
}

// NotifyChannel is one of the citizen's channels: the text they agree to, whether they
// did, since when, their order.
type NotifyChannel struct {
	Channel   string  `json:"channel"`
	Label     string  `json:"label"`
	Text      string  `json:"text"`
	Granted   bool    `json:"granted"`
	GrantedAt *string `json:"granted_at"`
	Withdrawn *string `json:"withdrawn_at"`
	Position  int     `json:"position"`
}

// MyChannels is the citizen's channels and how many browsers are subscribed.
type MyChannels struct {
	Channels      []NotifyChannel `json:"channels"`
	Subscriptions int             `json:"push_subscriptions"`
}

func (h handlers) myChannels(w http.ResponseWriter, r *http.Request) error {
	cs, subs, err := h.Notify.Consents(r.Context(), auth.PrincipalFrom(r.Context()))
	if err != nil {
		return err
	}
	out := MyChannels{Channels: []NotifyChannel{}, Subscriptions: len(subs)}
	for _, ch := range notify.DefaultOrder {
		c := NotifyChannel{Channel: ch, Label: notify.ChannelLabels[ch], Text: notify.ConsentTexts[ch]}
		for _, k := range cs {
			if k.Channel == ch {
				c.Position, c.Granted = k.Position, k.WithdrawnAt.IsZero()
				c.GrantedAt, c.Withdrawn = rfc3339(k.GrantedAt), rfc3339(k.WithdrawnAt)
			}
		}
		out.Channels = append(out.Channels, c)
	}
	return httpx.WriteJSON(w, http.StatusOK, out)
}

// ChannelInput grants (agree: true, having been shown the channel's text) or withdraws a
// channel; position orders it (0 the default order).
type ChannelInput struct {
	Agree    bool `json:"agree"`
	Position int  `json:"position"`
}

func (h handlers) setMyChannel(w http.ResponseWriter, r *http.Request) error {
	var in ChannelInput
	if err := httpx.DecodeJSON(w, r, &in, 1<<10); err != nil {
		return err
	}
	if err := h.Notify.SetConsent(r.Context(), auth.PrincipalFrom(r.Context()), r.PathValue("channel"), in.Agree, in.Position); err != nil {
		return err
	}
	return h.myChannels(w, r)
}

// AnnouncementSubs is what the citizen follows of the commune's announcements: the whole
// commune and/or villages, with the text they agree to.
type AnnouncementSubs struct {
	Commune  bool    `json:"commune"`
	Villages []int64 `json:"villages"`
	Text     string  `json:"text"`
}

func (h handlers) myAnnouncementSubs(w http.ResponseWriter, r *http.Request) error {
	commune, villages, err := h.Notify.Subscriptions(r.Context(), auth.PrincipalFrom(r.Context()), h.HomeUnitID)
	if err != nil {
		return err
	}
	if villages == nil {
		villages = []int64{}
	}
	return httpx.WriteJSON(w, http.StatusOK, AnnouncementSubs{Commune: commune, Villages: villages, Text: notify.AnnouncementConsentText})
}

// AnnouncementSubsInput replaces what the citizen follows (both empty: nothing); agree
// says they were shown the text.
type AnnouncementSubsInput struct {
	Agree    bool    `json:"agree"`
	Commune  bool    `json:"commune"`
	Villages []int64 `json:"villages"`
}

func (h handlers) setMyAnnouncementSubs(w http.ResponseWriter, r *http.Request) error {
	var in AnnouncementSubsInput
	if err := httpx.DecodeJSON(w, r, &in, 8<<10); err != nil {
		return err
	}
	if (in.Commune || len(in.Villages) > 0) && !in.Agree {
		return errSubsNotAgreed
	}
	if err := h.Notify.SubscribeAnnouncements(r.Context(), auth.PrincipalFrom(r.Context()), h.HomeUnitID, in.Commune, in.Villages); err != nil {
		return err
	}
	return h.myAnnouncementSubs(w, r)
}

var errSubsNotAgreed = apperr.New(apperr.Invalid, "consent_not_confirmed", "Cần đồng ý với nội dung nhận thông báo (agree: true) trước khi đăng ký.")
