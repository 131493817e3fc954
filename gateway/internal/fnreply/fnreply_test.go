package fnreply

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/objectlambda/sdk-go/internal/listing"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		kind    Kind
		status  int
		headers map[string]string
		body    string
		wantErr bool
	}{
		{"documented types", `{"statusCode":200,"headers":{"Content-Length":12,"x-amz-delete-marker":false,"ETag":"\"e\""}}`, Head, 200,
			map[string]string{"Content-Length": "12", "X-Amz-Delete-Marker": "false", "Etag": `"e"`}, "", false},
		{"AWS sample's strings", `{"statusCode":200,"headers":{"content-length":"11"}}`, Head, 200, map[string]string{"Content-Length": "11"}, "", false},
		{"error", `{"statusCode":404,"errorCode":"NoSuchKey","errorMessage":"gone"}`, List, 404, nil, "", false},
		{"listResultXml as given", `{"statusCode":200,"listResultXml":"<ListBucketResult/>"}`, List, 200, nil, "<ListBucketResult/>", false},
		{"V1 listing", `{"statusCode":200,"listBucketResult":{"name":"b","prefix":"p/","maxKeys":2,"isTruncated":true,"nextMarker":"p/b",
			"contents":[{"key":"p/a","size":1,"storageClass":"STANDARD","lastModified":"2026-01-02T03:04:05Z","owner":{"id":"i","displayName":"d"}}],
			"commonPrefixes":[{"prefix":"p/d/"}]}}`, List, 200, nil,
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix>p/</Prefix><Marker></Marker><NextMarker>p/b</NextMarker><MaxKeys>2</MaxKeys><IsTruncated>true</IsTruncated><Contents><Key>p/a</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><Size>1</Size><Owner><ID>i</ID><DisplayName>d</DisplayName></Owner><StorageClass>STANDARD</StorageClass></Contents><CommonPrefixes><Prefix>p/d/</Prefix></CommonPrefixes></ListBucketResult>`, false},
		{"V2 listing, url-encoded keys kept encoded", `{"statusCode":200,"listBucketResult":{"name":"b","keyCount":1,"maxKeys":1,"isTruncated":false,"encodingType":"url",
			"contents":[{"key":"a%20b","size":3}]}}`, ListV2, 200, nil,
			`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><Prefix></Prefix><KeyCount>1</KeyCount><MaxKeys>1</MaxKeys><EncodingType>url</EncodingType><IsTruncated>false</IsTruncated><Contents><Key>a%20b</Key><Size>3</Size></Contents></ListBucketResult>`, false},
		{"no status", `{"headers":{}}`, Head, 0, nil, "", true},
		{"string status", `{"statusCode":"200"}`, Head, 0, nil, "", true},
		{"status out of range", `{"statusCode":99}`, Head, 0, nil, "", true},
		{"bad error code", `{"statusCode":404,"errorCode":"no_such_key"}`, Head, 0, nil, "", true},
		{"error code with 200", `{"statusCode":200,"errorCode":"NoSuchKey"}`, Head, 0, nil, "", true},
		{"header object", `{"statusCode":200,"headers":{"a":{}}}`, Head, 0, nil, "", true},
		{"header injection", `{"statusCode":200,"headers":{"a":"b\r\nc: d"}}`, Head, 0, nil, "", true},
		{"not json", `nope`, Head, 0, nil, "", true},
		{"listing without a result", `{"statusCode":200}`, List, 0, nil, "", true},
		{"both results", `{"statusCode":200,"listResultXml":"<x/>","listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false}}`, List, 0, nil, "", true},
		{"V2 without keyCount", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false}}`, ListV2, 0, nil, "", true},
		{"no name", `{"statusCode":200,"listBucketResult":{"maxKeys":1,"isTruncated":false}}`, List, 0, nil, "", true},
		{"maxKeys a string", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":"1","isTruncated":false}}`, List, 0, nil, "", true},
		{"entry without size", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a"}]}}`, List, 0, nil, "", true},
		{"owner without displayName", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a","size":1,"owner":{"id":"x"}}]}}`, List, 0, nil, "", true},
		{"prefix entry without prefix", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"commonPrefixes":[{}]}}`, List, 0, nil, "", true},
		{"unknown field", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"unknown":1}}`, List, 0, nil, "", true},
		{"bad timestamp", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a","size":1,"lastModified":"yesterday"}]}}`, List, 0, nil, "", true},
		{"negative size", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a","size":-1}]}}`, List, 0, nil, "", true},
		{"key XML cannot carry", `{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":false,"contents":[{"key":"a\u0001","size":1}]}}`, List, 0, nil, "", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rp, err := Parse([]byte(tc.in), tc.kind)
			if tc.wantErr {
				assert.ErrorIs(t, err, ErrInvalid)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.status, rp.StatusCode)
			for k, v := range tc.headers {
				assert.Equal(t, v, rp.Header.Get(k), k)
			}
			assert.Equal(t, tc.body, string(rp.Body))
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte(`{"statusCode":200,"headers":{"Content-Length":12}}`), false)
	f.Add([]byte(`{"statusCode":200,"listBucketResult":{"name":"b","keyCount":1,"maxKeys":1,"isTruncated":false,"contents":[{"key":"a","size":1}]}}`), true)
	f.Add([]byte(`{"statusCode":200,"listBucketResult":{"name":"b","maxKeys":1,"isTruncated":true,"encodingType":"url","contents":[{"key":"a%2Fb","size":1,"owner":{"id":"i","displayName":"d"}}],"commonPrefixes":[{"prefix":"p%20q/"}]}}`), false)
	f.Add([]byte(`{"statusCode":200,"listResultXml":"<ListBucketResult/>"}`), false)
	f.Add([]byte(`{"statusCode":403,"errorCode":"AccessDenied","errorMessage":"no"}`), false)
	f.Fuzz(func(t *testing.T, b []byte, v2 bool) {
		kind := List
		if v2 {
			kind = ListV2
		}
		rp, err := Parse(b, kind)
		if err != nil {
			return
		}
		if rp.StatusCode < 100 || rp.StatusCode > 599 {
			t.Fatalf("status %d accepted", rp.StatusCode)
		}
		if rp.ErrorCode != "" && !s3err.ValidCode(rp.ErrorCode) {
			t.Fatalf("error code %q accepted", rp.ErrorCode)
		}
		if rp.ErrorCode == "" && rp.Body == nil {
			t.Fatal("a successful listing without a body")
		}
		for k, vs := range rp.Header {
			for _, v := range vs {
				if k == "" || strings.ContainsAny(k+v, "\r\n") {
					t.Fatalf("header %q: %q accepted", k, v)
				}
			}
		}
		if _, err := Parse(b, Head); err != nil && rp.ErrorCode != "" {
			t.Fatalf("an error reply valid for a listing is invalid for HEAD: %v", err)
		}
		var in struct {
			ListResultXML *string `json:"listResultXml"`
		}
		_ = json.Unmarshal(b, &in)
		if rp.ErrorCode == "" && in.ListResultXML == nil {
			// Written by AppendXML: S3 clients must read it back.
			back, err := listing.Parse(rp.Body)
			if err != nil {
				t.Fatalf("the written listing does not parse: %v\n%s", err, rp.Body)
			}
			if back.V2 != v2 {
				t.Fatalf("V2 %v written as %v", v2, back.V2)
			}
		}
	})
}
