package config

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const callersDoc = `Callers:
  - AccessKeyId: AKIAANALYST000000001
    SecretAccessKey: analyst-secret-key-0001
    Arn: arn:aws:sts::111122223333:assumed-role/analyst/ana
    SessionAttributes: {mfaAuthenticated: "true"}
    SessionTags: {team: finance, cost-center: "42"}
  - AccessKeyId: AKIAOPS0000000000001
    SecretAccessKey: ops-secret-key-000001
    Arn: arn:aws:iam::111122223333:user/teams/ops-bob
  - AccessKeyId: AKIAROOT000000000001
    SecretAccessKey: root-secret-key-00001
    Arn: arn:aws:iam::444455556666:root
  - AccessKeyId: AKIAFED0000000000001
    SecretAccessKey: fed-secret-key-000001
    Arn: arn:aws:sts::111122223333:federated-user/carol
    PrincipalId: "111122223333:carol-custom"
`

func TestParseCallers(t *testing.T) {
	cs, err := ParseCallers("callers.yaml", []byte(callersDoc))
	require.NoError(t, err)
	assert.Equal(t, 4, cs.Len())
	assert.Equal(t, "4 callers", cs.String())

	ana, ok := cs.Lookup("AKIAANALYST000000001")
	require.True(t, ok)
	assert.Equal(t, "AssumedRole", ana.Type)
	assert.Equal(t, "111122223333", ana.AccountID)
	require.NotNil(t, ana.SessionIssuer)
	assert.Equal(t, "arn:aws:iam::111122223333:role/analyst", ana.SessionIssuer.ARN, "derived from the session ARN")
	assert.Equal(t, "analyst", ana.SessionIssuer.UserName)
	assert.Regexp(t, `^AROA[0-9A-F]{18}:ana$`, ana.PrincipalID)
	assert.Equal(t, map[string]string{"team": "finance", "cost-center": "42"}, ana.SessionTags)

	id := ana.Identity()
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/analyst/ana", id.ARN)
	assert.Equal(t, "AKIAANALYST000000001", id.AccessKeyID)
	require.NotNil(t, id.SessionContext)
	assert.Equal(t, "true", id.SessionContext.Attributes["mfaAuthenticated"])
	assert.Equal(t, ana.SessionIssuer.PrincipalID, id.SessionContext.SessionIssuer.PrincipalID)

	bob, _ := cs.Lookup("AKIAOPS0000000000001")
	assert.Equal(t, "IAMUser", bob.Type)
	assert.Equal(t, "ops-bob", bob.UserName)
	assert.Regexp(t, `^AIDA[0-9A-F]{18}$`, bob.PrincipalID)
	assert.Nil(t, bob.Identity().SessionContext)
	again, err := ParseCallers("callers.yaml", []byte(callersDoc))
	require.NoError(t, err)
	bob2, _ := again.Lookup("AKIAOPS0000000000001")
	assert.Equal(t, bob.PrincipalID, bob2.PrincipalID, "the same on every replica")

	root, _ := cs.Lookup("AKIAROOT000000000001")
	assert.Equal(t, "Root", root.Type)
	assert.Equal(t, "444455556666", root.AccountID)
	fed, _ := cs.Lookup("AKIAFED0000000000001")
	assert.Equal(t, "FederatedUser", fed.Type)
	assert.Equal(t, "111122223333:carol-custom", fed.PrincipalID, "given values win")

	secret, ok := cs.SecretOf("AKIAOPS0000000000001")
	assert.True(t, ok)
	assert.Equal(t, "ops-secret-key-000001", secret)
	_, ok = cs.SecretOf("AKIAUNKNOWN000000000")
	assert.False(t, ok)
	_, ok = cs.Lookup("AKIAUNKNOWN000000000")
	assert.False(t, ok)
}

