package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/transform"
)

// Option configures a Handler.
type Option func(*config) error

// Authorizer decides whether the caller may have the object. Return nil to
// allow. Any other error denies: an *s3err.Error is sent as it is, anything
// else becomes 403 AccessDenied. It runs before the object is fetched.
type Authorizer func(ctx context.Context, r *Request) error

type config struct {
	transforms     []transform.Transform
	postTransforms []transform.Transform // encryption runs last, see cse.go
	preTransforms  []transform.Transform // issue 5: decryption runs first, see cse.go
	authorizers    []Authorizer
	awsConfig      *aws.Config
	wgor           WGORAPI
	trusted        []string
	policyOpts     []presign.PolicyOption
	fetchOpts      []presign.Option
	log            *slog.Logger
	margin         time.Duration
	timeLimit      time.Duration
	partSize       int64
	rangeMem       int64
	payloadChecks  []func(*Request) error
	lookupEnv      func(string) (string, bool)
	headHook       HeadHook
	listFilter     ListFilter
	pushdownRanges bool
	observers      []Observer     // see observe.go
	tracer         Tracer         // see observe.go
	headList       headListConfig // issue 6: HEAD/LIST settings, see list_options.go
}

// WithTransform appends transforms to the chain every GetObject body passes
// through (and whose declared properties HEAD answers follow). Without any,
// objects pass through unchanged.
func WithTransform(ts ...transform.Transform) Option {
	return func(c *config) error {
		for _, t := range ts {
			if t == nil {
				return errors.New("objectlambda: WithTransform: nil transform")
			}
		}
		c.transforms = append(c.transforms, ts...)
		return nil
	}
}

// WithAuthorizer adds a check that runs before anything is fetched. All
// authorizers must allow.
func WithAuthorizer(a Authorizer) Option {
	return func(c *config) error {
		if a == nil {
			return errors.New("objectlambda: WithAuthorizer: nil authorizer")
		}
		c.authorizers = append(c.authorizers, a)
		return nil
	}
}

// WithAWSConfig sets the AWS configuration used for WriteGetObjectResponse
// (region, credentials, endpoint). Without it the handler reads what Lambda
// gives every function from the environment: AWS_REGION, the execution
// role's AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN,
// AWS_ENDPOINT_URL_S3 or AWS_ENDPOINT_URL, AWS_CA_BUNDLE,
// AWS_USE_FIPS_ENDPOINT and AWS_USE_DUALSTACK_ENDPOINT. It does not read
// shared configuration files, profiles or SSO: that machinery would add
// 1.8 MB to every function for nothing on Lambda. Elsewhere, load a
// configuration (config.LoadDefaultConfig) and pass it here. A custom S3
// endpoint in cfg (BaseEndpoint) is also trusted for inputS3Url.
func WithAWSConfig(cfg aws.Config) Option {
	return func(c *config) error {
		c.awsConfig = &cfg
		return nil
	}
}

// WithS3Client sets the client that sends WriteGetObjectResponse. Use it to
// share a client or to decorate the call; the handler still disables SDK
// retries per call, since a streamed body cannot be resent.
func WithS3Client(client WGORAPI) Option {
	return func(c *config) error {
		if client == nil {
			return errors.New("objectlambda: WithS3Client: nil client")
		}
		c.wgor = client
		return nil
	}
}

// WithTrustedEndpoints trusts more S3 endpoints (scheme://host[:port]) for
// inputS3Url, in addition to AWS's own S3 hosts and the endpoint configured
// through AWS_ENDPOINT_URL_S3 / AWS_ENDPOINT_URL.
func WithTrustedEndpoints(urls ...string) Option {
	return func(c *config) error {
		c.trusted = append(c.trusted, urls...)
		return nil
	}
}

// WithTrustPolicy adds options to the inputS3Url trust policy (partitions,
// region pinning, ...).
func WithTrustPolicy(opts ...presign.PolicyOption) Option {
	return func(c *config) error {
		c.policyOpts = append(c.policyOpts, opts...)
		return nil
	}
}

