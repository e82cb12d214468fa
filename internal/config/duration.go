package config

import (
	"encoding/json"
	"errors"
	"time"
)

// Duration is a time.Duration written as a Go duration string ("60s",
// "1m30s") in the config file, env vars and flags.
type Duration struct {
	time.Duration
}

// errDuration is the message for a value that is not a duration string.
var errDuration = errors.New(`must be a duration such as "60s" or "2m"`)

// parseDuration parses a Go duration string.
func parseDuration(s string) (Duration, error) {
	d, err := time.ParseDuration(s)
	if err != nil {
		return Duration{}, errDuration
	}
	return Duration{d}, nil
}

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON reads a duration string; bare numbers are rejected
// because their unit would be a guess.
func (d *Duration) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		return nil // like every other field: null leaves it unchanged
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return errDuration
	}
	v, err := parseDuration(s)
	if err != nil {
		return err
	}
	*d = v
	return nil
}
