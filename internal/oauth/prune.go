package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// DefaultClientTTL is how long a dynamically registered client may go
// unused before it is pruned.
const DefaultClientTTL = 30 * day

// DefaultPruneEvery is how often RunPruner looks for unused clients.
const DefaultPruneEvery = time.Hour

// CheckRedirectURIs validates the redirect URIs of a client as
// registration does (OAuth 2.1 §2.3, RFC 8252). The error's message names
// the bad entry and is safe to show.
func CheckRedirectURIs(uris []string) error {
	if err := checkRedirectURIs(uris); err != nil {
		return errors.New(err.Description)
	}
	return nil
}

// PruneClients deletes the dynamically registered clients unused (no
// authorization or token request) for Config.ClientTTL, with their grants
// and tokens, and records each deletion. It returns how many it removed.
func (s *Server) PruneClients(ctx context.Context) (int, error) {
	before := s.cfg.Now().UTC().Add(-s.cfg.ClientTTL)
	ids, err := s.cfg.Store.DeleteUnusedOAuthClients(ctx, store.ClientSourceDCR, before)
	if err != nil {
		return 0, err
	}
	if len(ids) > 0 {
		s.cfg.Tokens.Forget()
	}
	var errs []error
	for _, id := range ids {
		errs = append(errs, s.recordSystem(ctx, audit.CodeClientDeleted, id, map[string]any{
			"reason": "unused", "unused_since": before, "source": store.ClientSourceDCR}))
	}
	return len(ids), errors.Join(errs...)
}

// RunPruner prunes unused clients now and every `every` until ctx ends.
// ctx is the server's lifetime context.
func (s *Server) RunPruner(ctx context.Context, every time.Duration) {
	runEvery(ctx, every, func(ctx context.Context) {
		if n, err := s.PruneClients(ctx); err != nil {
			s.cfg.Logger.ErrorContext(ctx, "prune oauth clients", "err", err)
		} else if n > 0 {
			s.cfg.Logger.InfoContext(ctx, "pruned unused oauth clients", "count", n)
		}
	})
}

// runEvery runs fn now and then every period (DefaultPruneEvery when not
// positive) until ctx ends.
func runEvery(ctx context.Context, every time.Duration, fn func(context.Context)) {
	if every <= 0 {
		every = DefaultPruneEvery
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		fn(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// recordSystem writes an event of the server itself (no request).
func (s *Server) recordSystem(ctx context.Context, code, clientID string, detail map[string]any) error {
	detail["client_id"] = clientID
	e := store.AuditEvent{Code: code, RequestID: identity.NewID("req"), ActorType: audit.ActorSystem,
		Outcome: audit.OutcomeOK, Method: "oauth"}
	e.Request, _ = json.Marshal(detail)
	if _, err := s.cfg.Audit.Record(ctx, e); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "audit record failed", "code", code, "err", err)
		return err
	}
	return nil
}
