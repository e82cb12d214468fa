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

const errNoToken = "no API token: run `switchboard login`, or set SWITCHBOARD_TOKEN (create one with `switchboard admin bootstrap` or `switchboard token create`)"

// client returns the API client, or an error saying which variable to set.
// The token is SWITCHBOARD_TOKEN or, when unset, the one `switchboard
// login` saved for the server.
func (s *session) client() (*apiclient.Client, error) {
	if s.api != nil {
		return s.api, nil
	}
	base, err := s.server()
	if err != nil {
		return nil, err
	}
	token := strings.TrimSpace(s.io.Getenv("SWITCHBOARD_TOKEN"))
	if token == "" {
		if cred, ok, err := s.savedCredential(base); err != nil {
			return nil, err
		} else if ok {
			token = cred.Token
		}
	}
	if token == "" {
		return nil, errorf("%s", errNoToken)
	}
	s.api = s.newClient(token)
	return s.api, nil
}

// server returns SWITCHBOARD_URL (or DefaultURL), checked and without a
// trailing slash, and warns once when it is plain http off loopback.
func (s *session) server() (string, error) {
	if s.baseURL != "" {
		return s.baseURL, nil
	}
	base := strings.TrimSpace(s.io.Getenv("SWITCHBOARD_URL"))
	if base == "" {
		base = DefaultURL
	}
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return "", errorf("SWITCHBOARD_URL: must be an http(s) address without credentials, like %s", DefaultURL)
	}
	if u.Scheme == "http" && !isLoopback(u.Hostname()) {
		fmt.Fprintf(s.io.Err, "warning: sending credentials to %s over plain http; use https\n", u.Host)
	}
	s.baseURL = strings.TrimRight(base, "/")
	return s.baseURL, nil
}

// newClient returns an API client of the server with token ("" for the
// sign-in routes).
func (s *session) newClient(token string) *apiclient.Client {
	return apiclient.New(s.baseURL, token, apiclient.WithUserAgent("switchboard-cli/"+Version))
}

func (s *session) now() time.Time { return s.io.Now() }

func isLoopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}
