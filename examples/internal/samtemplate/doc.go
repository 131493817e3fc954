// Package samtemplate reads the SAM templates of the examples, so that their
// tests run each function behind a local access point configured exactly as
// the template deploys it (AllowedFeatures, FunctionPayload) and check the
// properties every template must have (runtime, architecture, handler,
// least-privilege policies).
//
// Why a package: a template is deployment configuration that no Go compiler
// checks. A FunctionPayload with a typo, or AllowedFeatures that promise
// Range to callers while the function cannot answer it, would only fail once
// deployed. Reading the template in the tests makes the template part of what
// is tested.
//
// SAM templates use CloudFormation's short tags (!Ref, !Sub, !GetAtt).
// Load decodes them into the long form ({"Ref": ...}, {"Fn::Sub": ...},
// {"Fn::GetAtt": ...}); Sub resolves the Fn::Sub strings the examples use
// with pseudo parameters and parameter defaults.
//
// It is internal to the examples and used by their tests only: the example
// functions themselves import nothing but the public packages.
package samtemplate