func TestParseCallersErrors(t *testing.T) {
	tests := []struct {
		name, old, new string
		at, path, msg  string
	}{
		{name: "unknown field", old: "    SessionTags: {team", new: "    Tags: {}\n    SessionTags: {team", at: "    Tags", msg: "field Tags not found"},
		{name: "duplicate key id", old: "AKIAOPS0000000000001", new: "AKIAANALYST000000001", at: "  - AccessKeyId: AKIAANALYST000000001\n    SecretAccessKey: ops", path: "Callers[1].AccessKeyId", msg: "listed twice"},
		{name: "lower-case key id", old: "AKIAOPS0000000000001", new: "akiaops0000000000001", at: "akiaops", path: "Callers[1].AccessKeyId", msg: "upper-case"},
		{name: "short secret", old: "ops-secret-key-000001", new: "short", at: "SecretAccessKey: short", path: "Callers[1].SecretAccessKey", msg: "at least 16"},
		{name: "no arn", old: "    Arn: arn:aws:iam::111122223333:user/teams/ops-bob\n", new: "", at: "  - AccessKeyId: AKIAOPS", path: "Callers[1].Arn", msg: "required"},
		{name: "s3 arn", old: "arn:aws:iam::111122223333:user/teams/ops-bob", new: "arn:aws:s3:::bucket", at: "Arn: arn:aws:s3", path: "Callers[1].Arn", msg: "IAM or STS"},
		{name: "unknown type", old: "    Arn: arn:aws:iam::111122223333:user/teams/ops-bob", new: "    Arn: arn:aws:iam::111122223333:user/teams/ops-bob\n    Type: Robot", at: "    Type: Robot", path: "Callers[1].Type", msg: "must be one of"},
		{name: "aws: tag", old: "team: finance", new: "aws:team: finance", at: "    SessionTags", path: "Callers[0].SessionTags", msg: "must not start with aws:"},
		{name: "secret not a string", old: "SecretAccessKey: ops-secret-key-000001", new: "SecretAccessKey: [ops-secret-key-000001]", at: "SecretAccessKey: [ops", msg: "expected a string"},
		{name: "empty entry", old: "  - AccessKeyId: AKIAOPS", new: "  -\n  - AccessKeyId: AKIAOPS", at: "  -\n", path: "Callers[1]", msg: "empty entry"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := strings.Replace(callersDoc, tt.old, tt.new, 1)
			require.NotEqual(t, callersDoc, doc)
			_, err := ParseCallers("callers.yaml", []byte(doc))
			require.Error(t, err)
			var ce *Error
			require.ErrorAs(t, err, &ce)
			p := findProblem(ce.Problems, tt.msg)
			require.NotNil(t, p, "no problem says %q in:\n%v", tt.msg, err)
			assert.Equal(t, lineAt(t, doc, tt.at), p.Line, "%v", p)
			if tt.path != "" {
				assert.Equal(t, tt.path, p.Path)
			}
			for _, s := range []string{"analyst-secret", "ops-secret", "root-secret", "fed-secret"} {
				assert.NotContains(t, err.Error(), s, "the callers file is all secrets: no error quotes it")
			}
		})
	}
	_, err := ParseCallers("c.yaml", []byte("Callers: []\n"))
	assert.ErrorContains(t, err, "no callers")
}

func TestLoadCallers(t *testing.T) {
	c := &Config{Callers: SecretRef{Env: "GATEWAY_CALLERS", Line: 9}}
	src := Source{LookupEnv: func(k string) (string, bool) {
		if k == "GATEWAY_CALLERS" {
			return callersDoc, true
		}
		return "", false
	}}
	cs, err := c.LoadCallers(src)
	require.NoError(t, err)
	assert.Equal(t, 4, cs.Len())

	c.Callers.Env = "OTHER"
	_, err = c.LoadCallers(src)
	assert.EqualError(t, err, "line 9: Callers: environment variable OTHER is not set")

	c.Callers.Env = "GATEWAY_CALLERS"
	src.LookupEnv = func(string) (string, bool) { return "Callers: [{AccessKeyId: X}]", true }
	_, err = c.LoadCallers(src)
	assert.ErrorContains(t, err, "$GATEWAY_CALLERS: line 1: Callers[0].AccessKeyId")
}

// TestAllows: deny by default, IAM globs on the caller's ARN and its
// session issuer's, through transform.Caller.Matches.
func TestAllows(t *testing.T) {
	cs, err := ParseCallers("callers.yaml", []byte(callersDoc))
	require.NoError(t, err)
	ana, _ := cs.Lookup("AKIAANALYST000000001")
	bob, _ := cs.Lookup("AKIAOPS0000000000001")
	root, _ := cs.Lookup("AKIAROOT000000000001")

	tests := []struct {
		name     string
		patterns []string
		caller   *Caller
		want     bool
	}{
		{name: "the role behind a session", patterns: []string{"arn:aws:iam::111122223333:role/analyst"}, caller: ana, want: true},
		{name: "any session of the role", patterns: []string{"arn:aws:sts::111122223333:assumed-role/analyst/*"}, caller: ana, want: true},
		{name: "another role", patterns: []string{"arn:aws:iam::111122223333:role/analyst2"}, caller: ana, want: false},
		{name: "user glob across a path", patterns: []string{"arn:aws:iam::111122223333:user/*ops-*"}, caller: bob, want: true},
		{name: "single-character wildcard", patterns: []string{"arn:aws:iam::11112222333?:user/teams/ops-bob"}, caller: bob, want: true},
		{name: "another account", patterns: []string{"arn:aws:iam::111122223333:*"}, caller: root, want: false},
		{name: "every caller", patterns: []string{"*"}, caller: root, want: true},
		{name: "no patterns: nobody", patterns: nil, caller: bob, want: false},
		{name: "no caller", patterns: []string{"*"}, caller: nil, want: false},
		{name: "case matters", patterns: []string{"arn:aws:iam::111122223333:user/teams/OPS-BOB"}, caller: bob, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := &AccessPoint{AllowedPrincipals: tt.patterns}
			assert.Equal(t, tt.want, ap.Allows(tt.caller))
		})
	}
}
