package gateway

import (
	"fmt"
	"log/slog"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// Option configures New.
type Option func(*options)

type options struct {
	log       *slog.Logger
	factories map[string]Factory
	source    config.Source
	publicURL string
	callers   *config.Callers
}

// Factory builds an in-process function. cfg is the SDK configuration a
// deployed function would find in its environment: the gateway's region,
// the gateway as its S3 endpoint (for WriteGetObjectResponse), and
// credentials the gateway issued to its in-process functions.
type Factory func(cfg aws.Config) (lambda.Handler, error)

// WithFunction registers an in-process function under name, for the
// configuration's Functions entries with InProcess: name.
func WithFunction(name string, f Factory) Option {
	return func(o *options) { o.factories[name] = f }
}

// WithHandler registers an *objectlambda.Handler built from opts under
// name, configured as when deployed: the gateway is its S3 endpoint and the
// trusted host of inputS3Url (opts come after those and may override them).
func WithHandler(name string, opts ...objectlambda.Option) Option {
	return WithFunction(name, func(cfg aws.Config) (lambda.Handler, error) {
		all := append([]objectlambda.Option{
			objectlambda.WithAWSConfig(cfg),
			objectlambda.WithTrustedEndpoints(aws.ToString(cfg.BaseEndpoint)),
		}, opts...)
		h, err := objectlambda.New(all...)
		if err != nil {
			return nil, fmt.Errorf("objectlambda.New: %w", err)
		}
		return h, nil
	})
}

// WithLogger sets the logger (default: none). NewLogger builds the
// gateway's usual one.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// WithSource sets where secrets are read from (default: the process
// environment and the file system).
func WithSource(s config.Source) Option { return func(o *options) { o.source = s } }

// WithPublicURL overrides Listener.PublicURL, e.g. once a listener on port
// 0 has its port.
func WithPublicURL(u string) Option { return func(o *options) { o.publicURL = u } }

// WithCallers uses callers instead of reading the configuration's callers
// file.
func WithCallers(c *config.Callers) Option { return func(o *options) { o.callers = c } }
