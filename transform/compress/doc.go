// Package compress provides streaming gzip and zstd transforms for S3 Object
// Lambda: [Decompressor] serves compressed objects to clients that cannot
// decode them, [Compressor] shrinks objects on the way out.
//
// Why a package and not a two-line gzip.NewReader: a decompressing function
// is an amplifier an attacker can aim at. A 1 MiB object can inflate to
// gigabytes, tying up the function's memory-sized CPU and bandwidth for the
// whole Lambda timeout. The Decompressor therefore streams (gzip keeps a
// 32 KiB window, zstd at most [Config].MaxWindowBytes) and guards the output:
//
//   - MaxOutputBytes (default 1 GiB) caps the total decompressed size;
//   - MaxRatio (default 200) caps decompressed/compressed bytes read so far,
//     checked once the output passes RatioFloorBytes (default 1 MiB).
//
// A guard that trips before the first output byte yields
// 400 EntityTooLarge (an *s3err.Error wrapping [ErrBomb]); later, the body
// fails with an error wrapping ErrBomb and the pipeline aborts the stream, so
// the client never mistakes a truncated object for a complete one.
//
// Headers follow the bytes: Decompressor removes Content-Encoding and, for
// keys like "logs/day.json.gz" stored as application/gzip or octet-stream,
// sets the inner type (application/json). Compressor sets Content-Encoding
// and, in "auto" mode, Vary: Accept-Encoding. Both leave Length at -1 and
// declare no [transform.Properties]: ETag, checksums and Range push-down do
// not survive a change of encoding.
//
// Configuration comes from Go ([Decompress], [Compress] and Options) or from
// the access point payload ([FromPayload]):
//
//	{"mode": "decompress", "maxOutputBytes": 268435456, "maxRatio": 100}
//	{"mode": "compress", "encoding": "auto", "level": 3}
//
// Per request, Decompressor reads the object key (suffix .gz/.zst) and
// Compressor in auto mode reads the user's Accept-Encoding header.
package compress
