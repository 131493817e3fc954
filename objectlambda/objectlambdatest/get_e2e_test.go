package objectlambdatest_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/objectlambda/sdk-go/internal/memsample"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// answer is what an SDK client saw for one GetObject, in comparable form.
type answer struct {
	Status       int
	Code         string
	Body         string
	ContentType  string
	ContentLen   int64
	ETag         string
	LastModified time.Time
	Metadata     map[string]string
}

// statusOf returns the HTTP status and S3 code of an SDK error.
func statusOf(err error) (int, string) {
	var ae smithy.APIError
	code := ""
	if errors.As(err, &ae) {
		code = ae.ErrorCode()
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode(), code
	}
	return 0, code
}

func get(ctx context.Context, t *testing.T, c *s3.Client, in *s3.GetObjectInput) answer {
	t.Helper()
	out, err := c.GetObject(ctx, in)
	if err != nil {
		st, code := statusOf(err)
		require.NotZero(t, st, "not an HTTP error: %v", err)
		return answer{Status: st, Code: code}
	}
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return answer{
		Status: http.StatusOK, Body: string(b), ContentType: aws.ToString(out.ContentType),
		ContentLen: aws.ToInt64(out.ContentLength), ETag: aws.ToString(out.ETag),
		LastModified: aws.ToTime(out.LastModified), Metadata: out.Metadata,
	}
}

// TestE2EGetHeaders compares a plain GET through an identity access point
// with the same GET on the store: body and object headers must be equal.
func TestE2EGetHeaders(t *testing.T) {
	ap := objectlambdatest.NewAccessPoint(t)
	ap.PutObject(t, "docs/report.csv", "a,b\n1,2\n", func(in *s3.PutObjectInput) {
		in.ContentType = aws.String("text/csv")
		in.Metadata = map[string]string{"owner": "finance", "rev": "7"}
		in.CacheControl = aws.String("max-age=60")
	})
	ctx := t.Context()
	in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("docs/report.csv")}
	want := get(ctx, t, ap.Store(), in)
	got := get(ctx, t, ap.Client(), in)
	assert.Equal(t, want, got)
	assert.Equal(t, answer{
		Status: 200, Body: "a,b\n1,2\n", ContentType: "text/csv", ContentLen: 8, ETag: want.ETag,
		LastModified: want.LastModified, Metadata: map[string]string{"owner": "finance", "rev": "7"},
	}, got)
	assert.NotEmpty(t, got.ETag)
	assert.False(t, got.LastModified.IsZero())

	out, err := ap.Client().GetObject(ctx, in)
	require.NoError(t, err)
	require.NoError(t, out.Body.Close())
	assert.Equal(t, "max-age=60", aws.ToString(out.CacheControl))

	calls := ap.WGORCalls()
	require.Len(t, calls, 2)
	for _, c := range calls {
		assert.Equal(t, http.StatusOK, c.Response)
		assert.NoError(t, c.Err)
	}
}

// TestE2EConditional sends each conditional header through the access point
// and checks the answer against S3 (versitygw) for the same request.
func TestE2EConditional(t *testing.T) {
	ap := objectlambdatest.NewAccessPoint(t)
	ap.PutObject(t, "c.txt", "conditional body")
	ctx := t.Context()
	head, err := ap.Store().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("c.txt")})
	require.NoError(t, err)
	etag, modified := aws.ToString(head.ETag), aws.ToTime(head.LastModified)
	past, future := modified.Add(-time.Hour), modified.Add(time.Hour)
	// A date in the future is ignored (RFC 9110 13.1.3) and Last-Modified has
	// whole seconds: "not modified since" needs a past date after the write.
	since := modified.Add(time.Second)
	time.Sleep(time.Until(since.Add(100 * time.Millisecond)))

	tests := []struct {
		name   string
		set    func(*s3.GetObjectInput)
		status int
		code   string
	}{
		{"If-None-Match same", func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(etag) }, 304, "NotModified"},
		{"If-None-Match other", func(in *s3.GetObjectInput) { in.IfNoneMatch = aws.String(`"0123"`) }, 200, ""},
		{"If-Match same", func(in *s3.GetObjectInput) { in.IfMatch = aws.String(etag) }, 200, ""},
		{"If-Match other", func(in *s3.GetObjectInput) { in.IfMatch = aws.String(`"0123"`) }, 412, "PreconditionFailed"},
		{"If-Modified-Since past", func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(past) }, 200, ""},
		{"If-Modified-Since after the write", func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(since) }, 304, "NotModified"},
		{"If-Modified-Since future (ignored)", func(in *s3.GetObjectInput) { in.IfModifiedSince = aws.Time(future) }, 200, ""},
		{"If-Unmodified-Since future", func(in *s3.GetObjectInput) { in.IfUnmodifiedSince = aws.Time(future) }, 200, ""},
		{"If-Unmodified-Since past", func(in *s3.GetObjectInput) { in.IfUnmodifiedSince = aws.Time(past) }, 412, "PreconditionFailed"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("c.txt")}
			tc.set(in)
			want := get(ctx, t, ap.Store(), in)
			got := get(ctx, t, ap.Client(), in)
			assert.Equal(t, tc.status, got.Status)
			assert.Equal(t, tc.code, got.Code)
			assert.Equal(t, want, got, "the access point must answer like S3")
			if tc.status == 200 {
				assert.Equal(t, "conditional body", got.Body)
			}
		})
	}
}

