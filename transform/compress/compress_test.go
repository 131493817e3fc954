package compress_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/compress"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func gz(t testing.TB, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	_, err := w.Write(data)
	require.NoError(t, err)
	require.NoError(t, w.Close())
	return b.Bytes()
}

func zst(t testing.TB, data []byte) []byte {
	t.Helper()
	w, err := zstd.NewWriter(nil)
	require.NoError(t, err)
	defer w.Close()
	return w.EncodeAll(data, nil)
}

func object(body []byte, key string, hdr http.Header) *transform.Object {
	if hdr == nil {
		hdr = http.Header{}
	}
	return &transform.Object{
		Body:    bytes.NewReader(body),
		Header:  hdr,
		Length:  int64(len(body)),
		Request: &transform.Request{Operation: "GetObject", Key: key, URL: &url.URL{Path: "/" + key}, Header: http.Header{}},
	}
}

func hdr(kv ...string) http.Header {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Set(kv[i], kv[i+1])
	}
	return h
}

// run applies tr through transform.Run and reads the whole body.
func run(t testing.TB, tr transform.Transform, obj *transform.Object) (*transform.Object, []byte, error) {
	t.Helper()
	out, err := transform.Run(context.Background(), tr, obj)
	if err != nil {
		return nil, nil, err
	}
	b, err := io.ReadAll(out.Body)
	return out, b, err
}

func TestDecompress(t *testing.T) {
	plain := []byte(strings.Repeat("id,name\n1,ana\n", 100))
	tests := []struct {
		name      string
		body      []byte
		key       string
		header    http.Header
		wantType  string
		wantCode  string
		wantIs    error
		wantPlain bool
	}{
		{name: "gzip by header", body: gz(t, plain), key: "a.csv", header: hdr("Content-Encoding", "gzip", "Content-Type", "text/csv"), wantType: "text/csv"},
		{name: "x-gzip by header", body: gz(t, plain), key: "a", header: hdr("Content-Encoding", "x-gzip"), wantType: "application/octet-stream"},
		{name: "zstd by header", body: zst(t, plain), key: "a.bin", header: hdr("Content-Encoding", "zstd", "Content-Type", "text/plain"), wantType: "text/plain"},
		{name: "gzip by suffix, csv inner type", body: gz(t, plain), key: "dir/report.csv.gz", header: hdr("Content-Type", "application/gzip"), wantType: "text/csv"},
		{name: "zstd by suffix, json inner type", body: zst(t, plain), key: "x.JSON.zst", header: hdr("Content-Type", "binary/octet-stream"), wantType: "application/json"},
		{name: "suffix, unknown inner ext", body: gz(t, plain), key: "x.weird.gz", header: hdr("Content-Type", "application/gzip"), wantType: "application/octet-stream"},
		{name: "suffix, specific stored type kept", body: gz(t, plain), key: "x.csv.gz", header: hdr("Content-Type", "text/plain"), wantType: "text/plain"},
		{name: "gzip by magic", body: gz(t, plain), key: "blob", wantType: "application/octet-stream"},
		{name: "zstd by magic", body: zst(t, plain), key: "blob", header: hdr("Content-Type", "application/zstd"), wantType: "application/octet-stream"},
		{name: "identity header falls to suffix", body: gz(t, plain), key: "a.txt.gz", header: hdr("Content-Encoding", "identity"), wantType: "text/plain; charset=utf-8"},
		{name: "plain object refused", body: plain, key: "a.csv", wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrUnsupported},
		{name: "empty object refused", body: nil, key: "a.csv", wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrUnsupported},
		{name: "brotli refused", body: plain, key: "a", header: hdr("Content-Encoding", "br"), wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrUnsupported},
		{name: "stacked refused", body: plain, key: "a", header: hdr("Content-Encoding", "gzip, zstd"), wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrUnsupported},
		{name: "corrupt gzip header", body: []byte("not gzip at all"), key: "a.gz", wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrCorrupt},
		{name: "corrupt zstd", body: []byte{0x28, 0xb5, 0x2f, 0xfd, 0xff, 0xff, 0xff}, key: "a", wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrCorrupt},
		{name: "empty gzip by suffix", body: nil, key: "a.gz", wantCode: s3err.CodeUnsupportedMediaType, wantIs: compress.ErrCorrupt},
	}
	d, err := compress.NewDecompressor()
	require.NoError(t, err)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, got, err := run(t, d, object(tt.body, tt.key, tt.header))
			if tt.wantCode != "" {
				require.Error(t, err)
				e, ok := errors.AsType[*s3err.Error](err)
				require.True(t, ok, "want an *s3err.Error, got %v", err)
				assert.Equal(t, tt.wantCode, e.Code)
				assert.ErrorIs(t, err, tt.wantIs)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, plain, got)
			assert.Empty(t, out.Header.Get("Content-Encoding"))
			assert.Equal(t, tt.wantType, out.Header.Get("Content-Type"))
			assert.Equal(t, int64(-1), out.Length)
		})
	}
}

