package gateway

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// fakeUpstream is a real go-sdk MCP server over Streamable HTTP. Its tools
// report what they saw, so tests can assert what the gateway forwarded.
type fakeUpstream struct {
	srv      *httptest.Server
	calls    atomic.Int64
	lastAuth atomic.Value // string
	lastText atomic.Value // string: the text argument echo last received
}

type echoIn struct {
	Text string `json:"text"`
}
type echoOut struct {
	Echo   string `json:"echo"`
	Length int    `json:"length"`
}

func newFakeUpstream(t testing.TB, wantHeader, wantValue string) *fakeUpstream {
	f := &fakeUpstream{}
	s := mcp.NewServer(&mcp.Implementation{Name: "fake", Version: "1"}, nil)
	mcp.AddTool(s, &mcp.Tool{Name: "echo", Description: "Echo text back"},
		func(ctx context.Context, req *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, echoOut, error) {
			f.calls.Add(1)
			f.lastText.Store(in.Text)
			return nil, echoOut{Echo: in.Text, Length: len(in.Text)}, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "fail", Description: "Always fails"},
		func(ctx context.Context, req *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			f.calls.Add(1)
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "boom: " + in.Text}}}, nil, nil
		})
	mcp.AddTool(s, &mcp.Tool{Name: "secret_op", Description: "Never enabled"},
		func(ctx context.Context, req *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			f.calls.Add(1)
			return nil, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.lastAuth.Store(r.Header.Get(wantHeader))
		if wantHeader != "" && r.Header.Get(wantHeader) != wantValue {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(func() {
		f.srv.CloseClientConnections() // pooled sessions hold a GET stream open
		f.srv.Close()
	})
	return f
}

// env is a complete gateway over a real SQLite store.
type env struct {
	st     store.Store
	dbPath string
	vault  *vault.Vault
	audit  *audit.Writer
	pool   *upstream.Pool
	gw     *Gateway
	srv    *httptest.Server
	token  string
	user   store.User
	now    time.Time
	skew   atomic.Int64 // nanoseconds the token verifier's clock runs ahead
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := context.Background()
	dbPath := t.TempDir() + "/sb.db"
	st, err := sqlite.Open(ctx, dbPath)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	key := make([]byte, 32)
	rand.Read(key)
	v, err := vault.Open(ctx, key, st)
	if err != nil {
		t.Fatal(err)
	}
	w, err := audit.NewWriter(ctx, audit.Config{Store: st})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	e := &env{st: st, dbPath: dbPath, vault: v, audit: w, now: time.Now().UTC()}
	e.pool = upstream.NewPool(upstream.Config{Store: st, Vault: v})
	t.Cleanup(e.pool.Close)
	ver := identity.NewVerifier(st, nil, func() time.Time { return time.Now().Add(time.Duration(e.skew.Load())) }, 0)
	e.gw, err = New(Config{Store: st, Pool: e.pool, Audit: w, Verifier: ver, CallTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/mcp/{endpoint}", e.gw)
	e.srv = httptest.NewServer(mux)
	t.Cleanup(e.srv.Close)
	e.gw.cfg.PublicURL = e.srv.URL
	e.user, e.token, err = identity.Bootstrap(ctx, st, "alice@example.com", e.now)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// addServer registers an upstream with an optional shared secret and syncs it.
func (e *env) addServer(t testing.TB, name, url, authMethod, header, secret string) store.Server {
	t.Helper()
	ctx := context.Background()
	s := store.Server{ID: identity.NewID("srv"), Name: name, URL: url, Transport: store.TransportStreamableHTTP,
		AuthMethod: authMethod, AuthHeader: header, CredentialMode: store.ModeShared, CreatedAt: e.now, UpdatedAt: e.now}
	var cred *store.Credential
	if secret != "" {
		c := store.Credential{ID: identity.NewID("cr"), ServerID: s.ID, CreatedAt: e.now, UpdatedAt: e.now}
		var err error
		if c.Ciphertext, err = e.vault.Seal([]byte(secret), "credential", c.ID); err != nil {
			t.Fatal(err)
		}
		cred = &c
	}
	if err := e.st.CreateServer(ctx, s, cred); err != nil {
		t.Fatal(err)
	}
	if _, err := e.pool.Sync(ctx, s, e.now); err != nil {
		t.Fatalf("sync %s: %v", name, err)
	}
	return s
}

// addEndpoint creates an endpoint over servers with the given tools
// ("server/tool") enabled at their current hash, then reloads.
func (e *env) addEndpoint(t testing.TB, name string, servers []store.Server, enable ...string) {
	t.Helper()
	ctx := context.Background()
	ep := store.Endpoint{ID: identity.NewID("ep"), Name: name, CreatedAt: e.now, UpdatedAt: e.now}
	for _, s := range servers {
		ep.ServerIDs = append(ep.ServerIDs, s.ID)
		tools, err := e.st.ListTools(ctx, s.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, tool := range tools {
			for _, ref := range enable {
				if ref == s.Name+"/"+tool.Name {
					ep.Tools = append(ep.Tools, store.EndpointTool{ServerID: s.ID, Tool: tool.Name, Enabled: true, ApprovedHash: tool.Hash})
				}
			}
		}
	}
	if err := e.st.CreateEndpoint(ctx, ep); err != nil {
		t.Fatal(err)
	}
	if err := e.gw.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}

// bearer adds a fixed Authorization header.
type bearer struct {
	token string
	base  http.RoundTripper
}

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer "+b.token)
	return b.base.RoundTrip(r)
}

// connect opens a go-sdk client session to /mcp/{endpoint}.
func (e *env) connect(t testing.TB, endpoint string) *mcp.ClientSession {
	t.Helper()
	cs, err := e.connectAs(e.token, endpoint)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	t.Cleanup(func() { cs.Close() })
	return cs
}

// connectAs opens a go-sdk client session to /mcp/{endpoint} with token.
func (e *env) connectAs(token, endpoint string) (*mcp.ClientSession, error) {
	hc := &http.Client{Transport: bearer{token, http.DefaultTransport}}
	c := mcp.NewClient(&mcp.Implementation{Name: "test-client", Version: "9.9"}, nil)
	return c.Connect(context.Background(), &mcp.StreamableClientTransport{Endpoint: e.srv.URL + "/mcp/" + endpoint, HTTPClient: hc},
		&mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
}
