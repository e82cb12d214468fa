package oauth

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

func pruneClient(t *testing.T, e *env, id, source string, lastUsed time.Time) {
	t.Helper()
	c := store.OAuthClient{ID: id, Name: id, RedirectURIs: []string{"http://127.0.0.1/cb"}, AuthMethod: store.ClientAuthNone,
		GrantTypes: []string{grantAuthCode}, Source: source, CreatedAt: lastUsed, LastUsedAt: lastUsed}
	if err := e.st.CreateOAuthClient(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

func TestPruneClients(t *testing.T) {
	e := newEnv(t)
	old := e.now.Add(-DefaultClientTTL - time.Hour)
	pruneClient(t, e, "cl_old", store.ClientSourceDCR, old)
	pruneClient(t, e, "cl_recent", store.ClientSourceDCR, e.now.Add(-DefaultClientTTL+time.Hour))
	pruneClient(t, e, "cl_admin", store.ClientSourceAdmin, old)
	// A grant of the old client goes with it.
	code := e.code(t, "cl_old", "http://127.0.0.1/cb", s256(strings.Repeat("v", 43)))
	if code == "" {
		t.Fatal("no code")
	}
	n, err := e.srv.PruneClients(t.Context())
	if err != nil || n != 1 {
		t.Fatalf("PruneClients = %d, %v", n, err)
	}
	if _, err := e.st.GetOAuthClient(t.Context(), "cl_old"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("old client: %v", err)
	}
	for _, id := range []string{"cl_recent", "cl_admin"} {
		if _, err := e.st.GetOAuthClient(t.Context(), id); err != nil {
			t.Errorf("%s: %v", id, err)
		}
	}
	evs, _ := e.st.ListAudit(t.Context(), store.AuditFilter{Code: audit.CodeClientDeleted})
	if len(evs) != 1 || evs[0].ActorType != audit.ActorSystem {
		t.Errorf("events = %+v", evs)
	}
}

// TestRunEvery runs the pruner's loop on synctest's fake clock: once at
// start, then once per period, until its context ends.
func TestRunEvery(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		var runs atomic.Int64
		done := make(chan struct{})
		go func() { runEvery(ctx, time.Hour, func(context.Context) { runs.Add(1) }); close(done) }()
		synctest.Wait()
		if n := runs.Load(); n != 1 {
			t.Fatalf("runs at start = %d", n)
		}
		time.Sleep(3*time.Hour + time.Second) // fake time: the bubble's clock jumps
		synctest.Wait()
		if n := runs.Load(); n != 4 {
			t.Errorf("runs after 3 periods = %d, want 4", n)
		}
		cancel()
		<-done
	})
}
