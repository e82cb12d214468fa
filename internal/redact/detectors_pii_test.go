package redact

import "testing"

func TestEmail(t *testing.T) {
	runCases(t, piiOnly, []redactCase{
		{"plain", "mail bob@example.com now", "mail [REDACTED_EMAIL] now"},
		{"dots plus subdomain", "first.last+tag@mail.example.co.uk.", "[REDACTED_EMAIL]."},
		{"in angle brackets", "Bob <bob_99@example.io>", "Bob <[REDACTED_EMAIL]>"},
		{"mailto", "mailto:bob@example.com", "mailto:[REDACTED_EMAIL]"},
		{"git remote is email-shaped", "git@github.com:org/repo", "[REDACTED_EMAIL]:org/repo"},
		{"two", "a@b.cd,e@f.gh", "[REDACTED_EMAIL],[REDACTED_EMAIL]"},
		{"no local part", "@example.com", "@example.com"},
		{"npm scope", "@types/node", "@types/node"},
		{"no dot in domain", "user@localhost", "user@localhost"},
		{"numeric tld", "a@b.c1", "a@b.c1"},
		{"one-letter tld", "a@b.c", "a@b.c"},
		{"label starts with dash", "a@-b.com", "a@-b.com"},
		{"empty label", "a@b..com", "a@b..com"},
		{"decorator", "@Override public", "@Override public"},
	})
}

func TestSSN(t *testing.T) {
	runCases(t, piiOnly, []redactCase{
		{"valid", "SSN 123-45-6789.", "SSN [REDACTED_SSN]."},
		{"valid 899", "899-01-0001", "[REDACTED_SSN]"},
		{"area 000", "000-12-3456", "000-12-3456"},
		{"area 666", "666-12-3456", "666-12-3456"},
		{"area 9xx", "912-12-3456", "912-12-3456"},
		{"group 00", "123-00-4567", "123-00-4567"},
		{"serial 0000", "123-45-0000", "123-45-0000"},
		{"undashed", "123456789", "123456789"},
		{"spaced", "123 45 6789", "123 45 6789"},
		{"longer serial", "123-45-67890", "123-45-67890"},
		{"inside a longer id", "2024-123-45-6789", "2024-123-45-6789"},
		{"glued to a word", "id123-45-6789", "id123-45-6789"},
		{"date", "2024-01-15", "2024-01-15"},
	})
}
