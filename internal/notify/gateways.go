package notify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// SignatureHeader carries a webhook's HMAC-SHA256 of its body under the gateway's shared
// secret, in hex (delivery receipts, inbound messages).
const SignatureHeader = "X-Xaso-Signature"

// Sign is the value of SignatureHeader for body.
func Sign(secret, body []byte) string {
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Verify checks a webhook's signature in constant time.
func Verify(secret, body []byte, sig string) bool {
	want, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil || len(secret) == 0 {
		return false
	}
	m := hmac.New(sha256.New, secret)
	m.Write(body)
	return hmac.Equal(m.Sum(nil), want)
}

// SMSGateway is an SMS HTTP gateway (docs/NOTIFY.md §SMS):
//
//	POST {URL}/send  Authorization: Bearer {Token}
//	     {"to":"+84…","brandname":"…","text":"…","idempotency_key":"…"}
//	→ 200/202 {"id":"…"}; 4xx refused for good; 5xx, timeout: retried.
//
// Its delivery receipts come to POST /api/v1/notify/receipts/sms.
type SMSGateway struct {
	URL       string
	Token     string
	BrandName string
	Client    *http.Client // nil: http.DefaultClient (the worker bounds each call)
}

// Send implements Gateway.
func (g SMSGateway) Send(ctx context.Context, d Delivery) (string, error) {
	body, _ := json.Marshal(map[string]string{"to": d.Route.Address, "brandname": g.BrandName, "text": d.Text,
		"idempotency_key": "xaso-" + strconv.FormatInt(d.AttemptID, 10)})
	var out struct {
		ID string `json:"id"`
	}
	if err := postJSON(ctx, g.Client, g.URL+"/send", g.Token, body, &out); err != nil {
		return "", fmt.Errorf("notify: sms: %w", err)
	}
	return out.ID, nil
}

// ZNSGateway sends Zalo ZNS template messages through the Zalo OA's API:
//
//	POST {URL}/message/template  access_token: {Token}
//	     {"phone":"84…","template_id":"…","template_data":{…},"tracking_id":"…"}
//	→ 200 {"error":0,"data":{"msg_id":"…"}}; error ≠ 0: refused (for good).
type ZNSGateway struct {
	URL       string
	Token     string
	Templates map[string]string // kind → the template id approved by Zalo
	Client    *http.Client
}

// Send implements Gateway.
func (g ZNSGateway) Send(ctx context.Context, d Delivery) (string, error) {
	tid := g.Templates[d.Kind]
	if tid == "" {
		tid = "xaso-" + d.Kind // the fake takes any; a real OA needs its approved ids
	}
	if len([]rune(d.Text)) > ZNSMax {
		return "", fmt.Errorf("%w: zns: message over %d characters", ErrPermanent, ZNSMax)
	}
	params := map[string]string{"noi_dung": d.Text}
	for k, v := range d.Params {
		params[k] = v
	}
	body, _ := json.Marshal(map[string]any{"phone": strings.TrimPrefix(d.Route.Address, "+"), "template_id": tid,
		"template_data": params, "tracking_id": "xaso-" + strconv.FormatInt(d.AttemptID, 10)})
	var out struct {
		Error   int    `json:"error"`
		Message string `json:"message"`
		Data    struct {
			MsgID string `json:"msg_id"`
		} `json:"data"`
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, g.URL+"/message/template", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("access_token", g.Token)
	if err := do(g.Client, req, &out); err != nil {
		return "", fmt.Errorf("notify: zns: %w", err)
	}
	if out.Error != 0 {
		return "", fmt.Errorf("%w: zns error %d", ErrPermanent, out.Error)
	}
	return out.Data.MsgID, nil
}

func postJSON(ctx context.Context, c *http.Client, url, token string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return do(c, req, out)
}

// do sends req and decodes a small JSON answer: 4xx is a refusal for good, 5xx and
// transport errors may pass.
func do(c *http.Client, req *http.Request, out any) error {
	if c == nil {
		c = http.DefaultClient
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("HTTP %d", resp.StatusCode)
	case resp.StatusCode >= 400:
		return fmt.Errorf("%w: HTTP %d", ErrPermanent, resp.StatusCode)
	}
	if out == nil || len(raw) == 0 {
		return nil
	}
	if err := json.Unmarshal(raw, out); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	return nil
}
