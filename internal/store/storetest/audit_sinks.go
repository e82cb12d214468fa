package storetest

import (
	"sync"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var auditSinkTests = []suite{
	{"AuditSinkCursors/GetSet", testSinkCursorGetSet},
	{"AuditSinkCursors/NeverBackwards", testSinkCursorNeverBackwards},
	{"AuditSinkCursors/Concurrent", testSinkCursorConcurrent},
}

func testSinkCursorGetSet(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetAuditSinkCursor(ctx, "siem")
	wantErr(t, err, store.ErrNotFound)
	check(t, s.SetAuditSinkCursor(ctx, "siem", 42, at(1)))
	check(t, s.SetAuditSinkCursor(ctx, "file", 7, at(1)))
	got, err := s.GetAuditSinkCursor(ctx, "siem")
	check(t, err)
	diff(t, "siem cursor", got, int64(42))
	check(t, s.SetAuditSinkCursor(ctx, "siem", 43, at(2)))
	got, err = s.GetAuditSinkCursor(ctx, "siem")
	check(t, err)
	diff(t, "siem cursor after move", got, int64(43))
	got, err = s.GetAuditSinkCursor(ctx, "file")
	check(t, err)
	diff(t, "file cursor", got, int64(7))
}

func testSinkCursorNeverBackwards(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.SetAuditSinkCursor(ctx, "siem", 100, at(1)))
	check(t, s.SetAuditSinkCursor(ctx, "siem", 99, at(2)))
	check(t, s.SetAuditSinkCursor(ctx, "siem", 100, at(3)))
	got, err := s.GetAuditSinkCursor(ctx, "siem")
	check(t, err)
	diff(t, "cursor", got, int64(100))
}

// testSinkCursorConcurrent moves one cursor from several goroutines, as
// replicas would; the highest value wins.
func testSinkCursorConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 20 {
				if err := s.SetAuditSinkCursor(ctx, "siem", int64(i*8+g+1), at(i)); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	got, err := s.GetAuditSinkCursor(ctx, "siem")
	check(t, err)
	diff(t, "cursor", got, int64(160))
}
