package redact

import "testing"

func TestPhone(t *testing.T) {
	runCases(t, piiOnly, []redactCase{
		{"e164", "call +14155552671", "call [REDACTED_PHONE]"},
		{"intl spaced", "+44 20 7946 0958 (office)", "[REDACTED_PHONE] (office)"},
		{"intl trunk zero in parens", "+44 (0)20 7946-0958", "[REDACTED_PHONE]"},
		{"intl us", "+1 (415) 555-2671.", "[REDACTED_PHONE]."},
		{"intl dotted", "+33.1.23.45.67.89", "[REDACTED_PHONE]"},
		{"nanp dashes", "415-555-2671", "[REDACTED_PHONE]"},
		{"nanp dots", "415.555.2671", "[REDACTED_PHONE]"},
		{"nanp parens", "(415) 555-2671", "[REDACTED_PHONE]"},
		{"nanp parens space", "(415) 555 2671", "[REDACTED_PHONE]"},
		{"nanp with 1", "1-800-555-0199", "[REDACTED_PHONE]"},
		{"in prose", "Phone: 415-555-2671, ext. 4", "Phone: [REDACTED_PHONE], ext. 4"},
		{"bare digits", "4155552671", "4155552671"},
		{"plain integer", "count 1234567890123", "count 1234567890123"},
		{"area starts with 1", "123-456-7890", "123-456-7890"},
		{"exchange starts with 0", "415-055-2671", "415-055-2671"},
		{"mixed separators", "415-555.2671", "415-555.2671"},
		{"space separated triples", "sizes 256 512 1024", "sizes 256 512 1024"},
		{"longer line number", "415-555-26711", "415-555-26711"},
		{"date", "2024-01-15", "2024-01-15"},
		{"timestamp", "2024-01-15T12:30:45+05:30", "2024-01-15T12:30:45+05:30"},
		{"epoch ms", "1718045123456", "1718045123456"},
		{"version", "1.2.3", "1.2.3"},
		{"uuid", "123e4567-e89b-12d3-a456-426614174000", "123e4567-e89b-12d3-a456-426614174000"},
		{"digit uuid", "12345678-1234-1234-1234-123456789012", "12345678-1234-1234-1234-123456789012"},
		{"short plus", "+15 points", "+15 points"},
		{"plus zero", "+0 415 555 2671", "+0 415 555 2671"},
		{"arithmetic", "1+4155552671", "1+4155552671"},
		{"too many digits", "+1 415 555 2671 1234 5678", "+1 415 555 2671 1234 5678"},
		{"ip", "192.168.100.200", "[REDACTED_IPV4]"},
	})
}
