package server

import (
	"context"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"
	"github.com/switchboard-mcp/switchboard/internal/audit"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// startDBUpstream serves tool query({sql}) that answers "ran: <sql>".
func startDBUpstream(t *testing.T) string {
	t.Helper()
	s := mcp.NewServer(&mcp.Implementation{Name: "db", Version: "1"}, nil)
	type in struct {
		SQL string `json:"sql"`
	}
	mcp.AddTool(s, &mcp.Tool{Name: "query", Description: "Run SQL"},
		func(_ context.Context, _ *mcp.CallToolRequest, a in) (*mcp.CallToolResult, any, error) {
			return &mcp.CallToolResult{Content: []mcp.Content{&mcp.TextContent{Text: "ran: " + a.SQL}}}, nil, nil
		})
	h := mcp.NewStreamableHTTPHandler(func(*http.Request) *mcp.Server { return s }, nil)
	srv := &http.Server{ReadHeaderTimeout: 5 * time.Second, Handler: h}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String() + "/mcp"
}

// TestToolPolicyEndToEnd: rules added with the CLI reach the running
// gateway at once; a CEL rule on the arguments lets a SELECT through and
// turns a DROP into a tool error naming the rule; dry-run and explain
// answer from the same rules; a bad rule is refused at save time.
func TestToolPolicyEndToEnd(t *testing.T) {
	is := newIntegrityServer(t)
	ctx := t.Context()
	run := func(want int, args ...string) string {
		t.Helper()
		code, out, errOut := is.cli(t, args...)
		if code != want {
			t.Fatalf("switchboard %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, want, out, errOut)
		}
		return out + errOut
	}
	run(0, "server", "add", "db", "--url", startDBUpstream(t))
	run(0, "endpoint", "create", "dev", "--server", "db")
	run(0, "endpoint", "tools", "enable", "dev", "db/query")
	run(0, "policy", "rule", "add", "dev", "--effect", "allow", "--tool", "db__query", "--when", `args.sql.startsWith("SELECT")`)
	run(0, "policy", "rule", "add", "dev", "--effect", "deny", "--tool", "db__*", "--name", "read only")
	out := run(1, "policy", "rule", "add", "dev", "--effect", "deny", "--when", `args.sql.startsWith(`)
	if !strings.Contains(out, "condition") || !strings.Contains(out, "Syntax error") {
		t.Errorf("bad rule: %s", out)
	}

	c := mcp.NewClient(&mcp.Implementation{Name: "ai", Version: "1"}, nil)
	cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: is.url + "/mcp/dev",
		HTTPClient: &http.Client{Transport: bearerRT{is.token}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	call := func(sql string) (string, bool) {
		res, err := cs.CallTool(ctx, &mcp.CallToolParams{Name: "db__query", Arguments: map[string]any{"sql": sql}})
		if err != nil {
			t.Fatalf("call %q: %v", sql, err)
		}
		return res.Content[0].(*mcp.TextContent).Text, res.IsError
	}
	for _, sql := range []string{"SELECT 1", "SELECT * FROM users"} {
		if text, isErr := call(sql); isErr || text != "ran: "+sql {
			t.Errorf("%q: %q, isError %v", sql, text, isErr)
		}
	}
	if text, isErr := call("DROP TABLE users"); !isErr || !strings.Contains(text, `"read only"`) {
		t.Errorf("DROP: %q, isError %v", text, isErr)
	}
	denied, err := is.s.store.ListAudit(ctx, store.AuditFilter{Code: audit.CodeToolDenied, Outcome: audit.OutcomeDenied})
	if err != nil || len(denied) != 1 || !strings.Contains(denied[0].Error, "rul_") {
		t.Errorf("denied events: %+v %v", denied, err)
	}

	out = run(0, "policy", "rule", "add", "dev", "--effect", "deny", "--tool", "db__query", "--when", `args.sql.contains("users")`,
		"--position", "1", "--dry-run", "--last", "100")
	if !strings.Contains(out, "would have denied 2 of 3 recent calls") { // the DROP that "read only" denied is replayed too
		t.Errorf("dry-run: %s", out)
	}
	out = run(0, "policy", "explain", "--user", "root@example.com", "--endpoint", "dev", "--tool", "db__query", "--args", `{"sql":"DROP t"}`)
	if !strings.HasPrefix(out, "DENY") || !strings.Contains(out, `"read only"`) || !strings.Contains(out, `role "admin"`) {
		t.Errorf("explain: %s", out)
	}
	if out := run(0, "policy", "rule", "list", "dev"); strings.Count(out, "rul_") != 2 {
		t.Errorf("list after a dry run (nothing saved):\n%s", out)
	}
}
