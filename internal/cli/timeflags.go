package cli

import (
	"strconv"
	"strings"
	"time"
)

// parseDuration reads a Go duration ("90m", "720h") or whole days ("30d").
func parseDuration(s string) (time.Duration, bool) {
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n > 100*365 {
			return 0, false
		}
		return time.Duration(n) * 24 * time.Hour, true
	}
	d, err := time.ParseDuration(s)
	return d, err == nil
}

// parseLifetime checks a token lifetime and returns it as a Go duration
// string for the API, which knows no days.
func parseLifetime(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	d, ok := parseDuration(s)
	if !ok {
		return "", usageErrorf("--expires %q: want a duration such as 720h or 30d", s)
	}
	if d <= 0 {
		return "", usageErrorf("--expires must be positive")
	}
	return d.String(), nil
}

// parseWhen reads a point in time for a filter flag: RFC 3339, a local
// date, or a duration meaning that long before now.
func parseWhen(flagName, s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		return t, nil
	}
	if d, ok := parseDuration(s); ok && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, usageErrorf("--%s %q: want an RFC 3339 time (2025-06-01T12:00:00Z), a date (2025-06-01) or a duration ago (1h, 7d)", flagName, s)
}
