package objectlambdatest

import (
	"maps"
	"sync"

	"github.com/aws/aws-lambda-go/events"
	gwconfig "github.com/objectlambda/sdk-go/gateway/config"
)

// Caller is an identity that calls the access point. Its keys sign the
// client's requests, and its fields become the event's userIdentity.
// Empty fields get defaults from ClientAs.
type Caller struct {
	Type              string // CloudTrail identity type; default "IAMUser"
	AccountID         string // default: the access point's account
	UserName          string // default "tester"
	ARN               string // default arn:aws:iam::<account>:user/<UserName>
	PrincipalID       string // default: generated
	AccessKeyID       string // default: generated
	SecretAccessKey   string // default: generated
	SessionIssuer     *events.S3ObjectLambdaSessionIssuer
	SessionAttributes map[string]string
}

// SessionIssuer describes the role behind an assumed-role Caller.
type SessionIssuer = events.S3ObjectLambdaSessionIssuer

// registry holds the callers registered so far: the gateway's callers,
// growing as the test asks for new identities (ClientAs).
type registry struct {
	mu      sync.Mutex
	callers map[string]*Caller
}

func (r *registry) add(c *Caller) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.callers[c.AccessKeyID] = c
}

// Lookup implements gateway.Callers.
func (r *registry) Lookup(accessKeyID string) (*gwconfig.Caller, bool) {
	r.mu.Lock()
	c, ok := r.callers[accessKeyID]
	r.mu.Unlock()
	if !ok {
		return nil, false
	}
	return c.config(), true
}

// Len implements gateway.Callers.
func (r *registry) Len() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.callers)
}

// secrets are the secret keys of every caller registered (for leak checks).
func (r *registry) secrets() map[string]string {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]string{}
	for ak, c := range r.callers {
		out[ak] = c.SecretAccessKey
	}
	return out
}

// config is c as the gateway's callers file would say it.
func (c *Caller) config() *gwconfig.Caller {
	cc := &gwconfig.Caller{
		AccessKeyID: c.AccessKeyID, SecretAccessKey: gwconfig.NewSecret(c.SecretAccessKey), ARN: c.ARN, Type: c.Type,
		AccountID: c.AccountID, PrincipalID: c.PrincipalID, UserName: c.UserName, SessionAttributes: maps.Clone(c.SessionAttributes),
	}
	if si := c.SessionIssuer; si != nil {
		cc.SessionIssuer = &gwconfig.SessionIssuer{Type: si.Type, PrincipalID: si.PrincipalID, ARN: si.ARN, AccountID: si.AccountID, UserName: si.UserName}
	}
	return cc
}
