package upstream

import (
	"encoding/json"
	"errors"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

// rawJSON marshals as the bytes it holds.
type rawJSON = json.RawMessage

// sessionGone reports whether err means the session was closed or
// forgotten before the request was handled, so a retry is safe.
func sessionGone(err error) bool {
	return errors.Is(err, mcp.ErrConnectionClosed) || errors.Is(err, mcp.ErrSessionMissing)
}

// isProtocolError reports whether err is a JSON-RPC error answered by the
// upstream: the session is healthy.
func isProtocolError(err error) bool {
	var je *jsonrpc.Error
	return errors.As(err, &je)
}
