// Package faultproxy is a small HTTP reverse proxy for tests that breaks
// traffic on purpose.
//
// The library promises exactly one reply, no goroutine left behind and never
// a short body reported as success, whatever the network does. Those promises
// can only be tested against a network that misbehaves on demand: a proxy put
// between an Object Lambda function and its S3 store (for inputS3Url), or in
// front of the WriteGetObjectResponse endpoint, that resets connections,
// stalls before the headers or in the middle of a body, truncates or corrupts
// a body, answers 500, 503 or SlowDown a few times and then lets requests
// through, or simply adds latency.
//
// A Proxy forwards to one target. Its current Fault is set with Proxy.Set
// and may be changed between requests; Fault.Times makes a burst (the first N
// requests are faulted, the following ones pass). Body faults apply to the
// response body by default and to the request body when Fault.RequestBody is
// set (an upload such as WriteGetObjectResponse).
//
// Stalls end when the client gives up, when Fault.Delay has passed, or when
// the proxy is closed, so a test never hangs on its own proxy and Close
// leaves no goroutine behind.
package faultproxy
