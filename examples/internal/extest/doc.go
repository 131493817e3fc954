// Package extest holds the small assertions the examples' end-to-end tests
// share: what an S3 client saw (status and error code of a failed call, the
// body of a successful one). It is internal to the examples' tests.
package extest
