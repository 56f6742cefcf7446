package exchange

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// Client is the platform's HTTP adapter (the interface Fake serves). BaseURL is the
// platform's address, Token the unit's credential there.
type Client struct {
	BaseURL string
	Token   string
	HTTP    *http.Client // nil: a client with a one-minute timeout
}

var defaultHTTP = &http.Client{Timeout: 60e9}

func (c *Client) do(ctx context.Context, method, path string, q url.Values, body any, out any, maxOut int64) error {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	u := c.BaseURL + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.Token != "" {
		req.Header.Set("Authorization", "Bearer "+c.Token)
	}
	hc := c.HTTP
	if hc == nil {
		hc = defaultHTTP
	}
	resp, err := hc.Do(req)
	if err != nil {
		return ErrPlatform.With(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode >= 300 {
		io.Copy(io.Discard, io.LimitReader(resp.Body, 4096))
		err := fmt.Errorf("%s %s: HTTP %d", method, path, resp.StatusCode)
		if resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests {
			return ErrPlatform.With(err)
		}
		return err
	}
	if out == nil {
		return nil
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxOut)).Decode(out); err != nil {
		return ErrPlatform.With(fmt.Errorf("%s %s: %w", method, path, err))
	}
	return nil
}

// Send implements Platform.
func (c *Client) Send(ctx context.Context, e Envelope) error {
	return c.do(ctx, http.MethodPost, "/messages", nil, e, nil, 0)
}

// Receive implements Platform. The answer is bounded: max envelopes of the largest edXML.
func (c *Client) Receive(ctx context.Context, organ string, max int) ([]Envelope, error) {
	var out struct {
		Items []Envelope `json:"items"`
	}
	q := url.Values{"organ": {organ}, "max": {strconv.Itoa(max)}}
	if err := c.do(ctx, http.MethodGet, "/messages", q, nil, &out, int64(max)*maxEnvelope+1024); err != nil {
		return nil, err
	}
	return out.Items, nil
}

// Ack implements Platform.
func (c *Client) Ack(ctx context.Context, organ, messageID string) error {
	return c.do(ctx, http.MethodDelete, "/messages/"+url.PathEscape(messageID), url.Values{"organ": {organ}}, nil, nil, 0)
}

// Status implements Platform.
func (c *Client) Status(ctx context.Context, organ, messageID string) (string, error) {
	var out struct {
		Status string `json:"status"`
	}
	err := c.do(ctx, http.MethodGet, "/messages/"+url.PathEscape(messageID)+"/status", url.Values{"organ": {organ}}, nil, &out, 1024)
	return out.Status, err
}
