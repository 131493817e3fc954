package objectlambdatest

import (
	"encoding/xml"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseReply(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		status  int
		headers map[string]string
		wantErr bool
	}{
		{"documented types", `{"statusCode":200,"headers":{"Content-Length":12,"x-amz-delete-marker":false,"ETag":"\"e\""}}`, 200,
			map[string]string{"Content-Length": "12", "X-Amz-Delete-Marker": "false", "Etag": `"e"`}, false},
		{"AWS sample's strings", `{"statusCode":200,"headers":{"content-length":"11"}}`, 200, map[string]string{"Content-Length": "11"}, false},
		{"error", `{"statusCode":404,"errorCode":"NoSuchKey","errorMessage":"gone"}`, 404, nil, false},
		{"no status", `{"headers":{}}`, 0, nil, true},
		{"string status", `{"statusCode":"200"}`, 0, nil, true},
		{"bad error code", `{"statusCode":404,"errorCode":"no_such_key"}`, 0, nil, true},
		{"error code with 200", `{"statusCode":200,"errorCode":"NoSuchKey"}`, 0, nil, true},
		{"header object", `{"statusCode":200,"headers":{"a":{}}}`, 0, nil, true},
		{"header injection", `{"statusCode":200,"headers":{"a":"b\r\nc: d"}}`, 0, nil, true},
		{"not json", `nope`, 0, nil, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rp, err := parseReply([]byte(tc.in))
			if tc.wantErr {
				assert.ErrorIs(t, err, ErrInvalidReply)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.status, rp.StatusCode)
			for k, v := range tc.headers {
				assert.Equal(t, v, rp.Headers.Get(k), k)
			}
		})
	}
}

func TestListXML(t *testing.T) {
	b, err := listXML([]byte(`{"name":"b","prefix":"p/","maxKeys":2,"isTruncated":true,"nextMarker":"p/b",
		"contents":[{"key":"p/a","size":1,"storageClass":"STANDARD"}],"commonPrefixes":[{"prefix":"p/d/"}]}`), false)
	require.NoError(t, err)
	var x xmlListResult
	require.NoError(t, xml.Unmarshal(b, &x))
	assert.Equal(t, "b", x.Name)
	assert.True(t, x.IsTruncated)
	assert.Equal(t, "p/b", x.NextMarker)
	require.Len(t, x.Contents, 1)
	assert.Equal(t, int64(1), x.Contents[0].Size)
	assert.Equal(t, "p/d/", x.CommonPrefixes[0].Prefix)

	for _, bad := range []string{
		`{"maxKeys":1,"isTruncated":false}`,
		`{"name":"b","maxKeys":"1","isTruncated":false}`,
		`{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a"}]}`,
		`{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a","size":1,"owner":{"id":"x"}}]}`,
		`{"name":"b","maxKeys":1,"isTruncated":false,"unknown":1}`,
	} {
		_, err := listXML([]byte(bad), false)
		assert.ErrorIs(t, err, ErrInvalidReply, bad)
	}
}

func FuzzParseReply(f *testing.F) {
	f.Add([]byte(`{"statusCode":200,"headers":{"Content-Length":12}}`), false)
	f.Add([]byte(`{"statusCode":200,"listBucketResult":{"name":"b","keyCount":1,"maxKeys":1,"isTruncated":false,"contents":[{"key":"a","size":1}]}}`), true)
	f.Add([]byte(`{"statusCode":200,"listResultXml":"<ListBucketResult/>"}`), false)
	f.Add([]byte(`{"statusCode":403,"errorCode":"AccessDenied","errorMessage":"no"}`), false)
	f.Fuzz(func(t *testing.T, b []byte, v2 bool) {
		rp, err := parseReply(b)
		if err != nil {
			return
		}
		if rp.StatusCode < 100 || rp.StatusCode > 599 {
			t.Fatalf("status %d accepted", rp.StatusCode)
		}
		if rp.ErrorCode != "" && !validErrorCode(rp.ErrorCode) {
			t.Fatalf("error code %q accepted", rp.ErrorCode)
		}
		if rp.ListBucketResult != nil {
			if x, err := listXML(rp.ListBucketResult, v2); err == nil {
				var back xmlListResult
				if err := xml.Unmarshal(x, &back); err != nil {
					t.Fatalf("listXML produced invalid XML: %v", err)
				}
			}
		}
	})
}
