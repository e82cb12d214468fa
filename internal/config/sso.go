package config

import (
	"fmt"
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// Roles a user created by SSO may get; the policy package has the same
// list (config imports nothing internal).
var ssoRoles = []string{"admin", "editor", "auditor", "member"}

// roleNameRE is the shape of a custom role's name; serve checks at start
// that such a role exists.
var roleNameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,39}$`)

var (
	domainRE = regexp.MustCompile(`^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$`)
	claimRE  = regexp.MustCompile(`^[A-Za-z0-9_:./-]{1,200}$`)
	scopeRE  = regexp.MustCompile(`^[\x21\x23-\x5b\x5d-\x7e]{1,100}$`) // RFC 6749 §3.3 scope-token
)

// validate checks the SSO section; every message names its field.
func (c SSOConfig) validate() []error {
	var errs []error
	check := func(bad bool, path, msg string) {
		if bad {
			errs = append(errs, fmt.Errorf("%s: %s", path, msg))
		}
	}
	if !c.Enabled() {
		const off = "set sso.issuer_url too, or leave it out: SSO is off without an issuer"
		check(c.ClientID != "", "sso.client_id", off)
		check(c.ClientSecret != "", "sso.client_secret", off)
		check(c.JIT, "sso.jit", off)
		check(len(c.AllowedDomains) > 0, "sso.allowed_domains", off)
		check(c.GroupsClaim != "", "sso.groups_claim", off)
		return errs
	}
	check(!validIssuer(c.IssuerURL), "sso.issuer_url",
		"must be an absolute https:// URL without query or fragment (http:// only for a loopback host)")
	check(strings.TrimSpace(c.ClientID) == "", "sso.client_id", "required when sso.issuer_url is set")
	check(!slices.Contains(c.Scopes, "openid"), "sso.scopes", `must include "openid"`)
	for _, s := range c.Scopes {
		check(!scopeRE.MatchString(s), "sso.scopes", fmt.Sprintf("%q is not a valid scope", s))
	}
	check(len(c.AllowedDomains) > 0 && !c.JIT, "sso.allowed_domains",
		"applies only to just-in-time creation; set sso.jit to true or remove it")
	for _, d := range c.AllowedDomains {
		check(!domainRE.MatchString(d), "sso.allowed_domains",
			fmt.Sprintf("%q must be a lower-case domain such as example.com", d))
	}
	check(c.GroupsClaim != "" && !claimRE.MatchString(c.GroupsClaim), "sso.groups_claim",
		"must be a claim name such as groups")
	check(!slices.Contains(ssoRoles, c.DefaultRole) && !roleNameRE.MatchString(c.DefaultRole), "sso.default_role",
		"must be one of "+strings.Join(ssoRoles, ", ")+", or the name of a custom role")
	return errs
}

// validIssuer accepts an https URL, or http for a loopback host (a
// provider on the same machine, as in tests).
func validIssuer(s string) bool {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return false
	}
	if u.Scheme == "https" {
		return true
	}
	host := u.Hostname()
	ip := net.ParseIP(host)
	return u.Scheme == "http" && (host == "localhost" || (ip != nil && ip.IsLoopback()))
}
