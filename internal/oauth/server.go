package oauth

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Recorder durably appends audit events; *audit.Writer implements it.
type Recorder interface {
	Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error)
}

// Forgetter drops cached token answers after a revocation;
// *identity.AccessVerifier implements it.
type Forgetter interface {
	Forget()
}

// Defaults of Config.
const (
	DefaultAccessTTL = time.Hour
	DefaultCodeTTL   = 60 * time.Second
	day              = 24 * time.Hour
)

// DefaultDurations are the access durations a user may choose at consent,
// and DefaultDuration is the preselected one.
var (
	DefaultDurations = []time.Duration{day, 7 * day, 30 * day, 90 * day}
	DefaultDuration  = 30 * day
)

// DefaultRegisterRate throttles dynamic registration per client address.
var DefaultRegisterRate = identity.Rate{Burst: 20, Every: 30 * time.Second}

// Config configures the authorization server. Store, Audit and Issuer are
// required.
type Config struct {
	Store  store.Store
	Audit  Recorder
	Tokens Forgetter // told after every revocation; optional
	Logger *slog.Logger
	Now    func() time.Time
	// Issuer is Switchboard's public base URL, e.g. https://sb.example. It
	// names the authorization server and prefixes every endpoint and every
	// resource (<Issuer>/mcp/{endpoint}).
	Issuer string
	// ConsentPath is where /oauth/authorize sends the browser, with the
	// request's query; package web serves it. Default "/consent".
	ConsentPath string
	AccessTTL   time.Duration   // default DefaultAccessTTL
	CodeTTL     time.Duration   // default DefaultCodeTTL
	Durations   []time.Duration // consent choices; default DefaultDurations
	Duration    time.Duration   // the preselected choice; default DefaultDuration
	// Registrations throttles POST /oauth/register per address; nil means
	// in memory at DefaultRegisterRate.
	Registrations identity.Limiter
	// ClientTTL is how long a dynamically registered client may go unused
	// before PruneClients deletes it; default DefaultClientTTL.
	ClientTTL time.Duration
}

// Server serves the OAuth endpoints and the consent decisions.
type Server struct {
	cfg  Config
	mux  *http.ServeMux
	cimd *cimdFetcher // client ID metadata documents
}

// New validates cfg and builds the route table.
func New(cfg Config) (*Server, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("oauth: Config.Store is required"))
	}
	if cfg.Audit == nil {
		errs = append(errs, errors.New("oauth: Config.Audit is required"))
	}
	if cfg.Issuer == "" {
		errs = append(errs, errors.New("oauth: Config.Issuer is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	s := &Server{cfg: withDefaults(cfg), mux: http.NewServeMux()}
	s.cimd = newCIMDFetcher(s.cfg.Now)
	for _, rt := range s.routes() {
		s.mux.Handle(rt.pattern, rt.h)
	}
	return s, nil
}

func withDefaults(cfg Config) Config {
	cfg.Issuer = strings.TrimRight(cfg.Issuer, "/")
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Tokens == nil {
		cfg.Tokens = noForget{}
	}
	if cfg.ConsentPath == "" {
		cfg.ConsentPath = "/consent"
	}
	if cfg.AccessTTL <= 0 {
		cfg.AccessTTL = DefaultAccessTTL
	}
	if cfg.CodeTTL <= 0 {
		cfg.CodeTTL = DefaultCodeTTL
	}
	if len(cfg.Durations) == 0 {
		cfg.Durations = DefaultDurations
	}
	if cfg.Duration == 0 {
		cfg.Duration = DefaultDuration
	}
	if cfg.ClientTTL <= 0 {
		cfg.ClientTTL = DefaultClientTTL
	}
	if cfg.Registrations == nil {
		cfg.Registrations = identity.NewMemoryLimiter(DefaultRegisterRate, cfg.Now)
	}
	return cfg
}

type noForget struct{}

func (noForget) Forget() {}

type route struct {
	pattern string
	h       http.Handler
}

// routes is the protocol surface. The public JSON endpoints answer CORS
// preflights so that browser-based clients (the MCP Inspector) can use
// them; /oauth/authorize is a browser navigation and needs none.
func (s *Server) routes() []route {
	return []route{
		{"GET /.well-known/oauth-authorization-server", cors(s.metadata)},
		{"GET /.well-known/openid-configuration", cors(s.metadata)},
		{"GET /.well-known/oauth-protected-resource/mcp/{endpoint}", cors(s.resourceMetadata)},
		{"POST /oauth/register", cors(s.register)},
		{"GET /oauth/authorize", http.HandlerFunc(s.authorize)},
		{"POST /oauth/token", cors(s.token)},
		{"POST /oauth/revoke", cors(s.revoke)},
		{"OPTIONS /.well-known/", cors(nil)},
		{"OPTIONS /oauth/", cors(nil)},
	}
}

// ServeHTTP serves /oauth/... and /.well-known/...
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// cors allows any origin without credentials; next nil answers a
// preflight.
func cors(next http.HandlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type, MCP-Protocol-Version")
		h.Set("Access-Control-Max-Age", "600")
		if next == nil {
			w.WriteHeader(http.StatusNoContent)
			return
		}
		next(w, r)
	})
}

// ResourceURL is the RFC 8707 resource of an endpoint.
func (s *Server) ResourceURL(endpoint string) string {
	return s.cfg.Issuer + "/mcp/" + endpoint
}

// clientIP is the peer address of r; X-Forwarded-For is not trusted.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
