// Package oauthtest runs, in a test process, an OAuth authorization server
// that issues, refreshes and expires tokens and supports dynamic client
// registration, and an MCP server protected by it whose whoami tool
// returns the subject of the token it received. Tests of Switchboard's
// upstream OAuth use it; nothing else may.
package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// AS is the test authorization server.
type AS struct {
	*httptest.Server

	// AccessTTL is the lifetime of new access tokens; default 1h.
	AccessTTL atomic.Int64 // nanoseconds
	// NoDCR hides the registration endpoint.
	NoDCR bool
	// OIDCOnly serves the metadata only at OpenID Connect discovery's
	// /.well-known/openid-configuration, not at RFC 8414's path.
	OIDCOnly bool
	// FailRefresh makes every refresh fail with invalid_grant.
	FailRefresh atomic.Bool
	// HangRefresh makes refresh requests wait, unanswered, until the
	// client gives up.
	HangRefresh atomic.Bool
	// DownRefresh answers refresh requests with 503, as a failing server.
	DownRefresh atomic.Bool

	Refreshes     atomic.Int64 // refresh_token grants answered
	RefreshTries  atomic.Int64 // refresh_token requests received, answered or not
	Exchanges     atomic.Int64 // authorization_code grants answered
	Registrations atomic.Int64 // POST /register requests received, answered or not
	Discoveries   atomic.Int64 // metadata documents served
	ExpiredSeen   atomic.Int64 // expired tokens presented to Verify
	// LastResource is the resource parameter of the last token request.
	LastResource atomic.Value

	mu      sync.Mutex
	clients map[string]string // client ID → secret
	codes   map[string]grant
	access  map[string]grant
	refresh map[string]grant
	issued  []string // every token and client secret handed out
}

type grant struct {
	sub, clientID, challenge, redirect string
	exp                                time.Time
}

// DefaultSubject is whom /authorize approves for a browser without a
// "sub" cookie.
const DefaultSubject = "alice"

// NewAS starts an authorization server; it is closed at the end of the
// test by the caller (Close).
func NewAS() *AS {
	a := &AS{clients: map[string]string{}, codes: map[string]grant{}, access: map[string]grant{}, refresh: map[string]grant{}}
	a.AccessTTL.Store(int64(time.Hour))
	mux := http.NewServeMux()
	mux.HandleFunc("GET /.well-known/oauth-authorization-server", func(w http.ResponseWriter, r *http.Request) {
		if a.OIDCOnly {
			http.NotFound(w, r)
			return
		}
		a.metadata(w, r)
	})
	mux.HandleFunc("GET /.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		if !a.OIDCOnly {
			http.NotFound(w, r)
			return
		}
		a.metadata(w, r)
	})
	mux.HandleFunc("POST /register", a.register)
	mux.HandleFunc("GET /authorize", a.authorize)
	mux.HandleFunc("POST /token", a.token)
	a.Server = httptest.NewServer(mux)
	return a
}

// AddClient registers a client as an admin would, out of band.
func (a *AS) AddClient(id, secret string) {
	a.mu.Lock()
	a.clients[id] = secret
	a.mu.Unlock()
}

func (a *AS) metadata(w http.ResponseWriter, _ *http.Request) {
	a.Discoveries.Add(1)
	md := map[string]any{
		"issuer":                           a.URL,
		"authorization_endpoint":           a.URL + "/authorize",
		"token_endpoint":                   a.URL + "/token",
		"code_challenge_methods_supported": []string{"S256"},
		"response_types_supported":         []string{"code"},
	}
	if !a.NoDCR {
		md["registration_endpoint"] = a.URL + "/register"
	}
	writeJSON(w, http.StatusOK, md)
}

func (a *AS) register(w http.ResponseWriter, r *http.Request) {
	a.Registrations.Add(1)
	if a.NoDCR {
		http.NotFound(w, r)
		return
	}
	var req struct {
		RedirectURIs []string `json:"redirect_uris"`
	}
	if json.NewDecoder(r.Body).Decode(&req) != nil || len(req.RedirectURIs) == 0 {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client_metadata"})
		return
	}
	id, secret := "dcr-"+rand.Text()[:8], rand.Text()
	a.AddClient(id, secret)
	a.mu.Lock()
	a.issued = append(a.issued, secret)
	a.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"client_id": id, "client_secret": secret, "redirect_uris": req.RedirectURIs})
}

