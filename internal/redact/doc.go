// Package redact finds secrets and personal data in text and JSON and
// replaces each finding with a marker naming its kind, such as
// "[REDACTED_EMAIL]". The gateway uses it on tool-call arguments and
// results; the audit writer uses it on what it stores.
//
// A [Redactor] is built once from [Options] with [New] and is safe for
// concurrent use. Its detectors come in two groups, selected separately:
//
//   - secrets: AWS_ACCESS_KEY, GITHUB_TOKEN, GITLAB_TOKEN, SLACK_TOKEN, JWT,
//     PRIVATE_KEY (PEM blocks) and SECRET (the value of pairs such as
//     "api_key=…", "password: …" or "Authorization: Bearer …");
//   - pii: EMAIL, PHONE, SSN, CREDIT_CARD, IBAN, IPV4 and IPV6.
//
// Administrators may add named regular-expression [Rule]s; a rule's kind is
// its name upper-cased with anything outside [A-Z0-9_] turned into '_'.
//
// The detectors are hand-written scanners rather than regular expressions,
// each gated by a cheap look at which bytes a string contains, so text with
// nothing to redact costs little more than one pass over it. They favour
// precision where a false positive would mangle ordinary tool output:
//
//   - CREDIT_CARD needs 13–19 digits that pass the Luhn check and start with
//     2–6 (so epoch-millisecond timestamps and most order numbers pass
//     through), either unbroken or in groups split by one kind of separator.
//   - PHONE needs a leading '+' (international, 8–15 digits) or a NANP
//     number written with '-' or '.' or a parenthesised area code
//     ("415-555-2671", "(415) 555 2671"); bare digit runs and
//     space-separated triples such as "256 512 1024" are left alone.
//   - SSN needs the dashed form and a valid area, group and serial.
//   - IPV4 needs four dotted octets without leading zeros, not glued to a
//     word or to more dotted numbers, so "v1.2.3.4" and "1.2.3.4.5" pass
//     through but a bare "1.2.3.4" is redacted: it is a valid address.
//   - IPV6 candidates are checked with [net/netip] and need two groups, a
//     decimal digit and letters of one case, so "::", "::1", "dead::beef"
//     and scoped names in code ("Abc::Def") are not redacted.
//   - EMAIL needs a domain with a dot and an alphabetic TLD; git remotes
//     such as "git@github.com:org/repo" are email-shaped and redacted.
//   - PRIVATE_KEY covers BEGIN to END; a block cut off before its END line
//     (truncated output) is redacted to the end of the string.
//   - IBAN needs a known country's length and a valid mod-97 check.
//   - SECRET needs a key ending, once lower-cased and stripped of '_', '-'
//     and '.', in password, passwd, passphrase, secret, secretkey, token,
//     apikey, accesskey, privatekey, credential(s) or authorization;
//     pagination keys ("nextPageToken") are not secrets. Values that are JSON literals (null, true, false) or
//     markers are left alone, and an Authorization value keeps its scheme.
//
// [Redactor.JSON] walks a document, redacts inside string values and keeps
// every other byte as it was. When secrets are on, a string value whose
// object key names a secret ("password", "apiKey", "client_secret", …) is
// redacted whole. Object keys and numbers are never changed: a card number
// written as a JSON number stays, since turning it into a string would
// change the document's shape. A nil or empty Redactor returns its input
// untouched and does not validate it.
//
// Redaction is idempotent: redacting output again changes nothing, because
// findings overlapping an existing marker are dropped and each string is
// redacted again (at most a few times) until it stops changing, which
// catches a match that a neighbouring finding hid on the first pass.
// Overlapping findings become one marker named after the one that starts
// first. Every scanner runs in time linear in its input, which matters
// because tool output is not trusted.
package redact
