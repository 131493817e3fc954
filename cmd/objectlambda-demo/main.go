// Command objectlambda-demo runs an S3 Object Lambda access point on this
// machine, with no AWS account: the local access point from package
// objectlambdatest in front of an S3 store, and one of the example functions,
// configured as its SAM template deploys it (the same Actions,
// AllowedFeatures and FunctionPayload). It keeps serving on a printed
// localhost endpoint until Ctrl-C, so any S3 client can be pointed at it:
//
//	go run ./cmd/objectlambda-demo
//	go run ./cmd/objectlambda-demo -function decompress
//	go run ./cmd/objectlambda-demo -payload '{"detectors": ["email"], "mask": "same_length"}'
//	go run ./cmd/objectlambda-demo -endpoint http://127.0.0.1:7070 -access-key K -secret-key S -bucket b
//
// Without -endpoint the store is in-process and seeded with two sample
// objects; the demo fetches one through the access point and prints it
// before and after the function. With -endpoint the store is yours: the
// demo writes nothing into your bucket unless -seed says so, and then it
// removes the samples again when it stops (and refuses to overwrite keys
// that exist).
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
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/klauspost/compress/gzip"
	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
	"github.com/objectlambda/sdk-go/transform"
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

// function is an example function with the access point configuration of
// its SAM template (examples/<dir>/template.yaml; main_test.go checks that
// they agree).
type function struct {
	about    string
	dir      string   // the example's directory under examples/
	actions  []string // TransformationConfigurations Actions
	features []string // AllowedFeatures
	payload  string   // FunctionPayload
	sample   string
	options  func() []objectlambda.Option // as the example's main.go builds them
}

