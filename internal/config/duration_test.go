package config

import (
	"encoding/json"
	"testing"
	"time"
)

func TestDurationJSON(t *testing.T) {
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{`"60s"`, time.Minute, true},
		{`"1h2m3s"`, time.Hour + 2*time.Minute + 3*time.Second, true},
		{`"250ms"`, 250 * time.Millisecond, true},
		{`null`, 5 * time.Second, true}, // unchanged
		{`60`, 0, false},
		{`"60"`, 0, false},
		{`""`, 0, false},
		{`true`, 0, false},
	}
	for _, tt := range tests {
		d := Duration{5 * time.Second}
		err := json.Unmarshal([]byte(tt.in), &d)
		if (err == nil) != tt.ok || (tt.ok && d.Duration != tt.want) {
			t.Errorf("Unmarshal(%s) = %v, %v; want %v ok=%v", tt.in, d, err, tt.want, tt.ok)
		}
	}
	b, err := json.Marshal(Duration{90 * time.Second})
	if err != nil || string(b) != `"1m30s"` {
		t.Errorf("Marshal = %s, %v", b, err)
	}
}
