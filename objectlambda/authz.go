package objectlambda

import (
	"context"
	"errors"
)

// AllowPrincipals returns an Authorizer that allows only callers whose ARN,
// or whose session issuer's ARN (the role behind an assumed-role session),
// matches one of patterns, as IAM matches ARNs: '*' matches any run of
// characters (also '/'), '?' any one character. Everyone else gets
// 403 AccessDenied.
//
//	objectlambda.WithAuthorizer(objectlambda.AllowPrincipals(
//		"arn:aws:iam::111122223333:role/analyst",          // sessions of this role
//		"arn:aws:sts::111122223333:assumed-role/auditor/*", // any session of auditor
//	))
func AllowPrincipals(patterns ...string) Authorizer {
	ps := append([]string(nil), patterns...)
	return func(_ context.Context, r *Request) error {
		if CallerMatches(r, ps...) {
			return nil
		}
		return errNotAllowed
	}
}

var errNotAllowed = errors.New("objectlambda: the caller is not an allowed principal")

// CallerMatches reports whether the caller's ARN or session issuer ARN
// matches one of patterns (see AllowPrincipals). Empty ARNs never match.
func CallerMatches(r *Request, patterns ...string) bool {
	for _, arn := range []string{r.Caller.ARN, r.Caller.SessionIssuerARN} {
		if arn == "" {
			continue
		}
		for _, p := range patterns {
			if wildcardMatch(p, arn) {
				return true
			}
		}
	}
	return false
}

// wildcardMatch matches s against pattern with '*' (any run) and '?' (one
// byte), in linear time with backtracking to the last '*' only.
func wildcardMatch(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}
