package objectlambdatest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// rawFunction is a test Object Lambda function written directly against the
// protocol (net/http for inputS3Url, the SDK's WriteGetObjectResponse), so
// the access point is tested independently of package objectlambda.
type rawFunction struct {
	c  *s3.Client
	hc *http.Client
	// get handles a GetObject; nil means upper-case the object.
	get func(ctx context.Context, f *rawFunction, ev *events.S3ObjectLambdaEvent) ([]byte, error)
}

func newRawFunction(cfg aws.Config, get func(ctx context.Context, f *rawFunction, ev *events.S3ObjectLambdaEvent) ([]byte, error)) *rawFunction {
	c := s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.Retryer = aws.NopRetryer{}
		o.APIOptions = append(o.APIOptions, func(s *middleware.Stack) error {
			return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("NoHostPrefix",
				func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
					return next.HandleFinalize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
				}), "EndpointHostPrefix", middleware.Before)
		}, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
	})
	hc, _ := cfg.HTTPClient.(*http.Client)
	if hc == nil {
		hc = http.DefaultClient
	}
	return &rawFunction{c: c, hc: hc, get: get}
}

func (f *rawFunction) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev events.S3ObjectLambdaEvent
	if err := json.Unmarshal(payload, &ev); err != nil {
		return nil, err
	}
	switch {
	case ev.GetObjectContext != nil:
		if f.get != nil {
			return f.get(ctx, f, &ev)
		}
		return f.upper(ctx, &ev)
	case ev.HeadObjectContext != nil:
		resp, err := f.fetch(ctx, http.MethodHead, ev.HeadObjectContext.InputS3URL, &ev)
		if err != nil {
			return nil, err
		}
		resp.Body.Close()
		hdr := map[string]any{"Content-Length": resp.ContentLength, "Content-Type": resp.Header.Get("Content-Type"),
			"ETag": resp.Header.Get("ETag"), "x-amz-meta-transformed": "true"}
		if resp.StatusCode >= 300 {
			return json.Marshal(map[string]any{"statusCode": resp.StatusCode, "errorCode": "NoSuchKey", "errorMessage": "not found"})
		}
		return json.Marshal(map[string]any{"statusCode": resp.StatusCode, "headers": hdr})
	case ev.ListObjectsContext != nil, ev.ListObjectsV2Context != nil:
		u := ev.ListObjectsV2Context
		if u == nil {
			u = (*events.S3ObjectLambdaListObjectsV2Context)(ev.ListObjectsContext)
		}
		resp, err := f.fetch(ctx, http.MethodGet, u.InputS3URL, &ev)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			return nil, err
		}
		return json.Marshal(map[string]any{"statusCode": resp.StatusCode, "listResultXml": string(b)})
	}
	return nil, errors.New("unknown event")
}

// fetch requests inputS3Url, replaying the signed headers from the user request.
func (f *rawFunction) fetch(ctx context.Context, method, input string, ev *events.S3ObjectLambdaEvent) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, method, input, nil)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(input)
	for h := range strings.SplitSeq(u.Query().Get("X-Amz-SignedHeaders"), ";") {
		if h == "host" {
			continue
		}
		for k, v := range ev.UserRequest.Headers {
			if strings.EqualFold(k, h) {
				req.Header.Set(k, v)
			}
		}
	}
	return f.hc.Do(req)
}

func (f *rawFunction) upper(ctx context.Context, ev *events.S3ObjectLambdaEvent) ([]byte, error) {
	resp, err := f.fetch(ctx, http.MethodGet, ev.GetObjectContext.InputS3URL, ev)
	if err != nil {
		_, werr := f.c.WriteGetObjectResponse(ctx, &s3.WriteGetObjectResponseInput{
			RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
			StatusCode: aws.Int32(500), ErrorCode: aws.String("InternalError"), ErrorMessage: aws.String("fetch failed")})
		return nil, errors.Join(err, werr)
	}
	defer resp.Body.Close()
	in := &s3.WriteGetObjectResponseInput{
		RequestRoute: aws.String(ev.GetObjectContext.OutputRoute), RequestToken: aws.String(ev.GetObjectContext.OutputToken),
		StatusCode: aws.Int32(int32(resp.StatusCode)),
	}
	if resp.StatusCode >= 300 {
		var e struct{ Code, Message string }
		b, _ := io.ReadAll(resp.Body)
		_ = xmlUnmarshal(b, &e)
		if e.Code == "" {
			e.Code = "UpstreamError"
		}
		in.ErrorCode, in.ErrorMessage = aws.String(e.Code), aws.String(e.Message)
	} else {
		in.Body = upperReader{resp.Body}
		in.ContentType = aws.String(resp.Header.Get("Content-Type"))
		if resp.ContentLength >= 0 {
			in.ContentLength = aws.Int64(resp.ContentLength)
		}
		in.Metadata = map[string]string{"transformed": "upper"}
		for k, v := range resp.Header {
			if m, ok := strings.CutPrefix(strings.ToLower(k), "x-amz-meta-"); ok {
				in.Metadata[m] = v[0]
			}
		}
	}
	if _, err := f.c.WriteGetObjectResponse(ctx, in); err != nil {
		return nil, fmt.Errorf("WriteGetObjectResponse: %w", err)
	}
	return []byte(`{"statusCode":` + strconv.Itoa(resp.StatusCode) + `}`), nil
}

type upperReader struct{ r io.Reader }

func (u upperReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p[:n], strings.ToUpper(string(p[:n])))
	return n, err
}
