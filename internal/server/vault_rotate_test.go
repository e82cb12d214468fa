package server

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/cli"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

const lockedSecret = "upstream-bearer-7f3a"

// callTimeout bounds one call of the load test, so that a stuck call is a
// failure, not a hung test.
const callTimeout = 30 * time.Second

// lockedUpstream is a go-sdk MCP server with tool echo that answers only
// requests carrying the shared bearer secret, and counts the others.
type lockedUpstream struct {
	url      string
	rejected atomic.Int64
}

func startLockedUpstream(t *testing.T) *lockedUpstream {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "locked", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echo text back"},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "echo: " + in.Text}}}, nil, nil
		})
	u := &lockedUpstream{}
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") != "Bearer "+lockedSecret {
			u.rejected.Add(1)
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	})}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	u.url = "http://" + ln.Addr().String() + "/mcp"
	return u
}

// vaultEnv is authEnv plus server "locked" (shared bearer credential),
// endpoint "vaulted" exposing its echo, an API token for MCP clients, and
// extra sealed credential rows so that a rotation has work to do.
type vaultEnv struct {
	*authEnv
	up       *lockedUpstream
	server   store.Server
	mcpToken string
	extra    int
}

func newVaultEnv(t *testing.T, extra int) *vaultEnv {
	t.Helper()
	ctx := t.Context()
	e := &vaultEnv{authEnv: newAuthEnv(t), up: startLockedUpstream(t), extra: extra}
	_, err := e.admin.CreateServer(ctx, api.CreateServerRequest{Name: "locked", URL: e.up.url, Auth: "bearer", Secret: lockedSecret})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: "vaulted", Servers: []string{"locked"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.admin.UpdateEndpointTools(ctx, "vaulted", api.UpdateToolsRequest{Enable: []string{"locked/echo"}}); err != nil {
		t.Fatal(err)
	}
	tok, err := e.admin.CreateToken(ctx, api.CreateTokenRequest{Name: "load"})
	if err != nil {
		t.Fatal(err)
	}
	e.mcpToken = tok.Value
	if e.server, err = e.srv.store.GetServerByName(ctx, "locked"); err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i := range extra {
		id := fmt.Sprintf("cr_load_%05d", i)
		ct, err := e.srv.vault.Seal([]byte(fmt.Sprintf("personal-%d", i)), store.SealedCredential, id)
		if err != nil {
			t.Fatal(err)
		}
		err = e.srv.store.PutCredential(ctx, store.Credential{ID: id, ServerID: e.server.ID, UserID: fmt.Sprintf("usr_load_%05d", i),
			Ciphertext: ct, CreatedAt: now, UpdatedAt: now})
		if err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// bearer adds an Authorization header to every request.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// connectMCP opens an MCP session to endpoint with the env's API token.
func (e *vaultEnv) connectMCP(t *testing.T, endpoint string) *mcp.ClientSession {
	t.Helper()
	hc := &http.Client{Transport: bearer{e.mcpToken, http.DefaultTransport}}
	c := mcp.NewClient(&mcp.Implementation{Name: "load", Version: "1"}, nil)
	s, err := c.Connect(t.Context(), &mcp.StreamableClientTransport{Endpoint: e.resource(endpoint), HTTPClient: hc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// callLockedEcho calls locked__echo and checks the answer.
func callLockedEcho(ctx context.Context, s *mcp.ClientSession, text string) error {
	res, err := s.CallTool(ctx, &mcp.CallToolParams{Name: "locked__echo", Arguments: map[string]any{"text": text}})
	if err != nil {
		return err
	}
	if res.IsError || len(res.Content) != 1 {
		return fmt.Errorf("tool error: %+v", res.Content)
	}
	if tc, ok := res.Content[0].(*mcp.TextContent); !ok || tc.Text != "echo: "+text {
		return fmt.Errorf("unexpected answer %+v", res.Content[0])
	}
	return nil
}

// loadStats counts the outcomes of the load generators.
type loadStats struct {
	ok, failed atomic.Int64
	mu         sync.Mutex
	firstErrs  []string
}

func (l *loadStats) record(err error) {
	if err == nil {
		l.ok.Add(1)
		return
	}
	l.failed.Add(1)
	l.mu.Lock()
	if len(l.firstErrs) < 5 {
		l.firstErrs = append(l.firstErrs, err.Error())
	}
	l.mu.Unlock()
}

// runCLI runs the real CLI against the env's server as the admin.
func (e *vaultEnv) runCLI(t *testing.T, args ...string) (string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := map[string]string{"SWITCHBOARD_URL": e.url, "SWITCHBOARD_TOKEN": e.mcpToken}
	code := cli.Run(t.Context(), args, cli.IO{Out: &out, Err: &errb, Getenv: func(k string) string { return env[k] },
		ConfigDir: func() (string, error) { return t.TempDir(), nil }}, nil)
	if code != 0 {
		t.Fatalf("switchboard %v: exit %d\n%s%s", args, code, out.String(), errb.String())
	}
	return out.String(), code
}

// TestVaultRotateUnderLoad runs `switchboard vault rotate` while MCP
// clients call a tool through the gateway with the shared bearer
// credential, and while fresh upstream connections unseal that credential
// again and again. Not one call may fail, and the upstream must never see
// a wrong secret.
func TestVaultRotateUnderLoad(t *testing.T) {
	const clients, extra = 6, 1000
	e := newVaultEnv(t, extra)
	gw, direct, stop := e.startLoad(t, clients)
	waitFor(t, func() bool { return gw.ok.Load() >= clients*5 && direct.ok.Load() >= 2 })

	gwBefore, directBefore := gw.ok.Load()+gw.failed.Load(), direct.ok.Load()+direct.failed.Load()
	start := time.Now()
	out, _ := e.runCLI(t, "vault", "rotate", "--batch-size", "50", "--json")
	took := time.Since(start)
	gwDuring := gw.ok.Load() + gw.failed.Load() - gwBefore
	directDuring := direct.ok.Load() + direct.failed.Load() - directBefore
	time.Sleep(100 * time.Millisecond) // calls after the rotation, on the new key
	stop()

	var rep api.VaultRotateReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatalf("vault rotate --json: %v\n%s", err, out)
	}
	t.Logf("rotation: %d ms (CLI round trip %s), re-sealed %v, skipped %d, retired %v",
		rep.DurationMS, took.Round(time.Millisecond), rep.Resealed, rep.Skipped, rep.Retired)
	t.Logf("gateway tool calls: %d ok, %d failed (%d during the rotation); fresh upstream connections: %d ok, %d failed (%d during)",
		gw.ok.Load(), gw.failed.Load(), gwDuring, direct.ok.Load(), direct.failed.Load(), directDuring)
	if n := gw.failed.Load() + direct.failed.Load(); n != 0 {
		t.Errorf("%d calls failed during the rotation; first errors: %q %q", n, gw.firstErrs, direct.firstErrs)
	}
	if n := e.up.rejected.Load(); n != 0 {
		t.Errorf("the upstream rejected %d requests: a wrong or missing secret was sent", n)
	}
	if gwDuring == 0 || directDuring == 0 {
		t.Errorf("no calls ran during the rotation (gateway %d, connections %d): the test proves nothing", gwDuring, directDuring)
	}
	if rep.NewKeyID != 2 || rep.Resealed[store.SealedCredential] != extra+1 || rep.Resealed[store.SealedAuditSigningKey] != 1 ||
		len(rep.Retired) != 1 || rep.Retired[0] != 1 || len(rep.Failed) != 0 {
		t.Errorf("report = %+v", rep)
	}

	status, _ := e.runCLI(t, "vault", "status", "--json")
	var st api.VaultStatus
	if err := json.Unmarshal([]byte(status), &st); err != nil {
		t.Fatal(err)
	}
	if st.ActiveKeyID != 2 || len(st.Keys) != 1 || st.Keys[0].Records[store.SealedCredential] != extra+1 {
		t.Errorf("status after rotation = %+v", st)
	}
	e.wantEvent(t, "vault.rotate", `"new_key_id":2`)
}

// startLoad starts clients MCP sessions that call locked__echo through
// the gateway in a loop, and one loop of fresh, unpooled upstream sessions
// that each unseal the shared credential. stop ends them and waits.
func (e *vaultEnv) startLoad(t *testing.T, clients int) (gw, direct *loadStats, stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	gw, direct = &loadStats{}, &loadStats{}
	var wg sync.WaitGroup
	for c := range clients {
		s := e.connectMCP(t, "vaulted")
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				callCtx, done := context.WithTimeout(context.Background(), callTimeout)
				gw.record(callLockedEcho(callCtx, s, fmt.Sprintf("c%d-%d", c, i)))
				done()
			}
		})
	}
	wg.Go(func() {
		for ctx.Err() == nil {
			callCtx, done := context.WithTimeout(context.Background(), callTimeout)
			s, err := e.srv.pool.Connect(callCtx, e.server, "")
			if err == nil {
				_, err = s.CallTool(callCtx, &mcp.CallToolParams{Name: "echo", Arguments: map[string]any{"text": "x"}})
				s.Close()
			}
			done()
			direct.record(err)
		}
	})
	return gw, direct, func() { cancel(); wg.Wait() }
}

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for the load to start")
		}
		time.Sleep(10 * time.Millisecond)
	}
}
