package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// ConfigChannel is the LISTEN/NOTIFY channel on which replicas that share
// a database announce configuration changes.
const ConfigChannel = "switchboard_config"

// Notifier tells the other replicas sharing a PostgreSQL database that the
// configuration changed, and hears them, with LISTEN/NOTIFY. The payload
// is the sender's ID, so that a replica ignores its own notices.
type Notifier struct {
	dsn  string
	self string
}

// NewNotifier returns a notifier for the database dsn names; self
// identifies this replica.
func NewNotifier(dsn, self string) *Notifier {
	return &Notifier{dsn: dsn, self: self}
}

// Notify announces a change. It opens a short connection: changes are
// admin actions, rare next to tool calls.
func (n *Notifier) Notify(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, n.dsn)
	if err != nil {
		return fmt.Errorf("notify replicas: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "SELECT pg_notify($1, $2)", ConfigChannel, n.self); err != nil {
		return fmt.Errorf("notify replicas: %w", err)
	}
	return nil
}

// Listen calls changed for every notice from another replica until ctx
// ends. Each time LISTEN is (re)established it calls changed once, since
// a notice may have been missed before; after a lost connection it
// reconnects, backing off up to 10 s.
// ready, if not nil, is closed when the first LISTEN is in place.
func (n *Notifier) Listen(ctx context.Context, changed func(context.Context), onErr func(error), ready chan<- struct{}) {
	var once sync.Once
	listening := func() {
		if ready != nil {
			once.Do(func() { close(ready) })
		}
	}
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := n.listenOnce(ctx, changed, listening)
		if ctx.Err() != nil {
			return
		}
		if onErr != nil && err != nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 10*time.Second)
	}
}

// listenOnce holds one LISTEN connection until it fails or ctx ends.
func (n *Notifier) listenOnce(ctx context.Context, changed func(context.Context), listening func()) error {
	conn, err := pgx.Connect(ctx, n.dsn)
	if err != nil {
		return fmt.Errorf("listen for replicas: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+ConfigChannel); err != nil {
		return fmt.Errorf("listen for replicas: %w", err)
	}
	listening()
	changed(ctx)
	for {
		note, err := conn.WaitForNotification(ctx)
		if err != nil {
			if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
				return nil
			}
			return fmt.Errorf("listen for replicas: %w", err)
		}
		if note.Payload != n.self {
			changed(ctx)
		}
	}
}
