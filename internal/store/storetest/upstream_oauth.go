package storetest

import (
	"sync"
	"sync/atomic"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var upstreamOAuthTests = []suite{
	{"UpstreamOAuth/PutGet", testServerOAuthPutGet},
	{"UpstreamOAuth/CascadeDelete", testServerOAuthCascade},
	{"UpstreamOAuth/FlowOnce", testOAuthFlowOnce},
	{"UpstreamOAuth/FlowExpiry", testOAuthFlowExpiry},
	{"Leases/Exclusive", testLeaseExclusive},
	{"Leases/Concurrent", testLeaseConcurrent},
}

func newServerOAuth(serverID string) store.ServerOAuth {
	return store.ServerOAuth{
		ServerID: serverID, Issuer: "https://as.example", AuthorizationEndpoint: "https://as.example/authorize",
		TokenEndpoint: "https://as.example/token", RegistrationEndpoint: "https://as.example/register",
		Scopes: "read write", Resource: "https://mcp.example/mcp", ClientID: "client-1",
		ClientSecretSealed: []byte("sealed"), CreatedAt: at(1), UpdatedAt: at(1),
	}
}

// testServerOAuthPutGet stores, replaces (keeping CreatedAt) and reads a
// public client back with a nil secret.
func testServerOAuthPutGet(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	o := newServerOAuth("s1")
	check(t, s.PutServerOAuth(ctx, o))
	got, err := s.GetServerOAuth(ctx, "s1")
	check(t, err)
	diff(t, "server oauth", got, o)

	o2 := o
	o2.ClientID, o2.ClientSecretSealed, o2.CreatedAt, o2.UpdatedAt = "public", nil, at(5), at(5)
	check(t, s.PutServerOAuth(ctx, o2))
	got, err = s.GetServerOAuth(ctx, "s1")
	check(t, err)
	want := o2
	want.CreatedAt = o.CreatedAt
	diff(t, "replaced server oauth", got, want)

	_, err = s.GetServerOAuth(ctx, "s2")
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.PutServerOAuth(ctx, newServerOAuth("nope")), store.ErrNotFound)
}

func testServerOAuthCascade(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	check(t, s.PutServerOAuth(ctx, newServerOAuth("s1")))
	check(t, s.CreateOAuthFlow(ctx, newFlow("h1", "s1", 10)))
	check(t, s.DeleteServer(ctx, "s1"))
	_, err := s.GetServerOAuth(ctx, "s1")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.TakeOAuthFlow(ctx, "h1", at(1))
	wantErr(t, err, store.ErrNotFound)
}

// newFlow returns a flow that expires expires minutes after t0.
func newFlow(hash, serverID string, expires int) store.OAuthFlow {
	return store.OAuthFlow{StateHash: hash, ServerID: serverID, UserID: "u1", StartedBy: "u1",
		CodeVerifier: "verifier", ReturnTo: "/connections", CreatedAt: at(0), ExpiresAt: at(expires)}
}

// testOAuthFlowOnce checks that a state can be redeemed once.
func testOAuthFlowOnce(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	f := newFlow("h1", "s1", 10)
	check(t, s.CreateOAuthFlow(ctx, f))
	wantErr(t, s.CreateOAuthFlow(ctx, f), store.ErrConflict)
	got, err := s.TakeOAuthFlow(ctx, "h1", at(1))
	check(t, err)
	diff(t, "flow", got, f)
	_, err = s.TakeOAuthFlow(ctx, "h1", at(1))
	wantErr(t, err, store.ErrNotFound)
	wantErr(t, s.CreateOAuthFlow(ctx, newFlow("h2", "nope", 10)), store.ErrNotFound)
}

// testOAuthFlowExpiry refuses an expired flow and prunes it.
func testOAuthFlowExpiry(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	check(t, s.CreateOAuthFlow(ctx, newFlow("old", "s1", 5)))
	check(t, s.CreateOAuthFlow(ctx, newFlow("new", "s1", 20)))
	_, err := s.TakeOAuthFlow(ctx, "old", at(5))
	wantErr(t, err, store.ErrNotFound)
	_, err = s.TakeOAuthFlow(ctx, "new", at(6))
	check(t, err)
	// The expired flow was pruned: creating it again does not conflict.
	check(t, s.CreateOAuthFlow(ctx, newFlow("old", "s1", 30)))
}

// testLeaseExclusive covers holding, renewing, expiry and release.
func testLeaseExclusive(t *testing.T, s store.Store) {
	ctx := t.Context()
	acquire := func(holder string, now, until int) bool {
		t.Helper()
		ok, err := s.AcquireLease(ctx, "refresh:c1", holder, at(now), at(until))
		check(t, err)
		return ok
	}
	if !acquire("a", 0, 2) {
		t.Fatal("a could not take a free lease")
	}
	if acquire("b", 1, 3) {
		t.Fatal("b took a's live lease")
	}
	if !acquire("a", 1, 4) {
		t.Fatal("a could not renew its own lease")
	}
	if acquire("b", 3, 5) {
		t.Fatal("b took a's renewed lease")
	}
	if !acquire("b", 4, 6) {
		t.Fatal("b could not take an expired lease")
	}
	check(t, s.ReleaseLease(ctx, "refresh:c1", "a")) // not a's any more: no effect
	if acquire("c", 5, 7) {
		t.Fatal("a's release freed b's lease")
	}
	check(t, s.ReleaseLease(ctx, "refresh:c1", "b"))
	if !acquire("c", 5, 7) {
		t.Fatal("c could not take a released lease")
	}
	ok, err := s.AcquireLease(ctx, "refresh:c2", "b", at(5), at(7))
	check(t, err)
	if !ok {
		t.Fatal("leases with different names are not independent")
	}
}

// testLeaseConcurrent races holders for one lease: exactly one wins.
func testLeaseConcurrent(t *testing.T, s store.Store) {
	ctx := t.Context()
	var wins atomic.Int64
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Go(func() {
			ok, err := s.AcquireLease(ctx, "refresh:race", string(rune('a'+i)), at(0), at(1))
			if err != nil {
				t.Error(err)
			}
			if ok {
				wins.Add(1)
			}
		})
	}
	wg.Wait()
	if wins.Load() != 1 {
		t.Fatalf("%d holders took the lease, want 1", wins.Load())
	}
}
