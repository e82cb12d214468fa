//go:build !unix

package testenv

import "os/exec"

func setProcessGroup(*exec.Cmd) {}

func terminateProcessGroup(cmd *exec.Cmd, _ bool) {
	_ = cmd.Process.Kill()
}
