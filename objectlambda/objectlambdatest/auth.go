package objectlambdatest

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest/internal/sigv4"
)

// s3Reply is an S3 error reply, with the extra elements some codes carry.
type s3Reply struct {
	status  int
	code    string
	message string
	extra   []xmlElem // e.g. <Region> of AuthorizationHeaderMalformed
}

func (e *s3Reply) Error() string { return fmt.Sprintf("%d %s: %s", e.status, e.code, e.message) }

func newS3Reply(status int, code, message string, extra ...xmlElem) *s3Reply {
	return &s3Reply{status: status, code: code, message: message, extra: extra}
}

// Signing names the access point accepts in a credential scope: "s3", which
// every client uses with a bucket name, and "s3-object-lambda", which the
// SDKs use with an Object Lambda access point ARN.
const (
	signingS3 = "s3"
	signingOL = "s3-object-lambda"
)

// authenticate checks the caller's SigV4 signature, in the Authorization
// header or in the query string (a presigned URL), and returns the caller,
// or the error S3 answers. Object Lambda serves authenticated callers only.
func (ap *AccessPoint) authenticate(r *http.Request, now time.Time) (*Caller, *s3Reply) {
	q := r.URL.Query()
	header := r.Header.Get("Authorization")
	presigned := sigv4.IsPresigned(q)
	switch {
	case header != "" && presigned:
		return nil, newS3Reply(http.StatusBadRequest, "InvalidArgument",
			"Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case strings.HasPrefix(header, "AWS ") || q.Has("AWSAccessKeyId") || q.Has("Signature"):
		return nil, newS3Reply(http.StatusBadRequest, "InvalidRequest",
			"The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
	case header == "" && !presigned:
		return nil, newS3Reply(http.StatusForbidden, "AccessDenied", "Access Denied")
	}
	var ak string
	var err error
	if presigned {
		var p sigv4.Presigned
		p, err = sigv4.VerifyQuery(r, ap.secretOfCaller, signingName(q.Get(sigv4.QueryCredential)), ap.cfg.region, now)
		ak = p.AccessKeyID
	} else {
		var a sigv4.Authorization
		a, err = sigv4.Verify(r, ap.secretOfCaller, signingName(header), ap.cfg.region, now)
		ak = a.AccessKeyID
	}
	if err != nil {
		ap.log.Info("objectlambdatest: client request denied", "err", err, "method", r.Method)
		return nil, authError(err, presigned, ak, r, now)
	}
	ap.mu.Lock()
	defer ap.mu.Unlock()
	c := *ap.callers[ak]
	return &c, nil
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
func authError(err error, presigned bool, ak string, r *http.Request, now time.Time) *s3Reply {
	var se *sigv4.ScopeError
	malformed := "AuthorizationHeaderMalformed"
	prefix := "The authorization header is malformed; "
	if presigned {
		malformed, prefix = "AuthorizationQueryParametersError", "Error parsing the X-Amz-Credential parameter; "
	}
	switch {
	case errors.As(err, &se) && se.Part == "region":
		return newS3Reply(http.StatusBadRequest, malformed,
			fmt.Sprintf("%sthe region '%s' is wrong; expecting '%s'", prefix, se.Got, se.Want), xmlElem{"Region", se.Want})
	case errors.As(err, &se):
		return newS3Reply(http.StatusBadRequest, malformed,
			fmt.Sprintf("%sincorrect service '%s'. This endpoint belongs to '%s'.", prefix, se.Got, signingS3+"' or '"+signingOL))
	case errors.Is(err, sigv4.ErrMalformed), errors.Is(err, sigv4.ErrHostNotSigned):
		if presigned {
			return newS3Reply(http.StatusBadRequest, malformed, strings.TrimPrefix(err.Error(), "sigv4: malformed authorization: "))
		}
		return newS3Reply(http.StatusBadRequest, malformed, prefix+strings.TrimPrefix(err.Error(), "sigv4: malformed authorization: "))
	case errors.Is(err, sigv4.ErrMissingSHA256):
		return newS3Reply(http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-content-sha256")
	case errors.Is(err, sigv4.ErrDateNotProvided):
		return newS3Reply(http.StatusForbidden, "AccessDenied", "AWS authentication requires a valid Date or x-amz-date header")
	case errors.Is(err, sigv4.ErrUnknownKey):
		return newS3Reply(http.StatusForbidden, "InvalidAccessKeyId",
			"The AWS Access Key Id you provided does not exist in our records.", xmlElem{"AWSAccessKeyId", ak})
	case errors.Is(err, sigv4.ErrSkew):
		return newS3Reply(http.StatusForbidden, "RequestTimeTooSkewed",
			"The difference between the request time and the current time is too large.",
			xmlElem{"RequestTime", r.Header.Get("X-Amz-Date")}, xmlElem{"ServerTime", now.UTC().Format(time.RFC3339)},
			xmlElem{"MaxAllowedSkewMilliseconds", fmt.Sprint(sigv4.MaxSkew.Milliseconds())})
	case errors.Is(err, sigv4.ErrExpired):
		return newS3Reply(http.StatusForbidden, "AccessDenied", "Request has expired",
			xmlElem{"X-Amz-Expires", r.URL.Query().Get(sigv4.QueryExpires)}, xmlElem{"ServerTime", now.UTC().Format(time.RFC3339)})
	case errors.Is(err, sigv4.ErrNotYetValid):
		return newS3Reply(http.StatusForbidden, "AccessDenied", "Request is not valid yet")
	}
	return newS3Reply(http.StatusForbidden, "SignatureDoesNotMatch",
		"The request signature we calculated does not match the signature you provided. Check your key and signing method.",
		xmlElem{"AWSAccessKeyId", ak})
}
