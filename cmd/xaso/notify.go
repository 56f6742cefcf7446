package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/kek"
	"github.com/xaso-vn/xaso/internal/notify"
)

// demoWebhookSecret signs the demo fakes' webhooks (published: no secrecy).
const demoWebhookSecret = "xaso-demo-webhook-secret"

// notifySetup wires the notifications' channels (docs/NOTIFY.md): the SMS gateway
// (--sms-url), Zalo ZNS (--zns-url) and Web Push (--push) as the worker's gateways, the
// webhooks' secrets and the VAPID key on svc. In --demo, a channel not configured is
// served by its local fake on a loopback port of this process (as the exchange
// platform's), so the demo's messages and pushes go somewhere that can be looked at.
func notifySetup(ctx context.Context, cfg config.Config, log *slog.Logger, svc *notify.Service, key *kek.Key, self string) (map[string]notify.Gateway, func(), error) {
	var servers []*http.Server
	stop := func() {
		for _, s := range servers {
			s.Close()
		}
	}
	fake := func(name string, h http.Handler) (string, error) {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return "", err
		}
		hs := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
		servers = append(servers, hs)
		go func() {
			if err := hs.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("demo notification gateway stopped", "gateway", name, "err", err)
			}
		}()
		url := "http://" + ln.Addr().String()
		log.Info("demo notification gateway", "gateway", name, "url", url)
		return url, nil
	}
	client := &http.Client{Timeout: 30 * time.Second}
	gws := map[string]notify.Gateway{}
	svc.Secrets = map[string][]byte{}
	if key != nil {
		svc.Sealer = key
	}
	smsURL, smsToken, znsURL, znsToken := cfg.SMSURL, cfg.SMSToken, cfg.ZNSURL, cfg.ZNSToken
	smsSecret, zaloSecret := cfg.SMSWebhookSecret, cfg.ZaloWebhookSecret
	push := cfg.Push
	var pushFake string // host:port of the demo's fake push service
	if cfg.Demo {
		var err error
		if smsURL == "" {
			// The fake reports each SMS delivered to this server, as a real gateway's receipts.
			fs := &notify.FakeSMS{Callback: self + "/api/v1/notify/receipts/sms", Secret: []byte(demoWebhookSecret)}
			if smsURL, err = fake("sms", fs); err != nil {
				return nil, stop, err
			}
			smsSecret = demoWebhookSecret
		}
		if znsURL == "" {
			// Zalo's delivery receipts too come back to this server.
			fz := &notify.FakeZNS{Callback: self + "/api/v1/notify/receipts/zalo", Secret: []byte(demoWebhookSecret)}
			if znsURL, err = fake("zns", fz); err != nil {
				return nil, stop, err
			}
			zaloSecret = demoWebhookSecret
		}
		if !push {
			fp := &notify.FakePush{}
			u, err := fake("push", fp)
			if err != nil {
				return nil, stop, err
			}
			fp.Origin = u
			pushFake = strings.TrimPrefix(u, "http://")
			svc.PushBases = append(svc.PushBases, u+"/push")
			push = true
		}
	}
	if smsURL != "" {
		brand := cfg.SMSBrand
		if brand == "" {
			brand = "XASO"
		}
		gws[notify.ChanSMS] = notify.SMSGateway{URL: strings.TrimSuffix(smsURL, "/"), Token: smsToken, BrandName: brand, Client: client}
	}
	if znsURL != "" {
		gws[notify.ChanZNS] = notify.ZNSGateway{URL: strings.TrimSuffix(znsURL, "/"), Token: znsToken, Client: client}
	}
	if smsSecret != "" {
		svc.Secrets["sms"] = []byte(smsSecret)
	}
	if zaloSecret != "" {
		svc.Secrets["zalo"] = []byte(zaloSecret)
	}
	if push {
		v, err := svc.VAPID(ctx)
		if err != nil {
			return nil, stop, err
		}
		// The endpoints come from citizens' browsers: connections go to public
		// addresses only (the demo's fake excepted), never into the office's network.
		gws[notify.ChanPush] = notify.PushGateway{VAPID: v, Client: notify.PublicClient(30*time.Second, pushFake),
			Gone: func(ctx context.Context, endpoint string) { svc.Store.DeletePushSubscription(ctx, 0, endpoint) }}
		log.Info("web push on", "vapid_public_key", v.PublicKey())
	}
	return gws, stop, nil
}
