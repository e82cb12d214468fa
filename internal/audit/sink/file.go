package sink

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

// Defaults of FileConfig.
const (
	DefaultFileMaxBytes = 100 << 20
	DefaultFileKeep     = 5
)

// FileConfig configures a JSONL file sink.
type FileConfig struct {
	Path string
	// MaxBytes rotates the file before a line would take it past this
	// size (default DefaultFileMaxBytes). A single larger line still goes
	// into a file of its own.
	MaxBytes int64
	// Keep is how many rotated files are kept: Path.1 (the newest) to
	// Path.Keep (default DefaultFileKeep).
	Keep int
}

// File appends one JSON line per event to a file, rotating it by size.
// Each delivery is fsynced before it counts, and the file is created
// 0600: audit records hold full requests and responses.
type File struct {
	cfg  FileConfig
	f    *os.File
	size int64
	buf  []byte
}

// NewFile opens (or creates) the file, and its directory with mode 0700.
// A last line cut short by a crash is ended, so the next line starts
// clean; its event is delivered again in full.
func NewFile(cfg FileConfig) (*File, error) {
	if cfg.Path == "" {
		return nil, errors.New("file sink: path is required")
	}
	if cfg.MaxBytes <= 0 {
		cfg.MaxBytes = DefaultFileMaxBytes
	}
	if cfg.Keep <= 0 {
		cfg.Keep = DefaultFileKeep
	}
	if err := os.MkdirAll(filepath.Dir(cfg.Path), 0o700); err != nil {
		return nil, fmt.Errorf("file sink: %w", err)
	}
	s := &File{cfg: cfg}
	if err := s.open(); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *File) open() error {
	f, err := os.OpenFile(s.cfg.Path, os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("file sink: %w", err)
	}
	size, err := endLine(f)
	if err != nil {
		f.Close()
		return fmt.Errorf("file sink: %s: %w", s.cfg.Path, err)
	}
	s.f, s.size = f, size
	return nil
}

// endLine returns f's size after adding a newline when its last byte is
// not one.
func endLine(f *os.File) (int64, error) {
	st, err := f.Stat()
	if err != nil || st.Size() == 0 {
		return 0, err
	}
	last := make([]byte, 1)
	if _, err := f.ReadAt(last, st.Size()-1); err != nil && err != io.EOF {
		return 0, err
	}
	if last[0] == '\n' {
		return st.Size(), nil
	}
	_, err = f.Write([]byte{'\n'})
	return st.Size() + 1, err
}

// Deliver appends the events, rotating as lines fill the file, and syncs.
func (s *File) Deliver(_ context.Context, events []store.AuditEvent) (int, error) {
	if s.f == nil { // a rotation failed half way
		if err := s.open(); err != nil {
			return 0, err
		}
	}
	done := 0 // events in synced files
	s.buf = s.buf[:0]
	for i, ev := range events {
		line, err := Encode(ev)
		if err != nil {
			if ferr := s.flush(); ferr != nil {
				return done, ferr
			}
			return i, fmt.Errorf("file sink: encode event %d: %w", ev.Seq, err)
		}
		if s.size+int64(len(s.buf)+len(line)+1) > s.cfg.MaxBytes && s.size+int64(len(s.buf)) > 0 {
			if err := s.flush(); err != nil {
				return done, err
			}
			done = i
			if err := s.rotate(); err != nil {
				return done, err
			}
		}
		s.buf = append(append(s.buf, line...), '\n')
	}
	if err := s.flush(); err != nil {
		return done, err
	}
	return len(events), nil
}

// flush writes the buffered lines and syncs.
func (s *File) flush() error {
	if len(s.buf) > 0 {
		n, err := s.f.Write(s.buf)
		s.size += int64(n)
		s.buf = s.buf[:0]
		if err != nil {
			return fmt.Errorf("file sink: write: %w", err)
		}
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("file sink: sync: %w", err)
	}
	return nil
}

// rotate shifts Path.N to Path.N+1, dropping the oldest, moves Path to
// Path.1 and opens a new Path.
func (s *File) rotate() error {
	err := s.f.Close()
	s.f = nil
	if err != nil {
		return fmt.Errorf("file sink: close for rotation: %w", err)
	}
	name := func(n int) string { return s.cfg.Path + "." + strconv.Itoa(n) }
	if err := os.Remove(name(s.cfg.Keep)); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("file sink: rotate: %w", err)
	}
	for n := s.cfg.Keep - 1; n >= 1; n-- {
		if err := os.Rename(name(n), name(n+1)); err != nil && !errors.Is(err, os.ErrNotExist) {
			return fmt.Errorf("file sink: rotate: %w", err)
		}
	}
	if err := os.Rename(s.cfg.Path, name(1)); err != nil {
		return fmt.Errorf("file sink: rotate: %w", err)
	}
	return s.open()
}

// Close closes the file.
func (s *File) Close() error {
	if s.f == nil {
		return nil
	}
	return s.f.Close()
}
