package config

import (
	"flag"
	"io"
	"strings"
	"testing"
)

func newFlagSet(t *testing.T, paths ...string) *flag.FlagSet {
	t.Helper()
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	RegisterFlags(fs, paths...)
	return fs
}

func TestRegisterFlags(t *testing.T) {
	fs := newFlagSet(t)
	if fs.Lookup("master-key") != nil {
		t.Error("master_key got a flag")
	}
	if f := fs.Lookup("gateway-call-timeout"); f == nil || f.DefValue != "1m0s" {
		t.Errorf("gateway-call-timeout flag = %+v", f)
	}
	if f := fs.Lookup("addr"); f == nil || f.DefValue != "127.0.0.1:8080" {
		t.Errorf("addr flag = %+v", f)
	}
	some := newFlagSet(t, "addr", "data_dir")
	n := 0
	some.VisitAll(func(*flag.Flag) { n++ })
	if n != 2 {
		t.Errorf("RegisterFlags with two paths defined %d flags", n)
	}
}

func TestRegisterFlagsPanicsOnUnknownPath(t *testing.T) {
	for _, p := range []string{"nope", "master_key"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("RegisterFlags(%q) did not panic", p)
				}
			}()
			RegisterFlags(flag.NewFlagSet("x", flag.ContinueOnError), p)
		}()
	}
}

func TestApplyFlagsOnlySetOnes(t *testing.T) {
	fs := newFlagSet(t)
	fs.String("config", "", "config file") // not ours: ignored
	err := fs.Parse([]string{"-addr", ":9999", "--gateway-disable-localhost-protection", "-config", "x.json"})
	if err != nil {
		t.Fatal(err)
	}
	c := defaults()
	c.DataDir = "/from/env"
	if err := applyFlags(&c, fs); err != nil {
		t.Fatal(err)
	}
	if c.Addr != ":9999" || !c.Gateway.DisableLocalhostProtection || c.DataDir != "/from/env" {
		t.Errorf("after flags: %+v", c)
	}
}

func TestBadFlagValueFailsParse(t *testing.T) {
	fs := newFlagSet(t)
	err := fs.Parse([]string{"-audit-max-payload-bytes", "lots"})
	if err == nil || !strings.Contains(err.Error(), "must be a whole number") {
		t.Fatalf("err = %v", err)
	}
}

func TestApplyNilFlags(t *testing.T) {
	c := defaults()
	if err := applyFlags(&c, nil); err != nil {
		t.Fatal(err)
	}
}
