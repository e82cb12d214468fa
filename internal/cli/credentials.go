package cli

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// credential is what `switchboard login` keeps for one server.
type credential struct {
	Token     string     `json:"token"`
	TokenID   string     `json:"token_id"`
	User      string     `json:"user"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt *time.Time `json:"expires_at,omitempty"`
}

// credentialFile is credentials.json: one credential per server URL.
type credentialFile struct {
	Servers map[string]credential `json:"servers"`
}

// credentialsPath is <config dir>/switchboard/credentials.json.
func (s *session) credentialsPath() (string, error) {
	dir, err := s.io.ConfigDir()
	if err != nil {
		return "", errorf("find the config directory for saved credentials: %w", err)
	}
	return filepath.Join(dir, "switchboard", "credentials.json"), nil
}

func (s *session) readCredentials() (credentialFile, string, error) {
	f := credentialFile{Servers: map[string]credential{}}
	path, err := s.credentialsPath()
	if err != nil {
		return f, "", err
	}
	raw, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return f, path, nil
	} else if err != nil {
		return f, path, errorf("read saved credentials: %w", err)
	}
	if err := json.Unmarshal(raw, &f); err != nil {
		return f, path, errorf("read saved credentials %s: %w (delete the file and run switchboard login)", path, err)
	}
	if f.Servers == nil {
		f.Servers = map[string]credential{}
	}
	return f, path, nil
}

// savedCredential returns the credential saved for server base.
func (s *session) savedCredential(base string) (credential, bool, error) {
	f, _, err := s.readCredentials()
	if err != nil {
		return credential{}, false, err
	}
	c, ok := f.Servers[base]
	return c, ok && c.Token != "", nil
}

// saveCredential stores c for base (nil c deletes it). The directory is
// 0700 and the file 0600, written whole and renamed into place.
func (s *session) saveCredential(base string, c *credential) error {
	f, path, err := s.readCredentials()
	if err != nil {
		return err
	}
	if c == nil {
		delete(f.Servers, base)
	} else {
		f.Servers[base] = *c
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return errorf("save credentials: %w", err)
	}
	raw, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		return errorf("save credentials: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".credentials-*.json")
	if err != nil {
		return errorf("save credentials: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename, a no-op
	if err := tmp.Chmod(0o600); err == nil {
		_, err = tmp.Write(append(raw, '\n'))
		if cerr := tmp.Close(); err == nil {
			err = cerr
		}
		if err == nil {
			err = os.Rename(tmp.Name(), path)
		}
		if err != nil {
			return errorf("save credentials: %w", err)
		}
		return nil
	}
	tmp.Close()
	return errorf("save credentials: cannot restrict %s to mode 0600", tmp.Name())
}
