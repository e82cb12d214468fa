// Package config loads Switchboard's typed configuration.
//
// Layers apply in order, a later one winning: defaults, the JSON config
// file (LoadArgs.File or SWITCHBOARD_CONFIG), SWITCHBOARD_* environment
// variables, then command-line flags the user set (RegisterFlags + Load).
// Unknown file keys and unknown SWITCHBOARD_* variables are errors, and
// Validate reports every problem at once, each prefixed by its field path.
// Only package server reads Config; it hands each package its own small
// Config. This package imports nothing internal.
//
// Every setting has a file key, an env var and (except master_key) a flag:
//
//	file key                              env var                                           flag                                   default
//	addr                                  SWITCHBOARD_ADDR                                  -addr                                  127.0.0.1:8080
//	data_dir                              SWITCHBOARD_DATA_DIR                              -data-dir                              ./switchboard-data
//	database_url                          SWITCHBOARD_DATABASE_URL                          -database-url                          "" (SQLite at <data_dir>/switchboard.db)
//	master_key_file                       SWITCHBOARD_MASTER_KEY_FILE                       -master-key-file                       <data_dir>/master.key
//	master_key (env only, never printed)  SWITCHBOARD_MASTER_KEY                            (none)                                 "" (use master_key_file)
//	metrics_token (env only, never printed) SWITCHBOARD_METRICS_TOKEN                       (none)                                 "" (loopback scrapers only)
//	public_url                            SWITCHBOARD_PUBLIC_URL                            -public-url                            http://<addr>
//	log.level                             SWITCHBOARD_LOG_LEVEL                             -log-level                             info
//	log.format                            SWITCHBOARD_LOG_FORMAT                            -log-format                            text
//	audit.max_payload_bytes               SWITCHBOARD_AUDIT_MAX_PAYLOAD_BYTES               -audit-max-payload-bytes               1048576
//	audit.fail_closed                     SWITCHBOARD_AUDIT_FAIL_CLOSED                     -audit-fail-closed                     true
//	audit.checkpoint_every                SWITCHBOARD_AUDIT_CHECKPOINT_EVERY                -audit-checkpoint-every                1000 (events; 0 = off)
//	audit.checkpoint_interval             SWITCHBOARD_AUDIT_CHECKPOINT_INTERVAL             -audit-checkpoint-interval             60s (0 = off)
//	audit.retention_days                  SWITCHBOARD_AUDIT_RETENTION_DAYS                  -audit-retention-days                  0 (keep forever)
//	audit.sinks                           SWITCHBOARD_AUDIT_SINKS                           -audit-sinks                           [] (a JSON array; see Audit sinks below)
//	gateway.call_timeout                  SWITCHBOARD_GATEWAY_CALL_TIMEOUT                  -gateway-call-timeout                  60s
//	gateway.max_response_bytes            SWITCHBOARD_GATEWAY_MAX_RESPONSE_BYTES            -gateway-max-response-bytes            4194304
//	gateway.disable_localhost_protection  SWITCHBOARD_GATEWAY_DISABLE_LOCALHOST_PROTECTION  -gateway-disable-localhost-protection  false
//	gateway.redact_rules                  SWITCHBOARD_GATEWAY_REDACT_RULES                  -gateway-redact-rules                  [] (a JSON array of {"name", "pattern"})
//	sso.issuer_url                        SWITCHBOARD_SSO_ISSUER_URL                        -sso-issuer-url                        "" (SSO off)
//	sso.client_id                         SWITCHBOARD_SSO_CLIENT_ID                         -sso-client-id                         ""
//	sso.client_secret (env only)          SWITCHBOARD_SSO_CLIENT_SECRET                     (none)                                 "" (a public client: PKCE only)
//	sso.scopes                            SWITCHBOARD_SSO_SCOPES                            -sso-scopes                            openid,email,profile
//	sso.jit                               SWITCHBOARD_SSO_JIT                               -sso-jit                               false
//	sso.allowed_domains                   SWITCHBOARD_SSO_ALLOWED_DOMAINS                   -sso-allowed-domains                   [] (any domain, with sso.jit)
//	sso.groups_claim                      SWITCHBOARD_SSO_GROUPS_CLAIM                      -sso-groups-claim                      "" (no group mapping)
//	sso.default_role                      SWITCHBOARD_SSO_DEFAULT_ROLE                      -sso-default-role                      member
//	oauth.access_token_ttl                SWITCHBOARD_OAUTH_ACCESS_TOKEN_TTL                -oauth-access-token-ttl                1h
//	oauth.client_ttl                      SWITCHBOARD_OAUTH_CLIENT_TTL                      -oauth-client-ttl                      720h
//	oauth.extra_duration                  SWITCHBOARD_OAUTH_EXTRA_DURATION                  -oauth-extra-duration                  0s (none)
//
// Durations are Go duration strings ("60s", "2m"); sizes are whole bytes;
// booleans are true/false (env and flags also take 1/0, t/f). An env var
// set to the empty string counts as unset.
//
// Lists (sso.scopes, sso.allowed_domains) are JSON arrays in the file and
// comma-separated in env vars and flags.
//
// SSO: people sign in through an OpenID Connect provider when
// sso.issuer_url is set. Register Switchboard at the provider with the
// redirect URI <public_url>/login/sso/callback. A user is found by the
// ID token's verified email; with sso.jit a missing one is created with
// sso.default_role when its domain is in sso.allowed_domains (or that list
// is empty). With sso.groups_claim, the claim's values become the user's
// SSO-managed groups at every sign-in (missing groups are created);
// memberships an admin made stay. For example:
//
//	{"sso": {"issuer_url": "https://accounts.example.com", "client_id": "switchboard",
//	  "scopes": ["openid", "email", "profile", "groups"], "jit": true,
//	  "allowed_domains": ["example.com"], "groups_claim": "groups"}}
//
// with SWITCHBOARD_SSO_CLIENT_SECRET in the environment.
//
// These SWITCHBOARD_* variables are not server settings and are let
// through: SWITCHBOARD_CONFIG (the file path), SWITCHBOARD_URL and
// SWITCHBOARD_TOKEN (CLI client settings), and SWITCHBOARD_TEST_*.
//
// A config file looks like this:
//
//	{
//	  "addr": "0.0.0.0:8080",
//	  "public_url": "https://switchboard.example.com",
//	  "log": {"level": "debug", "format": "json"},
//	  "gateway": {"call_timeout": "2m"}
//	}
//
// Audit sinks stream the trail out, each at least once from a cursor kept
// in the database, so one that is down never blocks the gateway and
// catches up later (switchboard_audit_sink_lag_events on /metrics shows
// how far behind it is). Every sink has a unique "name" (it keys the
// cursor: renaming starts over from the first event) and a "type":
//
//	file     JSON lines at "path" (relative paths are inside data_dir),
//	         rotated before "max_bytes" (default 104857600) with "keep"
//	         rotated files (default 5): path.1 is the newest.
//	webhook  Splunk HEC events POSTed to "url" (https; http only for a
//	         loopback host), with "Authorization: Splunk <token>" when
//	         "token" is set; failures retry with exponential backoff.
//	stdout   JSON lines on standard output, for container logs.
//
// Any sink takes "max_events" per delivery (default 100) and "max_wait",
// how long a partial batch waits for more (default 1s for webhooks, 0s
// otherwise). The token is redacted by config show:
//
//	{"audit": {"sinks": [
//	  {"name": "trail", "type": "file", "path": "audit/audit.jsonl", "max_bytes": 52428800, "keep": 10},
//	  {"name": "splunk", "type": "webhook", "url": "https://splunk.example.com:8088/services/collector/event",
//	   "token": "…", "max_events": 200, "max_wait": "2s"}
//	]}}
package config
