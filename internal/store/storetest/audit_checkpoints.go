package storetest

import (
	"crypto/sha256"
	"fmt"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

var auditCheckpointTests = []suite{
	{"AuditCheckpoints/AddGetList", testCheckpointAddGetList},
	{"AuditCheckpoints/Prune", testCheckpointPrune},
	{"AuditCheckpoints/PruneConflict", testCheckpointPruneConflict},
	{"AuditCheckpoints/SigningKey", testAuditSigningKey},
}

func newCheckpoint(seq int64) store.AuditCheckpoint {
	h := sha256.Sum256(fmt.Appendf(nil, "event %d", seq))
	sig := sha256.Sum256(fmt.Appendf(nil, "sig %d", seq))
	return store.AuditCheckpoint{
		Seq: seq, Hash: h[:], SignedAt: at(int(seq)), KeyID: "ed25519-0123456789abcdef",
		Signature: append(sig[:], sig[:]...),
	}
}

func testCheckpointAddGetList(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.LatestAuditCheckpoint(ctx)
	wantErr(t, err, store.ErrNotFound)
	_, err = s.GetAuditCheckpoint(ctx, 10)
	wantErr(t, err, store.ErrNotFound)
	for _, seq := range []int64{30, 10, 20} {
		check(t, s.AddAuditCheckpoint(ctx, newCheckpoint(seq)))
	}
	wantErr(t, s.AddAuditCheckpoint(ctx, newCheckpoint(20)), store.ErrConflict)

	got, err := s.GetAuditCheckpoint(ctx, 20)
	check(t, err)
	diff(t, "GetAuditCheckpoint(20)", got, newCheckpoint(20))
	latest, err := s.LatestAuditCheckpoint(ctx)
	check(t, err)
	diff(t, "LatestAuditCheckpoint", latest, newCheckpoint(30))

	page, err := s.ListAuditCheckpoints(ctx, 0, 2)
	check(t, err)
	diff(t, "first page", page, []store.AuditCheckpoint{newCheckpoint(10), newCheckpoint(20)})
	page, err = s.ListAuditCheckpoints(ctx, 20, 2)
	check(t, err)
	diff(t, "second page", page, []store.AuditCheckpoint{newCheckpoint(30)})
	page, err = s.ListAuditCheckpoints(ctx, 30, 0)
	check(t, err)
	diff(t, "past the end", page, []store.AuditCheckpoint(nil))
}

func testCheckpointPrune(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.AppendAudit(ctx, events(1, 10)))
	check(t, s.AddAuditCheckpoint(ctx, newCheckpoint(2)))
	check(t, s.AddAuditCheckpoint(ctx, newCheckpoint(8)))

	n, err := s.PruneAudit(ctx, newCheckpoint(4))
	check(t, err)
	if n != 4 {
		t.Errorf("PruneAudit deleted %d events, want 4", n)
	}
	first, err := s.ListAudit(ctx, store.AuditFilter{Ascending: true, Limit: 1})
	check(t, err)
	if len(first) != 1 || first[0].Seq != 5 {
		t.Fatalf("first event after prune = %+v, want seq 5", first)
	}
	cps, err := s.ListAuditCheckpoints(ctx, 0, 0)
	check(t, err)
	diff(t, "checkpoints after prune", cps, []store.AuditCheckpoint{newCheckpoint(4), newCheckpoint(8)})

	// Pruning again behind an existing, identical checkpoint is fine.
	n, err = s.PruneAudit(ctx, newCheckpoint(8))
	check(t, err)
	if n != 4 {
		t.Errorf("second PruneAudit deleted %d events, want 4", n)
	}
	cps, err = s.ListAuditCheckpoints(ctx, 0, 0)
	check(t, err)
	diff(t, "checkpoints after second prune", cps, []store.AuditCheckpoint{newCheckpoint(8)})
	head, err := s.AuditHead(ctx)
	check(t, err)
	if head.Seq != 10 {
		t.Errorf("head = %d, want 10", head.Seq)
	}
}

func testCheckpointPruneConflict(t *testing.T, s store.Store) {
	ctx := t.Context()
	check(t, s.AppendAudit(ctx, events(1, 5)))
	check(t, s.AddAuditCheckpoint(ctx, newCheckpoint(3)))
	other := newCheckpoint(3)
	other.Hash = newCheckpoint(4).Hash
	_, err := s.PruneAudit(ctx, other)
	wantErr(t, err, store.ErrConflict)
	evs, err := s.ListAudit(ctx, store.AuditFilter{})
	check(t, err)
	if len(evs) != 5 {
		t.Errorf("a failed prune left %d events, want all 5", len(evs))
	}
}

func testAuditSigningKey(t *testing.T, s store.Store) {
	ctx := t.Context()
	ks, err := s.ListAuditSigningKeys(ctx)
	check(t, err)
	diff(t, "keys of empty store", ks, []store.AuditSigningKey(nil))
	k := store.AuditSigningKey{ID: "ed25519-aa", Sealed: []byte{1, 2, 3, 0}, CreatedAt: at(1)}
	check(t, s.CreateAuditSigningKey(ctx, k))
	wantErr(t, s.CreateAuditSigningKey(ctx, store.AuditSigningKey{ID: "ed25519-bb", Sealed: []byte{4}, CreatedAt: at(2)}),
		store.ErrConflict)
	ks, err = s.ListAuditSigningKeys(ctx)
	check(t, err)
	diff(t, "keys", ks, []store.AuditSigningKey{k})
}
