package server

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/admin"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/audit/sink"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/gateway"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/oauth"
	"github.com/switchboard-mcp/switchboard/internal/redact"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/telemetry"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// Version is set at build time with -ldflags.
var Version = "dev"

// Server is a running Switchboard: its store, services and HTTP handler.
type Server struct {
	cfg      config.Config
	logger   *slog.Logger
	store    store.Store
	vault    *vault.Vault
	audit    *audit.Writer
	sinks    *sink.Runner
	chain    *auditIntegrity // signed checkpoints and retention (audit_integrity.go)
	metrics  *telemetry.Metrics
	pool     *upstream.Pool
	gateway  *gateway.Gateway
	admin    *admin.API
	auth     *authServices // sign-in and the OAuth authorization server (oauth.go)
	replicas *replicas     // config changes between replicas on PostgreSQL (replicas.go)
	handler  http.Handler
}

// New opens everything that cfg describes. notice receives one-time
// messages meant for the operator (a new master key, how to bootstrap).
func New(ctx context.Context, cfg config.Config, logger *slog.Logger, notice io.Writer, opts ...Option) (_ *Server, err error) {
	s := &Server{cfg: cfg, logger: logger, auth: newAuthServices(opts)}
	defer func() {
		if err != nil {
			s.Close()
		}
	}()
	if s.store, err = openStore(ctx, cfg); err != nil {
		return nil, err
	}
	if s.vault, err = openVault(ctx, cfg, s.store, notice); err != nil {
		return nil, err
	}
	if s.chain, err = openAuditIntegrity(ctx, cfg, s.store, s.vault, logger); err != nil {
		return nil, err
	}
	s.metrics = telemetry.NewMetrics()
	if s.sinks, err = startSinks(ctx, cfg, s.store, s.metrics, logger); err != nil {
		return nil, err
	}
	s.audit, err = audit.NewWriter(ctx, audit.Config{Store: s.store, Logger: logger, MaxPayload: int(cfg.Audit.MaxPayloadBytes),
		OnCommit: func(seq int64) { s.sinks.Notify(seq); s.chain.notify(seq) }})
	if err != nil {
		return nil, err
	}
	if err = s.chain.start(ctx, cfg, s.store, s.audit, logger); err != nil {
		return nil, err
	}
	s.pool = upstream.NewPool(upstream.Config{Store: s.store, Vault: s.vault, Logger: logger, Version: Version,
		OAuthRedirectURI: upstreamRedirectURI(cfg.PublicURL)})
	verifier := identity.NewVerifier(s.store, logger, nil, 0)
	if err := s.buildAuth(); err != nil {
		return nil, err
	}
	s.auth.startPruner(ctx)
	if err := s.buildServices(ctx, verifier); err != nil {
		return nil, err
	}
	s.handler = s.routes()
	s.startReplicas(nil)
	return s, nil
}

func (s *Server) buildServices(ctx context.Context, verifier *identity.Verifier) error {
	var err error
	s.gateway, err = gateway.New(gateway.Config{
		Store: s.store, Pool: s.pool, Audit: s.audit, Verifier: verifier, Logger: s.logger,
		PublicURL: s.cfg.PublicURL, Version: Version, AccessTokens: s.auth.access,
		CallTimeout:                s.cfg.Gateway.CallTimeout.Duration,
		MaxResponseBytes:           int(s.cfg.Gateway.MaxResponseBytes),
		DisableLocalhostProtection: s.cfg.Gateway.DisableLocalhostProtection,
		AuditFailOpen:              !s.cfg.Audit.FailClosed,
		RedactRules:                redactRules(s.cfg.Gateway.RedactRules),
	})
	if err != nil {
		return err
	}
	if err := s.gateway.Reload(ctx); err != nil {
		return err
	}
	grace := time.Duration(0) // one SQLite file has one server
	if s.cfg.DatabaseURL != "" {
		grace = RotateGrace
	}
	s.admin, err = admin.New(admin.Config{
		Store: s.store, Vault: s.vault, Pool: s.pool, Audit: s.audit, Verifier: verifier, VaultRotateGrace: grace,
		Logger: s.logger, PublicURL: s.cfg.PublicURL, OnChange: s.configChanged,
		Signer: s.chain.signer, OAuthTokens: s.auth.access,
		Logins: s.auth.logins, CLICodes: s.auth.cli, CheckRedirectURIs: oauth.CheckRedirectURIs,
	})
	return err
}

// Handler is the whole HTTP surface.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve listens on ln until ctx ends, then drains in-flight requests.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	streams, endStreams := context.WithCancel(context.Background())
	defer endStreams()
	hs := &http.Server{
		Handler:           endOnShutdown(streams, s.handler),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	hs.RegisterOnShutdown(endStreams)
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(shutdown)
	if errors.Is(err, context.DeadlineExceeded) {
		err = hs.Close()
	}
	if serr := <-errc; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	return err
}

// Close releases everything New opened, in reverse order.
func (s *Server) Close() error {
	var errs []error
	s.replicas.close() // nil-safe
	if s.pool != nil {
		s.pool.Close()
	}
	s.auth.stopPruner() // nil-safe; before the writer it records through
	s.chain.close()     // nil-safe; before the writer it records through
	if s.audit != nil {
		errs = append(errs, s.audit.Close())
	}
	errs = append(errs, s.sinks.Close()) // nil-safe
	if s.store != nil {
		errs = append(errs, s.store.Close())
	}
	return errors.Join(errs...)
}

// needsBootstrap reports whether no user exists yet.
func (s *Server) needsBootstrap(ctx context.Context) (bool, error) {
	users, err := s.store.ListUsers(ctx)
	if err != nil {
		return false, fmt.Errorf("list users: %w", err)
	}
	return len(users) == 0, nil
}

// endOnShutdown ends long-lived GET streams (MCP server-to-client event
// streams) when shutdown begins, so that Shutdown is not held up by idle
// clients; requests in flight (tool calls) still drain normally.
func endOnShutdown(streams context.Context, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			h.ServeHTTP(w, r)
			return
		}
		ctx, cancel := context.WithCancel(r.Context())
		defer cancel()
		stop := context.AfterFunc(streams, cancel)
		defer stop()
		h.ServeHTTP(w, r.WithContext(ctx))
	})
}

func redactRules(in config.RedactRules) []redact.Rule {
	out := make([]redact.Rule, len(in))
	for i, r := range in {
		out[i] = redact.Rule{Name: r.Name, Pattern: r.Pattern}
	}
	return out
}
