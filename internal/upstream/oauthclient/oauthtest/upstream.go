package oauthtest

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync/atomic"

	"github.com/modelcontextprotocol/go-sdk/auth"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// Upstream is an MCP server at URL (path /mcp) that requires a bearer
// token from AS and whose whoami tool answers "sub=<subject>".
type Upstream struct {
	*httptest.Server
	URL string // the MCP endpoint

	Unauthorized atomic.Int64 // requests answered 401
	Calls        atomic.Int64 // whoami calls
}

// NewUpstream starts the protected MCP server.
func NewUpstream(as *AS) *Upstream {
	u := &Upstream{}
	srv := mcp.NewServer(&mcp.Implementation{Name: "protected", Version: "1"}, nil)
	mcp.AddTool(srv, &mcp.Tool{Name: "whoami", Description: "Returns the subject of the caller's token."},
		func(ctx context.Context, req *mcp.CallToolRequest, _ struct{}) (*mcp.CallToolResult, any, error) {
			u.Calls.Add(1)
			sub := "anonymous"
			if ti := req.Extra.TokenInfo; ti != nil {
				sub = ti.UserID
			}
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "sub=" + sub}}}, nil, nil
		})
	handler := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return srv }, nil)
	verify := func(_ context.Context, token string, _ *http.Request) (*auth.TokenInfo, error) {
		sub, exp, ok := as.Subject(token)
		if !ok {
			return nil, fmt.Errorf("%w: unknown or expired token", auth.ErrInvalidToken)
		}
		return &auth.TokenInfo{UserID: sub, Expiration: exp, Scopes: []string{"mcp"}}, nil
	}
	mux := http.NewServeMux()
	u.Server = httptest.NewUnstartedServer(mux)
	u.Start()
	u.URL = u.Server.URL + "/mcp"
	prmURL := u.Server.URL + "/.well-known/oauth-protected-resource/mcp"
	protected := auth.RequireBearerToken(verify, &auth.RequireBearerTokenOptions{ResourceMetadataURL: prmURL})(handler)
	mux.Handle("/mcp", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		protected.ServeHTTP(rec, r)
		if rec.status == http.StatusUnauthorized {
			u.Unauthorized.Add(1)
		}
	}))
	mux.HandleFunc("GET /.well-known/oauth-protected-resource/mcp", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{
			"resource":              trimSlash(u.URL),
			"authorization_servers": []string{as.URL},
			"scopes_supported":      []string{"mcp"},
		})
	})
	return u
}

type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Flush() {
	if f, ok := s.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Close drops the connections of clients that keep streams open (a
// gateway's pooled sessions) and stops the server.
func (u *Upstream) Close() {
	u.Server.CloseClientConnections()
	u.Server.Close()
}
