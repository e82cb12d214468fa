package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const secretText = "sbt_hunter2_supersecret"

func TestSecretNeverPrints(t *testing.T) {
	s := Secret(secretText)
	holder := struct {
		Token Secret
		Ptr   *Secret
	}{s, &s}
	var outs []string
	for _, verb := range []string{"%v", "%s", "%+v", "%#v", "%q", "%x", "%X", "%d", "%10s"} {
		outs = append(outs, fmt.Sprintf(verb, s), fmt.Sprintf(verb, holder), fmt.Sprintf(verb, []Secret{s}))
	}
	outs = append(outs, fmt.Sprint(map[string]Secret{"k": s}), fmt.Sprint(s), fmt.Sprintln(s), s.String(), s.GoString())

	var logBuf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewJSONHandler(&logBuf, nil), slog.NewTextHandler(&logBuf, nil)} {
		l := slog.New(h)
		l.Info("m", "secret", s, "holder", holder, slog.Any("any", s), slog.Group("g", "s", s))
	}
	outs = append(outs, logBuf.String())

	j, err := json.Marshal(map[string]any{"s": s, "holder": holder})
	if err != nil {
		t.Fatal(err)
	}
	outs = append(outs, string(j))

	for _, out := range outs {
		if strings.Contains(out, "hunter2") || strings.Contains(out, fmt.Sprintf("%x", secretText)) {
			t.Errorf("secret leaked: %s", out)
		}
	}
	if !strings.Contains(string(j), `"s":"[redacted]"`) {
		t.Errorf("json = %s", j)
	}
	if s.Reveal() != secretText || s.IsZero() || !Secret("").IsZero() {
		t.Error("Reveal/IsZero")
	}
}

func TestSecretUnmarshals(t *testing.T) {
	var v struct{ Token Secret }
	if err := json.Unmarshal([]byte(`{"Token":"abc"}`), &v); err != nil || v.Token.Reveal() != "abc" {
		t.Fatalf("unmarshal = %q, %v", v.Token.Reveal(), err)
	}
}