func TestE2EMissingKeyAndDeniedCaller(t *testing.T) {
	ap := objectlambdatest.NewAccessPoint(t, objectlambda.WithAuthorizer(func(_ context.Context, r *objectlambda.Request) error {
		if strings.HasSuffix(r.Caller.ARN, ":user/tester") {
			return nil
		}
		return errors.New("only the tester may read")
	}))
	ap.PutObject(t, "secret.txt", "for the tester only")
	ctx := t.Context()
	mallory := ap.ClientAs(objectlambdatest.Caller{UserName: "mallory"})

	tests := []struct {
		name   string
		client *s3.Client
		key    string
		want   answer
	}{
		{"allowed", ap.Client(), "secret.txt", answer{Status: 200, Body: "for the tester only"}},
		{"missing key", ap.Client(), "nope.txt", answer{Status: 404, Code: "NoSuchKey"}},
		{"denied caller", mallory, "secret.txt", answer{Status: 403, Code: "AccessDenied"}},
		{"denied caller, missing key", mallory, "nope.txt", answer{Status: 403, Code: "AccessDenied"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := get(ctx, t, tc.client, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(tc.key)})
			assert.Equal(t, tc.want, answer{Status: got.Status, Code: got.Code, Body: got.Body})
		})
	}
	// The denial happens before the fetch: one WGOR per request, all accepted.
	calls := ap.WGORCalls()
	require.Len(t, calls, len(tests))
	for _, c := range calls {
		assert.Equal(t, http.StatusOK, c.Response)
	}
}

// mutate changes the body; declared as changing it (no properties), so
// checksums and ETag must not be forwarded.
func upperT() transform.Transform {
	return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = shoutReader{o.Body}
		return o, nil
	})
}

type shoutReader struct{ r io.Reader }

func (u shoutReader) Read(p []byte) (int, error) {
	n, err := u.r.Read(p)
	copy(p[:n], bytes.ToUpper(p[:n]))
	return n, err
}

// liar flips one byte but declares the body unchanged: the forwarded
// checksum then no longer matches and the SDK must fail the read.
func liar() transform.Transform {
	return transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = &flipReader{r: o.Body, at: 3}
		return o, nil
	}), transform.Properties{BodyUnchanged: true, LengthPreserving: true, RangeSafe: true})
}

type flipReader struct {
	r   io.Reader
	at  int64
	off int64
}

func (f *flipReader) Read(p []byte) (int, error) {
	n, err := f.r.Read(p)
	if f.at >= f.off && f.at < f.off+int64(n) {
		p[f.at-f.off] ^= 0x20
	}
	f.off += int64(n)
	return n, err
}

