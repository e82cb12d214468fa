package sink

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// readLines returns the non-empty lines of path.
func readLines(t *testing.T, path string) [][]byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var out [][]byte
	for l := range bytes.SplitSeq(b, []byte("\n")) {
		if len(l) > 0 {
			out = append(out, l)
		}
	}
	return out
}

func TestFileRotates(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit", "audit.jsonl")
	line, _ := Encode(event(10))
	// Room for three lines per file; keep two rotated files.
	s, err := NewFile(FileConfig{Path: path, MaxBytes: int64(3*(len(line)+1) + 2), Keep: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var evs []store.AuditEvent
	for seq := int64(10); seq <= 20; seq++ { // 11 events of equal size
		evs = append(evs, event(seq))
	}
	for chunk := range slices.Chunk(evs, 4) {
		if n, err := s.Deliver(t.Context(), chunk); err != nil || n != len(chunk) {
			t.Fatalf("Deliver = %d, %v", n, err)
		}
	}
	// 11 lines: 10-12, 13-15, 16-18 (rotated twice), 19-20 in the live file.
	// Keep 2 drops 10-12.
	for file, want := range map[string][]int64{
		path:        {19, 20},
		path + ".1": {16, 17, 18},
		path + ".2": {13, 14, 15},
	} {
		if d := cmp.Diff(want, seqsOf(t, readLines(t, file))); d != "" {
			t.Errorf("%s (-want +got):\n%s", filepath.Base(file), d)
		}
	}
	if _, err := os.Stat(path + ".3"); !os.IsNotExist(err) {
		t.Errorf("%s.3 exists: keep is 2", path)
	}
	for _, f := range []string{path, path + ".1"} {
		if st, _ := os.Stat(f); st.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", f, st.Mode().Perm())
		}
	}
	if st, _ := os.Stat(filepath.Dir(path)); st.Mode().Perm() != 0o700 {
		t.Errorf("directory mode %v, want 0700", st.Mode().Perm())
	}
}

func TestFileOversizedLineGetsOwnFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	s, err := NewFile(FileConfig{Path: path, MaxBytes: 10, Keep: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if n, err := s.Deliver(t.Context(), []store.AuditEvent{event(1), event(2)}); n != 2 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	if got := seqsOf(t, readLines(t, path)); !slices.Equal(got, []int64{2}) {
		t.Errorf("live file holds %v", got)
	}
	if got := seqsOf(t, readLines(t, path+".1")); !slices.Equal(got, []int64{1}) {
		t.Errorf("rotated file holds %v", got)
	}
}

// TestFileEndsCutLine reopens a file whose last line a crash cut short:
// the next line must start on a line of its own.
func TestFileEndsCutLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "a.jsonl")
	if err := os.WriteFile(path, []byte(`{"seq":1}`+"\n"+`{"seq":2,"ti`), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := NewFile(FileConfig{Path: path})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Deliver(t.Context(), []store.AuditEvent{event(2)}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	lines := readLines(t, path)
	if len(lines) != 3 || string(lines[1]) != `{"seq":2,"ti` || seqsOf(t, lines[2:])[0] != 2 {
		t.Errorf("lines %q", lines)
	}
}

func TestLinesWritesJSONL(t *testing.T) {
	var buf bytes.Buffer
	s := NewLines(&buf)
	if n, err := s.Deliver(t.Context(), []store.AuditEvent{event(1), event(2)}); n != 2 || err != nil {
		t.Fatalf("Deliver = %d, %v", n, err)
	}
	lines := bytes.Split(bytes.TrimSuffix(buf.Bytes(), []byte("\n")), []byte("\n"))
	if got := seqsOf(t, lines); !slices.Equal(got, []int64{1, 2}) {
		t.Errorf("seqs %v", got)
	}
}
