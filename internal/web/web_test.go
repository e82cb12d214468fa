package web

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/oauth"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

const password = "a long enough password"

// env is the browser surface over a real store, with user a@example.com.
type env struct {
	st       store.Store
	h        *Handler
	user     store.User
	sessions *identity.Sessions
}

func newEnv(t *testing.T, publicURL string) *env {
	t.Helper()
	ctx := context.Background()
	st, err := sqlite.Open(ctx, t.TempDir()+"/web.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	w, err := audit.NewWriter(ctx, audit.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	params := identity.PasswordParams{Memory: 64, Time: 1, Threads: 1}
	e := &env{st: st}
	now := time.Now().UTC()
	e.user = store.User{ID: identity.NewID("usr"), Email: "a@example.com", Role: store.RoleMember, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateUser(ctx, e.user); err != nil {
		t.Fatal(err)
	}
	if err := identity.SetPassword(ctx, st, e.user.ID, password, params, now, false); err != nil {
		t.Fatal(err)
	}
	logins, _ := identity.NewLogins(identity.LoginConfig{Store: st, Params: params})
	e.sessions, _ = identity.NewSessions(identity.SessionConfig{Store: st})
	o, err := oauth.New(oauth.Config{Store: st, Audit: w, Issuer: publicURL})
	if err != nil {
		t.Fatal(err)
	}
	if e.h, err = New(Config{Sessions: e.sessions, Logins: logins, OAuth: o, Audit: w, PublicURL: publicURL}); err != nil {
		t.Fatal(err)
	}
	return e
}

// serve runs one request through the handler.
func (e *env) serve(method, target string, form url.Values, cookies ...*http.Cookie) *httptest.ResponseRecorder {
	var r *http.Request
	if form != nil {
		r = httptest.NewRequest(method, target, strings.NewReader(form.Encode()))
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else {
		r = httptest.NewRequest(method, target, nil)
	}
	for _, c := range cookies {
		r.AddCookie(c)
	}
	w := httptest.NewRecorder()
	e.h.ServeHTTP(w, r)
	return w
}

func cookieNamed(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// login signs in through the form and returns the session cookie.
func (e *env) login(t *testing.T, extra ...*http.Cookie) *http.Cookie {
	t.Helper()
	page := e.serve("GET", "/login", nil)
	csrf := cookieNamed(page, e.h.cookie.login)
	if csrf == nil {
		t.Fatal("the sign-in page set no CSRF cookie")
	}
	form := url.Values{"csrf": {csrf.Value}, "email": {"a@example.com"}, "password": {password}, "return_to": {"/"}}
	w := e.serve("POST", "/login", form, append(extra, csrf)...)
	se := cookieNamed(w, e.h.cookie.session)
	if w.Code != http.StatusSeeOther || se == nil {
		t.Fatalf("sign-in = %d, cookies %v\n%s", w.Code, w.Result().Cookies(), w.Body)
	}
	return se
}

func TestCookieSecurity(t *testing.T) {
	for public, want := range map[string]struct {
		name   string
		secure bool
	}{
		"https://sb.example":      {"__Host-sb_session", true},
		"http://127.0.0.1:8080":   {"sb_session", false},
		"http://localhost:8080":   {"sb_session", false},
		"http://[::1]:8080":       {"sb_session", false},
		"http://sb.internal:8080": {"__Host-sb_session", true}, // never drop Secure off loopback
	} {
		e := newEnv(t, public)
		se := e.login(t)
		if se.Name != want.name || se.Secure != want.secure || !se.HttpOnly || se.SameSite != http.SameSiteLaxMode ||
			se.Path != "/" || se.Domain != "" || !strings.HasPrefix(se.Value, identity.SessionPrefix) {
			t.Errorf("%s: session cookie %+v, want %s secure=%v HttpOnly SameSite=Lax Path=/", public, se, want.name, want.secure)
		}
	}
}

func TestPageHeaders(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	w := e.serve("GET", "/login", nil)
	h := w.Header()
	for name, want := range map[string]string{
		"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
		"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
	} {
		if !strings.Contains(h.Get(name), want) {
			t.Errorf("%s = %q, want %q", name, h.Get(name), want)
		}
	}
	if !strings.Contains(h.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Errorf("CSP = %q", h.Get("Content-Security-Policy"))
	}
	if css := e.serve("GET", "/assets/sb.css", nil); css.Code != 200 || !strings.HasPrefix(css.Header().Get("Content-Type"), "text/css") {
		t.Errorf("stylesheet = %d %q", css.Code, css.Header().Get("Content-Type"))
	}
}

func TestSessionRotatesAndLogout(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	ctx := t.Context()
	first := e.login(t)
	second := e.login(t, first)
	if first.Value == second.Value {
		t.Fatal("sign-in kept the session ID")
	}
	if _, _, err := e.sessions.Resolve(ctx, first.Value); err == nil {
		t.Error("the session before sign-in survived it")
	}
	if w := e.serve("POST", "/logout", url.Values{"csrf": {"forged"}}, second); w.Code != http.StatusForbidden {
		t.Errorf("sign-out with a forged CSRF token = %d, want 403", w.Code)
	}
	w := e.serve("POST", "/logout", url.Values{"csrf": {identity.CSRFToken(second.Value)}}, second)
	if c := cookieNamed(w, e.h.cookie.session); w.Code != http.StatusSeeOther || c == nil || c.MaxAge >= 0 {
		t.Errorf("sign-out = %d, cookie %+v; want 303 and the cookie cleared", w.Code, c)
	}
	if _, _, err := e.sessions.Resolve(ctx, second.Value); err == nil {
		t.Error("the session survived sign-out")
	}
}

func TestLoginErrors(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	page := e.serve("GET", "/login", nil)
	csrf := cookieNamed(page, e.h.cookie.login)
	form := url.Values{"csrf": {csrf.Value}, "email": {"a@example.com"}, "password": {"wrong password!"}}
	w := e.serve("POST", "/login", form, csrf)
	if w.Code != http.StatusUnauthorized || !strings.Contains(w.Body.String(), "Wrong email or password") ||
		cookieNamed(w, e.h.cookie.session) != nil {
		t.Errorf("wrong password = %d\n%s", w.Code, w.Body)
	}
	for range identity.DefaultAccountRate.Burst {
		w = e.serve("POST", "/login", form, csrf)
	}
	if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" {
		t.Errorf("after repeated failures = %d, Retry-After %q", w.Code, w.Header().Get("Retry-After"))
	}
	form.Set("csrf", "other")
	if w := e.serve("POST", "/login", form, csrf); w.Code != http.StatusForbidden {
		t.Errorf("sign-in with a mismatched CSRF token = %d, want 403", w.Code)
	}
}

func TestConsentFormAction(t *testing.T) {
	e := newEnv(t, "https://sb.example")
	ctx := t.Context()
	now := time.Now().UTC()
	srv := store.Server{ID: identity.NewID("srv"), Name: "gh", URL: "https://gh.example/mcp", Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthBearer, CredentialMode: store.ModePersonal, CreatedAt: now, UpdatedAt: now}
	ep := store.Endpoint{ID: identity.NewID("ep"), Name: "dev", ServerIDs: []string{srv.ID}, CreatedAt: now, UpdatedAt: now}
	cl := store.OAuthClient{ID: "cl_1", Name: "Cursor <b>", RedirectURIs: []string{"cursor://anysphere.cursor-retrieval/cb"},
		AuthMethod: store.ClientAuthNone, GrantTypes: []string{"authorization_code"}, Source: store.ClientSourceDCR, CreatedAt: now, LastUsedAt: now}
	for _, err := range []error{e.st.CreateServer(ctx, srv, nil), e.st.CreateEndpoint(ctx, ep), e.st.CreateOAuthClient(ctx, cl)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	q := url.Values{"response_type": {"code"}, "client_id": {"cl_1"}, "redirect_uri": {"cursor://anysphere.cursor-retrieval/cb"},
		"code_challenge": {strings.Repeat("a", 43)}, "code_challenge_method": {"S256"}, "resource": {"https://sb.example/mcp/dev"}}
	w := e.serve("GET", "/consent?"+q.Encode(), nil, e.login(t))
	body := w.Body.String()
	if w.Code != 200 || !strings.Contains(w.Header().Get("Content-Security-Policy"), "form-action 'self' cursor:") {
		t.Errorf("consent page = %d, CSP %q", w.Code, w.Header().Get("Content-Security-Policy"))
	}
	for _, want := range []string{"Cursor &lt;b&gt;", "cursor://anysphere.cursor-retrieval", "https://sb.example/mcp/dev",
		`data-server="gh"`, "your own account", `value="30" checked`, `value="90"`} {
		if !strings.Contains(body, want) {
			t.Errorf("consent page lacks %q", want)
		}
	}
	if regexp.MustCompile(`<b>`).MatchString(body) {
		t.Error("the client name was not escaped")
	}
	if w := e.serve("GET", "/consent?"+q.Encode(), nil); w.Code != http.StatusSeeOther ||
		!strings.HasPrefix(w.Header().Get("Location"), "/login?return_to=%2Fconsent%3F") {
		t.Errorf("consent without a session = %d %q, want sign-in first", w.Code, w.Header().Get("Location"))
	}
}
