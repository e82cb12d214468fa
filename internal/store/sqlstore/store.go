package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxAttempts bounds how often a transaction runs when the dialect reports
// a transient failure.
const maxAttempts = 8

// Store implements store.Store on database/sql.
type Store struct {
	write *sql.DB // read-write transactions
	read  *sql.DB // reads; the same pool as write unless NewSplit was used
	d     Dialect
	t     *translator

	stmts sync.Map // PostgreSQL-syntax query → *sql.Stmt on write, for hot writes
}

var _ store.Store = (*Store)(nil)

// New returns a Store that runs every query on db. Call Migrate before
// using it.
func New(db *sql.DB, d Dialect) *Store {
	return NewSplit(db, db, d)
}

// NewSplit returns a Store that writes through write and reads through
// read. SQLite uses it to keep all writers on one connection while readers
// run in parallel. Close closes both pools.
func NewSplit(write, read *sql.DB, d Dialect) *Store {
	return &Store{write: write, read: read, d: d, t: &translator{flavor: d.Flavor}}
}

// Close closes the database pools.
func (s *Store) Close() error {
	s.stmts.Range(func(_, v any) bool {
		v.(*sql.Stmt).Close()
		return true
	})
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs queries written in PostgreSQL syntax on a pool or in a
// transaction, translated for the dialect.
type conn struct {
	q querier
	t *translator
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.t.translate(query), args...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.t.translate(query), args...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.t.translate(query), args...)
}

// reader returns a conn for single-statement reads.
func (s *Store) reader() conn {
	return conn{q: s.read, t: s.t}
}

// view runs fn in a read-only transaction, so that its queries see one
// snapshot.
func (s *Store) view(ctx context.Context, fn func(conn) error) error {
	tx, err := s.read.BeginTx(ctx, s.d.readTxOptions())
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(conn{q: tx, t: s.t}); err != nil {
		return err
	}
	return tx.Commit()
}

// update runs fn in a read-write transaction and commits it. When the
// dialect reports a transient failure, the whole transaction runs again.
func (s *Store) update(ctx context.Context, fn func(conn) error) error {
	return s.updateWith(ctx, s.d.writeTxOptions(), fn)
}

// updateLocked is update at READ COMMITTED, for transactions that take an
// advisory lock first: every statement after the lock then sees what the
// previous holder committed, where a serializable snapshot, taken before
// the wait, would not.
func (s *Store) updateLocked(ctx context.Context, fn func(conn) error) error {
	var opts *sql.TxOptions
	if s.d.Flavor == Postgres {
		opts = &sql.TxOptions{Isolation: sql.LevelReadCommitted}
	}
	return s.updateWith(ctx, opts, fn)
}

func (s *Store) updateWith(ctx context.Context, opts *sql.TxOptions, fn func(conn) error) error {
	var err error
	for attempt := range maxAttempts {
		if err = s.updateOnce(ctx, opts, fn); err == nil || !s.d.retryable(err) {
			return err
		}
		if werr := backoff(ctx, attempt); werr != nil {
			return errors.Join(err, werr)
		}
	}
	return err
}

func (s *Store) updateOnce(ctx context.Context, opts *sql.TxOptions, fn func(conn) error) error {
	tx, err := s.write.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // a no-op after Commit
	if err := fn(conn{q: tx, t: s.t}); err != nil {
		return err
	}
	return tx.Commit()
}

// backoff waits a little longer after each failed attempt, with jitter so
// that transactions which collided do not collide again.
func backoff(ctx context.Context, attempt int) error {
	d := time.Duration(1<<attempt) * time.Millisecond
	t := time.NewTimer(d/2 + rand.N(d/2))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// insertErr maps the error of an INSERT or UPDATE onto the store's
// sentinels: a duplicate key is a conflict, a missing referenced row is
// not found.
func (s *Store) insertErr(err error) error {
	switch {
	case err == nil:
		return nil
	case s.d.unique(err):
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	case s.d.foreignKey(err):
		return fmt.Errorf("%w: a referenced row does not exist: %w", store.ErrNotFound, err)
	default:
		return err
	}
}

// deleteErr maps the error of a DELETE: a row still referenced is a
// conflict.
func (s *Store) deleteErr(err error) error {
	if err != nil && s.d.foreignKey(err) {
		return fmt.Errorf("%w: still referenced: %w", store.ErrConflict, err)
	}
	return err
}

// rowErr maps sql.ErrNoRows onto store.ErrNotFound.
func rowErr(err error) error {
	if errors.Is(err, sql.ErrNoRows) {
		return store.ErrNotFound
	}
	return err
}

// mustAffect returns store.ErrNotFound when res changed no row.
func mustAffect(res sql.Result) error {
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return store.ErrNotFound
	}
	return nil
}

// prepare returns a statement prepared once per Store on the write pool.
// Call it outside a transaction: a single-connection pool would deadlock.
// SQLite otherwise parses the SQL on every exec, which was a third of an
// audit append's CPU.
func (s *Store) prepare(ctx context.Context, query string) (*sql.Stmt, error) {
	if v, ok := s.stmts.Load(query); ok {
		return v.(*sql.Stmt), nil
	}
	st, err := s.write.PrepareContext(ctx, s.t.translate(query))
	if err != nil {
		return nil, err
	}
	if v, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return v.(*sql.Stmt), nil
	}
	return st, nil
}

// inTx binds a prepared statement to the transaction of c.
func inTx(ctx context.Context, c conn, st *sql.Stmt) *sql.Stmt {
	return c.q.(*sql.Tx).StmtContext(ctx, st)
}
