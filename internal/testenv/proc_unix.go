//go:build unix

package testenv

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts cmd in a new process group, so that cleanup reaches
// any children it spawns.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
}

// terminateProcessGroup sends SIGTERM (or SIGKILL when kill is set) to the
// process group of a command started with setProcessGroup.
func terminateProcessGroup(cmd *exec.Cmd, kill bool) {
	sig := syscall.SIGTERM
	if kill {
		sig = syscall.SIGKILL
	}
	_ = syscall.Kill(-cmd.Process.Pid, sig)
}
