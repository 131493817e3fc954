package csvfilter

import (
	"unicode"
	"unicode/utf8"
)

// writer writes fields exactly as encoding/csv's Writer does: a field is
// quoted when it holds the delimiter, a quote, CR or LF, starts with a
// Unicode space, or is `\.`; quotes inside are doubled; with CRLF, LF
// becomes CRLF and CR is dropped.
type writer struct {
	comma byte
	crlf  bool
}

// needsQuotes is encoding/csv's fieldNeedsQuotes, with the byte scan done
// by the scanner (fSpecial).
func (w writer) needsQuotes(f *field, v []byte) bool {
	if len(v) == 0 {
		return false
	}
	if f.flags&fSpecial != 0 || (len(v) == 2 && v[0] == '\\' && v[1] == '.') {
		return true
	}
	if c := v[0]; c < utf8.RuneSelf {
		return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
	}
	r, _ := utf8.DecodeRune(v)
	return unicode.IsSpace(r)
}

// allVerbatim reports whether every field of fields is written as its raw
// input bytes: an unquoted field that needs no quotes, or a quoted one
// that needs them and whose value the scanner did not change (no escaped
// quote, no CRLF turned into LF, no bare quote, its closing quote present)
// and the writer does not either (no CRLF output with CR or LF inside).
func (w writer) allVerbatim(sc *scanner, fields []field) bool {
	for k := range fields {
		f := &fields[k]
		switch {
		case f.flags == 0:
			// Unquoted and plain: verbatim unless it starts with a space,
			// is `\.`, or starts with a byte >= 0x80 (a Unicode space?).
			if f.ve > f.vs && !plainStart[sc.buf[f.vs]] && w.needsQuotes(f, sc.buf[f.vs:f.ve]) {
				return false
			}
		case f.flags&fQuoted == 0:
			return false // an unquoted field with a CR or a bare quote inside
		case f.flags&(fCopied|fBare|fOpen) != 0 || (w.crlf && f.flags&fLine != 0):
			return false
		case f.flags&fSpecial == 0 && !w.needsQuotes(f, sc.value(f)):
			return false // quotes the writer drops
		}
	}
	return true
}

// plainStart marks the bytes a field can start with without needing
// quotes: ASCII, not a space, not the '\\' of `\.`.
var plainStart = func() (t [256]bool) {
	for c := 0x21; c < 0x7f; c++ {
		t[c] = c != '\\'
	}
	return t
}()

// appendField appends the field f with value v.
func (w writer) appendField(dst []byte, f *field, v []byte) []byte {
	if !w.needsQuotes(f, v) {
		return append(dst, v...)
	}
	dst = append(dst, '"')
	start := 0
	for i, c := range v {
		if c != '"' && c != '\r' && c != '\n' {
			continue
		}
		dst = append(dst, v[start:i]...)
		start = i + 1
		switch {
		case c == '"':
			dst = append(dst, '"', '"')
		case c == '\r' && !w.crlf:
			dst = append(dst, '\r')
		case c == '\n' && w.crlf:
			dst = append(dst, '\r', '\n')
		case c == '\n':
			dst = append(dst, '\n')
		}
	}
	dst = append(dst, v[start:]...)
	return append(dst, '"')
}

// appendEnd ends a row.
func (w writer) appendEnd(dst []byte) []byte {
	if w.crlf {
		return append(dst, '\r', '\n')
	}
	return append(dst, '\n')
}
