package server

import (
	"net"
	"testing"
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
