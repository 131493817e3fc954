package builtin

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestFunctions(t *testing.T) {
	var fns, aps strings.Builder
	for _, n := range Names() {
		fmt.Fprintf(&fns, "  - {Name: %s, InProcess: %s}\n", n, n)
		fmt.Fprintf(&aps, `  - Name: ap-%s
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: s, Bucket: b-%s}
      TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: %s}}}]
    AllowedPrincipals: ["*"]
`, n, n, n)
	}
	doc := "Listener: {Address: \"127.0.0.1:0\"}\nStores: [{Name: s, Endpoint: \"http://127.0.0.1:7070\", UsePathStyle: true}]\n" +
		"Callers: {Env: C}\nFunctions:\n" + fns.String() + "AccessPoints:\n" + aps.String()
	cfg, err := config.Parse("gateway.yaml", []byte(doc))
	require.NoError(t, err)
	callers, err := config.ParseCallers("c", []byte("Callers: [{AccessKeyId: AKIA0000000000000001, SecretAccessKey: secret-secret-secret, Arn: 'arn:aws:iam::111122223333:user/u'}]"))
	require.NoError(t, err)
	g, err := gateway.New(context.Background(), cfg, append(Functions(), gateway.WithCallers(callers),
		gateway.WithListenAddress(&net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 8080}))...)
	require.NoError(t, err)
	defer g.Close()
	for _, n := range Names() {
		r, ok := g.Runner(n)
		require.True(t, ok, n)
		// Each is an objectlambda.Handler: what is not an event is refused.
		_, err := r.Invoke(context.Background(), []byte(`{}`))
		assert.Error(t, err, n)
	}
	assert.Len(t, Functions(), len(Names()))

	_, err = gateway.New(context.Background(), cfg, append(Functions(), gateway.WithCallers(callers))...)
	assert.ErrorContains(t, err, "with port 0 the gateway's addresses are known only once it listens")
}
