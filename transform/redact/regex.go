package redact

import (
	"fmt"
	"regexp"
	"regexp/syntax"
	"unicode/utf8"
)

// regexMatcher runs a user regular expression with bounded match length.
//
// To search from a position with the correct left context (for \b and
// (?m)^), it runs the expression prefixed with one "any character" that
// consumes the rune just before from.
type regexMatcher struct {
	re     *regexp.Regexp // the pattern
	withLC *regexp.Regexp // (?s:.)(pattern), used when left context matters
	maxLen int
}

func (m *regexMatcher) lookahead() int { return m.maxLen + utf8.UTFMax }

func (m *regexMatcher) find(tx *text, from int) (span, bool) { return m.search(tx.b, from) }

// search returns the first match starting at or after from.
func (m *regexMatcher) search(t []byte, from int) (span, bool) {
	if from == 0 || m.withLC == nil {
		for off := from; off <= len(t); {
			loc := m.re.FindIndex(t[off:])
			if loc == nil {
				return span{}, false
			}
			if loc[1] > loc[0] {
				return span{off + loc[0], off + loc[0], off + loc[1]}, true
			}
			off += loc[0] + 1 // empty matches are never reported (rejected at compile time anyway)
		}
		return span{}, false
	}
	_, w := utf8.DecodeLastRune(t[:from])
	base := from - w
	for base < len(t) {
		loc := m.withLC.FindSubmatchIndex(t[base:])
		if loc == nil {
			return span{}, false
		}
		s, e := base+loc[2], base+loc[3]
		if e > s {
			return span{s, s, e}, true
		}
		base = s // skip an empty match: restart with s as context
		if base >= len(t) {
			break
		}
		_, w = utf8.DecodeRune(t[base:])
		base += w
		_, w = utf8.DecodeLastRune(t[:base])
		base -= w
	}
	return span{}, false
}

// compileRegex compiles pattern for streaming use. It rejects expressions
// that can match the empty string, whose longest match is unbounded or
// longer than limit bytes, and that use \A / \z / non-multiline ^ $ anchors
// (which would refer to read-window edges, not the object's).
func compileRegex(pattern string, limit int) (*regexMatcher, error) {
	re, err := regexp.Compile(pattern)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPattern, err)
	}
	st, err := syntax.Parse(pattern, syntax.Perl)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalidPattern, err)
	}
	st = st.Simplify()
	if hasTextAnchor(st) {
		return nil, fmt.Errorf("%w: %q: \\A, \\z and non-multiline ^ or $ are not supported; use (?m)^ and (?m)$", ErrInvalidPattern, pattern)
	}
	maxLen, bounded := maxMatchLen(st)
	if !bounded || maxLen > limit {
		return nil, fmt.Errorf("%w: %q can match more than %d bytes; bound repetitions, e.g. [0-9]{1,20} instead of [0-9]+", ErrInvalidPattern, pattern, limit)
	}
	if minMatchLen(st) == 0 {
		return nil, fmt.Errorf("%w: %q can match the empty string", ErrInvalidPattern, pattern)
	}
	m := &regexMatcher{re: re, maxLen: maxLen}
	if needsLeftContext(st) {
		// Searching t[from:] would treat from as the start of the text, so \b
		// and (?m)^ would see no preceding character.
		if m.withLC, err = regexp.Compile(`(?s:.)(` + pattern + `)`); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidPattern, err)
		}
	}
	return m, nil
}

func needsLeftContext(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	for _, s := range re.Sub {
		if needsLeftContext(s) {
			return true
		}
	}
	return false
}

func hasTextAnchor(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginText, syntax.OpEndText:
		return true
	}
	for _, s := range re.Sub {
		if hasTextAnchor(s) {
			return true
		}
	}
	return false
}

// maxMatchLen returns the longest match of re in bytes, and false when it is
// unbounded. Case-folded and class runes count at their widest encoding.
func maxMatchLen(re *syntax.Regexp) (int, bool) {
	const huge = 1 << 30
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine,
		syntax.OpBeginText, syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpLiteral:
		n := 0
		for _, r := range re.Rune {
			if re.Flags&syntax.FoldCase != 0 {
				n += utf8.UTFMax
			} else {
				n += runeLen(r)
			}
		}
		return n, true
	case syntax.OpCharClass:
		n := 0
		for k := 1; k < len(re.Rune); k += 2 {
			n = max(n, runeLen(re.Rune[k]))
		}
		return n, true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax, true
	case syntax.OpCapture, syntax.OpQuest:
		return maxMatchLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		if n, ok := maxMatchLen(re.Sub[0]); ok && n == 0 {
			return 0, true
		}
		return 0, false
	case syntax.OpRepeat:
		n, ok := maxMatchLen(re.Sub[0])
		if !ok {
			return 0, false
		}
		if n == 0 {
			return 0, true
		}
		if re.Max < 0 {
			return 0, false
		}
		if re.Max > huge/n {
			return huge, true
		}
		return n * re.Max, true
	case syntax.OpConcat:
		total := 0
		for _, s := range re.Sub {
			n, ok := maxMatchLen(s)
			if !ok {
				return 0, false
			}
			total = min(total+n, huge)
		}
		return total, true
	case syntax.OpAlternate:
		best := 0
		for _, s := range re.Sub {
			n, ok := maxMatchLen(s)
			if !ok {
				return 0, false
			}
			best = max(best, n)
		}
		return best, true
	}
	return 0, false
}

func runeLen(r rune) int {
	if n := utf8.RuneLen(r); n > 0 {
		return n
	}
	return utf8.UTFMax
}

// minMatchLen returns the shortest possible match of re in bytes.
func minMatchLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpLiteral:
		return len(re.Rune) // at least one byte per rune
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return 1
	case syntax.OpNoMatch:
		return 1 << 30
	case syntax.OpCapture, syntax.OpPlus:
		return minMatchLen(re.Sub[0])
	case syntax.OpRepeat:
		return re.Min * minMatchLen(re.Sub[0])
	case syntax.OpConcat:
		n := 0
		for _, s := range re.Sub {
			n += minMatchLen(s)
		}
		return n
	case syntax.OpAlternate:
		best := 1 << 30
		for _, s := range re.Sub {
			best = min(best, minMatchLen(s))
		}
		return best
	}
	return 0 // star, quest, empty-width assertions
}
