package lines

import (
	"bytes"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// FuzzLines compares the streaming filter with a simple whole-input model.
func FuzzLines(f *testing.F) {
	f.Add([]byte("INFO a\nERROR b\r\n\nx"), uint8(4), uint8(0))
	f.Add([]byte("aaaaaaaaaa\nb\n"), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, maxLine, head uint8) {
		ml := 1 + int(maxLine)%32
		fl := MustNew(MaxLineLength(ml), TruncateLongLines(), Drop(`^E`), Head(int(head)%5))
		got := transformtest.Apply(fl, transformtest.Input{Body: data}, iotest.OneByteReader, nil)
		require.NoError(t, got.Err)
		whole := transformtest.Apply(fl, transformtest.Input{Body: data}, nil, nil)
		require.NoError(t, whole.Err)
		require.True(t, bytes.Equal(whole.Body, got.Body))
		require.Equal(t, model(data, ml, int(head)%5), string(got.Body))
	})
}

func model(data []byte, maxLine, head int) string {
	var out bytes.Buffer
	n := 0
	parts := bytes.SplitAfter(data, []byte("\n"))
	for _, p := range parts {
		if len(p) == 0 {
			continue
		}
		nl := bytes.HasSuffix(p, []byte("\n"))
		c := bytes.TrimSuffix(p, []byte("\n"))
		cr := false
		if len(c) > maxLine+1 { // cut while assembling, '\r' not recognised
			c = c[:maxLine]
		} else if bytes.HasSuffix(c, []byte("\r")) {
			c, cr = c[:len(c)-1], true
			if len(c) > maxLine {
				c, cr = c[:maxLine], false
			}
		} else if len(c) > maxLine {
			c = c[:maxLine]
		}
		if bytes.HasPrefix(c, []byte("E")) {
			continue
		}
		out.Write(c)
		if cr {
			out.WriteByte('\r')
		}
		if nl {
			out.WriteByte('\n')
		}
		n++
		if head > 0 && n >= head {
			break
		}
	}
	return out.String()
}
