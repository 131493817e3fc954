package config

import (
	"slices"
)

// Route is where an action of an access point goes.
type Route struct {
	// Function is the Name of the entry of Functions that runs it.
	Function string
	// Payload is the access point's FunctionPayload for it.
	Payload string
}

// index resolves each access point's FunctionArn references once, after
// validation succeeded.
func (c *Config) index(functions map[string]*Function) {
	c.accessPoints = make(map[string]*AccessPoint, len(c.AccessPoints))
	for i := range c.AccessPoints {
		ap := &c.AccessPoints[i]
		ap.routes = map[string]Route{}
		for _, t := range ap.ObjectLambdaConfiguration.TransformationConfigurations {
			aws := t.ContentTransformation.AWSLambda
			for _, a := range t.Actions {
				ap.routes[a] = Route{Function: functions[aws.FunctionArn].Name, Payload: aws.FunctionPayload}
			}
		}
		c.accessPoints[ap.Name] = ap
		if ap.Alias != "" {
			c.accessPoints[ap.Alias] = ap
		}
	}
}

// AccessPoint returns the access point whose Name or Alias is name.
func (c *Config) AccessPoint(name string) (*AccessPoint, bool) {
	ap, ok := c.accessPoints[name]
	return ap, ok
}

// Function returns the function called name (a Route's Function).
func (c *Config) Function(name string) (*Function, bool) {
	for i := range c.Functions {
		if c.Functions[i].Name == name {
			return &c.Functions[i], true
		}
	}
	return nil, false
}

// Store returns the store called name.
func (c *Config) Store(name string) (*Store, bool) {
	for i := range c.Stores {
		if c.Stores[i].Name == name {
			return &c.Stores[i], true
		}
	}
	return nil, false
}

// AccessPointARN is the ARN of the Object Lambda access point name, as the
// functions see it in configuration.accessPointArn.
func (c *Config) AccessPointARN(name string) string {
	return "arn:aws:s3-object-lambda:" + c.Region + ":" + c.AccountID + ":accesspoint/" + name
}

// SupportingAccessPointARN is the ARN in configuration.supportingAccessPointArn.
// The gateway has no supporting access point of its own: the name stands
// for the access point's store and bucket.
func (c *Config) SupportingAccessPointARN(name string) string {
	return "arn:aws:s3:" + c.Region + ":" + c.AccountID + ":accesspoint/" + name + "-supporting"
}

// Route returns the function and payload an action goes to. An action
// without one goes to the store unchanged (AWS counts those as
// ProxiedRequests).
func (ap *AccessPoint) Route(action string) (Route, bool) {
	r, ok := ap.routes[action]
	return r, ok
}

// AllowsFeature reports whether AllowedFeatures lists f (GetObject-Range,
// ...).
func (ap *AccessPoint) AllowsFeature(f string) bool {
	return slices.Contains(ap.ObjectLambdaConfiguration.AllowedFeatures, f)
}
