// Command rawfn is a minimal Object Lambda function for the RIE test of
// objectlambdatest, written directly against the protocol: it upper-cases
// the object, and fails (as an error return) for keys starting with "fail".
package main

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

type upper struct{ r io.Reader }

func (u upper) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p[:n], strings.ToUpper(string(p[:n])))
	return n, err
}

func handle(ctx context.Context, ev events.S3ObjectLambdaEvent) (map[string]any, error) {
	if ev.GetObjectContext == nil {
		return nil, errors.New("only GetObject")
	}
	if strings.Contains(ev.UserRequest.URL, "/fail") {
		return nil, errors.New("asked to fail")
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, ev.GetObjectContext.InputS3URL, nil)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(ev.GetObjectContext.InputS3URL)
	for h := range strings.SplitSeq(u.Query().Get("X-Amz-SignedHeaders"), ";") {
		for k, v := range ev.UserRequest.Headers {
			if h != "host" && strings.EqualFold(k, h) {
				req.Header.Set(k, v)
			}
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	client := s3.New(s3.Options{
		Region: os.Getenv("AWS_REGION"), BaseEndpoint: aws.String(os.Getenv("AWS_ENDPOINT_URL_S3")),
		Credentials: credentials.NewStaticCredentialsProvider(os.Getenv("AWS_ACCESS_KEY_ID"), os.Getenv("AWS_SECRET_ACCESS_KEY"), ""),
		APIOptions: []func(*middleware.Stack) error{func(s *middleware.Stack) error {
			return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("NoHostPrefix",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return next.HandleFinalize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), "EndpointHostPrefix", middleware.Before)
		}, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware},
	})
	_, err = client.WriteGetObjectResponse(ctx, &s3.WriteGetObjectResponseInput{
		RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
		StatusCode: aws.Int32(int32(resp.StatusCode)), Body: upper{resp.Body},
		ContentType: aws.String(resp.Header.Get("Content-Type")),
	})
	return map[string]any{"statusCode": resp.StatusCode}, err
}

func main() { lambda.Start(handle) }
