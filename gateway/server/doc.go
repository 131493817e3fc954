// Package server runs the gateway's listeners: the HTTP server of a
// listener configuration ([New]: TLS from files, HTTP/1.1 and HTTP/2, header
// size limit, timeouts; [Listen], [Serve]), the liveness and readiness probes
// ([Health]), and the graceful shutdown ([Drain]: readiness off, a delay for
// load balancers, stop accepting, drain requests in flight up to a
// deadline).
package server
