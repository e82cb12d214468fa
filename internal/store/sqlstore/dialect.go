package sqlstore

import (
	"database/sql"
	"regexp"
	"strings"
	"sync"
)

// Flavor names the SQL dialect a database speaks.
type Flavor int

// Flavors Store can speak.
const (
	// Postgres is PostgreSQL: queries run as written, and write
	// transactions are SERIALIZABLE.
	Postgres Flavor = iota + 1
	// SQLite is SQLite 3.35 or later: binds, types and boolean literals are
	// rewritten.
	SQLite
)

// String returns the flavor's lower-case name.
func (f Flavor) String() string {
	switch f {
	case Postgres:
		return "postgres"
	case SQLite:
		return "sqlite"
	default:
		return "unknown"
	}
}

// Dialect tells a Store which SQL flavor its database speaks and how the
// database's driver reports errors. The classifier functions must look
// through wrapped errors (errors.As); a nil classifier reports false.
type Dialect struct {
	Flavor Flavor
	// IsUniqueViolation reports a unique or primary key violation; Store
	// returns it as store.ErrConflict.
	IsUniqueViolation func(error) bool
	// IsForeignKeyViolation reports a foreign key violation; Store returns
	// it as store.ErrNotFound on insert (a referenced row is missing) and
	// as store.ErrConflict on delete (the row is still referenced).
	IsForeignKeyViolation func(error) bool
	// IsRetryable reports a transient failure, such as a serialization
	// failure, a deadlock or a busy database, after which a transaction may
	// run again from the start.
	IsRetryable func(error) bool
}

func (d Dialect) unique(err error) bool {
	return d.IsUniqueViolation != nil && d.IsUniqueViolation(err)
}

func (d Dialect) foreignKey(err error) bool {
	return d.IsForeignKeyViolation != nil && d.IsForeignKeyViolation(err)
}

func (d Dialect) retryable(err error) bool {
	return d.IsRetryable != nil && d.IsRetryable(err)
}

// writeTxOptions returns the options of read-write transactions.
func (d Dialect) writeTxOptions() *sql.TxOptions {
	if d.Flavor == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelSerializable}
	}
	return nil
}

// readTxOptions returns the options of transactions that only read and
// need one consistent snapshot.
func (d Dialect) readTxOptions() *sql.TxOptions {
	if d.Flavor == Postgres {
		return &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true}
	}
	return &sql.TxOptions{ReadOnly: true}
}

// replacer rewrites every match of re in a query to with.
type replacer struct {
	re   *regexp.Regexp
	with string
}

func word(w string) *regexp.Regexp {
	return regexp.MustCompile(`(?i)\b` + w + `\b`)
}

// sqliteReplacers rewrite PostgreSQL types and literals for SQLite. Queries
// never use these words as identifiers or inside string literals.
var sqliteReplacers = []replacer{
	// An INTEGER PRIMARY KEY is SQLite's rowid; a BIGINT one is a second index.
	{regexp.MustCompile(`(?i)\bbigint\s+PRIMARY\s+KEY\b`), "integer PRIMARY KEY"},
	{word("bytea"), "blob"},
	{word("boolean"), "integer"},
	{word("timestamptz"), "integer"},
	{word("bigserial"), "integer"},
	{word("true"), "1"},
	{word("false"), "0"},
}

// translator rewrites queries written for PostgreSQL into a flavor's
// syntax, caching the results: queries are constants or built from a small
// set of shapes.
type translator struct {
	flavor Flavor
	cache  sync.Map // string → string
}

// translate returns q rewritten for t's flavor.
func (t *translator) translate(q string) string {
	if t.flavor != SQLite {
		return q
	}
	if v, ok := t.cache.Load(q); ok {
		return v.(string)
	}
	out := rewriteBinds(q)
	for _, r := range sqliteReplacers {
		out = r.re.ReplaceAllString(out, r.with)
	}
	t.cache.Store(q, out)
	return out
}

// rewriteBinds turns PostgreSQL's $N parameters into SQLite's. When they
// appear in order, $1 $2 $3…, each becomes a plain ?. Otherwise, as when
// one is used twice, they become ?N, which keep PostgreSQL's meaning but
// bind more slowly: SQLite looks each name up in a list, which is
// quadratic in a multi-row INSERT.
func rewriteBinds(q string) string {
	if !strings.Contains(q, "$") {
		return q
	}
	plain := bindsInOrder(q)
	var b strings.Builder
	b.Grow(len(q))
	for i := 0; i < len(q); i++ {
		if !isBind(q, i) {
			b.WriteByte(q[i])
			continue
		}
		b.WriteByte('?')
		j := i + 1
		for j < len(q) && isDigit(q[j]) {
			j++
		}
		if !plain {
			b.WriteString(q[i+1 : j])
		}
		i = j - 1
	}
	return b.String()
}

// bindsInOrder reports whether the binds of q read $1, $2, $3… exactly.
func bindsInOrder(q string) bool {
	next := 1
	for i := 0; i < len(q); i++ {
		if !isBind(q, i) {
			continue
		}
		n := 0
		for i++; i < len(q) && isDigit(q[i]); i++ {
			n = n*10 + int(q[i]-'0')
		}
		if n != next {
			return false
		}
		next++
	}
	return true
}

// isBind reports whether a $N parameter starts at q[i].
func isBind(q string, i int) bool {
	return q[i] == '$' && i+1 < len(q) && isDigit(q[i+1])
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
