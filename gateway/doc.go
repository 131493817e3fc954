// Package gateway serves S3 Object Lambda access points in front of any
// S3-compatible store, running the same, unchanged Object Lambda functions
// as AWS: in-process Go handlers, functions on AWS Lambda, or any Lambda
// bootstrap or container image through the Lambda Invoke API (AWS's
// Runtime Interface Emulator serves it on any machine).
//
// Since 2025-11-07 AWS opens S3 Object Lambda only to accounts that already
// use it; the gateway gives everyone else — new accounts, on-premises
// stores, other clouds — the same access points.
//
//	cfg, err := config.Load("gateway.yaml")
//	g, err := gateway.New(ctx, cfg, gateway.WithHandler("redact", objectlambda.WithTransform(r)))
//	// g.Handler() on the listener, g.AdminHandler() on the admin port
//
// The configuration (package [config]) mirrors
// AWS::S3ObjectLambda::AccessPoint; [New] builds a [Gateway] from it, with
// functions registered by [WithHandler] (an objectlambda handler),
// [WithFunction] (any aws-lambda-go handler) or the configuration (AWS
// Lambda, the Lambda Invoke API); package [function] runs them; package
// [github.com/objectlambda/sdk-go/gateway/server] builds the listeners, the
// probes and the graceful shutdown ([Gateway.Shutdown] drains the
// functions); the command cmd/objectlambda-gateway puts them together, and
// package [github.com/objectlambda/sdk-go/gateway/builtin] registers its
// built-in functions. The Prometheus metrics on [Gateway.AdminHandler] are
// named after Object Lambda's CloudWatch metrics. docs/gateway.md is the
// user's guide.
//
// # What it does
//
// [Gateway.Handler] speaks the access point protocol: callers are
// authenticated with SigV4 (header and presigned) against the callers file
// and the access point's AllowedPrincipals; GetObject, HeadObject and
// ListObjects(V2) go to the function the TransformationConfigurations name,
// with an event whose inputS3Url the gateway presigns with the store's
// credentials; the function's WriteGetObjectResponse comes back to the same
// handler, authenticated and bound to its route and single-use token, and is
// streamed to the waiting caller with back-pressure. Other operations are
// passed to the store or refused as Object Lambda does.
//
// Replicas share nothing: a WriteGetObjectResponse that lands on another
// replica is streamed through to the one holding the caller, named by a
// route the cluster key authenticates (Cluster in the configuration).
//
// Package [github.com/objectlambda/sdk-go/objectlambda/objectlambdatest] is
// a test harness over this package: the library's own
// tests run every function through the same protocol code the gateway
// serves in production.
package gateway
