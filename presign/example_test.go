package presign_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"

	"github.com/objectlambda/sdk-go/presign"
)

func ExamplePolicy_Check() {
	p := presign.NewPolicy(presign.WithTrustedEndpoint("http://127.0.0.1:7070"))
	for _, raw := range []string{
		"https://my-ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/key",
		"https://bucket.s3.cn-north-1.amazonaws.com.cn/key",
		"http://127.0.0.1:7070/bucket/key",
		"https://s3.amazonaws.com.evil.com/key",
		"https://169.254.169.254/latest/meta-data/",
		"http://s3.amazonaws.com/key",
	} {
		u, _ := url.Parse(raw)
		err := p.Check(u)
		fmt.Println(err == nil, errors.Is(err, presign.ErrUntrustedURL))
	}
	// Output:
	// true false
	// true false
	// true false
	// false true
	// false true
	// false true
}

func ExampleRedact() {
	fmt.Println(presign.Redact("https://ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/report.csv?X-Amz-Security-Token=FwoG&X-Amz-Signature=7a1c"))
	// Output: https://ap-111122223333.s3-accesspoint.us-east-1.amazonaws.com/report.csv
}

func ExampleClient_Fetch() {
	// A stand-in for S3. In production the policy trusts AWS's S3 hosts and,
	// with WithEndpointsFromEnv(os.LookupEnv), AWS_ENDPOINT_URL_S3.
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Println("S3 got x-amz-checksum-mode:", r.Header.Get("X-Amz-Checksum-Mode"))
		io.WriteString(w, "original object\n")
	}))
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())

	client := presign.NewClient(
		presign.WithPolicy(presign.NewPolicy(presign.WithTrustedEndpoint(srv.URL))),
		presign.WithTLSConfig(&tls.Config{RootCAs: pool}),
	)
	defer client.CloseIdleConnections()

	resp, err := client.Fetch(context.Background(), &presign.Request{
		URL: srv.URL + "/bucket/key?X-Amz-SignedHeaders=host%3Bx-amz-checksum-mode&X-Amz-Signature=abc",
		// userRequest.headers from the event, in whatever case the caller used.
		UserHeaders: http.Header{"x-amz-checksum-mode": {"ENABLED"}, "Accept-Encoding": {"identity"}},
		Header:      http.Header{"If-None-Match": {`"stale-etag"`}},
	})
	if err != nil {
		fmt.Println(err) // an *s3err.Error: status, code and message for the reply
		return
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body) // fails (never a clean EOF) on truncation or checksum mismatch
	fmt.Print(resp.StatusCode, " ", string(b))
	fmt.Println(err)
	// Output:
	// S3 got x-amz-checksum-mode: ENABLED
	// 200 original object
	// <nil>
}
