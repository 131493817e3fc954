package objectlambdatest

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// NewAccessPoint starts an access point over versitygw whose function is an
// objectlambda.Handler built from opts, configured as it would be when
// deployed: the access point is its S3 endpoint, for WriteGetObjectResponse
// and as the trusted host of inputS3Url. For other access point options
// (another store, a time limit, a payload), use New with WithHandler.
func NewAccessPoint(t testing.TB, opts ...objectlambda.Option) *AccessPoint {
	t.Helper()
	return New(t, WithHandler(opts...))
}

// WithHandler runs an objectlambda.Handler built from opts in-process, with
// the access point's AWS configuration and its endpoint trusted for
// inputS3Url (opts come after those and may override them). New fails the
// test when objectlambda.New rejects the options.
func WithHandler(opts ...objectlambda.Option) Option {
	return func(c *config) {
		c.function, c.bootstrap = nil, ""
		c.factory = func(cfg aws.Config) Function {
			h, err := gateway.NewHandler(cfg, opts...)
			if err != nil {
				return failingFunction{err}
			}
			return h
		}
		c.factoryErr = func(f Function) error {
			if ff, ok := f.(failingFunction); ok {
				return ff.err
			}
			return nil
		}
	}
}

// failingFunction stands for a handler that could not be built.
type failingFunction struct{ err error }

func (f failingFunction) Invoke(context.Context, []byte) ([]byte, error) { return nil, f.err }
