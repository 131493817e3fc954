package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/examples/internal/extest"
	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	text     = "Write to ana@example.com or call +1 415 555 2671. Card 4111 1111 1111 1111, SSN 123-45-6789.\n"
	redacted = "Write to [REDACTED] or call [REDACTED]. Card [REDACTED], SSN [REDACTED].\n"
	csvIn    = "id,name,email,card\n1,Ana,ana@example.com,4111-1111-1111-1111\n2,Bo,bo@example.org,5500 0000 0000 0004\n"
	csvOut   = "id,name,email,card\n1,Ana,[REDACTED],[REDACTED]\n2,Bo,[REDACTED],[REDACTED]\n"
	jsonIn   = `{"user":{"email":"ana@example.com","phone":"+1 415 555 2671"},"note":"card 4111111111111111 on file","n":3}`
	jsonOut  = `{"user":{"email":"[REDACTED]","phone":"[REDACTED]"},"note":"card [REDACTED] on file","n":3}`
)

func handler(t *testing.T) objectlambdatest.Option {
	opts, err := options()
	require.NoError(t, err)
	return objectlambdatest.WithHandler(opts...)
}

func put(t *testing.T, ap *objectlambdatest.AccessPoint, key, body, contentType string) {
	ap.PutObject(t, key, body, func(in *s3.PutObjectInput) { in.ContentType = aws.String(contentType) })
}

// TestRedactPII serves objects through an access point configured as
// template.yaml configures it.
func TestRedactPII(t *testing.T) {
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", handler(t))...)
	put(t, ap, "notes.txt", text, "text/plain; charset=utf-8")
	put(t, ap, "people.csv", csvIn, "text/csv")
	put(t, ap, "user.json", jsonIn, "application/json")
	put(t, ap, "photo.png", "\x89PNG\r\n\x1a\n", "image/png")
	ctx := context.Background()
	client := ap.Client()

	tests := []struct {
		key, rng, want, contentType, contentRange string
	}{
		{key: "notes.txt", want: redacted, contentType: "text/plain; charset=utf-8"},
		{key: "people.csv", want: csvOut, contentType: "text/csv"},
		{key: "user.json", want: jsonOut, contentType: "application/json"},
		// Ranges address the redacted bytes.
		{key: "notes.txt", rng: "bytes=9-18", want: "[REDACTED]", contentType: "text/plain; charset=utf-8",
			contentRange: fmt.Sprintf("bytes 9-18/%d", len(redacted))},
	}
	for _, tt := range tests {
		t.Run(tt.key+tt.rng, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tt.key)}
			if tt.rng != "" {
				in.Range = aws.String(tt.rng)
			}
			out, err := client.GetObject(ctx, in)
			require.NoError(t, err)
			assert.Equal(t, tt.want, extest.Body(t, out.Body))
			assert.Equal(t, tt.contentType, aws.ToString(out.ContentType))
			assert.Equal(t, tt.contentRange, aws.ToString(out.ContentRange))
			assert.Empty(t, aws.ToString(out.ETag), "the ETag of the original does not describe the redacted bytes")
		})
	}
	t.Run("json stays valid", func(t *testing.T) {
		out, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("user.json")})
		require.NoError(t, err)
		assert.True(t, json.Valid([]byte(extest.Body(t, out.Body))))
	})
	t.Run("other content types are refused", func(t *testing.T) {
		_, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("photo.png")})
		status, code := extest.ErrorOf(t, err)
		assert.Equal(t, http.StatusBadRequest, status) // WGOR has no 415; the code says it
		assert.Equal(t, "UnsupportedMediaType", code)
	})
}

// TestPayloadChoosesDetectors runs the same function behind access points
// with other payloads.
func TestPayloadChoosesDetectors(t *testing.T) {
	tests := []struct {
		name, payload, want string
		status              int
		code                string
	}{
		{name: "emails only", payload: `{"detectors":["email"]}`,
			want: "Write to [REDACTED] or call +1 415 555 2671. Card 4111 1111 1111 1111, SSN 123-45-6789.\n"},
		{name: "same length", payload: `{"detectors":["card"],"mask":"same_length","maskChar":"#"}`,
			want: "Write to ana@example.com or call +1 415 555 2671. Card ###################, SSN 123-45-6789.\n"},
		{name: "own pattern", payload: `{"patterns":["SSN [0-9-]{11}"],"replacement":"SSN ?"}`,
			want: "Write to ana@example.com or call +1 415 555 2671. Card 4111 1111 1111 1111, SSN ?.\n"},
		{name: "unknown detector", payload: `{"detectors":["emial"]}`, status: http.StatusInternalServerError, code: "InvalidPayload"},
		{name: "misspelt field", payload: `{"detector":["email"]}`, status: http.StatusInternalServerError, code: "InvalidPayload"},
		{name: "snake_case field of before v0.1.0", payload: `{"detectors":["card"],"mask":"same_length","mask_char":"#"}`,
			status: http.StatusInternalServerError, code: "InvalidPayload"},
		{name: "no detectors", payload: `{}`, status: http.StatusInternalServerError, code: "InvalidPayload"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := objectlambdatest.New(t, objectlambdatest.WithMemoryStore(), objectlambdatest.WithPayload(tt.payload), handler(t))
			put(t, ap, "notes.txt", text, "text/plain")
			out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
			if tt.code != "" {
				status, code := extest.ErrorOf(t, err)
				assert.Equal(t, tt.status, status)
				assert.Equal(t, tt.code, code)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, extest.Body(t, out.Body))
		})
	}
}

// TestBootstrapUnderRIE runs the program itself, built as a provided.al2023
// bootstrap, under AWS's Lambda Runtime Interface Emulator.
func TestBootstrapUnderRIE(t *testing.T) {
	bootstrap := objectlambdatest.BuildBootstrap(t, ".")
	ap := objectlambdatest.New(t, samtemplate.AccessPoint(t, "template.yaml", objectlambdatest.WithBootstrap(bootstrap))...)
	put(t, ap, "notes.txt", text, "text/plain")
	out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("notes.txt")})
	require.NoError(t, err)
	assert.Equal(t, redacted, extest.Body(t, out.Body))
	require.Len(t, ap.WGORCalls(), 1)
	assert.NoError(t, ap.WGORCalls()[0].Err)
}
