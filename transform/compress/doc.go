// Package compress provides streaming gzip and zstd transforms for S3 Object
// Lambda: a [Decompressor] serves compressed objects to clients that cannot
// decode them, a [Compressor] shrinks objects on the way out.
//
// # Constructors
//
// Build the transform in Go with [NewDecompressor] or [NewCompressor] and
// [Option] values ([WithMaxOutputBytes], [WithEncoding], ...), or from the
// access point payload with [FromConfig]. FromConfig takes a [Config], the
// JSON form of the payload, and returns either transform by [Config].Mode.
// It is the build function of [transform.Configure], which decodes the
// payload strictly (a misspelt field fails every request with 500
// InvalidPayload):
//
//	objectlambda.WithTransform(transform.Configure("", func(cfg compress.Config) (transform.Transform, error) {
//		return compress.FromConfig(cfg)
//	}))
//
// with payloads such as
//
//	{"mode": "decompress", "maxOutputBytes": 268435456, "maxRatio": 100}
//	{"mode": "compress", "encoding": "auto", "level": 3}
//
// Invalid settings fail with an error wrapping [ErrConfig].
//
// # The decompression-bomb guard
//
// Why a package and not a two-line gzip.NewReader: a decompressing function
// is an amplifier an attacker can aim at. A 1 MiB object can inflate to
// gigabytes, tying up the function's memory-sized CPU and bandwidth for the
// whole Lambda timeout. The Decompressor therefore streams (gzip keeps a
// 32 KiB window, zstd at most [Config].MaxWindowBytes, default
// [DefaultMaxWindowBytes]) and guards the output:
//
//   - MaxOutputBytes ([DefaultMaxOutputBytes], 1 GiB) caps the total
//     decompressed size;
//   - MaxRatio ([DefaultMaxRatio], 200) caps decompressed/compressed bytes
//     read so far, checked once the output passes RatioFloorBytes
//     ([DefaultRatioFloorBytes], 1 MiB).
//
// A guard that trips before the first output byte yields 400
// EntityTooLarge (an *[s3err.Error] wrapping [ErrBomb]); later, the body
// fails with an error wrapping ErrBomb and the pipeline aborts the stream, so
// the client never mistakes a truncated object for a complete one. Data that
// does not decode is [ErrCorrupt], an encoding this package does not know
// (or none, unless [WithPassthrough]) is [ErrUnsupported]: 415
// UnsupportedMediaType before the first byte.
//
// # Headers and requests
//
// Headers follow the bytes: the Decompressor removes Content-Encoding and,
// for keys like "logs/day.json.gz" stored as application/gzip or
// octet-stream, sets the inner type (application/json; [WithContentType]
// adds extensions). The Compressor sets Content-Encoding and, with [Auto],
// Vary: Accept-Encoding. Both leave Length at -1 and declare no
// [transform.Properties]: ETag, checksums and Range push-down do not survive
// a change of encoding.
//
// Per request, the Decompressor reads the object key (suffix .gz, .zst) and
// the Compressor with [Auto] reads the user's Accept-Encoding header (q-values
// honoured, zstd preferred on a tie, the body left alone when neither
// encoding is acceptable).
package compress
