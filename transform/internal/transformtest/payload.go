package transformtest

import "github.com/objectlambda/sdk-go/internal/strictjson"

// FromPayload builds a transform from an access point payload as
// transform.Configure does: payload is decoded strictly into a C (unknown
// fields and trailing data are errors, an empty payload is the zero C) and
// handed to build, a package's FromConfig:
//
//	r, err := transformtest.FromPayload([]byte(`{"detectors":["email"]}`), redact.FromConfig)
func FromPayload[C, T, O any](payload []byte, build func(C, ...O) (T, error)) (T, error) {
	var cfg C
	if err := strictjson.Decode(payload, &cfg); err != nil {
		var zero T
		return zero, err
	}
	return build(cfg)
}
