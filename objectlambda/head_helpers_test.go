package objectlambda

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// eventFor builds a HeadObject, ListObjects or ListObjectsV2 event. For HEAD
// target is the key; for listings it is the query string the caller sent
// (prefix=...&delimiter=...), which lands in both userRequest.url and
// inputS3Url, as S3 Object Lambda does.
func eventFor(h *harness, op Operation, target string, opts ...eventOpt) []byte {
	h.t.Helper()
	ev := map[string]any{
		"xAmzRequestId": "req-" + string(op),
		"configuration": map[string]any{
			"accessPointArn":           "arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/olap",
			"supportingAccessPointArn": "arn:aws:s3:us-east-1:111122223333:accesspoint/ap",
			"payload":                  "",
		},
		"userRequest": map[string]any{
			"headers": map[string]any{"Host": "olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com", "Accept-Encoding": "identity"},
		},
		"userIdentity": map[string]any{
			"type": "AssumedRole", "principalId": "AROAEXAMPLE:alice", "arn": "arn:aws:sts::111122223333:assumed-role/analyst/alice",
			"accountId": "111122223333", "accessKeyId": "ASIACALLER",
			"sessionContext": map[string]any{"attributes": map[string]any{"tenant": "alice", "mfaAuthenticated": "false"}},
		},
		"protocolVersion": "1.01",
	}
	const host = "https://olap-111122223333.s3-object-lambda.us-east-1.amazonaws.com/"
	ur := ev["userRequest"].(map[string]any)
	if op == OpHeadObject {
		ur["url"] = host + target
	} else {
		q := target
		if op == OpListObjectsV2 {
			q = join("list-type=2", target)
		}
		ur["url"] = host + "?" + q
	}
	for _, o := range opts {
		o(ev)
	}
	var signed []string
	if s, ok := ev["_signed"].([]string); ok {
		signed = s
		delete(ev, "_signed")
	}
	switch op {
	case OpHeadObject:
		ev["headObjectContext"] = map[string]any{"inputS3Url": h.presignedURL(target, signed...)}
	case OpListObjects:
		ev["listObjectsContext"] = map[string]any{"inputS3Url": join(h.presignedURL("", signed...), target)}
	case OpListObjectsV2:
		ev["listObjectsV2Context"] = map[string]any{"inputS3Url": join(h.presignedURL("", signed...)+"&list-type=2", target)}
	}
	b, err := json.Marshal(ev)
	require.NoError(h.t, err)
	return b
}

func join(a, b string) string {
	switch {
	case b == "":
		return a
	case a == "" || a[len(a)-1] == '?' || a[len(a)-1] == '&':
		return a + b
	}
	return a + "&" + b
}

// withIdentity replaces the caller.
func withIdentity(typ, arn, user string, attrs map[string]any) eventOpt {
	return func(ev map[string]any) {
		id := map[string]any{"type": typ, "principalId": "P", "arn": arn, "accountId": "111122223333", "accessKeyId": "AK"}
		if user != "" {
			id["userName"] = user
		}
		if attrs != nil {
			id["sessionContext"] = map[string]any{"attributes": attrs}
		}
		ev["userIdentity"] = id
	}
}

// headResult is a HEAD reply as S3 Object Lambda would read it.
type headResult struct {
	StatusCode   int            `json:"statusCode"`
	ErrorCode    string         `json:"errorCode"`
	ErrorMessage string         `json:"errorMessage"`
	Headers      map[string]any `json:"headers"`
}

// listResult is a LIST reply as S3 Object Lambda would read it.
type listResult struct {
	StatusCode       int             `json:"statusCode"`
	ErrorCode        string          `json:"errorCode"`
	ErrorMessage     string          `json:"errorMessage"`
	ListResultXML    *string         `json:"listResultXml"`
	ListBucketResult json.RawMessage `json:"listBucketResult"`
}

func invokeJSON(t testing.TB, h *Handler, ev []byte, v any) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	out, err := h.Invoke(ctx, ev)
	require.NoError(t, err, "HEAD and LIST invocations always return a reply")
	require.NoError(t, json.Unmarshal(out, v), "%s", out)
}

func headInvoke(t testing.TB, h *Handler, ev []byte) headResult {
	t.Helper()
	var r headResult
	invokeJSON(t, h, ev, &r)
	return r
}

func listInvoke(t testing.TB, h *Handler, ev []byte) listResult {
	t.Helper()
	var r listResult
	invokeJSON(t, h, ev, &r)
	return r
}
