//go:build unix

package gateway

import (
	"context"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/gateway/internal/rietest"
	"github.com/objectlambda/sdk-go/internal/bootstrap"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLambdaFunctionFromConfig: a Functions entry with Lambda, built by
// New, invokes a real bootstrap under the RIE.
func TestLambdaFunctionFromConfig(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a bootstrap and runs the RIE")
	}
	rie := rietest.Start(t, bootstrap.Build(t, "./function/testdata/fn"))
	doc := strings.Replace(testConfig, "http://127.0.0.1:9", rie.Endpoint, 1)
	doc = strings.Replace(doc, "FunctionName: function", "FunctionName: function\n      MaxConcurrency: 1", 1)
	cfg, err := config.Parse("gateway.yaml", []byte(doc))
	require.NoError(t, err)
	g, err := New(context.Background(), cfg, WithSource(testSource(testEnv)), WithFunction("echo", echoFactory), WithHandler("redact"))
	require.NoError(t, err)
	remote, ok := g.Runner("remote")
	require.True(t, ok)
	out, err := remote.Invoke(context.Background(), []byte(`{"reply": {"statusCode": 200}}`))
	require.NoError(t, err)
	assert.JSONEq(t, `{"statusCode": 200}`, string(out))
	_, err = remote.Invoke(context.Background(), []byte(`{"fail": "no"}`))
	assert.Equal(t, "LambdaRuntimeError", function.S3Error(err).Code)
}
