package storetest

import (
	"encoding/json"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var catalogTests = []suite{
	{"Catalog/Sync", testCatalogSync},
	{"Catalog/SyncKeepsSelections", testCatalogKeepsSelections},
	{"Catalog/SyncUnknownServer", testCatalogUnknownServer},
	{"Catalog/SyncDuplicateName", testCatalogDuplicateName},
	{"Catalog/Documents", testCatalogDocuments},
}

func newTool(name, hash string) store.Tool {
	return store.Tool{
		Name: name, Title: "Tool " + name, Description: "does " + name,
		InputSchema: json.RawMessage(`{"type":"object"}`), Hash: hash,
	}
}

// catalogTool is t as the catalog of serverID stores it, last changed at.
func catalogTool(t store.Tool, serverID string, n int) store.Tool {
	t.ServerID, t.UpdatedAt = serverID, at(n)
	return t
}

func testCatalogSync(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	a, b, c := newTool("a", "ha"), newTool("b", "hb"), newTool("c", "hc")
	res, err := s.SyncTools(ctx, "s1", []store.Tool{c, a, b}, at(1))
	check(t, err)
	diff(t, "first sync", res, store.SyncResult{Added: []string{"a", "b", "c"}})

	_, err = s.UpdateServer(ctx, "s1", func(sv store.Server) (store.Server, error) {
		sv.SyncError = "upstream down"
		return sv, nil
	})
	check(t, err)

	b2, d := newTool("b", "hb2"), newTool("d", "hd")
	b2.Description = "does b better"
	a.Description = "ignored: the hash did not change"
	res, err = s.SyncTools(ctx, "s1", []store.Tool{a, b2, d}, at(2))
	check(t, err)
	diff(t, "second sync", res, store.SyncResult{
		Added: []string{"d"}, Changed: []string{"b"}, Removed: []string{"c"}, Unchanged: 1,
	})

	tools, err := s.ListTools(ctx, "s1")
	check(t, err)
	diff(t, "catalog", tools, []store.Tool{
		catalogTool(newTool("a", "ha"), "s1", 1), catalogTool(b2, "s1", 2), catalogTool(d, "s1", 2),
	})
	sv, err := s.GetServer(ctx, "s1")
	check(t, err)
	if !sv.SyncedAt.Equal(at(2)) || sv.SyncError != "" {
		t.Errorf("server after sync: SyncedAt = %v, SyncError = %q; want %v, \"\"", sv.SyncedAt, sv.SyncError, at(2))
	}

	res, err = s.SyncTools(ctx, "s1", nil, at(3))
	check(t, err)
	diff(t, "emptying sync", res, store.SyncResult{Removed: []string{"a", "b", "d"}})
}

func testCatalogKeepsSelections(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	_, err := s.SyncTools(ctx, "s1", []store.Tool{newTool("a", "ha"), newTool("b", "hb")}, at(1))
	check(t, err)
	e := newEndpoint("e1", "dev", "s1")
	e.Tools = []store.EndpointTool{
		{ServerID: "s1", Tool: "a", Enabled: true, ApprovedHash: "ha"},
		{ServerID: "s1", Tool: "b", Enabled: true, ApprovedHash: "hb"},
	}
	check(t, s.CreateEndpoint(ctx, e))

	_, err = s.SyncTools(ctx, "s1", []store.Tool{newTool("a", "ha2")}, at(2))
	check(t, err)
	got, err := s.GetEndpoint(ctx, "e1")
	check(t, err)
	diff(t, "endpoint after sync", got, e)
}

func testCatalogUnknownServer(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.SyncTools(ctx, "nope", []store.Tool{newTool("a", "ha")}, at(1))
	wantErr(t, err, store.ErrNotFound)
	tools, err := s.ListTools(ctx, "nope")
	check(t, err)
	diff(t, "tools of unknown server", tools, []store.Tool(nil))
}

func testCatalogDuplicateName(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	_, err := s.SyncTools(ctx, "s1", []store.Tool{newTool("a", "ha")}, at(1))
	check(t, err)
	_, err = s.SyncTools(ctx, "s1", []store.Tool{newTool("b", "hb"), newTool("b", "hb2")}, at(2))
	wantErr(t, err, store.ErrConflict)

	tools, err := s.ListTools(ctx, "s1")
	check(t, err)
	diff(t, "catalog after rejected sync", tools, []store.Tool{catalogTool(newTool("a", "ha"), "s1", 1)})
	sv, err := s.GetServer(ctx, "s1")
	check(t, err)
	if !sv.SyncedAt.Equal(at(1)) {
		t.Errorf("SyncedAt = %v after a rejected sync, want %v", sv.SyncedAt, at(1))
	}
}

// testCatalogDocuments checks that JSON documents round-trip byte for
// byte and that nil ones stay nil.
func testCatalogDocuments(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	full := newTool("full", "h1")
	full.InputSchema = json.RawMessage(`{"type": "object",  "properties": {"q": {"type": "string"}}}`)
	full.OutputSchema = json.RawMessage(`{"type":"object"}`)
	full.Annotations = json.RawMessage(`{"readOnlyHint":true,"title":"ünïcode ✓"}`)
	bare := newTool("bare", "h2")
	bare.InputSchema = nil
	_, err := s.SyncTools(ctx, "s1", []store.Tool{full, bare}, at(1))
	check(t, err)

	tools, err := s.ListTools(ctx, "s1")
	check(t, err)
	diff(t, "catalog", tools, []store.Tool{catalogTool(bare, "s1", 1), catalogTool(full, "s1", 1)})
	if len(tools) == 2 && (tools[0].InputSchema != nil || tools[0].OutputSchema != nil || tools[0].Annotations != nil) {
		t.Errorf("nil documents read back as %q, %q, %q", tools[0].InputSchema, tools[0].OutputSchema, tools[0].Annotations)
	}
}