// WithFetchOptions adds options to the presigned-URL client (timeouts,
// retries, TLS roots). A presign.WithPolicy among them is overridden: the
// trust policy is the handler's, set with WithTrustPolicy and
// WithTrustedEndpoints, so that every check (the fetch, Wrap's check of the
// URL) uses the same one.
func WithFetchOptions(opts ...presign.Option) Option {
	return func(c *config) error {
		c.fetchOpts = append(c.fetchOpts, opts...)
		return nil
	}
}

// WithLogger sets the logger. The default is slog.Default(). The handler
// logs request ids, operations, statuses, sizes and durations, never
// presigned URLs, tokens, keys or object bytes.
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return errors.New("objectlambda: WithLogger: nil logger")
		}
		c.log = l
		return nil
	}
}

// minMargin is the shortest deadline margin: the time an error reply needs.
const minMargin = 50 * time.Millisecond

// WithDeadlineMargin sets how long before the deadline the handler stops
// work to answer with an error instead. Default 1s.
//
// A reply (the error reply of the deadline guard, or a reply that started
// just before the work deadline) has until the work deadline plus three
// quarters of the margin to reach S3, and the invocation returns by then, even when a transform ignores its context and is still
// running: Lambda then bills no more than that, and whatever the transform
// holds is released when it returns. The margin is at least 50 ms, and
// never more than half of the time an invocation has.
func WithDeadlineMargin(d time.Duration) Option {
	return func(c *config) error {
		if d < minMargin {
			return fmt.Errorf("objectlambda: WithDeadlineMargin: %v is less than %v, too short to send the deadline's error reply", d, minMargin)
		}
		c.margin = d
		return nil
	}
}

// WithTimeLimit sets the time S3 Object Lambda gives a GetObject response,
// counted from the invocation. Default 60s, AWS's limit; the Lambda context
// deadline applies too when it is earlier.
func WithTimeLimit(d time.Duration) Option {
	return func(c *config) error {
		if d <= 0 {
			return fmt.Errorf("objectlambda: WithTimeLimit: %v is not positive", d)
		}
		c.timeLimit = d
		return nil
	}
}

// WithPartSize sets the size of the parts that partNumber requests address
// in the transformed object. Default 8 MiB.
func WithPartSize(n int64) Option {
	return func(c *config) error {
		if n < 1<<10 {
			return fmt.Errorf("objectlambda: WithPartSize: %d is smaller than 1 KiB", n)
		}
		c.partSize = n
		return nil
	}
}

// WithRangeMemory sets how many bytes a Range (or partNumber) request on
// transformed output of unknown length may keep in memory. The output is
// read to its end to learn its length, keeping only the requested bytes;
// a range larger than n is not kept but read a second time: the object is
// fetched again (pinned to the same ETag) and transformed again, and the
// requested bytes are streamed to the caller, checked against a digest of
// the first reading (a transform whose output differs between readings
// fails the reply, never serves a mixed object). Nothing is written to disk.
//
// Default 8 MiB, which keeps the parts of the usual transfer managers (5 MiB
// for Go's, 8 MiB for the AWS CLI's and boto3's) in one reading. Each Lambda
// invocation has its process to itself; where one process serves many
// requests at once (a gateway, the demo), a smaller n bounds memory at the
// cost of a second reading for larger ranges.
func WithRangeMemory(n int64) Option {
	return func(c *config) error {
		if n < 0 {
			return fmt.Errorf("objectlambda: WithRangeMemory: negative size %d", n)
		}
		c.rangeMem = n
		return nil
	}
}

// withRangePushdown controls whether Range and partNumber requests are
// fetched as ranges from S3 when every transform declares itself RangeSafe
// (default true). Tests compare both paths; users have no reason to switch
// it off.
func withRangePushdown(on bool) Option {
	return func(c *config) error {
		c.pushdownRanges = on
		return nil
	}
}

// WithPayloadType makes every request check that the access point payload
// decodes into a T (see DecodePayload) before anything is fetched, so a
// misconfigured access point fails fast with 500 InvalidPayload.
func WithPayloadType[T any]() Option {
	return func(c *config) error {
		c.payloadChecks = append(c.payloadChecks, func(r *Request) error {
			_, err := DecodePayload[T](&r.Request)
			return err
		})
		return nil
	}
}

// withLookupEnv replaces os.LookupEnv, for tests.
func withLookupEnv(f func(string) (string, bool)) Option {
	return func(c *config) error {
		c.lookupEnv = f
		return nil
	}
}
