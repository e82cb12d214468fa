package redact

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	tests := []struct {
		name, in, want string
		o              Options
	}{
		{"string values", `{"a":"mail bob@example.com","b":["10.0.0.1"]}`, `{"a":"mail [REDACTED_EMAIL]","b":["[REDACTED_IPV4]"]}`, allOptions},
		{"layout kept byte for byte", "{\n  \"a\" :\t[ 1.50e+3 , \"x@example.com\" ,true,null ] ,\"b\":{ }\n}\n", "{\n  \"a\" :\t[ 1.50e+3 , \"[REDACTED_EMAIL]\" ,true,null ] ,\"b\":{ }\n}\n", allOptions},
		{"top-level string", `"bob@example.com"`, `"[REDACTED_EMAIL]"`, allOptions},
		{"keys are not redacted", `{"bob@example.com":"ok"}`, `{"bob@example.com":"ok"}`, allOptions},
		{"numbers are not redacted", `{"card":4111111111111111,"phone":14155552671}`, `{"card":4111111111111111,"phone":14155552671}`, allOptions},
		{"escaped content is matched", `{"a":"bob\u0040example.com"}`, `{"a":"[REDACTED_EMAIL]"}`, allOptions},
		{"escapes around a finding are kept", `{"a":"line\n10.0.0.1\t\"q\" \\ \u0001"}`, `{"a":"line\n[REDACTED_IPV4]\t\"q\" \\ \u0001"}`, allOptions},
		{"unneeded escapes are dropped on change", `{"a":"caf\u00e9 \/ bob@example.com"}`, `{"a":"café / [REDACTED_EMAIL]"}`, allOptions},
		{"unchanged escapes stay", `{"a":"caf\u00e9 \/"}`, `{"a":"caf\u00e9 \/"}`, allOptions},
		{"secret member", `{"password":"hunter2","user":"bob"}`, `{"password":"[REDACTED_SECRET]","user":"bob"}`, allOptions},
		{"secret member camel case", `{"apiKey":"a b c"}`, `{"apiKey":"[REDACTED_SECRET]"}`, allOptions},
		{"escaped secret key", `{"pass\u0077ord":"x"}`, `{"pass\u0077ord":"[REDACTED_SECRET]"}`, allOptions},
		{"authorization member keeps scheme", `{"Authorization":"Bearer abc"}`, `{"Authorization":"Bearer [REDACTED_SECRET]"}`, allOptions},
		{"scheme kept only for authorization", `{"password":"Bearer abc"}`, `{"password":"[REDACTED_SECRET]"}`, allOptions},
		{"secret member not a string", `{"password":12345,"token":{"v":"x"},"secret":["y"]}`, `{"password":12345,"token":{"v":"x"},"secret":["y"]}`, allOptions},
		{"empty and null secrets", `{"password":"","token":null}`, `{"password":"","token":null}`, allOptions},
		{"page token member", `{"nextPageToken":"abc"}`, `{"nextPageToken":"abc"}`, allOptions},
		{"secret member needs secrets on", `{"password":"hunter2"}`, `{"password":"hunter2"}`, piiOnly},
		{"embedded json text", `{"text":"{\"password\": \"hunter2\"}"}`, `{"text":"{\"password\": \"[REDACTED_SECRET]\"}"}`, allOptions},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := New(tc.o)
			if err != nil {
				t.Fatal(err)
			}
			got, _, err := r.JSON([]byte(tc.in))
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("JSON(%s)\n got %s\nwant %s", tc.in, got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("output is not valid JSON: %s", got)
			}
			again, counts, err := r.JSON(got)
			if err != nil || string(again) != string(got) || counts != nil {
				t.Errorf("not idempotent: %s then %s (%v, %v)", got, again, counts, err)
			}
		})
	}
}

var allOptions = Options{Secrets: true, PII: true}

func TestJSONUnchangedIsInput(t *testing.T) {
	r := allOn(t)
	doc := []byte(`{"a": ["nothing", "here", 1, {"b": null}]}`)
	out, counts, err := r.JSON(doc)
	if err != nil || counts != nil || &out[0] != &doc[0] || len(out) != len(doc) {
		t.Errorf("JSON = %q, %v, %v; want the input slice itself", out, counts, err)
	}
}

