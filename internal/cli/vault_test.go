package cli

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// vaultAPI serves the two vault routes with canned answers and records
// the rotate request bodies.
func vaultAPI(t *testing.T) (*httptest.Server, func() []string) {
	var mu sync.Mutex
	var bodies []string
	created := time.Date(2025, 6, 1, 10, 0, 0, 0, time.UTC)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/vault", func(w http.ResponseWriter, r *http.Request) {
		writeTestJSON(w, api.VaultStatus{MasterKey: "mk-0123456789abcdef", ActiveKeyID: 2, Kinds: []string{"credential", "audit-signing-key"},
			Keys: []api.VaultKey{
				{ID: 1, InKeyring: true, CreatedAt: &created, Records: map[string]int{"credential": 1}},
				{ID: 2, Active: true, InKeyring: true, CreatedAt: &created, Records: map[string]int{"credential": 4, "audit-signing-key": 1}},
				{ID: 7, Records: map[string]int{"credential": 2}},
			}})
	})
	mux.HandleFunc("POST /api/v1/vault/rotate", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		bodies = append(bodies, string(b))
		mu.Unlock()
		writeTestJSON(w, api.VaultRotateReport{NewKeyID: 3, Resealed: map[string]int{"credential": 5, "audit-signing-key": 1},
			Skipped: 2, Retired: []uint32{1, 2}, DurationMS: 42})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, func() []string { mu.Lock(); defer mu.Unlock(); return append([]string(nil), bodies...) }
}

func writeTestJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

func TestVaultStatus(t *testing.T) {
	h := newHarness(t)
	srv, _ := vaultAPI(t)
	h.env["SWITCHBOARD_URL"] = srv.URL
	r := h.run(t, "", "vault", "status")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"mk-0123456789abcdef (fingerprint)", "Active data key:  2", "credential, audit-signing-key",
		"1 audit-signing-key, 4 credential", "missing from the keyring"} {
		if !strings.Contains(r.out, want) {
			t.Errorf("status lacks %q:\n%s", want, r.out)
		}
	}
	r = h.run(t, "", "vault", "status", "--json")
	var st api.VaultStatus
	if err := json.Unmarshal([]byte(r.out), &st); err != nil || st.ActiveKeyID != 2 || len(st.Keys) != 3 {
		t.Errorf("--json = %s (%v)", r.out, err)
	}
}

func TestVaultRotate(t *testing.T) {
	h := newHarness(t)
	srv, bodies := vaultAPI(t)
	h.env["SWITCHBOARD_URL"] = srv.URL
	r := h.run(t, "", "vault", "rotate")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.err)
	}
	for _, want := range []string{"Rotated to data key 3 in 42 ms.", "Re-sealed: 1 audit-signing-key, 5 credential (2 already rewritten",
		"Retired data keys: 1, 2."} {
		if !strings.Contains(r.out, want) {
			t.Errorf("rotate output lacks %q:\n%s", want, r.out)
		}
	}
	r = h.run(t, "", "vault", "rotate", "--batch-size", "500", "--json")
	var rep api.VaultRotateReport
	if err := json.Unmarshal([]byte(r.out), &rep); err != nil || rep.NewKeyID != 3 {
		t.Errorf("--json = %s (%v)", r.out, err)
	}
	got := bodies()
	if len(got) != 2 || strings.TrimSpace(got[0]) != "{}" || strings.TrimSpace(got[1]) != `{"batch_size":500}` {
		t.Errorf("request bodies = %q", got)
	}
	if r := h.run(t, "", "vault", "rotate", "extra"); r.code != ExitUsage {
		t.Errorf("extra argument: exit %d, want %d", r.code, ExitUsage)
	}
}
