package apiclient

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"testing"
	"time"
)

func TestCheckpointMessageIsFrozen(t *testing.T) {
	// The same vector as internal/audit's TestCheckpointMessageIsFrozen.
	msg := CheckpointMessage(258, []byte{0xaa, 0xbb}, time.Unix(0, 0x0102030405060708))
	want := append([]byte("switchboard audit checkpoint v1\n"),
		0, 0, 0, 0, 0, 0, 1, 2, 0, 2, 0xaa, 0xbb, 1, 2, 3, 4, 5, 6, 7, 8)
	if !bytes.Equal(msg, want) {
		t.Errorf("CheckpointMessage = %x\nwant             %x", msg, want)
	}
}

func TestParsePublicKeys(t *testing.T) {
	k1 := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{1}, 32)).Public().(ed25519.PublicKey)
	k2 := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{2}, 32)).Public().(ed25519.PublicKey)
	pemOf := func(k ed25519.PublicKey) string {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
	}
	good := map[string][]ed25519.PublicKey{
		"one PEM":       {k1},
		"two PEM":       {k1, k2},
		"base64 lines":  {k1, k2},
		"base64 spaced": {k2},
	}
	inputs := map[string]string{
		"one PEM":       pemOf(k1),
		"two PEM":       pemOf(k1) + pemOf(k2),
		"base64 lines":  base64.StdEncoding.EncodeToString(k1) + "\n" + base64.StdEncoding.EncodeToString(k2) + "\n",
		"base64 spaced": "# audit key\n\n  " + base64.StdEncoding.EncodeToString(k2) + "  \r\n",
	}
	for name, want := range good {
		got, err := ParsePublicKeys([]byte(inputs[name]))
		if err != nil || len(got) != len(want) {
			t.Errorf("%s: %d keys, %v", name, len(got), err)
			continue
		}
		for i := range want {
			if !got[i].Equal(want[i]) {
				t.Errorf("%s: key %d differs", name, i)
			}
		}
	}
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	ecKey := string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: ecDER}))
	for name, in := range map[string]string{
		"empty":       "",
		"comment":     "# nothing\n",
		"short key":   base64.StdEncoding.EncodeToString(k1[:16]),
		"not base64":  "hello world",
		"private PEM": "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n",
		"EC key":      ecKey,
	} {
		if keys, err := ParsePublicKeys([]byte(in)); err == nil {
			t.Errorf("%s: parsed %d keys, want an error", name, len(keys))
		}
	}
}
