package storetest

import (
	"slices"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func init() {
	vaultKeyTests = append(vaultKeyTests, suite{"Sealed/ServerOAuth", testSealedServerOAuth})
}

// testSealedServerOAuth: the upstream OAuth client secret is one of the
// sealed columns; a public client (no secret) is not listed.
func testSealedServerOAuth(t *testing.T, s store.Store) {
	ctx := t.Context()
	twoServers(t, s)
	for _, id := range []string{"s1", "s2"} {
		o := store.ServerOAuth{ServerID: id, Issuer: "https://as.example", AuthorizationEndpoint: "https://as.example/a",
			TokenEndpoint: "https://as.example/t", ClientID: "c-" + id, CreatedAt: at(1), UpdatedAt: at(1)}
		if id == "s1" {
			o.ClientSecretSealed = sealedBlob(1, "cs")
		}
		check(t, s.PutServerOAuth(ctx, o))
	}
	kinds, err := s.SealedKinds(ctx)
	check(t, err)
	if !slices.Contains(kinds, store.SealedServerOAuth) {
		t.Fatalf("SealedKinds = %v, missing %q", kinds, store.SealedServerOAuth)
	}
	recs, err := s.ListSealed(ctx, store.SealedServerOAuth, "", 10)
	check(t, err)
	diff(t, "sealed client secrets", recs, []store.SealedRecord{{Kind: store.SealedServerOAuth, ID: "s1", Sealed: sealedBlob(1, "cs")}})

	ok, err := s.SwapSealed(ctx, store.SealedServerOAuth, "s1", sealedBlob(1, "cs"), sealedBlob(2, "cs2"))
	check(t, err)
	if !ok {
		t.Error("swap of the client secret did not swap")
	}
	got, err := s.GetServerOAuth(ctx, "s1")
	check(t, err)
	diff(t, "client secret after swap", got.ClientSecretSealed, sealedBlob(2, "cs2"))
	counts, err := s.CountSealed(ctx)
	check(t, err)
	if !slices.Contains(counts, store.SealedCount{Kind: store.SealedServerOAuth, KeyID: 2, Rows: 1}) {
		t.Errorf("CountSealed = %+v, want 1 server_oauth record on key 2", counts)
	}
	check(t, s.AddVaultKey(ctx, newVaultKey(1, false)))
	check(t, s.AddVaultKey(ctx, newVaultKey(2, true)))
	check(t, s.DeleteVaultKey(ctx, 1))
}
