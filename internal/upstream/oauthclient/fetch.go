package oauthclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// maxBody bounds every answer read from an upstream or its authorization
// server.
const maxBody = 1 << 20

// DefaultTimeout bounds each request of NewHTTPClient's client.
const DefaultTimeout = 15 * time.Second

// NewHTTPClient returns the client used for discovery, registration and
// token requests when the caller passes none. It follows no redirects:
// metadata and token endpoints answer directly.
func NewHTTPClient() *http.Client {
	return &http.Client{
		Timeout: DefaultTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error {
			return http.ErrUseLastResponse
		},
	}
}

// CheckURL accepts an absolute https URL, or plain http on a loopback host
// (127.0.0.1, [::1], localhost). what names the URL in the error.
func CheckURL(what, raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" {
		return fmt.Errorf("%s %q is not an absolute URL", what, raw)
	}
	if u.User != nil || u.Fragment != "" {
		return fmt.Errorf("%s %q must not carry user info or a fragment", what, raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%s %q uses plain http; only https, or http on a loopback host, is allowed", what, raw)
	default:
		return fmt.Errorf("%s %q must be an https URL", what, raw)
	}
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// errNotFound marks a metadata document that is not there, so discovery
// tries the next location.
var errNotFound = errors.New("not found")

// getJSON fetches a JSON document into v. A 404 (or 400/405, which some
// servers answer for unknown well-known paths) is errNotFound.
func getJSON(ctx context.Context, hc *http.Client, what, u string, v any) error {
	if err := CheckURL(what, u); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, u, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%s %s: %w", what, u, err)
	}
	defer resp.Body.Close()
	switch {
	case resp.StatusCode == http.StatusNotFound, resp.StatusCode == http.StatusBadRequest,
		resp.StatusCode == http.StatusMethodNotAllowed, resp.StatusCode == http.StatusUnauthorized:
		return fmt.Errorf("%s at %s: %w (HTTP %d)", what, u, errNotFound, resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("%s at %s: HTTP %d", what, u, resp.StatusCode)
	}
	if err := decode(resp.Body, v); err != nil {
		return fmt.Errorf("%s at %s: %w", what, u, err)
	}
	return nil
}

// decode reads at most maxBody bytes of JSON into v.
func decode(r io.Reader, v any) error {
	b, err := io.ReadAll(io.LimitReader(r, maxBody+1))
	if err != nil {
		return fmt.Errorf("read: %w", err)
	}
	if len(b) > maxBody {
		return fmt.Errorf("answer larger than %d bytes", maxBody)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("not valid JSON: %w", err)
	}
	return nil
}
