package objectlambda

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-lambda-go/events"
)

// Operation is the S3 operation an event asks the function to serve.
type Operation string

// The operations S3 Object Lambda invokes a function for.
const (
	OpGetObject     Operation = "GetObject"
	OpHeadObject    Operation = "HeadObject"
	OpListObjects   Operation = "ListObjects"
	OpListObjectsV2 Operation = "ListObjectsV2"
)

// Event is the S3 Object Lambda invocation event. It accepts everything AWS
// documents (including userIdentity.userName and invokedBy, which
// aws-lambda-go's type lacks), ignores fields it does not know, and accepts
// header values given as JSON arrays (as MinIO sends them).
type Event struct {
	XAmzRequestID        string            `json:"xAmzRequestId"`
	GetObjectContext     *GetObjectContext `json:"getObjectContext,omitempty"`
	HeadObjectContext    *InputContext     `json:"headObjectContext,omitempty"`
	ListObjectsContext   *InputContext     `json:"listObjectsContext,omitempty"`
	ListObjectsV2Context *InputContext     `json:"listObjectsV2Context,omitempty"`
	Configuration        Configuration     `json:"configuration"`
	UserRequest          UserRequest       `json:"userRequest"`
	UserIdentity         UserIdentity      `json:"userIdentity"`
	ProtocolVersion      string            `json:"protocolVersion"`
}

// GetObjectContext is the GetObject part of an event.
type GetObjectContext struct {
	InputS3URL  string `json:"inputS3Url"`
	OutputRoute string `json:"outputRoute"`
	OutputToken string `json:"outputToken"`
}

// InputContext is the HeadObject / ListObjects / ListObjectsV2 part of an event.
type InputContext struct {
	InputS3URL string `json:"inputS3Url"`
}

// Configuration describes the access point that received the request.
type Configuration struct {
	AccessPointARN           string  `json:"accessPointArn"`
	SupportingAccessPointARN string  `json:"supportingAccessPointArn"`
	Payload                  Payload `json:"payload"`
}

// Payload is the access point's FunctionPayload. AWS delivers it as a JSON
// string; a payload given as a JSON object or array is accepted too and kept
// verbatim.
type Payload string

// UnmarshalJSON accepts a string, null, or any other JSON value (kept as text).
func (p *Payload) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case bytes.Equal(b, []byte("null")):
		*p = ""
	case len(b) > 0 && b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*p = Payload(s)
	default:
		if !json.Valid(b) {
			return errors.New("invalid payload JSON")
		}
		*p = Payload(b)
	}
	return nil
}

// UserRequest is the caller's original request.
type UserRequest struct {
	// URL is the decoded request URL without authentication parameters. AWS
	// sends a full URL; some older events carry only the path.
	URL     string  `json:"url"`
	Headers Headers `json:"headers"`
}

// Headers are the caller's request headers as sent, original case kept.
// Look them up with Get, which ignores case.
type Headers map[string]string

// UnmarshalJSON accepts string values and, as MinIO sends them, arrays of
// strings (joined with ", " as HTTP does for repeated headers). Numbers and
// booleans are kept as their JSON text.
func (h *Headers) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return fmt.Errorf("userRequest.headers: %w", err)
	}
	out := make(Headers, len(raw))
	for k, v := range raw {
		v = bytes.TrimSpace(v)
		switch {
		case len(v) == 0 || bytes.Equal(v, []byte("null")):
			out[k] = ""
		case v[0] == '"':
			var s string
			if err := json.Unmarshal(v, &s); err != nil {
				return fmt.Errorf("userRequest.headers[%q]: %w", k, err)
			}
			out[k] = s
		case v[0] == '[':
			var ss []string
			if err := json.Unmarshal(v, &ss); err != nil {
				return fmt.Errorf("userRequest.headers[%q]: %w", k, err)
			}
			out[k] = strings.Join(ss, ", ")
		case v[0] == '{':
			return fmt.Errorf("userRequest.headers[%q]: object is not a header value", k)
		default:
			out[k] = string(v)
		}
	}
	*h = out
	return nil
}

// get returns the value of the header name, ignoring case. When the event
// holds the same name in several spellings, their values are joined in
// sorted-key order so the result is deterministic.
func (h Headers) get(name string) string {
	if v, ok := h[name]; ok {
		return v
	}
	var keys []string
	for k := range h {
		if strings.EqualFold(k, name) {
			keys = append(keys, k)
		}
	}
	switch len(keys) {
	case 0:
		return ""
	case 1:
		return h[keys[0]]
	}
	sort.Strings(keys)
	vals := make([]string, len(keys))
	for i, k := range keys {
		vals[i] = h[k]
	}
	return strings.Join(vals, ", ")
}

// httpHeader returns the headers as an http.Header with canonical names.
func (h Headers) httpHeader() http.Header {
	out := make(http.Header, len(h))
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		out.Add(k, h[k])
	}
	return out
}

