package csvfilter

// ParseNumber exposes parseNumber to the external tests.
var ParseNumber = parseNumber
