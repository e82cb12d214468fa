// Package sqlstore implements store.Store on database/sql for every SQL
// engine Switchboard supports.
//
// Queries are written once, in PostgreSQL syntax ($1 binds, bytea,
// boolean). A Dialect rewrites them for its engine and tells the Store how
// the engine's driver reports constraint violations and transient failures;
// the sqlite and postgres packages open their drivers and supply one. This
// package imports no driver.
//
// Times are stored as UTC Unix nanoseconds in BIGINT columns (0 is the zero
// time), so they round-trip exactly on every engine. JSON documents are
// stored as bytes; a nil json.RawMessage is stored as NULL and reads back
// as nil.
//
// Errors wrap the store's sentinels: a duplicate key is store.ErrConflict,
// a reference to a missing row (the user of a token, the server of an
// endpoint or credential) is store.ErrNotFound, and so is a missing row.
//
// The schema ships in the binary as numbered migrations under migrations/.
// Migrate applies the missing ones in order, each in its own transaction,
// and records them in the migrations table. Migrations only go forward.
//
// Writes run in transactions (SERIALIZABLE on PostgreSQL) and are retried
// when the dialect reports a transient failure, so the closures passed to
// Update methods may run more than once. A closure must not call the Store:
// a backend pinned to one connection would deadlock.
package sqlstore
