package oauthclient_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient/oauthtest"
)

func newPair(t *testing.T) (*oauthtest.AS, *oauthtest.Upstream) {
	t.Helper()
	as := oauthtest.NewAS()
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)
	return as, up
}

// TestDiscoverFromChallenge follows the 401's resource_metadata to the
// authorization server and learns the resource indicator.
func TestDiscoverFromChallenge(t *testing.T) {
	as, up := newPair(t)
	md, err := oauthclient.Discover(t.Context(), nil, up.URL)
	if err != nil {
		t.Fatal(err)
	}
	if md.Issuer != as.URL || md.TokenEndpoint != as.URL+"/token" || md.RegistrationEndpoint != as.URL+"/register" {
		t.Errorf("metadata = %+v", md)
	}
	if md.Resource != up.URL {
		t.Errorf("resource = %q, want %q", md.Resource, up.URL)
	}
	if up.Unauthorized.Load() == 0 {
		t.Error("discovery did not probe the server for its challenge")
	}
}

// TestDiscoverWellKnownFallback finds the metadata at the well-known path
// when the 401 carries no resource_metadata.
func TestDiscoverWellKnownFallback(t *testing.T) {
	as := oauthtest.NewAS()
	defer as.Close()
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	mux.HandleFunc("/mcp", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("WWW-Authenticate", "Bearer")
		w.WriteHeader(http.StatusUnauthorized)
	})
	mux.HandleFunc("GET /.well-known/oauth-protected-resource", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"resource":"` + srv.URL + `","authorization_servers":["` + as.URL + `"]}`))
	})
	md, err := oauthclient.Discover(t.Context(), nil, srv.URL+"/mcp")
	if err != nil {
		t.Fatal(err)
	}
	if md.AuthorizationEndpoint != as.URL+"/authorize" || md.Resource != srv.URL {
		t.Errorf("metadata = %+v", md)
	}
}

// TestDiscoverNoMetadata names what is missing.
func TestDiscoverNoMetadata(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := oauthclient.Discover(t.Context(), nil, srv.URL+"/mcp")
	if err == nil || !strings.Contains(err.Error(), "no authorization server metadata at "+srv.URL) {
		t.Fatalf("err = %v", err)
	}
}

func TestCheckURL(t *testing.T) {
	for raw, ok := range map[string]bool{
		"https://as.example.com/token": true,
		"http://127.0.0.1:8080/token":  true,
		"http://localhost/x":           true,
		"http://[::1]:9/x":             true,
		"http://as.example.com/token":  false,
		"ftp://as.example.com/":        false,
		"/relative":                    false,
		"https://u:p@as.example.com/":  false,
	} {
		if err := oauthclient.CheckURL("token_endpoint", raw); (err == nil) != ok {
			t.Errorf("CheckURL(%q) = %v, want ok=%v", raw, err, ok)
		}
	}
}

// TestFlow registers dynamically, runs the code flow with PKCE and
// resource, refreshes with rotation, and sees a refused refresh.
func TestFlow(t *testing.T) {
	as, up := newPair(t)
	ctx := t.Context()
	md, err := oauthclient.Discover(ctx, nil, up.URL)
	if err != nil {
		t.Fatal(err)
	}
	redirect := "http://127.0.0.1:1/callback"
	reg, err := oauthclient.Register(ctx, nil, md, "switchboard", redirect, []string{"mcp"})
	if err != nil || reg.ClientID == "" || reg.ClientSecret == "" {
		t.Fatalf("register = %+v, %v", reg, err)
	}
	c := oauthclient.Client{Metadata: md, ClientID: reg.ClientID, ClientSecret: reg.ClientSecret, RedirectURI: redirect, Scopes: []string{"mcp"}}
	state, verifier := oauthclient.NewState(), oauthclient.NewVerifier()
	code := authorize(t, c.AuthCodeURL(state, verifier), state)

	if _, err := c.Exchange(ctx, code, "wrong-verifier-wrong-verifier-wrong-verifier", time.Now()); err == nil {
		t.Fatal("exchange with the wrong verifier succeeded")
	}
	code = authorize(t, c.AuthCodeURL(state, verifier), state)
	ts, err := c.Exchange(ctx, code, verifier, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if as.LastResource.Load() != up.URL {
		t.Errorf("resource sent = %v, want %s", as.LastResource.Load(), up.URL)
	}
	if sub, _, ok := as.Subject(ts.AccessToken); !ok || sub != oauthtest.DefaultSubject {
		t.Fatalf("access token subject = %q %v", sub, ok)
	}
	if !ts.Fresh(time.Now(), time.Minute) || ts.Fresh(ts.Expiry, 0) {
		t.Errorf("Fresh wrong for expiry %v", ts.Expiry)
	}
	short := oauthclient.TokenSet{AccessToken: "a", Obtained: ts.Obtained, Expiry: ts.Obtained.Add(4 * time.Second)}
	if !short.Fresh(ts.Obtained.Add(time.Second), time.Minute) || short.Fresh(ts.Obtained.Add(3*time.Second), time.Minute) {
		t.Error("a 4s token should be fresh for its first half only")
	}
	back, err := oauthclient.ParseTokenSet(ts.Marshal())
	if err != nil || back.AccessToken != ts.AccessToken || !back.Expiry.Equal(ts.Expiry) {
		t.Fatalf("token set round trip = %+v, %v", back, err)
	}

	next, err := c.Refresh(ctx, ts, time.Now())
	if err != nil || next.AccessToken == ts.AccessToken || next.RefreshToken == ts.RefreshToken {
		t.Fatalf("refresh = %+v, %v", next, err)
	}
	if _, err := c.Refresh(ctx, ts, time.Now()); !errors.Is(err, oauthclient.ErrRefreshRefused) {
		t.Errorf("reusing a rotated refresh token: err = %v, want ErrRefreshRefused", err)
	}
	if as.Refreshes.Load() != 2 {
		t.Errorf("refreshes = %d, want 2", as.Refreshes.Load())
	}
}

// TestNoRegistration says the admin must enter a client.
func TestNoRegistration(t *testing.T) {
	as := oauthtest.NewAS()
	as.NoDCR = true
	defer as.Close()
	up := oauthtest.NewUpstream(as)
	defer up.Close()
	md, err := oauthclient.Discover(t.Context(), nil, up.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, err = oauthclient.Register(t.Context(), nil, md, "sb", "http://127.0.0.1/cb", nil)
	if !errors.Is(err, oauthclient.ErrNoRegistration) {
		t.Fatalf("err = %v", err)
	}
}

// authorize opens the authorization URL like a browser that is not
// following the final redirect, and returns the code.
func authorize(t *testing.T, authURL, state string) string {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("authorize: %d %v", resp.StatusCode, err)
	}
	if loc.Query().Get("state") != state {
		t.Fatalf("state = %q", loc.Query().Get("state"))
	}
	return loc.Query().Get("code")
}

// TestDiscoverOpenIDFallback finds an authorization server that publishes
// only OpenID Connect discovery metadata, and the flow works with it.
func TestDiscoverOpenIDFallback(t *testing.T) {
	as := oauthtest.NewAS()
	as.OIDCOnly = true
	t.Cleanup(as.Close)
	up := oauthtest.NewUpstream(as)
	t.Cleanup(up.Close)
	md, err := oauthclient.Discover(t.Context(), nil, up.URL)
	if err != nil {
		t.Fatal(err)
	}
	if md.Issuer != as.URL || md.AuthorizationEndpoint != as.URL+"/authorize" || md.TokenEndpoint != as.URL+"/token" {
		t.Errorf("metadata = %+v", md)
	}
	if _, err := oauthclient.Register(t.Context(), nil, md, "switchboard", "http://127.0.0.1:1/cb", nil); err != nil {
		t.Errorf("register with OpenID metadata: %v", err)
	}
}

// TestDiscoverOpenIDIssuerPath: for an issuer with a path, OpenID
// discovery appends the well-known suffix to the issuer, after the RFC
// 8414 and inserted forms were not found.
func TestDiscoverOpenIDIssuerPath(t *testing.T) {
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	defer srv.Close()
	issuer := srv.URL + "/tenant"
	var tried []string
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		tried = append(tried, r.URL.Path)
		if r.URL.Path != "/tenant/.well-known/openid-configuration" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"issuer":"` + issuer + `","authorization_endpoint":"` + issuer + `/authorize","token_endpoint":"` + issuer + `/token"}`))
	})
	mux.HandleFunc("GET /.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"resource":"` + srv.URL + `/mcp","authorization_servers":["` + issuer + `"]}`))
	})
	md, err := oauthclient.Discover(t.Context(), nil, srv.URL+"/mcp")
	if err != nil {
		t.Fatalf("%v (tried %v)", err, tried)
	}
	if md.Issuer != issuer || md.TokenEndpoint != issuer+"/token" {
		t.Errorf("metadata = %+v", md)
	}
	want := []string{"/.well-known/oauth-authorization-server/tenant", "/.well-known/openid-configuration/tenant", "/tenant/.well-known/openid-configuration"}
	if got := tried[len(tried)-len(want):]; strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("metadata tried at %v, want the order %v", got, want)
	}
}
