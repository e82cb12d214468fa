// Package postgres opens a Switchboard store in a PostgreSQL database
// through pgx's database/sql driver.
//
// The SQL itself lives in sqlstore, which runs PostgreSQL's write
// transactions as SERIALIZABLE; this package opens the pool, tells sqlstore
// how pgx reports errors (unique and foreign key violations, serialization
// failures and deadlocks, which are retried), and runs the migrations.
package postgres
