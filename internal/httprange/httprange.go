package httprange

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Spec is one parsed byte range. Exactly one of three forms:
//
//	bytes=First-Last   (HasLast)
//	bytes=First-       (open)
//	bytes=-Suffix      (IsSuffix)
type Spec struct {
	First    int64
	Last     int64
	HasLast  bool
	Suffix   int64
	IsSuffix bool
}

// ErrIgnored is returned by Parse for a Range header that is not a single,
// well-formed bytes range. Callers serve the whole object, as S3 does.
var ErrIgnored = errors.New("range header ignored")

// ErrUnsatisfiable is returned by Resolve when the range does not overlap the
// object.
var ErrUnsatisfiable = errors.New("range not satisfiable")

// Parse parses a Range header value. An empty value returns (nil, nil).
func Parse(v string) (*Spec, error) {
	v = strings.TrimSpace(v)
	if v == "" {
		return nil, nil
	}
	unit, set, ok := strings.Cut(v, "=")
	if !ok || !strings.EqualFold(strings.TrimSpace(unit), "bytes") {
		return nil, fmt.Errorf("%w: unit is not bytes", ErrIgnored)
	}
	set = strings.TrimSpace(set)
	if strings.Contains(set, ",") {
		return nil, fmt.Errorf("%w: multiple ranges are not supported", ErrIgnored)
	}
	first, last, ok := strings.Cut(set, "-")
	if !ok {
		return nil, fmt.Errorf("%w: malformed range", ErrIgnored)
	}
	first, last = strings.TrimSpace(first), strings.TrimSpace(last)
	if first == "" {
		n, err := parseNum(last)
		if err != nil {
			return nil, err
		}
		return &Spec{Suffix: n, IsSuffix: true}, nil
	}
	f, err := parseNum(first)
	if err != nil {
		return nil, err
	}
	if last == "" {
		return &Spec{First: f}, nil
	}
	l, err := parseNum(last)
	if err != nil {
		return nil, err
	}
	if l < f {
		return nil, fmt.Errorf("%w: last byte before first byte", ErrIgnored)
	}
	return &Spec{First: f, Last: l, HasLast: true}, nil
}

func parseNum(s string) (int64, error) {
	if s == "" || len(s) > 19 {
		return 0, fmt.Errorf("%w: bad number", ErrIgnored)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%w: bad number", ErrIgnored)
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("%w: bad number", ErrIgnored)
	}
	return n, nil
}

// String returns the header form, e.g. "bytes=0-99".
func (s Spec) String() string {
	switch {
	case s.IsSuffix:
		return fmt.Sprintf("bytes=-%d", s.Suffix)
	case s.HasLast:
		return fmt.Sprintf("bytes=%d-%d", s.First, s.Last)
	default:
		return fmt.Sprintf("bytes=%d-", s.First)
	}
}

// Resolved is a satisfiable range within an object of Size bytes: bytes
// Start..End inclusive.
type Resolved struct {
	Start, End, Size int64
}

// Length is the number of bytes in the range.
func (r Resolved) Length() int64 { return r.End - r.Start + 1 }

// ContentRange is the Content-Range header value, e.g. "bytes 0-99/1000".
func (r Resolved) ContentRange() string {
	return fmt.Sprintf("bytes %d-%d/%d", r.Start, r.End, r.Size)
}

// UnsatisfiedContentRange is the Content-Range value of a 416 answer.
func UnsatisfiedContentRange(size int64) string { return fmt.Sprintf("bytes */%d", size) }

// Resolve applies s to an object of size bytes.
func (s Spec) Resolve(size int64) (Resolved, error) {
	if size < 0 {
		return Resolved{}, errors.New("httprange: unknown size")
	}
	switch {
	case s.IsSuffix:
		if s.Suffix == 0 || size == 0 {
			return Resolved{}, ErrUnsatisfiable
		}
		n := min(s.Suffix, size)
		return Resolved{Start: size - n, End: size - 1, Size: size}, nil
	default:
		if s.First >= size {
			return Resolved{}, ErrUnsatisfiable
		}
		end := size - 1
		if s.HasLast && s.Last < end {
			end = s.Last
		}
		return Resolved{Start: s.First, End: end, Size: size}, nil
	}
}

// ParseContentRange parses "bytes a-b/size" (size may be "*", returned as -1).
func ParseContentRange(v string) (Resolved, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(v), "bytes ")
	if !ok {
		return Resolved{}, errors.New("httprange: bad Content-Range")
	}
	span, total, ok := strings.Cut(rest, "/")
	if !ok {
		return Resolved{}, errors.New("httprange: bad Content-Range")
	}
	a, b, ok := strings.Cut(span, "-")
	if !ok {
		return Resolved{}, errors.New("httprange: bad Content-Range")
	}
	start, err1 := parseNum(a)
	end, err2 := parseNum(b)
	if err1 != nil || err2 != nil || end < start {
		return Resolved{}, errors.New("httprange: bad Content-Range")
	}
	size := int64(-1)
	if total != "*" {
		n, err := parseNum(total)
		if err != nil || n <= end {
			return Resolved{}, errors.New("httprange: bad Content-Range")
		}
		size = n
	}
	return Resolved{Start: start, End: end, Size: size}, nil
}

// MaxPartNumber is S3's largest part number.
const MaxPartNumber = 10000

// ErrBadPartNumber is returned by ParsePartNumber for values outside 1..10000.
var ErrBadPartNumber = errors.New("part number must be an integer between 1 and 10000, inclusive")

// ParsePartNumber parses a partNumber query value. Empty returns 0, nil.
func ParsePartNumber(v string) (int, error) {
	if v == "" {
		return 0, nil
	}
	if len(v) > 5 {
		return 0, ErrBadPartNumber
	}
	for i := 0; i < len(v); i++ {
		if v[i] < '0' || v[i] > '9' {
			return 0, ErrBadPartNumber
		}
	}
	n, _ := strconv.Atoi(v)
	if n < 1 || n > MaxPartNumber {
		return 0, ErrBadPartNumber
	}
	return n, nil
}

// Part returns the byte range of part n (1-based) when an object of size bytes
// is cut into parts of partSize bytes, and the number of parts. A zero-length
// object has one empty part.
func Part(n int, partSize, size int64) (r Resolved, count int, err error) {
	if partSize <= 0 {
		return Resolved{}, 0, errors.New("httprange: part size must be positive")
	}
	count = int((size + partSize - 1) / partSize)
	if count == 0 {
		count = 1
	}
	if n < 1 || n > count {
		return Resolved{}, count, ErrUnsatisfiable
	}
	start := int64(n-1) * partSize
	end := min(start+partSize, size) - 1
	return Resolved{Start: start, End: end, Size: size}, count, nil
}