func TestDecompressPassthrough(t *testing.T) {
	d, err := compress.NewDecompressor(compress.WithPassthrough(true))
	require.NoError(t, err)
	out, got, err := run(t, d, object([]byte("plain text"), "a.txt", hdr("Content-Type", "text/plain")))
	require.NoError(t, err)
	assert.Equal(t, "plain text", string(got))
	assert.Equal(t, "text/plain", out.Header.Get("Content-Type"))
}

func TestDecompressMidStreamCorruption(t *testing.T) {
	plain := bytes.Repeat([]byte("0123456789abcdef"), 1<<14) // 256 KiB
	data := gz(t, plain)
	data = data[:len(data)-20] // truncated: the trailer and some data are gone
	d, err := compress.NewDecompressor()
	require.NoError(t, err)
	_, got, err := run(t, d, object(data, "a.gz", nil))
	require.Error(t, err)
	assert.ErrorIs(t, err, compress.ErrCorrupt)
	_, isS3 := errors.AsType[*s3err.Error](err)
	assert.False(t, isS3, "mid-stream errors are plain")
	assert.NotEmpty(t, got)
}

func TestBombGuard(t *testing.T) {
	zeros := make([]byte, 8<<20) // 8 MiB of zeros compress ~1000x with gzip
	bomb := gz(t, zeros)
	zbomb := zst(t, zeros)
	tests := []struct {
		name     string
		data     []byte
		opts     []compress.Option
		wantS3   bool // tripped before the first byte
		wantPart bool // some output before the error
		ok       bool
	}{
		{name: "ratio trips after floor", data: bomb, opts: nil, wantPart: true},
		{name: "zstd ratio trips after floor", data: zbomb, opts: nil, wantPart: true},
		{name: "output cap mid-stream", data: bomb, opts: []compress.Option{compress.WithMaxOutputBytes(3 << 20), compress.WithMaxRatio(-1, 0)}, wantPart: true},
		{name: "output cap before first byte", data: bomb, opts: []compress.Option{compress.WithMaxOutputBytes(10)}, wantS3: true},
		{name: "ratio before first byte with tiny floor", data: zbomb, opts: []compress.Option{compress.WithMaxRatio(2, 1)}, wantS3: true},
		{name: "ratio disabled, cap large", data: bomb, opts: []compress.Option{compress.WithMaxRatio(-1, 0)}, ok: true},
		{name: "ratio generous", data: bomb, opts: []compress.Option{compress.WithMaxRatio(100000, 0)}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, err := compress.NewDecompressor(tt.opts...)
			require.NoError(t, err)
			out, err := transform.Run(context.Background(), d, object(tt.data, "z.gz", nil))
			if tt.data[0] == 0x28 {
				out, err = transform.Run(context.Background(), d, object(tt.data, "z.zst", nil))
			}
			require.NoError(t, err)
			got, err := io.ReadAll(out.Body)
			if tt.ok {
				require.NoError(t, err)
				assert.Equal(t, len(zeros), len(got))
				return
			}
			require.Error(t, err)
			assert.ErrorIs(t, err, compress.ErrBomb)
			e, isS3 := errors.AsType[*s3err.Error](err)
			assert.Equal(t, tt.wantS3, isS3)
			if isS3 {
				assert.Equal(t, s3err.CodeEntityTooLarge, e.Code)
				assert.Equal(t, http.StatusBadRequest, e.StatusCode)
				assert.Empty(t, got)
			}
			if tt.wantPart {
				assert.NotEmpty(t, got)
				assert.Less(t, len(got), len(zeros))
			}
		})
	}
}

