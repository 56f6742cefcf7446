package source

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// Client speaks HTTP to the source system (UNCONFIRMED protocol, docs/BROADCAST.md):
// POST {URL}/bulletins or {URL}/play-logs with the JSON payload, Authorization: Bearer
// {Token}, Idempotency-Key: the message id. 2xx, or 409 (already had it), is taken.
type Client struct {
	URL   string // base URL, e.g. https://ttn.tinh.gov.vn/api/v1
	Token string
	HTTP  *http.Client // nil: a client with a 30 s timeout
}

func path(kind string) string {
	if kind == KindPlayLog {
		return "/play-logs"
	}
	return "/bulletins"
}

// Send implements System.
func (c *Client) Send(ctx context.Context, m Message) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(c.URL, "/")+path(m.Kind), bytes.NewReader(m.Payload))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Idempotency-Key", m.MessageID)
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("source: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	switch {
	case resp.StatusCode/100 == 2, resp.StatusCode == http.StatusConflict:
		return nil
	case resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests && resp.StatusCode != http.StatusUnauthorized:
		return fmt.Errorf("%w: HTTP %d: %s", ErrRefused, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return fmt.Errorf("source: HTTP %d: %s", resp.StatusCode, strings.TrimSpace(string(body)))
}
