package objectlambda

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/objectlambda/sdk-go/presign"
	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
)

// Handler serves S3 Object Lambda events. It implements aws-lambda-go's
// lambda.Handler, so lambda.Start(h) runs it; Start does that in one call.
// A Handler is safe for concurrent use.
type Handler struct {
	cfg    config
	props  transform.Properties
	wgor   WGORAPI
	fetch  *presign.Client
	policy *presign.Policy
	log    *slog.Logger
}

var _ lambda.Handler = (*Handler)(nil)

// New builds a Handler. Without WithAWSConfig or WithS3Client it takes the
// AWS configuration from the environment Lambda gives every function:
// AWS_REGION, the role's credentials, and AWS_ENDPOINT_URL_S3 /
// AWS_ENDPOINT_URL for a local or private endpoint (see WithAWSConfig).
func New(opts ...Option) (*Handler, error) {
	c := config{
		margin:         time.Second,
		timeLimit:      60 * time.Second,
		partSize:       8 << 20,
		rangeMem:       8 << 20,
		pushdownRanges: true,
		lookupEnv:      os.LookupEnv,
	}
	for _, o := range opts {
		if o == nil {
			continue
		}
		if err := o(&c); err != nil {
			return nil, err
		}
	}
	h := &Handler{cfg: c, log: c.log}
	if h.log == nil {
		h.log = slog.Default()
	}
	h.props = transform.Describe(transform.Chain(c.chainMembers()...))

	var baseEndpoint string
	if c.wgor != nil {
		if err := quietClient(c.wgor); err != nil {
			return nil, err
		}
		h.wgor = c.wgor
	} else {
		var awsCfg aws.Config
		variants := func(*s3.Options) {}
		if c.awsConfig != nil {
			awsCfg = *c.awsConfig
		} else {
			loaded, err := lambdaConfig(c.lookupEnv)
			if err != nil {
				return nil, err
			}
			awsCfg, variants = loaded, endpointVariants(c.lookupEnv)
		}
		// The SDK's request and signing logs would print the WGOR token,
		// the canonical request and the object's bytes: never on.
		awsCfg.ClientLogMode = 0
		client := s3.NewFromConfig(awsCfg, wgorClientOptions, variants)
		if ep := client.Options().BaseEndpoint; ep != nil {
			baseEndpoint = *ep
		}
		h.wgor = client
	}

	popts := []presign.PolicyOption{presign.WithEndpointsFromEnv(c.lookupEnv)}
	if baseEndpoint != "" {
		popts = append(popts, presign.WithTrustedEndpoint(baseEndpoint))
	}
	for _, t := range c.trusted {
		popts = append(popts, presign.WithTrustedEndpoint(t))
	}
	popts = append(popts, c.policyOpts...)
	policy := presign.NewPolicy(popts...)
	if err := policy.Err(); err != nil {
		return nil, fmt.Errorf("objectlambda: trust policy: %w", err)
	}
	h.policy = policy
	// The handler's policy goes last: a WithPolicy among the fetch options
	// cannot replace it.
	fopts := slices.Concat([]presign.Option{presign.WithLogger(h.log)}, c.fetchOpts, []presign.Option{presign.WithPolicy(policy)})
	h.fetch = presign.NewClient(fopts...)
	return h, nil
}

// chainMembers lists the transforms in the order every body passes them:
// decryption, the user's transforms, encryption.
func (c *config) chainMembers() []transform.Transform {
	return slices.Concat(c.preTransforms, c.transforms, c.postTransforms)
}

// wgorClientOptions adapts the S3 client for WriteGetObjectResponse:
// no SDK retries (a streamed body cannot be replayed and the token is single
// use), an unsigned payload (never hash a stream; HTTPS does this anyway), and
// no "{route}." host prefix when a custom endpoint is configured (a local or
// private endpoint has no such DNS names).
func wgorClientOptions(o *s3.Options) {
	o.Retryer = aws.NopRetryer{}
	o.APIOptions = append(o.APIOptions, v4.SwapComputePayloadSHA256ForUnsignedPayloadMiddleware)
	if o.BaseEndpoint != nil && !isAWSEndpoint(*o.BaseEndpoint) {
		o.APIOptions = append(o.APIOptions, disableHostPrefix)
	}
}

// quietClient refuses an S3 client built to log request signing: that log is
// fixed when the client is built (per-call options cannot turn it off) and
// prints every WGOR request's token.
func quietClient(c WGORAPI) error {
	if sc, ok := c.(*s3.Client); ok && sc.Options().ClientLogMode.IsSigning() {
		return errors.New("objectlambda: WithS3Client: the client logs request signing (aws.LogSigning), which would print every reply's token; build it without")
	}
	return nil
}

