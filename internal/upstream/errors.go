package upstream

import (
	"encoding/json"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// ErrNeedsReconnect means the stored credential stopped working (an
// OAuth refresh was refused, or the upstream rejected a fresh token) and
// its owner must connect again. Added by H4 for upstream OAuth; H3's
// credential_missing tool error handles it like ErrNoCredential.
var ErrNeedsReconnect = errors.New("the credential for this server must be reconnected")

// rawJSON marshals as the bytes it holds.
type rawJSON = json.RawMessage

// sessionGone reports whether err means the session was closed or
// forgotten before the request was handled, so a retry is safe.
func sessionGone(err error) bool {
	return errors.Is(err, mcp.ErrConnectionClosed) || errors.Is(err, mcp.ErrSessionMissing)
}

// codeRejected is the SDK's "rejected by transport" code: the request did
// not get an answer from the upstream (connection refused, bad status).
const codeRejected = -32005

// RPCError returns the JSON-RPC error that the upstream itself answered,
// if err carries one. The SDK wraps local transport failures in a JSON-RPC
// error too (code -32005); those are not upstream answers.
func RPCError(err error) (*jsonrpc.Error, bool) {
	var found *jsonrpc.Error
	walk(err, func(e error) {
		if je, ok := e.(*jsonrpc.Error); ok && je.Code != codeRejected && found == nil {
			found = je
		}
	})
	return found, found != nil
}

// walk visits err and every error it wraps, depth first.
func walk(err error, visit func(error)) {
	if err == nil {
		return
	}
	visit(err)
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), visit)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, visit)
		}
	}
}

// isProtocolError reports whether err is a JSON-RPC error answered by the
// upstream: the session is healthy.
func isProtocolError(err error) bool {
	_, ok := RPCError(err)
	return ok
}
