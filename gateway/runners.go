package gateway

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/function"
	"github.com/objectlambda/sdk-go/objectlambda"
)

// runner is a function as the gateway runs it.
type runner struct {
	function.Runner
	name      string
	arn       string // the function's ARN, in its Lambda context
	inProcess bool
	// direct: the function trusts the stores and reads inputS3Url from
	// them, not through the gateway (a handler the gateway built).
	direct bool
	// accessKeyID and secret are the key the function signs
	// WriteGetObjectResponse with, when the gateway knows it: issued to an
	// in-process function, or its Lambda.ResponseCredentials. An empty
	// accessKeyID means its signature cannot be checked: its output token
	// alone authorizes its call.
	accessKeyID string
	secret      config.Secret
}

// buildRunners builds the runner of every function.
func (g *Gateway) buildRunners(ctx context.Context, o options) []error {
	var errs []error
	for i := range g.cfg.Functions {
		f := &g.cfg.Functions[i]
		path := fmt.Sprintf("Functions[%d]", i)
		r := &runner{name: f.Name, arn: "arn:aws:lambda:" + g.cfg.Region + ":" + g.cfg.AccountID + ":function:" + f.Name}
		var err error
		switch {
		case f.InProcess != "":
			err = g.inProcess(r, f, path, o)
		case f.Lambda != nil:
			err = g.lambda(ctx, r, f.Lambda, path, o.source)
		}
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if o.wrap != nil {
			r.Runner = o.wrap(f.Name, r.Runner)
		}
		g.runners[f.Name] = r
	}
	return errs
}

// inProcess builds an in-process function with credentials of its own.
func (g *Gateway) inProcess(r *runner, f *config.Function, path string, o options) error {
	factory, ok := o.factories[f.InProcess]
	if opts, isHandler := o.handlers[f.InProcess]; isHandler {
		ok, r.direct = true, true
		factory = func(cfg aws.Config) (lambda.Handler, error) {
			return NewHandler(cfg, append([]objectlambda.Option{objectlambda.WithTrustedEndpoints(g.storeEndpoints()...)}, opts...)...)
		}
	}
	if !ok {
		return fmt.Errorf("%s.InProcess: no function %q is registered in this binary (registered: %s)",
			path, f.InProcess, strings.Join(registered(o), ", "))
	}
	r.inProcess = true
	r.accessKeyID = "OLGW" + strings.ToUpper(randomHex(8))
	r.secret = config.NewSecret(randomHex(20))
	h, err := factory(g.functionConfig(r))
	if err != nil {
		return fmt.Errorf("%s.InProcess: %s: %w", path, f.InProcess, err)
	}
	if h == nil {
		return fmt.Errorf("%s.InProcess: %s: the factory returned no handler", path, f.InProcess)
	}
	r.Runner = function.InProcess(h)
	return nil
}

// functionConfig is the SDK configuration of an in-process function: what
// a deployed function finds in its environment, with this replica as its
// S3 endpoint.
func (g *Gateway) functionConfig(r *runner) aws.Config {
	return aws.Config{
		Region:       g.cfg.Region,
		BaseEndpoint: aws.String(g.selfURL),
		Credentials:  credentials.NewStaticCredentialsProvider(r.accessKeyID, r.secret.Reveal(), ""),
		HTTPClient:   g.local,
	}
}

// storeEndpoints are the base URLs of the stores other than Amazon S3 (a
// function trusts Amazon S3's hosts anyway).
func (g *Gateway) storeEndpoints() []string {
	var eps []string
	for _, st := range g.stores {
		if !st.amazon {
			eps = append(eps, st.base.String())
		}
	}
	slices.Sort(eps)
	return eps
}

// lambda builds a function behind the Lambda Invoke API.
func (g *Gateway) lambda(ctx context.Context, r *runner, l *config.LambdaFunction, path string, src config.Source) error {
	var ac aws.Config
	if l.Endpoint != "" && l.Credentials == nil {
		// An Invoke API of your own, such as the RIE, which ignores
		// signatures: the call goes unsigned rather than failing to find
		// AWS credentials.
		ac = aws.Config{Region: l.Region, BaseEndpoint: aws.String(l.Endpoint), Credentials: aws.AnonymousCredentials{}}
	} else {
		var err error
		if ac, err = awsConfig(ctx, l.Region, l.Endpoint, l.Credentials, path+".Lambda.Credentials", src); err != nil {
			return err
		}
	}
	if l.ResponseCredentials != nil {
		keys, err := l.ResponseCredentials.Read(path+".Lambda.ResponseCredentials", src)
		if err != nil {
			return err
		}
		r.accessKeyID, r.secret = keys.AccessKeyID, keys.SecretAccessKey
	}
	if strings.HasPrefix(l.FunctionName, "arn:") {
		r.arn = l.FunctionName
	}
	r.Runner = function.NewLambda(ac, function.LambdaFunction{
		FunctionName: l.FunctionName, Qualifier: l.Qualifier, MaxConcurrency: l.MaxConcurrency,
	})
	return nil
}

func registered(o options) []string {
	names := make([]string, 0, len(o.factories)+len(o.handlers))
	for n := range o.factories {
		names = append(names, n)
	}
	for n := range o.handlers {
		names = append(names, n)
	}
	if len(names) == 0 {
		return []string{"none"}
	}
	slices.Sort(names)
	return names
}
