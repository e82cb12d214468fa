// Package cli implements the switchboard command line: a thin client of
// the admin REST API (through apiclient) plus a few local commands.
//
// The local commands (serve, migrate, admin bootstrap, config show) work on
// the store directly. They are injected by main as LocalFuncs, so this
// package never links the server, store or vault. Every other command
// reads SWITCHBOARD_URL and SWITCHBOARD_TOKEN, calls the API and prints
// either aligned tables or, with --json, the API's JSON.
//
// Each noun has its own file (servers.go, endpoints.go, tokens.go, …) that
// builds its part of the command tree. command.go holds the tree and flag
// parsing, help.go the help text and errors.go the mapping of errors onto
// messages and exit codes.
package cli
