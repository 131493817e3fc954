package emf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
)

// DefaultNamespace is the CloudWatch namespace used without WithNamespace.
const DefaultNamespace = "ObjectLambda"

// Built-in dimension names for [WithDimensions]; the values are the names
// CloudWatch shows.
const (
	// DimensionAccessPoint is the Object Lambda access point's name, the last
	// part of its ARN ("arn:aws:s3-object-lambda:…:accesspoint/NAME").
	DimensionAccessPoint = "AccessPoint"
	// DimensionAccessPointARN is the access point's full ARN.
	DimensionAccessPointARN = "AccessPointArn"
	// DimensionOperation is GetObject, HeadObject, ListObjects or
	// ListObjectsV2.
	DimensionOperation = "Operation"
)

// Metric names, as they appear in CloudWatch.
const (
	MetricRequests           = "Requests"
	MetricErrors4xx          = "Errors4xx"
	MetricErrors5xx          = "Errors5xx"
	MetricBytesIn            = "BytesIn"
	MetricBytesOut           = "BytesOut"
	MetricUpstreamFirstByte  = "UpstreamFirstByte"
	MetricFirstResponseByte  = "FirstResponseByte"
	MetricDuration           = "Duration"
	MetricDeadlineMarginLeft = "DeadlineMarginLeft"
	MetricRetries            = "Retries"
	MetricUpstreamReadTime   = "UpstreamReadTime"
	MetricTransformTime      = "TransformTime"
)

// Property names every line carries (some only when known).
const (
	PropStatusCode     = "StatusCode"
	PropErrorCode      = "ErrorCode"
	PropUpstreamStatus = "UpstreamStatus"
	PropRequestID      = "RequestId"
	PropTraceID        = "TraceId"
)

// ErrInvalidOption is wrapped by the error New returns (and MustNew panics
// with) when an option is unusable: an unknown dimension, a reserved name, an
// invalid namespace, a nil writer.
var ErrInvalidOption = errors.New("emf: invalid option")

// CloudWatch limits that a line must respect.
const (
	maxDimsPerSet  = 30
	maxDimValueLen = 1024
	maxNamespace   = 255
	maxPooledBuf   = 64 << 10
)

// reserved are the names a user dimension or property may not take.
var reserved = []string{
	"_aws", DimensionAccessPoint, DimensionAccessPointARN, DimensionOperation,
	MetricRequests, MetricErrors4xx, MetricErrors5xx, MetricBytesIn, MetricBytesOut,
	MetricUpstreamFirstByte, MetricFirstResponseByte, MetricDuration, MetricDeadlineMarginLeft, MetricRetries,
	MetricUpstreamReadTime, MetricTransformTime,
	PropStatusCode, PropErrorCode, PropUpstreamStatus, PropRequestID, PropTraceID,
}

// Option configures an Observer.
type Option func(*config) error

type staticDim struct{ name, value string }

type config struct {
	namespace string
	dimSets   [][]string
	static    []staticDim
	w         io.Writer
	now       func() time.Time
	traceID   func(context.Context) string
	props     func(context.Context, *objectlambda.Metrics) map[string]any
	log       *slog.Logger
}

// WithNamespace sets the CloudWatch namespace (default "ObjectLambda"). It
// must be 1 to 255 characters of letters, digits and . - _ / # : or space,
// and must not start with "AWS/", which is AWS's own.
func WithNamespace(ns string) Option {
	return func(c *config) error {
		if ns == "" || len(ns) > maxNamespace || strings.HasPrefix(ns, "AWS/") {
			return fmt.Errorf("%w: namespace %q: 1 to %d characters, not starting with AWS/", ErrInvalidOption, ns, maxNamespace)
		}
		for _, r := range ns {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune(".-_/#: ", r)) {
				return fmt.Errorf("%w: namespace %q: character %q not allowed", ErrInvalidOption, ns, r)
			}
		}
		c.namespace = ns
		return nil
	}
}

// WithDimensions adds one dimension set: the metrics of every line are
// aggregated in CloudWatch by these dimensions together. Call it several
// times for several sets (each set is a separate CloudWatch metric per
// combination of values, billed as such). With no names, the set is empty
// and the metrics are aggregated over all requests. Names are
// [DimensionAccessPoint], [DimensionAccessPointARN], [DimensionOperation], or
// a name declared with [WithStaticDimension]. Without any WithDimensions the
// one set is AccessPoint × Operation.
func WithDimensions(names ...string) Option {
	return func(c *config) error {
		if len(names) > maxDimsPerSet {
			return fmt.Errorf("%w: a dimension set has at most %d dimensions, got %d", ErrInvalidOption, maxDimsPerSet, len(names))
		}
		for i, n := range names {
			if slices.Contains(names[:i], n) {
				return fmt.Errorf("%w: dimension %q twice in one set", ErrInvalidOption, n)
			}
		}
		c.dimSets = append(c.dimSets, append([]string{}, names...)) // never nil: [] not null
		return nil
	}
}

