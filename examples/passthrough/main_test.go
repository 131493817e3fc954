package main

import (
	"context"
	"io"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const body = "0123456789abcdefghijklmnopqrstuvwxyz"

func TestPassthrough(t *testing.T) {
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithHandler())...)
	ap.PutObject(t, "notes.txt", body, func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/plain")
		in.Metadata = map[string]string{"owner": "ana"}
	})
	ctx := context.Background()
	client := ap.Client()

	tests := []struct {
		name, rng    string
		part         int32
		want         string
		contentRange string
	}{
		{name: "whole object", want: body},
		{name: "range", rng: "bytes=10-15", want: "abcdef", contentRange: "bytes 10-15/36"},
		{name: "suffix range", rng: "bytes=-3", want: "xyz", contentRange: "bytes 33-35/36"},
		{name: "part 1", part: 1, want: body, contentRange: "bytes 0-35/36"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			if tt.part != 0 {
				in.PartNumber = aws.Int32(tt.part)
			}
			out, err := client.GetObject(ctx, in)
			require.NoError(t, err)
			got, err := io.ReadAll(out.Body)
			require.NoError(t, err)
			require.NoError(t, out.Body.Close())
			assert.Equal(t, tt.want, string(got))
			assert.Equal(t, "text/plain", aws.ToString(out.ContentType))
			assert.Equal(t, "ana", out.Metadata["owner"])
			assert.Equal(t, tt.contentRange, aws.ToString(out.ContentRange))
			assert.NotEmpty(t, aws.ToString(out.ETag), "an unchanged body keeps its ETag")
		})
	}

	head, err := client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), aws.ToInt64(head.ContentLength))
	assert.Equal(t, "text/plain", aws.ToString(head.ContentType))

	head, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt"), Range: aws.String("bytes=-6")})
	require.NoError(t, err)
	assert.Equal(t, int64(6), aws.ToInt64(head.ContentLength))
	assert.Equal(t, "bytes 30-35/36", aws.ToString(head.ContentRange))

	head, err = client.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt"), PartNumber: aws.Int32(1)})
	require.NoError(t, err)
	assert.Equal(t, int64(len(body)), aws.ToInt64(head.ContentLength))
	assert.Equal(t, int32(1), aws.ToInt32(head.PartsCount))
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator.
func TestBootstrapUnderRIE(t *testing.T) {
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap))...)
	ap.PutObject(t, "notes.txt", body)
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{
		Bucket: ap.Bucket(), Key: aws.String("notes.txt"), Range: aws.String("bytes=0-9"),
	})
	require.NoError(t, err)
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	assert.Equal(t, "0123456789", string(got))
	assert.Equal(t, "bytes 0-9/36", aws.ToString(out.ContentRange))
	require.Len(t, ap.WGORCalls(), 1)
	assert.NoError(t, ap.WGORCalls()[0].Err)
}