// TestE2EChecksumMode puts an object with a SHA-256 checksum and reads it
// with ChecksumModeEnabled: identity forwards the checksum and the SDK
// validates it; a transform that changes the body drops it (no failure);
// a transform that lies about leaving the body alone is caught by the SDK.
func TestE2EChecksumMode(t *testing.T) {
	const body = "checksummed object body\n"
	tests := []struct {
		name     string
		opts     []objectlambda.Option
		body     string
		checksum bool
		readErr  bool
	}{
		{"identity", nil, body, true, false},
		{"changing transform", []objectlambda.Option{objectlambda.WithTransform(upperT())}, strings.ToUpper(body), false, false},
		{"lying transform", []objectlambda.Option{objectlambda.WithTransform(liar())}, "", true, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := objectlambdatest.NewAccessPoint(t, tc.opts...)
			ap.PutObject(t, "sum.txt", body, func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256 })
			ctx := t.Context()
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("sum.txt"), ChecksumMode: types.ChecksumModeEnabled}
			direct, err := ap.Store().GetObject(ctx, in)
			require.NoError(t, err)
			require.NoError(t, direct.Body.Close())
			require.NotEmpty(t, aws.ToString(direct.ChecksumSHA256), "the store must keep the checksum")

			out, err := ap.Client().GetObject(ctx, in)
			require.NoError(t, err)
			b, err := io.ReadAll(out.Body)
			require.NoError(t, out.Body.Close())
			if tc.readErr {
				require.Error(t, err, "the SDK must refuse a body that does not match its checksum")
				assert.Contains(t, err.Error(), "checksum")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tc.body, string(b))
			if tc.checksum {
				assert.Equal(t, aws.ToString(direct.ChecksumSHA256), aws.ToString(out.ChecksumSHA256))
			} else {
				assert.Empty(t, aws.ToString(out.ChecksumSHA256))
				assert.Empty(t, aws.ToString(out.ETag), "a changed body has another ETag")
			}
		})
	}
}

// TestE2EPartNumber reads the parts of a transformed object (not range-safe,
// so the handler cuts the parts itself) and of an identity one (pushed down
// to the store).
func TestE2EPartNumber(t *testing.T) {
	const partSize = 1024
	body := strings.Repeat("0123456789abcdef", 160) // 2,560 bytes: parts of 1024, 1024, 512
	for _, tc := range []struct {
		name string
		opts []objectlambda.Option
		want string
	}{
		{"transformed", []objectlambda.Option{objectlambda.WithTransform(sameLength()), objectlambda.WithPartSize(partSize)}, body},
		{"upper", []objectlambda.Option{objectlambda.WithTransform(upperT()), objectlambda.WithPartSize(partSize)}, strings.ToUpper(body)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ap := objectlambdatest.New(t, objectlambdatest.WithHandler(tc.opts...),
				objectlambdatest.WithAllowedFeatures("GetObject-PartNumber"))
			ap.PutObject(t, "parts.txt", body)
			ctx := t.Context()
			for part, want := range []string{tc.want[:1024], tc.want[1024:2048], tc.want[2048:]} {
				out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("parts.txt"), PartNumber: aws.Int32(int32(part + 1))})
				require.NoError(t, err, "part %d", part+1)
				b, err := io.ReadAll(out.Body)
				require.NoError(t, err)
				require.NoError(t, out.Body.Close())
				assert.Equal(t, want, string(b), "part %d", part+1)
				assert.Equal(t, int32(3), aws.ToInt32(out.PartsCount), "part %d", part+1)
				assert.Equal(t, fmt.Sprintf("bytes %d-%d/2560", part*partSize, part*partSize+len(want)-1), aws.ToString(out.ContentRange))
			}
			got := get(ctx, t, ap.Client(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("parts.txt"), PartNumber: aws.Int32(4)})
			assert.Equal(t, answer{Status: 416, Code: "InvalidPartNumber"}, got)
		})
	}
	t.Run("not allowed", func(t *testing.T) {
		ap := objectlambdatest.NewAccessPoint(t)
		ap.PutObject(t, "parts.txt", body)
		got := get(t.Context(), t, ap.Client(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("parts.txt"), PartNumber: aws.Int32(1)})
		assert.Equal(t, answer{Status: 501, Code: "NotImplemented"}, got)
		assert.Empty(t, ap.Events(), "the function is not invoked")
	})
}

func sameLength() transform.Transform {
	return transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = struct{ io.Reader }{o.Body}
		return o, nil
	}), transform.Properties{LengthPreserving: true})
}

// failAfter passes n bytes, then fails (or panics).
func failAfter(n int64, panics bool) transform.Transform {
	return transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		o.Body = &breakingReader{r: io.LimitReader(o.Body, n), panics: panics}
		return o, nil
	})
}

