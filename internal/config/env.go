package config

import (
	"fmt"
	"slices"
	"strings"
)

const envPrefix = "SWITCHBOARD_"

// Environment variables that start with SWITCHBOARD_ but are not server
// settings. The CLI reads SWITCHBOARD_URL and SWITCHBOARD_TOKEN as client
// settings, Load reads SWITCHBOARD_CONFIG as the file path, and tests may
// use SWITCHBOARD_TEST_*.
var (
	otherEnv       = []string{"SWITCHBOARD_URL", "SWITCHBOARD_TOKEN", EnvConfigFile}
	otherEnvPrefix = "SWITCHBOARD_TEST_"
)

// EnvConfigFile names the config file when LoadArgs.File is empty.
const EnvConfigFile = "SWITCHBOARD_CONFIG"

// applyEnv sets fields from SWITCHBOARD_* variables in environ (the
// os.Environ form, "KEY=value"). An empty value counts as unset. Every
// unknown SWITCHBOARD_* name and every bad value is reported.
func applyEnv(c *Config, environ []string) error {
	var errs []error
	for _, kv := range environ {
		name, value, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(name, envPrefix) || isOtherEnv(name) {
			continue
		}
		f, ok := fieldByEnv(name)
		if !ok {
			errs = append(errs, fmt.Errorf("%s: unknown environment variable; unset it or check its spelling", name))
			continue
		}
		if value == "" {
			continue
		}
		if err := setString(f.ptr(c), value); err != nil {
			errs = append(errs, fmt.Errorf("%s: %s: %w", name, f.path, err))
		}
	}
	return joinSorted(errs)
}

func isOtherEnv(name string) bool {
	return slices.Contains(otherEnv, name) || strings.HasPrefix(name, otherEnvPrefix)
}

func fieldByEnv(name string) (field, bool) {
	for _, f := range fields {
		if f.envName() == name {
			return f, true
		}
	}
	return field{}, false
}

// lookupEnv returns the value of name in environ.
func lookupEnv(environ []string, name string) string {
	var v string
	for _, kv := range environ {
		if k, val, ok := strings.Cut(kv, "="); ok && k == name {
			v = val // the last one wins, as in os.Getenv
		}
	}
	return v
}