var functions = map[string]function{
	"redact": {
		about:    "masks e-mail addresses, card numbers, phone numbers and SSNs (examples/redact-pii)",
		dir:      "redact-pii",
		actions:  []string{"GetObject"},
		features: []string{"GetObject-Range"},
		payload:  `{"detectors": ["email", "card", "phone", "ssn"], "mask": "fixed"}`,
		sample:   "invoices/2026-118.txt",
		options: func() []objectlambda.Option {
			return []objectlambda.Option{
				objectlambda.WithPayloadType[redact.Config](),
				objectlambda.WithTransform(transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
					if len(cfg.ContentTypes) == 0 {
						cfg.ContentTypes = []string{"text/*", "application/json", "+json", "application/x-ndjson", "application/csv"}
					}
					return redact.FromConfig(cfg)
				})),
			}
		},
	},
	"decompress": {
		about:    "serves gzip and zstd objects decompressed (examples/decompress)",
		dir:      "decompress",
		actions:  []string{"GetObject"},
		features: []string{"GetObject-Range"},
		payload:  `{"maxOutputBytes": 1073741824, "maxRatio": 200, "passthrough": true}`,
		sample:   "logs/app.csv.gz",
		options: func() []objectlambda.Option {
			return []objectlambda.Option{
				objectlambda.WithPayloadType[compress.Config](),
				objectlambda.WithTransform(transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
					if cfg.Mode != "" && cfg.Mode != compress.ModeDecompress {
						return nil, errors.New(`this function only decompresses: mode must be "decompress"`)
					}
					return compress.FromConfig(cfg)
				})),
			}
		},
	},
	"passthrough": {
		about:    "serves objects unchanged (examples/passthrough)",
		dir:      "passthrough",
		actions:  []string{"GetObject", "HeadObject"},
		features: []string{"GetObject-Range", "GetObject-PartNumber", "HeadObject-Range", "HeadObject-PartNumber"},
		payload:  "{}",
		sample:   "invoices/2026-118.txt",
		options:  func() []objectlambda.Option { return nil },
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

// settings are the command line.
type settings struct {
	function, payload, actions, addr string
	endpoint, accessKey, secretKey   string
	bucket                           string
	seed, once, verbose              bool
}

func parse(args []string) (settings, error) {
	var names []string
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	var s settings
	fs := flag.NewFlagSet("objectlambda-demo", flag.ContinueOnError)
	fs.StringVar(&s.function, "function", "redact", "example function: "+strings.Join(names, ", "))
	fs.StringVar(&s.payload, "payload", "", "FunctionPayload instead of the example template's")
	fs.StringVar(&s.actions, "actions", "", "comma-separated actions routed to the function instead of the template's (GetObject, HeadObject, ListObjects, ListObjectsV2)")
	fs.StringVar(&s.addr, "addr", "127.0.0.1:0", "listen address of the access point")
	fs.StringVar(&s.endpoint, "endpoint", "", "use this S3 endpoint as the store instead of the in-process one")
	fs.StringVar(&s.accessKey, "access-key", "", "access key for -endpoint")
	fs.StringVar(&s.secretKey, "secret-key", "", "secret key for -endpoint")
	fs.StringVar(&s.bucket, "bucket", "demo", "bucket behind the access point")
	fs.BoolVar(&s.seed, "seed", false, "with -endpoint: put the two sample objects into the bucket (removed again on exit)")
	fs.BoolVar(&s.once, "once", false, "exit after the demo request instead of serving until Ctrl-C")
	fs.BoolVar(&s.verbose, "v", false, "log every request")
	if err := fs.Parse(args); err != nil {
		return s, err
	}
	if _, ok := functions[s.function]; !ok {
		return s, fmt.Errorf("unknown -function %q (choose one of %s)", s.function, strings.Join(names, ", "))
	}
	if s.seed && s.endpoint == "" {
		return s, errors.New("-seed writes into the bucket of -endpoint; without -endpoint the in-process store is always seeded")
	}
	return s, nil
}

func run(ctx context.Context, args []string, w io.Writer) error {
	s, err := parse(args)
	if err != nil {
		return err
	}
	f := functions[s.function]
	ap, err := start(s, f)
	if err != nil {
		return err
	}
	defer ap.Close()

	seeded := s.endpoint == "" || s.seed
	if seeded {
		cleanup, err := seed(ctx, ap, s.endpoint != "")
		if err != nil {
			return err
		}
		defer cleanup()
	}
	fmt.Fprintf(w, "S3 Object Lambda demo: function %q (%s)\n\n", s.function, f.about)
	if seeded {
		if err := show(ctx, w, ap, f.sample); err != nil {
			return err
		}
	} else {
		fmt.Fprintf(w, "The store is yours: the demo wrote nothing into bucket %q (add -seed to put two sample objects there).\n\n", s.bucket)
	}
	if s.once {
		return nil
	}
	printUsage(w, ap, f.sample)
	<-ctx.Done()
	if errors.Is(ctx.Err(), context.Canceled) {
		fmt.Fprintln(w, "stopped")
	}
	return nil
}

// start starts the access point configured as the example's template.
func start(s settings, f function) (*objectlambdatest.AccessPoint, error) {
	level := slog.LevelWarn
	if s.verbose {
		level = slog.LevelInfo
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))
	actions, payload := f.actions, f.payload
	if s.actions != "" {
		actions = strings.Split(s.actions, ",")
	}
	if s.payload != "" {
		payload = s.payload
	}
	// On Lambda each invocation has its process to itself; the demo serves
	// every request in one process, as a gateway does, so a Range over
	// transformed output keeps at most 1 MiB in memory (a larger range is
	// read twice) instead of the 8 MiB a Lambda function may.
	fopts := append(f.options(), objectlambda.WithLogger(logger), objectlambda.WithRangeMemory(1<<20))
	opts := []objectlambdatest.Option{
		objectlambdatest.WithHandler(fopts...),
		objectlambdatest.WithLogger(logger),
		objectlambdatest.WithActions(actions...),
		objectlambdatest.WithAllowedFeatures(f.features...),
		objectlambdatest.WithPayload(payload),
		objectlambdatest.WithAddress(s.addr),
	}
	if s.endpoint != "" {
		opts = append(opts, objectlambdatest.WithExternalStore(s.endpoint, s.accessKey, s.secretKey, s.bucket))
	} else {
		opts = append(opts, objectlambdatest.WithMemoryStore(), objectlambdatest.WithBucket(s.bucket))
	}
	return objectlambdatest.Start(opts...)
}

