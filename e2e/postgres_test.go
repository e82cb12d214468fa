package e2e

import (
	"context"
	"crypto/rand"
	"database/sql"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create the test database
)

// freshE2EPostgres creates an empty database on
// SWITCHBOARD_TEST_POSTGRES_DSN, dropped when the test ends, and returns
// its URL. Without the variable the test skips, unless CI is set.
func freshE2EPostgres(t *testing.T) string {
	t.Helper()
	server := os.Getenv("SWITCHBOARD_TEST_POSTGRES_DSN")
	if server == "" {
		if os.Getenv("CI") != "" {
			t.Fatal("CI is set but SWITCHBOARD_TEST_POSTGRES_DSN is not: PostgreSQL tests must run in CI")
		}
		t.Skip("SWITCHBOARD_TEST_POSTGRES_DSN is not set")
	}
	u, err := url.Parse(server)
	if err != nil || !strings.HasPrefix(u.Scheme, "postgres") {
		t.Fatalf("SWITCHBOARD_TEST_POSTGRES_DSN %q is not a postgres:// URL", server)
	}
	db, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	name := "sbe2e_" + strings.ToLower(rand.Text()[:16])
	if _, err := db.ExecContext(t.Context(), `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if _, err := db.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	return u.String()
}
