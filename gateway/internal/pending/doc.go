// Package pending is where a GetObject waits for its
// WriteGetObjectResponse: a table of outstanding output tokens, each bound
// to one request, its route, its deadline and the function that may
// answer it. Tokens are 256 random bits, kept only as SHA-256 digests, and
// taken exactly once: either a WriteGetObjectResponse claims a token, or
// the waiting request abandons it (the function failed or time ran out),
// never both.
package pending
