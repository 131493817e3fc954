package gateway_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"io"
	"math/big"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const accessPointsConfig = `Listener: {Address: "127.0.0.1:0"}
Stores:
  - Name: local
    Endpoint: "{{store}}"
    UsePathStyle: true
    Credentials: {AccessKeyId: {Env: STORE_KEY}, SecretAccessKey: {Env: STORE_SECRET}}
Functions: [{Name: passthrough, InProcess: passthrough}]
Callers: {Env: CALLERS}
AccessPoints:
  - Name: public
    Alias: public-a1b2c3--ol-s3
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs}
      TransformationConfigurations: [{Actions: [GetObject, ListObjectsV2], ContentTransformation: {AwsLambda: {FunctionArn: passthrough}}}]
    AllowedPrincipals: ["*"]
  - Name: reports
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs, Prefix: reports/}
      TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: passthrough}}}]
    AllowedPrincipals: ["arn:aws:iam::111122223333:role/analyst"]
  - Name: uploads
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: local, Bucket: docs, Prefix: uploads/}
      TransformationConfigurations: [{Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: passthrough}}}]
    AllowedPrincipals: ["*"]
    AllowedActions: [GetObject, s3-object-lambda:PutObject]
`

// TestAccessPoints: aliases, the allow lists (deny by default), a
// supporting prefix, and ListBuckets per caller.
func TestAccessPoints(t *testing.T) {
	r := newRig(t, accessPointsConfig, gateway.WithHandler("passthrough"))
	r.put(t, "reports/q3.txt", []byte("Q3"))
	r.put(t, "private/salaries.txt", []byte("secret"))
	ctx := context.Background()
	get := func(creds aws.Credentials, bucket, key string) (string, string) {
		out, err := r.client(creds).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err != nil {
			return "", errorCode(err)
		}
		defer out.Body.Close()
		b, err := io.ReadAll(out.Body)
		require.NoError(t, err)
		return string(b), ""
	}
	tests := []struct {
		name                string
		creds               aws.Credentials
		bucket, key         string
		wantBody, wantError string
	}{
		{"by name", ana, "public", "reports/q3.txt", "Q3", ""},
		{"by alias", mallory, "public-a1b2c3--ol-s3", "private/salaries.txt", "secret", ""},
		{"under the prefix", ana, "reports", "reports/q3.txt", "Q3", ""},
		{"outside the prefix", ana, "reports", "private/salaries.txt", "", "AccessDenied"},
		{"not in AllowedPrincipals", mallory, "reports", "reports/q3.txt", "", "AccessDenied"},
		{"no such access point", ana, "docs", "reports/q3.txt", "", "NoSuchBucket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body, code := get(tt.creds, tt.bucket, tt.key)
			assert.Equal(t, tt.wantError, code)
			assert.Equal(t, tt.wantBody, body)
		})
	}
	t.Run("listings under the prefix only", func(t *testing.T) {
		_, err := r.client(ana).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("reports")})
		assert.Equal(t, "AccessDenied", errorCode(err))
		out, err := r.client(ana).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("reports"), Prefix: aws.String("reports/")})
		require.NoError(t, err)
		require.Len(t, out.Contents, 1)
		assert.Equal(t, "reports/q3.txt", aws.ToString(out.Contents[0].Key))
		_, err = r.client(ana).DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("reports"),
			Delete: &types.Delete{Objects: []types.ObjectIdentifier{{Key: aws.String("private/salaries.txt")}}}})
		assert.Equal(t, "AccessDenied", errorCode(err), "DeleteObjects names its keys in its body")
	})
	t.Run("writes and deletes only where AllowedActions list them", func(t *testing.T) {
		store := r.st.Client()
		exists := func(key string) bool {
			_, err := store.HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("docs"), Key: aws.String(key)})
			return err == nil
		}
		put := func(bucket, key string) string {
			_, err := r.client(ana).PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("new")})
			return errorCode(err)
		}
		del := func(bucket, key string) string {
			_, err := r.client(ana).DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
			return errorCode(err)
		}
		// "public" gives no AllowedActions: reading only.
		assert.Equal(t, "AccessDenied", put("public", "reports/new.txt"))
		assert.False(t, exists("reports/new.txt"), "a refused PUT never reaches the store")
		assert.Equal(t, "AccessDenied", del("public", "reports/q3.txt"))
		assert.True(t, exists("reports/q3.txt"), "a refused DELETE never reaches the store")
		_, err := r.client(ana).HeadObject(ctx, &s3.HeadObjectInput{Bucket: aws.String("public"), Key: aws.String("reports/q3.txt")})
		assert.NoError(t, err, "reading is allowed by default")
		// "uploads" allows GetObject and PutObject, nothing else.
		assert.Empty(t, put("uploads", "uploads/a.txt"))
		assert.True(t, exists("uploads/a.txt"))
		body, code := get(ana, "uploads", "uploads/a.txt")
		assert.Equal(t, "new", body, code)
		assert.Equal(t, "AccessDenied", del("uploads", "uploads/a.txt"))
		assert.True(t, exists("uploads/a.txt"))
		_, err = r.client(ana).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("uploads"), Prefix: aws.String("uploads/")})
		assert.Equal(t, "AccessDenied", errorCode(err), "listing is not in its AllowedActions")
	})
	t.Run("a listing through the function", func(t *testing.T) {
		out, err := r.client(ana).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("public")})
		require.NoError(t, err)
		stored, err := r.st.Client().ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("docs")})
		require.NoError(t, err)
		assert.Len(t, out.Contents, len(stored.Contents))
		assert.GreaterOrEqual(t, len(out.Contents), 2)
	})
	t.Run("ListBuckets", func(t *testing.T) {
		names := func(creds aws.Credentials) []string {
			out, err := r.client(creds).ListBuckets(ctx, &s3.ListBucketsInput{})
			require.NoError(t, err)
			var n []string
			for _, b := range out.Buckets {
				n = append(n, aws.ToString(b.Name))
			}
			return n
		}
		assert.Equal(t, []string{"public-a1b2c3--ol-s3", "reports", "uploads"}, names(ana))
		assert.Equal(t, []string{"public-a1b2c3--ol-s3", "uploads"}, names(mallory))
	})
}

