package admin

import (
	_ "embed"
	"net/http"

	"github.com/switchboard-mcp/switchboard/internal/identity"
)

//go:embed openapi.json
var openAPIDoc []byte

func (a *API) openAPI(w http.ResponseWriter, _ *http.Request, _ identity.Principal) error {
	w.Header().Set("Content-Type", "application/json")
	_, err := w.Write(openAPIDoc)
	return err
}