func TestOutputCapIsExact(t *testing.T) {
	plain := bytes.Repeat([]byte("x"), 1000)
	for _, limit := range []int64{999, 1000} {
		d, err := compress.NewDecompressor(compress.WithMaxOutputBytes(limit), compress.WithMaxRatio(-1, 0))
		require.NoError(t, err)
		_, got, err := run(t, d, object(gz(t, plain), "a.gz", nil))
		if limit >= int64(len(plain)) {
			require.NoError(t, err)
			assert.Len(t, got, len(plain))
		} else {
			assert.ErrorIs(t, err, compress.ErrBomb)
			assert.LessOrEqual(t, int64(len(got)), limit)
		}
	}
}

func TestCompressRoundTrip(t *testing.T) {
	plain := []byte(strings.Repeat("the quick brown fox jumps over the lazy dog\n", 5000))
	tests := []struct {
		name    string
		cfg     compress.Config
		accept  string
		wantEnc string
		vary    bool
	}{
		{name: "gzip default", cfg: compress.Config{Mode: "compress"}, wantEnc: "gzip"},
		{name: "gzip level 1", cfg: compress.Config{Mode: "compress", Encoding: "gzip", Level: 1}, wantEnc: "gzip"},
		{name: "gzip level 9", cfg: compress.Config{Mode: "compress", Encoding: "gzip", Level: 9}, wantEnc: "gzip"},
		{name: "zstd default", cfg: compress.Config{Mode: "compress", Encoding: "zstd"}, wantEnc: "zstd"},
		{name: "zstd level 19", cfg: compress.Config{Mode: "compress", Encoding: "zstd", Level: 19}, wantEnc: "zstd"},
		{name: "auto picks zstd", cfg: compress.Config{Mode: "compress", Encoding: "auto"}, accept: "gzip, deflate, br, zstd", wantEnc: "zstd", vary: true},
		{name: "auto honors q", cfg: compress.Config{Mode: "compress", Encoding: "auto"}, accept: "zstd;q=0.5, gzip", wantEnc: "gzip", vary: true},
		{name: "auto none acceptable", cfg: compress.Config{Mode: "compress", Encoding: "auto"}, accept: "br", wantEnc: "", vary: true},
		{name: "auto no header", cfg: compress.Config{Mode: "compress", Encoding: "auto"}, wantEnc: "", vary: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := compress.FromConfig(tt.cfg)
			require.NoError(t, err)
			obj := object(plain, "a.txt", hdr("Content-Type", "text/plain", "ETag", `"abc"`))
			if tt.accept != "" {
				obj.Request.Header.Set("Accept-Encoding", tt.accept)
			}
			out, got, err := run(t, c, obj)
			require.NoError(t, err)
			assert.Equal(t, tt.wantEnc, out.Header.Get("Content-Encoding"))
			assert.Equal(t, tt.vary, out.Header.Get("Vary") == "Accept-Encoding")
			assert.Empty(t, out.Header.Get("ETag"), "body changed: ETag must go")
			if tt.wantEnc == "" {
				assert.Equal(t, plain, got)
				return
			}
			assert.Equal(t, int64(-1), out.Length)
			assert.Less(t, len(got), len(plain)/10)
			d, err := compress.NewDecompressor()
			require.NoError(t, err)
			_, back, err := run(t, d, object(got, "a.txt", out.Header.Clone()))
			require.NoError(t, err)
			assert.Equal(t, plain, back)
		})
	}
}

func TestCompressDoesNotStack(t *testing.T) {
	c, err := compress.NewCompressor(compress.WithEncoding(compress.Zstd))
	require.NoError(t, err)
	data := gz(t, []byte("hello"))
	out, got, err := run(t, c, object(data, "a", hdr("Content-Encoding", "gzip")))
	require.NoError(t, err)
	assert.Equal(t, "gzip", out.Header.Get("Content-Encoding"))
	assert.Equal(t, data, got)
}

type failingReader struct {
	data []byte
	err  error
}

func (f *failingReader) Read(p []byte) (int, error) {
	if len(f.data) == 0 {
		return 0, f.err
	}
	n := copy(p, f.data)
	f.data = f.data[n:]
	return n, nil
}

