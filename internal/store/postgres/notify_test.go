package postgres_test

import (
	"context"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
	"os"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
)

// TestNotifierReachesOtherReplicas: a notice from one replica reaches the
// other's listener and not the sender's own.
func TestNotifierReachesOtherReplicas(t *testing.T) {
	dsn := os.Getenv(testenv.PostgresEnv)
	if dsn == "" {
		t.Skip(testenv.PostgresEnv + " is not set")
	}
	a, b := postgres.NewNotifier(dsn, "replica-a"), postgres.NewNotifier(dsn, "replica-b")
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	heard := map[string]chan struct{}{"a": make(chan struct{}, 8), "b": make(chan struct{}, 8)}
	for name, n := range map[string]*postgres.Notifier{"a": a, "b": b} {
		ready := make(chan struct{})
		go n.Listen(ctx, func(context.Context) { heard[name] <- struct{}{} }, func(err error) { t.Log(err) }, ready)
		select {
		case <-ready:
		case <-time.After(10 * time.Second):
			t.Fatalf("replica %s never started listening", name)
		}
		<-heard[name] // the catch-up call once LISTEN is in place
	}
	if err := a.Notify(t.Context()); err != nil {
		t.Fatal(err)
	}
	select {
	case <-heard["b"]:
	case <-time.After(5 * time.Second):
		t.Fatal("replica b did not hear replica a's change")
	}
	select {
	case <-heard["a"]:
		t.Error("replica a heard its own change")
	case <-time.After(200 * time.Millisecond):
	}
}
