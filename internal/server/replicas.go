package server

import (
	"context"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
)

// replicas keeps the gateways of replicas that share a PostgreSQL database
// in step: a configuration change here is announced with NOTIFY, and a
// change announced elsewhere reloads this gateway. SQLite has one server
// per file and needs none of it (a nil *replicas does nothing).
type replicas struct {
	n    *postgres.Notifier
	stop context.CancelFunc
	done chan struct{}
}

// startReplicas listens for other replicas' changes when the store is
// PostgreSQL; ready, if not nil, closes once listening.
func (s *Server) startReplicas(ready chan<- struct{}) {
	if s.cfg.DatabaseURL == "" {
		return
	}
	ctx, cancel := context.WithCancel(context.Background())
	r := &replicas{n: postgres.NewNotifier(s.cfg.DatabaseURL, identity.NewID("rep")), stop: cancel, done: make(chan struct{})}
	s.replicas = r
	go func() {
		defer close(r.done)
		r.n.Listen(ctx, s.reloadFromReplica, func(err error) {
			s.logger.Warn("listening for other replicas' changes failed; retrying", "err", err)
		}, ready)
	}()
}

// reloadFromReplica reloads the gateway after another replica's change.
func (s *Server) reloadFromReplica(ctx context.Context) {
	if s.gateway == nil {
		return
	}
	if err := s.gateway.Reload(ctx); err != nil {
		s.logger.WarnContext(ctx, "gateway reload after another replica's change failed", "err", err)
	}
}

// configChanged reloads this gateway and tells the other replicas. It is
// the admin API's OnChange.
func (s *Server) configChanged(ctx context.Context) error {
	err := s.gateway.Reload(ctx)
	s.replicas.notify(ctx, s)
	return err
}

func (r *replicas) notify(ctx context.Context, s *Server) {
	if r == nil {
		return
	}
	if err := r.n.Notify(ctx); err != nil {
		s.logger.WarnContext(ctx, "telling other replicas about a change failed; they catch up at their next reconnect", "err", err)
	}
}

// close stops listening; nil-safe.
func (r *replicas) close() {
	if r == nil {
		return
	}
	r.stop()
	<-r.done
}
