package upstream

import (
	"testing"

	"github.com/switchboard-mcp/switchboard/internal/store"
)

func TestConnectURL(t *testing.T) {
	got := ConnectURL("https://sb.example.com", store.Server{Name: "git-hub", AuthMethod: store.AuthBearer})
	if want := "https://sb.example.com/connections?server=git-hub"; got != want {
		t.Errorf("ConnectURL = %q, want %q", got, want)
	}
}
