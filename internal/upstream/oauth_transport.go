package upstream

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream/oauthclient"
)

// Timing of OAuth token use.
const (
	// refreshMargin: a token with less life left than this is refreshed
	// before it is sent.
	refreshMargin = 60 * time.Second
	// leaseTTL bounds how long one replica may hold a credential's refresh
	// lease, and so how long a replica that dies holding it blocks the
	// refresh everywhere else. A live holder is done well before: the
	// token request gets refreshTimeout from the moment the lease is taken
	// and storing the answer saveTimeout more, which leaves 5s for clock
	// skew between replicas (each judges expiry by its own clock).
	leaseTTL = 20 * time.Second
	// refreshTimeout bounds the refresh grant, whatever the caller's
	// context or the HTTP client allow.
	refreshTimeout = 10 * time.Second
	// saveTimeout bounds storing a refreshed token set. It runs even when
	// the caller has gone: the authorization server may have rotated the
	// refresh token already, and losing the new one would force the user
	// to connect again.
	saveTimeout = 5 * time.Second
	// leasePoll is how often a replica that lost the lease race looks for
	// the winner's new token.
	leasePoll = 50 * time.Millisecond
)

// Sealer seals vault plaintexts; *vault.Vault implements it with Unsealer.
type Sealer interface {
	Seal(plaintext []byte, kind, id string) ([]byte, error)
}

// oauthSources keeps one token source per (server, user) of a pool.
type oauthSources struct {
	holder string // this process, as lease holder
	mu     sync.Mutex
	m      map[connKey]*tokenSource
}

func newOAuthSources() *oauthSources {
	return &oauthSources{holder: "pool-" + rand.Text(), m: map[connKey]*tokenSource{}}
}

func (o *oauthSources) get(p *Pool, s store.Server, userID string) *tokenSource {
	o.mu.Lock()
	defer o.mu.Unlock()
	k := connKey{s.ID, userID}
	ts, ok := o.m[k]
	if !ok {
		ts = &tokenSource{p: p, server: s, userID: userID, holder: o.holder}
		o.m[k] = ts
	}
	return ts
}

// forgetServer drops the cached tokens of every user of serverID.
func (o *oauthSources) forgetServer(serverID string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	for k := range o.m {
		if k.serverID == serverID {
			delete(o.m, k)
		}
	}
}

// forget drops the cached tokens of one (server, user).
func (o *oauthSources) forget(k connKey) {
	o.mu.Lock()
	delete(o.m, k)
	o.mu.Unlock()
}

// tokenSource hands out the current access token of one credential,
// refreshing it before it expires: once per process (mu) and once across
// replicas (a store lease).
type tokenSource struct {
	p      *Pool
	server store.Server
	userID string
	holder string

	mu     sync.Mutex // held while loading or refreshing
	cached oauthclient.TokenSet
	failed error // ErrNeedsReconnect once the credential is dead
	// retryAt: after a transient refresh failure with no usable token,
	// calls fail at once until then instead of each asking the AS again.
	retryAt time.Time
}

// token returns an access token that is good for at least refreshMargin,
// or, when nothing better is possible, one that is still unexpired.
// rejected is a token the upstream just refused; it is not returned again.
func (t *tokenSource) token(ctx context.Context, rejected string) (string, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now := time.Now()
	if t.cached.AccessToken != rejected && t.cached.Fresh(now, refreshMargin) {
		return t.cached.AccessToken, nil
	}
	cred, ts, err := t.load(ctx)
	if err != nil {
		return "", err
	}
	if ts.AccessToken != rejected && ts.Fresh(now, refreshMargin) {
		t.cached = ts
		return ts.AccessToken, nil
	}
	usable := ts.AccessToken != rejected && ts.Fresh(now, 0)
	if !usable && now.Before(t.retryAt) {
		return "", fmt.Errorf("the token of %s expired and its authorization server failed to refresh it; retrying in %s",
			t.server.Name, t.retryAt.Sub(now).Round(100*time.Millisecond))
	}
	fresh, err := t.refreshShared(ctx, cred, rejected)
	t.retryAt = time.Time{}
	if err != nil && !usable && transientRefresh(ctx, err) {
		t.retryAt = time.Now().Add(refreshBackoff)
	}
	switch {
	case err == nil && fresh.Fresh(time.Now(), 0):
		t.cached = fresh
		return fresh.AccessToken, nil
	case err == nil:
		return "", fmt.Errorf("the authorization server of %s issued an expired token", t.server.Name)
	case errors.Is(err, ErrNeedsReconnect) || errors.Is(err, ErrNoCredential) || ts.AccessToken == rejected || !ts.Fresh(time.Now(), 0):
		return "", err
	default:
		// A transient refresh failure while the token still has some life
		// left: use it, and try again on the next request.
		t.p.cfg.Logger.Warn("using the current token after a failed refresh", "server", t.server.Name, "err", err)
		return ts.AccessToken, nil
	}
}

