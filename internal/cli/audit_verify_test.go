package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// integrityAPI fakes the verify, checkpoint and event routes: events 1 to
// n with made-up hashes, a checkpoint signed by key at each seq in cps.
type integrityAPI struct {
	key    ed25519.PrivateKey
	report api.AuditVerifyReport
	events map[int64]string // seq → hex hash
	cps    []api.AuditCheckpoint
}

func newIntegrityAPI(t *testing.T, h *harness, n int64, cps ...int64) *integrityAPI {
	t.Helper()
	f := &integrityAPI{key: ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, 32)), events: map[int64]string{}}
	for seq := int64(1); seq <= n; seq++ {
		f.events[seq] = hex.EncodeToString(bytes.Repeat([]byte{byte(seq)}, 32))
	}
	for _, seq := range cps {
		f.sign(seq)
	}
	f.report = api.AuditVerifyReport{OK: true, Count: n, FirstSeq: 1, LastSeq: n, Checkpoints: len(cps)}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/audit/verify", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, f.report) })
	mux.HandleFunc("GET /api/v1/audit/public-key", func(w http.ResponseWriter, r *http.Request) {
		pub := f.key.Public().(ed25519.PublicKey)
		der, _ := x509.MarshalPKIXPublicKey(pub)
		reply(w, 200, api.AuditPublicKeys{Keys: []api.AuditPublicKey{{
			KeyID: apiclient.CheckpointKeyID(pub), Algorithm: "Ed25519", Active: true,
			PublicKey: base64.StdEncoding.EncodeToString(pub),
			PEM:       string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})),
		}}})
	})
	mux.HandleFunc("GET /api/v1/audit/checkpoints", f.listCheckpoints)
	mux.HandleFunc("GET /api/v1/audit/{seq}", func(w http.ResponseWriter, r *http.Request) {
		seq, _ := strconv.ParseInt(r.PathValue("seq"), 10, 64)
		hash, ok := f.events[seq]
		if !ok {
			replyErr(w, 404, api.CodeNotFound, "", "not found")
			return
		}
		reply(w, 200, api.AuditEvent{Seq: seq, Hash: hash})
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	h.env["SWITCHBOARD_URL"] = srv.URL
	return f
}

func (f *integrityAPI) sign(seq int64) {
	hash, _ := hex.DecodeString(f.events[seq])
	cp := api.AuditCheckpoint{Seq: seq, Hash: f.events[seq], SignedAt: testNow, KeyID: apiclient.CheckpointKeyID(f.key.Public().(ed25519.PublicKey))}
	cp.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(f.key, apiclient.CheckpointMessage(seq, hash, testNow)))
	f.cps = append(f.cps, cp)
}

// listCheckpoints pages two at a time, to exercise the cursor.
func (f *integrityAPI) listCheckpoints(w http.ResponseWriter, r *http.Request) {
	after, _ := strconv.ParseInt(r.URL.Query().Get("cursor"), 10, 64)
	out := api.AuditCheckpointList{Checkpoints: []api.AuditCheckpoint{}}
	for _, cp := range f.cps {
		if cp.Seq > after && len(out.Checkpoints) < 2 {
			out.Checkpoints = append(out.Checkpoints, cp)
		}
	}
	if len(out.Checkpoints) == 2 {
		out.NextCursor = strconv.FormatInt(out.Checkpoints[1].Seq, 10)
	}
	reply(w, 200, out)
}

