package server

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/oauth"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/web"
)

// Option adjusts New. Production code passes none; tests inject a clock.
type Option func(*authServices)

// WithClock makes sign-in, sessions, the authorization server and access
// token checks read the time from now, so tests can expire things.
func WithClock(now func() time.Time) Option {
	return func(a *authServices) { a.now = now }
}

// authServices are sign-in and Switchboard's OAuth authorization server:
// the access-token verifier the gateway consults, the protocol endpoints
// (/oauth/..., /.well-known/...) and the browser pages (/login, /consent).
type authServices struct {
	now    func() time.Time
	access *identity.AccessVerifier
	oauth  *oauth.Server
	web    *web.Handler
	logins *identity.Logins   // shared by /login and POST /api/v1/login
	cli    *identity.CLICodes // browser sign-ins of `switchboard login`
	// stopPrune ends the pruning of unused OAuth clients; pruned closes
	// when it has.
	stopPrune context.CancelFunc
	pruned    chan struct{}
}

// startPruner deletes dynamically registered clients unused for
// oauth.client_ttl, hourly, until ctx (the server's lifetime) ends or
// stopPruner runs.
func (a *authServices) startPruner(ctx context.Context) {
	ctx, a.stopPrune = context.WithCancel(ctx)
	a.pruned = make(chan struct{})
	go func() {
		defer close(a.pruned)
		a.oauth.RunPruner(ctx, oauth.DefaultPruneEvery)
	}()
}

// stopPruner ends the pruner and waits for it; nil-safe.
func (a *authServices) stopPruner() {
	if a == nil || a.stopPrune == nil {
		return
	}
	a.stopPrune()
	<-a.pruned
}

func newAuthServices(opts []Option) *authServices {
	a := &authServices{now: time.Now}
	for _, o := range opts {
		o(a)
	}
	return a
}

// buildAuth wires the auth services over the opened store and audit
// writer. Defaults: argon2id at identity.DefaultPasswordParams, login
// throttles per account and address in memory, sessions idle 8 h and at
// most 7 days, access tokens 1 h, consent durations 1/7/30/90 days.
func (s *Server) buildAuth() error {
	a := s.auth
	a.access = identity.NewAccessVerifier(s.store, a.now, identity.MaxAccessCacheTTL)
	logins, err := identity.NewLogins(identity.LoginConfig{Store: s.store, Logger: s.logger, Now: a.now})
	if err != nil {
		return err
	}
	a.logins, a.cli = logins, identity.NewCLICodes(a.now)
	sessions, err := identity.NewSessions(identity.SessionConfig{Store: s.store, Now: a.now})
	if err != nil {
		return err
	}
	a.oauth, err = oauth.New(oauth.Config{Store: s.store, Audit: s.audit, Tokens: a.access, Logger: s.logger,
		Now: a.now, Issuer: s.cfg.PublicURL, ConsentPath: "/consent",
		AccessTTL: s.cfg.OAuth.AccessTokenTTL.Duration, ClientTTL: s.cfg.OAuth.ClientTTL.Duration,
		Durations: consentDurations(s.cfg.OAuth.ExtraDuration.Duration)})
	if err != nil {
		return err
	}
	sso, err := s.newSSO() // nil when sso.issuer_url is empty (sso.go)
	if err != nil {
		return err
	}
	a.web, err = web.New(web.Config{Sessions: sessions, Logins: logins, OAuth: a.oauth, Audit: s.audit,
		Logger: s.logger, Now: a.now, PublicURL: s.cfg.PublicURL, CLICodes: a.cli, SSO: sso,
		Upstream: s.pool, UpstreamSynced: s.reloadAfterConnect,
		Connections: &web.Connections{Store: s.store, Vault: s.vault, Pool: s.pool}})
	return err
}

// authRoutes mounts the protocol and browser surfaces; each keeps its own
// route table and middleware (internal/oauth/server.go routes,
// internal/web/web.go routes).
func (s *Server) authRoutes(mux *http.ServeMux) {
	mux.Handle("/oauth/", s.auth.oauth)
	mux.Handle("/.well-known/", s.auth.oauth)
	for _, p := range []string{"/login", "/login/", "/logout", "/consent", "/cli/login", "/assets/"} {
		mux.Handle(p, s.auth.web)
	}
	// Upstream OAuth (internal/web/upstream_oauth.go): the callback is
	// more specific than /oauth/, which is our own authorization server.
	mux.Handle(web.UpstreamCallbackPath, s.auth.web)
	mux.Handle("/connections/oauth/start", s.auth.web)
	mux.Handle("/connections", s.auth.web) // "My connections" (internal/web/connections.go)
}

// readBootstrapPassword reads the first admin's password from stdin when
// asked to, and checks it before anything is written. A trailing newline
// is dropped.
func readBootstrapPassword(stdin io.Reader, fromStdin bool) (string, error) {
	if !fromStdin {
		return "", nil
	}
	raw, err := io.ReadAll(io.LimitReader(stdin, 4<<10))
	if err != nil {
		return "", fmt.Errorf("read password from stdin: %w", err)
	}
	pw := strings.TrimRight(string(raw), "\r\n")
	if err := identity.CheckPassword(pw); err != nil {
		return "", fmt.Errorf("%w (pipe it in, e.g. printf %%s \"$PASSWORD\" | switchboard admin bootstrap …)", err)
	}
	return pw, nil
}

// setBootstrapPassword stores the first admin's password, if one was given.
func setBootstrapPassword(ctx context.Context, st store.Store, userID, pw string, stdout io.Writer) error {
	if pw == "" {
		return nil
	}
	if err := identity.SetPassword(ctx, st, userID, pw, identity.DefaultPasswordParams, time.Now().UTC(), false); err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	fmt.Fprintln(stdout, "Password set: the admin can sign in at /login.")
	return nil
}

// consentDurations are the access durations the consent page offers: the
// defaults plus the admin's extra one, if any, in ascending order.
func consentDurations(extra time.Duration) []time.Duration {
	out := slices.Clone(oauth.DefaultDurations)
	if extra > 0 && !slices.Contains(out, extra) {
		out = append(out, extra)
		slices.Sort(out)
	}
	return out
}
