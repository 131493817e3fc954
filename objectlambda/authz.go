package objectlambda

import (
	"context"
	"errors"
)

// AllowPrincipals returns an [Authorizer] that allows only callers whose ARN,
// or whose session issuer's ARN (the role behind an assumed-role session),
// matches one of patterns, as IAM matches ARNs ([transform.Caller.Matches]):
// '*' matches any run of characters (also '/'), '?' any one character.
// Everyone else gets 403 AccessDenied. An authorizer of one's own calls
// r.Caller.Matches for the same rule.
//
//	objectlambda.WithAuthorizer(objectlambda.AllowPrincipals(
//		"arn:aws:iam::111122223333:role/analyst",          // sessions of this role
//		"arn:aws:sts::111122223333:assumed-role/auditor/*", // any session of auditor
//	))
func AllowPrincipals(patterns ...string) Authorizer {
	ps := append([]string(nil), patterns...)
	return func(_ context.Context, r *Request) error {
		if r.Caller.Matches(ps...) {
			return nil
		}
		return errNotAllowed
	}
}

var errNotAllowed = errors.New("objectlambda: the caller is not an allowed principal")
