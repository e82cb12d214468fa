package oauth

import (
	"net/url"
	"strings"
	"testing"
)

func TestCheckRedirectURI(t *testing.T) {
	for uri, ok := range map[string]bool{
		"https://app.example/cb":                       true,
		"https://app.example:8443/cb?x=1":              true,
		"http://127.0.0.1/callback":                    true,
		"http://127.0.0.1:53121/callback":              true,
		"http://[::1]:8080/cb":                         true,
		"http://localhost:3000/oauth/callback":         true,
		"cursor://anysphere.cursor-retrieval/oauth/cb": true,
		"com.example.app:/oauth2redirect":              true,
		"vscode://vscode.github-authentication/cb":     true,
		"":                                     false,
		"/relative/cb":                         false,
		"app.example/cb":                       false,
		"http://app.example/cb":                false, // plain http off loopback
		"http://127.0.0.1.evil.example/cb":     false,
		"https://app.example/cb#frag":          false,
		"https://user:pw@app.example/cb":       false,
		"javascript:alert(1)":                  false,
		"data:text/html,hi":                    false,
		"file:///etc/passwd":                   false,
		"HTTPS://app.example/cb":               false, // scheme must be lower case
		"https:///cb":                          false,
		"https://app.example/c b":              false,
		"https://app.example\\@evil.example/":  false,
		"https://" + strings.Repeat("a", 2000): false,
	} {
		if err := checkRedirectURI(uri); (err == nil) != ok {
			t.Errorf("checkRedirectURI(%q) = %v, want ok=%v", uri, err, ok)
		}
	}
}

func TestMatchRedirectURI(t *testing.T) {
	reg := []string{"https://app.example/cb", "http://127.0.0.1/callback", "http://localhost:3000/cb?x=1", "myapp://cb"}
	for uri, ok := range map[string]bool{
		"https://app.example/cb":               true,
		"http://127.0.0.1/callback":            true,
		"http://127.0.0.1:53121/callback":      true, // any port on loopback (RFC 8252 §7.3)
		"http://localhost:4000/cb?x=1":         true,
		"myapp://cb":                           true,
		"https://app.example/cb/":              false,
		"https://APP.example/cb":               false,
		"https://app.example:443/cb":           false, // no normalisation off loopback
		"https://app.example/cb?x=1":           false,
		"http://127.0.0.1:53121/callback/evil": false,
		"http://127.0.0.1:53121/Callback":      false,
		"http://localhost:4000/cb":             false, // query differs
		"http://localhost:4000/cb?x=2":         false,
		"http://127.0.0.2:53121/callback":      false, // another loopback host than registered
		"http://localhost:53121/callback":      false,
		"https://127.0.0.1:53121/callback":     false,
		"http://127.0.0.1:0/callback":          false,
		"http://127.0.0.1:99999/callback":      false,
		"http://127.0.0.1:53121/callback#f":    false,
		"http://u@127.0.0.1:53121/callback":    false,
		"myapp://cb2":                          false,
		"":                                     false,
	} {
		if _, got := matchRedirectURI(reg, uri); got != ok {
			t.Errorf("matchRedirectURI(%q) = %v, want %v", uri, got, ok)
		}
	}
}

func FuzzMatchRedirectURI(f *testing.F) {
	for _, s := range [][2]string{
		{"http://127.0.0.1/callback", "http://127.0.0.1:5555/callback"},
		{"https://app.example/cb", "https://app.example/cb"},
		{"http://localhost:3000/cb?x=1", "http://localhost:1/cb?x=1"},
		{"http://[::1]/cb", "http://[::1]:80/cb"},
		{"myapp://cb", "myapp://cb"},
		{"http://127.0.0.1/cb", "http://127.0.0.1:80@evil.example/cb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, registered, requested string) {
		got, ok := matchRedirectURI([]string{registered}, requested)
		if !ok {
			return
		}
		if got != registered {
			t.Fatalf("matched %q, not the registered %q", got, registered)
		}
		if requested == registered {
			return
		}
		// Anything but an exact match must be plain http on the same
		// loopback host, path and query, differing only in the port.
		req, err1 := url.Parse(requested)
		reg, err2 := url.Parse(registered)
		if err1 != nil || err2 != nil || req.Scheme != "http" || !isLoopbackHost(req.Hostname()) ||
			req.Hostname() != reg.Hostname() || req.Path != reg.Path || req.RawQuery != reg.RawQuery || req.User != nil {
			t.Fatalf("%q matched %q beyond the loopback port rule", requested, registered)
		}
	})
}

func FuzzCheckRedirectURI(f *testing.F) {
	for _, s := range []string{"https://app.example/cb", "http://127.0.0.1:1/cb", "cursor://x/y", "javascript:x", "http://a/"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, uri string) {
		if checkRedirectURI(uri) != nil {
			return
		}
		u, err := url.Parse(uri)
		if err != nil || u.Scheme == "" || refusedSchemes[u.Scheme] || u.Fragment != "" || u.User != nil {
			t.Fatalf("accepted %q", uri)
		}
		if u.Scheme == "http" && !isLoopbackHost(u.Hostname()) {
			t.Fatalf("accepted plain http off loopback: %q", uri)
		}
	})
}

func TestRedirectWithKeepsQuery(t *testing.T) {
	got := redirectWith("https://app.example/cb?tenant=a", url.Values{"code": {"c1"}})
	u, _ := url.Parse(got)
	if u.Query().Get("tenant") != "a" || u.Query().Get("code") != "c1" || u.Host != "app.example" {
		t.Errorf("redirectWith = %q", got)
	}
}
