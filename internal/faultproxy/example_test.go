package faultproxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/objectlambda/sdk-go/internal/faultproxy"
)

// A burst of two 503 SlowDown answers, then the request passes: what a
// client with retries must survive.
func Example() {
	s3 := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "object bytes")
	}))
	defer s3.Close()

	p, err := faultproxy.New(s3.URL)
	if err != nil {
		panic(err)
	}
	defer p.Close()
	p.Set(faultproxy.Fault{Kind: faultproxy.Status, Status: http.StatusServiceUnavailable, Code: "SlowDown", Times: 2})

	hc := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	for range 3 {
		resp, err := hc.Get(p.URL() + "/bucket/key")
		if err != nil {
			panic(err)
		}
		_ = resp.Body.Close()
		fmt.Println(resp.StatusCode)
	}
	fmt.Printf("%+v\n", p.Stats())
	// Output:
	// 503
	// 503
	// 200
	// {Requests:3 Faulted:2}
}
