package web

import (
	"context"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/oauth"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

//go:embed templates/*.html
var templateFiles embed.FS

//go:embed assets/sb.css
var stylesheet []byte

var templates = template.Must(template.ParseFS(templateFiles, "templates/*.html"))

// Recorder durably appends audit events; *audit.Writer implements it.
type Recorder interface {
	Record(ctx context.Context, ev store.AuditEvent) (store.AuditEvent, error)
}

// Config configures the browser surface. Every field but Logger and Now is
// required.
type Config struct {
	Sessions  *identity.Sessions
	Logins    *identity.Logins
	OAuth     *oauth.Server
	Audit     Recorder
	Logger    *slog.Logger
	Now       func() time.Time
	PublicURL string // decides whether cookies may drop Secure (plain-http loopback only)
	// SSO, optional, signs people in through an OpenID Connect provider
	// (/login/sso); the sign-in page offers it when set.
	SSO *identity.SSO
	// CLICodes, optional, enables /cli/login, the browser step of
	// `switchboard login`.
	CLICodes *identity.CLICodes
	// Upstream, optional, enables connecting upstream OAuth accounts
	// (/connections/oauth/start and the callback).
	Upstream UpstreamConnector
	// UpstreamSynced, optional, runs after a first connection synced a
	// server's catalog (the gateway reloads).
	UpstreamSynced func(context.Context)
	// Connections, optional, enables the "My connections" page
	// (/connections), where users enter their own static secrets.
	Connections *Connections
}

// Handler serves the browser routes.
type Handler struct {
	cfg    Config
	mux    *http.ServeMux
	cookie cookieNames
	secure bool
	cop    *http.CrossOriginProtection
}

// New validates cfg and builds the route table.
func New(cfg Config) (*Handler, error) {
	var errs []error
	if cfg.Sessions == nil || cfg.Logins == nil || cfg.OAuth == nil || cfg.Audit == nil {
		errs = append(errs, errors.New("web: Config.Sessions, Logins, OAuth and Audit are required"))
	}
	u, err := url.Parse(cfg.PublicURL)
	if err != nil || u.Host == "" {
		errs = append(errs, errors.New("web: Config.PublicURL must be an absolute URL"))
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
	h := &Handler{cfg: cfg, mux: http.NewServeMux(), cop: http.NewCrossOriginProtection()}
	h.secure = !(u.Scheme == "http" && isLoopback(u.Hostname()))
	h.cookie = names(h.secure)
	if h.secure && u.Scheme == "http" {
		cfg.Logger.Warn("public_url is plain http on a non-loopback host: browsers will not send the Secure session cookie; serve https")
	}
	for _, rt := range h.routes() {
		h.mux.Handle(rt.pattern, h.protect(rt))
	}
	return h, nil
}

// route is one browser route; form marks a state-changing one.
type route struct {
	pattern string
	form    bool
	h       http.HandlerFunc
}

// routes is the browser surface. server mounts each path on its mux.
func (h *Handler) routes() []route {
	return []route{
		{"GET /login", false, h.loginPage},
		{"POST /login", true, h.login},
		{"GET /login/sso", false, h.ssoStart},
		{"GET /login/sso/callback", false, h.ssoCallback},
		{"POST /logout", true, h.logout},
		{"GET /consent", false, h.consentPage},
		{"POST /consent", true, h.consent},
		{"GET /cli/login", false, h.cliLoginPage},
		{"POST /cli/login", true, h.cliLogin},
		{"GET /connections", false, h.connectionsPage},
		{"POST /connections", true, h.connections},
		{"GET /connections/oauth/start", false, h.upstreamOAuthStart},
		{"GET " + UpstreamCallbackPath, false, h.upstreamOAuthCallback},
		{"GET /assets/sb.css", false, h.css},
	}
}

// ServeHTTP serves the browser routes.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func (h *Handler) css(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/css; charset=utf-8")
	w.Header().Set("Cache-Control", "public, max-age=3600")
	_, _ = w.Write(stylesheet)
}

// page is what every template gets.
type page struct {
	Title    string
	Error    string
	Message  string
	Email    string
	CSRF     string
	ReturnTo string
	Action   string
	View     oauth.ConsentView
	SSO      string // the start of an SSO sign-in, "" when SSO is off
	// Connections is the "My connections" page's data.
	Connections *connectionsView
	// Connect maps a personal server of the consent page that the user
	// has not connected to the link that connects it.
	Connect map[string]string
}

// render writes a template; a failure is logged (the status is sent).
func (h *Handler) render(w http.ResponseWriter, r *http.Request, status int, name string, p page) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	if err := templates.ExecuteTemplate(w, name, p); err != nil {
		h.cfg.Logger.ErrorContext(r.Context(), "render page", "template", name, "err", err)
	}
}

// fail shows an error page.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	h.render(w, r, status, "error", page{Title: http.StatusText(status), Message: msg})
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip, err := netip.ParseAddr(host)
	return err == nil && ip.IsLoopback()
}