// seed puts the samples into the store. In a store that is not the demo's
// own (mine), it refuses to overwrite an existing key, and the returned
// cleanup removes what it put.
func seed(ctx context.Context, ap *objectlambdatest.AccessPoint, mine bool) (cleanup func(), err error) {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var put []string
	cleanup = func() {
		if !mine {
			return
		}
		dctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		for _, k := range put {
			if _, err := ap.Store().DeleteObject(dctx, &s3.DeleteObjectInput{Bucket: ap.Bucket(), Key: aws.String(k)}); err != nil {
				fmt.Fprintf(os.Stderr, "objectlambda-demo: removing sample %s: %v\n", k, err)
			}
		}
	}
	for _, smp := range samples() {
		if mine {
			_, err := ap.Store().HeadObject(ctx, &s3.HeadObjectInput{Bucket: ap.Bucket(), Key: aws.String(smp.key)})
			var nf *types.NotFound
			if !errors.As(err, &nf) {
				cleanup()
				if err == nil {
					return nil, fmt.Errorf("-seed: %s already exists in bucket %s; the demo does not overwrite it", smp.key, aws.ToString(ap.Bucket()))
				}
				return nil, fmt.Errorf("-seed: checking %s: %w", smp.key, err)
			}
		}
		in := &s3.PutObjectInput{Bucket: ap.Bucket(), Key: aws.String(smp.key), Body: bytes.NewReader(smp.body), ContentType: aws.String(smp.contentType)}
		if smp.encoding != "" {
			in.ContentEncoding = aws.String(smp.encoding)
		}
		if _, err := ap.Store().PutObject(ctx, in); err != nil {
			cleanup()
			return nil, fmt.Errorf("seeding %s: %w", smp.key, err)
		}
		put = append(put, smp.key)
	}
	return cleanup, nil
}

// show prints a sample as stored and as the access point serves it.
func show(ctx context.Context, w io.Writer, ap *objectlambdatest.AccessPoint, key string) error {
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	orig, err := ap.Store().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("reading the original: %w", err)
	}
	origBody, err := io.ReadAll(orig.Body)
	orig.Body.Close()
	if err != nil {
		return err
	}
	out, err := ap.Client().GetObject(ctx, &s3.GetObjectInput{Bucket: ap.Bucket(), Key: aws.String(key)})
	if err != nil {
		return fmt.Errorf("GetObject through the access point: %w", err)
	}
	body, err := io.ReadAll(out.Body)
	out.Body.Close()
	if err != nil {
		return fmt.Errorf("reading the transformed object: %w", err)
	}
	fmt.Fprintf(w, "original  s3://%s/%s (%d bytes):\n%s\n", aws.ToString(ap.Bucket()), key, len(origBody), printable(origBody))
	fmt.Fprintf(w, "through the access point (%d bytes, Content-Type %s):\n%s\n", len(body), aws.ToString(out.ContentType), printable(body))
	return nil
}

func printUsage(w io.Writer, ap *objectlambdatest.AccessPoint, key string) {
	c := ap.DefaultCaller()
	b := aws.ToString(ap.Bucket())
	fmt.Fprintf(w, "Serving until Ctrl-C. Point any S3 client at the access point (docs/clients.md has the details):\n\n")
	fmt.Fprintf(w, "  export AWS_ACCESS_KEY_ID=%s AWS_SECRET_ACCESS_KEY=%s AWS_REGION=%s\n", c.AccessKeyID, c.SecretAccessKey, ap.Region())
	fmt.Fprintf(w, "  aws s3 cp --endpoint-url %s s3://%s/%s -\n", ap.URL(), b, key)
	fmt.Fprintf(w, "  aws s3 ls --endpoint-url %s s3://%s/ --recursive\n\n", ap.URL(), b)
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
