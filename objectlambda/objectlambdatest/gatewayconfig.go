package objectlambdatest

import (
	"errors"
	"fmt"
	"slices"
	"strconv"

	gwconfig "github.com/objectlambda/sdk-go/gateway/config"
)

// Names in the gateway's configuration of an access point.
const (
	storeName   = "store"
	storeSecret = "OBJECTLAMBDATEST_STORE_SECRET"
	fnSecret    = "OBJECTLAMBDATEST_FUNCTION_SECRET"
)

var allActions = []string{"GetObject", "HeadObject", "ListObjects", "ListObjectsV2"}

// gatewayConfig is the gateway configuration of the access point: one
// store, the functions, one access point open to every registered caller,
// and the secrets the configuration refers to.
func (ap *AccessPoint) gatewayConfig() (*gwconfig.Config, gwconfig.Source, error) {
	c := ap.cfg
	env := map[string]string{storeSecret: ap.store.secretKey, fnSecret: ap.fnSec}
	cfg := &gwconfig.Config{
		Region: c.region, AccountID: c.account,
		Listener: gwconfig.Listener{Address: "127.0.0.1:0"},
		Stores: []gwconfig.Store{{
			Name: storeName, Endpoint: ap.store.url, UsePathStyle: true, Region: c.region,
			Credentials: &gwconfig.Credentials{AccessKeyID: gwconfig.StringRef{Value: ap.store.accessKey}, SecretAccessKey: gwconfig.SecretRef{Env: storeSecret}},
		}},
		Callers: gwconfig.SecretRef{Env: "OBJECTLAMBDATEST_UNUSED"}, // gateway.WithCallers
	}
	olc := gwconfig.ObjectLambdaConfiguration{SupportingAccessPoint: gwconfig.SupportingAccessPoint{Store: storeName, Bucket: c.bucket}}
	for f, on := range c.features {
		if on {
			olc.AllowedFeatures = append(olc.AllowedFeatures, f)
		}
	}
	slices.Sort(olc.AllowedFeatures)
	actions := c.actions
	if actions == nil {
		actions = allActions
	}
	if fn, ok := ap.mainFunction(); ok && len(actions) > 0 {
		cfg.Functions = append(cfg.Functions, fn)
		olc.TransformationConfigurations = append(olc.TransformationConfigurations, transformation(actions, fn.Name, c.payload))
	}
	for i, tc := range c.transformations {
		if tc.Function == nil {
			return nil, gwconfig.Source{}, fmt.Errorf("transformation configuration %d has no function", i+1)
		}
		name := functionName + "-" + strconv.Itoa(i+2)
		cfg.Functions = append(cfg.Functions, gwconfig.Function{Name: name, InProcess: name})
		olc.TransformationConfigurations = append(olc.TransformationConfigurations, transformation(tc.Actions, name, tc.Payload))
	}
	if len(olc.TransformationConfigurations) == 0 {
		return nil, gwconfig.Source{}, errors.New("no function: every action is routed nowhere")
	}
	point := gwconfig.AccessPoint{Name: c.apName, ObjectLambdaConfiguration: olc, AllowedPrincipals: []string{"*"}, AllowedActions: []string{"*"}, MaxConcurrentInvocations: 10_000}
	if c.bucket != c.apName {
		point.Alias = c.bucket
	}
	cfg.AccessPoints = []gwconfig.AccessPoint{point}
	if err := cfg.Validate(); err != nil {
		return nil, gwconfig.Source{}, err
	}
	src := gwconfig.Source{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}
	return cfg, src, nil
}

// mainFunction is the access point's own function (WithFunction,
// WithHandler, WithFunctionFactory, WithBootstrap), if any.
func (ap *AccessPoint) mainFunction() (gwconfig.Function, bool) {
	switch {
	case ap.rie != nil:
		return gwconfig.Function{Name: functionName, Lambda: &gwconfig.LambdaFunction{
			FunctionName: "function", Endpoint: ap.rie.Endpoint, MaxConcurrency: 1,
			Credentials: &gwconfig.Credentials{AccessKeyID: gwconfig.StringRef{Value: "OBJECTLAMBDATEST"}, SecretAccessKey: gwconfig.SecretRef{Env: fnSecret}},
			// The bootstrap signs WriteGetObjectResponse with the keys of Env:
			// the gateway checks them.
			ResponseCredentials: &gwconfig.Credentials{AccessKeyID: gwconfig.StringRef{Value: ap.fnKey}, SecretAccessKey: gwconfig.SecretRef{Env: fnSecret}},
		}}, true
	case ap.cfg.factory != nil, ap.cfg.function != nil:
		return gwconfig.Function{Name: functionName, InProcess: functionName}, true
	}
	return gwconfig.Function{}, false
}

func transformation(actions []string, function, payload string) gwconfig.TransformationConfiguration {
	return gwconfig.TransformationConfiguration{
		Actions:               slices.Clone(actions),
		ContentTransformation: gwconfig.ContentTransformation{AWSLambda: gwconfig.AWSLambda{FunctionArn: function, FunctionPayload: payload}},
	}
}
