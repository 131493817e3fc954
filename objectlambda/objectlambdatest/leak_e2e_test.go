package objectlambdatest

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// leakSpyKeyring records the data keys it unwraps, so the scan can look for them.
type leakSpyKeyring struct {
	encryption.Keyring
	mu   sync.Mutex
	keys [][]byte
}

func (s *leakSpyKeyring) UnwrapKey(ctx context.Context, e *encryption.Envelope) (encryption.DataKey, error) {
	dk, err := s.Keyring.UnwrapKey(ctx, e)
	if err == nil {
		s.mu.Lock()
		s.keys = append(s.keys, bytes.Clone(dk))
		s.mu.Unlock()
	}
	return dk, err
}

func leakRandom(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

// leakTransform fails in the ways a user transform can, chosen by key. It
// is declared length-preserving so that HEAD succeeds through it.
func leakTransform() transform.Transform {
	return transform.Declare(transform.Func(func(_ context.Context, o *transform.Object) (*transform.Object, error) {
		key := ""
		if o.Request != nil {
			key = o.Request.Key
		}
		switch {
		case strings.HasPrefix(key, "panic"):
			panic("transform panic for the leak scan")
		case strings.HasPrefix(key, "error"):
			return nil, s3err.New(http.StatusBadRequest, "TransformRefused", "refused by the transform")
		case strings.HasPrefix(key, "mid"):
			o.Body = io.MultiReader(io.LimitReader(o.Body, 100<<10), &leakFailReader{})
		}
		return o, nil
	}), transform.Properties{LengthPreserving: true})
}

type leakFailReader struct{}

func (leakFailReader) Read([]byte) (int, error) {
	return 0, s3err.New(http.StatusInternalServerError, "TransformFailed", "mid-stream failure")
}

// TestE2ENoSecretsInLogs runs representative flows — GET (plain, range,
// decrypted), errors, denials, panics, mid-stream failures, SSE-C, HEAD,
// LIST, a forged client — with every logger at debug level, and fails if
// any known secret appears in the captured logs: access and function keys,
// the store's key, output tokens, presigned signatures and query strings,
// the SSE-C key, the wrapping and data keys, and the plaintext markers.
func TestE2ENoSecretsInLogs(t *testing.T) {
	ignore := goleak.IgnoreCurrent()
	logs := &Buffer{}
	logger := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))

	wrapKey := leakRandom(32)
	aes, err := encryption.NewAESKeyring(wrapKey, map[string]string{"kid": "leak"})
	require.NoError(t, err)
	spy := &leakSpyKeyring{Keyring: aes}

	ap := New(t, WithLogger(logger), WithAllowedFeatures("GetObject-Range", "GetObject-PartNumber"), WithHandler(
		objectlambda.WithLogger(logger),
		objectlambda.WithFetchOptions(presign.WithLogger(logger)),
		objectlambda.WithDecryption(spy),
		objectlambda.WithTransform(leakTransform()),
		objectlambda.WithAuthorizer(func(_ context.Context, r *objectlambda.Request) error {
			if strings.Contains(r.Caller.ARN, "mallory") {
				return s3err.New(http.StatusForbidden, "AccessDenied", "denied for the leak scan")
			}
			return nil
		}),
	))

	plainMarker := "PLAINTEXT-MARKER-" + hex.EncodeToString(leakRandom(8))
	cipherMarker := "SECRET-PLAINTEXT-" + hex.EncodeToString(leakRandom(8))
	body := strings.Repeat(plainMarker+" ", 20_000) // > 32 KiB, so mid-stream failures happen after the first byte
	ap.PutObject(t, "plain.txt", body)
	ap.PutObject(t, "panic.txt", plainMarker)
	ap.PutObject(t, "error.txt", plainMarker)
	ap.PutObject(t, "mid.txt", body)
	x, err := encryption.NewEncryptor(t.Context(), strings.NewReader(cipherMarker), aes)
	require.NoError(t, err)
	sealed, err := io.ReadAll(x)
	require.NoError(t, err)
	ap.PutObjectBytes(t, "sealed.bin", sealed, func(in *s3.PutObjectInput) { in.Metadata = x.Metadata() })

	ssecKey := leakRandom(32)
	ssecMD5 := md5.Sum(ssecKey)
	mallory := ap.ClientAs(Caller{UserName: "mallory"})
	forgerSecret := hex.EncodeToString(leakRandom(20))
	forger := s3.New(s3.Options{
		Region: ap.Region(), BaseEndpoint: aws.String(ap.URL()), UsePathStyle: true, HTTPClient: ap.hc,
		Credentials: credentials.NewStaticCredentialsProvider(ap.DefaultCaller().AccessKeyID, forgerSecret, ""),
	})
	ctx := t.Context()
	c := ap.Client()
	get := func(client *s3.Client, key string, set ...func(*s3.GetObjectInput)) {
		in := &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)}
		for _, f := range set {
			f(in)
		}
		out, err := client.GetObject(ctx, in)
		if err == nil {
			_, _ = io.Copy(io.Discard, out.Body)
			_ = out.Body.Close()
		}
	}
	get(c, "plain.txt")
	get(c, "plain.txt", func(in *s3.GetObjectInput) { in.Range = aws.String("bytes=10-99") })
	get(c, "plain.txt", func(in *s3.GetObjectInput) { in.PartNumber = aws.Int32(1) })
	get(c, "plain.txt", func(in *s3.GetObjectInput) { in.ChecksumMode = types.ChecksumModeEnabled })
	get(c, "sealed.bin")
	get(c, "missing.txt")
	get(c, "panic.txt")
	get(c, "error.txt")
	get(c, "mid.txt")
	get(mallory, "plain.txt")
	get(forger, "plain.txt")
	get(c, "plain.txt", func(in *s3.GetObjectInput) {
		in.SSECustomerAlgorithm = aws.String("AES256")
		in.SSECustomerKey = aws.String(base64.StdEncoding.EncodeToString(ssecKey))
		in.SSECustomerKeyMD5 = aws.String(base64.StdEncoding.EncodeToString(ssecMD5[:]))
	})
	_, _ = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("plain.txt")})
	_, _ = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("sealed.bin")})
	_, _ = c.HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String("missing.txt")})
	_, _ = c.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
	_, _ = c.ListObjects(ctx, &s3.ListObjectsInput{Bucket: ap.Bucket(), Prefix: aws.String("p")})
	_, _ = mallory.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: ap.Bucket()})
	require.NotEmpty(t, ap.WGORCalls())

	// The secrets.
	secrets := map[string]string{
		"caller secret key":   ap.DefaultCaller().SecretAccessKey,
		"forged secret key":   forgerSecret,
		"function secret key": ap.fnSec,
		"store secret key":    ap.store.secretKey,
		"plaintext marker":    plainMarker,
		"decrypted marker":    cipherMarker,
		"SSE-C key (base64)":  base64.StdEncoding.EncodeToString(ssecKey),
		"SSE-C key (hex)":     hex.EncodeToString(ssecKey),
		"wrapping key (b64)":  base64.StdEncoding.EncodeToString(wrapKey),
		"wrapping key (hex)":  hex.EncodeToString(wrapKey),
	}
	for ak, secret := range ap.callers.secrets() {
		secrets["secret of "+ak] = secret
	}
	fnCreds, err := ap.AWSConfig().Credentials.Retrieve(ctx)
	require.NoError(t, err)
	secrets["in-process function secret key"] = fnCreds.SecretAccessKey
	spy.mu.Lock()
	require.NotEmpty(t, spy.keys, "the sealed object was decrypted")
	for i, dk := range spy.keys {
		secrets["data key (hex) "+string(rune('0'+i))] = hex.EncodeToString(dk)
		secrets["data key (b64) "+string(rune('0'+i))] = base64.StdEncoding.EncodeToString(dk)
	}
	spy.mu.Unlock()
	evs := ap.Events()
	require.NotEmpty(t, evs)
	for i, ev := range evs {
		if ev.GetObjectContext != nil {
			secrets["output token "+ev.XAmzRequestID] = ev.GetObjectContext.OutputToken
		}
		in := ""
		switch {
		case ev.GetObjectContext != nil:
			in = ev.GetObjectContext.InputS3URL
		case ev.HeadObjectContext != nil:
			in = ev.HeadObjectContext.InputS3URL
		case ev.ListObjectsContext != nil:
			in = ev.ListObjectsContext.InputS3URL
		case ev.ListObjectsV2Context != nil:
			in = ev.ListObjectsV2Context.InputS3URL
		}
		u, err := url.Parse(in)
		require.NoError(t, err, "event %d", i)
		secrets["presigned signature "+ev.XAmzRequestID] = u.Query().Get("X-Amz-Signature")
		secrets["presigned query "+ev.XAmzRequestID] = u.RawQuery
	}

	out := logs.String()
	require.NotEmpty(t, out, "the flows were logged")
	require.Contains(t, out, "level=DEBUG", "debug logging was on")
	for name, s := range secrets {
		require.NotEmpty(t, s, name)
		assert.NotContains(t, out, s, "%s leaked into the logs", name)
	}
	for _, marker := range []string{"X-Amz-Signature=", "X-Amz-Security-Token", "X-Amz-Credential=", "outputToken", "Authorization: AWS4"} {
		assert.NotContains(t, out, marker, "%s appears in the logs", marker)
	}
	if t.Failed() {
		t.Logf("captured logs:\n%s", out)
	}

	// Connections the access point aborted (the mid-stream failure) linger
	// 500 ms in net/http after its server closed; wait for them here rather
	// than leave them to the package's goleak check.
	ap.Close()
	for deadline := time.Now().Add(4 * time.Second); time.Now().Before(deadline) && goleak.Find(ignore) != nil; {
		time.Sleep(50 * time.Millisecond)
	}
	goleak.VerifyNone(t, ignore)
}
