package testenv

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestStopKillsProcessGroup checks that cleanup reaches grandchildren.
func TestStopKillsProcessGroup(t *testing.T) {
	node := requireNode(t)
	preload := filepath.Join(NPMDir(t), loopbackPreload)
	script := `
		const child = require("node:child_process").spawn("sleep", ["60"], { stdio: "ignore" });
		require("node:net").createServer().listen(0, () => console.log(child.pid));`
	cmd := exec.Command(node, "-r", preload, "-e", script)
	out := new(tailBuffer)
	cmd.Stdout = out
	p, _, err := startListening(cmd, startTimeout)
	if err != nil {
		t.Fatal(err)
	}
	var pid int
	for deadline := time.Now().Add(5 * time.Second); pid == 0 && time.Now().Before(deadline); {
		pid, _ = strconv.Atoi(strings.TrimSpace(out.String()))
		time.Sleep(10 * time.Millisecond)
	}
	if pid == 0 {
		p.stop()
		t.Fatalf("no child pid printed; output %q", out)
	}
	p.stop()
	// The killed grandchild may linger as a zombie until init reaps it.
	for deadline := time.Now().Add(5 * time.Second); ; {
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil || processState(stat) == 'Z' {
			return
		}
		if time.Now().After(deadline) {
			_ = syscall.Kill(pid, syscall.SIGKILL)
			t.Fatalf("grandchild %d survived stop", pid)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// processState returns the state field of /proc/PID/stat ('R', 'S', 'Z', …).
func processState(stat []byte) byte {
	i := bytes.LastIndexByte(stat, ')') // the command name may contain spaces
	if i < 0 || i+2 >= len(stat) {
		return 0
	}
	return stat[i+2]
}
