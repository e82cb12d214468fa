package testenv

import (
	"context"
	"crypto/rand"
	"database/sql"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" driver, to create databases
)

// PostgresEnv names the PostgreSQL server the tests create their
// databases on, such as postgres://postgres@127.0.0.1:5432/test.
const PostgresEnv = "SWITCHBOARD_TEST_POSTGRES_DSN"

// FreshPostgres creates an empty database on the PostgresEnv server,
// dropped when t ends, and returns its DSN. Without the server it skips
// t, or fails it when CI is set: CI must run the PostgreSQL tests.
func FreshPostgres(t testing.TB) string {
	t.Helper()
	server := os.Getenv(PostgresEnv)
	if server == "" {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is not set; CI must run the PostgreSQL tests", PostgresEnv)
		}
		t.Skipf("%s is not set", PostgresEnv)
	}
	admin, err := sql.Open("pgx", server)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	name := "sbtest_" + strings.ToLower(rand.Text()[:16])
	if _, err := admin.ExecContext(t.Context(), `CREATE DATABASE `+name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	// Registered after admin's Close, so it runs first, and after what
	// the caller opens on the database later, which closes earlier.
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second) // t.Context is done
		defer cancel()
		if _, err := admin.ExecContext(ctx, `DROP DATABASE IF EXISTS `+name+` WITH (FORCE)`); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	return withDatabase(t, server, name)
}

// withDatabase returns dsn (a URL or key=value string) with its
// database replaced by name.
func withDatabase(t testing.TB, dsn, name string) string {
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatalf("%s: %v", PostgresEnv, err)
		}
		u.Path = "/" + name
		return u.String()
	}
	return fmt.Sprintf("%s dbname=%s", dsn, name)
}
