package upstream

import (
	"errors"
	"fmt"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

func TestRPCError(t *testing.T) {
	rejected := &jsonrpc.Error{Code: codeRejected, Message: "rejected by transport"}
	answered := &jsonrpc.Error{Code: jsonrpc.CodeInvalidParams, Message: "bad args"}
	tests := []struct {
		name string
		err  error
		want *jsonrpc.Error
	}{
		{"nil", nil, nil},
		{"plain", errors.New("dial tcp: refused"), nil},
		{"transport failure", fmt.Errorf("calling: %w: %w", rejected, errors.New("refused")), nil},
		{"upstream answer", fmt.Errorf("calling: %w", answered), answered},
		{"answer behind rejection", fmt.Errorf("calling: %w: %w", rejected, answered), answered},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := RPCError(tc.err)
			if got != tc.want || ok != (tc.want != nil) {
				t.Errorf("RPCError = %v, %v; want %v", got, ok, tc.want)
			}
		})
	}
}
