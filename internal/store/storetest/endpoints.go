package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var endpointTests = []suite{
	{"Endpoints/CreateGet", testEndpointCreateGet},
	{"Endpoints/NotFound", testEndpointNotFound},
	{"Endpoints/Conflict", testEndpointConflict},
	{"Endpoints/List", testEndpointList},
	{"Endpoints/Update", testEndpointUpdate},
	{"Endpoints/UpdateFailureWritesNothing", testEndpointUpdateFailure},
	{"Endpoints/Delete", testEndpointDelete},
}

func newEndpoint(id, name string, serverIDs ...string) store.Endpoint {
	return store.Endpoint{
		ID: id, Name: name, Description: "endpoint " + name, ServerIDs: serverIDs,
		CreatedAt: at(0), UpdatedAt: at(0),
	}
}

// twoServers creates the servers s1 and s2.
func twoServers(t *testing.T, s store.Store) {
	t.Helper()
	check(t, s.CreateServer(t.Context(), newServer("s1", "github"), nil))
	check(t, s.CreateServer(t.Context(), newServer("s2", "gitlab"), nil))
}

func testEndpointCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	e := newEndpoint("e1", "dev", "s2", "s1")
	e.Unprefixed = true
	e.Redaction = store.Redaction{Requests: store.RedactSecrets, Responses: store.RedactAll, Audit: store.RedactAll}
	e.Tools = []store.EndpointTool{
		{ServerID: "s2", Tool: "zeta", Enabled: true, ApprovedHash: "hz"},
		{ServerID: "s1", Tool: "alpha", Enabled: false, ApprovedHash: "ha"},
		{ServerID: "s1", Tool: "mid", Enabled: true, ApprovedHash: "hm"},
	}
	check(t, s.CreateEndpoint(ctx, e))

	got, err := s.GetEndpoint(ctx, "e1")
	check(t, err)
	diff(t, "GetEndpoint", got, e)
	got, err = s.GetEndpointByName(ctx, "dev")
	check(t, err)
	diff(t, "GetEndpointByName", got, e)

	check(t, s.CreateEndpoint(ctx, newEndpoint("e2", "empty")))
	got, err = s.GetEndpoint(ctx, "e2")
	check(t, err)
	diff(t, "endpoint without servers", got, newEndpoint("e2", "empty"))
}

func testEndpointNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.GetEndpoint(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetEndpointByName(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.UpdateEndpoint(ctx, "nope", func(e store.Endpoint) (store.Endpoint, error) {
		t.Error("UpdateEndpoint called fn for an unknown endpoint")
		return e, nil
	})
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteEndpoint(ctx, "nope"), store.ErrNotFound)

	// A missing server is not found either, and nothing is written.
	wantErr(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev", "nope")), store.ErrNotFound)
	_, err = s.GetEndpoint(ctx, "e1")
	wantErr(t, err, store.ErrNotFound)
}

func testEndpointConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev", "s1")))
	wantErr(t, s.CreateEndpoint(ctx, newEndpoint("e2", "dev")), store.ErrConflict)
	wantErr(t, s.CreateEndpoint(ctx, newEndpoint("e1", "prod")), store.ErrConflict)
	wantErr(t, s.CreateEndpoint(ctx, newEndpoint("e3", "twice", "s1", "s2", "s1")), store.ErrConflict)
	dup := newEndpoint("e4", "duptool", "s1")
	dup.Tools = []store.EndpointTool{{ServerID: "s1", Tool: "a"}, {ServerID: "s1", Tool: "a", Enabled: true}}
	wantErr(t, s.CreateEndpoint(ctx, dup), store.ErrConflict)

	es, err := s.ListEndpoints(ctx)
	check(t, err)
	diff(t, "endpoints after conflicts", es, []store.Endpoint{newEndpoint("e1", "dev", "s1")})
}

