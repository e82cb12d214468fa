package upstream

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/postgres"
)

// TestOAuthRefreshOnceAcrossReplicasPostgres runs the single-refresh check
// with two pools on two separate PostgreSQL connection pools: only the
// lease in the database keeps the replicas from refreshing twice.
func TestOAuthRefreshOnceAcrossReplicasPostgres(t *testing.T) {
	dsn := freshPostgres(t)
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

// freshPostgres creates an empty database on SWITCHBOARD_TEST_POSTGRES_DSN,
// dropped at the end, and returns its DSN; without the variable it skips.
func freshPostgres(t *testing.T) string {
	t.Helper()
	server := os.Getenv("SWITCHBOARD_TEST_POSTGRES_DSN")
	if server == "" {
		t.Skip("SWITCHBOARD_TEST_POSTGRES_DSN is not set")
	}
	u, err := url.Parse(server)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		t.Skip("SWITCHBOARD_TEST_POSTGRES_DSN is not a postgres:// URL")
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := "sbup_" + strings.ToLower(rand.Text()[:16])
	if _, err := admin.ExecContext(t.Context(), `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