// refreshBackoff is how long calls fail at once after a refresh failed
// for a reason that may pass (the AS is down), when no token is usable.
// A variable so that tests can shorten it.
var refreshBackoff = 5 * time.Second

// transientRefresh reports whether a refresh failure may pass by itself:
// not a dead or missing credential, and not the caller giving up.
func transientRefresh(ctx context.Context, err error) bool {
	return !errors.Is(err, ErrNeedsReconnect) && !errors.Is(err, ErrNoCredential) && ctx.Err() == nil
}

// load reads and unseals the stored credential.
func (t *tokenSource) load(ctx context.Context) (store.Credential, oauthclient.TokenSet, error) {
	cred, err := t.p.cfg.Store.GetCredential(ctx, t.server.ID, t.userID)
	if errors.Is(err, store.ErrNotFound) {
		return store.Credential{}, oauthclient.TokenSet{}, ErrNoCredential
	}
	if err != nil {
		return store.Credential{}, oauthclient.TokenSet{}, fmt.Errorf("load credential: %w", err)
	}
	if cred.Status == store.CredentialNeedsReconnect {
		return store.Credential{}, oauthclient.TokenSet{}, ErrNeedsReconnect
	}
	plain, err := t.p.cfg.Vault.Unseal(cred.Ciphertext, store.SealedCredential, cred.ID)
	if err != nil {
		return store.Credential{}, oauthclient.TokenSet{}, fmt.Errorf("unseal credential: %w", err)
	}
	ts, err := oauthclient.ParseTokenSet(plain)
	if err != nil {
		return store.Credential{}, oauthclient.TokenSet{}, fmt.Errorf("credential of %s is not an OAuth token set; connect again", t.server.Name)
	}
	return cred, ts, nil
}

// refreshShared refreshes under the credential's lease. A replica that
// does not get the lease uses the current token while it is unexpired and
// not rejected, else waits for the holder's result; one that gets it
// re-reads the credential first, since another replica may have just
// refreshed it.
func (t *tokenSource) refreshShared(ctx context.Context, cred store.Credential, rejected string) (oauthclient.TokenSet, error) {
	name := "oauth-refresh:" + cred.ID
	for {
		now := time.Now()
		ok, err := t.p.cfg.Store.AcquireLease(ctx, name, t.holder, now, now.Add(leaseTTL))
		if err != nil {
			return oauthclient.TokenSet{}, err
		}
		_, ts, err := t.load(ctx)
		if err != nil {
			if ok {
				t.release(name)
			}
			return oauthclient.TokenSet{}, err
		}
		if ts.AccessToken != rejected && ts.Fresh(now, refreshMargin) {
			if ok {
				t.release(name)
			}
			return ts, nil
		}
		if ok {
			defer t.release(name)
			return t.refresh(ctx, ts, now.Add(refreshTimeout))
		}
		if ts.AccessToken != rejected && ts.Fresh(now, 0) {
			// Another replica is refreshing (or died doing so): the current
			// token is still good, so use it rather than wait.
			return ts, nil
		}
		select {
		case <-ctx.Done():
			return oauthclient.TokenSet{}, ctx.Err()
		case <-time.After(leasePoll):
		}
	}
}

func (t *tokenSource) release(name string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := t.p.cfg.Store.ReleaseLease(ctx, name, t.holder); err != nil {
		t.p.cfg.Logger.Warn("release refresh lease", "server", t.server.Name, "err", err)
	}
}