func testEndpointList(t *testing.T, s store.Store) {
	ctx := t.Context()
	es, err := s.ListEndpoints(ctx)
	check(t, err)
	diff(t, "ListEndpoints on empty store", es, []store.Endpoint(nil))

	twoServers(t, s)
	b := newEndpoint("e1", "beta", "s1", "s2")
	b.Tools = []store.EndpointTool{{ServerID: "s2", Tool: "x", Enabled: true, ApprovedHash: "hx"}}
	a := newEndpoint("e2", "alpha", "s2")
	a.Tools = []store.EndpointTool{
		{ServerID: "s2", Tool: "y", ApprovedHash: "hy"}, {ServerID: "s2", Tool: "x", ApprovedHash: "hx"},
	}
	c := newEndpoint("e3", "gamma")
	for _, e := range []store.Endpoint{b, a, c} {
		check(t, s.CreateEndpoint(ctx, e))
	}
	es, err = s.ListEndpoints(ctx)
	check(t, err)
	diff(t, "ListEndpoints", es, []store.Endpoint{a, b, c})
}

func testEndpointUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	e := newEndpoint("e1", "dev", "s1")
	e.Tools = []store.EndpointTool{{ServerID: "s1", Tool: "a", Enabled: true, ApprovedHash: "ha"}}
	check(t, s.CreateEndpoint(ctx, e))

	want := e
	want.Name, want.Unprefixed, want.UpdatedAt = "development", true, at(9)
	want.ServerIDs = []string{"s2", "s1"}
	want.Tools = []store.EndpointTool{
		{ServerID: "s2", Tool: "b", Enabled: true, ApprovedHash: "hb"},
		{ServerID: "s1", Tool: "a", Enabled: false, ApprovedHash: "ha"},
	}
	got, err := s.UpdateEndpoint(ctx, "e1", func(cur store.Endpoint) (store.Endpoint, error) {
		diff(t, "current endpoint passed to fn", cur, e)
		cur.Name, cur.Unprefixed, cur.UpdatedAt = want.Name, want.Unprefixed, want.UpdatedAt
		cur.ServerIDs = append([]string{"s2"}, cur.ServerIDs...)
		cur.Tools[0].Enabled = false
		cur.Tools = append([]store.EndpointTool{want.Tools[0]}, cur.Tools...)
		return cur, nil
	})
	check(t, err)
	diff(t, "UpdateEndpoint result", got, want)
	stored, err := s.GetEndpoint(ctx, "e1")
	check(t, err)
	diff(t, "stored endpoint", stored, want)
	_, err = s.GetEndpointByName(ctx, "dev")
	wantErr(t, err, store.ErrNotFound)
}

func testEndpointUpdateFailure(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	e := newEndpoint("e1", "dev", "s1")
	e.Tools = []store.EndpointTool{{ServerID: "s1", Tool: "a", Enabled: true, ApprovedHash: "ha"}}
	check(t, s.CreateEndpoint(ctx, e))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e2", "prod")))

	for _, tc := range []struct {
		name   string
		change func(store.Endpoint) (store.Endpoint, error)
		want   error
	}{
		{"fn error", func(cur store.Endpoint) (store.Endpoint, error) {
			cur.ServerIDs, cur.Tools = nil, nil
			return cur, errBoom
		}, errBoom},
		{"unknown server", func(cur store.Endpoint) (store.Endpoint, error) {
			cur.ServerIDs, cur.Tools = []string{"s2", "nope"}, nil
			return cur, nil
		}, store.ErrNotFound},
		{"taken name", func(cur store.Endpoint) (store.Endpoint, error) {
			cur.Name, cur.Tools = "prod", nil
			return cur, nil
		}, store.ErrConflict},
	} {
		_, err := s.UpdateEndpoint(ctx, "e1", tc.change)
		if err == nil {
			t.Fatalf("%s: UpdateEndpoint succeeded", tc.name)
		}
		wantErr(t, err, tc.want)
		got, err := s.GetEndpoint(ctx, "e1")
		check(t, err)
		diff(t, "endpoint after "+tc.name, got, e)
	}
}

func testEndpointDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	e := newEndpoint("e1", "dev", "s1")
	e.Tools = []store.EndpointTool{{ServerID: "s1", Tool: "a", Enabled: true, ApprovedHash: "ha"}}
	check(t, s.CreateEndpoint(ctx, e))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e2", "prod", "s1")))

	check(t, s.DeleteEndpoint(ctx, "e1"))
	_, err := s.GetEndpoint(ctx, "e1")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteEndpoint(ctx, "e1"), store.ErrNotFound)

	// The name is free again and starts with no selections.
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	got, err := s.GetEndpoint(ctx, "e1")
	check(t, err)
	diff(t, "recreated endpoint", got, newEndpoint("e1", "dev"))
}
