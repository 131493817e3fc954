package gateway

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/internal/s3xml"
	"github.com/objectlambda/sdk-go/gateway/internal/sigv4"
)

// Signing names a caller may sign for: "s3", which every client uses with a
// bucket name, and "s3-object-lambda", which the SDKs use with an Object
// Lambda access point ARN.
const (
	signingS3 = "s3"
	signingOL = "s3-object-lambda"
)

// authenticate checks the caller's SigV4 signature, in the Authorization
// header or in the query string (a presigned URL), and returns the caller,
// or the answer S3 gives. Object Lambda serves authenticated callers only.
func (g *Gateway) authenticate(r *http.Request, now time.Time, reqID string) (*config.Caller, *refusal) {
	q := r.URL.Query()
	header := r.Header.Get("Authorization")
	presigned := sigv4.IsPresigned(q)
	switch {
	case header != "" && presigned:
		return nil, refuse(http.StatusBadRequest, "InvalidArgument",
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case strings.HasPrefix(header, "AWS ") || q.Has("AWSAccessKeyId") || q.Has("Signature"):
		return nil, refuse(http.StatusBadRequest, "InvalidRequest",
			"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
	case header == "" && !presigned:
		return nil, refuse(http.StatusForbidden, "AccessDenied", msgAccessDenied)
	}
	var ak string
	var err error
	if presigned {
		var p sigv4.Presigned
		p, err = sigv4.VerifyQuery(r, g.secretOfCaller, signingName(q.Get(sigv4.QueryCredential)), g.cfg.Region, now)
		ak = p.AccessKeyID
	} else {
		var a sigv4.Authorization
		a, err = sigv4.Verify(r, g.secretOfCaller, signingName(header), g.cfg.Region, now)
		ak = a.AccessKeyID
	}
	if err != nil {
		g.log.Info("objectlambda-gateway: caller denied", "requestId", reqID, "err", err, "method", r.Method)
		return nil, authError(err, presigned, ak, r, now)
	}
	c, ok := g.callers.Lookup(ak)
	if !ok { // removed from a harness's registry since
		return nil, refuse(http.StatusForbidden, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.")
	}
	return c, nil
}

func (g *Gateway) secretOfCaller(ak string) (string, bool) {
	c, ok := g.callers.Lookup(ak)
	if !ok {
		return "", false
	}
	return c.SecretAccessKey.Reveal(), true
}

// signingName picks the service the request should be signed for: the one
// its credential scope (in the Authorization header or X-Amz-Credential)
// names when the access point accepts it, else "s3".
func signingName(credential string) string {
	if strings.Contains(credential, "/"+signingOL+"/aws4_request") {
		return signingOL
	}
	return signingS3
}

// authError turns a verification failure into S3's answer for it.
func authError(err error, presigned bool, ak string, r *http.Request, now time.Time) *refusal {
	var se *sigv4.ScopeError
	malformed := "AuthorizationHeaderMalformed"
	prefix := "The authorization header is malformed; "
	if presigned {
		malformed, prefix = "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; "
	}
	switch {
	case errors.As(err, &se) && se.Part == "region":
		return refuse(http.StatusBadRequest, malformed,
			fmt.Sprintf("%sthe region '%s' is wrong; expecting '%s'", prefix, se.Got, se.Want), s3xml.Elem{Name: "Region", Value: se.Want})
	case errors.As(err, &se):
		return refuse(http.StatusBadRequest, malformed,
			fmt.Sprintf("%sincorrect service '%s'. This endpoint belongs to '%s' or '%s'.", prefix, se.Got, signingS3, signingOL))
	case errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrHostNotSigned):
		msg := strings.TrimPrefix(err.Error(), "sigv4: malformed authorization: ")
		if !presigned {
			msg = prefix + msg
		}
		return refuse(http.StatusBadRequest, malformed, msg)
	case errors.Is(err, sigv4.ErrMissingSHA256):
		return refuse(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
	case errors.Is(err, sigv4.ErrDateNotProvided):
		return refuse(http.StatusForbidden, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
	case errors.Is(err, sigv4.ErrUnknownKey):
		return refuse(http.StatusForbidden, "InvalidAccessKeyId",
			"The AWS Access Key Id you provided does not exist in our records.", s3xml.Elem{Name: "AWSAccessKeyId", Value: ak})
	case errors.Is(err, sigv4.ErrSkew):
		return refuse(http.StatusForbidden, "RequestTimeTooSkewed",
			"The difference between the request time and the current time is too large.",
			s3xml.Elem{Name: "RequestTime", Value: r.Header.Get("X-Amz-Date")}, s3xml.Elem{Name: "ServerTime", Value: now.UTC().Format(time.RFC3339)},
			s3xml.Elem{Name: "MaxAllowedSkewMilliseconds", Value: fmt.Sprint(sigv4.MaxSkew.Milliseconds())})
	case errors.Is(err, sigv4.ErrExpired):
		return refuse(http.StatusForbidden, "AccessDenied", "Request has expired",
			s3xml.Elem{Name: "X-Amz-Expires", Value: r.URL.Query().Get(sigv4.QueryExpires)}, s3xml.Elem{Name: "ServerTime", Value: now.UTC().Format(time.RFC3339)})
	case errors.Is(err, sigv4.ErrNotYetValid):
		return refuse(http.StatusForbidden, "AccessDenied", "Request is not valid yet")
	}
	return refuse(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		s3xml.Elem{Name: "AWSAccessKeyId", Value: ak})
}
