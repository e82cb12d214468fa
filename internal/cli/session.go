package cli

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// session is what an API command gets: the process IO and, on demand, an
// API client built from the environment.
type session struct {
	io      IO
	api     *apiclient.Client
	baseURL string
}

const errNoToken = "no API token: set SWITCHBOARD_TOKEN (create one with `switchboard admin bootstrap` or `switchboard token create`)"

// client returns the API client, or an error saying which variable to set.
func (s *session) client() (*apiclient.Client, error) {
	if s.api != nil {
		return s.api, nil
	}
	token := strings.TrimSpace(s.io.Getenv("SWITCHBOARD_TOKEN"))
	if token == "" {
		return nil, errorf("%s", errNoToken)
	}
	base := strings.TrimSpace(s.io.Getenv("SWITCHBOARD_URL"))
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return nil, errorf("SWITCHBOARD_URL: must be an http(s) address without credentials, like %s", DefaultURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		fmt.Fprintf(s.io.Err, "warning: sending the API token to %s over plain http; use https\n", u.Host)
	}
	s.baseURL = strings.TrimRight(base, "/")
	s.api = apiclient.New(s.baseURL, token, apiclient.WithUserAgent("switchboard-cli/"+Version))
	return s.api, nil
}

func (s *session) now() time.Time { return s.io.Now() }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
