// Command switchboard is the Switchboard gateway and its command line.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/switchboard-mcp/switchboard/internal/cli"
	"github.com/switchboard-mcp/switchboard/internal/server"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	stdio := cli.IO{In: os.Stdin, Out: os.Stdout, Err: os.Stderr, Getenv: os.Getenv}
	code := cli.Run(ctx, os.Args[1:], stdio, map[string]cli.LocalFunc{
		cli.LocalServe:      server.ServeCommand,
		cli.LocalMigrate:    server.MigrateCommand,
		cli.LocalBootstrap:  server.BootstrapCommand,
		cli.LocalConfigShow: server.ConfigShowCommand,

		cli.LocalVaultRotateMaster: server.VaultRotateMasterKeyCommand, // offline: the master key never crosses the API
	})
	stop()
	os.Exit(code)
}