// WithStaticDimension declares a dimension whose value is the same on every
// line, such as the service or stage name, so that WithDimensions may use
// it. Its value is written on every line either way.
func WithStaticDimension(name, value string) Option {
	return func(c *config) error {
		if name == "" || slices.Contains(reserved, name) {
			return fmt.Errorf("%w: dimension name %q is empty or reserved", ErrInvalidOption, name)
		}
		if strings.TrimSpace(value) == "" || len(value) > maxDimValueLen {
			return fmt.Errorf("%w: dimension %q: value must be 1 to %d characters, not blank", ErrInvalidOption, name, maxDimValueLen)
		}
		for _, d := range c.static {
			if d.name == name {
				return fmt.Errorf("%w: dimension %q declared twice", ErrInvalidOption, name)
			}
		}
		c.static = append(c.static, staticDim{name, value})
		return nil
	}
}

// WithWriter sets where lines go (default os.Stdout, which Lambda sends to
// CloudWatch Logs). Each line is written with a single Write call, under a
// lock, so lines of concurrent requests never interleave.
func WithWriter(w io.Writer) Option {
	return func(c *config) error {
		if w == nil {
			return fmt.Errorf("%w: nil writer", ErrInvalidOption)
		}
		c.w = w
		return nil
	}
}

// WithClock sets the clock that stamps each line (default time.Now).
func WithClock(now func() time.Time) Option {
	return func(c *config) error {
		if now == nil {
			return fmt.Errorf("%w: nil clock", ErrInvalidOption)
		}
		c.now = now
		return nil
	}
}

// WithTraceID sets how the TraceId property is found from the request's
// context; "" leaves it out. The default reads the X-Ray trace id of the
// invocation from aws-lambda-go's "x-amzn-trace-id" context value.
func WithTraceID(f func(ctx context.Context) string) Option {
	return func(c *config) error {
		if f == nil {
			return fmt.Errorf("%w: nil trace id function", ErrInvalidOption)
		}
		c.traceID = f
		return nil
	}
}

// WithProperties adds properties to every line: searchable in Logs Insights,
// not metrics and not dimensions. f is called once per request; its values
// are encoded as JSON. Keys that clash with the line's own fields are
// ignored. Do not return secrets: the line goes to CloudWatch Logs.
func WithProperties(f func(ctx context.Context, m *objectlambda.Metrics) map[string]any) Option {
	return func(c *config) error {
		if f == nil {
			return fmt.Errorf("%w: nil properties function", ErrInvalidOption)
		}
		c.props = f
		return nil
	}
}

// WithLogger sets where a failed write is reported (default slog.Default()).
func WithLogger(l *slog.Logger) Option {
	return func(c *config) error {
		if l == nil {
			return fmt.Errorf("%w: nil logger", ErrInvalidOption)
		}
		c.log = l
		return nil
	}
}

// Observer writes one EMF line per request. It implements
// objectlambda.Observer and is safe for concurrent use.
type Observer struct {
	cfg config
	// directives holds the "CloudWatchMetrics" member of the _aws object,
	// encoded once for each combination of optional metrics (see
	// directiveIndex).
	directives [8][]byte
	bufs       sync.Pool
	mu         sync.Mutex // serializes writes
}

var _ objectlambda.Observer = (*Observer)(nil)

// MustNew is [New] for static configurations, where an invalid option is a
// programming error: it panics with New's error.
func MustNew(opts ...Option) *Observer {
	o, err := New(opts...)
	if err != nil {
		panic(err)
	}
	return o
}

// New returns an Observer configured by opts. An unusable option (an
// unknown dimension, a reserved name, an invalid namespace, a nil writer)
// is an error wrapping [ErrInvalidOption].
func New(opts ...Option) (*Observer, error) {
	c := config{namespace: DefaultNamespace, w: os.Stdout, now: time.Now, traceID: lambdaTraceID}
	for _, opt := range opts {
		if opt == nil {
			continue
		}
		if err := opt(&c); err != nil {
			return nil, err
		}
	}
	if c.dimSets == nil {
		c.dimSets = [][]string{{DimensionAccessPoint, DimensionOperation}}
	}
	for _, set := range c.dimSets {
		for _, n := range set {
			if !c.knownDim(n) {
				return nil, fmt.Errorf("%w: unknown dimension %q (use %s, %s, %s or WithStaticDimension)",
					ErrInvalidOption, n, DimensionAccessPoint, DimensionAccessPointARN, DimensionOperation)
			}
		}
	}
	dj, err := json.Marshal(c.dimSets)
	if err != nil {
		return nil, fmt.Errorf("emf: encoding dimensions: %w", err)
	}
	o := &Observer{cfg: c}
	for i := range o.directives {
		o.directives[i] = directive(c.namespace, dj, i&1 != 0, i&2 != 0, i&4 != 0)
	}
	return o, nil
}

