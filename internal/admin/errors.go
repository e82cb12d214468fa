package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/policy"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// apiError is an error whose message is safe to show the client.
type apiError struct {
	status int
	code   string
	field  string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

// invalid reports a bad field value.
func invalid(field, format string, args ...any) error {
	return &apiError{status: http.StatusBadRequest, code: api.CodeInvalidField, field: field, msg: fmt.Sprintf(format, args...)}
}

func notFound(format string, args ...any) error {
	return &apiError{status: http.StatusNotFound, code: api.CodeNotFound, msg: fmt.Sprintf(format, args...)}
}

func conflict(field, format string, args ...any) error {
	return &apiError{status: http.StatusConflict, code: api.CodeConflict, field: field, msg: fmt.Sprintf(format, args...)}
}

func upstreamFailed(field, format string, args ...any) error {
	return &apiError{status: http.StatusBadGateway, code: api.CodeUpstream, field: field, msg: fmt.Sprintf(format, args...)}
}

// writeError maps err to a status and a safe body. Unknown errors become a
// bare 500 whose detail goes to the log only.
func writeError(w http.ResponseWriter, r *http.Request, logger *slog.Logger, err error) {
	var ae *apiError
	switch {
	case errors.As(err, &ae):
	case errors.Is(err, policy.ErrDenied):
		ae = &apiError{status: http.StatusForbidden, code: api.CodeForbidden, msg: "your role does not allow this"}
	case errors.Is(err, store.ErrNotFound):
		ae = &apiError{status: http.StatusNotFound, code: api.CodeNotFound, msg: "not found"}
	case errors.Is(err, store.ErrConflict):
		ae = &apiError{status: http.StatusConflict, code: api.CodeConflict, msg: "conflicts with an existing record"}
	default:
		logger.ErrorContext(r.Context(), "api request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		ae = &apiError{status: http.StatusInternalServerError, code: api.CodeInternal, msg: "internal error; see the server log"}
	}
	writeJSON(w, ae.status, api.Error{Err: api.ErrorBody{Code: ae.code, Message: ae.msg, Field: ae.field}})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}
