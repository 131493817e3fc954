package ssec

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// ErrCallerNotAuthorized: the caller's presigned probe did not show that S3
// authorized the caller to read the object, so Fetch did not fetch it.
var ErrCallerNotAuthorized = errors.New("ssec: caller not authorized for the SSE-C object")

// Probe is what the caller's presigned request for the object (HEAD or
// GET through inputS3Url, signed with the caller's identity) returned.
type Probe struct {
	// StatusCode is the HTTP status S3 answered.
	StatusCode int
	// Code is the S3 error code of an error answer (e.g. "InvalidRequest"),
	// if known.
	Code string
	// Header is the response header; its ETag and X-Amz-Version-Id pin the
	// fetch to the object the caller was authorized for. May be nil.
	Header http.Header
}

// ProbeError is returned (wrapping ErrCallerNotAuthorized) when the probe does
// not authorize the fetch. Answer the caller with StatusCode and Code.
type ProbeError struct {
	StatusCode int
	Code       string
}

func (e *ProbeError) Error() string {
	return fmt.Sprintf("%v: presigned probe answered %d %s", ErrCallerNotAuthorized, e.StatusCode, e.Code)
}

func (e *ProbeError) Unwrap() error { return ErrCallerNotAuthorized }

// GetObjectInput is one GetObject call with SSE-C headers. Customer is printed
// redacted, so the struct may appear in logs; its adapter must not log the
// values Customer.Headers returns.
type GetObjectInput struct {
	// Bucket is the bucket name or the supporting access point ARN
	// (configuration.supportingAccessPointArn in the event).
	Bucket    string
	Key       string
	VersionID string // from the probe, when S3 returned one
	IfMatch   string // the ETag the probe saw, when it returned one
	Range     string // optional, "bytes=a-b"
	Customer  Key
}

// Object is the answer of a GetObjectAPI call.
type Object struct {
	Body          io.ReadCloser
	ContentLength int64 // -1 if unknown
	Header        http.Header
}

// GetObjectAPI performs GetObject with the function's own credentials and
// the SSE-C headers of in.Customer (see Key.Headers). With aws-sdk-go-v2,
// adapt *s3.Client in a few lines (see the example of Fetch); this
// package does not import the SDK.
type GetObjectAPI interface {
	GetObjectSSEC(ctx context.Context, in *GetObjectInput) (*Object, error)
}

// FetchOption configures Fetch.
type FetchOption func(*fetchConfig)

type fetchConfig struct {
	accept400 bool
}

// WithProbeStatus400 also accepts a probe answered with 400 (the answer
// for a keyless request on an SSE-C object) as proof of authorization. This
// relies on S3 checking authorization before the key, which is not
// documented: an unauthorized caller is expected to get 403 first. Enable it
// only after verifying that behaviour for your buckets and access points.
func WithProbeStatus400() FetchOption {
	return func(c *fetchConfig) { c.accept400 = true }
}

// Fetch fetches an SSE-C object with the function's own credentials
// (api) and the customer key in.Customer, but only when probe shows that S3
// authorized the caller to read the same object through the presigned
// inputS3Url. Fetch fills in.VersionID and in.IfMatch from the probe when
// they are empty, so that the object fetched is the one the caller was
// authorized for.
//
// Why this exists: S3 refuses SSE-C objects through an Object Lambda access
// point, and the presigned inputS3Url cannot carry the three SSE-C headers
// (they would be unsigned). The only way to serve such an object is for the
// function to call GetObject itself, with its own credentials and the
// customer key from its own key store.
//
// The trade-off (confused deputy): normally the function reads only what the
// caller may read, because inputS3Url is signed with the caller's identity.
// With its own credentials the function can read anything its role allows,
// so a caller could use it to read objects they have no access to. Fetch
// narrows that gap by requiring the caller's own presigned request for the
// same key to have been authorized, and pinning version and ETag. What
// remains, and what the operator accepts by calling it:
//
//   - the role needs s3:GetObject on the supporting access point (or bucket)
//     and access to the key store, so a bug that bypasses Fetch exposes
//     every SSE-C object the role can read;
//   - S3 answers a keyless request for an SSE-C object with 400, and whether
//     it checks authorization before it notices the missing key is not
//     documented. A 400 counts as authorization only with
//     WithProbeStatus400 (verify that behaviour for your buckets first);
//     by default only 200, 206 and 304 do;
//   - the caller never proves possession of the customer key: the function
//     holds it. Serve SSE-C objects this way only when every caller the
//     access point admits may see the plaintext.
//
// Errors: *ProbeError (wrapping ErrCallerNotAuthorized) when the probe does
// not authorize, and nothing is fetched; ErrInvalidKey when in.Customer is
// unset; otherwise what api returned, wrapped.
func Fetch(ctx context.Context, api GetObjectAPI, probe Probe, in GetObjectInput, opts ...FetchOption) (*Object, error) {
	var c fetchConfig
	for _, o := range opts {
		o(&c)
	}
	if api == nil {
		return nil, errors.New("ssec: Fetch: nil GetObjectAPI")
	}
	if in.Customer.IsZero() {
		return nil, fmt.Errorf("%w: no SSE-C key", ErrInvalidKey)
	}
	if in.Bucket == "" || in.Key == "" {
		return nil, errors.New("ssec: Fetch: bucket and key are required")
	}
	switch probe.StatusCode {
	case http.StatusOK, http.StatusPartialContent, http.StatusNotModified:
	case http.StatusBadRequest:
		if !c.accept400 {
			return nil, &ProbeError{StatusCode: probe.StatusCode, Code: probe.Code}
		}
	default:
		return nil, &ProbeError{StatusCode: probe.StatusCode, Code: probe.Code}
	}
	if probe.Header != nil {
		if in.VersionID == "" {
			in.VersionID = probe.Header.Get("X-Amz-Version-Id")
		}
		if in.IfMatch == "" {
			in.IfMatch = probe.Header.Get("Etag")
		}
	}
	out, err := api.GetObjectSSEC(ctx, &in)
	if err != nil {
		return nil, fmt.Errorf("ssec: SSE-C GetObject: %w", err)
	}
	if out == nil || out.Body == nil {
		return nil, errors.New("ssec: SSE-C GetObject returned no body")
	}
	return out, nil
}
