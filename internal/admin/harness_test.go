package admin

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/upstream"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// fakeUpstream is a real go-sdk MCP server over Streamable HTTP whose tool
// definitions a test can change between syncs.
type fakeUpstream struct {
	srv *httptest.Server
	mcp *mcp.Server
	url string
}

type textIn struct {
	Text string `json:"text"`
}

// newFakeUpstream serves tools named in tools, each described "v1 <name>".
// When header is set, requests without header: value get a 401.
func newFakeUpstream(t testing.TB, header, value string, tools ...string) *fakeUpstream {
	t.Helper()
	f := &fakeUpstream{mcp: mcp.NewServer(&mcp.Implementation{Name: "fake", Version: "1"}, nil)}
	for _, name := range tools {
		f.setTool(name, "v1 "+name)
	}
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return f.mcp }, nil)
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if header != "" && r.Header.Get(header) != value {
			http.Error(w, "unauthorized", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	f.url = f.srv.URL + "/mcp"
	t.Cleanup(f.stop)
	return f
}

// setTool adds the tool or replaces its definition.
func (f *fakeUpstream) setTool(name, description string) {
	f.mcp.RemoveTools(name)
	mcp.AddTool(f.mcp, &mcp.Tool{Name: name, Description: description},
		func(ctx context.Context, req *mcp.CallToolRequest, in textIn) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: in.Text}}}, nil, nil
		})
}

func (f *fakeUpstream) removeTool(name string) { f.mcp.RemoveTools(name) }

// stop shuts the upstream down; later connects are refused.
func (f *fakeUpstream) stop() {
	f.srv.CloseClientConnections()
	f.srv.Close()
}

// clock is the injected time of the API and the token verifier.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	c.mu.Unlock()
}

// env is the admin API over a real SQLite store, vault, audit writer and
// upstream pool, served by httptest.
type env struct {
	st      store.Store
	db      *sql.DB // a second, read-only connection for snapshots
	vault   *vault.Vault
	audit   *audit.Writer
	pool    *upstream.Pool
	clock   *clock
	srv     *httptest.Server
	admin   store.User
	token   string // the admin's bootstrap token
	reloads atomic.Int64
	cli     *identity.CLICodes // browser sign-in codes of POST /api/v1/cli/token
}

func newEnv(t testing.TB) *env {
	t.Helper()
	ctx := t.Context() // setup only: nothing below keeps it
	path := t.TempDir() + "/sb.db"
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	db, err := sql.Open("sqlite", (&url.URL{Scheme: "file", Path: path}).String()+"?_pragma=query_only(1)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
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
	e := &env{st: st, db: db, vault: v, audit: w, clock: &clock{now: time.Now().UTC().Truncate(time.Second)}}
	e.pool = upstream.NewPool(upstream.Config{Store: st, Vault: v, ConnTimeout: 5 * time.Second,
		OAuthRedirectURI: "https://sb.example/oauth/upstream/callback"})
	t.Cleanup(e.pool.Close)
	e.cli = identity.NewCLICodes(e.clock.Now)
	logins, err := identity.NewLogins(identity.LoginConfig{Store: st, Now: e.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	a, err := New(Config{
		Store: st, Vault: v, Pool: e.pool, Audit: w,
		Verifier:  identity.NewVerifier(st, nil, e.clock.Now, 0),
		Now:       e.clock.Now,
		PublicURL: "https://sb.example",
		Logger:    slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn})),
		OnChange:  func(context.Context) error { e.reloads.Add(1); return nil },
		Logins:    logins,
		CLICodes:  e.cli,
	})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = httptest.NewServer(a)
	t.Cleanup(e.srv.Close)
	e.admin, e.token, err = identity.Bootstrap(ctx, st, "root@example.com", e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// newUser creates a user with role and an API token for it.
func (e *env) newUser(t testing.TB, email, role string, disabled bool) (store.User, string) {
	t.Helper()
	now := e.clock.Now()
	u := store.User{ID: identity.NewID("usr"), Email: email, Role: role, Disabled: disabled, CreatedAt: now, UpdatedAt: now}
	if err := e.st.CreateUser(t.Context(), u); err != nil {
		t.Fatal(err)
	}
	text, hash := identity.NewToken()
	tok := store.APIToken{ID: identity.NewID("tok"), Name: "test", UserID: u.ID, Hash: hash, Prefix: text[:8], CreatedAt: now}
	if err := e.st.CreateAPIToken(t.Context(), tok); err != nil {
		t.Fatal(err)
	}
	return u, text
}

// response is one HTTP exchange with the API.
type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) String() string { return fmt.Sprintf("%d %s", r.status, r.body) }

// do sends a request with token ("" sends no Authorization header). body is
// sent as is when it is a string, JSON-encoded otherwise, and omitted when
// nil.
func (e *env) do(t testing.TB, token, method, path string, body any) response {
	t.Helper()
	return e.doHeaders(t, method, path, body, bearerHeader(token))
}

func bearerHeader(token string) http.Header {
	h := http.Header{}
	if token != "" {
		h.Set("Authorization", "Bearer "+token)
	}
	return h
}

func (e *env) doHeaders(t testing.TB, method, path string, body any, h http.Header) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, e.srv.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range h {
		req.Header[k] = v
	}
	res, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{status: res.StatusCode, header: res.Header, body: raw}
}

