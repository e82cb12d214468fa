package vault

import (
	"bytes"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestLoadOrCreateMasterKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "master.key")
	key, created, err := LoadOrCreateMasterKey(path)
	if err != nil || !created || len(key) != MasterKeySize {
		t.Fatalf("first call = %d bytes, created %v, %v", len(key), created, err)
	}
	assertMode(t, path, 0o600)
	assertMode(t, filepath.Dir(path), 0o700|os.ModeDir)

	again, created, err := LoadOrCreateMasterKey(path)
	if err != nil || created || !bytes.Equal(again, key) {
		t.Fatalf("second call: created %v, err %v, same key %v", created, err, bytes.Equal(again, key))
	}
	text, _ := os.ReadFile(path)
	if string(text) != EncodeMasterKey(key) {
		t.Errorf("file = %q, want base64 of the key", text)
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode() != want {
		t.Errorf("%s mode = %v, want %v", path, fi.Mode(), want)
	}
}

func TestLoadMasterKeyRejectsBadFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	if err := os.WriteFile(path, []byte("c2hvcnQ=\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, _, err := LoadOrCreateMasterKey(path)
	if err == nil || !strings.Contains(err.Error(), "32 bytes") {
		t.Fatalf("err = %v, want a length error", err)
	}
	if text, _ := os.ReadFile(path); string(text) != "c2hvcnQ=\n" {
		t.Error("a bad key file was overwritten")
	}
}

func TestParseMasterKey(t *testing.T) {
	key := testKey(7)
	tests := []struct {
		name, in string
		ok       bool
	}{
		{"base64", EncodeMasterKey(key), true},
		{"base64 spaced", "  " + EncodeMasterKey(key) + "\n\n", true},
		{"hex", hex.EncodeToString(key), true},
		{"hex upper", strings.ToUpper(hex.EncodeToString(key)), true},
		{"empty", " \n", false},
		{"short base64", "AAAA", false},
		{"long base64", EncodeMasterKey(append(key, 1)), false},
		{"short hex", hex.EncodeToString(key[:16]), false},
		{"garbage", "not a key!", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseMasterKey(tt.in)
			if (err == nil) != tt.ok {
				t.Fatalf("err = %v, want ok %v", err, tt.ok)
			}
			if tt.ok && !bytes.Equal(got, key) {
				t.Errorf("key = %x", got)
			}
		})
	}
}

func TestKeyProviders(t *testing.T) {
	path := filepath.Join(t.TempDir(), "master.key")
	var notified string
	fp := FileKeyProvider{Path: path, Created: func(p string) { notified = p }}
	k1, err := fp.MasterKey(t.Context())
	if err != nil || notified != path {
		t.Fatalf("file provider: %v, notified %q", err, notified)
	}
	ep := EnvKeyProvider{Value: Secret(EncodeMasterKey(k1))}
	k2, err := ep.MasterKey(t.Context())
	if err != nil || !bytes.Equal(k1, k2) {
		t.Fatalf("env provider: %v, same %v", err, bytes.Equal(k1, k2))
	}
	_, err = EnvKeyProvider{Value: "AAAA"}.MasterKey(t.Context())
	if err == nil || !strings.Contains(err.Error(), MasterKeyEnv) || strings.Contains(err.Error(), "AAAA") {
		t.Errorf("bad env key error = %v; want it to name %s and not echo the value", err, MasterKeyEnv)
	}
}
