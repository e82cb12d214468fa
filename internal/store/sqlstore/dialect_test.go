package sqlstore

import "testing"

func TestTranslate(t *testing.T) {
	for _, tc := range []struct {
		name, in, sqlite string
	}{
		{"binds in order", `INSERT INTO t VALUES ($1, $2), ($3, $4)`, `INSERT INTO t VALUES (?, ?), (?, ?)`},
		{"binds reused", `SELECT a FROM t WHERE b = $1 AND c = $12 OR $1 = ''`, `SELECT a FROM t WHERE b = ?1 AND c = ?12 OR ?1 = ''`},
		{"binds out of order", `UPDATE t SET a = $2 WHERE id = $1`, `UPDATE t SET a = ?2 WHERE id = ?1`},
		{"no binds", `SELECT COUNT(*) FROM t`, `SELECT COUNT(*) FROM t`},
		{"dollar not a bind", `SELECT '$x'`, `SELECT '$x'`},
		{"types", `CREATE TABLE t (a bytea, b BOOLEAN NOT NULL, c timestamptz)`, `CREATE TABLE t (a blob, b integer NOT NULL, c integer)`},
		{"rowid", `CREATE TABLE t (seq bigint  PRIMARY KEY, n bigint)`, `CREATE TABLE t (seq integer PRIMARY KEY, n bigint)`},
		{"literals", `UPDATE t SET a = false WHERE b = TRUE`, `UPDATE t SET a = 0 WHERE b = 1`},
		{"words only", `SELECT is_true, falsehood, byteas FROM t`, `SELECT is_true, falsehood, byteas FROM t`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sq := &translator{flavor: SQLite}
			for range 2 { // the second call hits the cache
				if got := sq.translate(tc.in); got != tc.sqlite {
					t.Errorf("sqlite:\n got %s\nwant %s", got, tc.sqlite)
				}
			}
			pg := &translator{flavor: Postgres}
			if got := pg.translate(tc.in); got != tc.in {
				t.Errorf("postgres changed the query:\n got %s\nwant %s", got, tc.in)
			}
		})
	}
}
