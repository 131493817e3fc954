package main

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/objectlambda/sdk-go/examples/internal/samtemplate"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
)

// BenchmarkRedactPII serves the same 100 MiB text object end to end (SDK
// client → access point → function → versitygw, all in this process but
// versitygw) through two access points in one run: this function,
// configured as template.yaml configures it, and a passthrough function
// (no transform). It alternates the two GETs and reports the median time
// of each and x-passthrough, the median over the pairs of redact-pii's
// time ÷ passthrough's (1.0: redaction is free). The spread of the ratios
// is reported as its lowest and highest value.
//
//	go test -run '^$' -bench BenchmarkRedactPII -benchtime 7x ./examples/redact-pii
func BenchmarkRedactPII(b *testing.B) {
	const size = 100 << 20
	body := benchText(size)
	opts, err := options()
	if err != nil {
		b.Fatal(err)
	}
	quiet := objectlambda.WithLogger(slog.New(slog.DiscardHandler))
	redact := objectlambdatest.New(b, samtemplate.AccessPoint(b, "template.yaml", objectlambdatest.WithHandler(append(opts, quiet)...))...)
	pass := objectlambdatest.New(b, objectlambdatest.WithHandler(quiet))
	for _, ap := range []*objectlambdatest.AccessPoint{redact, pass} {
		ap.PutObjectBytes(b, "big.txt", body, func(in *s3.PutObjectInput) { in.ContentType = aws.String("text/plain") })
	}
	get := func(ap *objectlambdatest.AccessPoint) time.Duration {
		start := time.Now()
		out, err := ap.Client().GetObject(context.Background(), &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String("big.txt")})
		if err != nil {
			b.Fatal(err)
		}
		n, err := io.Copy(io.Discard, out.Body)
		_ = out.Body.Close()
		if err != nil || n < size/2 {
			b.Fatalf("read %d bytes: %v", n, err)
		}
		return time.Since(start)
	}
	get(pass) // warm up both paths (connections, buffers)
	get(redact)
	var passTimes, redactTimes, ratios []float64
	b.SetBytes(size)
	b.ResetTimer()
	for i := range b.N {
		var p, r time.Duration
		if i%2 == 0 { // alternate the order, so neither always runs first
			p, r = get(pass), get(redact)
		} else {
			r, p = get(redact), get(pass)
		}
		passTimes = append(passTimes, p.Seconds()*1000)
		redactTimes = append(redactTimes, r.Seconds()*1000)
		ratios = append(ratios, r.Seconds()/p.Seconds())
	}
	b.StopTimer()
	b.ReportMetric(median(passTimes), "passthrough-ms")
	b.ReportMetric(median(redactTimes), "redact-ms")
	b.ReportMetric(median(ratios), "x-passthrough")
	b.ReportMetric(slices.Min(ratios), "x-passthrough-min")
	b.ReportMetric(slices.Max(ratios), "x-passthrough-max")
}

func median(v []float64) float64 {
	s := slices.Clone(v)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// benchText returns n bytes of English-like prose (deterministic) with one
// value the function masks roughly every 2 KiB, as the transform
// benchmarks of package redact use.
func benchText(n int) []byte {
	rng := rand.New(rand.NewPCG(uint64(n), 99))
	words := strings.Fields(`the of and to in is was that for on with as by at from it this be are or
		an have not which but all were when we there can more if no out so said what up its about into than
		them only other new some could time these two may then first any like now my such make over our even
		most made after also did many before must through back years where much your way well down should`)
	pii := []string{"ana@example.com", "4111 1111 1111 1111", "078-05-1120", "(212) 555-0100", "+44 20 7946 0958"}
	var b bytes.Buffer
	b.Grow(n)
	next := 2048
	for b.Len() < n {
		if b.Len() >= next {
			b.WriteString(pii[rng.IntN(len(pii))])
			b.WriteByte(' ')
			next += 1024 + rng.IntN(2048)
		}
		b.WriteString(words[rng.IntN(len(words))])
		switch rng.IntN(16) {
		case 0:
			b.WriteString(".\n")
		case 1:
			b.WriteString(", ")
		case 2:
			b.WriteString(" 2024 ")
		default:
			b.WriteByte(' ')
		}
	}
	return b.Bytes()[:n]
}
