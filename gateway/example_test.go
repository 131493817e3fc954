package gateway_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/transform/redact"
)

func ExampleNew() {
	ctx := context.Background()
	// A store with one object: here in-process; in production versitygw,
	// Ceph, SeaweedFS, Garage or Amazon S3.
	backend := s3mem.New()
	_ = backend.CreateBucket("documents")
	storeSrv := httptest.NewServer(gofakes3.New(backend).Server())
	defer storeSrv.Close()
	store := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(storeSrv.URL), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("STOREKEY", "store-secret", "")})
	_, _ = store.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("documents"), Key: aws.String("notes.txt"),
		Body: strings.NewReader("write to ana@example.com"), ContentType: aws.String("text/plain")})

	// The gateway: one access point, "redacted", whose GetObject goes
	// through an in-process redacting function.
	cfg, err := config.Parse("gateway.yaml", []byte(`
Listener: {Address: "127.0.0.1:0"}
Stores:
  - Name: local
    Endpoint: `+storeSrv.URL+`
    UsePathStyle: true
    Credentials: {AccessKeyId: STOREKEY, SecretAccessKey: {Env: STORE_SECRET}}
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
	env := map[string]string{"STORE_SECRET": "store-secret", "EXAMPLE_CALLERS": `
Callers:
  - {AccessKeyId: AKIAEXAMPLE000000001, SecretAccessKey: example-secret-key-01, Arn: "arn:aws:iam::111122223333:user/ana"}
`}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println(err)
		return
	}
	g, err := gateway.New(ctx, cfg,
		gateway.WithSource(config.Source{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}),
		gateway.WithListenAddress(l.Addr()),
		gateway.WithHandler("redact", objectlambda.WithTransform(redact.MustNew(redact.Emails()))),
	)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer g.Close()
	srv := &http.Server{Handler: g.Handler()}
	go func() { _ = srv.Serve(l) }()
	defer srv.Close()

	// Any S3 client, with a caller's keys, reads through the access point.
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://" + l.Addr().String()), UsePathStyle: true,
		Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "example-secret-key-01", "")})
	out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("redacted"), Key: aws.String("notes.txt")})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer out.Body.Close()
	b, _ := io.ReadAll(out.Body)
	fmt.Println(string(b))
	// Output: write to [REDACTED]
}
