package meta

// The dependency arrows of CONVENTIONS.md §1, written as what each package
// must not import, in the manner of tailscale's deptest BadDeps. Where §1
// names a package's every arrow (the leaves, the store tree, apiclient,
// cmd/switchboard) the rule is an allowlist; elsewhere it lists the packages
// above it, so a new helper package (say internal/jsonrpcx) needs no edit
// here. Only non-test files are checked.
//
//	cmd/switchboard → cli → apiclient → api
//	cmd/switchboard → server → gateway, oauth, admin, web
//	gateway → upstream, policy, audit, redact
//	admin, web → api, identity, policy, audit, upstream, vault, store
//	oauth → identity, policy, audit, store      upstream → vault, store
//	identity, policy, vault → store             audit → redact, store
//	policy/toolpolicy → store (and cel-go); gateway and admin use it
//	sqlite, postgres → sqlstore → store         storetest → store
//	config, telemetry, redact: leaves

const anyInternal = "internal/..."

// Package trees, for brevity below.
const (
	pAdmin     = "internal/admin/..."
	pAPI       = "internal/api/..."
	pAPIClient = "internal/apiclient/..."
	pAudit     = "internal/audit/..."
	pCLI       = "internal/cli/..."
	pConfig    = "internal/config/..."
	pGateway   = "internal/gateway/..."
	pIdentity  = "internal/identity/..."
	pOAuth     = "internal/oauth/..."
	pPolicy    = "internal/policy/..."
	pRedact    = "internal/redact/..."
	pServer    = "internal/server/..."
	pStoreTree = "internal/store/..."
	pTelemetry = "internal/telemetry/..."
	pUpstream  = "internal/upstream/..."
	pVault     = "internal/vault/..."
	pWeb       = "internal/web/..."

	pStore     = "internal/store" // the interface package alone
	pSQLStore  = "internal/store/sqlstore/..."
	pSQLite    = "internal/store/sqlite/..."
	pPostgres  = "internal/store/postgres/..."
	pStoreTest = "internal/store/storetest/..."
	pTestenv   = "internal/testenv/..."
)

// importsOnly: from may import no internal package but allowed and its own tree.
func importsOnly(from string, allowed []string, reason string) depRule {
	return depRule{from: []string{from}, to: []string{anyInternal}, notTo: append([]string{from}, allowed...), reason: reason}
}

// importedOnlyBy: no package but allowed (and to's own tree) may import to.
func importedOnlyBy(to string, allowed []string, reason string) depRule {
	return depRule{from: []string{anyInternal, "cmd/..."}, notFrom: append([]string{to}, allowed...), to: []string{to}, reason: reason}
}

// forbid: none of from may import any of to.
func forbid(from []string, to []string, reason string) depRule {
	return depRule{from: from, to: to, reason: reason}
}

var depRules = []depRule{
	// Leaves and the bottom of the graph.
	importsOnly(pConfig, nil, "config is a leaf: it imports nothing internal"),
	importsOnly(pTelemetry, nil, "telemetry is a leaf: it imports nothing internal"),
	importsOnly(pRedact, nil, "redact is a leaf: it imports nothing internal"),
	importsOnly(pAPI, nil, "api holds wire types only (no logic): it imports nothing internal"),
	importsOnly(pStore, nil, "store is the bottom of the graph: value types, the Store interface and its errors"),
	importsOnly(pSQLStore, []string{pStore}, "sqlstore → store only"),
	importsOnly(pSQLite, []string{pStore, pSQLStore}, "sqlite → sqlstore → store only"),
	importsOnly(pPostgres, []string{pStore, pSQLStore}, "postgres → sqlstore → store only"),
	importsOnly(pStoreTest, []string{pStore, pTestenv}, "storetest → store only"),

	// The client side: the CLI never links the server's packages.
	importsOnly("cmd/...", []string{pCLI, pServer}, "cmd/switchboard only hands off to cli (and server)"),
	importsOnly(pAPIClient, []string{pAPI}, "apiclient → api only"),
	forbid([]string{pCLI}, []string{pStoreTree, pVault, pPolicy, pGateway, pUpstream, pAudit, pIdentity, pOAuth},
		"cli is a thin client over apiclient; it never links store, vault, policy…"),

	// Who may import whom.
	importedOnlyBy(pAdmin, []string{pServer}, "nothing imports admin but server (it holds the route table)"),
	importedOnlyBy(pWeb, []string{pServer}, "nothing imports web but server (it holds the route table)"),
	importedOnlyBy(pConfig, []string{pServer}, "only server reads config.Config; it hands each package its own small Config"),
	importedOnlyBy(pServer, []string{"cmd/..."}, "server is wired only from cmd/switchboard"),
	{
		from:    []string{anyInternal, "cmd/..."},
		notFrom: []string{pServer, pSQLStore, pSQLite, pPostgres, pStoreTest},
		to:      []string{pSQLStore, pSQLite, pPostgres},
		reason:  "only server picks a storage backend; everything else uses the store.Store interface",
	},
	{
		from:    []string{anyInternal, "cmd/..."},
		notFrom: []string{pTestenv, pStoreTest},
		to:      []string{pTestenv, pStoreTest},
		reason:  "test helpers are imported only from _test.go files",
	},

	// The middle layers never reach up.
	forbid([]string{pVault, pIdentity, pPolicy},
		[]string{pAudit, pUpstream, pGateway, pOAuth, pAPI, pAPIClient, pCLI},
		"identity, policy and vault → store only"),
	forbid([]string{pVault}, []string{pIdentity, pPolicy}, "vault → store only: it is a primitive below identity and policy"),
	importsOnly("internal/policy/toolpolicy/...", []string{pStore},
		"toolpolicy → store only: it compiles and evaluates tool rules; gateway and admin feed it"),
	forbid([]string{pAudit}, []string{pVault, pIdentity, pPolicy, pUpstream, pGateway, pOAuth, pAPI, pAPIClient, pCLI},
		"audit → redact, store only"),
	forbid([]string{pUpstream}, []string{pGateway, pPolicy, pAudit, pOAuth, pAPI, pAPIClient, pCLI},
		"upstream → vault, store: it makes no access decisions and records nothing; gateway sits above it"),
	forbid([]string{pGateway}, []string{pAPIClient, pCLI}, "gateway never links the client side"),
	forbid([]string{pOAuth}, []string{pGateway, pUpstream, pAPIClient, pCLI}, "oauth → identity, policy, audit, store"),
	forbid([]string{pAdmin, pWeb}, []string{pGateway, pAPIClient, pCLI},
		"admin, web → api, identity, policy, audit, upstream, vault, store; gateway is the serving side"),
}
