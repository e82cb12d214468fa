package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/policy"
)

// maxBody bounds request bodies.
const maxBody = 1 << 20

// wrap runs the fixed chain: authenticate, authorize (on the route's named
// resource), handle.
func (a *API) wrap(rt route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p identity.Principal
		if rt.perm != policy.Public {
			var err error
			if p, err = a.authenticate(r); err != nil {
				w.Header().Set("WWW-Authenticate", `Bearer realm="switchboard"`)
				writeError(w, r, a.cfg.Logger, err)
				return
			}
			if err := authorizeRoute(p, rt, r); err != nil {
				writeError(w, r, a.cfg.Logger, err)
				return
			}
		}
		if err := rt.h(w, r, p); err != nil {
			writeError(w, r, a.cfg.Logger, err)
		}
	})
}

func (a *API) authenticate(r *http.Request) (identity.Principal, error) {
	// The scheme is case-insensitive (RFC 9110 §11.1).
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || strings.TrimSpace(token) == "" {
		return identity.Principal{}, &apiError{status: http.StatusUnauthorized, code: api.CodeUnauthorized,
			msg: "missing bearer token: send Authorization: Bearer <token>"}
	}
	p, err := a.cfg.Verifier.Verify(r.Context(), strings.TrimSpace(token))
	if errors.Is(err, identity.ErrInvalidToken) {
		return identity.Principal{}, &apiError{status: http.StatusUnauthorized, code: api.CodeUnauthorized, msg: "invalid or expired token"}
	}
	return p, err
}

// decode reads a JSON body strictly: unknown fields and trailing data are
// errors that name the problem.
func decode(r *http.Request, v any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return &apiError{status: http.StatusUnsupportedMediaType, code: api.CodeBadRequest, msg: "send Content-Type: application/json"}
	}
	dec := json.NewDecoder(io.LimitReader(r.Body, maxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badJSON(err)
	}
	if dec.More() {
		return &apiError{status: http.StatusBadRequest, code: api.CodeBadRequest, msg: "body has data after the JSON object"}
	}
	return nil
}

func badJSON(err error) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te) && te.Field == "":
		return &apiError{status: http.StatusBadRequest, code: api.CodeBadRequest, msg: "request body must be a JSON object"}
	case errors.As(err, &te):
		return invalid(te.Field, "must be %s", jsonKind(te.Type))
	case errors.As(err, &se):
		return &apiError{status: http.StatusBadRequest, code: api.CodeBadRequest, msg: fmt.Sprintf("malformed JSON at byte %d", se.Offset)}
	case errors.Is(err, io.EOF):
		return &apiError{status: http.StatusBadRequest, code: api.CodeBadRequest, msg: "request body is empty; send a JSON object"}
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		field := strings.Trim(strings.TrimPrefix(err.Error(), "json: unknown field "), `"`)
		return invalid(field, "unknown field")
	default:
		return &apiError{status: http.StatusBadRequest, code: api.CodeBadRequest, msg: "malformed JSON body"}
	}
}

// jsonKind names the JSON type that decodes into t, so that messages speak
// JSON rather than Go.
func jsonKind(t reflect.Type) string {
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	default:
		return "an object"
	}
}
