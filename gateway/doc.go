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
// The configuration (package config) mirrors AWS::S3ObjectLambda::AccessPoint;
// package function runs the functions; package metrics names its Prometheus
// metrics after Object Lambda's CloudWatch metrics; package server builds
// the listeners, the probes and the graceful shutdown; the command
// cmd/objectlambda-gateway puts them together. docs/gateway.md is the
// user's guide.
//
// # What is not here yet
//
// The access point protocol itself — caller SigV4 authentication (header
// and presigned), routing of operations per TransformationConfigurations,
// the WriteGetObjectResponse endpoint, the presigned inputS3Url, S3's error
// codes — lives today in objectlambda/objectlambdatest and moves here next
// (issue 16). Until then Handler answers every access point request with
// 501 NotImplemented. Everything else in this package is real: the core
// will read the callers (Callers, config.Callers.SecretOf for SigV4), the
// routes (config.AccessPoint.Route, Allows, AllowsFeature), the runners
// (Runner, function.S3Error), the stores (Store), the invocation limit
// (Limiter.Acquire) and the metrics (Metrics).
package gateway
