package objectlambda

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// lambdaConfig is the AWS configuration Lambda gives a function, read from
// its environment: the region (AWS_REGION), the execution role's credentials
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), and, for
// local or private endpoints, AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL and
// AWS_CA_BUNDLE.
//
// Why not config.LoadDefaultConfig: on Lambda it resolves exactly these
// variables, but it links the STS, SSO, SSO-OIDC and sign-in clients, the
// instance-metadata client and five more credential providers that a
// function never uses: 1.8 MB of a 10 MB binary (18 %) and about 1.4 ms of
// package initialisation at every cold start (docs/binary-size.md). Where the
// environment is not Lambda's (profiles, SSO, instance roles), load the
// configuration yourself and pass it with WithAWSConfig.
func lambdaConfig(lookup func(string) (string, bool)) (aws.Config, error) {
	get := func(name string) string {
		v, _ := lookup(name)
		return strings.TrimSpace(v)
	}
	cfg := aws.Config{Region: get("AWS_REGION")}
	if cfg.Region == "" {
		cfg.Region = get("AWS_DEFAULT_REGION")
	}
	key, secret := get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")
	var missing []string
	if cfg.Region == "" {
		missing = append(missing, "AWS_REGION")
	}
	if key == "" || secret == "" {
		missing = append(missing, "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY")
	}
	if len(missing) > 0 {
		return aws.Config{}, fmt.Errorf("objectlambda: the environment has no %s: Lambda always sets them; "+
			"outside Lambda set them, or pass WithAWSConfig (for example with config.LoadDefaultConfig)", strings.Join(missing, " nor "))
	}
	cfg.Credentials = aws.NewCredentialsCache(credentials.NewStaticCredentialsProvider(key, secret, get("AWS_SESSION_TOKEN")))
	if ep := get("AWS_ENDPOINT_URL_S3"); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	} else if ep := get("AWS_ENDPOINT_URL"); ep != "" {
		cfg.BaseEndpoint = aws.String(ep)
	}
	if bundle := get("AWS_CA_BUNDLE"); bundle != "" {
		client, err := caBundleClient(bundle)
		if err != nil {
			return aws.Config{}, err
		}
		cfg.HTTPClient = client
	}
	return cfg, nil
}

// caBundleClient is an HTTP client that trusts the certificates in the PEM
// file path as well as the system's.
func caBundleClient(path string) (aws.HTTPClient, error) {
	pem, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("objectlambda: AWS_CA_BUNDLE: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, errors.New("objectlambda: AWS_CA_BUNDLE: no certificate in the file")
	}
	return awshttp.NewBuildableClient().WithTransportOptions(func(t *http.Transport) {
		if t.TLSClientConfig == nil {
			t.TLSClientConfig = &tls.Config{MinVersion: tls.VersionTLS12}
		}
		t.TLSClientConfig.RootCAs = pool
	}), nil
}

// endpointVariants applies AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT
// to the WGOR client, as the default configuration would.
func endpointVariants(lookup func(string) (string, bool)) func(*s3.Options) {
	flag := func(name string) bool {
		v, _ := lookup(name)
		b, _ := strconv.ParseBool(strings.TrimSpace(v))
		return b
	}
	fips, dual := flag("AWS_USE_FIPS_ENDPOINT"), flag("AWS_USE_DUALSTACK_ENDPOINT")
	return func(o *s3.Options) {
		if fips {
			o.EndpointOptions.UseFIPSEndpoint = aws.FIPSEndpointStateEnabled
		}
		if dual {
			o.EndpointOptions.UseDualStackEndpoint = aws.DualStackEndpointStateEnabled
		}
	}
}