// refresh runs the refresh grant, which must finish by deadline, and
// stores the new token set. A refused refresh marks the credential
// needs_reconnect; a transient failure keeps the credential and fails
// this call.
func (t *tokenSource) refresh(ctx context.Context, old oauthclient.TokenSet, deadline time.Time) (oauthclient.TokenSet, error) {
	rctx, cancel := context.WithDeadline(ctx, deadline)
	defer cancel()
	client, err := t.p.oauthClient(rctx, t.server)
	if err != nil {
		return oauthclient.TokenSet{}, err
	}
	ts, err := client.Refresh(rctx, old, time.Now())
	if errors.Is(err, oauthclient.ErrRefreshRefused) {
		t.p.cfg.Logger.Warn("upstream token refresh refused", "server", t.server.Name, "shared", t.userID == "", "err", err)
		t.p.markStatus(t.server, t.userID, store.CredentialNeedsReconnect, "the authorization server refused the refresh token")
		return oauthclient.TokenSet{}, ErrNeedsReconnect
	}
	if err != nil {
		t.p.cfg.Logger.Warn("upstream token refresh failed", "server", t.server.Name, "err", err)
		if !old.Fresh(time.Now(), 0) {
			t.p.markStatus(t.server, t.userID, store.CredentialExpired, "the token expired and could not be refreshed yet; Switchboard retries on the next call")
		}
		return oauthclient.TokenSet{}, fmt.Errorf("refresh the token of %s: %w", t.server.Name, err)
	}
	sctx, scancel := context.WithTimeout(context.WithoutCancel(ctx), saveTimeout)
	defer scancel()
	if err := t.p.saveTokens(sctx, t.server.ID, t.userID, ts); err != nil {
		return oauthclient.TokenSet{}, err
	}
	return ts, nil
}

// saveTokens seals ts into the existing credential of (serverID, userID).
func (p *Pool) saveTokens(ctx context.Context, serverID, userID string, ts oauthclient.TokenSet) error {
	sealer, ok := p.cfg.Vault.(Sealer)
	if !ok {
		return errors.New("the vault cannot seal refreshed tokens")
	}
	_, err := p.cfg.Store.UpdateCredential(ctx, serverID, userID, func(c store.Credential) (store.Credential, error) {
		sealed, err := sealer.Seal(ts.Marshal(), store.SealedCredential, c.ID)
		if err != nil {
			return c, err
		}
		c.Ciphertext, c.Kind, c.Status, c.LastError = sealed, store.CredentialOAuth, store.CredentialConnected, ""
		c.ExpiresAt, c.Scopes, c.UpdatedAt = ts.Expiry, strings.Join(ts.Scopes, " "), time.Now()
		return c, nil
	})
	if err != nil {
		return fmt.Errorf("store refreshed token: %w", err)
	}
	return nil
}

// markStatus records a credential's new status (needs_reconnect: the
// user must connect again; expired: a refresh is pending) and why. It
// runs on its own context: the caller's may be the one that just failed.
func (p *Pool) markStatus(s store.Server, userID, status, why string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := p.cfg.Store.UpdateCredential(ctx, s.ID, userID, func(c store.Credential) (store.Credential, error) {
		c.Status, c.LastError, c.UpdatedAt = status, why, time.Now()
		return c, nil
	})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		p.cfg.Logger.Warn("record credential status", "server", s.Name, "status", status, "err", err)
	}
}

// oauthClient builds the OAuth client of s from its stored configuration.
func (p *Pool) oauthClient(ctx context.Context, s store.Server) (oauthclient.Client, error) {
	o, err := p.cfg.Store.GetServerOAuth(ctx, s.ID)
	if err != nil {
		return oauthclient.Client{}, fmt.Errorf("oauth configuration of %s: %w", s.Name, err)
	}
	return ClientOf(o, p.cfg.Vault, p.cfg.OAuthRedirectURI, p.cfg.OAuthHTTP)
}

