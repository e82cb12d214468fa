package cli

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// maxSecret caps a secret read from stdin.
const maxSecret = 64 << 10

// secretRefused is why no command takes a secret as a flag value.
const secretRefused = "a secret on the command line stays in shell history and the process list; " +
	"use --secret-stdin or --secret-env VAR"

// secretFlags are the spellings a user may reach for.
var secretFlags = map[string]string{
	"secret": secretRefused, "password": secretRefused, "token": secretRefused,
	"api-key": secretRefused, "bearer": secretRefused,
}

// secretSource is where a command reads a secret from: stdin or an
// environment variable, never argv.
type secretSource struct {
	stdin bool
	env   string
}

// flags registers --secret-stdin and --secret-env on fs; whose is "your"
// or "the", and note, if not empty, is added to each flag's help.
func (src *secretSource) flags(fs *flag.FlagSet, whose, note string) {
	if note != "" {
		note = " (" + note + ")"
	}
	fs.BoolVar(&src.stdin, "secret-stdin", false, "read "+whose+" secret from stdin"+note)
	fs.StringVar(&src.env, "secret-env", "", "read "+whose+" secret from environment variable `VAR`"+note)
}

func (src secretSource) set() bool { return src.stdin || src.env != "" }

func (src secretSource) check() error {
	if src.stdin && src.env != "" {
		return usageErrorf("use either --secret-stdin or --secret-env, not both")
	}
	return nil
}

// read returns the secret, or "" when no source is set.
func (src secretSource) read(s *session, what string) (string, error) {
	switch {
	case src.env != "":
		v := s.io.Getenv(src.env)
		if strings.TrimSpace(v) == "" {
			return "", errorf("environment variable %s is empty or unset", src.env)
		}
		return v, nil
	case src.stdin:
		return readSecretStdin(s, what)
	}
	return "", nil
}

// readSecretStdin reads the secret piped into stdin, or one line typed at
// a terminal. A trailing newline is dropped.
func readSecretStdin(s *session, what string) (string, error) {
	var raw []byte
	var err error
	if isTerminal(s.io.In) {
		fmt.Fprintf(s.io.Err, "Secret for %s (it is echoed; end with Enter): ", what)
		var line string
		line, err = bufio.NewReader(io.LimitReader(s.io.In, maxSecret+1)).ReadString('\n')
		if errors.Is(err, io.EOF) {
			err = nil
		}
		raw = []byte(line)
	} else {
		raw, err = io.ReadAll(io.LimitReader(s.io.In, maxSecret+1))
	}
	if err != nil {
		return "", errorf("read secret from stdin: %w", err)
	}
	if len(raw) > maxSecret {
		return "", errorf("the secret on stdin is longer than %d KiB", maxSecret>>10)
	}
	secret := strings.TrimRight(string(raw), "\r\n")
	if strings.TrimSpace(secret) == "" {
		return "", errorf("no secret on stdin: pipe it in, e.g. `printf %%s \"$TOKEN\" | switchboard …`")
	}
	return secret, nil
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(interface{ Stat() (fs.FileInfo, error) })
	if !ok {
		return false
	}
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}
