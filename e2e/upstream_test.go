package e2e

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// goUpstream is an in-process go-sdk MCP server over Streamable HTTP that
// demands one header value on every request. Its tools count their calls,
// so a test can tell whether the gateway forwarded one.
type goUpstream struct {
	srv    *httptest.Server
	server *mcp.Server

	echoCalls, failCalls, wipeCalls atomic.Int64
	refused                         atomic.Int64 // requests without the right credential

	stopOnce sync.Once
}

type echoIn struct {
	Text string `json:"text" jsonschema:"the text to echo"`
}

type echoOut struct {
	Echo   string `json:"echo"`
	Length int    `json:"length"`
}

const echoDescription = "Echo text back with its length"

// newGoUpstream starts the server; header and value name the credential it
// requires.
func newGoUpstream(t *testing.T, name, header, value string) *goUpstream {
	t.Helper()
	u := &goUpstream{server: mcp.NewServer(&mcp.Implementation{Name: name, Version: "1.0.0"}, nil)}
	u.setEchoDescription(echoDescription)
	mcp.AddTool(u.server, &mcp.Tool{Name: "fail", Description: "Always fails"},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, any, error) {
			u.failCalls.Add(1)
			return &mcp.CallToolResult{IsError: true, Content: []mcp.Content{&mcp.TextContent{Text: "boom: " + in.Text}}}, nil, nil
		})
	mcp.AddTool(u.server, &mcp.Tool{Name: "wipe", Description: "Destructive; never enabled"},
		func(_ context.Context, _ *mcp.CallToolRequest, _ echoIn) (*mcp.CallToolResult, any, error) {
			u.wipeCalls.Add(1)
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "wiped"}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return u.server }, nil)
	u.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get(header) != value {
			u.refused.Add(1)
			http.Error(w, "missing or wrong credential", http.StatusUnauthorized)
			return
		}
		h.ServeHTTP(w, r)
	}))
	t.Cleanup(u.stop)
	return u
}

func (u *goUpstream) url() string { return u.srv.URL + "/mcp" }

// setEchoDescription (re)registers echo with description; the go-sdk
// replaces a tool of the same name, so the catalog drifts.
func (u *goUpstream) setEchoDescription(description string) {
	mcp.AddTool(u.server, &mcp.Tool{Name: "echo", Description: description},
		func(_ context.Context, _ *mcp.CallToolRequest, in echoIn) (*mcp.CallToolResult, echoOut, error) {
			u.echoCalls.Add(1)
			return nil, echoOut{Echo: in.Text, Length: len(in.Text)}, nil
		})
}

// stop closes the server. The listener goes first, so nothing reconnects,
// then the gateway's open streams (a pooled session holds a GET stream that
// Close would wait for).
func (u *goUpstream) stop() {
	u.stopOnce.Do(func() {
		_ = u.srv.Listener.Close()
		u.srv.CloseClientConnections()
		u.srv.Close()
	})
}
