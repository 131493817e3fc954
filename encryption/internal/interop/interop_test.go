package interop

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"

	s3ec "github.com/aws/amazon-s3-encryption-client-go/v3/client"
	"github.com/aws/amazon-s3-encryption-client-go/v3/materials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring"
	"github.com/objectlambda/sdk-go/encryption/kmskeyring/kmstest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const bucket = "interop"

// fakeS3 stores objects with their user metadata, path-style, in memory.
type fakeS3 struct {
	mu      sync.Mutex
	objects map[string]stored
}

type stored struct {
	body []byte
	meta http.Header
}

func (f *fakeS3) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimPrefix(r.URL.Path, "/"+bucket+"/")
	switch r.Method {
	case http.MethodPut:
		if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
			http.Error(w, "aws-chunked uploads are not supported by this stand-in", http.StatusNotImplemented)
			return
		}
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		meta := http.Header{}
		for k, vs := range r.Header {
			if strings.HasPrefix(http.CanonicalHeaderKey(k), "X-Amz-Meta-") {
				meta[http.CanonicalHeaderKey(k)] = vs
			}
		}
		f.mu.Lock()
		f.objects[key] = stored{body: body, meta: meta}
		f.mu.Unlock()
		w.Header().Set("ETag", `"e"`)
	case http.MethodGet:
		f.mu.Lock()
		obj, ok := f.objects[key]
		f.mu.Unlock()
		if !ok {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			io.WriteString(w, `<Error><Code>NoSuchKey</Code><Message>not found</Message></Error>`)
			return
		}
		for k, vs := range obj.meta {
			for _, v := range vs {
				w.Header().Add(k, s3MetadataValue(v))
			}
		}
		w.Header().Set("ETag", `"e"`)
		w.Write(obj.body)
	default:
		http.Error(w, "unsupported", http.StatusMethodNotAllowed)
	}
}

// s3MetadataValue returns a user metadata value as S3 answers it: values
// with non-ASCII bytes come back as RFC 2047 encoded-words of their bytes
// read as ISO-8859-1, that is UTF-8 encoded twice.
func s3MetadataValue(v string) string {
	ascii := true
	for i := 0; i < len(v); i++ {
		if v[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return v
	}
	var latin1 strings.Builder
	for i := 0; i < len(v); i++ {
		latin1.WriteRune(rune(v[i]))
	}
	return mime.BEncoding.Encode("UTF-8", latin1.String())
}

func (f *fakeS3) put(key string, body []byte, meta map[string]string) {
	h := http.Header{}
	for k, v := range meta {
		h.Set("x-amz-meta-"+k, v)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.objects[key] = stored{body: body, meta: h}
}

func (f *fakeS3) get(t *testing.T, key string) ([]byte, http.Header) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	obj, ok := f.objects[key]
	require.True(t, ok, "object %q stored", key)
	return obj.body, obj.meta
}

type env struct {
	s3     *fakeS3
	url    string // of the S3 stand-in
	client *s3.Client
	kms    *kms.Client
	kmsURL string // of the KMS double
	keyA   string
	keyB   string
}

func newEnv(t *testing.T) *env {
	t.Helper()
	fs := &fakeS3{objects: map[string]stored{}}
	srv := httptest.NewServer(fs)
	t.Cleanup(srv.Close)
	k := kmstest.New()
	t.Cleanup(k.Close)
	client := s3.New(s3.Options{
		Region:                     "us-east-1",
		BaseEndpoint:               aws.String(srv.URL),
		UsePathStyle:               true,
		Credentials:                credentials.NewStaticCredentialsProvider("AKIDINTEROP", "secret", ""),
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
	})
	return &env{s3: fs, url: srv.URL, client: client, kms: k.Client(), kmsURL: k.URL, keyA: k.CreateKey(), keyB: k.CreateKey()}
}

// official returns their client with a KMS keyring for keyID.
func (e *env) official(t *testing.T, keyID string) *s3ec.S3EncryptionClientV3 {
	t.Helper()
	return e.officialOver(t, e.client, keyID)
}

// officialOver returns their client over the S3 client c.
func (e *env) officialOver(t *testing.T, c *s3.Client, keyID string) *s3ec.S3EncryptionClientV3 {
	t.Helper()
	cmm, err := materials.NewCryptographicMaterialsManager(materials.NewKmsKeyring(e.kms, keyID))
	require.NoError(t, err)
	ec, err := s3ec.New(c, cmm, func(o *s3ec.EncryptionClientOptions) {
		o.Logger = nil
	})
	require.NoError(t, err)
	return ec
}

func (e *env) ours(t *testing.T, keyID string) *kmskeyring.Keyring {
	t.Helper()
	kr, err := kmskeyring.New(e.kms, keyID)
	require.NoError(t, err)
	return kr
}

func payload(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

var sizes = []int{0, 1, 15, 16, 17, 4096, 100_003}

// Objects their client encrypts, we decrypt.
func TestTheyEncryptWeDecrypt(t *testing.T) {
	e := newEnv(t)
	theirs := e.official(t, e.keyA)
	for _, ec := range []map[string]string{nil, {"tenant": "t1", "purpose": "interop"}} {
		for _, n := range sizes {
			ctx := context.Background()
			if ec != nil {
				//lint:ignore SA1029 the official client defines this context key.
				ctx = context.WithValue(ctx, s3ec.EncryptionContext, ec)
			}
			key := "their-" + itoa(n) + "-" + itoa(len(ec))
			plain := payload(n)
			_, err := theirs.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: bytes.NewReader(plain)})
			require.NoError(t, err, key)

			body, meta := e.s3.get(t, key)
			envl, err := encryption.RequireEnvelope(encryption.MetadataFromHeader(meta))
			require.NoError(t, err, key)
			assert.Equal(t, encryption.FormatV2, envl.Format)
			assert.Equal(t, encryption.WrapKMSContext, envl.Wrap)
			for k, v := range ec {
				assert.Equal(t, v, envl.EncryptionContext()[k])
			}
			d, err := encryption.NewDecryptor(ctx, bytes.NewReader(body), envl, e.ours(t, e.keyA),
				encryption.WithCiphertextLength(int64(len(body))))
			require.NoError(t, err, key)
			got, err := io.ReadAll(d)
			require.NoError(t, err, key)
			require.NoError(t, d.Close())
			assert.True(t, bytes.Equal(plain, got), "%s: plaintext differs", key)

			_, err = encryption.NewDecryptor(ctx, bytes.NewReader(body), envl, e.ours(t, e.keyB))
			assert.ErrorIs(t, err, encryption.ErrKeyNotFound, "another KMS key cannot unwrap it")
		}
	}
}

