package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/objectlambda/sdk-go/examples/internal/extest"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func handler(t *testing.T) objectlambdatest.Option {
	opts, err := options()
	require.NoError(t, err)
	return objectlambdatest.WithHandler(opts...)
}

func gz(t *testing.T, s string) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write([]byte(s))
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func zst(t *testing.T, s string) []byte {
	enc, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	defer enc.Close()
	return enc.EncodeAll([]byte(s), nil)
}

// csvLog is a few hundred KiB: larger than what the handler reads ahead, so
// ranges near its end are served from the spool.
func csvLog() string {
	var b strings.Builder
	b.WriteString("time,level,message\n")
	for i := range 10000 {
		fmt.Fprintf(&b, "2026-11-28T01:%02d:%02dZ,INFO,request %d served\n", i/60%60, i%60, i)
	}
	return b.String()
}

func TestDecompress(t *testing.T) {
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", handler(t))...)
	logs := csvLog()
	ap.PutObjectBytes(t, "logs/day.csv.gz", gz(t, logs), func(in *s3.PutObjectInput) { in.ContentType = aws.String("application/gzip") })
	ap.PutObjectBytes(t, "events.json.zst", zst(t, `{"event":"login"}`), func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("application/json")
		in.ContentEncoding = aws.String("zstd")
	})
	ap.PutObject(t, "plain.txt", "not compressed", func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	ctx := context.Background()
	client := ap.Client()
	n := len(logs)

	tests := []struct {
		name, key, rng, want, contentType, contentRange string
	}{
		{name: "gzip, type from the inner extension", key: "logs/day.csv.gz", want: logs, contentType: "text/csv"},
		{name: "zstd by Content-Encoding", key: "events.json.zst", want: `{"event":"login"}`, contentType: "application/json"},
		{name: "uncompressed passes through", key: "plain.txt", want: "not compressed", contentType: "text/plain"},
		{name: "range over the decompressed bytes", key: "logs/day.csv.gz", rng: "bytes=0-17", want: "time,level,message",
			contentType: "text/csv", contentRange: fmt.Sprintf("bytes 0-17/%d", n)},
		{name: "suffix range at the far end", key: "logs/day.csv.gz", rng: "bytes=-22", want: logs[n-22:],
			contentType: "text/csv", contentRange: fmt.Sprintf("bytes %d-%d/%d", n-22, n-1, n)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			out, err := client.GetObject(ctx, in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, extest.Body(t, out.Body))
			assert.Equal(t, tt.contentType, aws.ToString(out.ContentType))
			assert.Empty(t, aws.ToString(out.ContentEncoding))
			assert.Equal(t, tt.contentRange, aws.ToString(out.ContentRange))
		})
	}
	t.Run("range beyond the decompressed end", func(t *testing.T) {
		_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("logs/day.csv.gz"),
			Range: aws.String(fmt.Sprintf("bytes=%d-", n+10))})
		status, code := extest.ErrorOf(t, err)
		assert.Equal(t, http.StatusRequestedRangeNotSatisfiable, status)
		assert.Equal(t, "InvalidRange", code)
	})
}

func TestDecompressLimits(t *testing.T) {
	tests := []struct {
		name, payload string
		status        int
		code          string
	}{
		{name: "bomb guard", payload: `{"maxOutputBytes": 4096}`, status: http.StatusBadRequest, code: "EntityTooLarge"},
		{name: "not compressed, no passthrough", payload: `{}`, status: http.StatusBadRequest, code: "UnsupportedMediaType"},
		{name: "compress mode refused", payload: `{"mode": "compress"}`, status: http.StatusInternalServerError, code: "InvalidPayload"},
		{name: "misspelt limit", payload: `{"maxOutput": 4096}`, status: http.StatusInternalServerError, code: "InvalidPayload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := objectlambdatest.New(t, objectlambdatest.WithMemoryStore(), objectlambdatest.WithPayload(tt.payload), handler(t))
			key := "zeros.bin.gz"
			body := gz(t, strings.Repeat("\x00", 1<<20))
			if tt.code == "UnsupportedMediaType" {
				key, body = "plain.txt", []byte("not compressed")
			}
			ap.PutObjectBytes(t, key, body)
			_, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
			status, code := extest.ErrorOf(t, err)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, code)
		})
	}
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator.
func TestBootstrapUnderRIE(t *testing.T) {
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap))...)
	ap.PutObjectBytes(t, "logs/day.csv.gz", gz(t, "time,level\n01:00,INFO\n"))
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: ap.Bucket(), Key: aws.String("logs/day.csv.gz"), Range: aws.String("bytes=11-"),
	})
	require.NoError(t, err)
	assert.Equal(t, "01:00,INFO\n", extest.Body(t, out.Body))
	assert.Equal(t, "bytes 11-21/22", aws.ToString(out.ContentRange))
	require.Len(t, ap.WGORCalls(), 1)
	assert.NoError(t, ap.WGORCalls()[0].Err)
}