// directiveIndex selects the directive that declares the optional metrics a
// request has figures for.
func directiveIndex(upstreamKnown, responseKnown, streamKnown bool) int {
	i := 0
	if upstreamKnown {
		i |= 1
	}
	if responseKnown {
		i |= 2
	}
	if streamKnown {
		i |= 4
	}
	return i
}

// metricDef is one entry of the directive's Metrics array.
type metricDef struct{ name, unit string }

// directive encodes `,"CloudWatchMetrics":[…]` for one combination of
// optional metrics.
func directive(namespace string, dimJSON []byte, upstreamKnown, responseKnown, streamKnown bool) []byte {
	b := []byte(`,"CloudWatchMetrics":[{"Namespace":`)
	b = appendString(b, namespace)
	b = append(b, `,"Dimensions":`...)
	b = append(b, dimJSON...)
	b = append(b, `,"Metrics":[`...)
	defs := [...]metricDef{
		{MetricRequests, "Count"}, {MetricErrors4xx, "Count"}, {MetricErrors5xx, "Count"},
		{MetricBytesIn, "Bytes"}, {MetricBytesOut, "Bytes"},
		{MetricUpstreamFirstByte, "Milliseconds"}, {MetricFirstResponseByte, "Milliseconds"},
		{MetricDuration, "Milliseconds"}, {MetricDeadlineMarginLeft, "Milliseconds"}, {MetricRetries, "Count"},
		{MetricUpstreamReadTime, "Milliseconds"}, {MetricTransformTime, "Milliseconds"},
	}
	first := true
	for _, d := range defs {
		if d.name == MetricUpstreamFirstByte && !upstreamKnown || d.name == MetricFirstResponseByte && !responseKnown ||
			(d.name == MetricUpstreamReadTime || d.name == MetricTransformTime) && !streamKnown {
			continue
		}
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, `{"Name":`...)
		b = appendString(b, d.name)
		b = append(b, `,"Unit":`...)
		b = appendString(b, d.unit)
		b = append(b, '}')
	}
	return append(b, `]}]}`...)
}

func (c *config) knownDim(n string) bool {
	switch n {
	case DimensionAccessPoint, DimensionAccessPointARN, DimensionOperation:
		return true
	}
	for _, d := range c.static {
		if d.name == n {
			return true
		}
	}
	return false
}

// ObserveRequest writes the line of one request.
func (o *Observer) ObserveRequest(ctx context.Context, m *objectlambda.Metrics) {
	bp, _ := o.bufs.Get().(*[]byte)
	if bp == nil {
		b := make([]byte, 0, 1024)
		bp = &b
	}
	line := o.appendLine(ctx, (*bp)[:0], m)
	o.mu.Lock()
	_, err := o.cfg.w.Write(line)
	o.mu.Unlock()
	if err != nil {
		l := o.cfg.log
		if l == nil {
			l = slog.Default()
		}
		l.LogAttrs(ctx, slog.LevelWarn, "emf: cannot write metrics line", slog.String("requestId", m.RequestID), slog.String("error", err.Error()))
	}
	if cap(line) <= maxPooledBuf {
		*bp = line
		o.bufs.Put(bp)
	}
}

