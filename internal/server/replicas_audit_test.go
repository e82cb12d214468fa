package server

import (
	"context"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
)

// TestReplicasShareOneAuditChain: two replicas' audit writers append to
// one PostgreSQL database at once; every event is recorded and the chain
// they make together verifies.
func TestReplicasShareOneAuditChain(t *testing.T) {
	dsn := testenv.FreshPostgres(t)
	const perReplica, callers = 400, 8
	var failed atomic.Int64
	var wg sync.WaitGroup
	for r := range 2 {
		st, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		w, err := audit.NewWriter(t.Context(), audit.Config{Store: st})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { w.Close() })
		for c := range callers {
			wg.Go(func() {
				for range perReplica / callers {
					ev := store.AuditEvent{Code: audit.CodeToolCall, ActorID: "usr_x", Tool: "echo", Outcome: audit.OutcomeOK}
					if _, err := w.Record(context.Background(), ev); err != nil {
						failed.Add(1)
						t.Logf("replica %d caller %d: %v", r, c, err)
					}
				}
			})
		}
	}
	wg.Wait()
	if n := failed.Load(); n != 0 {
		t.Errorf("%d of %d events failed to record", n, 2*perReplica)
	}
	st, err := postgres.Open(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rep, err := audit.Verify(t.Context(), st, audit.VerifyOptions{})
	if err != nil || !rep.OK || rep.Count != 2*perReplica {
		t.Fatalf("verify: %+v, %v; want %d events, chain intact", rep, err, 2*perReplica)
	}
}
