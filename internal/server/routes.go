package server

import (
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/telemetry"
)

// routes is the single route table of the process. Each surface has its
// own middleware: the MCP gateway authenticates bearer tokens itself, the
// admin API answers JSON.
func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/mcp/{endpoint}", s.gateway)
	mux.Handle("/api/", s.admin)
	s.authRoutes(mux) // /oauth/, /.well-known/, /login, /logout, /consent, /assets/
	mux.Handle("GET /metrics", guardMetrics(s.metrics.Handler(), s.cfg.MetricsToken.Reveal()))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		_, _ = w.Write([]byte("ok\n"))
	})
	mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, _ = w.Write([]byte("Switchboard " + Version + "\n\nMCP endpoints: /mcp/{endpoint}\nAdmin API:     /api/v1 (OpenAPI at /api/v1/openapi.json)\n"))
	})
	return s.withMiddleware(mux)
}

// withMiddleware adds what every surface shares: a request ID and an
// access log that never contains credentials, bodies or query strings.
func (s *Server) withMiddleware(h http.Handler) http.Handler {
	return telemetry.AssignRequestID(telemetry.LogRequests(s.logger, h))
}
