package upstream

import (
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/store/sqlite"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

type in struct {
	Text string `json:"text"`
}

// upstreamServer is a real go-sdk server that counts sessions and calls.
type upstreamServer struct {
	sessions, calls atomic.Int64
	server          *mcp.Server
}

func newUpstreamServer() *upstreamServer {
	u := &upstreamServer{}
	u.server = mcp.NewServer(&mcp.Implementation{Name: "up", Version: "1"}, &mcp.ServerOptions{
		InitializedHandler: func(context.Context, *mcp.InitializedRequest) { u.sessions.Add(1) },
	})
	mcp.AddTool(u.server, &mcp.Tool{Name: "echo"}, func(_ context.Context, _ *mcp.CallToolRequest, a in) (*mcp.CallToolResult, any, error) {
		u.calls.Add(1)
		return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: a.Text}}}, nil, nil
	})
	return u
}

func newPool(t *testing.T) (*Pool, store.Store) {
	t.Helper()
	st, err := sqlite.Open(t.Context(), t.TempDir()+"/p.db")
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
	p := NewPool(Config{Store: st, Vault: v, ConnTimeout: 5 * time.Second})
	t.Cleanup(p.Close)
	return p, st
}

// TestPoolReusesOneSessionPerTransport makes many concurrent calls and
// checks that each transport opened exactly one upstream session.
func TestPoolReusesOneSessionPerTransport(t *testing.T) {
	for _, tc := range []struct {
		transport string
		handler   func(*mcp.Server) http.Handler
	}{
		{store.TransportStreamableHTTP, func(s *mcp.Server) http.Handler {
			return mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
		}},
		{store.TransportSSE, func(s *mcp.Server) http.Handler {
			return mcp.NewSSEHandler(func(*http.Request) *mcp.Server { return s }, nil)
		}},
	} {
		t.Run(tc.transport, func(t *testing.T) {
			u := newUpstreamServer()
			srv := httptest.NewServer(tc.handler(u.server))
			t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
			p, _ := newPool(t)
			s := store.Server{ID: "srv_1", Name: "up", URL: srv.URL, Transport: tc.transport, AuthMethod: store.AuthNone}
			var wg sync.WaitGroup
			for range 20 {
				wg.Go(func() {
					ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
					defer cancel()
					res, err := p.CallTool(ctx, s, "", "echo", []byte(`{"text":"hi"}`))
					if err != nil || res.Content[0].(*mcp.TextContent).Text != "hi" {
						t.Errorf("call: %v %+v", err, res)
					}
				})
			}
			wg.Wait()
			if n := u.sessions.Load(); n != 1 {
				t.Errorf("upstream saw %d sessions for 20 calls, want 1", n)
			}
			if n := u.calls.Load(); n != 20 {
				t.Errorf("upstream saw %d calls, want 20", n)
			}
		})
	}
}

func TestPoolReconnectsAfterUpstreamForgetsSession(t *testing.T) {
	u := newUpstreamServer()
	var h atomic.Pointer[mcp.StreamableHTTPHandler]
	h.Store(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return u.server }, nil))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.Load().ServeHTTP(w, r) }))
	t.Cleanup(func() { srv.CloseClientConnections(); srv.Close() })
	p, _ := newPool(t)
	s := store.Server{ID: "srv_1", Name: "up", URL: srv.URL, Transport: store.TransportStreamableHTTP, AuthMethod: store.AuthNone}
	if _, err := p.CallTool(t.Context(), s, "", "echo", []byte(`{"text":"a"}`)); err != nil {
		t.Fatal(err)
	}
	// The upstream forgets the session (idle timeout, restart behind a
	// proxy): the next call gets 404, and the pool reopens and retries once.
	h.Store(mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return u.server }, nil))
	if _, err := p.CallTool(t.Context(), s, "", "echo", []byte(`{"text":"b"}`)); err != nil {
		t.Fatalf("call after the upstream forgot the session: %v", err)
	}
	if n, m := u.calls.Load(), u.sessions.Load(); n != 2 || m != 2 {
		t.Errorf("calls = %d, sessions = %d; want 2 and 2 (no duplicate forward)", n, m)
	}
	// A dropped connection fails at most the call in flight; the session is
	// dropped and the next call reconnects.
	srv.CloseClientConnections()
	p.CallTool(t.Context(), s, "", "echo", []byte(`{"text":"c"}`))
	if _, err := p.CallTool(t.Context(), s, "", "echo", []byte(`{"text":"d"}`)); err != nil {
		t.Fatalf("call after reconnect: %v", err)
	}
}
