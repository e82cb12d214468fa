package cli

// The local commands work on the data directory or database directly, not
// through the API. Their flags and behaviour live in the LocalFuncs that
// main injects; here they get a place in the tree and their help text.

func serveCmd() *command {
	return &command{
		name:    "serve",
		local:   LocalServe,
		summary: "Run the gateway: MCP endpoints, admin API and web UI",
		long: "The first start creates the data directory, a vault key and a one-time admin setup.\n" +
			"Stop it with Ctrl-C; it drains in-flight requests before exiting.",
		example: "switchboard serve\n" +
			"switchboard serve --addr 0.0.0.0:8080 --data-dir /var/lib/switchboard\n" +
			"switchboard serve --database-url postgres://switchboard@db/switchboard",
	}
}

func migrateCmd() *command {
	return &command{
		name:    "migrate",
		local:   LocalMigrate,
		summary: "Apply database migrations and exit",
		example: "switchboard migrate --data-dir ./switchboard-data\n" +
			"switchboard migrate --database-url postgres://switchboard@db/switchboard",
	}
}

func adminCmd() *command {
	return &command{
		name:    "admin",
		summary: "Administer the store directly, without the API",
		example: "switchboard admin bootstrap --email admin@example.com",
		subs: []*command{{
			name:    "bootstrap",
			local:   LocalBootstrap,
			summary: "Create the first admin user and an API token",
			args:    "--email EMAIL [--password-stdin] [flags]",
			example: "switchboard admin bootstrap --email admin@example.com\n" +
				"printf %s \"$PASSWORD\" | switchboard admin bootstrap --email admin@example.com --password-stdin\n" +
				"switchboard admin bootstrap --email admin@example.com --data-dir /var/lib/switchboard",
		}},
	}
}

func configCmd() *command {
	return &command{
		name:    "config",
		summary: "Inspect the server configuration",
		example: "switchboard config show",
		subs: []*command{{
			name:    "show",
			local:   LocalConfigShow,
			summary: "Print the effective configuration, secrets redacted",
			example: "switchboard config show\nswitchboard config show --config switchboard.json",
		}},
	}
}
