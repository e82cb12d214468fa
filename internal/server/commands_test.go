package server

import (
	"net"
	"slices"
	"testing"
	"time"
)

func TestWithActualPort(t *testing.T) {
	addr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 41234}
	for in, want := range map[string]string{
		"http://127.0.0.1:0":          "http://127.0.0.1:41234",
		"http://localhost:0/base":     "http://localhost:41234/base",
		"http://127.0.0.1:8080":       "http://127.0.0.1:8080",
		"https://switchboard.example": "https://switchboard.example",
	} {
		if got := withActualPort(in, addr); got != want {
			t.Errorf("withActualPort(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestConsentDurations(t *testing.T) {
	day := 24 * time.Hour
	got := consentDurations(180 * day)
	want := []time.Duration{day, 7 * day, 30 * day, 90 * day, 180 * day}
	if !slices.Equal(got, want) {
		t.Errorf("consentDurations(180d) = %v, want %v", got, want)
	}
	if got := consentDurations(0); len(got) != 4 {
		t.Errorf("consentDurations(0) = %v, want the four defaults", got)
	}
}
