package redact

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
)

// words is filler prose for generated documents.
var words = strings.Fields(`the a request returned results for service deployment
	pipeline cluster node pod status healthy degraded latency error retry queue
	worker build artifact commit branch merge review customer account invoice
	shipment order tracking warehouse region zone backup snapshot volume replica
	config value key field table index query plan cache hit miss timeout version`)

// mixedDoc builds a deterministic JSON document of about size bytes shaped
// like tool output: nested records, prose, logs, ids, timestamps and
// numbers, with an email, IP, phone number or token here and there.
func mixedDoc(size int) []byte {
	rng := rand.New(rand.NewPCG(1, 2))
	var records []any
	n := 0
	for i := 0; n < size; i++ {
		rec := mixedRecord(rng, i)
		b, _ := json.Marshal(rec)
		n += len(b) + 3
		records = append(records, rec)
	}
	doc, err := json.MarshalIndent(map[string]any{
		"jsonrpc": "2.0", "id": 7,
		"result": map[string]any{"content": []any{map[string]any{"type": "text", "text": "ok"}}, "records": records},
	}, "", "  ")
	if err != nil {
		panic(err)
	}
	return doc
}

func mixedRecord(rng *rand.Rand, i int) map[string]any {
	return map[string]any{
		"id":         fmt.Sprintf("%08x-%04x-4%03x-a%03x-%012x", rng.Uint32(), rng.IntN(1<<16), rng.IntN(1<<12), rng.IntN(1<<12), rng.Uint64()>>16),
		"seq":        i,
		"created_at": fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02dZ", 1+rng.IntN(12), 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60)),
		"version":    fmt.Sprintf("v%d.%d.%d", rng.IntN(5), rng.IntN(20), rng.IntN(100)),
		"owner":      map[string]any{"name": prose(rng, 2), "contact": contact(rng), "order": fmt.Sprintf("ORD-%d", 1e9+rng.IntN(1e9))},
		"metrics":    map[string]any{"latency_ms": rng.Float64() * 300, "count": rng.IntN(1e6), "ratio": rng.Float64()},
		"tags":       []string{prose(rng, 1), prose(rng, 1), prose(rng, 1)},
		"summary":    prose(rng, 20+rng.IntN(40)),
		"log":        logLines(rng, 3+rng.IntN(5)),
	}
}

func prose(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := range n {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(words[rng.IntN(len(words))])
		if rng.IntN(12) == 0 {
			b.WriteString(".")
		}
	}
	return b.String()
}

// contact is usually harmless and sometimes personal data.
func contact(rng *rand.Rand) string {
	switch rng.IntN(8) {
	case 0:
		return fmt.Sprintf("user%d@example.com", rng.IntN(1e4))
	case 1:
		return fmt.Sprintf("+1 415 555 %04d", 2000+rng.IntN(8000))
	case 2:
		return fmt.Sprintf("10.%d.%d.%d", rng.IntN(256), rng.IntN(256), rng.IntN(256))
	}
	return prose(rng, 3)
}

// logLines is a multi-line log excerpt, so the string carries escapes.
func logLines(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		fmt.Fprintf(&b, "2024-06-%02d %02d:%02d:%02d INFO %s", 1+rng.IntN(28), rng.IntN(24), rng.IntN(60), rng.IntN(60), prose(rng, 8))
		switch rng.IntN(10) {
		case 0:
			fmt.Fprintf(&b, " from 192.168.%d.%d", rng.IntN(256), rng.IntN(256))
		case 1:
			b.WriteString(" token=ghp_" + strings.Repeat("x", 36))
		case 2:
			fmt.Fprintf(&b, " took %dms (%d bytes, \"ok\")", rng.IntN(500), rng.IntN(1e6))
		}
		b.WriteByte('\n')
	}
	return b.String()
}
