package web_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/xaso-vn/xaso/internal/demo"
	"github.com/xaso-vn/xaso/internal/payment"
)

// A bank notification for a unit that has no collection account, or an account without
// a webhook secret, is the sender's mistake to hear about (wrong address, not set up
// yet): a 404 with a stable code, never a 500, and nothing stored.
func TestWebhookWithoutSecretIsNotAServerError(t *testing.T) {
	e := newEnv(t)
	admin := bearer(t, e, "quantri")
	body := notificationBody("FT0001", 5000, "XASO ABC", time.Now())
	check := func(when string) {
		t.Helper()
		status, _, answer := notify(t, e, demo.CommuneCode, body, "t=1,v1=00")
		if status != http.StatusNotFound || !strings.Contains(answer, `"webhook_not_configured"`) {
			t.Fatalf("%s: %d %s", when, status, answer)
		}
	}
	check("no collection account")
	status, answer := apiSend(t, e, admin, "PUT", "/api/v1/payments/account?unit="+demo.CommuneCode,
		`{"bin":"970415","number":"113366668888","name":"UBND XA YEN TU"}`)
	if status != http.StatusOK {
		t.Fatalf("set account: %d %s", status, answer)
	}
	check("an account without a secret")
	if _, err := e.st.PaymentNotification(context.Background(), 1); !errors.Is(err, payment.ErrNotificationNotFound) {
		t.Fatalf("a notification was stored: %v", err)
	}
}
