package testenv

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"
)

// builds caches one build per package for the life of the test process.
var builds struct {
	mu   sync.Mutex
	byPk map[string]func() (string, error)
}

// BuildBinary compiles the main package pkg (a path relative to the repo
// root, such as "./cmd/switchboard") once per test process and returns the
// binary's path. Later calls, from any test, reuse the first build.
//
// Binaries go under os.TempDir()/switchboard-testenv/<key>, keyed by the test
// executable, so parallel test processes never overwrite each other's
// binaries; directories left by old runs are pruned after a day.
func BuildBinary(t testing.TB, pkg string) string {
	t.Helper()
	root := RepoRoot(t)
	builds.mu.Lock()
	if builds.byPk == nil {
		builds.byPk = make(map[string]func() (string, error))
	}
	build, ok := builds.byPk[pkg]
	if !ok {
		build = sync.OnceValues(func() (string, error) { return buildBinary(root, pkg) })
		builds.byPk[pkg] = build
	}
	builds.mu.Unlock()

	bin, err := build()
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func buildBinary(root, pkg string) (string, error) {
	dir, err := buildDir()
	if err != nil {
		return "", fmt.Errorf("testenv: build %s: %w", pkg, err)
	}
	name := path.Base(filepath.ToSlash(pkg))
	if runtime.GOOS == "windows" {
		name += ".exe"
	}
	bin := filepath.Join(dir, name)
	cmd := exec.Command("go", "build", "-o", bin, pkg)
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("testenv: go build %s: %w\n%s", pkg, err, out)
	}
	return bin, nil
}

// buildDir returns this test process's build directory, creating it and
// pruning stale siblings.
func buildDir() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256([]byte(exe))
	parent := filepath.Join(os.TempDir(), "switchboard-testenv")
	pruneOld(parent, 24*time.Hour)
	dir := filepath.Join(parent, hex.EncodeToString(sum[:8]))
	return dir, os.MkdirAll(dir, 0o755)
}

// pruneOld removes entries of dir last modified more than age ago. Errors
// are ignored: pruning only saves disk space.
func pruneOld(dir string, age time.Duration) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, e := range entries {
		info, err := e.Info()
		if err == nil && time.Since(info.ModTime()) > age {
			_ = os.RemoveAll(filepath.Join(dir, e.Name()))
		}
	}
}
