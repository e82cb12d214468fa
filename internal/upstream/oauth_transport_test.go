package upstream

import (
	"bytes"
	"crypto/rand"
	"errors"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient/oauthtest"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

const testRedirect = "http://127.0.0.1:1/oauth/upstream/callback"

// oauthFixture is a pool, its store and an oauth server protected by a
// real authorization server, set up the way an admin adds it.
type oauthFixture struct {
	p   *Pool
	st  store.Store
	as  *oauthtest.AS
	up  *oauthtest.Upstream
	s   store.Server
	log *bytes.Buffer
}

func newOAuthFixture(t testing.TB, mode string) *oauthFixture {
	t.Helper()
	st, err := sqlite.Open(t.Context(), t.TempDir()+"/p.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, 32)
	rand.Read(key)
	return newOAuthFixtureOn(t, mode, st, key)
}

// newOAuthFixtureOn builds the fixture on st with vault master key key.
func newOAuthFixtureOn(t testing.TB, mode string, st store.Store, key []byte) *oauthFixture {
	t.Helper()
	f := &oauthFixture{as: oauthtest.NewAS(), log: &bytes.Buffer{}, st: st}
	t.Cleanup(f.as.Close)
	f.up = oauthtest.NewUpstream(f.as)
	t.Cleanup(f.up.Close)
	f.p = f.replica(t, st, key)
	f.p.cfg.Logger = slog.New(slog.NewTextHandler(&lockedWriter{w: f.log}, &slog.HandlerOptions{Level: slog.LevelDebug}))
	now := time.Now()
	f.s = store.Server{ID: "srv_1", Name: "protected", URL: f.up.URL, Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthOAuth, CredentialMode: mode, CreatedAt: now, UpdatedAt: now}
	if err := f.st.CreateServer(t.Context(), f.s, nil); err != nil {
		t.Fatal(err)
	}
	o, err := f.p.SetupOAuth(t.Context(), f.s, OAuthSetup{}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.st.PutServerOAuth(t.Context(), o); err != nil {
		t.Fatal(err)
	}
	return f
}

// replica returns a pool on st, as another Switchboard process would
// run, with the vault opened from the same master key.
func (f *oauthFixture) replica(t testing.TB, st store.Store, key []byte) *Pool {
	t.Helper()
	v, err := vault.Open(t.Context(), key, st)
	if err != nil {
		t.Fatal(err)
	}
	p := NewPool(Config{Store: st, Vault: v, ConnTimeout: 5 * time.Second, OAuthRedirectURI: testRedirect})
	t.Cleanup(p.Close)
	return p
}

// browser returns an HTTP client with a cookie jar, signed in at the AS
// as sub, that follows redirects up to Switchboard's callback.
func (f *oauthFixture) browser(sub string) *http.Client {
	jar, _ := cookiejar.New(nil)
	asURL, _ := url.Parse(f.as.URL)
	jar.SetCookies(asURL, []*http.Cookie{{Name: "sub", Value: sub}})
	return &http.Client{Jar: jar, CheckRedirect: func(r *http.Request, _ []*http.Request) error {
		if strings.HasPrefix(r.URL.String(), testRedirect) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// authorize starts a flow for userID and drives hc through the AS; it
// returns the state and code the callback would get.
func (f *oauthFixture) authorize(t testing.TB, hc *http.Client, userID string) (state, code string) {
	t.Helper()
	authURL, err := f.p.StartOAuth(t.Context(), f.s, userID, "starter-"+userID, "/back")
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || !strings.HasPrefix(loc.String(), testRedirect) {
		t.Fatalf("the AS did not send the browser to the callback: HTTP %d %q", resp.StatusCode, loc)
	}
	return loc.Query().Get("state"), loc.Query().Get("code")
}

// connect runs the whole browser flow: userID's account is the AS
// account sub.
func (f *oauthFixture) connect(t testing.TB, userID, sub string) {
	t.Helper()
	state, code := f.authorize(t, f.browser(sub), userID)
	fl, err := f.p.FinishOAuth(t.Context(), state, code, "starter-"+userID)
	if err != nil || fl.ReturnTo != "/back" || fl.UserID != userID {
		t.Fatalf("finish = %+v, %v", fl, err)
	}
}

// TestOAuthFlowRefusals: a state works once, only for who started it,
// and a bad code stores nothing.
func TestOAuthFlowRefusals(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	hc := f.browser("alice")
	state, _ := f.authorize(t, hc, "u1")
	if _, err := f.p.FinishOAuth(t.Context(), state, "wrong-code", "starter-u1"); err == nil {
		t.Fatal("a wrong code was accepted")
	}
	if _, err := f.st.GetCredential(t.Context(), f.s.ID, "u1"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a failed exchange stored a credential: %v", err)
	}
	state, code := f.authorize(t, hc, "u1")
	if _, err := f.p.FinishOAuth(t.Context(), state, code, "mallory"); !errors.Is(err, ErrFlowNotYours) {
		t.Fatalf("finishing another user's flow: err = %v", err)
	}
	if _, err := f.p.FinishOAuth(t.Context(), state, code, "starter-u1"); !errors.Is(err, ErrFlowUnknown) {
		t.Fatalf("a used state: err = %v, want ErrFlowUnknown", err)
	}
}

func whoami(t testing.TB, p *Pool, s store.Server, userID string) (string, error) {
	t.Helper()
	res, err := p.CallTool(t.Context(), s, userID, "whoami", nil)
	if err != nil {
		return "", err
	}
	return res.Content[0].(*mcp.TextContent).Text, nil
}

// assertNoSecrets fails when any token or client secret the AS issued
// appears in the captured logs.
func (f *oauthFixture) assertNoSecrets(t *testing.T) {
	t.Helper()
	logs := f.log.String()
	for _, s := range f.as.Secrets() {
		if strings.Contains(logs, s) {
			t.Errorf("a token or client secret appears in the logs")
		}
	}
}

// TestOAuthPersonalIdentities connects two users to a personal server:
// each sees their own identity upstream; a third has no credential.
func TestOAuthPersonalIdentities(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	if f.as.Registrations.Load() != 1 {
		t.Fatalf("dynamic registrations = %d, want 1", f.as.Registrations.Load())
	}
	f.connect(t, "u1", "alice")
	f.connect(t, "u2", "bob")
	for user, want := range map[string]string{"u1": "sub=alice", "u2": "sub=bob"} {
		got, err := whoami(t, f.p, f.s, user)
		if err != nil || got != want {
			t.Errorf("%s: whoami = %q, %v; want %q", user, got, err, want)
		}
	}
	if _, err := whoami(t, f.p, f.s, "u3"); !errors.Is(err, ErrNoCredential) {
		t.Errorf("unconnected user: err = %v, want ErrNoCredential", err)
	}
	c, err := f.st.GetCredential(t.Context(), f.s.ID, "u1")
	if err != nil || c.Kind != store.CredentialOAuth || c.Status != store.CredentialConnected || c.ExpiresAt.IsZero() || c.Scopes != "mcp" {
		t.Errorf("stored credential = %+v, %v", c, err)
	}
	if f.as.LastResource.Load() != f.up.URL {
		t.Errorf("resource indicator = %v, want %s", f.as.LastResource.Load(), f.up.URL)
	}
	f.assertNoSecrets(t)
}

// TestOAuthRefreshOnce lets the token near its expiry and makes 50
// concurrent calls through two pools (two replicas on one SQLite file).
func TestOAuthRefreshOnce(t *testing.T) {
	st, err := sqlite.Open(t.Context(), t.TempDir()+"/p.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, 32)
	rand.Read(key)
	f := newOAuthFixtureOn(t, store.ModeShared, st, key)
	refreshOnce(t, f, f.replica(t, st, key))
}

// refreshOnce connects with a short-lived token, opens sessions on both
// pools, waits until the token is due and makes 50 concurrent calls: the
// authorization server sees one refresh, the upstream no expired token.
func refreshOnce(t *testing.T, f *oauthFixture, replica *Pool) {
	f.as.AccessTTL.Store(int64(3 * time.Second))
	f.connect(t, "", "service")
	f.as.AccessTTL.Store(int64(time.Hour))
	for _, p := range []*Pool{f.p, replica} { // open sessions with the first token
		if got, err := whoami(t, p, f.s, ""); err != nil || got != "sub=service" {
			t.Fatalf("whoami = %q, %v", got, err)
		}
	}
	time.Sleep(1600 * time.Millisecond) // past half the lifetime: due for refresh

	var wg sync.WaitGroup
	for i := range 50 {
		p := f.p
		if i%2 == 1 {
			p = replica
		}
		wg.Go(func() {
			if got, err := whoami(t, p, f.s, ""); err != nil || got != "sub=service" {
				t.Errorf("whoami = %q, %v", got, err)
			}
		})
	}
	wg.Wait()
	if n := f.as.Refreshes.Load(); n != 1 {
		t.Errorf("refresh requests = %d, want 1", n)
	}
	if n := f.as.ExpiredSeen.Load(); n != 0 {
		t.Errorf("%d expired tokens reached the upstream", n)
	}
	f.assertNoSecrets(t)
}

// TestOAuthRefreshFailure: a refused refresh marks the credential
// needs_reconnect and fails the call, and the expired token is never sent.
func TestOAuthRefreshFailure(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	f.as.AccessTTL.Store(int64(2 * time.Second))
	f.connect(t, "u1", "alice")
	if _, err := whoami(t, f.p, f.s, "u1"); err != nil {
		t.Fatal(err)
	}
	f.as.FailRefresh.Store(true)
	time.Sleep(2100 * time.Millisecond) // the access token is now expired

	for range 3 {
		if _, err := whoami(t, f.p, f.s, "u1"); !errors.Is(err, ErrNeedsReconnect) {
			t.Fatalf("err = %v, want ErrNeedsReconnect", err)
		}
	}
	if n := f.as.Refreshes.Load(); n != 1 {
		t.Errorf("refresh requests = %d, want 1 (a dead credential is not retried)", n)
	}
	if n := f.as.ExpiredSeen.Load(); n != 0 {
		t.Errorf("%d expired tokens reached the upstream", n)
	}
	c, err := f.st.GetCredential(t.Context(), f.s.ID, "u1")
	if err != nil || c.Status != store.CredentialNeedsReconnect || c.LastError == "" {
		t.Errorf("credential = %+v, %v", c, err)
	}
	// Connecting again brings the user back.
	f.as.FailRefresh.Store(false)
	f.as.AccessTTL.Store(int64(time.Hour))
	f.connect(t, "u1", "alice")
	if got, err := whoami(t, f.p, f.s, "u1"); err != nil || got != "sub=alice" {
		t.Errorf("after reconnecting: whoami = %q, %v", got, err)
	}
	f.assertNoSecrets(t)
}

// TestOAuthUpstream401 revokes the token at the authorization server while
// Switchboard still thinks it valid: one refresh and one retry fix the
// call; when the refresh is refused too, the credential needs reconnecting.
func TestOAuthUpstream401(t *testing.T) {
	f := newOAuthFixture(t, store.ModeShared)
	f.connect(t, "", "service")
	if _, err := whoami(t, f.p, f.s, ""); err != nil {
		t.Fatal(err)
	}
	f.as.ExpireAll()
	if got, err := whoami(t, f.p, f.s, ""); err != nil || got != "sub=service" {
		t.Fatalf("after revocation: whoami = %q, %v", got, err)
	}
	if n := f.as.Refreshes.Load(); n != 1 {
		t.Errorf("refresh requests = %d, want 1", n)
	}
	f.as.ExpireAll()
	f.as.FailRefresh.Store(true)
	if _, err := whoami(t, f.p, f.s, ""); !errors.Is(err, ErrNeedsReconnect) {
		t.Fatalf("err = %v, want ErrNeedsReconnect", err)
	}
	c, _ := f.st.GetCredential(t.Context(), f.s.ID, "")
	if c.Status != store.CredentialNeedsReconnect {
		t.Errorf("status = %q, want needs_reconnect", c.Status)
	}
	f.assertNoSecrets(t)
}

// lockedWriter serializes writes of concurrent log calls.
type lockedWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// BenchmarkOAuthCall measures a tool call through a pooled session whose
// token comes from the OAuth token source (cached, no refresh).
func BenchmarkOAuthCall(b *testing.B) {
	f := newOAuthFixture(b, store.ModeShared)
	f.connect(b, "", "service")
	if _, err := whoami(b, f.p, f.s, ""); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := whoami(b, f.p, f.s, ""); err != nil {
			b.Fatal(err)
		}
	}
}

// TestOAuthRefreshUnreachable: while the authorization server is down, a
// token that is due for refresh but unexpired keeps working, and the
// credential stays connected.
func TestOAuthRefreshUnreachable(t *testing.T) {
	f := newOAuthFixture(t, store.ModeShared)
	f.as.AccessTTL.Store(int64(3 * time.Second))
	f.connect(t, "", "service")
	time.Sleep(1600 * time.Millisecond) // due for refresh
	f.as.Close()
	if got, err := whoami(t, f.p, f.s, ""); err != nil || got != "sub=service" {
		t.Fatalf("whoami = %q, %v", got, err)
	}
	if c, _ := f.st.GetCredential(t.Context(), f.s.ID, ""); c.Status != store.CredentialConnected {
		t.Errorf("status = %q after a transient failure", c.Status)
	}
	time.Sleep(1500 * time.Millisecond) // now expired, still no AS
	if _, err := whoami(t, f.p, f.s, ""); err == nil || errors.Is(err, ErrNeedsReconnect) {
		t.Errorf("with an expired token and no AS: err = %v, want a refresh failure", err)
	}
	if c, _ := f.st.GetCredential(t.Context(), f.s.ID, ""); c.Status != store.CredentialExpired || c.LastError == "" {
		t.Errorf("status = %q (%q), want expired", c.Status, c.LastError)
	}
	if n := f.as.ExpiredSeen.Load(); n != 0 {
		t.Errorf("%d expired tokens reached the upstream", n)
	}
}

// TestOAuthRemovedCredential: once a connection is removed (the user's
// own delete or an admin's revoke, which call ForgetCredential), the
// cached token is not used to open a new session.
func TestOAuthRemovedCredential(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	f.connect(t, "u1", "alice")
	if _, err := whoami(t, f.p, f.s, "u1"); err != nil {
		t.Fatal(err)
	}
	if err := f.st.DeleteCredential(t.Context(), f.s.ID, "u1"); err != nil {
		t.Fatal(err)
	}
	f.p.ForgetCredential(f.s.ID, "u1")
	if got, err := whoami(t, f.p, f.s, "u1"); !errors.Is(err, ErrNoCredential) {
		t.Errorf("after removal: whoami = %q, %v; want ErrNoCredential", got, err)
	}
}

// TestOAuthRefreshBackoff: with the token expired and the authorization
// server failing, one call asks it and the next ones fail at once until
// the backoff ends; then the next call refreshes and succeeds.
func TestOAuthRefreshBackoff(t *testing.T) {
	old := refreshBackoff
	refreshBackoff = 3 * time.Second // far longer than 5 calls take on a busy machine
	t.Cleanup(func() { refreshBackoff = old })
	f := newOAuthFixture(t, store.ModeShared)
	f.as.AccessTTL.Store(int64(2 * time.Second)) // whole seconds: expires_in is an integer
	f.connect(t, "", "service")
	if _, err := whoami(t, f.p, f.s, ""); err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond) // expired
	f.as.DownRefresh.Store(true)
	for i := range 5 {
		if _, err := whoami(t, f.p, f.s, ""); err == nil {
			t.Fatalf("call %d with an expired token and a failing AS succeeded", i)
		}
	}
	if n := f.as.RefreshTries.Load(); n != 1 {
		t.Errorf("5 calls during the backoff asked the AS %d times, want 1", n)
	}
	f.as.DownRefresh.Store(false)
	time.Sleep(refreshBackoff + 100*time.Millisecond)
	if got, err := whoami(t, f.p, f.s, ""); err != nil || got != "sub=service" {
		t.Fatalf("after the backoff, with the AS back: %q, %v", got, err)
	}
	if n := f.as.ExpiredSeen.Load(); n != 0 {
		t.Errorf("%d expired tokens reached the upstream", n)
	}
}
