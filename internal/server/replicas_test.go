package server

import (
	"context"
	"crypto/rand"
	"github.com/switchboard-mcp/switchboard/internal/testenv"
	"io"
	"log/slog"
	"net"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
	"github.com/switchboard-mcp/switchboard/internal/config"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
	"github.com/switchboard-mcp/switchboard/internal/vault"
)

// TestReplicasFollowConfigChanges: two replicas on one PostgreSQL
// database; tools enabled and disabled through one replica's API appear
// and disappear in the other's tools/list within a second or two.
func TestReplicasFollowConfigChanges(t *testing.T) {
	dsn := testenv.FreshPostgres(t)
	key := make([]byte, 32)
	rand.Read(key)
	a, b := startReplica(t, dsn, key), startReplica(t, dsn, key)

	ctx := t.Context()
	now := time.Now().UTC()
	u := store.User{ID: identity.NewID("usr"), Email: "ops@example.com", Role: store.RoleAdmin, CreatedAt: now, UpdatedAt: now}
	token, hash := identity.NewToken()
	if err := a.srv.store.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := a.srv.store.CreateAPIToken(ctx, store.APIToken{ID: identity.NewID("tok"), Name: "t", UserID: u.ID, Hash: hash,
		Prefix: token[:8], CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	admin := apiclient.New(a.url, token)
	if _, err := admin.CreateServer(ctx, api.CreateServerRequest{Name: "up", URL: startUpstream(t)}); err != nil {
		t.Fatal(err)
	}
	if _, err := admin.CreateEndpoint(ctx, api.CreateEndpointRequest{Name: "ops", Servers: []string{"up"}}); err != nil {
		t.Fatal(err)
	}
	setTool := func(enable bool) {
		t.Helper()
		req := api.UpdateToolsRequest{Disable: []string{"up/echo"}}
		if enable {
			req = api.UpdateToolsRequest{Enable: []string{"up/echo"}}
		}
		if _, err := admin.UpdateEndpointTools(ctx, "ops", req); err != nil {
			t.Fatal(err)
		}
	}
	// waitFor polls replica b's tools/list until it has (or lacks) echo.
	waitFor := func(want bool) time.Duration {
		t.Helper()
		start := time.Now()
		for time.Since(start) < 5*time.Second {
			c := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "1"}, nil)
			cs, err := c.Connect(ctx, &mcp.StreamableClientTransport{Endpoint: b.url + "/mcp/ops",
				HTTPClient: &http.Client{Transport: bearerRT{token}}}, nil)
			if err == nil {
				res, lerr := cs.ListTools(ctx, nil)
				cs.Close()
				if lerr == nil && slices.ContainsFunc(res.Tools, func(tl *mcp.Tool) bool { return tl.Name == "up__echo" }) == want {
					return time.Since(start)
				}
			}
			time.Sleep(50 * time.Millisecond)
		}
		t.Fatalf("replica b's tools/list never showed echo enabled=%v", want)
		return 0
	}
	setTool(true)
	t.Logf("enable on a → visible on b after %v", waitFor(true))
	setTool(false)
	t.Logf("disable on a → gone on b after %v", waitFor(false))
}

type replicaEnv struct {
	srv *Server
	url string
}

// startReplica serves a Switchboard on dsn with the shared master key.
func startReplica(t *testing.T, dsn string, key []byte) *replicaEnv {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.DatabaseURL = dsn
	cfg.MasterKey = config.Secret(vault.EncodeMasterKey(key))
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &replicaEnv{url: "http://" + ln.Addr().String()}
	cfg.PublicURL = r.url
	logger := slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	if r.srv, err = New(t.Context(), cfg, logger, io.Discard); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- r.srv.Serve(ctx, ln) }()
	t.Cleanup(func() {
		stop()
		<-done
		r.srv.Close()
	})
	return r
}
