package testenv_test

import (
	"context"
	"net"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/testenv"
)

func TestStartEverything(t *testing.T) {
	tests := []struct {
		name      string
		transport string
		wantPath  string
		client    func(endpoint string) mcp.Transport
	}{
		{
			name:      "streamable HTTP",
			transport: testenv.TransportStreamableHTTP,
			wantPath:  "/mcp",
			client: func(endpoint string) mcp.Transport {
				return &mcp.StreamableClientTransport{Endpoint: endpoint, MaxRetries: -1}
			},
		},
		{
			name:      "SSE",
			transport: testenv.TransportSSE,
			wantPath:  "/sse",
			client: func(endpoint string) mcp.Transport {
				return &mcp.SSEClientTransport{Endpoint: endpoint}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			endpoint := testenv.StartEverything(t, tc.transport)
			u, err := url.Parse(endpoint)
			if err != nil {
				t.Fatal(err)
			}
			if u.Hostname() != "127.0.0.1" || u.Path != tc.wantPath {
				t.Errorf("StartEverything(%q) = %q, want http://127.0.0.1:PORT%s", tc.transport, endpoint, tc.wantPath)
			}
			assertLoopbackOnly(t, u.Port())
			checkEverything(t, tc.client(endpoint))
		})
	}
}

func TestEverythingCommandStdio(t *testing.T) {
	t.Parallel()
	cmd := testenv.EverythingCommand(t, testenv.TransportStdio)
	// After initialize, server-everything asks the client for roots/list
	// (350 ms later). If the session closes first, that request stays pending
	// and the process ignores stdin EOF until SIGTERM: don't wait the 5 s default.
	checkEverything(t, &mcp.CommandTransport{Command: cmd, TerminateDuration: 200 * time.Millisecond})
}

// checkEverything initializes a session over transport, lists the tools and
// calls echo.
func checkEverything(t *testing.T, transport mcp.Transport) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	client := mcp.NewClient(&mcp.Implementation{Name: "testenv-test", Version: "0"}, nil)
	cs, err := client.Connect(ctx, transport, &mcp.ClientSessionOptions{ProtocolVersion: "2025-11-25"})
	if err != nil {
		t.Fatalf("Connect: %v", err)
	}
	defer cs.Close()

	if got := cs.InitializeResult().ServerInfo.Name; got != "mcp-servers/everything" {
		t.Errorf("server name = %q, want mcp-servers/everything", got)
	}
	tools, err := cs.ListTools(ctx, nil)
	if err != nil {
		t.Fatalf("ListTools: %v", err)
	}
	var names []string
	for _, tool := range tools.Tools {
		names = append(names, tool.Name)
	}
	for _, want := range []string{"echo", "get-sum", "get-structured-content"} {
		if !slices.Contains(names, want) {
			t.Errorf("tools/list lacks %q; got %v", want, names)
		}
	}

	res, err := cs.CallTool(ctx, &mcp.CallToolParams{
		Name:      "echo",
		Arguments: map[string]any{"message": "hello, switchboard"},
	})
	if err != nil {
		t.Fatalf("CallTool(echo): %v", err)
	}
	if res.IsError || len(res.Content) != 1 {
		t.Fatalf("echo result: isError=%v content=%v, want one text item", res.IsError, res.Content)
	}
	text, ok := res.Content[0].(*mcp.TextContent)
	if !ok || text.Text != "Echo: hello, switchboard" {
		t.Errorf("echo content = %#v, want text %q", res.Content[0], "Echo: hello, switchboard")
	}
}

// assertLoopbackOnly checks that port is not reachable on any non-loopback
// address of this machine, i.e. that the loopback preload worked.
func assertLoopbackOnly(t *testing.T, port string) {
	t.Helper()
	addrs, err := net.InterfaceAddrs()
	if err != nil {
		t.Logf("cannot list interface addresses: %v", err)
		return
	}
	checked := 0
	for _, a := range addrs {
		ipnet, ok := a.(*net.IPNet)
		if !ok || ipnet.IP.IsLoopback() || ipnet.IP.IsLinkLocalUnicast() {
			continue
		}
		checked++
		addr := net.JoinHostPort(ipnet.IP.String(), port)
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			conn.Close()
			t.Errorf("server-everything accepts connections on %s; it must listen on 127.0.0.1 only", addr)
		}
	}
	if checked == 0 {
		t.Log("no non-loopback address to check the loopback-only binding against")
	}
}

func TestBuildBinary(t *testing.T) {
	bin := testenv.BuildBinary(t, "./internal/testenv/testdata/hello")
	out, err := exec.Command(bin).Output()
	if err != nil {
		t.Fatalf("run %s: %v", bin, err)
	}
	if got, want := string(out), "hello from testenv\n"; got != want {
		t.Errorf("output = %q, want %q", got, want)
	}
	if again := testenv.BuildBinary(t, "./internal/testenv/testdata/hello"); again != bin {
		t.Errorf("second BuildBinary = %q, want cached %q", again, bin)
	}
}

func TestNPMDir(t *testing.T) {
	dir := testenv.NPMDir(t)
	for _, name := range []string{"package.json", "package-lock.json", "loopback.cjs"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Error(err)
		}
	}
}

func TestFreePort(t *testing.T) {
	port := testenv.FreePort(t)
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		t.Fatalf("FreePort() = %d, but listening on it failed: %v", port, err)
	}
	l.Close()
}
