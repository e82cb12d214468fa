package config

import (
	"encoding/json"
	"net/url"
)

// Redacted returns a copy that is safe to print: master_key shows as
// "[redacted]" (its MarshalJSON and String already do that) and the
// password inside database_url becomes "xxxxx".
func (c Config) Redacted() Config {
	c.DatabaseURL = redactURL(c.DatabaseURL)
	if c.MasterKey != "" {
		c.MasterKey = redacted
	}
	return c
}

// redactURL hides the password of a URL's user info (as "xxxxx", see
// url.URL.Redacted). A value that does not parse is hidden whole.
func redactURL(s string) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s)
	if err != nil {
		return redacted
	}
	return u.Redacted()
}

// plainConfig has Config's fields but not its methods, so marshalling it
// does not recurse into Config.MarshalJSON.
type plainConfig Config

// MarshalJSON implements json.Marshaler with secrets redacted, so a Config
// handed to encoding/json or a slog JSON handler never leaks one.
func (c Config) MarshalJSON() ([]byte, error) {
	return json.Marshal(plainConfig(c.Redacted()))
}

// Show returns the effective config as indented JSON with secrets
// redacted, for `switchboard config show`.
func (c Config) Show() ([]byte, error) {
	return json.MarshalIndent(c, "", "  ")
}

// String returns the redacted config as compact JSON, so printing a
// Config with fmt never leaks a secret.
func (c Config) String() string {
	b, err := json.Marshal(c)
	if err != nil {
		return "config: " + err.Error()
	}
	return string(b)
}

// GoString implements fmt.GoStringer for %#v, with the same redaction.
func (c Config) GoString() string { return "config.Config" + c.String() }
