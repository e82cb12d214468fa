package oauth

import (
	"crypto/subtle"
	"errors"
	"mime"
	"net/http"
	"net/url"

	"github.com/switchboard-mcp/switchboard/internal/identity"
	"github.com/switchboard-mcp/switchboard/internal/store"
)

// maxFormBody bounds the form of the token and revocation endpoints.
const maxFormBody = 64 << 10

// parseForm reads an application/x-www-form-urlencoded body and refuses
// repeated parameters (RFC 6749 §3.2: "MUST NOT be included more than
// once").
func parseForm(w http.ResponseWriter, r *http.Request) (url.Values, *Error) {
	if !hasMediaType(r.Header.Get("Content-Type"), "application/x-www-form-urlencoded") {
		return nil, oauthErr(errInvalidRequest, "send the parameters as application/x-www-form-urlencoded", "content type")
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBody)
	if err := r.ParseForm(); err != nil {
		return nil, oauthErr(errInvalidRequest, "the form body is malformed or too large", err.Error())
	}
	for k, vs := range r.PostForm {
		if len(vs) > 1 {
			return nil, oauthErr(errInvalidRequest, "parameter "+k+" is repeated", "repeated "+k)
		}
	}
	return r.PostForm, nil
}

func hasMediaType(ct, want string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == want
}

// errBadClient is the one answer for every failed client authentication:
// unknown client, wrong secret and wrong method look alike (RFC 6749 §5.2).
func errBadClient(reason string) *Error {
	return oauthErr(errInvalidClient, "client authentication failed", reason)
}

// authenticateClient identifies the client of a token or revocation
// request by client_secret_basic, client_secret_post or, for a public
// client, client_id alone. It reports whether Basic was tried, for the
// 401 challenge.
func (s *Server) authenticateClient(r *http.Request, form url.Values) (store.OAuthClient, bool, *Error) {
	id, secret, basic := r.BasicAuth()
	method := store.ClientAuthBasic
	if basic {
		var err1, err2 error
		id, err1 = url.QueryUnescape(id) // RFC 6749 §2.3.1 form-encodes both
		secret, err2 = url.QueryUnescape(secret)
		if err1 != nil || err2 != nil || form.Get("client_secret") != "" {
			return store.OAuthClient{}, true, errBadClient("malformed basic credentials")
		}
	} else {
		id, secret = form.Get("client_id"), form.Get("client_secret")
		method = store.ClientAuthPost
		if secret == "" {
			method = store.ClientAuthNone
		}
	}
	if id == "" || (len(id) > 200 && !isCIMDClientID(id)) {
		return store.OAuthClient{}, basic, errBadClient("no client_id")
	}
	c, err := s.cfg.Store.GetOAuthClient(r.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		return c, basic, errBadClient("unknown client " + id)
	} else if err != nil {
		return c, basic, asError(err)
	}
	if c.AuthMethod != method {
		return c, basic, errBadClient("client " + id + " registered " + c.AuthMethod + ", used " + method)
	}
	if method != store.ClientAuthNone && subtle.ConstantTimeCompare(identity.HashToken(secret), c.SecretHash) != 1 {
		return c, basic, errBadClient("wrong secret for client " + id)
	}
	return c, basic, nil
}
