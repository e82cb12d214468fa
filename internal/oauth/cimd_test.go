package oauth

import (
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// cimdServer serves client ID metadata documents over TLS on loopback;
// body turns the document's own URL into its JSON. It makes e's fetcher
// trust it and lets the guard through for loopback only.
type cimdServer struct {
	srv   *httptest.Server
	body  atomic.Pointer[func(id string) string]
	ctype string
	hits  atomic.Int64
}

func newCIMDServer(t *testing.T, e *env) *cimdServer {
	t.Helper()
	c := &cimdServer{ctype: "application/json"}
	c.srv = httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c.hits.Add(1)
		if r.Header.Get("Accept") != "application/json" {
			http.Error(w, "accept", http.StatusNotAcceptable)
			return
		}
		switch r.URL.Path {
		case "/redirect.json":
			http.Redirect(w, r, "/client.json", http.StatusFound)
			return
		case "/huge.json":
			w.Header().Set("Content-Type", "application/json")
			fmt.Fprintf(w, `{"client_id":%q,"client_name":"%s"}`, c.srv.URL+r.URL.Path, strings.Repeat("x", 70<<10))
			return
		}
		w.Header().Set("Content-Type", c.ctype)
		fmt.Fprint(w, (*c.body.Load())(c.srv.URL+r.URL.Path))
	}))
	t.Cleanup(c.srv.Close)
	c.set(func(id string) string {
		return fmt.Sprintf(`{"client_id":%q,"client_name":"Doc Client","redirect_uris":["http://127.0.0.1/cb"]}`, id)
	})
	e.srv.cimd.guard.allow = func(ip netip.Addr) bool { return ip.IsLoopback() }
	e.srv.cimd.transport.TLSClientConfig = c.srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
	return c
}

func (c *cimdServer) set(f func(id string) string) { c.body.Store(&f) }

func s256(v string) string {
	sum := sha256.Sum256([]byte(v))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func authorizeQuery(e *env, clientID string) url.Values {
	return url.Values{"response_type": {"code"}, "client_id": {clientID}, "redirect_uri": {"http://127.0.0.1:4321/cb"},
		"code_challenge": {s256(strings.Repeat("v", 43))}, "code_challenge_method": {"S256"}, "resource": {e.srv.ResourceURL("dev")}}
}

func TestCIMDFlow(t *testing.T) {
	e := newEnv(t)
	docs := newCIMDServer(t, e)
	id := docs.srv.URL + "/client.json"

	status, hdr, body := e.do(t, http.MethodGet, "/oauth/authorize?"+authorizeQuery(e, id).Encode(), "", "", nil)
	if status != http.StatusFound || !strings.HasPrefix(hdr.Get("Location"), "/consent?") {
		t.Fatalf("authorize = %d %s %s", status, hdr.Get("Location"), body)
	}
	c, err := e.st.GetOAuthClient(t.Context(), id)
	if err != nil || c.Source != store.ClientSourceCIMD || c.AuthMethod != store.ClientAuthNone || c.Name != "Doc Client" ||
		len(c.GrantTypes) != 2 {
		t.Fatalf("stored client = %+v %v", c, err)
	}
	// The consent steps parse the request again: the cache answers.
	hits := docs.hits.Load()
	code := e.code(t, id, "http://127.0.0.1:4321/cb", s256(strings.Repeat("v", 43)))
	if docs.hits.Load() != hits {
		t.Errorf("the document was fetched again within the cache time")
	}
	st, _, tok := e.form(t, "/oauth/token", url.Values{"grant_type": {"authorization_code"}, "client_id": {id},
		"code": {code}, "redirect_uri": {"http://127.0.0.1:4321/cb"}, "code_verifier": {strings.Repeat("v", 43)},
		"resource": {e.srv.ResourceURL("dev")}}, nil)
	if st != http.StatusOK || tok["refresh_token"] == nil {
		t.Fatalf("token = %d %v", st, tok)
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Limit: 100})
	found := false
	for _, ev := range evs {
		found = found || ev.Code == audit.CodeClientRegistered && strings.Contains(string(ev.Request), "cimd")
	}
	if !found {
		t.Error("no client.registered event for the CIMD client")
	}

	// After the cache time a changed document updates the client.
	docs.set(func(id string) string {
		return fmt.Sprintf(`{"client_id":%q,"client_name":"Renamed","redirect_uris":["http://127.0.0.1/cb"]}`, id)
	})
	e.now = e.now.Add(cimdCacheTTL + time.Second)
	if _, aerr := e.srv.ParseAuthorize(t.Context(), authorizeQuery(e, id)); aerr != nil {
		t.Fatal(aerr)
	}
	if c, _ := e.st.GetOAuthClient(t.Context(), id); c.Name != "Renamed" {
		t.Errorf("client after refetch = %+v", c)
	}
}

