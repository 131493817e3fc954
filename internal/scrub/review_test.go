package scrub

// Adversarial review (issue 13): forms of secrets the scrubber misses.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestReviewHeaderListValues: a named secret whose value is a list, as Go
// prints an http.Header (%v) and as encoding/json (or slog's JSON handler)
// writes one, keeps its value. matchSecret takes the value to start at the
// "[", and valueEnd stops at the first quote (JSON) or space (a second
// value), so only "[" (JSON) or the first value (%v) is replaced. The
// caller's session token travels in userRequest.headers, which transforms
// and authorizers see as Request.Header: an error that prints those headers
// puts the token in the log.
func TestReviewHeaderListValues(t *testing.T) {
	const token = "caller-session-token-never-logged"
	hdr := http.Header{"X-Amz-Security-Token": {token}, "Content-Type": {"text/plain"}}
	twoValues := http.Header{"X-Amz-Request-Token": {"first-value", token}}
	asJSON, err := json.Marshal(hdr)
	require.NoError(t, err)
	tests := []struct {
		name, in string
	}{
		{name: "JSON of an http.Header", in: "authorizer refused headers " + string(asJSON)},
		{name: "escaped JSON of an http.Header", in: fmt.Sprintf("log line %q", asJSON)},
		{name: "%v of an http.Header with two values", in: fmt.Sprintf("headers %v", twoValues)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			assert.NotContains(t, got, token)
			assert.Equal(t, got, String(got), "idempotent")
		})
	}
}

// TestReviewFunctionCredentials: the function's own credentials are not
// among the names the scrubber knows. aws.Credentials printed with %+v (the
// usual way a credentials struct ends up in an error) and the environment
// variables Lambda sets keep the secret access key and the session token.
// SECURITY.md counts "AWS credentials" among the leaks.
func TestReviewFunctionCredentials(t *testing.T) {
	const secret, session = "wJalrXUtnFEMIK7MDENGbPxRfiCYEXAMPLEKEY", "IQoJb3JpZ2luX2VjEXAMPLESESSION"
	creds := aws.Credentials{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: secret, SessionToken: session, Source: "EnvConfigCredentials"}
	tests := []struct {
		name, in string
	}{
		{name: "aws.Credentials with %+v", in: fmt.Sprintf("signing with %+v failed", creds)},
		{name: "Lambda environment variables", in: "env: AWS_SECRET_ACCESS_KEY=" + secret + " AWS_SESSION_TOKEN=" + session},
		{name: "shared config file form", in: "aws_secret_access_key = " + secret + "\naws_session_token = " + session},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := String(tt.in)
			assert.NotContains(t, got, secret)
			assert.NotContains(t, got, session)
		})
	}
}
