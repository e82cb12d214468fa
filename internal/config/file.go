package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
)

// loadFile reads the JSON config file at path into c.
func loadFile(c *Config, path string) error {
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read config file: %w", err)
	}
	if err := parseFile(c, data); err != nil {
		return fmt.Errorf("config file %s: %w", path, err)
	}
	return nil
}

// parseFile applies a JSON config document to c. Keys must match the
// field table exactly (snake_case, case-sensitive); every unknown key and
// every bad value is reported, each prefixed with its path. An empty
// document changes nothing. master_key is refused: keep secrets out of
// files that get copied around, use SWITCHBOARD_MASTER_KEY or
// master_key_file instead.
func parseFile(c *Config, data []byte) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	root, err := decodeObject(data)
	if err != nil {
		return syntaxError(data, err)
	}
	var errs []error
	applyObject(c, "", root, &errs)
	return errors.Join(errs...)
}

// decodeObject decodes one JSON object and rejects anything after it.
func decodeObject(data []byte) (map[string]json.RawMessage, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	var obj map[string]json.RawMessage
	if err := dec.Decode(&obj); err != nil {
		return nil, err
	}
	if obj == nil {
		return nil, errors.New("want a JSON object")
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("unexpected data after the JSON object")
	}
	return obj, nil
}

// applyObject sets the fields of one JSON object found at prefix.
func applyObject(c *Config, prefix string, obj map[string]json.RawMessage, errs *[]error) {
	keys := make([]string, 0, len(obj))
	for k := range obj {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		path := k
		if prefix != "" {
			path = prefix + "." + k
		}
		if err := applyKey(c, path, obj[k], errs); err != nil {
			*errs = append(*errs, fmt.Errorf("%s: %w", path, err))
		}
	}
}

// applyKey sets one field or descends into one section.
func applyKey(c *Config, path string, raw json.RawMessage, errs *[]error) error {
	if f, ok := fieldByPath(path); ok {
		if f.secret {
			return fmt.Errorf("not allowed in the config file; set %s%s", f.envName(), secretHint[f.path])
		}
		if err := json.Unmarshal(raw, f.ptr(c)); err != nil {
			return valueError(f, err)
		}
		return nil
	}
	if !isSection(path) {
		return errors.New("unknown key")
	}
	var sub map[string]json.RawMessage
	if err := json.Unmarshal(raw, &sub); err != nil || sub == nil {
		return errors.New("must be an object")
	}
	applyObject(c, path, sub, errs)
	return nil
}

// secretHint names the file-friendly alternative of a secret, if any.
var secretHint = map[string]string{"master_key": " or master_key_file"}

// valueError turns a decoding error into a message about the value.
func valueError(f field, err error) error {
	if _, ok := errors.AsType[*json.UnmarshalTypeError](err); !ok {
		return err
	}
	switch f.ptr(&Config{}).(type) {
	case *bool:
		return errBool
	case *int64:
		return errNumber
	}
	return errors.New("must be a string")
}

// syntaxError adds a line and column to JSON syntax errors.
func syntaxError(data []byte, err error) error {
	se, ok := errors.AsType[*json.SyntaxError](err)
	if !ok {
		return err
	}
	line, col := 1, 1
	for _, b := range data[:min(int(se.Offset), len(data))] {
		if b == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return fmt.Errorf("line %d, column %d: %w", line, col, err)
}
