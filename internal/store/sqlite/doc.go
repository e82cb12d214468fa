// Package sqlite opens a Switchboard store in an SQLite database file, using
// the CGO-free modernc.org/sqlite driver so that the binary stays static.
//
// The SQL itself lives in sqlstore; this package opens the driver with the
// pragmas Switchboard relies on (WAL, synchronous=NORMAL, a busy timeout and
// foreign keys), maps the driver's errors, and runs the migrations.
//
// A file database gets two pools: one connection for writes, so writers
// queue in Go instead of failing with SQLITE_BUSY, and a few read-only
// connections that WAL lets run alongside the writer. ":memory:" opens a
// private in-memory database pinned to a single connection, for tests.
package sqlite
