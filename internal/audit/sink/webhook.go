package sink

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Defaults of WebhookConfig.
const (
	DefaultWebhookTimeout = 30 * time.Second
	DefaultWebhookBody    = 4 << 20
)

// Splunk HEC envelope values.
const (
	hecSource     = "switchboard"
	hecSourcetype = "switchboard:audit"
)

// WebhookConfig configures an HTTPS webhook sink.
type WebhookConfig struct {
	// URL receives the POSTs, such as a Splunk HTTP Event Collector's
	// https://splunk.example.com:8088/services/collector/event. It must be
	// https; http is accepted only for a loopback host.
	URL string
	// Token, when set, is sent as "Authorization: Splunk <token>".
	Token string
	// Client sends the requests. The default has DefaultWebhookTimeout and
	// follows no redirect, so the token never goes elsewhere.
	Client *http.Client
	// MaxBodyBytes splits a delivery into POSTs of about this size
	// (default DefaultWebhookBody); one event always fits.
	MaxBodyBytes int
}

// Webhook POSTs batches of events in Splunk HEC format: one JSON object
// per event, {"time", "source", "sourcetype", "event"}, one per line.
// Any 2xx answer delivers the batch; anything else is retried.
type Webhook struct {
	cfg WebhookConfig
	buf bytes.Buffer
}

// NewWebhook checks the URL and returns the sink.
func NewWebhook(cfg WebhookConfig) (*Webhook, error) {
	if err := CheckWebhookURL(cfg.URL); err != nil {
		return nil, fmt.Errorf("webhook sink: %w", err)
	}
	if cfg.Client == nil {
		cfg.Client = &http.Client{
			Timeout:       DefaultWebhookTimeout,
			CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
		}
	}
	if cfg.MaxBodyBytes <= 0 {
		cfg.MaxBodyBytes = DefaultWebhookBody
	}
	return &Webhook{cfg: cfg}, nil
}

// CheckWebhookURL accepts an absolute https URL, or an http one whose host
// is loopback (for tests and local relays).
func CheckWebhookURL(s string) error {
	u, err := url.Parse(s)
	switch {
	case err != nil || u.Host == "" || u.User != nil || u.Fragment != "":
		return errors.New("must be an absolute https:// URL without credentials or fragment")
	case u.Scheme == "https":
		return nil
	case u.Scheme == "http" && isLoopback(u.Hostname()):
		return nil
	}
	return errors.New("must use https:// (http:// only for a loopback host)")
}

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Deliver posts the events, several POSTs when they exceed MaxBodyBytes,
// and reports how many went through before a failure.
func (s *Webhook) Deliver(ctx context.Context, events []store.AuditEvent) (int, error) {
	done := 0
	for done < len(events) {
		n, err := s.fill(events[done:])
		if err != nil {
			return done, err
		}
		if err := s.post(ctx); err != nil {
			return done, err
		}
		done += n
	}
	return done, nil
}

// hecEvent is one event in Splunk HEC's envelope.
type hecEvent struct {
	Time       json.Number `json:"time"`
	Source     string      `json:"source"`
	Sourcetype string      `json:"sourcetype"`
	Event      record      `json:"event"`
}

// fill encodes events into the buffer until it holds MaxBodyBytes, and
// returns how many it took (at least one).
func (s *Webhook) fill(events []store.AuditEvent) (int, error) {
	s.buf.Reset()
	for i, ev := range events {
		ms := ev.Time.UnixMilli()
		b, err := json.Marshal(hecEvent{
			Time:   json.Number(fmt.Sprintf("%d.%03d", ms/1000, ms%1000)),
			Source: hecSource, Sourcetype: hecSourcetype, Event: toRecord(ev),
		})
		if err != nil {
			return i, fmt.Errorf("webhook sink: encode event %d: %w", ev.Seq, err)
		}
		if i > 0 && s.buf.Len()+len(b)+1 > s.cfg.MaxBodyBytes {
			return i, nil
		}
		s.buf.Write(b)
		s.buf.WriteByte('\n')
	}
	return len(events), nil
}

func (s *Webhook) post(ctx context.Context) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.URL, bytes.NewReader(s.buf.Bytes()))
	if err != nil {
		return fmt.Errorf("webhook sink: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "switchboard-audit-sink")
	if s.cfg.Token != "" {
		req.Header.Set("Authorization", "Splunk "+s.cfg.Token)
	}
	resp, err := s.cfg.Client.Do(req)
	if err != nil {
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err // the URL may carry a query the operator keeps private
		}
		return fmt.Errorf("webhook sink: post: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("webhook sink: the receiver answered %s%s", resp.Status, hecError(body))
	}
	return nil
}

// hecError extracts Splunk's {"text": …, "code": …} error, if any.
func hecError(body []byte) string {
	var e struct {
		Text string `json:"text"`
		Code *int   `json:"code"`
	}
	if json.Unmarshal(body, &e) != nil || e.Text == "" || e.Code == nil {
		return ""
	}
	return fmt.Sprintf(" (HEC code %d: %.200q)", *e.Code, e.Text)
}

// Close releases idle connections.
func (s *Webhook) Close() error {
	s.cfg.Client.CloseIdleConnections()
	return nil
}
