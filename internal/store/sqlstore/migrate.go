package sqlstore

import (
	"context"
	"embed"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema change, migrations/NNNN_name.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// migrationLock is the PostgreSQL advisory lock key that keeps two
// processes from migrating the same database at once.
const migrationLock = 0x5377_6974_6368 // "Switch"

// loadMigrations reads the embedded migrations, ordered by version. The
// versions must run 1, 2, 3… without gaps.
func loadMigrations() ([]migration, error) {
	entries, err := migrationFiles.ReadDir("migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		m, err := parseMigration(e.Name())
		if err != nil {
			return nil, err
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", e.Name()))
		if err != nil {
			return nil, err
		}
		m.sql = string(b)
		ms = append(ms, m)
	}
	slices.SortFunc(ms, func(a, b migration) int { return a.version - b.version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// parseMigration parses a file name such as 0001_init.sql.
func parseMigration(file string) (migration, error) {
	num, _, ok := strings.Cut(strings.TrimSuffix(file, ".sql"), "_")
	v, err := strconv.Atoi(num)
	if !ok || err != nil || v <= 0 {
		return migration{}, fmt.Errorf("migration %s: name must look like 0001_name.sql", file)
	}
	return migration{version: v, name: file}, nil
}

// Migrate brings the schema up to date, applying each missing migration in
// its own transaction. It refuses a database migrated by a newer binary.
func (s *Store) Migrate(ctx context.Context) error {
	ms, err := loadMigrations()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if err := s.update(ctx, func(c conn) error { return s.createMigrationsTable(ctx, c) }); err != nil {
		return fmt.Errorf("migrate: create migrations table: %w", err)
	}
	for _, m := range ms {
		if err := s.update(ctx, func(c conn) error { return s.apply(ctx, c, m) }); err != nil {
			return fmt.Errorf("migrate: %s: %w", m.name, err)
		}
	}
	var latest int
	err = s.reader().queryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM migrations`).Scan(&latest)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if latest > len(ms) {
		return fmt.Errorf("migrate: database schema version %d is newer than this binary's %d", latest, len(ms))
	}
	return nil
}

func (s *Store) createMigrationsTable(ctx context.Context, c conn) error {
	if err := s.lockMigrations(ctx, c); err != nil {
		return err
	}
	_, err := c.exec(ctx, `CREATE TABLE IF NOT EXISTS migrations (
		version     integer PRIMARY KEY,
		name        text NOT NULL,
		applied_at  bigint NOT NULL
	)`)
	return err
}

// apply runs m unless it has already been applied.
func (s *Store) apply(ctx context.Context, c conn, m migration) error {
	if err := s.lockMigrations(ctx, c); err != nil {
		return err
	}
	var n int
	if err := c.queryRow(ctx, `SELECT COUNT(*) FROM migrations WHERE version = $1`, m.version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := c.exec(ctx, m.sql); err != nil {
		return err
	}
	// applied_at is bookkeeping for operators, not logic: the wall clock is fine.
	_, err := c.exec(ctx, `INSERT INTO migrations (version, name, applied_at) VALUES ($1, $2, $3)`,
		m.version, m.name, time.Now().UnixNano())
	return err
}

// lockMigrations serializes migrations across processes until the
// transaction ends. SQLite's write transactions already exclude each other.
func (s *Store) lockMigrations(ctx context.Context, c conn) error {
	if s.d.Flavor != Postgres {
		return nil
	}
	_, err := c.exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock))
	return err
}
