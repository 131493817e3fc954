package config

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
	"github.com/objectlambda/sdk-go/internal/arnmatch"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform"
)

// Callers are the identities that may sign requests to the gateway, by
// access key id. They come from the callers file, which holds their secret
// keys and therefore lives where secrets live (a Kubernetes Secret):
//
//	Callers:
//	  - AccessKeyId: AKIAEXAMPLEANALYST01
//	    SecretAccessKey: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
//	    Arn: arn:aws:sts::111122223333:assumed-role/analyst/ana
//	    SessionTags: {team: finance}
//
// Which of them may use which access point is the access point's
// AllowedPrincipals.
type Callers struct {
	byKey map[string]*Caller
}

// Caller is one identity of the callers file. Type, AccountId,
// PrincipalId, UserName and, for an assumed role, SessionIssuer are
// derived from Arn when left out.
type Caller struct {
	AccessKeyID     string `yaml:"AccessKeyId"`
	SecretAccessKey Secret `yaml:"SecretAccessKey"`
	// Arn is the principal: arn:aws:iam::ACCOUNT:user/NAME,
	// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION,
	// arn:aws:iam::ACCOUNT:root or arn:aws:sts::ACCOUNT:federated-user/NAME.
	ARN           string         `yaml:"Arn"`
	Type          string         `yaml:"Type"`
	AccountID     string         `yaml:"AccountId"`
	PrincipalID   string         `yaml:"PrincipalId"`
	UserName      string         `yaml:"UserName"`
	SessionIssuer *SessionIssuer `yaml:"SessionIssuer"`
	// SessionAttributes become userIdentity.sessionContext.attributes
	// (mfaAuthenticated, creationDate).
	SessionAttributes map[string]string `yaml:"SessionAttributes"`
	// SessionTags are the session's tags (aws:PrincipalTag). The event of
	// Object Lambda has no place for them; they are kept for the gateway's
	// own authorization.
	SessionTags map[string]string `yaml:"SessionTags"`
}

// SessionIssuer is the role (or user) behind temporary credentials.
type SessionIssuer struct {
	Type        string `yaml:"Type"`
	PrincipalID string `yaml:"PrincipalId"`
	ARN         string `yaml:"Arn"`
	AccountID   string `yaml:"AccountId"`
	UserName    string `yaml:"UserName"`
}

type callersFile struct {
	Callers []*Caller `yaml:"Callers"`
}

var (
	accessKeyRE = regexp.MustCompile(`^[A-Z0-9]{16,128}$`)
)

// ParseCallers decodes and checks a callers file. name labels the errors.
// Errors are *Error and never quote the document (it is all secrets).
func ParseCallers(name string, data []byte) (*Callers, error) {
	root, err := parseNode(name, data)
	if err != nil {
		return nil, err
	}
	var f callersFile
	if err := decodeStrict(name, data, &f); err != nil {
		return nil, err
	}
	v := &checker{}
	cs := &Callers{byKey: make(map[string]*Caller, len(f.Callers))}
	if len(f.Callers) == 0 {
		v.add("Callers", "no callers: nobody could use the gateway")
	}
	for i, c := range f.Callers {
		p := at("Callers", i)
		if c == nil {
			v.add(p, "empty entry")
			continue
		}
		c.derive()
		c.check(v, p)
		if _, dup := cs.byKey[c.AccessKeyID]; dup {
			v.add(p+".AccessKeyId", "the same access key id is listed twice")
		}
		cs.byKey[c.AccessKeyID] = c
	}
	if len(v.problems) > 0 {
		e := &Error{File: name, Problems: v.problems}
		for i := range e.Problems {
			e.Problems[i].Line = lineOf(root, e.Problems[i].Path)
		}
		return nil, e
	}
	return cs, nil
}

// LoadCallers reads the callers file the configuration points at.
func (c *Config) LoadCallers(src Source) (*Callers, error) {
	data, err := c.Callers.ReadBytes(src)
	if err != nil {
		return nil, &Error{Problems: []Problem{{Line: c.Callers.Line, Path: "Callers", Msg: err.Error()}}}
	}
	name := c.Callers.File
	if name == "" {
		name = "$" + c.Callers.Env
	}
	return ParseCallers(name, data)
}

// Lookup returns the caller whose access key id is accessKeyID.
func (cs *Callers) Lookup(accessKeyID string) (*Caller, bool) {
	c, ok := cs.byKey[accessKeyID]
	return c, ok
}

// SecretOf returns the secret key of accessKeyID, in the shape a SigV4
// verifier asks for it.
func (cs *Callers) SecretOf(accessKeyID string) (string, bool) {
	c, ok := cs.byKey[accessKeyID]
	if !ok {
		return "", false
	}
	return c.SecretAccessKey.Reveal(), true
}

// Len is the number of callers.
func (cs *Callers) Len() int {
	if cs == nil {
		return 0
	}
	return len(cs.byKey)
}

// derive fills in what the ARN tells.
func (c *Caller) derive() {
	a, ok := parseARN(c.ARN)
	if !ok {
		return
	}
	if c.AccountID == "" {
		c.AccountID = a.account
	}
	kind, rest, _ := strings.Cut(a.resource, "/")
	switch {
	case a.service == "iam" && kind == "user":
		setDefault(&c.Type, "IAMUser")
		setDefault(&c.UserName, lastSegment(rest))
		setDefault(&c.PrincipalID, "AIDA"+stableID(c.ARN))
	case a.service == "iam" && a.resource == "root":
		setDefault(&c.Type, "Root")
		setDefault(&c.PrincipalID, c.AccountID)
	case a.service == "sts" && kind == "assumed-role":
		role, session, _ := strings.Cut(rest, "/")
		setDefault(&c.Type, "AssumedRole")
		roleARN := "arn:" + a.partition + ":iam::" + a.account + ":role/" + role
		roleID := "AROA" + stableID(roleARN)
		setDefault(&c.PrincipalID, roleID+":"+session)
		if c.SessionIssuer == nil {
			c.SessionIssuer = &SessionIssuer{Type: "Role", PrincipalID: roleID, ARN: roleARN, AccountID: a.account, UserName: role}
		}
	case a.service == "sts" && kind == "federated-user":
		setDefault(&c.Type, "FederatedUser")
		setDefault(&c.PrincipalID, c.AccountID+":"+rest)
	}
}

