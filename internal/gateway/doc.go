// Package gateway is the MCP server side of Switchboard: it serves each
// endpoint at /mcp/{endpoint} over Streamable HTTP and relays tool calls to
// the upstream servers.
//
// Every endpoint has one cached *mcp.Server whose tools come from the stored
// catalog and the endpoint's enablement; tools/list never waits for an
// upstream. Reload rebuilds that view after a configuration change and
// updates the live servers in place, so connected clients receive
// notifications/tools/list_changed.
//
// A tools/call reads top to bottom in call.go: resolve the caller,
// authorize, record the "started" audit event (fail closed), inject the
// credential, forward with a timeout, cap the response, record the outcome,
// return. See DESIGN.md in this directory for the sequence.
package gateway