// UserIdentity is the authenticated caller (CloudTrail userIdentity fields).
type UserIdentity struct {
	Type           string          `json:"type"`
	PrincipalID    string          `json:"principalId"`
	ARN            string          `json:"arn"`
	AccountID      string          `json:"accountId"`
	AccessKeyID    string          `json:"accessKeyId"`
	UserName       string          `json:"userName,omitempty"`
	InvokedBy      string          `json:"invokedBy,omitempty"`
	SessionContext *SessionContext `json:"sessionContext,omitempty"`
}

// SessionContext describes temporary credentials.
type SessionContext struct {
	Attributes    map[string]string `json:"attributes,omitempty"`
	SessionIssuer *SessionIssuer    `json:"sessionIssuer,omitempty"`
}

// SessionIssuer is the entity that issued temporary credentials.
type SessionIssuer struct {
	Type        string `json:"type"`
	PrincipalID string `json:"principalId"`
	ARN         string `json:"arn"`
	AccountID   string `json:"accountId"`
	UserName    string `json:"userName"`
}

// ErrInvalidEvent is the class of errors [Handler.Invoke] and [Wrapper.Invoke]
// return for a malformed event; the others wrap it.
var (
	ErrInvalidEvent = errors.New("invalid S3 Object Lambda event")
	errNoContext    = fmt.Errorf("%w: no getObjectContext, headObjectContext, listObjectsContext or listObjectsV2Context", ErrInvalidEvent)
	errTwoContexts  = fmt.Errorf("%w: more than one operation context", ErrInvalidEvent)
)

// maxEventSize bounds what parseEvent accepts; Lambda's own limit is 6 MB.
const maxEventSize = 6 << 20

// parseEvent decodes and validates an event.
func parseEvent(data []byte) (*Event, error) {
	if len(data) > maxEventSize {
		return nil, fmt.Errorf("%w: %d bytes is larger than %d", ErrInvalidEvent, len(data), maxEventSize)
	}
	var ev Event
	if err := json.Unmarshal(data, &ev); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidEvent, err)
	}
	if err := ev.validate(); err != nil {
		return &ev, err
	}
	return &ev, nil
}

// operation reports which operation the event is for, or "" when the event
// has no context or several.
func (e *Event) operation() Operation {
	op, _ := e.findOperation()
	return op
}

// findOperation is operation with the reason an event has none.
func (e *Event) findOperation() (Operation, error) {
	var ops []Operation
	if e.GetObjectContext != nil {
		ops = append(ops, OpGetObject)
	}
	if e.HeadObjectContext != nil {
		ops = append(ops, OpHeadObject)
	}
	if e.ListObjectsContext != nil {
		ops = append(ops, OpListObjects)
	}
	if e.ListObjectsV2Context != nil {
		ops = append(ops, OpListObjectsV2)
	}
	switch len(ops) {
	case 0:
		return "", errNoContext
	case 1:
		return ops[0], nil
	}
	return "", errTwoContexts
}

// inputS3URL returns the presigned URL of whichever context the event has.
func (e *Event) inputS3URL() string {
	switch {
	case e.GetObjectContext != nil:
		return e.GetObjectContext.InputS3URL
	case e.HeadObjectContext != nil:
		return e.HeadObjectContext.InputS3URL
	case e.ListObjectsContext != nil:
		return e.ListObjectsContext.InputS3URL
	case e.ListObjectsV2Context != nil:
		return e.ListObjectsV2Context.InputS3URL
	}
	return ""
}

var routeRE = regexp.MustCompile(`^[a-zA-Z0-9-]{1,63}$`)

const maxTokenLen = 8 << 10

// canRespond reports whether the event carries an output route and token that
// a WriteGetObjectResponse call can use. Only then can errors be answered
// through WGOR; otherwise the invocation can only fail.
func (e *Event) canRespond() bool {
	c := e.GetObjectContext
	return c != nil && routeRE.MatchString(c.OutputRoute) && validToken(c.OutputToken)
}

func validToken(t string) bool {
	if t == "" || len(t) > maxTokenLen {
		return false
	}
	for i := 0; i < len(t); i++ {
		if t[i] < 0x21 || t[i] > 0x7e {
			return false
		}
	}
	return true
}

// validate checks the structure of the event: exactly one context, a
// presigned URL, a usable output route and token for GetObject, and protocol
// major version 1 (any minor version is accepted, as AWS may add fields).
func (e *Event) validate() error {
	op, err := e.findOperation()
	if err != nil {
		return err
	}
	if e.inputS3URL() == "" {
		return fmt.Errorf("%w: %s context has no inputS3Url", ErrInvalidEvent, op)
	}
	if op == OpGetObject {
		c := e.GetObjectContext
		if !routeRE.MatchString(c.OutputRoute) {
			return fmt.Errorf("%w: outputRoute is empty or not a host label", ErrInvalidEvent)
		}
		if !validToken(c.OutputToken) {
			return fmt.Errorf("%w: outputToken is empty, too long or not printable ASCII", ErrInvalidEvent)
		}
	}
	if v := e.ProtocolVersion; v != "" {
		major, _, _ := strings.Cut(v, ".")
		if major != "1" {
			return fmt.Errorf("%w: protocolVersion %q is not supported (major version 1 only)", ErrInvalidEvent, v)
		}
	}
	return nil
}

