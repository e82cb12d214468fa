package testenv

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"
	"time"
)

// Transports of server-everything, as its command line spells them.
const (
	TransportStdio          = "stdio"
	TransportSSE            = "sse"
	TransportStreamableHTTP = "streamableHttp"
)

const (
	everythingBin   = "node_modules/.bin/mcp-server-everything"
	loopbackPreload = "loopback.cjs"
	startTimeout    = 20 * time.Second
	stopTimeout     = 5 * time.Second
)

// EverythingCommand returns an unstarted command that runs the pinned
// @modelcontextprotocol/server-everything with the given transport under the
// loopback preload (testdata/npm/loopback.cjs), so any listener binds
// 127.0.0.1 only. For TransportStdio, hand it to mcp.CommandTransport.
//
// The environment holds only PATH: the server's get-env tool returns its whole
// environment to any client. Add to cmd.Env what a test needs.
func EverythingCommand(t testing.TB, transport string) *exec.Cmd {
	t.Helper()
	switch transport {
	case TransportStdio, TransportSSE, TransportStreamableHTTP:
	default:
		t.Fatalf("testenv: unknown server-everything transport %q", transport)
	}
	node := requireNode(t)
	dir := NPMDir(t)
	bin := filepath.Join(dir, everythingBin)
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("testenv: %v\nthe npm test peers are not installed: run `make test`, or `npm ci --prefix testdata/npm` from the repo root", err)
	}
	cmd := exec.Command(node, "-r", filepath.Join(dir, loopbackPreload), bin, transport)
	cmd.Dir = dir
	cmd.Env = []string{"PATH=" + os.Getenv("PATH")}
	return cmd
}

// StartEverything starts server-everything with transport TransportStreamableHTTP
// or TransportSSE on a free 127.0.0.1 port, waits until it listens, and
// returns the URL a client connects to: http://127.0.0.1:PORT/mcp for
// streamable HTTP, http://127.0.0.1:PORT/sse for SSE (whose messages then go
// to the /message?sessionId=… endpoint the stream announces). The process
// group is killed at t.Cleanup, and the server's output is logged if the test
// failed.
//
// The server gets PORT=0 and the preload reports the port the kernel chose
// through an inherited pipe, so there is no race for a free port and
// readiness means the listener is up, not that something answers on a port.
func StartEverything(t testing.TB, transport string) (url string) {
	t.Helper()
	var path string
	switch transport {
	case TransportStreamableHTTP:
		path = "/mcp"
	case TransportSSE:
		path = "/sse"
	default:
		t.Fatalf("testenv: StartEverything: transport %q is not an HTTP transport (use %q or %q)",
			transport, TransportStreamableHTTP, TransportSSE)
	}
	cmd := EverythingCommand(t, transport)
	out := new(tailBuffer)
	cmd.Stdout, cmd.Stderr = out, out
	p, addr, err := startListening(cmd, startTimeout)
	if err != nil {
		t.Fatalf("testenv: server-everything %s: %v\n--- output ---\n%s", transport, err, out)
	}
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			t.Logf("server-everything %s on %s output:\n%s", transport, addr, out)
		}
	})
	return "http://" + addr + path
}

// startListening starts cmd, a node command under the loopback preload, with
// PORT=0 in its own process group, and waits up to timeout for the preload
// to report the address it listens on. On error the process is stopped.
func startListening(cmd *exec.Cmd, timeout time.Duration) (*process, string, error) {
	r, w, err := os.Pipe()
	if err != nil {
		return nil, "", err
	}
	defer r.Close()
	cmd.ExtraFiles = []*os.File{w} // fd 3 in the child
	cmd.Env = append(cmd.Env, "PORT=0", "LOOPBACK_REPORT_FD=3")
	setProcessGroup(cmd)
	err = cmd.Start()
	w.Close() // the child holds its own copy; EOF now means it exited
	if err != nil {
		return nil, "", fmt.Errorf("start: %w", err)
	}
	p := &process{cmd: cmd, exited: make(chan struct{})}
	go p.wait()

	addr, err := readListenAddr(r, timeout)
	if err != nil {
		p.stop()
		select {
		case <-p.exited:
			err = fmt.Errorf("%w (process: %v)", err, p.waitErr)
		default:
		}
		return nil, "", err
	}
	return p, addr, nil
}

// readListenAddr reads the first {"address","port"} line the preload writes.
func readListenAddr(r *os.File, timeout time.Duration) (string, error) {
	if err := r.SetReadDeadline(time.Now().Add(timeout)); err != nil {
		return "", err
	}
	line, err := bufio.NewReader(r).ReadBytes('\n')
	if err != nil {
		return "", fmt.Errorf("no listening address reported within %v: %w", timeout, err)
	}
	var a struct {
		Address string `json:"address"`
		Port    int    `json:"port"`
	}
	if err := json.Unmarshal(line, &a); err != nil || a.Port == 0 {
		return "", fmt.Errorf("bad listening report %q: %v", line, err)
	}
	return net.JoinHostPort(a.Address, strconv.Itoa(a.Port)), nil
}

// process tracks a started command so that startup and cleanup both learn
// when it exits.
type process struct {
	cmd     *exec.Cmd
	exited  chan struct{}
	waitErr error // set before exited is closed
}

func (p *process) wait() {
	p.waitErr = p.cmd.Wait()
	close(p.exited)
}

// stop terminates the process group, escalating to SIGKILL after
// stopTimeout, and waits for the process to exit.
func (p *process) stop() {
	select {
	case <-p.exited:
		return
	default:
	}
	terminateProcessGroup(p.cmd, false)
	select {
	case <-p.exited:
	case <-time.After(stopTimeout):
		terminateProcessGroup(p.cmd, true)
		<-p.exited
	}
}

// requireNode returns the path of node. Without it the test is skipped
// locally and fails in CI.
func requireNode(t testing.TB) string {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		return node
	}
	if !inCI() {
		t.Skipf("testenv: node is not installed (%v); install Node.js to run this test", err)
	}
	t.Fatalf("testenv: node is not installed (%v) and CI=true", err)
	return ""
}
