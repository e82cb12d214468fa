package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// suite is a test that gets its own fresh store.
type suite struct {
	name string
	run  func(t *testing.T, s store.Store)
}

// Run runs the conformance suite, one named subtest per behaviour, each on
// a fresh empty store from newStore. newStore must fail t when it cannot
// build one and arrange for the store to be closed.
func Run(t *testing.T, newStore func(t *testing.T) store.Store) {
	var all []suite
	for _, group := range [][]suite{
		userTests, tokenTests, serverTests, catalogTests, endpointTests,
		credentialTests, vaultKeyTests, auditTests, auditListTests, timeTests,
		auditTextTests, auditSinkTests, auditCheckpointTests,
		accountTests, oauthTests, groupTests, endpointGrantTests, toolRuleTests, serviceAccountTests, roleTests, upstreamOAuthTests,
	} {
		all = append(all, group...)
	}
	for _, tc := range all {
		t.Run(tc.name, func(t *testing.T) {
			tc.run(t, newStore(t))
		})
	}
}

// t0 is the base time of the fixtures: nanoseconds set, to catch
// truncation.
var t0 = time.Date(2025, 3, 1, 12, 0, 0, 123456789, time.UTC)

// at returns t0 plus n minutes.
func at(n int) time.Time {
	return t0.Add(time.Duration(n) * time.Minute)
}

// equateEmpty lets a nil slice stand for an empty one: backends read empty
// lists back as nil or empty.
var equateEmpty = cmpopts.EquateEmpty()

// check fails t now when err is not nil.
func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("unexpected error: %v", err)
	}
}

// wantErr fails t now unless err wraps target.
func wantErr(t *testing.T, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Fatalf("error = %v, want %v", err, target)
	}
}

// diff fails t when got and want differ.
func diff(t *testing.T, what string, got, want any) {
	t.Helper()
	if d := cmp.Diff(want, got, equateEmpty); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", what, d)
	}
}

// errBoom is what failing Update closures return.
var errBoom = errors.New("boom")

func isNotFound(err error) bool { return errors.Is(err, store.ErrNotFound) }

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }
