package objectlambda

import (
	"context"
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func envOf(kv map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) {
		v, ok := kv[k]
		return v, ok
	}
}

func TestLambdaConfig(t *testing.T) {
	lambdaEnv := map[string]string{
		"AWS_REGION": "eu-west-1", "AWS_ACCESS_KEY_ID": "ASIAROLE", "AWS_SECRET_ACCESS_KEY": "role-secret", "AWS_SESSION_TOKEN": "role-token",
	}
	t.Run("what Lambda sets", func(t *testing.T) {
		cfg, err := lambdaConfig(envOf(lambdaEnv))
		require.NoError(t, err)
		assert.Equal(t, "eu-west-1", cfg.Region)
		creds, err := cfg.Credentials.Retrieve(context.Background())
		require.NoError(t, err)
		assert.Equal(t, aws.Credentials{AccessKeyID: "ASIAROLE", SecretAccessKey: "role-secret", SessionToken: "role-token", Source: "StaticCredentials"}, creds)
		assert.Nil(t, cfg.BaseEndpoint)
	})
	t.Run("endpoints, S3's first", func(t *testing.T) {
		env := map[string]string{"AWS_ENDPOINT_URL": "http://general:1", "AWS_ENDPOINT_URL_S3": "http://s3:2"}
		for k, v := range lambdaEnv {
			env[k] = v
		}
		cfg, err := lambdaConfig(envOf(env))
		require.NoError(t, err)
		assert.Equal(t, "http://s3:2", aws.ToString(cfg.BaseEndpoint))
		delete(env, "AWS_ENDPOINT_URL_S3")
		cfg, err = lambdaConfig(envOf(env))
		require.NoError(t, err)
		assert.Equal(t, "http://general:1", aws.ToString(cfg.BaseEndpoint))
	})
	t.Run("AWS_DEFAULT_REGION", func(t *testing.T) {
		cfg, err := lambdaConfig(envOf(map[string]string{"AWS_DEFAULT_REGION": "us-west-2", "AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"}))
		require.NoError(t, err)
		assert.Equal(t, "us-west-2", cfg.Region)
	})
	for name, env := range map[string]map[string]string{
		"no region":      {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"},
		"no credentials": {"AWS_REGION": "us-east-1"},
		"half a key":     {"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "a"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := lambdaConfig(envOf(env))
			require.Error(t, err)
			assert.Contains(t, err.Error(), "WithAWSConfig", "the error says what to do")
			_, err = New(withLookupEnv(envOf(env)))
			require.Error(t, err, "New fails at init, where Lambda shows it")
		})
	}
	t.Run("CA bundle", func(t *testing.T) {
		env := map[string]string{"AWS_CA_BUNDLE": filepath.Join(t.TempDir(), "missing.pem")}
		for k, v := range lambdaEnv {
			env[k] = v
		}
		_, err := lambdaConfig(envOf(env))
		require.Error(t, err)
		bad := filepath.Join(t.TempDir(), "bad.pem")
		require.NoError(t, os.WriteFile(bad, []byte("not a certificate"), 0o600))
		env["AWS_CA_BUNDLE"] = bad
		_, err = lambdaConfig(envOf(env))
		require.Error(t, err)
	})
	t.Run("FIPS and dual-stack", func(t *testing.T) {
		var o s3.Options
		endpointVariants(envOf(map[string]string{"AWS_USE_FIPS_ENDPOINT": "true", "AWS_USE_DUALSTACK_ENDPOINT": "true"}))(&o)
		assert.Equal(t, aws.FIPSEndpointStateEnabled, o.EndpointOptions.UseFIPSEndpoint)
		assert.Equal(t, aws.DualStackEndpointStateEnabled, o.EndpointOptions.UseDualStackEndpoint)
	})
}

// TestNewFromLambdaEnvironment: a handler built without WithAWSConfig answers
// through the endpoint, credentials and CA bundle of its environment.
func TestNewFromLambdaEnvironment(t *testing.T) {
	hs, _ := newHarness(t)
	hs.put("doc.txt", alphabet, nil)
	bundle := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(bundle, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: hs.wgor.Certificate().Raw}), 0o600))
	env := envOf(map[string]string{
		"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": testAccessKey, "AWS_SECRET_ACCESS_KEY": testSecretKey,
		"AWS_ENDPOINT_URL_S3": hs.wgor.URL, "AWS_CA_BUNDLE": bundle,
	})
	opts := append([]Option(nil), hs.baseOpts[1:]...) // all but WithAWSConfig
	h, err := New(append(opts, withLookupEnv(env))...)
	require.NoError(t, err)
	_, err = invoke(t, h, hs.event("doc.txt"))
	require.NoError(t, err)
	call := hs.onlyCall(t)
	assert.Equal(t, alphabet, string(call.Body))
}