// authorize approves at once, as the subject named by the "sub" cookie.
func (a *AS) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	a.mu.Lock()
	_, known := a.clients[q.Get("client_id")]
	a.mu.Unlock()
	if !known || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" || q.Get("state") == "" {
		http.Error(w, "bad authorization request", http.StatusBadRequest)
		return
	}
	sub := DefaultSubject
	if c, err := r.Cookie("sub"); err == nil {
		sub = c.Value
	}
	code := rand.Text()
	a.mu.Lock()
	a.codes[code] = grant{sub: sub, clientID: q.Get("client_id"), challenge: q.Get("code_challenge"), redirect: q.Get("redirect_uri"), exp: time.Now().Add(time.Minute)}
	a.mu.Unlock()
	u, _ := url.Parse(q.Get("redirect_uri"))
	v := u.Query()
	v.Set("code", code)
	v.Set("state", q.Get("state"))
	u.RawQuery = v.Encode()
	http.Redirect(w, r, u.String(), http.StatusFound)
}

// refreshFault counts a refresh request and plays the configured fault;
// it reports whether it answered (or dropped) the request.
func (a *AS) refreshFault(w http.ResponseWriter, r *http.Request) bool {
	if r.PostForm.Get("grant_type") != "refresh_token" {
		return false
	}
	a.RefreshTries.Add(1)
	switch {
	case a.HangRefresh.Load():
		<-r.Context().Done()
		return true
	case a.DownRefresh.Load():
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"error": "temporarily_unavailable"})
		return true
	}
	return false
}

func (a *AS) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	if a.refreshFault(w, r) {
		return
	}
	id, secret, ok := r.BasicAuth()
	if ok {
		id, _ = url.QueryUnescape(id)
		secret, _ = url.QueryUnescape(secret)
	} else {
		id = r.PostForm.Get("client_id")
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	if want, known := a.clients[id]; !known || want != secret {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client"})
		return
	}
	a.LastResource.Store(r.PostForm.Get("resource"))
	var g grant
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		c, ok := a.codes[r.PostForm.Get("code")]
		delete(a.codes, r.PostForm.Get("code"))
		if !ok || c.clientID != id || time.Now().After(c.exp) || c.redirect != r.PostForm.Get("redirect_uri") ||
			challenge(r.PostForm.Get("code_verifier")) != c.challenge {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		a.Exchanges.Add(1)
		g = c
	case "refresh_token":
		a.Refreshes.Add(1)
		rt := r.PostForm.Get("refresh_token")
		c, ok := a.refresh[rt]
		if !ok || c.clientID != id || a.FailRefresh.Load() {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant"})
			return
		}
		delete(a.refresh, rt) // rotation: a refresh token works once
		g = c
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	ttl := time.Duration(a.AccessTTL.Load())
	at, rt := "at-"+rand.Text(), "rt-"+rand.Text()
	a.access[at] = grant{sub: g.sub, clientID: id, exp: time.Now().Add(ttl)}
	a.refresh[rt] = grant{sub: g.sub, clientID: id}
	a.issued = append(a.issued, at, rt)
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": at, "refresh_token": rt, "token_type": "Bearer",
		"expires_in": int64((ttl + time.Second - 1) / time.Second), "scope": "mcp",
	})
}

// Subject returns the subject of a live access token, and whether it is
// known and unexpired. An expired one counts in ExpiredSeen.
func (a *AS) Subject(token string) (string, time.Time, bool) {
	a.mu.Lock()
	g, ok := a.access[token]
	a.mu.Unlock()
	if !ok {
		return "", time.Time{}, false
	}
	if !time.Now().Before(g.exp) {
		a.ExpiredSeen.Add(1)
		return "", time.Time{}, false
	}
	return g.sub, g.exp, true
}

// Secrets returns every access token, refresh token and client secret the
// server handed out, for tests that check none of them leaked.
func (a *AS) Secrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]string(nil), a.issued...)
}

// ExpireAll makes every issued access token expired at once, as if time
// had passed, without touching refresh tokens.
func (a *AS) ExpireAll() {
	a.mu.Lock()
	for k, g := range a.access {
		g.exp = time.Now().Add(-time.Second)
		a.access[k] = g
	}
	a.mu.Unlock()
}

func challenge(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) //nolint:errcheck // the client went away
}

// trimSlash is used to build resource URLs.
func trimSlash(s string) string { return strings.TrimSuffix(s, "/") }
