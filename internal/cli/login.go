package cli

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"time"

	"github.com/switchboard-mcp/switchboard/internal/api"
	"github.com/switchboard-mcp/switchboard/internal/apiclient"
)

// browserLoginTimeout bounds the wait for the browser sign-in.
const browserLoginTimeout = 5 * time.Minute

type loginOpts struct {
	email         string
	passwordStdin bool
	printToken    bool
}

func loginCmd() *command {
	return &command{
		name:    "login",
		summary: "Sign in and save an API token for SWITCHBOARD_URL",
		args:    "[--email EMAIL --password-stdin] [--print-token]",
		long: "Without --email, the CLI opens the browser: sign in there (with a password or your\n" +
			"company's SSO) and confirm; the browser hands a one-time code back to the CLI on a\n" +
			"loopback port. The token lasts 30 days and is saved, for this server only, in\n" +
			"<config dir>/switchboard/credentials.json (mode 0600). Commands use it when\n" +
			"SWITCHBOARD_TOKEN is unset. --print-token prints the saved token (signing in first\n" +
			"when there is none) for scripts.",
		example: "switchboard login\n" +
			"printf %s \"$PASSWORD\" | switchboard login --email ada@example.com --password-stdin\n" +
			"export SWITCHBOARD_TOKEN=$(switchboard login --print-token)",
		refused: passwordRefused,
		setup: func(fs *flag.FlagSet) action {
			o := &loginOpts{}
			fs.StringVar(&o.email, "email", "", "sign in with this `EMAIL` and a password instead of the browser")
			fs.BoolVar(&o.passwordStdin, "password-stdin", false, "read the password from stdin (with --email)")
			fs.BoolVar(&o.printToken, "print-token", false, "print the token on stdout")
			return o.run
		},
	}
}

func (o *loginOpts) run(ctx context.Context, s *session, args []string) error {
	if err := noArgs(args); err != nil {
		return err
	}
	if (o.email != "") != o.passwordStdin {
		return usageErrorf("--email and --password-stdin go together")
	}
	base, err := s.server()
	if err != nil {
		return err
	}
	if o.printToken && o.email == "" {
		if cred, ok, err := s.savedCredential(base); err != nil {
			return err
		} else if ok && (cred.ExpiresAt == nil || s.now().Before(*cred.ExpiresAt)) {
			_, err := fmt.Fprintln(s.io.Out, cred.Token)
			return err
		}
	}
	var resp *api.LoginResponse
	if o.email != "" {
		resp, err = o.passwordLogin(ctx, s)
	} else {
		resp, err = browserLogin(ctx, s)
	}
	if err != nil {
		return err
	}
	return saveLogin(ctx, s, base, resp, o.printToken)
}

func (o *loginOpts) passwordLogin(ctx context.Context, s *session) (*api.LoginResponse, error) {
	pw, err := readSecretStdin(s, "password")
	if err != nil {
		return nil, err
	}
	return s.newClient("").Login(ctx, api.LoginRequest{Email: o.email, Password: pw, Hostname: hostname()})
}

// saveLogin keeps the new token for base, revoking the one it replaces.
func saveLogin(ctx context.Context, s *session, base string, resp *api.LoginResponse, print bool) error {
	if old, ok, _ := s.savedCredential(base); ok && old.TokenID != "" && old.TokenID != resp.Token.ID {
		ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		_ = s.newClient(old.Token).RevokeToken(ctx, old.TokenID) // best effort: it may be gone already
		cancel()
	}
	cred := credential{Token: resp.Value, TokenID: resp.Token.ID, User: resp.UserEmail,
		CreatedAt: resp.Token.CreatedAt, ExpiresAt: resp.Token.ExpiresAt}
	if err := s.saveCredential(base, &cred); err != nil {
		return err
	}
	fmt.Fprintf(s.io.Err, "Signed in to %s as %s (token %q, expires %s).\n", base, resp.UserEmail,
		resp.Token.Name, fmtTimePtr(resp.Token.ExpiresAt, "never"))
	if print {
		_, err := fmt.Fprintln(s.io.Out, resp.Value)
		return err
	}
	return nil
}

func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return h
}

// callbackResult is what the browser brought to the loopback port.
type callbackResult struct {
	code string
	err  error
}