// fromLambdaEvent converts aws-lambda-go's event type.
func fromLambdaEvent(le events.S3ObjectLambdaEvent) *Event {
	ev := &Event{
		XAmzRequestID:   le.XAmzRequestID,
		ProtocolVersion: le.ProtocolVersion,
		Configuration: Configuration{
			AccessPointARN:           le.Configuration.AccessPointARN,
			SupportingAccessPointARN: le.Configuration.SupportingAccessPointARN,
			Payload:                  Payload(le.Configuration.Payload),
		},
		UserRequest: UserRequest{URL: le.UserRequest.URL, Headers: Headers(le.UserRequest.Headers)},
		UserIdentity: UserIdentity{
			Type:        le.UserIdentity.Type,
			PrincipalID: le.UserIdentity.PrincipalID,
			ARN:         le.UserIdentity.ARN,
			AccountID:   le.UserIdentity.AccountID,
			AccessKeyID: le.UserIdentity.AccessKeyID,
		},
	}
	if c := le.GetObjectContext; c != nil {
		ev.GetObjectContext = &GetObjectContext{InputS3URL: c.InputS3URL, OutputRoute: c.OutputRoute, OutputToken: c.OutputToken}
	}
	if c := le.HeadObjectContext; c != nil {
		ev.HeadObjectContext = &InputContext{InputS3URL: c.InputS3URL}
	}
	if c := le.ListObjectsContext; c != nil {
		ev.ListObjectsContext = &InputContext{InputS3URL: c.InputS3URL}
	}
	if c := le.ListObjectsV2Context; c != nil {
		ev.ListObjectsV2Context = &InputContext{InputS3URL: c.InputS3URL}
	}
	if sc := le.UserIdentity.SessionContext; sc != nil {
		ev.UserIdentity.SessionContext = &SessionContext{Attributes: sc.Attributes}
		if si := sc.SessionIssuer; si != nil {
			ev.UserIdentity.SessionContext.SessionIssuer = &SessionIssuer{
				Type: si.Type, PrincipalID: si.PrincipalID, ARN: si.ARN, AccountID: si.AccountID, UserName: si.UserName,
			}
		}
	}
	return ev
}

// lambdaEvent converts the event to aws-lambda-go's type, for handlers
// written against it. userName and invokedBy have no place there and are
// dropped.
func (e *Event) lambdaEvent() events.S3ObjectLambdaEvent {
	le := events.S3ObjectLambdaEvent{
		XAmzRequestID:   e.XAmzRequestID,
		ProtocolVersion: e.ProtocolVersion,
		Configuration: events.S3ObjectLambdaConfiguration{
			AccessPointARN:           e.Configuration.AccessPointARN,
			SupportingAccessPointARN: e.Configuration.SupportingAccessPointARN,
			Payload:                  string(e.Configuration.Payload),
		},
		UserRequest: events.S3ObjectLambdaUserRequest{URL: e.UserRequest.URL, Headers: map[string]string(e.UserRequest.Headers)},
		UserIdentity: events.S3ObjectLambdaUserIdentity{
			Type:        e.UserIdentity.Type,
			PrincipalID: e.UserIdentity.PrincipalID,
			ARN:         e.UserIdentity.ARN,
			AccountID:   e.UserIdentity.AccountID,
			AccessKeyID: e.UserIdentity.AccessKeyID,
		},
	}
	if c := e.GetObjectContext; c != nil {
		le.GetObjectContext = &events.S3ObjectLambdaGetObjectContext{InputS3URL: c.InputS3URL, OutputRoute: c.OutputRoute, OutputToken: c.OutputToken}
	}
	if c := e.HeadObjectContext; c != nil {
		le.HeadObjectContext = &events.S3ObjectLambdaHeadObjectContext{InputS3URL: c.InputS3URL}
	}
	if c := e.ListObjectsContext; c != nil {
		le.ListObjectsContext = &events.S3ObjectLambdaListObjectsContext{InputS3URL: c.InputS3URL}
	}
	if c := e.ListObjectsV2Context; c != nil {
		le.ListObjectsV2Context = &events.S3ObjectLambdaListObjectsV2Context{InputS3URL: c.InputS3URL}
	}
	if sc := e.UserIdentity.SessionContext; sc != nil {
		le.UserIdentity.SessionContext = &events.S3ObjectLambdaSessionContext{Attributes: sc.Attributes}
		if si := sc.SessionIssuer; si != nil {
			le.UserIdentity.SessionContext.SessionIssuer = &events.S3ObjectLambdaSessionIssuer{
				Type: si.Type, PrincipalID: si.PrincipalID, ARN: si.ARN, AccountID: si.AccountID, UserName: si.UserName,
			}
		}
	}
	return le
}