func isAWSEndpoint(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		return false
	}
	h := strings.ToLower(u.Hostname())
	return strings.HasSuffix(h, ".amazonaws.com") || strings.HasSuffix(h, ".amazonaws.com.cn")
}

func disableHostPrefix(s *middleware.Stack) error {
	return s.Finalize.Insert(middleware.FinalizeMiddlewareFunc("objectlambdaNoHostPrefix",
		func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
			return next.HandleFinalize(smithyhttp.DisableEndpointHostPrefix(ctx, true), in)
		}), "EndpointHostPrefix", middleware.Before)
}

// Start builds a Handler from opts and runs it as the Lambda function. It
// does not return. A configuration error is logged and ends the process, so
// the Lambda init phase fails visibly.
func Start(opts ...Option) {
	h, err := New(opts...)
	if err != nil {
		slog.Error("objectlambda: cannot start", "error", err)
		os.Exit(1)
	}
	lambda.Start(h)
}

// Invoke implements lambda.Handler: it decodes the event, serves it and
// encodes the reply (for GetObject a short status document, since S3 ignores
// it; for HEAD and LIST the reply S3 forwards to the caller). Its error, which
// the Lambda runtime prints, is scrubbed of credentials.
func (h *Handler) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	reply, err := h.invoke(ctx, payload)
	if err != nil {
		return nil, scrubError(err)
	}
	return marshalReply(reply)
}

func (h *Handler) invoke(ctx context.Context, payload []byte) (any, error) {
	ev, err := parseEvent(payload)
	if err == nil {
		return h.handle(ctx, ev)
	}
	if ev != nil && ev.canRespond() {
		// The event names a GET we can still answer: tell the caller.
		ctx = h.beginRequest(ctx, ev)
		return h.serveGet(ctx, ev, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the Object Lambda event is malformed"))
	}
	h.log.ErrorContext(ctx, "objectlambda: rejected event", "error", scrubError(err))
	return nil, err
}

// marshalReply encodes the reply without HTML escaping: listings are XML,
// and escaping every '<' as \u003c would multiply their size against
// Lambda's 6 MB response limit.
func marshalReply(reply any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(reply); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// handle serves a decoded event. For GetObject the reply is a *getResult
// (the object itself went through WriteGetObjectResponse); for HeadObject a
// *HeadReply; for ListObjects and ListObjectsV2 a *listReply. An error means
// the invocation failed: for GetObject only when the reply could not be
// delivered at all.
func (h *Handler) handle(ctx context.Context, ev *Event) (any, error) {
	ctx = h.beginRequest(ctx, ev)
	if err := ev.validate(); err != nil {
		if ev.canRespond() {
			return h.serveGet(ctx, ev, s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInternalError, "the Object Lambda event is malformed"))
		}
		return nil, err
	}
	switch ev.operation() {
	case OpGetObject:
		return h.serveGet(ctx, ev, nil)
	case OpHeadObject:
		return h.serveHead(ctx, ev)
	case OpListObjects, OpListObjectsV2:
		return h.serveList(ctx, ev)
	}
	return nil, errors.New("objectlambda: unreachable operation")
}

// workContext bounds the work of one request (see deadlines).
func (h *Handler) workContext(ctx context.Context, start time.Time) (context.Context, context.CancelFunc) {
	work, _ := h.deadlines(ctx, start)
	return context.WithDeadlineCause(ctx, work, s3err.ErrDeadline)
}

// deadlines returns when the work of a request must stop, and the margin
// kept after it for answering: the earlier of the Lambda deadline and the
// Object Lambda time limit, less the margin. The margin never takes more
// than half of the time the invocation has, so a function whose timeout is
// shorter than its margin still gets its work time and its reply.
func (h *Handler) deadlines(ctx context.Context, start time.Time) (work time.Time, margin time.Duration) {
	end := start.Add(h.cfg.timeLimit)
	if d, ok := ctx.Deadline(); ok && d.Before(end) {
		end = d
	}
	margin = min(h.cfg.margin, max(end.Sub(start)/2, 0))
	return end.Add(-margin), margin
}

// authorize runs the payload checks and authorizers.
func (h *Handler) authorize(ctx context.Context, r *Request) error {
	for _, check := range h.cfg.payloadChecks {
		if err := check(r); err != nil {
			return err
		}
	}
	for _, a := range h.cfg.authorizers {
		if err := a(ctx, r); err != nil {
			if _, ok := errors.AsType[*s3err.Error](err); ok {
				return err
			}
			return s3err.Wrap(err, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
		}
	}
	return nil
}
