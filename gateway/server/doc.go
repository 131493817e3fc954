// Package server runs the gateway's listeners: the HTTP server of a
// listener configuration (TLS from files, HTTP/1.1 and HTTP/2, header size
// limit, timeouts), the liveness and readiness probes, and the graceful
// shutdown (readiness off, a delay for load balancers, stop accepting,
// drain requests in flight up to a deadline).
package server
