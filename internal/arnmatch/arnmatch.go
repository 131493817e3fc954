// Package arnmatch matches principal ARNs and names against patterns as IAM
// matches ARNs in policies: '*' matches any run of characters ('/' and ':'
// included), '?' any one character, every other byte itself. It is the one
// matcher of the module: objectlambda.AllowPrincipals, the per-caller
// column lists of transform/csvfilter and the gateway's allow lists.
package arnmatch

// Match reports whether s matches pattern. It runs in
// O(len(pattern)*len(s)) time at worst, without recursion: only the last
// '*' is ever backtracked to.
func Match(pattern, s string) bool {
	p, i := 0, 0
	star, mark := -1, 0
	for i < len(s) {
		switch {
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, i
			p++
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[i]):
			p++
			i++
		case star >= 0:
			p = star + 1
			mark++
			i = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Any reports whether one of the non-empty values matches one of patterns.
func Any(patterns []string, values ...string) bool {
	for _, v := range values {
		if v == "" {
			continue
		}
		for _, p := range patterns {
			if Match(p, v) {
				return true
			}
		}
	}
	return false
}