func lastSegment(s string) string { return s[strings.LastIndexByte(s, '/')+1:] }

// stableID makes a principal id that is the same on every replica.
func stableID(s string) string {
	sum := sha256.Sum256([]byte(s))
	return strings.ToUpper(hex.EncodeToString(sum[:9]))
}

var callerTypes = []string{"IAMUser", "AssumedRole", "Root", "FederatedUser", "AWSAccount", "AWSService"}

func (c *Caller) check(v *checker, p string) {
	if !accessKeyRE.MatchString(c.AccessKeyID) {
		v.add(p+".AccessKeyId", "must be 16-128 upper-case letters or digits")
	}
	if len(c.SecretAccessKey.Reveal()) < 16 {
		v.add(p+".SecretAccessKey", "required, at least 16 characters")
	}
	a, ok := parseARN(c.ARN)
	switch {
	case !ok:
		v.add(p+".Arn", "required: the caller's principal ARN")
	case a.service != "iam" && a.service != "sts":
		v.add(p+".Arn", "must be an IAM or STS principal ARN")
	}
	if !accountRE.MatchString(c.AccountID) {
		v.add(p+".AccountId", "must be 12 digits (derived from Arn when left out)")
	}
	if !slices.Contains(callerTypes, c.Type) {
		v.add(p+".Type", "must be one of %s (derived from Arn when left out)", strings.Join(callerTypes, ", "))
	}
	if si := c.SessionIssuer; si != nil {
		if _, ok := parseARN(si.ARN); !ok {
			v.add(p+".SessionIssuer.Arn", "required: the role's ARN")
		}
	}
	for k, val := range c.SessionTags {
		if !tagText(k, 1, 128) || strings.HasPrefix(strings.ToLower(k), "aws:") || !tagText(val, 0, 256) {
			v.add(p+".SessionTags", "tag keys are 1-128 and values 0-256 letters, digits, spaces or _.:/=+-@; keys must not start with aws:")
			break
		}
	}
}

// tagText reports whether s is IAM tag text of min to max characters:
// letters, spaces, digits and _.:/=+-@. (A regular expression with these
// classes and counts compiles into megabytes; this does not.)
func tagText(s string, min, max int) bool {
	n := 0
	for _, r := range s {
		n++
		if !unicode.IsLetter(r) && !unicode.Is(unicode.Z, r) && !unicode.IsNumber(r) && !strings.ContainsRune("_.:/=+-@", r) {
			return false
		}
	}
	return utf8.ValidString(s) && n >= min && n <= max
}

// Identity is the caller as the event's userIdentity shows it.
func (c *Caller) Identity() objectlambda.UserIdentity {
	id := objectlambda.UserIdentity{
		Type: c.Type, PrincipalID: c.PrincipalID, ARN: c.ARN, AccountID: c.AccountID,
		AccessKeyID: c.AccessKeyID, UserName: c.UserName,
	}
	if c.SessionIssuer == nil && len(c.SessionAttributes) == 0 {
		return id
	}
	id.SessionContext = &objectlambda.SessionContext{Attributes: maps.Clone(c.SessionAttributes)}
	if si := c.SessionIssuer; si != nil {
		id.SessionContext.SessionIssuer = &objectlambda.SessionIssuer{
			Type: si.Type, PrincipalID: si.PrincipalID, ARN: si.ARN, AccountID: si.AccountID, UserName: si.UserName,
		}
	}
	return id
}

// Allows reports whether the access point's AllowedPrincipals admit the
// caller, by its ARN or its session issuer's, with [transform.Caller.Matches]
// (the matcher objectlambda.AllowPrincipals uses). A nil caller is refused.
func (ap *AccessPoint) Allows(c *Caller) bool {
	if c == nil {
		return false
	}
	tc := transform.Caller{ARN: c.ARN}
	if c.SessionIssuer != nil {
		tc.SessionIssuerARN = c.SessionIssuer.ARN
	}
	return tc.Matches(ap.AllowedPrincipals...)
}

// AllowsAction reports whether the access point's AllowedActions admit the
// S3 operation op: a pattern matches the operation's name or the IAM
// action S3 asks for it (so PutObject admits the multipart upload
// operations, as in an IAM policy).
func (ap *AccessPoint) AllowsAction(op string) bool {
	for _, pat := range ap.AllowedActions {
		if actionMatches(pat, op) {
			return true
		}
	}
	return false
}

// actionMatches reports whether an AllowedActions pattern admits op.
func actionMatches(pattern, op string) bool {
	p := strings.TrimPrefix(pattern, actionPrefix)
	return arnmatch.Match(p, op) || arnmatch.Match(p, s3op.IAMAction(op))
}

// actionPrefix is the IAM service prefix AllowedActions may carry.
const actionPrefix = "s3-object-lambda:"

// String describes the callers without their secrets.
func (cs *Callers) String() string { return fmt.Sprintf("%d callers", cs.Len()) }
