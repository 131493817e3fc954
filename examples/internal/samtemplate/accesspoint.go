package samtemplate

import (
	"testing"

	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest"
)

// AccessPointOptions configures a local access point as the template
// configures the deployed one: the same AllowedFeatures, Actions and
// FunctionPayload. Actions the template does not route reach the store
// unchanged, as on AWS.
func (t *Template) AccessPointOptions() ([]objectlambdatest.Option, error) {
	features, err := t.AllowedFeatures()
	if err != nil {
		return nil, err
	}
	actions, _, err := t.Transformation()
	if err != nil {
		return nil, err
	}
	payload, err := t.Payload()
	if err != nil {
		return nil, err
	}
	return []objectlambdatest.Option{
		objectlambdatest.WithAllowedFeatures(features...),
		objectlambdatest.WithActions(actions...),
		objectlambdatest.WithPayload(payload),
	}, nil
}

// AccessPoint is for tests: it loads the template at path and returns the
// options of AccessPointOptions followed by more, failing tb on error.
func AccessPoint(tb testing.TB, path string, more ...objectlambdatest.Option) []objectlambdatest.Option {
	tb.Helper()
	t, err := Load(path)
	if err != nil {
		tb.Fatalf("samtemplate: %s: %v", path, err)
	}
	opts, err := t.AccessPointOptions()
	if err != nil {
		tb.Fatalf("samtemplate: %s: %v", path, err)
	}
	return append(opts, more...)
}