// browserLogin runs the browser sign-in: a loopback listener for the
// answer, the sign-in page with state and an S256 challenge, then the
// exchange of code and verifier for a token.
func browserLogin(ctx context.Context, s *session) (*api.LoginResponse, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, errorf("listen on a loopback port for the browser's answer: %w", err)
	}
	defer ln.Close()
	state, verifier := rand.Text(), rand.Text()+rand.Text()
	sum := sha256.Sum256([]byte(verifier))
	port := ln.Addr().(*net.TCPAddr).Port
	page := s.baseURL + "/cli/login?" + url.Values{"port": {strconv.Itoa(port)}, "state": {state},
		"challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}}.Encode()

	results := make(chan callbackResult, 1)
	srv := &http.Server{Handler: callbackHandler(state, results), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer func() {
		// Let the browser's page finish before the port closes: Close here
		// could cut the "Signed in" / "cancelled" answer short.
		sctx, scancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer scancel()
		_ = srv.Shutdown(sctx)
	}()

	fmt.Fprintf(s.io.Err, "Opening the browser to sign in. If it does not open, visit:\n  %s\n", page)
	if err := s.io.OpenBrowser(page); err != nil {
		fmt.Fprintln(s.io.Err, "(could not open a browser; open the address above yourself)")
	}
	ctx, cancel := context.WithTimeout(ctx, browserLoginTimeout)
	defer cancel()
	var res callbackResult
	select {
	case res = <-results:
	case <-ctx.Done():
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, errorf("no answer from the browser within %v; run switchboard login again", browserLoginTimeout)
		}
		return nil, ctx.Err()
	}
	if res.err != nil {
		return nil, res.err
	}
	return s.newClient("").CLIToken(ctx, api.CLITokenRequest{Code: res.code, Verifier: verifier, Hostname: hostname()})
}

// callbackHandler answers the browser's redirect to
// http://127.0.0.1:<port>/callback and reports the first one whose state
// matches.
func callbackHandler(state string, results chan<- callbackResult) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		q := r.URL.Query()
		if r.URL.Path != "/callback" || subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(state)) != 1 {
			http.Error(w, "This is not the sign-in this command is waiting for.", http.StatusBadRequest)
			return
		}
		res := callbackResult{code: q.Get("code")}
		msg := "Signed in. You can close this tab and go back to the terminal."
		switch {
		case q.Get("error") == "access_denied":
			res, msg = callbackResult{err: errors.New("sign-in cancelled in the browser")}, "Sign-in cancelled."
		case res.code == "":
			res, msg = callbackResult{err: errors.New("the browser brought back no sign-in code")}, "Sign-in failed."
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.Header().Set("Cache-Control", "no-store")
		_, _ = fmt.Fprintln(w, msg)
		if f, ok := w.(http.Flusher); ok {
			f.Flush() // the answer is on its way before the command may end
		}
		select {
		case results <- res:
		default: // an answer was already taken
		}
	})
}

// openBrowser asks the desktop to open u; without one it fails, and the
// printed address is the way.
func openBrowser(u string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", u)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", u)
	default:
		if os.Getenv("DISPLAY") == "" && os.Getenv("WAYLAND_DISPLAY") == "" {
			return errors.New("no display")
		}
		cmd = exec.Command("xdg-open", u)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func logoutCmd() *command {
	return &command{
		name:    "logout",
		summary: "Revoke and forget the token saved by switchboard login for SWITCHBOARD_URL",
		example: "switchboard logout",
		setup: func(fs *flag.FlagSet) action {
			return func(ctx context.Context, s *session, args []string) error {
				if err := noArgs(args); err != nil {
					return err
				}
				return logout(ctx, s)
			}
		},
	}
}

func logout(ctx context.Context, s *session) error {
	base, err := s.server()
	if err != nil {
		return err
	}
	cred, ok, err := s.savedCredential(base)
	if err != nil {
		return err
	}
	if !ok {
		fmt.Fprintf(s.io.Err, "Not signed in to %s.\n", base)
		return nil
	}
	rerr := s.newClient(cred.Token).RevokeToken(ctx, cred.TokenID)
	if st := apiclient.StatusCode(rerr); st == http.StatusUnauthorized || st == http.StatusNotFound {
		rerr = nil // expired or revoked already
	}
	if err := s.saveCredential(base, nil); err != nil {
		return err
	}
	if rerr != nil {
		return errorf("forgot the saved token, but could not revoke it on the server (revoke %s with switchboard token revoke): %w", cred.TokenID, rerr)
	}
	fmt.Fprintf(s.io.Err, "Signed out of %s: token %s revoked and forgotten.\n", base, cred.TokenID)
	return nil
}
