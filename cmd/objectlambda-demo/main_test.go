package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestDemo(t *testing.T) {
	tests := []struct {
		args    []string
		want    []string
		notWant []string
	}{
		{args: []string{"-function", "redact"}, want: []string{"for [REDACTED], card [REDACTED], phone [REDACTED]"}, notWant: []string{"ana@example.com"}},
		{args: []string{"-function", "redact", "-payload", `{"detectors": ["email"], "mask": "same_length"}`},
			want: []string{"for ***************, card 4111 1111 1111 1111"}, notWant: []string{"ana@example.com"}},
		{args: []string{"-function", "decompress"}, want: []string{"2026-11-28T01:00:01Z,WARN,disk at 91%", "Content-Type text/csv"}},
		{args: []string{"-function", "passthrough"}, want: []string{"through the access point (128 bytes", "ana@example.com, card 4111"}},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out bytes.Buffer
			require.NoError(t, run(ctx, append([]string{"-once"}, tt.args...), &out))
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
			transformed := out.String()[bytes.Index(out.Bytes(), []byte("through the access point")):]
			for _, w := range tt.notWant {
				assert.NotContains(t, transformed, w)
			}
		})
	}
	for _, bad := range [][]string{{"-function", "nope"}, {"-seed"}, {"-actions", "GetObject,PutObject", "-once"}} {
		var out bytes.Buffer
		assert.Error(t, run(context.Background(), bad, &out), "%q", bad)
	}
}

// TestDemoMatchesTemplates: each demo function is configured as its
// example's SAM template deploys it.
func TestDemoMatchesTemplates(t *testing.T) {
	for name, f := range functions {
		t.Run(name, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("..", "..", "examples", f.dir, "template.yaml"))
			require.NoError(t, err)
			var doc yaml.Node
			require.NoError(t, yaml.Unmarshal(b, &doc))
			conf := find(t, &doc, "Resources", "ObjectLambdaAccessPoint", "Properties", "ObjectLambdaConfiguration")
			assert.Equal(t, f.features, strs(find(t, conf, "AllowedFeatures")))
			tcs := find(t, conf, "TransformationConfigurations")
			require.Len(t, tcs.Content, 1)
			assert.Equal(t, f.actions, strs(find(t, tcs.Content[0], "Actions")))
			assert.Equal(t, f.payload, find(t, tcs.Content[0], "ContentTransformation", "AwsLambda", "FunctionPayload").Value)
		})
	}
}

// find walks mapping keys from n.
func find(t *testing.T, n *yaml.Node, path ...string) *yaml.Node {
	t.Helper()
	for n.Kind == yaml.DocumentNode {
		n = n.Content[0]
	}
	for _, key := range path {
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Kind == yaml.MappingNode && n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		require.NotNil(t, next, "no %q", key)
		n = next
	}
	return n
}

func strs(n *yaml.Node) []string {
	var out []string
	for _, c := range n.Content {
		out = append(out, c.Value)
	}
	return out
}

func TestDemoServesUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out objectlambdatest.Buffer // written by run, read here
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, &out) }()
	require.Eventually(t, func() bool { return strings.Contains(out.String(), "Serving until Ctrl-C") }, 20*time.Second, 10*time.Millisecond)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("the demo did not stop on cancel")
	}
	assert.Contains(t, out.String(), "aws s3 cp --endpoint-url http://127.0.0.1:")
}

// TestDemoLeavesYourBucketAlone: with -endpoint, nothing is written without
// -seed; with -seed the samples are removed on exit, and an existing key is
// never overwritten.
func TestDemoLeavesYourBucketAlone(t *testing.T) {
	st := objectlambdatest.NewStore(t, "us-east-1")
	st.CreateBucket(t, "yours")
	ctx := context.Background()
	args := []string{"-once", "-endpoint", st.URL, "-access-key", st.AccessKeyID, "-secret-key", st.SecretAccessKey, "-bucket", "yours"}
	keys := func() []string {
		out, err := st.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("yours")})
		require.NoError(t, err)
		var ks []string
		for _, o := range out.Contents {
			ks = append(ks, aws.ToString(o.Key))
		}
		return ks
	}

	var out bytes.Buffer
	require.NoError(t, run(ctx, args, &out))
	assert.Contains(t, out.String(), "wrote nothing into bucket \"yours\"")
	assert.Empty(t, keys())

	out.Reset()
	require.NoError(t, run(ctx, append(args, "-seed"), &out))
	assert.Contains(t, out.String(), "for [REDACTED], card [REDACTED]", "the seeded sample was served")
	assert.Empty(t, keys(), "the samples are removed on exit")

	_, err := st.Client().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("yours"), Key: aws.String("logs/app.csv.gz"), Body: strings.NewReader("mine")})
	require.NoError(t, err)
	out.Reset()
	err = run(ctx, append(args, "-seed"), &out)
	require.ErrorContains(t, err, "logs/app.csv.gz already exists")
	assert.Equal(t, []string{"logs/app.csv.gz"}, keys(), "nothing else written, nothing removed")
	got, err := st.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("yours"), Key: aws.String("logs/app.csv.gz")})
	require.NoError(t, err)
	defer got.Body.Close()
	assert.Equal(t, int64(4), aws.ToInt64(got.ContentLength), "the existing object is untouched")
}
