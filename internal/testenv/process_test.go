package testenv

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestStartListening(t *testing.T) {
	node := requireNode(t)
	preload := filepath.Join(NPMDir(t), loopbackPreload)
	tests := []struct {
		name    string
		script  string
		timeout time.Duration
		wantErr string // "" means it must succeed
	}{
		{
			name:   "reports its loopback address",
			script: `require("node:net").createServer().listen(Number(process.env.PORT))`,
		},
		{
			name:    "exits before listening",
			script:  `process.exit(3)`,
			wantErr: "exit status 3",
		},
		{
			name:    "never listens",
			script:  `setInterval(() => {}, 1000)`,
			timeout: 300 * time.Millisecond,
			wantErr: "no listening address reported within 300ms",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			cmd := exec.Command(node, "-r", preload, "-e", tc.script)
			timeout := tc.timeout
			if timeout == 0 {
				timeout = startTimeout
			}
			p, addr, err := startListening(cmd, timeout)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("startListening error = %v, want one containing %q", err, tc.wantErr)
				}
				if cmd.ProcessState == nil {
					t.Error("process still running after a failed start")
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			defer p.stop()
			if !strings.HasPrefix(addr, "127.0.0.1:") || strings.HasSuffix(addr, ":0") {
				t.Errorf("addr = %q, want 127.0.0.1:PORT", addr)
			}
		})
	}
}
