// Package image resizes and converts images (PNG, JPEG, GIF in; PNG or
// JPEG out) as they leave S3 through an Object Lambda access point:
// thumbnails and format conversion on read, so a bucket keeps one original.
//
// Per request, the query parameters width, height, format (png|jpeg|jpg)
// and quality (JPEG, 1-100) choose the output within the access point's
// limits; without format, the Accept header may switch between PNG and JPEG
// (the response then carries Vary: Accept). [Config].IgnoreRequest
// ([WithIgnoreRequest]) turns both off.
//
// # Configuration
//
// The operator sets defaults and limits. In Go, [New] takes options
// ([WithSize], [WithFormat], [WithQuality], [WithLimits], ...):
//
//	tr, err := image.New(image.WithSize(256, 0), image.WithLimits(20<<20, 25_000_000, 1024, 1024))
//
// From the access point payload, [FromConfig] builds the [Config] that
// [transform.Configure] decodes (strictly: a misspelt field fails every
// request with 500 InvalidPayload):
//
//	objectlambda.WithTransform(transform.Configure("", func(cfg image.Config) (transform.Transform, error) {
//		return image.FromConfig(cfg)
//	}))
//
// with a payload such as
//
//	{"width": 320, "quality": 80, "maxPixels": 25000000, "maxWidth": 2048, "maxHeight": 2048}
//
// Invalid settings fail with an error wrapping [ErrConfig].
//
// # Sizing and encoding
//
// Sizing: with one dimension the aspect ratio is kept; with both the image
// is stretched to exactly that size; images are never upscaled unless
// [Config].AllowUpscale is set ([WithUpscale]), and never exceed MaxWidth×MaxHeight (larger sources
// are scaled down to fit). Scaling uses golang.org/x/image/draw
// (CatmullRom, or ApproxBiLinear for speed: [WithInterpolation]). Transparent areas become white
// in JPEG output. Every output is re-encoded, which strips metadata (EXIF,
// including GPS and orientation: images that rely on an EXIF orientation
// flag are served as stored, unrotated). Animated GIFs yield their first
// frame.
//
// # Memory
//
// Not streaming, by nature: an image must be decoded whole. This transform
// is the documented exception to the SDK's flat-memory rule, and it is
// capped instead:
//
//   - MaxInputBytes ([DefaultMaxInputBytes], 32 MiB): the encoded object is
//     read into memory inside Apply; a known larger Length is refused
//     without reading.
//   - MaxPixels ([DefaultMaxPixels], 16 Mi): width×height is read from the
//     image header with DecodeConfig before anything is decoded, so a tiny
//     file claiming to be 100000×100000 (an image bomb) is refused without
//     allocating.
//   - MaxWidth, MaxHeight ([DefaultMaxDimension], 4096): the output.
//
// Peak memory is about MaxInputBytes + 4×MaxPixels (8× for 16-bit PNGs) +
// 4×MaxWidth×MaxHeight + the encoded output: roughly 200 MiB at the
// defaults; size the function's memory accordingly or lower the limits.
//
// Because the output is encoded to a buffer, Length is set and clients get
// a Content-Length. All failures happen in Apply, before any byte is sent,
// as *[s3err.Error] values: 400 InvalidArgument ([ErrInvalidParam]), 400
// EntityTooLarge ([ErrTooLarge]), 415 UnsupportedMediaType ([ErrUnsupported]).
//
// The package is named image like the standard library's; import it under
// another name (imagex) when you need both.
package image
