// Package server wires Switchboard together: it is the only reader of
// config.Config, opens the store, vault and audit writer, builds the
// gateway and the admin API, owns the single HTTP route table and the
// process lifecycle. It also implements the local commands (serve,
// migrate, admin bootstrap, config show) that main injects into the CLI.
package server
