package objectlambda

import (
	"context"
	"testing"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
)

func TestAllowPrincipals(t *testing.T) {
	a := AllowPrincipals("arn:aws:iam::111122223333:role/analyst", "arn:aws:iam::111122223333:user/ops-*")
	req := func(arn, issuer string) *Request {
		return &Request{Request: transform.Request{Caller: transform.Caller{ARN: arn, SessionIssuerARN: issuer}}}
	}
	assert.NoError(t, a(context.Background(), req("arn:aws:sts::111122223333:assumed-role/analyst/ana", "arn:aws:iam::111122223333:role/analyst")))
	assert.NoError(t, a(context.Background(), req("arn:aws:iam::111122223333:user/ops-bob", "")))
	assert.Error(t, a(context.Background(), req("arn:aws:sts::111122223333:assumed-role/analyst2/x", "arn:aws:iam::111122223333:role/analyst2")))
	assert.Error(t, a(context.Background(), req("", "")))

	// Through the handler, a denial is 403 AccessDenied.
	hs, h := newHarness(t, WithAuthorizer(AllowPrincipals("arn:aws:iam::111122223333:role/analyst")))
	hs.put("doc.txt", alphabet, nil)
	_, err := invoke(t, h, hs.event("doc.txt"))
	assert.NoError(t, err)
	call := hs.onlyCall(t)
	assert.Equal(t, "403", call.Header.Get("X-Amz-Fwd-Status"))
	assert.Equal(t, s3err.CodeAccessDenied, call.Header.Get("X-Amz-Fwd-Error-Code"))
	assert.Zero(t, hs.upstreamHits(), "denied before anything is fetched")
}
