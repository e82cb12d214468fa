package storetest

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var serviceAccountTests = []suite{
	{"ServiceAccounts/CreateListGet", testServiceAccounts},
	{"ServiceAccounts/Tokens", testServiceAccountTokens},
	{"ServiceAccounts/GrantedEndpoints", testGrantedEndpoints},
}

func newServiceAccount(id, name string) store.ServiceAccount {
	return store.ServiceAccount{ID: id, Name: name, Description: "sa " + name, CreatedAt: at(0)}
}

func testServiceAccounts(t *testing.T, s store.Store) {
	ctx := t.Context()
	got, err := s.ListServiceAccounts(ctx)
	check(t, err)
	diff(t, "ListServiceAccounts of an empty store", got, []store.ServiceAccount(nil))
	b, a := newServiceAccount("sa2", "deploy"), newServiceAccount("sa1", "ci")
	check(t, s.CreateServiceAccount(ctx, b))
	check(t, s.CreateServiceAccount(ctx, a))
	wantErr(t, s.CreateServiceAccount(ctx, newServiceAccount("sa3", "ci")), store.ErrConflict)
	wantErr(t, s.CreateServiceAccount(ctx, newServiceAccount("sa1", "other")), store.ErrConflict)
	got, err = s.ListServiceAccounts(ctx)
	check(t, err)
	diff(t, "ListServiceAccounts", got, []store.ServiceAccount{a, b})
	one, err := s.GetServiceAccountByName(ctx, "deploy")
	check(t, err)
	diff(t, "GetServiceAccountByName", one, b)
	one, err = s.GetServiceAccount(ctx, "sa1")
	check(t, err)
	diff(t, "GetServiceAccount", one, a)
	_, err = s.GetServiceAccountByName(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetServiceAccount(ctx, "nope")
	wantErr(t, err, store.ErrNotFound)
}

func testServiceAccountTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.CreateServiceAccount(ctx, newServiceAccount("sa1", "ci")))
	check(t, s.CreateEndpoint(ctx, newEndpoint("e1", "dev")))
	tok := store.ServiceAccountToken{ID: "st1", Name: "build", ServiceAccountID: "sa1", Hash: []byte{1, 2, 3}, Prefix: "sbt_sa_A",
		EndpointID: "e1", CreatedAt: at(1), ExpiresAt: at(60)}
	check(t, s.CreateServiceAccountToken(ctx, tok))
	dup := tok
	dup.ID = "st2"
	wantErr(t, s.CreateServiceAccountToken(ctx, dup), store.ErrConflict)
	bad := tok
	bad.ID, bad.Hash, bad.ServiceAccountID = "st3", []byte{9}, "nope"
	wantErr(t, s.CreateServiceAccountToken(ctx, bad), store.ErrNotFound)
	bad.ServiceAccountID, bad.EndpointID = "sa1", "nope"
	wantErr(t, s.CreateServiceAccountToken(ctx, bad), store.ErrNotFound)
	got, err := s.GetServiceAccountTokenByHash(ctx, []byte{1, 2, 3})
	check(t, err)
	diff(t, "GetServiceAccountTokenByHash", got, tok)
	_, err = s.GetServiceAccountTokenByHash(ctx, []byte{7})
	wantErr(t, err, store.ErrNotFound)
	check(t, s.RevokeServiceAccountToken(ctx, "st1", at(5)))
	check(t, s.RevokeServiceAccountToken(ctx, "st1", at(9))) // keeps the first time
	wantErr(t, s.RevokeServiceAccountToken(ctx, "nope", at(5)), store.ErrNotFound)
	tok.RevokedAt = at(5)
	list, err := s.ListServiceAccountTokens(ctx, "sa1")
	check(t, err)
	diff(t, "ListServiceAccountTokens", list, []store.ServiceAccountToken{tok})
}

func testGrantedEndpoints(t *testing.T, s store.Store) {
	ctx := t.Context()
	for _, id := range []string{"e1", "e2", "e3"} {
		check(t, s.CreateEndpoint(ctx, newEndpoint(id, "ep-"+id)))
	}
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("a", "e2", store.GrantServiceAccount, "sa1")))
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("b", "e1", store.GrantServiceAccount, "sa1")))
	check(t, s.AddEndpointGrant(ctx, newEndpointGrant("c", "e3", store.GrantUser, "sa1")))
	got, err := s.GrantedEndpoints(ctx, store.GrantServiceAccount, "sa1")
	check(t, err)
	diff(t, "GrantedEndpoints", got, []string{"e1", "e2"})
	got, err = s.GrantedEndpoints(ctx, store.GrantServiceAccount, "sa2")
	check(t, err)
	diff(t, "GrantedEndpoints of none", got, []string(nil))
}
