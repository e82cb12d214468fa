package sqlstore

import (
	"bytes"
	"database/sql"
	"encoding/json"
	"fmt"
	"time"
)

// Times are stored as Unix nanoseconds, which covers the years 1678 to 2262
// exactly. The zero time is stored as 0 so that "never" reads back as the
// zero time; the instant 1970-01-01T00:00:00Z itself cannot be stored.

// unixNano converts t for storage.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromUnixNano converts a stored time back, in UTC.
func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// timeCol scans a stored time into a time.Time.
type timeCol struct{ t *time.Time }

// Scan implements sql.Scanner.
func (c timeCol) Scan(src any) error {
	var n int64
	if err := scanInt64(&n, src); err != nil {
		return err
	}
	*c.t = fromUnixNano(n)
	return nil
}

// nullBytes stores nil as NULL and anything else as its bytes.
func nullBytes(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}

// nullJSON stores a nil document as NULL.
func nullJSON(m json.RawMessage) any {
	if m == nil {
		return nil
	}
	return []byte(m)
}

// jsonCol scans a document column; NULL reads back as nil.
type jsonCol struct{ m *json.RawMessage }

// Scan implements sql.Scanner.
func (c jsonCol) Scan(src any) error {
	b, err := scanBytes(src)
	if err != nil {
		return err
	}
	*c.m = b
	return nil
}

// bytesCol scans a byte column; NULL reads back as nil.
type bytesCol struct{ b *[]byte }

// Scan implements sql.Scanner.
func (c bytesCol) Scan(src any) error {
	b, err := scanBytes(src)
	if err != nil {
		return err
	}
	*c.b = b
	return nil
}

// scanInt64 converts an integer column value.
func scanInt64(dst *int64, src any) error {
	var n sql.NullInt64
	if err := n.Scan(src); err != nil {
		return err
	}
	*dst = n.Int64
	return nil
}

// scanBytes copies a byte column value, which the driver may reuse.
func scanBytes(src any) ([]byte, error) {
	switch v := src.(type) {
	case nil:
		return nil, nil
	case []byte:
		return bytes.Clone(v), nil
	case string:
		return []byte(v), nil
	default:
		return nil, fmt.Errorf("scan bytes: unsupported type %T", src)
	}
}
