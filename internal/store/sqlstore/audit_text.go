package sqlstore

import (
	"fmt"
	"strconv"
	"strings"
)

// withText adds the condition of AuditFilter.Text to a WHERE clause built
// by auditWhere (which may be empty), numbering its binds after args.
//
// The payload columns are bytes. SQLite reads them as text with a CAST and
// its LIKE ignores ASCII case. PostgreSQL's convert_from would fail the
// whole query on one row that is not valid UTF-8, so the columns are read
// with encode(…, 'escape') instead, which escapes backslashes and bytes
// outside ASCII, and the needle is escaped the same way. The error column
// is text on both.
func (s *Store) withText(where string, args []any, text string) (string, []any) {
	if text == "" {
		return where, args
	}
	bind := func(v string) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	var cond string
	if s.d.Flavor == Postgres {
		lower := strings.ToLower(text)
		payload, plain := likePattern(pgEscapeBytes(lower)), likePattern(lower)
		cond = fmt.Sprintf(`(lower(encode(request, 'escape')) LIKE %s ESCAPE '\'`+
			` OR lower(encode(response, 'escape')) LIKE %s ESCAPE '\' OR lower(error) LIKE %s ESCAPE '\')`,
			bind(payload), bind(payload), bind(plain))
	} else {
		p := likePattern(text)
		cond = fmt.Sprintf(`(CAST(request AS TEXT) LIKE %s ESCAPE '\'`+
			` OR CAST(response AS TEXT) LIKE %s ESCAPE '\' OR error LIKE %s ESCAPE '\')`,
			bind(p), bind(p), bind(p))
	}
	if where == "" {
		return " WHERE " + cond, args
	}
	return where + " AND " + cond, args
}

// likePattern matches s anywhere, with LIKE's wildcards in s escaped by
// a backslash.
func likePattern(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(s) + "%"
}

// pgEscapeBytes encodes s as PostgreSQL's encode(bytes, 'escape') does:
// a backslash is doubled, a zero byte or one with the high bit set becomes
// \nnn in octal, and every other byte stays as it is.
func pgEscapeBytes(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '\\':
			b.WriteString(`\\`)
		case c == 0 || c >= 0x80:
			fmt.Fprintf(&b, `\%03o`, c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
