package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" driver

	"github.com/switchboard-mcp/switchboard/internal/store/sqlstore"
)

// PostgreSQL error codes (SQLSTATE) that sqlstore needs told apart.
const (
	codeUniqueViolation      = "23505"
	codeForeignKeyViolation  = "23503"
	codeSerializationFailure = "40001"
	codeDeadlockDetected     = "40P01"
)

// Pool limits. Connections are closed after a while idle so that a quiet
// gateway holds few server processes.
const (
	maxOpenConns    = 16
	maxIdleConns    = 4
	connMaxIdleTime = 5 * time.Minute
)

// Open connects to the PostgreSQL database that dsn names (a URL or
// key=value string, as libpq takes), checks that it answers, and migrates
// its schema.
func Open(ctx context.Context, dsn string) (*sqlstore.Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, fmt.Errorf("open postgres store: %w", err)
	}
	db.SetMaxOpenConns(maxOpenConns)
	db.SetMaxIdleConns(maxIdleConns)
	db.SetConnMaxIdleTime(connMaxIdleTime)
	if err := db.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open postgres store: %w", err), db.Close())
	}
	s := sqlstore.New(db, dialect())
	if err := s.Migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open postgres store: %w", err), s.Close())
	}
	return s, nil
}

// dialect describes PostgreSQL and pgx's errors to sqlstore.
func dialect() sqlstore.Dialect {
	return sqlstore.Dialect{
		Flavor:                sqlstore.Postgres,
		IsUniqueViolation:     func(err error) bool { return code(err) == codeUniqueViolation },
		IsForeignKeyViolation: func(err error) bool { return code(err) == codeForeignKeyViolation },
		IsRetryable: func(err error) bool {
			c := code(err)
			return c == codeSerializationFailure || c == codeDeadlockDetected
		},
	}
}

// code returns the SQLSTATE of a server error, or "".
func code(err error) string {
	if e, ok := errors.AsType[*pgconn.PgError](err); ok {
		return e.Code
	}
	return ""
}
