package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var serverTests = []suite{
	{"Servers/CreateGet", testServerCreateGet},
	{"Servers/NotFound", testServerNotFound},
	{"Servers/Conflict", testServerConflict},
	{"Servers/CreateIsAtomic", testServerCreateAtomic},
	{"Servers/List", testServerList},
	{"Servers/Update", testServerUpdate},
	{"Servers/UpdateFailureWritesNothing", testServerUpdateFailure},
	{"Servers/Delete", testServerDelete},
	{"Servers/DeleteInUse", testServerDeleteInUse},
}

func newServer(id, name string) store.Server {
	return store.Server{
		ID: id, Name: name, Description: "server " + name, URL: "https://" + name + ".example.com/mcp",
		Transport: store.TransportStreamableHTTP, AuthMethod: store.AuthBearer,
		CredentialMode: store.ModeShared, CreatedAt: at(0), UpdatedAt: at(0),
	}
}

func newCredential(id, serverID, userID string) store.Credential {
	return store.Credential{
		ID: id, ServerID: serverID, UserID: userID, Ciphertext: []byte("sealed:" + id),
		CreatedAt: at(0), UpdatedAt: at(0),
	}
}

func testServerCreateGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	plain := newServer("s1", "github")
	plain.AuthMethod, plain.AuthHeader = store.AuthHeader, "X-Api-Key"
	check(t, s.CreateServer(ctx, plain, nil))
	withCred := newServer("s2", "linear")
	cred := newCredential("cr1", "", "")
	check(t, s.CreateServer(ctx, withCred, &cred))

	for _, want := range []store.Server{plain, withCred} {
		got, err := s.GetServer(ctx, want.ID)
		check(t, err)
		diff(t, "GetServer", got, want)
		got, err = s.GetServerByName(ctx, want.Name)
		check(t, err)
		diff(t, "GetServerByName", got, want)
	}

	gotCred, err := s.GetCredential(ctx, "s2", "")
	check(t, err)
	cred.ServerID = "s2"
	diff(t, "shared credential", gotCred, cred)
	_, err = s.GetCredential(ctx, "s1", "")
	wantErr(t, err, store.ErrNotFound)
}

func testServerNotFound(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	_, err := s.GetServer(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetServerByName(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.UpdateServer(ctx, "nope", func(sv store.Server) (store.Server, error) {
		t.Error("UpdateServer called fn for an unknown server")
		return sv, nil
	})
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.DeleteServer(ctx, "nope"), store.ErrNotFound)
}

func testServerConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	wantErr(t, s.CreateServer(ctx, newServer("s2", "github"), nil), store.ErrConflict)
	wantErr(t, s.CreateServer(ctx, newServer("s1", "gitlab"), nil), store.ErrConflict)
	check(t, s.CreateServer(ctx, newServer("s3", "gitlab"), nil))

	_, err := s.UpdateServer(ctx, "s3", func(sv store.Server) (store.Server, error) {
		sv.Name = "github"
		return sv, nil
	})
	wantErr(t, err, store.ErrConflict)
	got, err := s.GetServer(ctx, "s3")
	check(t, err)
	diff(t, "server after failed rename", got, newServer("s3", "gitlab"))
}

// testServerCreateAtomic checks that a server whose credential cannot be
// stored is not stored either.
func testServerCreateAtomic(t *testing.T, s store.Store) {
	ctx := t.Context()
	cred := newCredential("cr1", "", "")
	check(t, s.CreateServer(ctx, newServer("s1", "github"), &cred))
	wantErr(t, s.CreateServer(ctx, newServer("s2", "gitlab"), &cred), store.ErrConflict) // same credential ID

	_, err := s.GetServer(ctx, "s2")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetServerByName(ctx, "gitlab")
	wantErr(t, err, store.ErrNotFound)
}

