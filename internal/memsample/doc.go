// Package memsample measures the memory a benchmark uses while it runs: the
// peak growth of the Go heap in use and the peak resident set size of the
// process, sampled every few milliseconds. The benchmarks of objectlambda,
// objectlambdatest and gateway report them to show that memory stays flat as
// objects grow.
package memsample