type breakingReader struct {
	r      io.Reader
	panics bool
}

func (b *breakingReader) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	if err == io.EOF {
		if b.panics {
			panic("transform bug")
		}
		return n, s3err.New(http.StatusInternalServerError, "TransformFailed", "the transform failed")
	}
	return n, err
}

// TestE2EMidStreamFailure: a transform that fails or panics after the first
// bytes were sent must break the client's read — never a short success; one
// that fails before the first byte gets a clean S3 error.
func TestE2EMidStreamFailure(t *testing.T) {
	const size = 1 << 20
	tests := []struct {
		name   string
		after  int64
		panics bool
		want   answer // for a failure before the first byte
	}{
		{"error after 256 KiB", 256 << 10, false, answer{}},
		{"panic after 256 KiB", 256 << 10, true, answer{}},
		{"error before the first byte", 0, false, answer{Status: 500, Code: "TransformFailed"}},
		{"error within the first 32 KiB", 1000, false, answer{Status: 500, Code: "TransformFailed"}},
		{"panic before the first byte", 0, true, answer{Status: 500, Code: "InternalError"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ap := objectlambdatest.NewAccessPoint(t, objectlambda.WithTransform(failAfter(tc.after, tc.panics)))
			ap.PutObjectBytes(t, "big.bin", bytes.Repeat([]byte("x"), size))
			out, err := ap.Client().GetObject(t.Context(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("big.bin")})
			if tc.want.Status != 0 {
				st, code := statusOf(err)
				assert.Equal(t, tc.want, answer{Status: st, Code: code})
				return
			}
			calls := ap.WGORCalls()
			require.LessOrEqual(t, len(calls), 1, "at most one WGOR")
			if err != nil {
				// The function failed while its WGOR was being received: the
				// access point may answer with the function error before it
				// relayed any header. Either way, no success.
				st, code := statusOf(err)
				assert.Equal(t, answer{Status: 500, Code: "LambdaRuntimeError"}, answer{Status: st, Code: code})
				return
			}
			n, err := io.Copy(io.Discard, out.Body)
			_ = out.Body.Close()
			require.Error(t, err, "a broken stream must not read as a complete body (got %d bytes)", n)
			assert.Less(t, n, int64(size))
			require.Len(t, calls, 1, "exactly one WGOR")
			assert.Error(t, calls[0].Err, "the access point saw the upload break")
		})
	}
}

// patternObject is a seekable object of n deterministic bytes that costs no memory.
type patternObject struct {
	n, off int64
}

var patternBlock = func() []byte {
	b := make([]byte, 64<<10)
	for i := range b {
		b[i] = byte(i*31 + i>>8)
	}
	return b
}()

func (p *patternObject) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	m := 0
	for m < len(b) && p.off < p.n {
		i := p.off % int64(len(patternBlock))
		c := copy(b[m:], patternBlock[i:min(int64(len(patternBlock)), i+p.n-p.off)])
		m += c
		p.off += int64(c)
	}
	return m, nil
}

func (p *patternObject) Seek(off int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
	case io.SeekCurrent:
		off += p.off
	case io.SeekEnd:
		off += p.n
	}
	if off < 0 {
		return 0, errors.New("negative offset")
	}
	p.off = off
	return off, nil
}

