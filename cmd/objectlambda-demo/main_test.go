package main

import (
	"bytes"
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDemo(t *testing.T) {
	tests := []struct {
		function string
		want     []string
		notWant  []string
	}{
		{function: "redact", want: []string{"for [REDACTED], card [REDACTED]"}, notWant: []string{"ana@example.com\n"}},
		{function: "decompress", want: []string{"2026-11-28T01:00:01Z,WARN,disk at 91%", "Content-Type text/csv"}},
		{function: "passthrough", want: []string{"through the access point (128 bytes", "ana@example.com, card 4111"}},
	}
	for _, tt := range tests {
		t.Run(tt.function, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			var out bytes.Buffer
			require.NoError(t, run(ctx, []string{"-once", "-function", tt.function}, &out))
			for _, w := range tt.want {
				assert.Contains(t, out.String(), w)
			}
			transformed := out.String()[bytes.Index(out.Bytes(), []byte("through the access point")):]
			for _, w := range tt.notWant {
				assert.NotContains(t, transformed, w)
			}
		})
	}
	var out bytes.Buffer
	assert.Error(t, run(context.Background(), []string{"-function", "nope"}, &out))
}

func TestDemoServesUntilCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	var out bytes.Buffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, nil, &out) }()
	time.Sleep(2 * time.Second)
	cancel()
	select {
	case err := <-done:
		require.NoError(t, err)
	case <-time.After(20 * time.Second):
		t.Fatal("the demo did not stop on cancel")
	}
	assert.Contains(t, out.String(), "aws s3api get-object --endpoint-url http://127.0.0.1:")
}
