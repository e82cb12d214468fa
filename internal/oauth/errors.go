package oauth

import (
	"encoding/json"
	"errors"
	"net/http"
)

// Error codes of RFC 6749 §4.1.2.1 and §5.2, RFC 7591 §3.2.2 and RFC 8707.
const (
	errInvalidRequest          = "invalid_request"
	errInvalidClient           = "invalid_client"
	errInvalidGrant            = "invalid_grant"
	errUnauthorizedClient      = "unauthorized_client"
	errUnsupportedGrantType    = "unsupported_grant_type"
	errUnsupportedResponseType = "unsupported_response_type"
	errAccessDenied            = "access_denied"
	errInvalidTarget           = "invalid_target"
	errServerError             = "server_error"
	errInvalidRedirectURI      = "invalid_redirect_uri"
	errInvalidClientMetadata   = "invalid_client_metadata"
)

// Error is an OAuth error. Code and Description go to the client; the
// description says what the request got wrong, never why a credential
// failed. Reason is for the audit trail and the log only.
type Error struct {
	Code        string
	Description string
	Reason      string
}

func (e *Error) Error() string {
	if e.Reason != "" {
		return e.Code + ": " + e.Reason
	}
	return e.Code + ": " + e.Description
}

func oauthErr(code, desc, reason string) *Error {
	return &Error{Code: code, Description: desc, Reason: reason}
}

// asError turns any error into an *Error; one that is not is a
// server_error whose detail stays in Reason.
func asError(err error) *Error {
	if e, ok := errors.AsType[*Error](err); ok {
		return e
	}
	return &Error{Code: errServerError, Description: "the server could not complete the request", Reason: err.Error()}
}

// errorBody is the JSON error of RFC 6749 §5.2.
type errorBody struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

// writeError answers with e as JSON: 401 for invalid_client (with a Basic
// challenge when the client tried Basic, RFC 6749 §5.2), 500 for
// server_error, 400 otherwise.
func writeError(w http.ResponseWriter, e *Error, basic bool) {
	status := http.StatusBadRequest
	switch e.Code {
	case errInvalidClient:
		status = http.StatusUnauthorized
		if basic {
			w.Header().Set("WWW-Authenticate", `Basic realm="switchboard"`)
		}
	case errServerError:
		status = http.StatusInternalServerError
	}
	writeJSON(w, status, errorBody{Error: e.Code, Description: e.Description})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("Pragma", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}
