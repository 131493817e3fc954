// Command objectlambda-demo runs an S3 Object Lambda access point on this
// machine, with no AWS account: an in-process S3 store seeded with sample
// objects, the local access point from package objectlambdatest, and one of
// the example functions. It fetches a sample through the access point with
// the real AWS SDK, prints the original and the transformed object, then keeps
// serving on a printed localhost endpoint until Ctrl-C, so any S3 client can
// be pointed at it:
//
//	go run ./cmd/objectlambda-demo
//	go run ./cmd/objectlambda-demo -function decompress
//	go run ./cmd/objectlambda-demo -endpoint http://127.0.0.1:7070 -access-key K -secret-key S -bucket b
package main

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/klauspost/compress/gzip"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/transform/compress"
	"github.com/objectlambda/sdk-go/transform/redact"
)

type sample struct {
	key, contentType, encoding string
	body                       []byte
}

func samples() []sample {
	text := "Invoice 2026-118 for ana@example.com, card 4111 1111 1111 1111, phone +1 415 555 0100.\n" +
		"Questions? Write to billing@example.org.\n"
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	_, _ = zw.Write([]byte("timestamp,level,message\n2026-11-28T01:00:00Z,INFO,started\n2026-11-28T01:00:01Z,WARN,disk at 91%\n"))
	_ = zw.Close()
	return []sample{
		{key: "invoices/2026-118.txt", contentType: "text/plain", body: []byte(text)},
		{key: "logs/app.csv.gz", contentType: "text/csv", encoding: "gzip", body: gz.Bytes()},
	}
}

// functions are the example functions the demo can run.
var functions = map[string]struct {
	about   string
	options func() ([]objectlambda.Option, error)
	sample  string
}{
	"redact": {
		about:  "masks e-mail addresses, card numbers and phone numbers",
		sample: "invoices/2026-118.txt",
		options: func() ([]objectlambda.Option, error) {
			r, err := redact.New(redact.Emails(), redact.CardNumbers(), redact.PhoneNumbers())
			return []objectlambda.Option{objectlambda.WithTransform(r)}, err
		},
	},
	"decompress": {
		about:  "serves gzip and zstd objects decompressed",
		sample: "logs/app.csv.gz",
		options: func() ([]objectlambda.Option, error) {
			d, err := compress.Decompress()
			return []objectlambda.Option{objectlambda.WithTransform(d)}, err
		},
	},
	"passthrough": {
		about:   "serves objects unchanged",
		sample:  "invoices/2026-118.txt",
		options: func() ([]objectlambda.Option, error) { return nil, nil },
	},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "objectlambda-demo:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, w io.Writer) error {
	var names []string
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	fs := flag.NewFlagSet("objectlambda-demo", flag.ContinueOnError)
	fn := fs.String("function", "redact", "example function: "+strings.Join(names, ", "))
	endpoint := fs.String("endpoint", "", "use this S3 endpoint as the store instead of the in-process one")
	accessKey := fs.String("access-key", "", "access key for -endpoint")
	secretKey := fs.String("secret-key", "", "secret key for -endpoint")
	bucket := fs.String("bucket", "demo", "bucket for -endpoint")
	once := fs.Bool("once", false, "exit after the demo request instead of serving until Ctrl-C")
	verbose := fs.Bool("v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return err
	}

	f, ok := functions[*fn]
	if !ok {
		return fmt.Errorf("unknown -function %q (choose one of %s)", *fn, strings.Join(names, ", "))
	}
	opts, err := f.options()
	if err != nil {
		return err
	}
	level := slog.LevelWarn
	if *verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	opts = append(opts, objectlambda.WithLogger(logger))

	apOpts := []objectlambdatest.Option{
		objectlambdatest.WithHandler(opts...),
		objectlambdatest.WithLogger(logger),
		objectlambdatest.WithAllowedFeatures("GetObject-Range", "GetObject-PartNumber", "HeadObject-Range", "HeadObject-PartNumber"),
	}
	if *endpoint != "" {
		apOpts = append(apOpts, objectlambdatest.WithExternalStore(*endpoint, *accessKey, *secretKey, *bucket))
	} else {
		apOpts = append(apOpts, objectlambdatest.WithMemoryStore())
	}
	ap, err := objectlambdatest.Start(apOpts...)
	if err != nil {
		return err
	}
	defer ap.Close()

	reqCtx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()

	for _, s := range samples() {
		in := &s3.PutObjectInput{Bucket: ap.Bucket(), Key: aws.String(s.key), Body: bytes.NewReader(s.body), ContentType: aws.String(s.contentType)}
		if s.encoding != "" {
			in.ContentEncoding = aws.String(s.encoding)
		}
		if _, err := ap.Store().PutObject(reqCtx, in); err != nil {
			return fmt.Errorf("seeding %s: %w", s.key, err)
		}
	}

	fmt.Fprintf(w, "S3 Object Lambda demo: function %q (%s)\n\n", *fn, f.about)
	orig, err := ap.Store().GetObject(reqCtx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(f.sample)})
	if err != nil {
		return fmt.Errorf("reading the original: %w", err)
	}
	origBody, err := io.ReadAll(orig.Body)
	orig.Body.Close()
	if err != nil {
		return err
	}
	out, err := ap.Client().GetObject(reqCtx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(f.sample)})
	if err != nil {
		return fmt.Errorf("GetObject through the access point: %w", err)
	}
	body, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the transformed object: %w", err)
	}
	fmt.Fprintf(w, "original  s3://%s/%s (%d bytes):\n%s\n", aws.ToString(ap.Bucket()), f.sample, len(origBody), printable(origBody))
	fmt.Fprintf(w, "through the access point (%d bytes, Content-Type %s):\n%s\n", len(body), aws.ToString(out.ContentType), printable(body))

	if *once {
		return nil
	}
	caller := ap.DefaultCaller()
	fmt.Fprintf(w, "Serving until Ctrl-C. Point any S3 client at the access point:\n\n")
	fmt.Fprintf(w, "  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s\n", caller.AccessKeyID, caller.SecretAccessKey, ap.Region())
	fmt.Fprintf(w, "  aws s3api get-object --endpoint-url %s --bucket %s --key %s /dev/stdout\n", ap.URL(), aws.ToString(ap.Bucket()), f.sample)
	fmt.Fprintf(w, "  aws s3api list-objects-v2 --endpoint-url %s --bucket %s\n\n", ap.URL(), aws.ToString(ap.Bucket()))
	<-ctx.Done()
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(w, "stopped")
	}
	return nil
}

// printable shows text as is and binary data as a hex summary.
func printable(b []byte) string {
	for _, c := range b {
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' {
			return fmt.Sprintf("(binary, first bytes % x)\n", b[:min(len(b), 16)])
		}
	}
	return string(b)
}
