package config

import (
	"strings"
	"testing"
	"time"
)

func TestApplyEnv(t *testing.T) {
	c := defaults()
	err := applyEnv(&c, []string{
		"HOME=/root",
		"SWITCHBOARD_ADDR=0.0.0.0:9000",
		"SWITCHBOARD_MASTER_KEY=c2VjcmV0",
		"SWITCHBOARD_AUDIT_FAIL_CLOSED=false",
		"SWITCHBOARD_AUDIT_MAX_PAYLOAD_BYTES=2048",
		"SWITCHBOARD_GATEWAY_CALL_TIMEOUT=90s",
		"SWITCHBOARD_LOG_LEVEL=", // empty: unset
		"SWITCHBOARD_URL=https://sb.example.com",
		"SWITCHBOARD_TOKEN=sbt_x",
		"SWITCHBOARD_CONFIG=/etc/sb.json",
		"SWITCHBOARD_TEST_POSTGRES_DSN=postgres://x",
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Addr != "0.0.0.0:9000" || c.MasterKey.Reveal() != "c2VjcmV0" || c.Audit.FailClosed ||
		c.Audit.MaxPayloadBytes != 2048 || c.Gateway.CallTimeout.Duration != 90*time.Second || c.Log.Level != "info" {
		t.Errorf("config after env = %+v", c)
	}
}

func TestApplyEnvReportsEveryProblem(t *testing.T) {
	c := defaults()
	err := applyEnv(&c, []string{
		"SWITCHBOARD_LOG_LEVLE=debug",
		"SWITCHBOARD_AUDIT_FAIL_CLOSED=maybe",
		"SWITCHBOARD_GATEWAY_CALL_TIMEOUT=60",
		"SWITCHBOARD_GATEWAY_MAX_RESPONSE_BYTES=4MiB",
	})
	want := []string{
		"SWITCHBOARD_LOG_LEVLE: unknown environment variable",
		"SWITCHBOARD_AUDIT_FAIL_CLOSED: audit.fail_closed: must be true or false",
		`SWITCHBOARD_GATEWAY_CALL_TIMEOUT: gateway.call_timeout: must be a duration such as "60s"`,
		"SWITCHBOARD_GATEWAY_MAX_RESPONSE_BYTES: gateway.max_response_bytes: must be a whole number",
	}
	assertMessages(t, err, want)
}

// assertMessages checks that err has one line per want, each containing
// its want text.
func assertMessages(t *testing.T, err error, want []string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %d problems", len(want))
	}
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != len(want) {
		t.Errorf("got %d problems, want %d:\n%v", len(lines), len(want), err)
	}
	for _, w := range want {
		if !strings.Contains(err.Error(), w) {
			t.Errorf("error does not mention %q:\n%v", w, err)
		}
	}
}

func TestLookupEnv(t *testing.T) {
	env := []string{"A=1", "B=x=y", "A=2", "C"}
	if lookupEnv(env, "A") != "2" || lookupEnv(env, "B") != "x=y" || lookupEnv(env, "C") != "" {
		t.Error("lookupEnv")
	}
}
