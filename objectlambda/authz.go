package objectlambda

import (
	"context"
	"errors"

	"github.com/objectlambda/sdk-go/internal/arnmatch"
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
	return arnmatch.Any(patterns, r.Caller.ARN, r.Caller.SessionIssuerARN)
}
