package redact

import "testing"

func TestIPv4(t *testing.T) {
	runCases(t, piiOnly, []redactCase{
		{"private", "from 10.0.0.1.", "from [REDACTED_IPV4]."},
		{"with port", "192.168.1.254:8080", "[REDACTED_IPV4]:8080"},
		{"cidr", "172.16.0.0/12", "[REDACTED_IPV4]/12"},
		{"broadcast", "255.255.255.255", "[REDACTED_IPV4]"},
		{"bare version is an address", "release 1.2.3.4", "release [REDACTED_IPV4]"},
		{"list", "10.0.0.1,10.0.0.2", "[REDACTED_IPV4],[REDACTED_IPV4]"},
		{"octet too big", "999.1.1.1", "999.1.1.1"},
		{"256", "10.0.0.256", "10.0.0.256"},
		{"leading zero", "01.2.3.4", "01.2.3.4"},
		{"five parts", "1.2.3.4.5", "1.2.3.4.5"},
		{"prefixed version", "v1.2.3.4", "v1.2.3.4"},
		{"three parts", "1.2.3", "1.2.3"},
		{"glued to a word", "10.0.0.1abc", "10.0.0.1abc"},
		{"four-digit part", "1234.1.1.1", "1234.1.1.1"},
	})
}

func TestIPv6(t *testing.T) {
	runCases(t, piiOnly, []redactCase{
		{"documentation", "host 2001:db8::1 up", "host [REDACTED_IPV6] up"},
		{"full", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "[REDACTED_IPV6]"},
		{"link local", "fe80::1ff:fe23:4567:890a", "[REDACTED_IPV6]"},
		{"bracketed with port", "[2001:db8::1]:443", "[[REDACTED_IPV6]]:443"},
		{"after a key", "addr:fe80::1", "addr:[REDACTED_IPV6]"},
		{"before a colon", "at fe80::1: down", "at [REDACTED_IPV6]: down"},
		{"upper case", "2001:DB8::CAFE", "[REDACTED_IPV6]"},
		{"unspecified", "::", "::"},
		{"loopback", "::1", "::1"},
		{"time", "12:30:45", "12:30:45"},
		{"mac", "00:1a:2b:3c:4d:5e", "00:1a:2b:3c:4d:5e"},
		{"c++ scope", "std::vector", "std::vector"},
		{"scope with hex name", "Abc::Def", "Abc::Def"},
		{"scope upper case", "A::B", "A::B"},
		{"no digit", "dead::beef", "dead::beef"},
		{"too many groups", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8:9"},
		{"url", "https://example.com", "https://example.com"},
		{"glued to a word", "2001:db8::1x", "2001:db8::1x"},
	})
}
