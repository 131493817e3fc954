// Package xray reads and writes the AWS X-Ray trace header
// ("X-Amzn-Trace-Id", and Lambda's _X_AMZN_TRACE_ID value):
//
//	Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1
//
// It is the one parser of that header in the module: the EMF observer takes
// the trace id from it (objectlambda/emf) and the OpenTelemetry propagator
// the whole span context (objectlambda/otelobjectlambda).
//
// Why the project has its own: the header is a few fields separated by
// semicolons, and OpenTelemetry's contributed AWS X-Ray propagator
// (go.opentelemetry.io/contrib/propagators/aws) was deprecated upstream in
// 2026 ("This module is no longer supported", v1.47.0). Depending on an
// unsupported module for thirty lines of parsing is a worse trade than
// owning them, with their tests and a fuzz target.
//
// The header comes from the invocation, so it is untrusted input: Parse
// accepts only well-formed identifiers and never fails loudly; a malformed
// header is simply no trace context.
package xray
