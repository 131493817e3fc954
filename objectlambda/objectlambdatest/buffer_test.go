package objectlambdatest_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/stretchr/testify/assert"
)

func TestBufferLines(t *testing.T) {
	for _, tc := range []struct {
		name    string
		written string
		want    []string
	}{
		{name: "empty", written: "", want: nil},
		{name: "half a line", written: `{"a":`, want: nil},
		{name: "one line", written: "one\n", want: []string{"one"}},
		{name: "the last line is not complete yet", written: "one\ntwo\nthr", want: []string{"one", "two"}},
		{name: "blank lines are lines", written: "one\n\ntwo\n", want: []string{"one", "", "two"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var b objectlambdatest.Buffer
			_, _ = b.Write([]byte(tc.written))
			assert.Equal(t, tc.want, b.Lines())
			assert.Equal(t, tc.written, b.String())
			b.Reset()
			assert.Empty(t, b.String())
		})
	}
}

// TestBufferConcurrent: writers and readers at once (run with -race); every
// line arrives whole.
func TestBufferConcurrent(t *testing.T) {
	var b objectlambdatest.Buffer
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 100 {
				fmt.Fprintf(&b, "writer %d line %d\n", w, i)
			}
		})
		wg.Go(func() {
			for range 100 {
				for _, l := range b.Lines() {
					assert.True(t, strings.HasPrefix(l, "writer "), l)
				}
			}
		})
	}
	wg.Wait()
	assert.Len(t, b.Lines(), 800)
}

// A Buffer receives what a function prints while the test reads it.
func ExampleBuffer() {
	var out objectlambdatest.Buffer
	fmt.Fprintln(&out, `{"msg":"objectlambda request","status":200}`)
	fmt.Fprint(&out, `{"msg":"objectlambda req`) // still being written
	fmt.Println(out.Lines())
	// Output: [{"msg":"objectlambda request","status":200}]
}
