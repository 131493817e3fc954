package otelobjectlambda

// Test-only access to unexported names, for the external tests.
var Attributes = attributes

const EnvTraceHeader = envTraceHeader