// appendLine appends the EMF line (ending in a newline) of one request to b
// and returns the extended buffer. ObserveRequest writes it.
func (o *Observer) appendLine(ctx context.Context, b []byte, m *objectlambda.Metrics) []byte {
	upstreamKnown := m.UpstreamStatus != 0 || m.UpstreamFirstByte > 0
	responseKnown := m.FirstResponseByte > 0
	streamKnown := m.UpstreamReadTime > 0 || m.TransformTime > 0

	b = append(b, `{"_aws":{"Timestamp":`...)
	b = strconv.AppendInt(b, o.cfg.now().UnixMilli(), 10)
	b = append(b, o.directives[directiveIndex(upstreamKnown, responseKnown, streamKnown)]...)

	// Dimension values (also useful as properties when no set names them).
	b = appendField(b, DimensionAccessPoint, accessPointName(m.AccessPoint))
	b = appendField(b, DimensionAccessPointARN, dimValue(m.AccessPoint))
	b = appendField(b, DimensionOperation, dimValue(string(m.Operation)))
	for _, d := range o.cfg.static {
		b = appendField(b, d.name, d.value)
	}

	// Metrics.
	var e4, e5 int64
	switch {
	case m.StatusCode >= 500 || m.StatusCode < 100:
		e5 = 1
	case m.StatusCode >= 400:
		e4 = 1
	}
	b = appendInt(b, MetricRequests, 1)
	b = appendInt(b, MetricErrors4xx, e4)
	b = appendInt(b, MetricErrors5xx, e5)
	b = appendInt(b, MetricBytesIn, m.BytesIn)
	b = appendInt(b, MetricBytesOut, m.BytesOut)
	if upstreamKnown {
		b = appendMillis(b, MetricUpstreamFirstByte, m.UpstreamFirstByte)
	}
	if responseKnown {
		b = appendMillis(b, MetricFirstResponseByte, m.FirstResponseByte)
	}
	b = appendMillis(b, MetricDuration, m.Duration)
	b = appendMillis(b, MetricDeadlineMarginLeft, m.DeadlineLeft)
	b = appendInt(b, MetricRetries, int64(m.Retries))
	if streamKnown {
		b = appendMillis(b, MetricUpstreamReadTime, m.UpstreamReadTime)
		b = appendMillis(b, MetricTransformTime, m.TransformTime)
	}

	// Properties.
	b = appendInt(b, PropStatusCode, int64(m.StatusCode))
	b = appendField(b, PropErrorCode, m.ErrorCode)
	if m.UpstreamStatus != 0 {
		b = appendInt(b, PropUpstreamStatus, int64(m.UpstreamStatus))
	}
	b = appendField(b, PropRequestID, m.RequestID)
	if id := o.cfg.traceID(ctx); id != "" {
		b = appendField(b, PropTraceID, id)
	}
	if o.cfg.props != nil {
		b = o.appendProps(b, o.cfg.props(ctx, m))
	}
	return append(b, '}', '\n')
}

func (o *Observer) appendProps(b []byte, props map[string]any) []byte {
	keys := make([]string, 0, len(props))
	for k := range props {
		if k == "" || slices.Contains(reserved, k) || slices.ContainsFunc(o.cfg.static, func(d staticDim) bool { return d.name == k }) {
			continue
		}
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		v, err := json.Marshal(props[k])
		if err != nil {
			continue
		}
		b = append(b, ',')
		b = appendString(b, k)
		b = append(b, ':')
		b = append(b, v...)
	}
	return b
}

func appendField(b []byte, name, value string) []byte {
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	return appendString(b, value)
}

func appendInt(b []byte, name string, v int64) []byte {
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	return strconv.AppendInt(b, v, 10)
}

// appendMillis writes d in milliseconds with microsecond precision
// ("18.25", "19", "-0.001"), with integer arithmetic: the same text as the
// shortest decimal form of the float, without its cost.
func appendMillis(b []byte, name string, d time.Duration) []byte {
	b = append(b, ',')
	b = appendString(b, name)
	b = append(b, ':')
	us := d.Microseconds()
	if us < 0 {
		b = append(b, '-')
		us = -us // Microseconds of a Duration is at most 2^63/1000: no overflow
	}
	b = strconv.AppendInt(b, us/1000, 10)
	frac := us % 1000
	if frac == 0 {
		return b
	}
	digits := [3]byte{byte('0' + frac/100), byte('0' + frac/10%10), byte('0' + frac%10)}
	n := 3
	for digits[n-1] == '0' {
		n--
	}
	b = append(b, '.')
	return append(b, digits[:n]...)
}

// accessPointName is the name part of an access point ARN
// ("arn:aws:s3-object-lambda:us-east-1:111122223333:accesspoint/NAME").
func accessPointName(arn string) string {
	name := arn
	if i := strings.LastIndex(arn, "accesspoint/"); i >= 0 {
		name = arn[i+len("accesspoint/"):]
	} else if i := strings.LastIndexAny(arn, ":/"); i >= 0 {
		name = arn[i+1:]
	}
	return dimValue(name)
}

// dimValue makes s a valid dimension value: not blank, at most 1024 bytes.
func dimValue(s string) string {
	if strings.TrimSpace(s) == "" {
		return "unknown"
	}
	if len(s) > maxDimValueLen {
		s = s[:maxDimValueLen]
	}
	return s
}
