package upstream

import (
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// TestLeaseOutlivesRefresh: a live holder finishes (token request, then
// storing) before its lease can expire under it, with room for skew.
func TestLeaseOutlivesRefresh(t *testing.T) {
	if refreshTimeout+saveTimeout+5*time.Second > leaseTTL {
		t.Errorf("refreshTimeout %s + saveTimeout %s + 5s skew > leaseTTL %s", refreshTimeout, saveTimeout, leaseTTL)
	}
}

// expiredConnection connects u1 with a token that has expired by return.
func expiredConnection(t *testing.T, f *oauthFixture) store.Credential {
	t.Helper()
	f.as.AccessTTL.Store(int64(time.Second))
	f.connect(t, "u1", "alice")
	f.as.AccessTTL.Store(int64(time.Hour))
	time.Sleep(1100 * time.Millisecond)
	c, err := f.st.GetCredential(t.Context(), f.s.ID, "u1")
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestOAuthRefreshBounded: an authorization server that never answers a
// refresh holds it for refreshTimeout at most, even with an HTTP client
// and a caller without timeouts; the lease is then free again and the
// credential marked expired, not dead.
func TestOAuthRefreshBounded(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	f.p.cfg.OAuthHTTP = &http.Client{} // no timeout of its own
	c := expiredConnection(t, f)
	f.as.HangRefresh.Store(true)

	start := time.Now()
	_, err := f.p.oauth.get(f.p, f.s, "u1").token(t.Context(), "")
	took := time.Since(start)
	if err == nil || errors.Is(err, ErrNeedsReconnect) {
		t.Fatalf("err = %v, want a transient refresh failure", err)
	}
	if took < refreshTimeout-time.Second || took > refreshTimeout+3*time.Second {
		t.Errorf("the hung refresh took %s, want about %s", took, refreshTimeout)
	}
	now := time.Now()
	if ok, err := f.st.AcquireLease(t.Context(), "oauth-refresh:"+c.ID, "other", now, now.Add(time.Second)); err != nil || !ok {
		t.Errorf("the refresh lease is still held: %v, %v", ok, err)
	}
	if c, _ := f.st.GetCredential(t.Context(), f.s.ID, "u1"); c.Status != store.CredentialExpired {
		t.Errorf("status = %q, want expired", c.Status)
	}
}

// TestOAuthLeaseTakeover: a replica that died holding the refresh lease
// delays the refresh until the lease expires, no longer; then exactly one
// refresh runs.
func TestOAuthLeaseTakeover(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	c := expiredConnection(t, f)
	now := time.Now()
	const left = 800 * time.Millisecond // what remains of the dead holder's lease
	if ok, err := f.st.AcquireLease(t.Context(), "oauth-refresh:"+c.ID, "dead-replica", now, now.Add(left)); err != nil || !ok {
		t.Fatalf("acquire = %v, %v", ok, err)
	}
	tok, err := f.p.oauth.get(f.p, f.s, "u1").token(t.Context(), "")
	if err != nil || tok == "" {
		t.Fatalf("token = %q, %v", tok, err)
	}
	if took := time.Since(now); took < left {
		t.Errorf("refreshed after %s, while the dead holder's lease had %s left", took, left)
	}
	if n := f.as.Refreshes.Load(); n != 1 {
		t.Errorf("refreshes = %d, want 1", n)
	}
	if got, err := whoami(t, f.p, f.s, "u1"); err != nil || got != "sub=alice" {
		t.Errorf("whoami = %q, %v", got, err)
	}
}

// TestOAuthLeaseHeldTokenValid: while another replica holds the refresh
// lease (or died holding it), a token that is due for refresh but still
// valid is used at once instead of waiting for the lease.
func TestOAuthLeaseHeldTokenValid(t *testing.T) {
	f := newOAuthFixture(t, store.ModePersonal)
	f.as.AccessTTL.Store(int64(4 * time.Second))
	f.connect(t, "u1", "alice")
	time.Sleep(2200 * time.Millisecond) // past half the lifetime: due
	c, err := f.st.GetCredential(t.Context(), f.s.ID, "u1")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if ok, err := f.st.AcquireLease(t.Context(), "oauth-refresh:"+c.ID, "dead-replica", now, now.Add(leaseTTL)); err != nil || !ok {
		t.Fatalf("acquire = %v, %v", ok, err)
	}
	if got, err := whoami(t, f.p, f.s, "u1"); err != nil || got != "sub=alice" {
		t.Fatalf("whoami = %q, %v", got, err)
	}
	if took := time.Since(now); took > time.Second {
		t.Errorf("the call waited %s for a lease held elsewhere", took)
	}
	if n, x := f.as.Refreshes.Load(), f.as.ExpiredSeen.Load(); n != 0 || x != 0 {
		t.Errorf("refreshes = %d, expired tokens sent = %d; want 0, 0", n, x)
	}
}