func testServerList(t *testing.T, s store.Store) {
	ctx := t.Context()
	svs, err := s.ListServers(ctx)
	check(t, err)
	diff(t, "ListServers on empty store", svs, []store.Server(nil))

	b, a, c := newServer("s1", "beta"), newServer("s2", "alpha"), newServer("s3", "gamma")
	for _, sv := range []store.Server{b, a, c} {
		check(t, s.CreateServer(ctx, sv, nil))
	}
	svs, err = s.ListServers(ctx)
	check(t, err)
	diff(t, "ListServers", svs, []store.Server{a, b, c})
}

func testServerUpdate(t *testing.T, s store.Store) {
	ctx := t.Context()
	sv := newServer("s1", "github")
	check(t, s.CreateServer(ctx, sv, nil))

	want := sv
	want.Name, want.Description, want.URL = "github-enterprise", "changed", "https://ghe.example.com/mcp"
	want.SyncError, want.UpdatedAt = "dial tcp: refused", at(5)
	got, err := s.UpdateServer(ctx, "s1", func(cur store.Server) (store.Server, error) {
		diff(t, "current server passed to fn", cur, sv)
		cur.Name, cur.Description, cur.URL = want.Name, want.Description, want.URL
		cur.SyncError, cur.UpdatedAt = want.SyncError, want.UpdatedAt
		cur.ID = "ignored" // the ID cannot change
		return cur, nil
	})
	check(t, err)
	diff(t, "UpdateServer result", got, want)
	stored, err := s.GetServer(ctx, "s1")
	check(t, err)
	diff(t, "stored server", stored, want)
	_, err = s.GetServer(ctx, "ignored")
	wantErr(t, err, store.ErrNotFound)
}

func testServerUpdateFailure(t *testing.T, s store.Store) {
	ctx := t.Context()
	sv := newServer("s1", "github")
	check(t, s.CreateServer(ctx, sv, nil))
	_, err := s.UpdateServer(ctx, "s1", func(cur store.Server) (store.Server, error) {
		cur.Description = "half-written"
		return cur, errBoom
	})
	wantErr(t, err, errBoom)
	got, err := s.GetServer(ctx, "s1")
	check(t, err)
	diff(t, "server after failed update", got, sv)
}

func testServerDelete(t *testing.T, s store.Store) {
	ctx := t.Context()
	cred := newCredential("cr1", "", "")
	check(t, s.CreateServer(ctx, newServer("s1", "github"), &cred))
	check(t, s.PutCredential(ctx, newCredential("cr2", "s1", "u1")))
	_, err := s.SyncTools(ctx, "s1", []store.Tool{newTool("search", "h1")}, at(1))
	check(t, err)
	check(t, s.CreateServer(ctx, newServer("s2", "gitlab"), nil))

	check(t, s.DeleteServer(ctx, "s1"))
	_, err = s.GetServer(ctx, "s1")
	wantErr(t, err, store.ErrNotFound)
	tools, err := s.ListTools(ctx, "s1")
	check(t, err)
	diff(t, "tools of deleted server", tools, []store.Tool(nil))
	for _, user := range []string{"", "u1"} {
		_, err = s.GetCredential(ctx, "s1", user)
		wantErr(t, err, store.ErrNotFound)
	}
	wantErr(t, s.DeleteServer(ctx, "s1"), store.ErrNotFound)

	// The name and the credential IDs are free again.
	check(t, s.CreateServer(ctx, newServer("s3", "github"), &cred))
	if _, err := s.GetServer(ctx, "s2"); err != nil {
		t.Errorf("other server gone: %v", err)
	}
}

func testServerDeleteInUse(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServer(ctx, newServer("s1", "github"), nil))
	check(t, s.CreateServer(ctx, newServer("s2", "gitlab"), nil))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev", "s2", "s1")))

	wantErr(t, s.DeleteServer(ctx, "s1"), store.ErrConflict)
	if _, err := s.GetServer(ctx, "s1"); err != nil {
		t.Fatalf("server in use was deleted: %v", err)
	}
	check(t, s.DeleteEndpoint(ctx, "e1"))
	check(t, s.DeleteServer(ctx, "s1"))
}
