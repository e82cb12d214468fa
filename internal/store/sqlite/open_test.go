package sqlite_test

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
)

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchboard.db")
	s := openFile(t, path)
	if err := s.CreateUser(t.Context(), store.User{ID: "u1", Email: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{path, path + "-wal"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if mode := fi.Mode().Perm(); mode != 0o600 {
			t.Errorf("%s has mode %o, want 600", filepath.Base(p), mode)
		}
	}
}

func TestOpenUsesWAL(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchboard.db")
	openFile(t, path)
	db := rawDB(t, path)
	var mode string
	if err := db.QueryRowContext(t.Context(), `PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" {
		t.Errorf("journal_mode = %q, want wal", mode)
	}
}

// TestReopen checks that data survives a reopen and that migrating an
// up-to-date database changes nothing.
func TestReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data dir?#", "switchboard.db")
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		t.Fatal(err)
	}
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{ID: "u1", Email: "a@example.com", Name: "A"}
	if err := s.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	s2 := openFile(t, path)
	if _, err := s2.GetUser(t.Context(), "u1"); err != nil {
		t.Fatalf("user lost across reopen: %v", err)
	}
	var n int
	if err := rawDB(t, path).QueryRowContext(t.Context(), `SELECT COUNT(*) FROM migrations`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	files, err := filepath.Glob("../sqlstore/migrations/*.sql")
	if err != nil {
		t.Fatal(err)
	}
	if n != len(files) {
		t.Errorf("migrations table has %d rows, want one per migration, %d", n, len(files))
	}
}

func TestOpenRefusesNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "switchboard.db")
	s, err := sqlite.Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err = rawDB(t, path).ExecContext(t.Context(),
		`INSERT INTO migrations (version, name, applied_at) VALUES (999, '0999_future.sql', 0)`)
	if err != nil {
		t.Fatal(err)
	}
	s, err = sqlite.Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open succeeded on a database from a newer binary")
	}
	if !strings.Contains(err.Error(), "newer") {
		t.Errorf("error = %v, want it to say the schema is newer", err)
	}
}

func TestOpenMemoryIsPrivate(t *testing.T) {
	a, b := openFile(t, sqlite.Memory), openFile(t, sqlite.Memory)
	if err := a.CreateUser(t.Context(), store.User{ID: "u1", Email: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.GetUser(t.Context(), "u1"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("second in-memory store sees the first one's user: err = %v", err)
	}
}

// TestConcurrentAuditAndReads runs 64 goroutines against a file database:
// half append audit batches (retrying on ErrConflict as the audit writer
// does), half read. Nothing may fail with SQLITE_BUSY or anything else.
func TestConcurrentAuditAndReads(t *testing.T) {
	s := openFile(t, filepath.Join(t.TempDir(), "switchboard.db"))
	ctx := t.Context()
	if err := s.CreateUser(ctx, store.User{ID: "u1", Email: "a@example.com"}); err != nil {
		t.Fatal(err)
	}
	const goroutines, batches, batchSize = 64, 4, 8
	var wg sync.WaitGroup
	for g := range goroutines {
		if g%2 == 0 {
			wg.Go(func() {
				for b := range batches {
					if err := appendBatch(s, t, fmt.Sprintf("g%d_b%d", g, b), batchSize); err != nil {
						t.Errorf("writer %d: %v", g, err)
						return
					}
				}
			})
			continue
		}
		wg.Go(func() {
			for range batches * 4 {
				if err := readSome(s, t); err != nil {
					t.Errorf("reader %d: %v", g, err)
					return
				}
			}
		})
	}
	wg.Wait()

	head, err := s.AuditHead(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int64(goroutines / 2 * batches * batchSize); head.Seq != want {
		t.Errorf("head seq = %d, want %d", head.Seq, want)
	}
}

// appendBatch appends n events after the head, retrying on ErrConflict.
func appendBatch(s store.Store, t *testing.T, id string, n int) error {
	for range 10000 {
		head, err := s.AuditHead(t.Context())
		if err != nil && !errors.Is(err, store.ErrNotFound) {
			return err
		}
		evs := make([]store.AuditEvent, n)
		for i := range evs {
			evs[i] = store.AuditEvent{Seq: head.Seq + 1 + int64(i), ID: fmt.Sprintf("%s_%d", id, i), Code: "mcp.tool.call"}
		}
		err = s.AppendAudit(t.Context(), evs)
		if !errors.Is(err, store.ErrConflict) {
			return err
		}
	}
	return errors.New("still conflicting after 10000 attempts")
}

func readSome(s store.Store, t *testing.T) error {
	ctx := t.Context()
	if _, err := s.ListAudit(ctx, store.AuditFilter{Code: "mcp.tool.call", Limit: 20}); err != nil {
		return err
	}
	if _, err := s.AuditHead(ctx); err != nil && !errors.Is(err, store.ErrNotFound) {
		return err
	}
	_, err := s.GetUser(ctx, "u1")
	return err
}

// rawDB opens the database file directly, bypassing the store.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}