// Objects we encrypt (V2 and V3), their client decrypts.
func TestWeEncryptTheyDecrypt(t *testing.T) {
	e := newEnv(t)
	theirs := e.official(t, e.keyA)
	for _, f := range []encryption.Format{encryption.FormatV2, encryption.FormatV3} {
		for _, n := range sizes {
			ctx := context.Background()
			key := "ours-" + f.String() + "-" + itoa(n)
			plain := payload(n)
			x, err := encryption.NewEncryptor(ctx, bytes.NewReader(plain), e.ours(t, e.keyA),
				encryption.WithFormat(f), encryption.WithPlaintextLength(int64(n)),
				encryption.WithEncryptionContext(map[string]string{"tenant": "t2"}))
			require.NoError(t, err)
			body, err := io.ReadAll(x)
			require.NoError(t, err)
			e.s3.put(key, body, x.Metadata())

			out, err := theirs.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			require.NoError(t, err, key)
			got, err := io.ReadAll(out.Body)
			out.Body.Close()
			require.NoError(t, err, key)
			assert.True(t, bytes.Equal(plain, got), "%s: plaintext differs", key)
		}
	}
}

// Our rewrap (only the wrapped key changes) yields objects their client reads
// with the new key.
func TestWeRewrapTheyDecrypt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	plain := payload(5000)
	_, err := e.official(t, e.keyA).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("obj"), Body: bytes.NewReader(plain)})
	require.NoError(t, err)
	body, meta := e.s3.get(t, "obj")
	md, err := encryption.Rewrap(ctx, encryption.MetadataFromHeader(meta), e.ours(t, e.keyA), e.ours(t, e.keyB))
	require.NoError(t, err)
	e.s3.put("rewrapped", body, md)

	out, err := e.official(t, e.keyB).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("rewrapped")})
	require.NoError(t, err)
	got, err := io.ReadAll(out.Body)
	out.Body.Close()
	require.NoError(t, err)
	assert.Equal(t, plain, got)

	_, err = e.official(t, e.keyA).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("rewrapped")})
	assert.Error(t, err, "the old key no longer opens the rewrapped object")
}

// A tampered object is refused by both clients.
func TestTamperedRefusedByBoth(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	plain := payload(3000)
	_, err := e.official(t, e.keyA).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String("obj"), Body: bytes.NewReader(plain)})
	require.NoError(t, err)
	body, meta := e.s3.get(t, "obj")
	bad := bytes.Clone(body)
	bad[100] ^= 0x01
	md := map[string]string{}
	for k, v := range encryption.MetadataFromHeader(meta) {
		md[k] = v
	}
	e.s3.put("bad", bad, md)

	envl, err := encryption.RequireEnvelope(encryption.MetadataFromHeader(meta))
	require.NoError(t, err)
	d, err := encryption.NewDecryptor(ctx, bytes.NewReader(bad), envl, e.ours(t, e.keyA))
	require.NoError(t, err)
	_, err = io.ReadAll(d)
	assert.ErrorIs(t, err, encryption.ErrAuthentication)

	out, err := e.official(t, e.keyA).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("bad")})
	if err == nil {
		// v3.2.0 reports the tag failure while the body is read.
		_, err = io.ReadAll(out.Body)
		out.Body.Close()
	}
	assert.Error(t, err, "their client refuses it too")
}

func itoa(n int) string { return strconv.Itoa(n) }
