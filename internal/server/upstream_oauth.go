package server

import (
	"context"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/web"
)

// upstreamRedirectURI is the callback Switchboard registers at upstream
// authorization servers.
func upstreamRedirectURI(publicURL string) string {
	return strings.TrimRight(publicURL, "/") + web.UpstreamCallbackPath
}

// reloadAfterConnect rebuilds the gateway after a first upstream OAuth
// connection synced a server's catalog, so its tools appear at once.
func (s *Server) reloadAfterConnect(ctx context.Context) {
	if s.gateway == nil {
		return
	}
	if err := s.configChanged(ctx); err != nil {
		s.logger.WarnContext(ctx, "gateway reload after upstream connect failed", "err", err)
	}
}
