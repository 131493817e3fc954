package transformtest

import "github.com/objectlambda/sdk-go/transform"

// ExemptCase is one row of the exempt-principals table every transform
// with a Config.ExemptPrincipals runs: the patterns, the caller, and
// whether the caller is exempt.
type ExemptCase struct {
	Name     string
	Patterns []string
	Caller   transform.Caller
	Exempt   bool
}

// ExemptCases are the cases of Config.ExemptPrincipals: callers matched as
// transform.Caller.Matches matches them (IAM's ARN rules, the principal or
// its session issuer), as csvfilter's Access and objectlambda's
// AllowPrincipals do.
func ExemptCases() []ExemptCase {
	const role = "arn:aws:iam::111122223333:role/Auditor"
	const session = "arn:aws:sts::111122223333:assumed-role/Auditor/jane"
	return []ExemptCase{
		{"issuer, exact", []string{role}, transform.Caller{ARN: session, SessionIssuerARN: role}, true},
		{"principal, exact", []string{session}, transform.Caller{ARN: session}, true},
		{"trailing star", []string{"arn:aws:sts::111122223333:assumed-role/Auditor/*"}, transform.Caller{ARN: session}, true},
		{"star inside", []string{"arn:aws:iam::*:role/Auditor"}, transform.Caller{ARN: session, SessionIssuerARN: role}, true},
		{"question mark", []string{"arn:aws:iam::111122223333:role/Audito?"}, transform.Caller{SessionIssuerARN: role}, true},
		{"other role", []string{"arn:aws:iam::111122223333:role/Admin"}, transform.Caller{ARN: session, SessionIssuerARN: role}, false},
		{"prefix without star", []string{"arn:aws:iam::111122223333:role/Aud"}, transform.Caller{SessionIssuerARN: role}, false},
		{"anonymous", []string{"*"}, transform.Caller{}, false},
	}
}
