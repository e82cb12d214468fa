package upstream

import (
	"crypto/rand"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// replicaPair is two pools (as on two replicas) over one store and vault,
// and an upstream that records the Authorization header of each request.
type replicaPair struct {
	st       store.Store
	v        *vault.Vault
	a, b     *Pool
	s        store.Server
	lastAuth atomic.Value
}

func newReplicaPair(t *testing.T, recheck time.Duration) *replicaPair {
	t.Helper()
	st, err := sqlite.Open(t.Context(), t.TempDir()+"/r.db")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, 32)
	rand.Read(key)
	v, err := vault.Open(t.Context(), key, st)
	if err != nil {
		t.Fatal(err)
	}
	r := &replicaPair{st: st, v: v}
	u := newUpstreamServer()
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return u.server }, nil)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		r.lastAuth.Store(req.Header.Get("Authorization"))
		h.ServeHTTP(w, req)
	}))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	now := time.Now().UTC()
	r.s = store.Server{ID: "srv_1", Name: "up", URL: srv.URL, Transport: store.TransportStreamableHTTP,
		AuthMethod: store.AuthBearer, CredentialMode: store.ModePersonal, CreatedAt: now, UpdatedAt: now}
	if err := st.CreateServer(t.Context(), r.s, nil); err != nil {
		t.Fatal(err)
	}
	for _, p := range []**Pool{&r.a, &r.b} {
		*p = NewPool(Config{Store: st, Vault: v, ConnTimeout: 5 * time.Second, Recheck: recheck})
		t.Cleanup((*p).Close)
	}
	return r
}

// put stores bob's bearer token, as replica a's API would.
func (r *replicaPair) put(t *testing.T, token string) {
	t.Helper()
	now := time.Now().UTC()
	c := store.Credential{ID: "cr_bob", ServerID: r.s.ID, UserID: "usr_bob", Kind: store.CredentialStatic,
		Status: store.CredentialConnected, CreatedAt: now, UpdatedAt: now}
	sealed, err := r.v.Seal([]byte(token), "credential", c.ID)
	if err != nil {
		t.Fatal(err)
	}
	c.Ciphertext = sealed
	if err := r.st.PutCredential(t.Context(), c); err != nil {
		t.Fatal(err)
	}
}

// call calls through replica b and returns the header the upstream saw.
func (r *replicaPair) call(t *testing.T) (string, error) {
	t.Helper()
	_, err := r.b.CallTool(t.Context(), r.s, "usr_bob", "echo", []byte(`{"text":"hi"}`))
	auth, _ := r.lastAuth.Load().(string)
	return auth, err
}

// TestRecheckSeesOtherReplicasChanges: a secret replaced or revoked on
// another replica takes effect on this one's pooled session within the
// recheck interval; with rechecks off the stale session keeps the old one.
func TestRecheckSeesOtherReplicasChanges(t *testing.T) {
	const every = 30 * time.Millisecond
	r := newReplicaPair(t, every)
	r.put(t, "tok-1")
	if got, err := r.call(t); err != nil || got != "Bearer tok-1" {
		t.Fatalf("first call: %q, %v", got, err)
	}
	r.put(t, "tok-2")
	time.Sleep(every + 10*time.Millisecond)
	if got, err := r.call(t); err != nil || got != "Bearer tok-2" {
		t.Fatalf("after another replica replaced the secret: upstream saw %q (%v), want the new token", got, err)
	}
	if err := r.st.DeleteCredential(t.Context(), r.s.ID, "usr_bob"); err != nil {
		t.Fatal(err)
	}
	time.Sleep(every + 10*time.Millisecond)
	if _, err := r.call(t); !errors.Is(err, ErrNoCredential) {
		t.Fatalf("after another replica revoked the credential: %v, want ErrNoCredential", err)
	}

	off := newReplicaPair(t, -1)
	off.put(t, "tok-1")
	if _, err := off.call(t); err != nil {
		t.Fatal(err)
	}
	off.put(t, "tok-2")
	time.Sleep(every + 10*time.Millisecond)
	if got, _ := off.call(t); got != "Bearer tok-1" {
		t.Fatalf("with rechecks off the pooled session used %q; the test no longer shows what rechecks change", got)
	}
}
