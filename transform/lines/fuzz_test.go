package lines

import (
	"bytes"
	"errors"
	"io"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

// FuzzLines compares the streaming filter with a simple whole-input model.
func FuzzLines(f *testing.F) {
	f.Add([]byte("INFO a\nERROR b\r\n\nx"), uint8(4), uint8(0))
	f.Add([]byte("aaaaaaaaaa\nb\n"), uint8(3), uint8(2))
	f.Fuzz(func(t *testing.T, data []byte, maxLine, head uint8) {
		ml := 1 + int(maxLine)%32
		fl := MustNew(WithMaxLineLength(ml), TruncateLongLines(), Drop(`^E`), Head(int(head)%5))
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

// FuzzLegacy runs the filter and the line-at-a-time version it replaced
// (legacy_test.go) on the same input and configuration, with uneven reads,
// and requires the same output bytes and the same error, early (an S3
// error) or late. Bits of sel pick literal and regular-expression
// patterns, Head, the maximum line length and truncation.
func FuzzLegacy(f *testing.F) {
	f.Add([]byte("INFO a\nERROR b\r\n\nx 2024 y\nhealthcheck\n"), uint16(0x0013), uint8(3))
	f.Add([]byte("aaaaaaaaaa\nb\n2024\r\n"), uint16(0x00c4), uint8(1))
	f.Add(transformtest.Logs(2<<10, 4), uint16(0x0102), uint8(7))
	f.Fuzz(func(t *testing.T, data []byte, sel uint16, seed uint8) {
		keeps := []string{"2024", "ERROR", `^x`, ""}
		drops := []string{"health", "a", `\d{3}`, "é"}
		var opts []Option
		for i, p := range keeps {
			if sel&(1<<i) != 0 {
				opts = append(opts, Keep(p))
			}
		}
		for i, p := range drops {
			if sel&(1<<(4+i)) != 0 {
				opts = append(opts, Drop(p))
			}
		}
		opts = append(opts, Head(int(sel>>8&3)))
		if sel&(1<<10) != 0 {
			opts = append(opts, WithMaxLineLength(1+int(seed)%16))
		}
		if sel&(1<<11) != 0 {
			opts = append(opts, TruncateLongLines())
		}
		fl := MustNew(opts...)
		in := transformtest.Input{Body: data}
		for _, wrap := range []func(io.Reader) io.Reader{nil, iotest.OneByteReader, transformtest.Chunky(uint64(seed))} {
			got := transformtest.Apply(fl, in, wrap, nil)
			want := transformtest.Apply(legacyFilter{fl}, in, wrap, nil)
			require.Equal(t, want.Err == nil, got.Err == nil, "legacy: %v; new: %v", want.Err, got.Err)
			if want.Err != nil {
				require.Equal(t, want.Err.Error(), got.Err.Error())
				_, wantS3 := errors.AsType[*s3err.Error](want.Err)
				_, gotS3 := errors.AsType[*s3err.Error](got.Err)
				require.Equal(t, wantS3, gotS3, "early (S3) or late failure")
			}
			require.Equal(t, string(want.Body), string(got.Body))
		}
	})
}
