package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func writeFile(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "switchboard.json")
	if err := os.WriteFile(path, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadPrecedence(t *testing.T) {
	file := writeFile(t, `{"addr": "127.0.0.1:1001", "data_dir": "/file", "log": {"level": "warn", "format": "json"},
		"gateway": {"call_timeout": "10s"}}`)
	tests := []struct {
		name  string
		file  string
		env   []string
		flags []string
		check func(t *testing.T, c Config)
	}{
		{"defaults", "", nil, nil, func(t *testing.T, c Config) {
			want(t, c.Addr, "127.0.0.1:8080")
			want(t, c.MasterKeyFile, filepath.Join("switchboard-data", "master.key"))
		}},
		{"file over defaults", file, nil, nil, func(t *testing.T, c Config) {
			want(t, c.Addr, "127.0.0.1:1001")
			want(t, c.Log.Level, "warn")
			want(t, c.Gateway.CallTimeout.Duration, 10*time.Second)
			want(t, c.Audit.MaxPayloadBytes, int64(MiB)) // untouched default
		}},
		{"env over file", file, []string{"SWITCHBOARD_ADDR=127.0.0.1:1002", "SWITCHBOARD_LOG_LEVEL=debug"}, nil,
			func(t *testing.T, c Config) {
				want(t, c.Addr, "127.0.0.1:1002")
				want(t, c.Log.Level, "debug")
				want(t, c.Log.Format, "json") // from the file
			}},
		{"flags over env", file, []string{"SWITCHBOARD_ADDR=127.0.0.1:1002"}, []string{"-addr", "127.0.0.1:1003"},
			func(t *testing.T, c Config) { want(t, c.Addr, "127.0.0.1:1003") }},
		{"file from SWITCHBOARD_CONFIG", "", []string{EnvConfigFile + "=" + file}, nil,
			func(t *testing.T, c Config) { want(t, c.Addr, "127.0.0.1:1001") }},
		{"derived defaults follow data_dir and addr", "", nil, []string{"-data-dir", "/srv/sb", "-addr", ":7000"},
			func(t *testing.T, c Config) {
				want(t, c.MasterKeyFile, filepath.Join("/srv/sb", "master.key"))
				want(t, c.PublicURL, "http://localhost:7000")
				want(t, c.DatabasePath(), filepath.Join("/srv/sb", "switchboard.db"))
			}},
		{"explicit derived values win", file, []string{"SWITCHBOARD_MASTER_KEY_FILE=/keys/m",
			"SWITCHBOARD_PUBLIC_URL=https://sb.example.com"}, nil, func(t *testing.T, c Config) {
			want(t, c.MasterKeyFile, "/keys/m")
			want(t, c.PublicURL, "https://sb.example.com")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := newFlagSet(t)
			if err := fs.Parse(tt.flags); err != nil {
				t.Fatal(err)
			}
			c, err := Load(LoadArgs{File: tt.file, Env: tt.env, Flags: fs})
			if err != nil {
				t.Fatal(err)
			}
			tt.check(t, c)
		})
	}
}

func want[T comparable](t *testing.T, got, want T) {
	t.Helper()
	if got != want {
		t.Errorf("got %v, want %v", got, want)
	}
}

func TestLoadErrors(t *testing.T) {
	tests := []struct {
		name string
		args LoadArgs
		want []string
	}{
		{"unknown env and bad flag-free value together",
			LoadArgs{Env: []string{"SWITCHBOARD_NOPE=1", "SWITCHBOARD_AUDIT_FAIL_CLOSED=x"}},
			[]string{"SWITCHBOARD_NOPE: unknown", "audit.fail_closed: must be true or false"}},
		{"file error stops early", LoadArgs{File: writeFile(t, `{"nope": 1}`), Env: []string{"SWITCHBOARD_NOPE=1"}},
			[]string{"nope: unknown key"}},
		{"missing file", LoadArgs{File: filepath.Join(t.TempDir(), "absent.json")}, []string{"read config file"}},
		{"validation", LoadArgs{Env: []string{"SWITCHBOARD_LOG_LEVEL=loud", "SWITCHBOARD_ADDR=nowhere"}},
			[]string{"addr: must be host:port", "log.level: must be one of debug, info, warn, error"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(tt.args)
			assertMessages(t, err, tt.want)
		})
	}
}

func TestLoadIgnoresClientEnv(t *testing.T) {
	_, err := Load(LoadArgs{Env: []string{"SWITCHBOARD_URL=http://x", "SWITCHBOARD_TOKEN=sbt_y",
		"SWITCHBOARD_TEST_PG=1", "PATH=/bin"}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestLoadErrorNeverEchoesSecret(t *testing.T) {
	_, err := Load(LoadArgs{Env: []string{"SWITCHBOARD_MASTER_KEY=topsecretvalue", "SWITCHBOARD_ADDR=bad"}})
	if err == nil || strings.Contains(err.Error(), "topsecretvalue") {
		t.Fatalf("err = %v", err)
	}
}
