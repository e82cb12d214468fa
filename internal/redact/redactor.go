package redact

// Options selects what a [Redactor] looks for.
type Options struct {
	Secrets bool   // API keys, tokens, private keys, "password=…" values
	PII     bool   // emails, phone numbers, SSNs, cards, IBANs, IP addresses
	Rules   []Rule // admin-defined patterns, applied whatever the groups say
}

// Rule is an admin-defined detector: every match of Pattern (Go regexp
// syntax) is replaced by "[REDACTED_<NAME>]", NAME being Name upper-cased
// with bytes outside [A-Z0-9_] turned into '_'.
type Rule struct {
	Name    string `json:"name"`
	Pattern string `json:"pattern"`
}

// Count says how many findings of one kind were redacted.
type Count struct {
	Kind string `json:"kind"`
	N    int    `json:"count"`
}

// maxPasses bounds how often a string is redacted again until it stops
// changing (see redactString). One pass is the common case; a second
// happens when a replacement exposes a match its neighbour had hidden.
const maxPasses = 4

// Redactor replaces secrets and personal data with markers. A nil
// *Redactor is valid and redacts nothing. It is safe for concurrent use.
type Redactor struct {
	secrets   bool       // also redact string values under secret-named JSON keys
	detectors []detector // in priority order: secrets, pii, then rules
}

// New returns a Redactor for o, or an error naming the first rule whose
// name or pattern is unusable.
func New(o Options) (*Redactor, error) {
	r := &Redactor{secrets: o.Secrets}
	if o.Secrets {
		r.detectors = append(r.detectors, secretDetectors...)
	}
	if o.PII {
		r.detectors = append(r.detectors, piiDetectors...)
	}
	for _, rule := range o.Rules {
		d, err := compileRule(rule)
		if err != nil {
			return nil, err
		}
		r.detectors = append(r.detectors, d)
	}
	return r, nil
}

// Enabled reports whether r redacts anything at all.
func (r *Redactor) Enabled() bool {
	return r != nil && len(r.detectors) > 0
}

// String returns s with every finding replaced by its marker, and how many
// findings of each kind there were, sorted by kind. When nothing matched
// it returns s itself and nil.
func (r *Redactor) String(s string) (string, []Count) {
	if !r.Enabled() || s == "" {
		return s, nil
	}
	var sc scratch
	out, _ := r.redactString(s, scanFeatures(s), &sc)
	return out, sc.counts.sorted()
}

// scratch is per-call state reused across the strings of one document.
type scratch struct {
	spans  []span
	counts counter
}

// redactString redacts s until it stops changing, so that redacting the
// result again is a no-op. f must describe s.
func (r *Redactor) redactString(s string, f features, sc *scratch) (string, bool) {
	changed := false
	for pass := 0; pass < maxPasses; pass++ {
		out, ok := r.pass(s, f, sc)
		if !ok {
			break
		}
		s, changed = out, true
		f = scanFeatures(s)
	}
	return s, changed
}

// pass runs every applicable detector over s once and applies the merged
// findings.
func (r *Redactor) pass(s string, f features, sc *scratch) (string, bool) {
	spans := sc.spans[:0]
	for i := range r.detectors {
		if d := &r.detectors[i]; d.wants(f) {
			spans = d.find(s, spans)
		}
	}
	sc.spans = spans
	if len(spans) == 0 {
		return s, false
	}
	spans = mergeSpans(dropInsideMarkers(s, spans))
	sc.spans = spans
	if len(spans) == 0 {
		return s, false
	}
	return apply(s, spans, &sc.counts), true
}

// detector is one kind of finding: a scanner plus the cheap conditions a
// string must meet before the scanner is worth running.
type detector struct {
	kind      string
	need      uint16 // byte classes that must all be present
	needAny   uint16 // if set, at least one of these must be present
	minDigits int
	minLen    int
	find      func(s string, dst []span) []span
}

func (d *detector) wants(f features) bool {
	return f.mask&d.need == d.need &&
		(d.needAny == 0 || f.mask&d.needAny != 0) &&
		f.digits >= d.minDigits && f.n >= d.minLen
}
