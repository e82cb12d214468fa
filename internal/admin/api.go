package admin

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// Sealer encrypts secrets; *vault.Vault implements it.
type Sealer interface {
	Seal(plaintext []byte, kind, id string) ([]byte, error)
}

// Recorder durably appends audit events; *audit.Writer implements it.
type Recorder interface {
	Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error)
}

// Config configures the API. All fields but Logger, Now and OnChange are
// required.
type Config struct {
	Store store.Store
	// VaultRotateGrace is waited between the two passes of `vault rotate`
	// when other replicas may still seal with the old key (PostgreSQL).
	VaultRotateGrace time.Duration
	Vault            Sealer
	Pool             *upstream.Pool
	Audit            Recorder
	Verifier         *identity.Verifier
	Logger           *slog.Logger
	Now              func() time.Time
	PublicURL        string
	// OnChange runs after every successful change to servers, catalogs or
	// endpoints, so the gateway can reload.
	OnChange func(ctx context.Context) error
	// Signer, optional, holds the audit checkpoint keys: verify then checks
	// checkpoint signatures, and GET /api/v1/audit/public-key exports them.
	Signer AuditSigner
	// OAuthTokens, optional, is told after a grant is revoked or a user
	// disabled, so that OAuth access tokens stop at once in this process;
	// *identity.AccessVerifier implements it.
	OAuthTokens interface{ Forget() }
	// Logins, optional, checks the passwords of POST /api/v1/login with
	// the web sign-in's throttles; without it the route answers 404.
	Logins *identity.Logins
	// CLICodes, optional, holds the codes of browser sign-ins that POST
	// /api/v1/cli/token redeems; without it the route answers 404.
	CLICodes *identity.CLICodes
	// CheckRedirectURIs, optional, validates the redirect URIs of a
	// pre-registered client as the authorization server's registration
	// does (oauth.CheckRedirectURIs); without it any absolute URL passes.
	CheckRedirectURIs func([]string) error
}

// API is the /api/v1 handler.
type API struct {
	cfg Config
	mux *http.ServeMux
}

// New validates cfg and builds the route table.
func New(cfg Config) (*API, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("admin: Config.Store is required"))
	}
	if cfg.Vault == nil {
		errs = append(errs, errors.New("admin: Config.Vault is required"))
	}
	if cfg.Pool == nil {
		errs = append(errs, errors.New("admin: Config.Pool is required"))
	}
	if cfg.Audit == nil {
		errs = append(errs, errors.New("admin: Config.Audit is required"))
	}
	if cfg.Verifier == nil {
		errs = append(errs, errors.New("admin: Config.Verifier is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.OnChange == nil {
		cfg.OnChange = func(context.Context) error { return nil }
	}
	a := &API{cfg: cfg, mux: http.NewServeMux()}
	for _, rt := range a.routes() {
		a.mux.Handle(rt.pattern, a.wrap(rt))
	}
	a.mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, a.cfg.Logger, &apiError{status: http.StatusNotFound, code: "not_found",
			msg: "no such API route: " + r.Method + " " + r.URL.Path})
	})
	return a, nil
}

// ServeHTTP serves /api/v1/...
func (a *API) ServeHTTP(w http.ResponseWriter, r *http.Request) { a.mux.ServeHTTP(w, r) }

// changed tells the gateway to reload; a failure is logged, not returned,
// because the change itself is committed.
func (a *API) changed(ctx context.Context) {
	if err := a.cfg.OnChange(ctx); err != nil {
		a.cfg.Logger.ErrorContext(ctx, "reload after change failed", "err", err)
	}
}
