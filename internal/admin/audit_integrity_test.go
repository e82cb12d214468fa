package admin

import (
	"crypto/ed25519"
	"crypto/x509"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// integrityEnv is newEnv with a checkpoint signer wired into the API, and
// a writable connection for tampering with the database file.
type integrityEnv struct {
	*env
	signer *audit.Signer
	raw    *sql.DB
}

func newIntegrityEnv(t *testing.T) *integrityEnv {
	t.Helper()
	e := newEnv(t)
	signer, err := audit.OpenSigner(t.Context(), audit.SignerConfig{Store: e.st, Sealer: e.vault})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{
		Store: e.st, Vault: e.vault, Pool: e.pool, Audit: e.audit, Signer: signer,
		Verifier: identity.NewVerifier(e.st, nil, e.clock.Now, 0), Now: e.clock.Now,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	var path string
	if err := e.db.QueryRowContext(t.Context(), `SELECT file FROM pragma_database_list WHERE name = 'main'`).Scan(&path); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String()+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	return &integrityEnv{env: e, signer: signer, raw: raw}
}

// recordN writes n events through the audit writer.
func (e *integrityEnv) recordN(t *testing.T, n int) {
	t.Helper()
	for range n {
		if _, err := e.audit.Record(t.Context(), store.AuditEvent{Code: audit.CodeToolCall, Tool: "echo", Outcome: audit.OutcomeOK}); err != nil {
			t.Fatal(err)
		}
	}
}

func TestVerifyAuditAPI(t *testing.T) {
	e := newIntegrityEnv(t)
	e.recordN(t, 8)
	ev, _ := e.st.GetAudit(t.Context(), 4)
	if err := e.st.AddAuditCheckpoint(t.Context(), e.signer.Sign(4, ev.Hash)); err != nil {
		t.Fatal(err)
	}
	var rep api.AuditVerifyReport
	e.call(t, http.MethodGet, "/api/v1/audit/verify", nil, http.StatusOK, &rep)
	if want := (api.AuditVerifyReport{OK: true, Count: 8, FirstSeq: 1, LastSeq: 8, Checkpoints: 1}); rep != want {
		t.Fatalf("intact: %+v, want %+v", rep, want)
	}

	if _, err := e.raw.ExecContext(t.Context(), `UPDATE audit_events SET tool = 'evil' WHERE seq = 6`); err != nil {
		t.Fatal(err)
	}
	rep = api.AuditVerifyReport{}
	e.call(t, http.MethodGet, "/api/v1/audit/verify", nil, http.StatusOK, &rep)
	if !(!rep.OK && rep.FirstBadSeq == 6 && rep.Reason == api.VerifyEdited && rep.Count == 5 && rep.Detail != "") {
		t.Fatalf("after an edit: %+v, want edited at 6", rep)
	}
}

func TestAuditCheckpointsAPI(t *testing.T) {
	e := newIntegrityEnv(t)
	e.recordN(t, 5)
	for seq := int64(1); seq <= 5; seq++ {
		ev, _ := e.st.GetAudit(t.Context(), seq)
		if err := e.st.AddAuditCheckpoint(t.Context(), e.signer.Sign(seq, ev.Hash)); err != nil {
			t.Fatal(err)
		}
	}
	var keys api.AuditPublicKeys
	e.call(t, http.MethodGet, "/api/v1/audit/public-key", nil, http.StatusOK, &keys)
	if len(keys.Keys) != 1 || !keys.Keys[0].Active || keys.Keys[0].Algorithm != "Ed25519" || keys.Keys[0].KeyID != e.signer.KeyID() {
		t.Fatalf("public keys = %+v", keys)
	}
	pub := parsePEMKey(t, keys.Keys[0].PEM)
	if raw, _ := base64.StdEncoding.DecodeString(keys.Keys[0].PublicKey); !pub.Equal(ed25519.PublicKey(raw)) {
		t.Error("the PEM and base64 forms differ")
	}
	if audit.KeyID(pub) != keys.Keys[0].KeyID {
		t.Error("key_id is not derived from the key")
	}

	var got []api.AuditCheckpoint
	cursor := ""
	for page := 0; ; page++ {
		var list api.AuditCheckpointList
		e.call(t, http.MethodGet, "/api/v1/audit/checkpoints?limit=2&cursor="+cursor, nil, http.StatusOK, &list)
		got = append(got, list.Checkpoints...)
		if cursor = list.NextCursor; cursor == "" || page > 5 {
			break
		}
	}
	if len(got) != 5 {
		t.Fatalf("got %d checkpoints over the pages, want 5", len(got))
	}
	keyMap := map[string]ed25519.PublicKey{audit.KeyID(pub): pub}
	for _, c := range got {
		if err := audit.VerifyCheckpoint(keyMap, storeCheckpoint(t, c)); err != nil {
			t.Errorf("checkpoint %d from the API does not verify with the exported key: %v", c.Seq, err)
		}
	}
	r := e.do(t, e.token, http.MethodGet, "/api/v1/audit/checkpoints?limit=0", nil)
	if r.status != http.StatusBadRequest || apiErrorBody(t, r).Field != "limit" {
		t.Errorf("limit=0: %s", r)
	}
}

// storeCheckpoint decodes a checkpoint from its wire form.
func storeCheckpoint(t *testing.T, c api.AuditCheckpoint) store.AuditCheckpoint {
	t.Helper()
	h, err1 := hex.DecodeString(c.Hash)
	sig, err2 := base64.StdEncoding.DecodeString(c.Signature)
	if err1 != nil || err2 != nil {
		t.Fatalf("checkpoint %d: %v %v", c.Seq, err1, err2)
	}
	return store.AuditCheckpoint{Seq: c.Seq, Hash: h, SignedAt: c.SignedAt.UTC(), KeyID: c.KeyID, Signature: sig}
}

func parsePEMKey(t *testing.T, s string) ed25519.PublicKey {
	t.Helper()
	b, _ := pem.Decode([]byte(s))
	if b == nil || b.Type != "PUBLIC KEY" {
		t.Fatalf("not a PUBLIC KEY PEM block: %q", s)
	}
	k, err := x509.ParsePKIXPublicKey(b.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	pub, ok := k.(ed25519.PublicKey)
	if !ok {
		t.Fatalf("key is a %T", k)
	}
	return pub
}

// TestAuditIntegrityPermissions: verify, checkpoints and public-key need
// audit.read, which admins and auditors have and editors and members lack.
func TestAuditIntegrityPermissions(t *testing.T) {
	e := newIntegrityEnv(t)
	_, auditor := e.newUser(t, "au@example.com", store.RoleAuditor, false)
	_, editor := e.newUser(t, "ed@example.com", store.RoleEditor, false)
	_, member := e.newUser(t, "me@example.com", store.RoleMember, false)
	for _, path := range []string{"/api/v1/audit/verify", "/api/v1/audit/checkpoints", "/api/v1/audit/public-key"} {
		for _, tc := range []struct {
			who, token string
			status     int
		}{
			{"admin", e.token, http.StatusOK}, {"auditor", auditor, http.StatusOK},
			{"editor", editor, http.StatusForbidden}, {"member", member, http.StatusForbidden},
			{"nobody", "", http.StatusUnauthorized},
		} {
			if r := e.do(t, tc.token, http.MethodGet, path, nil); r.status != tc.status {
				t.Errorf("%s GET %s = %s, want %d", tc.who, path, r, tc.status)
			}
		}
	}
}

// TestAuditPublicKeyWithoutSigner: a server without a signer says so.
func TestAuditPublicKeyWithoutSigner(t *testing.T) {
	e := newEnv(t)
	r := e.do(t, e.token, http.MethodGet, "/api/v1/audit/public-key", nil)
	if r.status != http.StatusNotFound {
		t.Errorf("GET public-key without a signer = %s, want 404", r)
	}
	var rep api.AuditVerifyReport
	e.call(t, http.MethodGet, "/api/v1/audit/verify", nil, http.StatusOK, &rep)
	if !rep.OK {
		t.Errorf("verify without a signer: %+v", rep)
	}
}

// checkpointCases are TestBadInput's cases for the checkpoint list.
func checkpointCases() []badCase {
	const r = "GET /api/v1/audit/checkpoints"
	var cases []badCase
	for _, c := range []badCase{
		{name: "limit zero", path: "/api/v1/audit/checkpoints?limit=0", field: "limit"},
		{name: "limit too big", path: "/api/v1/audit/checkpoints?limit=1001", field: "limit"},
		{name: "limit not a number", path: "/api/v1/audit/checkpoints?limit=all", field: "limit"},
		{name: "cursor not a number", path: "/api/v1/audit/checkpoints?cursor=abc", field: "cursor"},
		{name: "cursor negative", path: "/api/v1/audit/checkpoints?cursor=-1", field: "cursor"},
	} {
		c.route, c.status, c.code = r, 400, api.CodeInvalidField
		cases = append(cases, c)
	}
	return cases
}