// call sends a request as the admin, fails the test unless the status is
// want, and decodes the body into out when out is not nil.
func (e *env) call(t testing.TB, method, path string, body any, want int, out any) response {
	t.Helper()
	r := e.do(t, e.token, method, path, body)
	if r.status != want {
		t.Fatalf("%s %s = %s, want status %d", method, path, r, want)
	}
	if out != nil {
		if err := json.Unmarshal(r.body, out); err != nil {
			t.Fatalf("%s %s: decode %s: %v", method, path, r.body, err)
		}
	}
	return r
}

// apiError decodes an error body strictly, failing on any other shape.
func apiErrorBody(t testing.TB, r response) api.ErrorBody {
	t.Helper()
	if ct := r.header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type = %q, want application/json", ct)
	}
	dec := json.NewDecoder(bytes.NewReader(r.body))
	dec.DisallowUnknownFields()
	var e api.Error
	if err := dec.Decode(&e); err != nil {
		t.Fatalf("error body %s: %v", r.body, err)
	}
	if e.Err.Code == "" || e.Err.Message == "" {
		t.Errorf("error body %s lacks a code or message", r.body)
	}
	return e.Err
}

// addServer creates a server through the API with auth none.
func (e *env) addServer(t testing.TB, name, url string) api.CreateServerResponse {
	t.Helper()
	var out api.CreateServerResponse
	e.call(t, http.MethodPost, "/api/v1/servers", api.CreateServerRequest{Name: name, URL: url}, http.StatusCreated, &out)
	return out
}

// addEndpoint creates an endpoint through the API.
func (e *env) addEndpoint(t testing.TB, name string, unprefixed bool, servers ...string) api.Endpoint {
	t.Helper()
	var out api.Endpoint
	e.call(t, http.MethodPost, "/api/v1/endpoints", api.CreateEndpointRequest{Name: name, Servers: servers, Unprefixed: unprefixed},
		http.StatusCreated, &out)
	return out
}

// auditEvents returns every audit event, newest first.
func (e *env) auditEvents(t testing.TB) []store.AuditEvent {
	t.Helper()
	evs, err := e.st.ListAudit(t.Context(), store.AuditFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return evs
}

// snapshot dumps every table of the database, row by row, so a test can
// check that a request wrote nothing at all.
func (e *env) snapshot(t testing.TB) map[string][]string {
	t.Helper()
	ctx := t.Context()
	rows, err := e.db.QueryContext(ctx, `SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		tables = append(tables, name)
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, table := range tables {
		out[table] = e.dumpTable(t, table)
	}
	return out
}

func (e *env) dumpTable(t testing.TB, table string) []string {
	t.Helper()
	rows, err := e.db.QueryContext(t.Context(), `SELECT * FROM "`+table+`"`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			t.Fatal(err)
		}
		var b strings.Builder
		for i, v := range vals {
			fmt.Fprintf(&b, "%s=%q ", cols[i], fmt.Sprint(v))
		}
		out = append(out, b.String())
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// unchanged fails when the database differs from before.
func (e *env) unchanged(t testing.TB, before map[string][]string) {
	t.Helper()
	if diff := cmp.Diff(before, e.snapshot(t)); diff != "" {
		t.Errorf("the request changed the database (-before +after):\n%s", diff)
	}
}
