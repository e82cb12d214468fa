package gateway

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
	_ "modernc.org/sqlite"
)

// blockAuditWrites makes every audit insert fail inside SQLite itself, the
// way a full or read-only disk would, until the returned func lifts it.
func blockAuditWrites(t *testing.T, path string) (unblock func()) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if _, err := db.Exec(`CREATE TRIGGER block_audit BEFORE INSERT ON audit_events
		BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END`); err != nil {
		t.Fatal(err)
	}
	return func() {
		if _, err := db.Exec(`DROP TRIGGER block_audit`); err != nil {
			t.Fatal(err)
		}
	}
}

func TestUnwritableAuditStoreFailsClosedAndRecovers(t *testing.T) {
	e := newEnv(t)
	up := newFakeUpstream(t, "", "")
	s := e.addServer(t, "one", up.srv.URL, store.AuthNone, "", "")
	e.addEndpoint(t, "team", []store.Server{s}, "one/echo")
	e.addEndpoint(t, "other", []store.Server{s}, "one/echo")
	team, other := e.connect(t, "team"), e.connect(t, "other")
	call := func(cs *mcp.ClientSession) (*mcp.CallToolResult, error) {
		return cs.CallTool(context.Background(), &mcp.CallToolParams{Name: "one__echo", Arguments: map[string]any{"text": "x"}})
	}

	unblock := blockAuditWrites(t, e.dbPath)
	for _, cs := range []*mcp.ClientSession{team, other} {
		_, err := call(cs)
		var je *jsonrpc.Error
		if !errors.As(err, &je) || !strings.Contains(je.Message, "audit log is unavailable") {
			t.Fatalf("err = %v, want audit-unavailable error", err)
		}
	}
	if n := up.calls.Load(); n != 0 {
		t.Fatalf("%d calls reached the upstream while the audit store was unwritable", n)
	}
	if _, err := team.ListTools(t.Context(), nil); err != nil {
		t.Errorf("session broken while the audit store is down: %v", err)
	}

	unblock()
	for _, cs := range []*mcp.ClientSession{team, other} {
		if res, err := call(cs); err != nil || res.IsError {
			t.Fatalf("after recovery: %v %+v", err, res)
		}
	}
	if n := up.calls.Load(); n != 2 {
		t.Errorf("upstream saw %d calls after recovery, want 2", n)
	}
}
