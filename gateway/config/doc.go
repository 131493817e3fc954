// Package config reads the objectlambda-gateway's configuration: gateway.yaml
// ([Load], [Parse] into a [Config]) and the callers file it points at
// ([Config.LoadCallers], [ParseCallers] into [Callers]).
//
// The access point part mirrors the CloudFormation resource
// AWS::S3ObjectLambda::AccessPoint (Name, ObjectLambdaConfiguration with
// AllowedFeatures and TransformationConfigurations → ContentTransformation →
// AwsLambda {FunctionArn, FunctionPayload}), so the ObjectLambdaConfiguration
// of a SAM template reads the same here; only SupportingAccessPoint names a
// store and bucket instead of an ARN. Around it: the stores (S3-compatible
// endpoints), the functions (how each runs), the listener and the limits.
//
// Parsing is strict: an unknown field, a duplicate key, a wrong type or a
// second document is an error, and every error carries its line. Validation
// then checks every value and every reference and reports all problems at
// once ([*Error]). No error quotes a value from the document.
//
// Secrets are never written in gateway.yaml: a SecretRef names an
// environment variable or a file, and an inline secret is a configuration
// error. The callers file (access key → secret key, principal ARN, account,
// session tags) is itself a secret, read through such a reference. Secret
// values are held in [Secret], whose every printed form is "REDACTED".
//
// Who may call an access point is its AllowedPrincipals: IAM ARN patterns
// matched by [transform.Caller.Matches], as objectlambda.AllowPrincipals
// matches them ([AccessPoint.Allows]). There is no default allow. What
// they may do is its AllowedActions ([AccessPoint.AllowsAction]): reading
// only unless writes are listed ([DefaultAllowedActions]).
package config
