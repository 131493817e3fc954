package csvfilter

// Glob exposes glob to the external tests.
var Glob = glob

// ParseNumber exposes parseNumber to the external tests.
var ParseNumber = parseNumber
