//go:build unix

package gateway_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const rieConfig = `Listener: {Address: "127.0.0.1:0"}
Stores:
  - Name: local
    Endpoint: "{{store}}"
    UsePathStyle: true
    Credentials: {AccessKeyId: {Env: STORE_KEY}, SecretAccessKey: {Env: STORE_SECRET}}
Functions:
  - Name: signed
    Lambda:
      FunctionName: function
      Endpoint: "{{signed}}"
      MaxConcurrency: 1
      ResponseCredentials: {AccessKeyId: AKIAFUNCTION00000001, SecretAccessKey: {Env: FUNCTION_SECRET}}
  - Name: role
    Lambda: {FunctionName: function, Endpoint: "{{role}}", MaxConcurrency: 1}
  - Name: imposter
    Lambda:
      FunctionName: function
      Endpoint: "{{imposter}}"
      MaxConcurrency: 1
      ResponseCredentials: {AccessKeyId: AKIAFUNCTION00000001, SecretAccessKey: {Env: FUNCTION_SECRET}}
Callers: {Env: CALLERS}
AccessPoints:
  - {Name: signed, ObjectLambdaConfiguration: {SupportingAccessPoint: {Store: local, Bucket: docs}, TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: signed}}}]}, AllowedPrincipals: ["*"]}
  - {Name: role, ObjectLambdaConfiguration: {SupportingAccessPoint: {Store: local, Bucket: docs}, TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: role}}}]}, AllowedPrincipals: ["*"]}
  - {Name: imposter, ObjectLambdaConfiguration: {SupportingAccessPoint: {Store: local, Bucket: docs}, TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: imposter}}}]}, AllowedPrincipals: ["*"]}
`

// TestInvokedFunctions runs the passthrough example, unchanged, as a
// bootstrap under AWS's Lambda RIE behind the Invoke API, three ways: with
// keys the gateway knows (its WriteGetObjectResponse signature is
// checked), with a role's keys the gateway cannot check (the output token
// alone authorizes it, as for a function on AWS Lambda), and with keys
// other than those configured (refused).
func TestInvokedFunctions(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap and runs the RIE")
	}
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, "docs")
	l := listen(t)
	url := "http://" + l.Addr().String()
	bin := objectlambdatest.BuildBootstrap(t, "../examples/passthrough")
	env := func(key, secret string, more ...string) []string {
		return append([]string{"AWS_ENDPOINT_URL_S3=" + url, "AWS_REGION=us-east-1", "AWS_ACCESS_KEY_ID=" + key, "AWS_SECRET_ACCESS_KEY=" + secret}, more...)
	}
	signed := objectlambdatest.StartRIE(t, bin, env("AKIAFUNCTION00000001", functionSecret)...)
	role := objectlambdatest.StartRIE(t, bin, env("ASIAEXECUTIONROLE001", "a-secret-only-lambda-knows", "AWS_SESSION_TOKEN=session-token-of-the-role")...)
	imposter := objectlambdatest.StartRIE(t, bin, env("AKIAIMPOSTER00000001", functionSecret)...)
	doc := rieConfig
	for name, rie := range map[string]*objectlambdatest.RIE{"{{signed}}": signed, "{{role}}": role, "{{imposter}}": imposter} {
		doc = strings.ReplaceAll(doc, name, rie.Endpoint)
	}
	r := serveOn(t, l, st, doc)
	r.put(t, "notes.txt", []byte("as stored"))

	for _, ap := range []string{"signed", "role"} {
		t.Run(ap, func(t *testing.T) {
			out, err := r.client(ana).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String(ap), Key: aws.String("notes.txt")})
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			assert.Equal(t, "as stored", string(b))
		})
	}
	t.Run("imposter", func(t *testing.T) {
		_, err := r.client(ana).GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("imposter"), Key: aws.String("notes.txt")})
		require.Error(t, err, "a function whose signature is not the configured one never answers")
		assert.Contains(t, r.logs.String(), "WriteGetObjectResponse refused")
		assert.Contains(t, imposter.Output(), "AccessDenied", "the function was told why")
	})
}
