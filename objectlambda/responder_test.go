package objectlambda

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestExactReader(t *testing.T) {
	tagErr := errors.New("authentication tag mismatch")
	tests := []struct {
		name     string
		body     io.Reader
		announce int64
		want     string
		wantErr  error
	}{
		{name: "exact", body: strings.NewReader("hello"), announce: 5, want: "hello"},
		{name: "exact, one byte at a time", body: iotest.OneByteReader(strings.NewReader("hello")), announce: 5, want: "hello"},
		{name: "empty", body: strings.NewReader(""), announce: 0, want: ""},
		{name: "short", body: strings.NewReader("hell"), announce: 5, wantErr: ErrLengthMismatch},
		{name: "long", body: strings.NewReader("hello!"), announce: 5, wantErr: ErrLengthMismatch},
		{name: "error after the last byte", body: io.MultiReader(strings.NewReader("hello"), iotest.ErrReader(tagErr)), announce: 5, wantErr: tagErr},
		{name: "error with the last byte", body: iotest.DataErrReader(io.MultiReader(strings.NewReader("hello"), iotest.ErrReader(tagErr))), announce: 5, wantErr: tagErr},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			// Read the way the HTTP client does: at most the announced length.
			var got bytes.Buffer
			_, err := io.Copy(&got, io.LimitReader(&exactReader{r: tt.body, remaining: tt.announce}, tt.announce))
			if tt.wantErr != nil {
				require.ErrorIs(t, err, tt.wantErr)
				assert.Less(t, got.Len(), int(tt.announce)+1)
				if got.Len() == int(tt.announce) {
					t.Fatalf("a bad body was delivered whole: %q", got.String())
				}
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.String())
		})
	}
}

func TestReplyStatus(t *testing.T) {
	for in, want := range map[int]int{200: 200, 206: 206, 304: 304, 404: 404, 416: 416, 415: 400, 413: 400, 429: 503, 502: 503, 504: 503, 501: 500, 599: 500, 503: 503} {
		assert.Equal(t, want, replyStatus(in), "status %d", in)
	}
}