func TestJSONCounts(t *testing.T) {
	r := allOn(t)
	doc := []byte(`{"a":"x@example.com y@example.com","b":["10.0.0.1","z@example.com"],"password":"p"}`)
	_, counts, err := r.JSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	want := []Count{{KindEmail, 3}, {KindIPv4, 1}, {KindSecret, 1}}
	if !reflect.DeepEqual(counts, want) {
		t.Errorf("counts = %v, want %v", counts, want)
	}
}

// TestJSONShape redacts a large generated document and checks that it
// decodes to the same structure: same keys, same array lengths, same
// numbers, booleans and nulls, strings still strings.
func TestJSONShape(t *testing.T) {
	r := allOn(t)
	doc := mixedDoc(256 << 10)
	out, counts, err := r.JSON(doc)
	if err != nil {
		t.Fatal(err)
	}
	if len(counts) == 0 {
		t.Fatal("nothing redacted in the mixed document")
	}
	assertSameShape(t, doc, out)
	for _, leak := range []string{"@example.com", "ghp_xxxx", "192.168."} {
		if strings.Contains(string(out), leak) {
			t.Errorf("output still contains %q", leak)
		}
	}
}

func assertSameShape(t *testing.T, before, after []byte) {
	t.Helper()
	a, err := decodeNumbers(before)
	if err != nil {
		t.Fatal(err)
	}
	b, err := decodeNumbers(after)
	if err != nil {
		t.Fatalf("output does not decode: %v", err)
	}
	if sa, sb := shape(a), shape(b); !reflect.DeepEqual(sa, sb) {
		t.Errorf("shape changed:\n%v\n%v", sa, sb)
	}
}

// decodeNumbers decodes doc keeping numbers as written, so 1e700 is fine.
func decodeNumbers(doc []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(doc))
	d.UseNumber()
	var v any
	err := d.Decode(&v)
	return v, err
}

// shape replaces every string in v by "" so that values redaction may
// change compare equal.
func shape(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, e := range v {
			m[k] = shape(e)
		}
		return m
	case []any:
		s := make([]any, len(v))
		for i, e := range v {
			s[i] = shape(e)
		}
		return s
	case string:
		return ""
	}
	return v
}

func TestJSONInvalid(t *testing.T) {
	deep := strings.Repeat("[", maxDepth+1) + strings.Repeat("]", maxDepth+1)
	for _, in := range []string{
		"", " ", "{", "}", `{"a":}`, `{"a" 1}`, `{a:1}`, `{"a":1,}`, `[1,]`, `[1 2]`, `[`,
		`01`, `-`, `1.`, `.5`, `1e`, `+1`, `0x10`, `nul`, `tru`, `True`, `1 2`, `{} x`,
		"\"a\x01\"", `"\q"`, `"\u12G4"`, `"\u12"`, `"abc`, `"a\"`, "\ufeff{}", `'a'`, deep,
	} {
		r := allOn(t)
		out, counts, err := r.JSON([]byte(in))
		if !errors.Is(err, ErrInvalidJSON) || out != nil || counts != nil {
			t.Errorf("JSON(%q) = %q, %v, %v; want ErrInvalidJSON", in, out, counts, err)
		}
		if json.Valid([]byte(in)) {
			t.Errorf("test bug: %q is valid JSON", in)
		}
	}
}

func TestJSONValidEdgeCases(t *testing.T) {
	for _, in := range []string{
		`0`, `-0.0e-0`, `1E+2`, `""`, `[]`, `{}`, ` [ ] `, `"\ud83d\ude00"`, `"\ud800"`, "\"\xff\"",
		`{"a":{"b":[[],{}]}}`, strings.Repeat("[", maxDepth) + strings.Repeat("]", maxDepth),
	} {
		out, _, err := allOn(t).JSON([]byte(in))
		if err != nil || string(out) != in {
			t.Errorf("JSON(%.40q) = %.40q, %v", in, out, err)
		}
	}
}