// BenchmarkGetStream streams objects of 16 MiB, 256 MiB and 1 GiB from
// versitygw through the access point and an identity objectlambda.Handler
// to an SDK client, in the same process. It reports, next to MB/s:
//
//   - x-loopback: time of a raw loopback HTTP copy of the same size ÷ ours;
//   - x-direct: time of the same GET sent to the store directly ÷ ours;
//   - peak-heap-MiB: peak growth of the heap in use during the GETs (must not
//     grow with the object size), and rss-MiB, the process's peak RSS;
//   - ttfb-ms: time from the GetObject call to the first body byte.
//
// It is a benchmark, not a timed test:
//
//	go test -run '^$' -bench 'BenchmarkGetStream/size=16MiB' ./objectlambda/objectlambdatest
func BenchmarkGetStream(b *testing.B) {
	for _, size := range []int64{16 << 20, 256 << 20, 1 << 30} {
		b.Run("size="+strconv.FormatInt(size>>20, 10)+"MiB", func(b *testing.B) {
			ap := objectlambdatest.NewAccessPoint(b, objectlambda.WithLogger(slog.New(slog.DiscardHandler)))
			ap.PutObjectInput(b, &s3.PutObjectInput{Key: aws.String("big.bin"), Body: &patternObject{n: size}, ContentLength: aws.Int64(size)})
			ctx := context.Background()
			in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("big.bin")}
			read := func(c *s3.Client) (time.Duration, time.Duration) {
				start := time.Now()
				out, err := c.GetObject(ctx, in)
				if err != nil {
					b.Fatal(err)
				}
				var one [1]byte
				if _, err := io.ReadFull(out.Body, one[:]); err != nil {
					b.Fatal(err)
				}
				ttfb := time.Since(start)
				n, err := io.Copy(io.Discard, out.Body)
				_ = out.Body.Close()
				if err != nil || n+1 != size {
					b.Fatalf("read %d bytes of %d: %v", n+1, size, err)
				}
				return time.Since(start), ttfb
			}
			loop := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
				w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
				_, _ = io.Copy(w, &patternObject{n: size})
			}))
			defer loop.Close()
			hc := &http.Client{Transport: &http.Transport{DisableCompression: true}}

			var loopback, direct, ours, ttfb time.Duration
			for range b.N {
				start := time.Now()
				resp, err := hc.Get(loop.URL)
				if err != nil {
					b.Fatal(err)
				}
				_, _ = io.Copy(io.Discard, resp.Body)
				_ = resp.Body.Close()
				loopback += time.Since(start)
				d, _ := read(ap.Store())
				direct += d
			}
			hc.CloseIdleConnections()
			peak := memsample.Start()
			b.SetBytes(size)
			b.ResetTimer()
			for range b.N {
				d, first := read(ap.Client())
				ours += d
				ttfb += first
			}
			b.StopTimer()
			growth, rss := peak.Stop()
			b.ReportMetric(loopback.Seconds()/ours.Seconds(), "x-loopback")
			b.ReportMetric(direct.Seconds()/ours.Seconds(), "x-direct")
			b.ReportMetric(growth, "peak-heap-MiB")
			b.ReportMetric(rss, "rss-MiB")
			b.ReportMetric(float64(ttfb.Microseconds())/1000/float64(b.N), "ttfb-ms")
		})
	}
}

// BenchmarkColdStartRIE builds examples/passthrough as a provided.al2023
// bootstrap and runs it under AWS's Lambda Runtime Interface Emulator behind
// the access point. The RIE starts the bootstrap on the first invocation, so
// the first GET pays the cold start (process start and Lambda init) and the
// second does not. It reports the binary's size, the first and second GET's
// latency and their difference, and the time to start the access point
// (versitygw and the RIE).
//
//	go test -run '^$' -bench BenchmarkColdStartRIE -benchtime 3x ./objectlambda/objectlambdatest
func BenchmarkColdStartRIE(b *testing.B) {
	bootstrap := objectlambdatest.BuildBootstrap(b, "../../examples/passthrough")
	st, err := os.Stat(bootstrap)
	if err != nil {
		b.Fatal(err)
	}
	var startup, cold, warm time.Duration
	for range b.N {
		t0 := time.Now()
		ap := objectlambdatest.New(b, objectlambdatest.WithBootstrap(bootstrap))
		t1 := time.Now()
		ap.PutObject(b, "hello.txt", "hello")
		in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("hello.txt")}
		for i := range 2 {
			start := time.Now()
			out, err := ap.Client().GetObject(context.Background(), in)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, out.Body)
			_ = out.Body.Close()
			if i == 0 {
				cold += time.Since(start)
			} else {
				warm += time.Since(start)
			}
		}
		startup += t1.Sub(t0)
		ap.Close()
	}
	ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 / float64(b.N) }
	b.ReportMetric(float64(st.Size())/(1<<20), "bootstrap-MiB")
	b.ReportMetric(ms(cold), "first-get-ms")
	b.ReportMetric(ms(warm), "warm-get-ms")
	b.ReportMetric(ms(cold-warm), "cold-start-ms")
	b.ReportMetric(ms(startup), "ap-start-ms")
}
