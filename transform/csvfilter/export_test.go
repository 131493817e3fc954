package csvfilter

// Glob exposes glob to the external tests.
var Glob = glob
