// Package cluster lets replicas of the gateway find each other without
// shared state. Each replica names itself in the outputRoute of the events
// it sends: the route carries its IP address and port and a MAC over them
// under the cluster key, so a WriteGetObjectResponse that reaches any
// replica can be streamed to the one holding the caller, and a route no
// replica minted (which could point anywhere) is refused before any
// connection is made. A call forwarded between replicas carries a MAC
// too, bound to its route and token, so a replica knows it came from a
// peer and never forwards it a second time.
//
// Routes are host labels of at most 63 characters ([a-z0-9-]), as
// WriteGetObjectResponse requires: "io-" and the base32 of address, port
// and an 80-bit MAC.
package cluster
