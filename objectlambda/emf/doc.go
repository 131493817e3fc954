// Package emf reports every Object Lambda request as CloudWatch metrics, by
// writing one line of CloudWatch Embedded Metric Format (EMF) JSON per
// request to standard output.
//
// Lambda sends a function's standard output to CloudWatch Logs, and CloudWatch
// turns every log line that carries an "_aws" metadata object into metrics.
// So an EMF line costs no agent, no PutMetricData call, no extra latency and
// no IAM permission beyond what every function has, and the same line stays
// searchable in Logs Insights with its request id and trace id. That is why
// this package writes lines instead of calling an API.
//
// Metrics are off by default. One option turns them on: an [Observer], built
// by [New] (or [MustNew], for options fixed in the code), given to
// objectlambda.WithObserver.
//
//	objectlambda.Start(
//		objectlambda.WithTransform(t),
//		objectlambda.WithObserver(emf.MustNew()),
//	)
//
// # What a line holds
//
// Each request gives one line with these metrics (the Metric* constants),
// under the namespace "ObjectLambda" ([DefaultNamespace]) unless
// [WithNamespace] says otherwise:
//
//	Requests            Count          always 1
//	Errors4xx           Count          1 when the caller was answered 4xx
//	Errors5xx           Count          1 when the caller was answered 5xx (or nothing)
//	BytesIn             Bytes          read from S3 through the presigned URL
//	BytesOut            Bytes          sent to the caller
//	UpstreamFirstByte   Milliseconds   start of request → presigned fetch headers
//	FirstResponseByte   Milliseconds   start of request → start of the reply
//	Duration            Milliseconds   the whole request
//	DeadlineMarginLeft  Milliseconds   time left before the work deadline
//	Retries             Count          extra attempts of the presigned fetch
//	UpstreamReadTime    Milliseconds   time spent reading the original from S3 (GET)
//	TransformTime       Milliseconds   time spent in the transforms themselves (GET)
//
// UpstreamFirstByte, FirstResponseByte and the two streaming times are left
// out of a line when the request never got that far (a request denied before
// the fetch has no upstream time), so that they do not pull averages and
// percentiles to zero.
//
// Dimensions are chosen by the operator with [WithDimensions]: "AccessPoint"
// ([DimensionAccessPoint], the access point name, taken from its ARN),
// "AccessPointArn" ([DimensionAccessPointARN]), "Operation"
// ([DimensionOperation]: GetObject, HeadObject, ListObjects, ListObjectsV2),
// and any dimension declared with [WithStaticDimension]. The default is one
// dimension set,
// AccessPoint × Operation. Every distinct combination of dimension values is
// a separate CloudWatch metric, billed as such; this is why the status code,
// the error code, the request id and the trace id are properties — searchable
// in Logs Insights, not dimensions.
//
// Properties of every line (the Prop* constants): StatusCode, ErrorCode
// (empty on success), UpstreamStatus (when a fetch was made), RequestId,
// TraceId (when known) and whatever [WithProperties] adds.
//
// Lines go to standard output, or wherever [WithWriter] says, one Write call
// each; a failed write is reported to the logger of [WithLogger]. [WithClock]
// fixes the timestamp, for tests that compare whole lines.
//
// # Secrets
//
// A line never holds the presigned URL, the output token, the request's
// headers, body bytes or the error text: only the figures above, the access
// point name, the S3 error code and identifiers.
//
// # Trace id
//
// The TraceId property is, by default, the X-Ray trace id of the invocation,
// read from the "x-amzn-trace-id" context value that aws-lambda-go sets for
// every invocation (with active tracing on). [WithTraceID] replaces it, for
// example with the TraceID method of an otelobjectlambda.Tracer when
// OpenTelemetry makes the spans.
package emf
