package gateway_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"

	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform/redact"
)

func ExampleNew() {
	cfg, err := config.Parse("gateway.yaml", []byte(`
Listener: {Address: "127.0.0.1:8080"}
Stores: [{Name: local, Endpoint: "http://127.0.0.1:7070", UsePathStyle: true}]
Functions: [{Name: redact, InProcess: redact}]
Callers: {Env: EXAMPLE_CALLERS}
AccessPoints:
  - Name: redacted
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: documents}
      TransformationConfigurations:
        - Actions: [GetObject]
          ContentTransformation: {AwsLambda: {FunctionArn: redact}}
    AllowedPrincipals: ["arn:aws:iam::111122223333:user/*"]
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	callers, err := config.ParseCallers("callers.yaml", []byte(`
Callers:
  - {AccessKeyId: AKIAEXAMPLE000000001, SecretAccessKey: example-secret-key-01, Arn: "arn:aws:iam::111122223333:user/ana"}
`))
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := gateway.New(context.Background(), cfg,
		gateway.WithCallers(callers),
		gateway.WithHandler("redact", objectlambda.WithTransform(redact.MustNew(redact.Emails()))),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer g.Close()

	api := httptest.NewServer(g.Handler())
	defer api.Close()
	resp, err := http.Get(api.URL + "/redacted/notes.txt")
	if err != nil {
		fmt.Println(err)
		return
	}
	resp.Body.Close()
	fmt.Println(resp.StatusCode, "until the access point core lands")
	// Output: 501 until the access point core lands
}