func TestCompressSourceError(t *testing.T) {
	boom := errors.New("upstream reset")
	c, err := compress.NewCompressor()
	require.NoError(t, err)
	obj := object(nil, "a", nil)
	obj.Body = &failingReader{data: bytes.Repeat([]byte("a"), 100<<10), err: boom}
	_, _, err = run(t, c, obj)
	assert.ErrorIs(t, err, boom)
}

func TestCanceledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	d, err := compress.NewDecompressor()
	require.NoError(t, err)
	out, err := transform.Run(ctx, d, object(gz(t, []byte("abc")), "a.gz", nil))
	require.NoError(t, err)
	cancel()
	_, err = io.ReadAll(out.Body)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestOneByteReaderMatchesBigRead(t *testing.T) {
	plain := []byte(strings.Repeat("line of text, quite compressible 1234567890\n", 3000))
	for _, mode := range []compress.Config{{Mode: "decompress"}, {Mode: "compress", Encoding: "gzip"}, {Mode: "compress", Encoding: "zstd"}} {
		for _, enc := range []string{"gzip", "zstd"} {
			t.Run(mode.Mode+"/"+mode.Encoding+"/"+enc, func(t *testing.T) {
				input, key := plain, "a.txt"
				if mode.Mode == "decompress" {
					if enc == "gzip" {
						input, key = gz(t, plain), "a.txt.gz"
					} else {
						input, key = zst(t, plain), "a.txt.zst"
					}
				}
				tr, err := compress.FromConfig(mode)
				require.NoError(t, err)
				_, whole, err := run(t, tr, object(input, key, nil))
				require.NoError(t, err)

				obj := object(nil, key, nil)
				obj.Body = iotest.OneByteReader(bytes.NewReader(input))
				out, err := transform.Run(context.Background(), tr, obj)
				require.NoError(t, err)
				var oneByte bytes.Buffer
				_, err = io.Copy(&oneByte, iotest.OneByteReader(out.Body))
				require.NoError(t, err)
				assert.Equal(t, whole, oneByte.Bytes())
			})
		}
	}
}

// TestConfig builds transforms from payloads as transform.Configure does:
// the strict decoder refuses what is not a Config (decodeErr), FromConfig
// refuses what is not a valid one (configErr, wrapping ErrConfig), and either
// way a request fails with 500 InvalidPayload.
func TestConfig(t *testing.T) {
	tests := []struct {
		name      string
		payload   string
		decodeErr bool
		configErr bool
		want      transform.Transform
	}{
		{name: "empty payload", payload: "", want: &compress.Decompressor{}},
		{name: "decompress limits", payload: `{"mode":"decompress","maxOutputBytes":1000,"maxRatio":50,"ratioFloorBytes":10,"maxWindowBytes":1048576}`, want: &compress.Decompressor{}},
		{name: "content types", payload: `{"contentTypes":{".avro":"application/avro"}}`, want: &compress.Decompressor{}},
		{name: "compress zstd", payload: `{"mode":"compress","encoding":"zstd","level":22}`, want: &compress.Compressor{}},
		{name: "compress auto", payload: `{"mode":"COMPRESS","encoding":"auto"}`, want: &compress.Compressor{}},
		{name: "unknown field", payload: `{"maxOuputBytes":1}`, decodeErr: true},
		{name: "snake case", payload: `{"max_output_bytes":1}`, decodeErr: true},
		{name: "bad mode", payload: `{"mode":"squash"}`, configErr: true},
		{name: "bad encoding", payload: `{"mode":"compress","encoding":"br"}`, configErr: true},
		{name: "gzip level too high", payload: `{"mode":"compress","level":10}`, configErr: true},
		{name: "negative level", payload: `{"mode":"compress","level":-1}`, configErr: true},
		{name: "negative max output", payload: `{"maxOutputBytes":-5}`, configErr: true},
		{name: "ratio below one", payload: `{"maxRatio":0.5}`, configErr: true},
		{name: "tiny window", payload: `{"maxWindowBytes":10}`, configErr: true},
		{name: "limits on compress", payload: `{"mode":"compress","maxRatio":5}`, configErr: true},
		{name: "level on decompress", payload: `{"level":3}`, configErr: true},
		{name: "bad content type key", payload: `{"contentTypes":{"csv":"text/csv"}}`, configErr: true},
		{name: "not json", payload: `mode=compress`, decodeErr: true},
		{name: "trailing data", payload: `{} {}`, decodeErr: true},
	}
	configured := transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
		return compress.FromConfig(cfg)
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tr, err := transformtest.FromPayload([]byte(tt.payload), compress.FromConfig)
			obj := object(gz(t, []byte("x")), "a.txt.gz", nil)
			obj.Request.Payload = []byte(tt.payload)
			_, _, runErr := run(t, configured, obj)
			if tt.decodeErr || tt.configErr {
				require.Error(t, err)
				if tt.configErr {
					assert.ErrorIs(t, err, compress.ErrConfig)
				}
				var e *s3err.Error
				require.ErrorAs(t, runErr, &e)
				assert.Equal(t, http.StatusInternalServerError, e.StatusCode)
				assert.Equal(t, s3err.CodeInvalidPayload, e.Code)
				return
			}
			require.NoError(t, err)
			require.NoError(t, runErr)
			assert.IsType(t, tt.want, tr)
			assert.Equal(t, transform.Properties{}, transform.Describe(tr))
		})
	}
}

