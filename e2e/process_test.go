package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

const (
	startTimeout = 20 * time.Second // serve prints its address
	stopTimeout  = 10 * time.Second // serve exits after SIGTERM
	cliTimeout   = 30 * time.Second // one CLI command
)

// watchBuffer is a concurrency-safe io.Writer that a reader can wait on.
// Only one goroutine waits at a time (the test's).
type watchBuffer struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{} // holds a token after a write
}

func newWatchBuffer() *watchBuffer { return &watchBuffer{changed: make(chan struct{}, 1)} }

func (b *watchBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	b.buf.Write(p)
	b.mu.Unlock()
	select {
	case b.changed <- struct{}{}:
	default:
	}
	return len(p), nil
}

func (b *watchBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor waits until ok holds for the buffer's contents, done closes (the
// writer went away) or timeout passes, and returns the last contents.
func (b *watchBuffer) waitFor(timeout time.Duration, done <-chan struct{}, ok func(string) bool) (string, error) {
	timer := time.NewTimer(timeout)
	defer timer.Stop()
	for {
		s := b.String()
		if ok(s) {
			return s, nil
		}
		select {
		case <-b.changed:
		case <-done:
			if s := b.String(); ok(s) {
				return s, nil
			}
			return b.String(), errors.New("the process exited")
		case <-timer.C:
			return b.String(), fmt.Errorf("timed out after %v", timeout)
		}
	}
}

// gatewayProc is a running `switchboard serve`.
type gatewayProc struct {
	cmd     *exec.Cmd
	dataDir string
	addr    string // host:port it listens on
	stdout  *watchBuffer
	stderr  *watchBuffer

	exited  chan struct{}
	waitErr error // set before exited closes

	stopOnce sync.Once
	stopErr  error
	stopTook time.Duration
}

var listeningRE = regexp.MustCompile(`Switchboard \S+ listening on http://(\S+) `)

// startGateway runs `switchboard serve` on 127.0.0.1:0 with env, and
// waits for the address it prints. Cleanup stops it with SIGTERM.
func startGateway(t *testing.T, bin, dataDir string, env []string) *gatewayProc {
	t.Helper()
	g := &gatewayProc{dataDir: dataDir, stdout: newWatchBuffer(), stderr: newWatchBuffer(), exited: make(chan struct{})}
	g.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir)
	g.cmd.Env = env
	g.cmd.Stdout, g.cmd.Stderr = g.stdout, g.stderr
	if err := g.cmd.Start(); err != nil {
		t.Fatalf("start switchboard serve: %v", err)
	}
	go func() {
		g.waitErr = g.cmd.Wait()
		close(g.exited)
	}()
	t.Cleanup(func() {
		if err := g.stop(); err != nil {
			t.Errorf("stopping switchboard serve: %v", err)
		}
		if t.Failed() {
			t.Logf("switchboard serve stdout:\n%s\nstderr (tail):\n%s", g.stdout, tail(g.stderr.String(), 200))
		}
	})
	out, err := g.stdout.waitFor(startTimeout, g.exited, listeningRE.MatchString)
	if err != nil {
		stopErr := g.stop() // waits for the exit, so the output below is complete
		t.Fatalf("switchboard serve printed no listening address: %v (stop: %v)\nstdout:\n%s\nstderr:\n%s",
			err, stopErr, out, g.stderr)
	}
	g.addr = listeningRE.FindStringSubmatch(out)[1]
	return g
}

func (g *gatewayProc) url() string { return "http://" + g.addr }

// stop sends SIGTERM once and waits up to stopTimeout for a clean exit,
// killing the process if it does not come.
func (g *gatewayProc) stop() error {
	g.stopOnce.Do(func() {
		select {
		case <-g.exited:
			g.stopErr = fmt.Errorf("it had exited already: %v", g.waitErr)
			return
		default:
		}
		start := time.Now()
		if err := g.cmd.Process.Signal(syscall.SIGTERM); err != nil {
			g.stopErr = fmt.Errorf("SIGTERM: %w", err)
		}
		timer := time.NewTimer(stopTimeout)
		defer timer.Stop()
		select {
		case <-g.exited:
			g.stopTook = time.Since(start)
			if g.waitErr != nil {
				g.stopErr = errors.Join(g.stopErr, fmt.Errorf("exit after SIGTERM: %w", g.waitErr))
			}
		case <-timer.C:
			_ = g.cmd.Process.Kill()
			<-g.exited
			g.stopErr = errors.Join(g.stopErr, fmt.Errorf("no exit within %v of SIGTERM; killed", stopTimeout))
		}
	})
	return g.stopErr
}

// tail returns the last n lines of s.
func tail(s string, n int) string {
	lines := strings.SplitAfter(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "")
}

// minimalEnv is the environment of every subprocess: nothing of the
// parent's but PATH, so no SWITCHBOARD_* setting leaks in, plus extra.
func minimalEnv(home string, extra ...string) []string {
	return append([]string{"PATH=" + os.Getenv("PATH"), "HOME=" + home, "LANG=C"}, extra...)
}

// cliRunner runs CLI commands against a gateway.
type cliRunner struct {
	bin string
	env []string

	mu      sync.Mutex
	outputs []string // every stdout and stderr, for the secret scan
}

type cliResult struct {
	stdout, stderr string
	code           int
}

// run runs the CLI with stdin and extra environment variables.
func (c *cliRunner) run(t *testing.T, stdin string, extraEnv []string, args ...string) cliResult {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), cliTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, c.bin, args...)
	cmd.Env = append(append([]string(nil), c.env...), extraEnv...)
	cmd.Stdin = strings.NewReader(stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := cliResult{stdout: stdout.String(), stderr: stderr.String()}
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit):
		res.code = exit.ExitCode()
	case err != nil:
		t.Fatalf("switchboard %s: %v", strings.Join(args, " "), err)
	}
	c.mu.Lock()
	c.outputs = append(c.outputs, res.stdout, res.stderr)
	c.mu.Unlock()
	return res
}

// ok runs the CLI, fails the test unless it exits 0, and returns stdout.
func (c *cliRunner) ok(t *testing.T, args ...string) string {
	t.Helper()
	return c.okWith(t, "", nil, args...)
}

func (c *cliRunner) okWith(t *testing.T, stdin string, extraEnv []string, args ...string) string {
	t.Helper()
	res := c.run(t, stdin, extraEnv, args...)
	if res.code != 0 {
		t.Fatalf("switchboard %s: exit %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), res.code, res.stdout, res.stderr)
	}
	return res.stdout
}

// json runs the CLI (which must print JSON) and decodes stdout into v.
func (c *cliRunner) json(t *testing.T, v any, args ...string) {
	t.Helper()
	out := c.ok(t, args...)
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("switchboard %s: stdout is not the expected JSON: %v\n%s", strings.Join(args, " "), err, out)
	}
}

func (c *cliRunner) allOutput() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return strings.Join(c.outputs, "\n")
}