// keyFile writes the fake's public key with `audit public-key` and
// returns the file.
func (f *integrityAPI) keyFile(t *testing.T, h *harness, args ...string) string {
	t.Helper()
	r := h.run(t, "", append([]string{"audit", "public-key"}, args...)...)
	if r.code != 0 {
		t.Fatalf("audit public-key: exit %d: %s", r.code, r.err)
	}
	path := filepath.Join(t.TempDir(), "audit-key.pem")
	if err := os.WriteFile(path, []byte(r.out), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestAuditVerify(t *testing.T) {
	h := newHarness(t)
	f := newIntegrityAPI(t, h, 8, 4, 8)
	r := h.run(t, "", "audit", "verify")
	if r.code != 0 || !strings.Contains(r.out, "Audit trail OK: 8 event(s) verified, seq 1 to 8, 2 signed checkpoint(s)") {
		t.Fatalf("exit %d\nout: %s\nerr: %s", r.code, r.out, r.err)
	}
	f.report = api.AuditVerifyReport{OK: false, Count: 5, FirstBadSeq: 6, Reason: "edited", Detail: "event 6 no longer matches its hash"}
	r = h.run(t, "", "audit", "verify")
	if r.code != ExitError || !strings.Contains(r.out, "BROKEN at seq 6: edited") || !strings.Contains(r.err, "does not verify") {
		t.Fatalf("broken: exit %d\nout: %s\nerr: %s", r.code, r.out, r.err)
	}
	r = h.run(t, "", "audit", "verify", "--json")
	var got api.AuditVerifyReport
	if err := json.Unmarshal([]byte(r.out), &got); err != nil || got != f.report || r.code != ExitError {
		t.Fatalf("--json: exit %d, %+v (%v)", r.code, got, err)
	}
}

func TestAuditVerifyCheckpointsOnly(t *testing.T) {
	for _, form := range [][]string{nil, {"--base64"}} {
		t.Run(fmt.Sprint(form), func(t *testing.T) {
			h := newHarness(t)
			f := newIntegrityAPI(t, h, 10, 3, 6, 9, 10)
			key := f.keyFile(t, h, form...)
			r := h.run(t, "", "audit", "verify", "--checkpoints-only", "--public-key", key)
			if r.code != 0 || !strings.Contains(r.out, "Checkpoints OK: 4 signature(s) verified") {
				t.Fatalf("exit %d\nout: %s\nerr: %s", r.code, r.out, r.err)
			}
		})
	}
}

func TestAuditVerifyCheckpointsOnlyDetects(t *testing.T) {
	tests := []struct {
		name   string
		tamper func(f *integrityAPI)
		want   string
	}{
		{"event hash changed", func(f *integrityAPI) { f.events[6] = strings.Repeat("ee", 32) }, "BROKEN at seq 4: edited"},
		{"checkpoint hash changed", func(f *integrityAPI) { f.cps[1].Hash = strings.Repeat("ee", 32) }, "BROKEN at seq 6: edited"},
		{"checkpointed event deleted", func(f *integrityAPI) { delete(f.events, 9) }, "BROKEN at seq 9: deleted"},
		{"trail gone after the anchor", func(f *integrityAPI) { delete(f.events, 3); delete(f.events, 4) }, "BROKEN at seq 4: deleted"},
		{"no checkpoints", func(f *integrityAPI) { f.cps = nil }, "NOT verified"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t)
			f := newIntegrityAPI(t, h, 10, 3, 6, 9)
			key := f.keyFile(t, h)
			tc.tamper(f)
			r := h.run(t, "", "audit", "verify", "--checkpoints-only", "--public-key", key)
			if r.code != ExitError || !strings.Contains(r.out, tc.want) {
				t.Fatalf("exit %d\nout: %s\nerr: %s", r.code, r.out, r.err)
			}
		})
	}
	t.Run("retention anchor", func(t *testing.T) {
		h := newHarness(t)
		f := newIntegrityAPI(t, h, 10, 3, 6, 9)
		key := f.keyFile(t, h)
		delete(f.events, 1)
		delete(f.events, 2)
		delete(f.events, 3)
		r := h.run(t, "", "audit", "verify", "--checkpoints-only", "--public-key", key)
		if r.code != 0 || !strings.Contains(r.out, "retention anchor at seq 3") {
			t.Fatalf("exit %d\nout: %s\nerr: %s", r.code, r.out, r.err)
		}
	})
	t.Run("another key", func(t *testing.T) {
		h := newHarness(t)
		newIntegrityAPI(t, h, 10, 3)
		other := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{9}, 32)).Public().(ed25519.PublicKey)
		path := filepath.Join(t.TempDir(), "other.b64")
		os.WriteFile(path, []byte("# someone else's key\n"+base64.StdEncoding.EncodeToString(other)+"\n"), 0o600)
		r := h.run(t, "", "audit", "verify", "--checkpoints-only", "--public-key", path, "--json")
		var got checkpointReport
		if err := json.Unmarshal([]byte(r.out), &got); err != nil || got.OK || got.FirstBadSeq != 3 || got.Reason != "edited" || r.code != ExitError {
			t.Fatalf("exit %d, %+v (%v)\n%s", r.code, got, err, r.err)
		}
	})
}

func TestAuditVerifyUsage(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "bad.pem")
	os.WriteFile(bad, []byte("not a key\n"), 0o600)
	for _, args := range [][]string{
		{"--checkpoints-only"},
		{"--public-key", bad},
		{"--checkpoints-only", "--public-key", filepath.Join(t.TempDir(), "missing.pem")},
		{"--checkpoints-only", "--public-key", bad},
		{"extra"},
	} {
		r := newHarness(t).run(t, "", append([]string{"audit", "verify"}, args...)...)
		if r.code != ExitUsage {
			t.Errorf("%v: exit %d, stderr %q", args, r.code, r.err)
		}
	}
}