func errorCode(err error) string {
	var ae interface{ ErrorCode() string }
	if err == nil {
		return ""
	}
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

// TestTokenOnlyNeedsTLS: a function whose WriteGetObjectResponse only its
// token authorizes needs an https PublicURL (or loopback).
func TestTokenOnlyNeedsTLS(t *testing.T) {
	doc := `Listener: {Address: "127.0.0.1:8080", PublicURL: "%s"}
Stores: [{Name: s, Endpoint: "http://127.0.0.1:7070", UsePathStyle: true}]
Functions:
  - {Name: remote, Lambda: {FunctionName: "arn:aws:lambda:us-east-1:111122223333:function:redact"}}
  - {Name: known, Lambda: {FunctionName: known, Endpoint: "http://127.0.0.1:9000", ResponseCredentials: {AccessKeyId: AKIAFUNCTION00000001, SecretAccessKey: {Env: S}}}}
Callers: {Env: C}
AccessPoints:
  - Name: aps
    ObjectLambdaConfiguration:
      SupportingAccessPoint: {Store: s, Bucket: b-1}
      TransformationConfigurations:
        - {Actions: [GetObject], ContentTransformation: {AwsLambda: {FunctionArn: remote}}}
        - {Actions: [HeadObject], ContentTransformation: {AwsLambda: {FunctionArn: known}}}
    AllowedPrincipals: ["*"]
`
	callers, err := config.ParseCallers("c", []byte(rigCallers))
	require.NoError(t, err)
	src := config.Source{LookupEnv: func(k string) (string, bool) { return "a-secret-value-000001", k == "S" }}
	for url, wantErr := range map[string]bool{"http://gateway.example.com": true, "https://gateway.example.com": false, "http://127.0.0.1:8080": false} {
		cfg, err := config.Parse("gateway.yaml", []byte(strings.Replace(doc, "%s", url, 1)))
		require.NoError(t, err)
		g, err := gateway.New(context.Background(), cfg, gateway.WithCallers(callers), gateway.WithSource(src))
		if wantErr {
			require.Error(t, err, url)
			assert.Contains(t, err.Error(), "function remote: without Lambda.ResponseCredentials its WriteGetObjectResponse is authorized by its output token alone")
			assert.NotContains(t, err.Error(), "known")
			continue
		}
		require.NoError(t, err, url)
		require.NoError(t, g.Close())
	}
}

// TestTLS: a gateway on TLS with a certificate for its public name; its
// in-process function reaches it by IP address, pinned to that
// certificate.
func TestTLS(t *testing.T) {
	dir := t.TempDir()
	pool := writeCertificate(t, dir, "gateway.example.com")
	doc := strings.Replace(accessPointsConfig, `Listener: {Address: "127.0.0.1:0"}`,
		`Listener: {Address: "127.0.0.1:0", TLS: {CertFile: `+filepath.Join(dir, "cert.pem")+`, KeyFile: `+filepath.Join(dir, "key.pem")+`}}`, 1)
	r := newRig(t, doc, gateway.WithHandler("passthrough"))
	require.True(t, strings.HasPrefix(r.url, "https://"))
	r.put(t, "reports/q3.txt", []byte("Q3 over TLS"))
	client := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(r.url), UsePathStyle: true, Retryer: aws.NopRetryer{},
		Credentials: credentials.StaticCredentialsProvider{Value: ana},
		HTTPClient:  &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: "gateway.example.com"}}}})
	out, err := client.GetObject(context.Background(), &s3.GetObjectInput{Bucket: aws.String("public"), Key: aws.String("reports/q3.txt")})
	require.NoError(t, err)
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, "Q3 over TLS", string(b))
}

// writeCertificate writes a self-signed certificate for name (no IP
// address) and its key into dir, and returns a pool that trusts it.
func writeCertificate(t *testing.T, dir, name string) *x509.CertPool {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: name}, DNSNames: []string{name},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	kb, err := x509.MarshalECPrivateKey(key)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "cert.pem"), pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "key.pem"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600))
	cert, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return pool
}
