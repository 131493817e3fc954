package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"sync"

	"github.com/objectlambda/sdk-go/internal/strictjson"
	"github.com/objectlambda/sdk-go/s3err"
)

// maxConfigured bounds how many distinct payloads a Configured transform
// keeps built transforms for. One function usually serves a handful of
// access points; beyond the bound the cache starts over.
const maxConfigured = 64

// Configured returns a Transform that is built from the access point's
// payload (Request.Payload) the first time each distinct payload is seen, and
// reused after that. One function can so serve several Object Lambda access
// points, each configured by its own FunctionPayload.
//
// With section "", build receives the whole payload. Otherwise the payload
// must be a JSON object and build receives the value of its top-level field
// section (nil when the field is absent), so several transforms can share one
// payload:
//
//	{"redact": {"detectors": ["email"]}, "lines": {"head": 100}}
//
// A payload that build rejects (or that is not a JSON object when a section
// is asked for) fails the request with 500 InvalidPayload: the access point
// is misconfigured, the caller did nothing wrong.
//
// A Configured transform declares no properties, since they depend on the
// payload; wrap it with Declare when every configuration shares some.
func Configured(section string, build func(payload []byte) (Transform, error)) Transform {
	return &configured{section: section, build: build, cache: map[string]configuredEntry{}}
}

type configured struct {
	section string
	build   func([]byte) (Transform, error)

	mu    sync.Mutex
	cache map[string]configuredEntry
}

type configuredEntry struct {
	t   Transform
	err error
}

func (c *configured) Apply(ctx context.Context, in *Object) (*Object, error) {
	var payload []byte
	if in.Request != nil {
		payload = in.Request.Payload
	}
	t, err := c.get(payload)
	if err != nil {
		return nil, err
	}
	return Run(ctx, t, in)
}

func (c *configured) get(payload []byte) (Transform, error) {
	key := string(payload)
	c.mu.Lock()
	e, ok := c.cache[key]
	c.mu.Unlock()
	if ok {
		return e.t, e.err
	}
	t, err := c.construct(payload)
	if err != nil {
		// The details (field names, values, Go types) stay in the cause, for
		// the operator's log: the payload is the operator's configuration,
		// and the caller sees only that it is wrong.
		err = s3err.Wrap(err, http.StatusInternalServerError, s3err.CodeInvalidPayload,
			"the access point payload does not configure this function")
	}
	c.mu.Lock()
	if len(c.cache) >= maxConfigured {
		c.cache = map[string]configuredEntry{}
	}
	c.cache[key] = configuredEntry{t, err}
	c.mu.Unlock()
	return t, err
}

func (c *configured) construct(payload []byte) (Transform, error) {
	part := bytes.TrimSpace(payload)
	if c.section != "" {
		var obj map[string]json.RawMessage
		if len(part) > 0 {
			if err := json.Unmarshal(part, &obj); err != nil {
				return nil, fmt.Errorf("payload is not a JSON object: %w", err)
			}
		}
		part = obj[c.section]
	}
	t, err := c.build(part)
	if err != nil {
		return nil, err
	}
	if t == nil {
		return nil, fmt.Errorf("section %q built no transform", c.section)
	}
	return t, nil
}

// Configure is Configured with the payload (or its section) decoded strictly
// into a C first: unknown fields and trailing data are errors, and an empty
// payload yields the zero C. build turns the configuration into the
// transform and may reject it.
//
//	transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
//		return redact.FromConfig(cfg)
//	})
func Configure[C any](section string, build func(C) (Transform, error)) Transform {
	return Configured(section, func(payload []byte) (Transform, error) {
		var c C
		if err := strictjson.Decode(payload, &c); err != nil {
			return nil, err
		}
		return build(c)
	})
}
