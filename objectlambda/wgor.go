package objectlambda

import (
	"context"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// WGORAPI is the one S3 call a GetObject function makes. *s3.Client
// implements it; tests and decorators may substitute their own.
type WGORAPI interface {
	WriteGetObjectResponse(ctx context.Context, in *s3.WriteGetObjectResponseInput, optFns ...func(*s3.Options)) (*s3.WriteGetObjectResponseOutput, error)
}

// droppedUpstream lists upstream response headers that describe the transfer, not the
// object, and are never forwarded.
var droppedUpstream = map[string]bool{
	"Accept-Ranges": true, "Connection": true, "Content-Length": true, "Content-Range": true,
	"Date": true, "Keep-Alive": true, "Server": true, "Trailer": true, "Transfer-Encoding": true,
	"Upgrade": true, "Vary": true, "X-Amz-Request-Id": true, "X-Amz-Id-2": true,
	"X-Amz-Mp-Parts-Count": true, "Proxy-Connection": true, "Alt-Svc": true,
}

// objectHeaders keeps the headers of an upstream response that describe the
// object itself, with canonical names.
func objectHeaders(h http.Header) http.Header {
	out := http.Header{}
	for k, vs := range h {
		ck := http.CanonicalHeaderKey(k)
		if droppedUpstream[ck] || len(vs) == 0 {
			continue
		}
		out[ck] = append([]string(nil), vs...)
	}
	return out
}

// checksumOrder lists the checksum headers WGOR accepts, most preferred first.
// WGOR allows at most one.
var checksumOrder = []string{
	"X-Amz-Checksum-Crc64nvme", "X-Amz-Checksum-Crc32c", "X-Amz-Checksum-Crc32",
	"X-Amz-Checksum-Sha256", "X-Amz-Checksum-Sha1",
}

// wgorInput maps an object's headers onto the WGOR request. Unknown headers
// that WGOR cannot carry are dropped; values that do not parse, or that are
// not valid in an HTTP header (a CR or LF a transform copied from a query
// parameter), are dropped rather than sent malformed: the SDK would refuse
// to send the request at all. Use it through reply.input.
func wgorInput(status int, h http.Header, length int64) *s3.WriteGetObjectResponseInput {
	in := &s3.WriteGetObjectResponseInput{StatusCode: aws.Int32(int32(status))}
	h = validHeaders(h)
	str := func(name string) *string {
		if v := h.Get(name); v != "" {
			return aws.String(v)
		}
		return nil
	}
	in.AcceptRanges = aws.String("bytes")
	in.CacheControl = str("Cache-Control")
	in.ContentDisposition = str("Content-Disposition")
	in.ContentEncoding = str("Content-Encoding")
	in.ContentLanguage = str("Content-Language")
	in.ContentRange = str("Content-Range")
	in.ContentType = str("Content-Type")
	in.ETag = str("Etag")
	in.Expiration = str("X-Amz-Expiration")
	in.Restore = str("X-Amz-Restore")
	in.SSEKMSKeyId = str("X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id")
	in.VersionId = str("X-Amz-Version-Id")
	if length >= 0 {
		in.ContentLength = aws.Int64(length)
	}
	if t, err := http.ParseTime(h.Get("Last-Modified")); err == nil {
		in.LastModified = aws.Time(t)
	}
	if t, err := http.ParseTime(h.Get("Expires")); err == nil {
		in.Expires = aws.Time(t)
	}
	if t, err := time.Parse(time.RFC3339, h.Get("X-Amz-Object-Lock-Retain-Until-Date")); err == nil {
		in.ObjectLockRetainUntilDate = aws.Time(t)
	}
	if b, err := strconv.ParseBool(h.Get("X-Amz-Server-Side-Encryption-Bucket-Key-Enabled")); err == nil {
		in.BucketKeyEnabled = aws.Bool(b)
	}
	if b, err := strconv.ParseBool(h.Get("X-Amz-Delete-Marker")); err == nil {
		in.DeleteMarker = aws.Bool(b)
	}
	if n, err := strconv.ParseInt(h.Get("X-Amz-Missing-Meta"), 10, 32); err == nil {
		in.MissingMeta = aws.Int32(int32(n))
	}
	if n, err := strconv.ParseInt(h.Get("X-Amz-Tagging-Count"), 10, 32); err == nil {
		in.TagCount = aws.Int32(int32(n))
	}
	if n, err := strconv.ParseInt(h.Get("X-Amz-Mp-Parts-Count"), 10, 32); err == nil {
		in.PartsCount = aws.Int32(int32(n))
	}
	in.ObjectLockMode = types.ObjectLockMode(h.Get("X-Amz-Object-Lock-Mode"))
	in.ObjectLockLegalHoldStatus = types.ObjectLockLegalHoldStatus(h.Get("X-Amz-Object-Lock-Legal-Hold"))
	in.ReplicationStatus = types.ReplicationStatus(h.Get("X-Amz-Replication-Status"))
	in.RequestCharged = types.RequestCharged(h.Get("X-Amz-Request-Charged"))
	in.ServerSideEncryption = types.ServerSideEncryption(h.Get("X-Amz-Server-Side-Encryption"))
	in.StorageClass = types.StorageClass(h.Get("X-Amz-Storage-Class"))
	for _, name := range checksumOrder {
		v := h.Get(name)
		if v == "" {
			continue
		}
		switch name {
		case "X-Amz-Checksum-Crc64nvme":
			in.ChecksumCRC64NVME = aws.String(v)
		case "X-Amz-Checksum-Crc32c":
			in.ChecksumCRC32C = aws.String(v)
		case "X-Amz-Checksum-Crc32":
			in.ChecksumCRC32 = aws.String(v)
		case "X-Amz-Checksum-Sha256":
			in.ChecksumSHA256 = aws.String(v)
		case "X-Amz-Checksum-Sha1":
			in.ChecksumSHA1 = aws.String(v)
		}
		break
	}
	for k, vs := range h {
		if name, ok := strings.CutPrefix(k, "X-Amz-Meta-"); ok && name != "" && len(vs) > 0 {
			if in.Metadata == nil {
				in.Metadata = map[string]string{}
			}
			in.Metadata[strings.ToLower(name)] = strings.Join(vs, ",")
		}
	}
	return in
}

// validHeaders returns h with canonical names (a transform may have set
// o.Header["x-amz-meta-k"] directly), without the values that cannot travel
// in an HTTP header, and without headers whose name is not a token.
func validHeaders(h http.Header) http.Header {
	out := make(http.Header, len(h))
	for k, vs := range h {
		if !validHeaderName(k) {
			continue
		}
		ck := http.CanonicalHeaderKey(k)
		for _, v := range vs {
			if validHeaderValue(v) {
				out[ck] = append(out[ck], v)
			}
		}
	}
	return out
}

// readOnly hides every method but Read, so the SDK streams the body instead of
// seeking or measuring it (see aws-sdk-go-v2#2512: an *io.PipeReader with a
// ContentLength is signed wrongly).
type readOnly struct{ r io.Reader }

func (r readOnly) Read(p []byte) (int, error) { return r.r.Read(p) }
