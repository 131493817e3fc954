package objectlambda

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseEventFixtures(t *testing.T) {
	tests := []struct {
		file     string
		op       Operation
		key      string
		userName string
		payload  string
	}{
		{file: "get-assumed-role.json", op: OpGetObject, key: "example", userName: "Admin", payload: "{}"},
		{file: "get-iam-path-url.json", op: OpGetObject, key: "s3.txt", userName: "myuser", payload: "test"},
		{file: "head-iam.json", op: OpHeadObject, key: "example", payload: "{}"},
		{file: "list-v1.json", op: OpListObjects, key: "", payload: "{}"},
		{file: "list-v2-new-fields.json", op: OpListObjectsV2, key: "", payload: `{"tenant":"a"}`},
		{file: "get-minio-arrays.json", op: OpGetObject, key: "bucket/obj"},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "events", tt.file))
			require.NoError(t, err)
			ev, err := parseEvent(data)
			require.NoError(t, err)
			assert.Equal(t, tt.op, ev.operation())
			assert.Equal(t, tt.payload, string(ev.Configuration.Payload))
			req, err := newRequest(ev)
			require.NoError(t, err)
			assert.Equal(t, tt.key, req.Key)
			assert.Equal(t, string(tt.op), req.Operation)
			assert.Equal(t, tt.userName, req.Caller.UserName)
			assert.Equal(t, ev.Configuration.SupportingAccessPointARN, req.SupportingAccessPointARN)
			assert.Equal(t, ev.XAmzRequestID, req.RequestID)
			assert.NotEmpty(t, ev.inputS3URL())
		})
	}
}

func TestHeadersCaseInsensitiveAndArrays(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "events", "get-minio-arrays.json"))
	require.NoError(t, err)
	ev, err := parseEvent(data)
	require.NoError(t, err)
	h := ev.UserRequest.Headers
	assert.Equal(t, "bytes=0-1", h.get("range"))
	assert.Equal(t, "a, b", h.get("x-multi"))
	assert.Equal(t, "5", h.get("X-NUM"))
	assert.Equal(t, "", h.get("missing"))
	req, err := newRequest(ev)
	require.NoError(t, err)
	assert.Equal(t, "bytes=0-1", req.Range)

	dup := Headers{"x-a": "1", "X-A": "2"}
	assert.Equal(t, "2, 1", dup.get("X-a"), "spellings of one name join in sorted key order")
	assert.Equal(t, []string{"2", "1"}, dup.httpHeader().Values("X-A"))
}

func TestParseEventErrors(t *testing.T) {
	tests := map[string]string{
		"not json":          `{"getObjectContext":`,
		"no context":        `{"xAmzRequestId":"r"}`,
		"two contexts":      `{"headObjectContext":{"inputS3Url":"https://a"},"listObjectsContext":{"inputS3Url":"https://a"}}`,
		"no input url":      `{"headObjectContext":{}}`,
		"bad route":         `{"getObjectContext":{"inputS3Url":"https://a","outputRoute":"a.b","outputToken":"t"}}`,
		"token with space":  `{"getObjectContext":{"inputS3Url":"https://a","outputRoute":"r","outputToken":"a b"}}`,
		"protocol 2":        `{"headObjectContext":{"inputS3Url":"https://a"},"protocolVersion":"2.00"}`,
		"header object":     `{"headObjectContext":{"inputS3Url":"https://a"},"userRequest":{"headers":{"a":{}}}}`,
		"payload not JSON?": `{"headObjectContext":{"inputS3Url":"https://a"},"configuration":{"payload":tru}}`,
	}
	for name, in := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := parseEvent([]byte(in))
			require.ErrorIs(t, err, ErrInvalidEvent)
		})
	}
}

func TestLambdaEventRoundTrip(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "events", "get-assumed-role.json"))
	require.NoError(t, err)
	var le events.S3ObjectLambdaEvent
	require.NoError(t, json.Unmarshal(data, &le))
	ev := fromLambdaEvent(le)
	require.NoError(t, ev.validate())
	assert.Equal(t, le, ev.lambdaEvent())
	ours, err := parseEvent(data)
	require.NoError(t, err)
	assert.Equal(t, ours, ev)
}

func TestParseUserURL(t *testing.T) {
	tests := []struct {
		raw, key, host, query string
	}{
		{"https://ap-1.s3-object-lambda.us-east-1.amazonaws.com/dir/a b.txt?width=10", "dir/a b.txt", "ap-1.s3-object-lambda.us-east-1.amazonaws.com", "10"},
		{"/plain/path%.txt", "plain/path%.txt", "", ""},
		{"https://h/k?width=5&x=%zz", "k", "h", "5"},
		{"", "", "", ""},
	}
	for _, tt := range tests {
		u, key := parseUserURL(tt.raw)
		assert.Equal(t, tt.key, key, tt.raw)
		assert.Equal(t, tt.host, u.Host, tt.raw)
		assert.Equal(t, tt.query, u.Query().Get("width"), tt.raw)
	}
}

func FuzzParseEvent(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "events", "*.json"))
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ev, err := parseEvent(data)
		if err != nil {
			return
		}
		// A valid event has exactly one operation and yields a request or an S3 error.
		if ev.operation() == "" {
			t.Fatal("valid event without operation")
		}
		if _, err := newRequest(ev); err != nil {
			if _, ok := asS3(err); !ok {
				t.Fatalf("newRequest error is not an S3 error: %v", err)
			}
		}
	})
}
