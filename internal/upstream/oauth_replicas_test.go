package upstream

import (
	"crypto/rand"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
)

// TestOAuthRefreshOnceAcrossReplicasPostgres runs the single-refresh check
// with two pools on two separate PostgreSQL connection pools: only the
// lease in the database keeps the replicas from refreshing twice.
func TestOAuthRefreshOnceAcrossReplicasPostgres(t *testing.T) {
	dsn := testenv.FreshPostgres(t)
	open := func() store.Store {
		st, err := postgres.Open(t.Context(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	st1, st2 := open(), open()
	key := make([]byte, 32)
	rand.Read(key)
	f := newOAuthFixtureOn(t, store.ModeShared, st1, key)
	refreshOnce(t, f, f.replica(t, st2, key))
}