// ClientOf turns a stored configuration into an OAuth client; the client
// secret is unsealed with v.
func ClientOf(o store.ServerOAuth, v Unsealer, redirectURI string, hc *http.Client) (oauthclient.Client, error) {
	c := oauthclient.Client{
		Metadata: oauthclient.Metadata{
			Issuer: o.Issuer, AuthorizationEndpoint: o.AuthorizationEndpoint, TokenEndpoint: o.TokenEndpoint,
			RegistrationEndpoint: o.RegistrationEndpoint, Resource: o.Resource,
		},
		ClientID: o.ClientID, RedirectURI: redirectURI, Scopes: strings.Fields(o.Scopes), HTTP: hc,
	}
	if len(o.ClientSecretSealed) > 0 {
		secret, err := v.Unseal(o.ClientSecretSealed, store.SealedServerOAuth, o.ServerID)
		if err != nil {
			return oauthclient.Client{}, fmt.Errorf("unseal client secret: %w", err)
		}
		c.ClientSecret = string(secret)
	}
	return c, nil
}

// oauthTransport sets the current access token on every request. When the
// upstream answers 401 it gets a fresh token and retries that request
// once; a second 401 marks the credential needs_reconnect.
type oauthTransport struct {
	base http.RoundTripper
	src  *tokenSource
}

func (o *oauthTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	tok, err := o.src.token(r.Context(), "")
	if err != nil {
		return nil, o.src.fail(err)
	}
	resp, err := o.send(r, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	if r.Body != nil && r.Body != http.NoBody && r.GetBody == nil {
		return resp, nil // cannot replay the body
	}
	drain(resp)
	if tok, err = o.src.token(r.Context(), tok); err != nil {
		return nil, o.src.fail(err)
	}
	if r.GetBody != nil {
		body, err := r.GetBody()
		if err != nil {
			return nil, err
		}
		r = r.Clone(r.Context())
		r.Body = body
	}
	resp, err = o.send(r, tok)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	drain(resp)
	o.src.p.markStatus(o.src.server, o.src.userID, store.CredentialNeedsReconnect, "the upstream rejected a freshly refreshed token")
	return nil, o.src.fail(ErrNeedsReconnect)
}

func (o *oauthTransport) send(r *http.Request, tok string) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+tok)
	return o.base.RoundTrip(r)
}

// fail remembers a dead credential so that the pool can report it even
// when the MCP client wraps the transport error beyond recognition.
func (t *tokenSource) fail(err error) error {
	if errors.Is(err, ErrNeedsReconnect) || errors.Is(err, ErrNoCredential) {
		t.mu.Lock()
		t.failed = err
		t.cached = oauthclient.TokenSet{}
		t.mu.Unlock()
	}
	return err
}

// takeFailure returns and clears the remembered failure.
func (t *tokenSource) takeFailure() error {
	t.mu.Lock()
	defer t.mu.Unlock()
	err := t.failed
	t.failed = nil
	return err
}

func drain(resp *http.Response) {
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) //nolint:errcheck // best effort, for reuse
	resp.Body.Close()
}

// roundTripper returns what carries the credential of (s, userID): the
// OAuth transport, after making sure a token is at hand, or fixed headers.
func (p *Pool) roundTripper(ctx context.Context, s store.Server, userID string) (http.RoundTripper, error) {
	if s.AuthMethod != store.AuthOAuth {
		headers, err := p.headers(ctx, s, userID)
		if err != nil {
			return nil, err
		}
		return &headerInjector{base: p.base, headers: headers}, nil
	}
	src := p.oauth.get(p, s, userID)
	if _, err := src.token(ctx, ""); err != nil {
		return nil, src.fail(err)
	}
	return &oauthTransport{base: p.base, src: src}, nil
}

// oauthError replaces a call's error with the credential failure behind
// it, which the MCP client may have wrapped beyond errors.Is.
func (p *Pool) oauthError(s store.Server, userID string, err error) error {
	if err == nil || s.AuthMethod != store.AuthOAuth || errors.Is(err, ErrNeedsReconnect) || errors.Is(err, ErrNoCredential) {
		return err
	}
	if f := p.oauth.get(p, s, userID).takeFailure(); f != nil {
		return f
	}
	return err
}
