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

// maxConfigured bounds how many distinct payloads a Configure transform
// keeps built transforms for. One function usually serves a handful of
// access points; beyond the bound the cache starts over.
const maxConfigured = 64

// newConfigured is Configure on the raw payload (or its section): build
// receives the bytes, nil when the section is absent.
func newConfigured(section string, build func(payload []byte) (Transform, error)) Transform {
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

// Configure returns a Transform that is built from the access point's
// payload ([Request].Payload) the first time each distinct payload is seen,
// and reused after that. One function can so serve several Object Lambda
// access points, each configured by its own FunctionPayload.
//
// The payload is decoded strictly into a C first: unknown fields and
// trailing data are errors, and an empty payload yields the zero C. build
// turns the configuration into the transform and may reject it. Each
// built-in transform package has a Config type and a FromConfig that fit:
//
//	transform.Configure("", func(cfg redact.Config) (transform.Transform, error) {
//		return redact.FromConfig(cfg)
//	})
//
// With section "", C is decoded from the whole payload. Otherwise the
// payload must be a JSON object and C is decoded from its top-level field
// section (the zero C when the field is absent), so several transforms can
// share one payload:
//
//	{"redact": {"detectors": ["email"]}, "lines": {"head": 100}}
//
// A payload that does not decode, or that build rejects, fails the request
// with 500 InvalidPayload: the access point is misconfigured, the caller did
// nothing wrong. The details stay in the error's cause, for the operator's
// log.
//
// A Configure transform declares no properties, since they depend on the
// payload; wrap it with [Declare] when every configuration shares some.
func Configure[C any](section string, build func(C) (Transform, error)) Transform {
	return newConfigured(section, func(payload []byte) (Transform, error) {
		var c C
		if err := strictjson.Decode(payload, &c); err != nil {
			return nil, err
		}
		return build(c)
	})
}
