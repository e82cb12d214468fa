package apiclient

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"unicode"

	"github.com/switchboard-mcp/switchboard/internal/api"
)

// maxErrorBody caps how much of an error answer is read.
const maxErrorBody = 1 << 20

// Error is a non-2xx answer of the API. It unwraps to the decoded
// *api.Error; when the body was not an API error (a proxy's HTML page, a
// redirect), one is made up from the status.
type Error struct {
	Status int        // HTTP status code
	API    *api.Error // never nil
}

func (e *Error) Error() string { return e.API.Error() }

// Unwrap lets errors.As find the *api.Error.
func (e *Error) Unwrap() error { return e.API }

// StatusCode returns the HTTP status of an API error in err's chain, or 0.
func StatusCode(err error) int {
	if e, ok := errors.AsType[*Error](err); ok {
		return e.Status
	}
	return 0
}

// IsNotFound reports whether err is a 404 answer of the API.
func IsNotFound(err error) bool { return StatusCode(err) == http.StatusNotFound }

func decodeError(resp *http.Response) error {
	body, _ := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
	var ae api.Error
	if err := json.Unmarshal(body, &ae); err == nil && (ae.Err.Code != "" || ae.Err.Message != "") {
		if ae.Err.Message == "" {
			ae.Err.Message = http.StatusText(resp.StatusCode)
		}
		return &Error{Status: resp.StatusCode, API: &ae}
	}
	return &Error{Status: resp.StatusCode, API: &api.Error{Err: api.ErrorBody{
		Code:    codeForStatus(resp.StatusCode),
		Message: messageForStatus(resp, body),
	}}}
}

func codeForStatus(status int) string {
	switch {
	case status >= 300 && status < 400:
		return "redirect"
	case status == http.StatusBadRequest:
		return api.CodeBadRequest
	case status == http.StatusUnauthorized:
		return api.CodeUnauthorized
	case status == http.StatusForbidden:
		return api.CodeForbidden
	case status == http.StatusNotFound:
		return api.CodeNotFound
	case status == http.StatusConflict:
		return api.CodeConflict
	case status >= 500:
		return api.CodeInternal
	}
	return fmt.Sprintf("http_%d", status)
}

func messageForStatus(resp *http.Response, body []byte) string {
	status := fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	if loc := resp.Header.Get("Location"); resp.StatusCode >= 300 && resp.StatusCode < 400 && loc != "" {
		return fmt.Sprintf("the server answered %s to %s; point the client at the final address", status, clean(loc, 200))
	}
	msg := "the server answered " + status + " without an API error"
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		if line, _, _ := strings.Cut(strings.TrimSpace(string(body)), "\n"); line != "" {
			msg += ": " + clean(line, 200)
		}
	}
	return msg
}

// clean drops control characters (terminal escapes) and caps the length.
func clean(s string, max int) string {
	s = strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return -1
		}
		return r
	}, s)
	if r := []rune(s); len(r) > max {
		s = string(r[:max]) + "…"
	}
	return s
}