func TestCIMDRefused(t *testing.T) {
	e := newEnv(t)
	docs := newCIMDServer(t, e)
	for _, tc := range []struct {
		name, path string
		body       func(id string) string
	}{
		{"client_id differs", "/a.json", func(string) string {
			return `{"client_id":"https://other.example/c.json","redirect_uris":["http://127.0.0.1/cb"]}`
		}},
		{"no redirect_uris", "/b.json", func(id string) string { return fmt.Sprintf(`{"client_id":%q}`, id) }},
		{"confidential", "/c.json", func(id string) string {
			return fmt.Sprintf(`{"client_id":%q,"redirect_uris":["http://127.0.0.1/cb"],"token_endpoint_auth_method":"client_secret_basic"}`, id)
		}},
		{"not JSON", "/d.json", func(string) string { return "<html>" }},
		{"redirect", "/redirect.json", nil},
		{"too large", "/huge.json", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.body != nil {
				docs.set(tc.body)
			}
			id := docs.srv.URL + tc.path
			status, hdr, body := e.do(t, http.MethodGet, "/oauth/authorize?"+authorizeQuery(e, id).Encode(), "", "", nil)
			if status != http.StatusBadRequest || hdr.Get("Location") != "" || !strings.Contains(body, "metadata document") {
				t.Errorf("authorize = %d %q %s", status, hdr.Get("Location"), body)
			}
			if _, err := e.st.GetOAuthClient(t.Context(), id); !errors.Is(err, store.ErrNotFound) {
				t.Errorf("a refused document was stored: %v", err)
			}
		})
	}
}

func TestIsCIMDClientID(t *testing.T) {
	for id, want := range map[string]bool{
		"https://app.example/client.json":                  true,
		"https://app.example:8443/a/b":                     true,
		"http://app.example/client.json":                   false,
		"https://app.example":                              false,
		"https://app.example/":                             false,
		"https://u:p@app.example/c":                        false,
		"https://app.example/c#frag":                       false,
		"https://app.example/a/../c":                       false,
		"cl_0123456789":                                    false,
		"https://app.example/" + strings.Repeat("a", 2000): false,
	} {
		if got := isCIMDClientID(id); got != want {
			t.Errorf("isCIMDClientID(%.60q) = %v, want %v", id, got, want)
		}
	}
}

// TestSSRFGuardRefuses checks the real guard, with no test allowance:
// internal addresses are refused at dial time, also when a name
// resolves to them.
func TestSSRFGuardRefuses(t *testing.T) {
	g := &ssrfGuard{}
	for _, addr := range []string{"127.0.0.1:443", "10.1.2.3:443", "169.254.169.254:80", "[::1]:443", "192.168.0.1:443",
		"172.16.0.1:443", "100.64.0.1:443", "0.0.0.0:443", "224.0.0.1:443", "[fe80::1]:443", "[fc00::1]:443",
		"[::ffff:127.0.0.1]:443", "[::]:443"} {
		if err := g.control("tcp", addr, nil); !errors.Is(err, errForbiddenAddress) {
			t.Errorf("control(%s) = %v, want refused", addr, err)
		}
	}
	for _, addr := range []string{"93.184.215.14:443", "[2606:4700::1111]:443"} {
		if err := g.control("tcp", addr, nil); err != nil {
			t.Errorf("control(%s) = %v, want allowed", addr, err)
		}
	}
	// Through the fetch client: a TLS server on loopback, by address and
	// by name, is never reached.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the guard let a request through to %s", r.Host)
	}))
	defer srv.Close()
	c, _ := newFetchClient(g)
	u, _ := url.Parse(srv.URL)
	for _, target := range []string{srv.URL + "/c.json", "https://localhost:" + u.Port() + "/c.json"} {
		resp, err := c.Get(target)
		if err == nil {
			resp.Body.Close()
			t.Errorf("GET %s succeeded", target)
		} else if !errors.Is(err, errForbiddenAddress) {
			t.Errorf("GET %s = %v, want the guard's refusal", target, err)
		}
	}
}

// FuzzParseCIMD: any document is refused with an error or accepted as a
// public client whose client_id is its URL; never a panic.
func FuzzParseCIMD(f *testing.F) {
	const id = "https://app.example/client.json"
	f.Add(`{"client_id":"` + id + `","redirect_uris":["http://127.0.0.1/cb"]}`)
	f.Add(`{"client_id":"` + id + `","redirect_uris":["https://app.example/cb"],"grant_types":["authorization_code"],"token_endpoint_auth_method":"none"}`)
	f.Add(`{"client_id":"` + id + `"}`)
	f.Add(`[]`)
	f.Add(`{"client_id":7}`)
	f.Fuzz(func(t *testing.T, doc string) {
		m, err := parseCIMD(id, []byte(doc))
		if err == nil && (m.TokenEndpointAuthMethod != store.ClientAuthNone || len(m.RedirectURIs) == 0) {
			t.Errorf("accepted %q as %+v", doc, m)
		}
	})
}

// TestCIMDGuardAtAuthorize: without the test allowance, a client_id URL on
// loopback is refused at /oauth/authorize with an error page, audited.
func TestCIMDGuardAtAuthorize(t *testing.T) {
	e := newEnv(t)
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("the guard let the fetch through")
	}))
	defer srv.Close()
	id := srv.URL + "/client.json"
	status, hdr, body := e.do(t, http.MethodGet, "/oauth/authorize?"+authorizeQuery(e, id).Encode(), "", "", nil)
	if status != http.StatusBadRequest || hdr.Get("Location") != "" || strings.Contains(body, "127.0.0.1") {
		t.Errorf("authorize = %d %q %s", status, hdr.Get("Location"), body)
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeAuthorizeFailed})
	if len(evs) != 1 || !strings.Contains(evs[0].Error, "ssrf guard") {
		t.Errorf("audit = %+v", evs)
	}
}
