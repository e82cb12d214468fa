package gateway

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/redact"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
)

// Recorder durably appends audit events; *audit.Writer implements it.
type Recorder interface {
	Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error)
}

// Config configures a Gateway. Store, Pool, Audit and Verifier are required.
type Config struct {
	Store            store.Store
	Pool             *upstream.Pool
	Audit            Recorder
	Verifier         *identity.Verifier
	Logger           *slog.Logger
	Now              func() time.Time
	PublicURL        string // e.g. http://127.0.0.1:8080, for resource metadata
	Version          string
	CallTimeout      time.Duration // default 60s
	MaxResponseBytes int           // default 4 MiB
	SessionTimeout   time.Duration // idle MCP sessions close; default 30m
	// RedactRules are the admin's named patterns, applied at level "all".
	RedactRules []redact.Rule
	// AuditFailOpen lets a tool call proceed when its audit record cannot
	// be written (the failure is logged). The default, false, refuses it.
	AuditFailOpen bool

	DisableLocalhostProtection bool

	// AccessTokens, optional, verifies OAuth access tokens ("sba_…"),
	// each bound to the endpoint of its grant (oauth.go).
	AccessTokens AccessTokenVerifier
}

// Gateway serves /mcp/{endpoint}.
type Gateway struct {
	cfg       Config
	redact    redactors
	reloadMu  sync.Mutex
	endpoints atomic.Pointer[map[string]*endpointRT]
}

// New validates cfg and returns a Gateway with no endpoints loaded; call
// Reload before serving.
func New(cfg Config) (*Gateway, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("gateway: Config.Store is required"))
	}
	if cfg.Pool == nil {
		errs = append(errs, errors.New("gateway: Config.Pool is required"))
	}
	if cfg.Audit == nil {
		errs = append(errs, errors.New("gateway: Config.Audit is required"))
	}
	if cfg.Verifier == nil {
		errs = append(errs, errors.New("gateway: Config.Verifier is required"))
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
	if cfg.CallTimeout == 0 {
		cfg.CallTimeout = 60 * time.Second
	}
	if cfg.MaxResponseBytes == 0 {
		cfg.MaxResponseBytes = 4 << 20
	}
	if cfg.SessionTimeout == 0 {
		cfg.SessionTimeout = 30 * time.Minute
	}
	cfg.PublicURL = strings.TrimRight(cfg.PublicURL, "/")
	red, err := newRedactors(cfg.RedactRules)
	if err != nil {
		return nil, fmt.Errorf("gateway: redaction rules: %w", err)
	}
	g := &Gateway{cfg: cfg, redact: red}
	g.endpoints.Store(&map[string]*endpointRT{})
	return g, nil
}

// ServeHTTP serves /mcp/{endpoint}; the route must bind {endpoint}.
func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	rt := (*g.endpoints.Load())[r.PathValue("endpoint")]
	if rt == nil {
		http.Error(w, "no such endpoint; list them with `switchboard endpoint list`", http.StatusNotFound)
		return
	}
	rt.handler.ServeHTTP(w, r)
}

// ResourceMetadataURL is where the protected-resource metadata (RFC 9728)
// of an endpoint lives.
func (g *Gateway) ResourceMetadataURL(endpoint string) string {
	return g.cfg.PublicURL + "/.well-known/oauth-protected-resource/mcp/" + endpoint
}

// Endpoints returns the names of the loaded endpoints.
func (g *Gateway) Endpoints() []string {
	m := *g.endpoints.Load()
	out := make([]string, 0, len(m))
	for n := range m {
		out = append(out, n)
	}
	return out
}
