package csvfilter_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/internal/strictjson"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/csvfilter"
)

// FuzzFilter runs arbitrary input through a filter: no panic, chunking does
// not change the result, errors before the first byte are S3 errors, and a
// successful output is valid CSV with the kept rows.
func FuzzFilter(f *testing.F) {
	f.Add(people, "name", "country", "PT")
	f.Add("a,b\n\"x\"\"y\",\"1\n2\"\n", "a", "b", "1")
	f.Add("a\n\"unterminated\n", "", "a", "")
	f.Add("a,b\r\n1,2\r\n", "b", "a", "1")
	f.Add("", "", "", "")
	f.Fuzz(func(t *testing.T, input, drop, whereCol, whereVal string) {
		cfg := csvfilter.Config{LazyQuotes: len(input)%2 == 1, MaxRowBytes: 4096, MaxFieldBytes: 1024}
		if drop != "" {
			cfg.Drop = []string{drop}
		}
		if whereCol != "" {
			cfg.Where = []csvfilter.Predicate{{Column: whereCol, Op: csvfilter.OpContains, Value: whereVal}}
		}
		flt, err := csvfilter.FromConfig(cfg)
		require.NoError(t, err)
		read := func(oneByte bool) (string, error) {
			obj := object(input, "", transform.Caller{})
			if oneByte {
				obj.Body = iotest.OneByteReader(strings.NewReader(input))
			}
			out, err := transform.Run(context.Background(), flt, obj)
			require.NoError(t, err)
			var b bytes.Buffer
			if oneByte {
				_, err = io.Copy(&b, iotest.OneByteReader(out.Body))
			} else {
				_, err = io.Copy(&b, out.Body)
			}
			if err != nil && b.Len() == 0 {
				_, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok || err == context.Canceled, "errors before the first byte are S3 errors: %v", err)
			}
			return b.String(), err
		}
		whole, err1 := read(false)
		one, err2 := read(true)
		require.Equal(t, err1 == nil, err2 == nil, "%v vs %v", err1, err2)
		if err1 != nil {
			return
		}
		require.Equal(t, whole, one)
		recs, err := csv.NewReader(strings.NewReader(whole)).ReadAll()
		require.NoError(t, err, "output must be valid CSV: %q", whole)
		in, err := csv.NewReader(strings.NewReader(input)).ReadAll()
		if err == nil && !cfg.LazyQuotes {
			require.LessOrEqual(t, len(recs), len(in))
		}
	})
}

// FuzzPayload: any payload, decoded as transform.Configure decodes it,
// either is refused by the decoder or configures a Filter through FromConfig
// or fails with ErrConfig; never panics.
func FuzzPayload(f *testing.F) {
	f.Add([]byte(`{"keep":["a"],"where":[{"column":"a","op":"regex","value":"^x"}]}`))
	f.Add([]byte(`{"access":{"allow":{"arn:aws:iam::*:role/x":["a"]},"default":["*"]},"delimiter":"tab"}`))
	f.Add([]byte(`{"where":[{"column":"n","op":"lt","value":"1e3"}]}`))
	f.Fuzz(func(t *testing.T, payload []byte) {
		var cfg csvfilter.Config
		if strictjson.Decode(payload, &cfg) != nil {
			return
		}
		flt, err := csvfilter.FromConfig(cfg)
		if err != nil {
			require.ErrorIs(t, err, csvfilter.ErrConfig)
			return
		}
		require.NotNil(t, flt)
	})
}