func TestCustomContentType(t *testing.T) {
	tr, err := compress.FromConfig(compress.Config{ContentTypes: map[string]string{".avro": "application/avro"}},
		compress.WithContentType(".geojson", "application/geo+json"))
	require.NoError(t, err)
	for key, want := range map[string]string{"a.avro.gz": "application/avro", "a.geojson.gz": "application/geo+json", "a.csv.gz": "text/csv"} {
		out, _, err := run(t, tr, object(gz(t, []byte("x")), key, hdr("Content-Type", "application/gzip")))
		require.NoError(t, err)
		assert.Equal(t, want, out.Header.Get("Content-Type"), key)
	}
}

// closeCounter is an input body that counts its Close calls.
type closeCounter struct {
	io.Reader
	closed int
}

func (c *closeCounter) Close() error { c.closed++; return nil }

// TestCloseReachesTheInput: closing a transform's output closes its input,
// read or not, so nothing below it stays open.
func TestCloseReachesTheInput(t *testing.T) {
	d, err := compress.NewDecompressor()
	require.NoError(t, err)
	c, err := compress.NewCompressor(compress.WithEncoding(compress.Gzip))
	require.NoError(t, err)
	data := bytes.Repeat([]byte("close me "), 1000)
	tests := []struct {
		name string
		tr   transform.Transform
		body []byte
		hdr  http.Header
		read bool
	}{
		{name: "decompress, unread", tr: d, body: gz(t, data), hdr: hdr("Content-Encoding", "gzip")},
		{name: "decompress, read", tr: d, body: gz(t, data), hdr: hdr("Content-Encoding", "gzip"), read: true},
		{name: "compress, unread", tr: c, body: data, hdr: hdr("Content-Type", "text/plain")},
		{name: "compress, read", tr: c, body: data, hdr: hdr("Content-Type", "text/plain"), read: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			obj := object(tt.body, "k.gz", tt.hdr)
			obj.Request.Header.Set("Accept-Encoding", "gzip")
			in := &closeCounter{Reader: obj.Body}
			obj.Body = in
			out, err := transform.Run(context.Background(), tt.tr, obj)
			require.NoError(t, err)
			if tt.read {
				_, err := io.ReadAll(out.Body)
				require.NoError(t, err)
			}
			require.Implements(t, (*io.Closer)(nil), out.Body)
			require.NoError(t, out.Body.(io.Closer).Close())
			assert.Equal(t, 1, in.closed)
		})
	}
}

// TestPassthroughKeepsLengthAndETag: an object that is not compressed passes
// as it is, so the caller gets its length (Content-Length) and ETag.
func TestPassthroughKeepsLengthAndETag(t *testing.T) {
	d, err := compress.NewDecompressor(compress.WithPassthrough(true))
	require.NoError(t, err)
	obj := object([]byte("plain text, not compressed"), "notes.txt", hdr("ETag", `"abc"`, "Content-Type", "text/plain"))
	out, body, err := run(t, d, obj)
	require.NoError(t, err)
	assert.Equal(t, "plain text, not compressed", string(body))
	assert.EqualValues(t, len(body), out.Length)
	assert.Equal(t, `"abc"`, out.Header.Get("ETag"))
}
