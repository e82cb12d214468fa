package redact

import "testing"

func TestKeyValue(t *testing.T) {
	runCases(t, secretsOnly, []redactCase{
		{"equals", "password=hunter2 next", "password=[REDACTED_SECRET] next"},
		{"colon", "api_key: abc123", "api_key: [REDACTED_SECRET]"},
		{"env var", "export DB_PASSWORD=s3cr3t;", "export DB_PASSWORD=[REDACTED_SECRET];"},
		{"camel case", "apiKey=abc", "apiKey=[REDACTED_SECRET]"},
		{"dashed", "--client-secret=abc", "--client-secret=[REDACTED_SECRET]"},
		{"spaces around", "secret = abc", "secret = [REDACTED_SECRET]"},
		{"double quoted", `token="a b c"`, `token="[REDACTED_SECRET]"`},
		{"single quoted", `password: 'p@ss word'`, `password: '[REDACTED_SECRET]'`},
		{"json in text", `{"password": "hunter2", "user": "bob"}`, `{"password": "[REDACTED_SECRET]", "user": "bob"}`},
		{"json quoted in text", `{\"token\": \"abc\"}`, `{\"token\": \"[REDACTED_SECRET]\"}`},
		{"query string", "https://x.test/cb?access_token=abc&state=1", "https://x.test/cb?access_token=[REDACTED_SECRET]&state=1"},
		{"authorization bearer", "Authorization: Bearer abc.def", "Authorization: Bearer [REDACTED_SECRET]"},
		{"authorization basic quoted", `"Authorization": "Basic dXNlcjpwYXNz"`, `"Authorization": "Basic [REDACTED_SECRET]"`},
		{"authorization bare", "authorization=abc123", "authorization=[REDACTED_SECRET]"},
		{"go assignment", `token := "abc"`, `token := "[REDACTED_SECRET]"`},
		{"several", "user=bob password=a secret=b", "user=bob password=[REDACTED_SECRET] secret=[REDACTED_SECRET]"},
		{"empty value", "password=\nnext", "password=\nnext"},
		{"end of text", "password:", "password:"},
		{"null", `"password": null`, `"password": null`},
		{"bool", "secret=false", "secret=false"},
		{"comparison", `if token == "" {`, `if token == "" {`},
		{"not a secret key", "username=bob", "username=bob"},
		{"max tokens", "max_tokens=100", "max_tokens=100"},
		{"token count", "token_count: 5", "token_count: 5"},
		{"page token", "nextPageToken=abc", "nextPageToken=abc"},
		{"cursor token", "next_token: abc", "next_token: abc"},
		{"pwd is a directory", "PWD=/home/bob", "PWD=/home/bob"},
		{"keyword in prose", "the password is long", "the password is long"},
	})
}

func TestIsSecretKey(t *testing.T) {
	tests := []struct {
		key          string
		secret, auth bool
	}{
		{"password", true, false},
		{"DB_PASSWORD", true, false},
		{"apiKey", true, false},
		{"api-key", true, false},
		{"client_secret", true, false},
		{"X-Auth-Token", true, false},
		{"aws_secret_access_key", true, false},
		{"Authorization", true, true},
		{"proxy-authorization", true, true},
		{"tokens", false, false},
		{"token_type", false, false},
		{"nextPageToken", false, false},
		{"key", false, false},
		{"", false, false},
	}
	for _, tc := range tests {
		secret, auth := isSecretKey(tc.key)
		if secret != tc.secret || auth != tc.auth {
			t.Errorf("isSecretKey(%q) = %v, %v; want %v, %v", tc.key, secret, auth, tc.secret, tc.auth)
		}
	}
}
