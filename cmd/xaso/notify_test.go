package main

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"

	"github.com/xaso-vn/xaso/internal/config"
	"github.com/xaso-vn/xaso/internal/notify"
	"github.com/xaso-vn/xaso/internal/notify/notifytest"
	"github.com/xaso-vn/xaso/internal/store/storetest"
)

// The demo's pushes reach its fake push service on loopback, while a subscription
// pointing at any other inner address is refused when dialled (docs/NOTIFY.md).
func TestDemoPushReachesOnlyItsFake(t *testing.T) {
	ctx := context.Background()
	svc := &notify.Service{Store: storetest.Open(t), Subject: "mailto:notify@xaso.invalid"} // as app.NewNotify sets it
	gws, stop, err := notifySetup(ctx, config.Config{Demo: true}, slog.New(slog.NewTextHandler(io.Discard, nil)), svc, nil, "http://127.0.0.1:9")
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	gw, ok := gws[notify.ChanPush]
	if !ok || len(svc.PushBases) != 1 {
		t.Fatalf("demo push not set up: gateways %v, bases %v", gws, svc.PushBases)
	}
	sub, err := notifytest.NewSubscriber()
	if err != nil {
		t.Fatal(err)
	}
	send := func(endpoint string) error {
		s := &notify.Subscription{Endpoint: endpoint, P256dh: sub.P256DH(), Auth: sub.AuthSecret()}
		_, err := gw.Send(ctx, notify.Delivery{Route: notify.Route{Channel: notify.ChanPush, Address: endpoint, Push: s},
			Kind: "supplement", Subject: "Yêu cầu bổ sung", Text: "Hồ sơ cần bổ sung"})
		return err
	}
	if err := send(svc.PushBases[0] + "/s1"); err != nil {
		t.Fatalf("push to the demo's fake: %v", err)
	}
	if err := send("https://127.0.0.1:1/push/s1"); !errors.Is(err, notify.ErrInnerAddress) {
		t.Fatalf("push to another loopback port: %v, want ErrInnerAddress", err)
	}
	if err := send("https://169.254.169.254/latest/meta-data"); !errors.Is(err, notify.ErrInnerAddress) {
		t.Fatalf("push to the metadata address: %v, want ErrInnerAddress", err)
	}
}
