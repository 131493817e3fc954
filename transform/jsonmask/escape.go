package jsonmask

import (
	"unicode/utf16"
	"unicode/utf8"
)

// Strings are written the way the encoding/json version of this package
// wrote them, byte for byte: decoded as encoding/json decodes them
// (unquote), then re-escaped by appendString. A string without escapes
// and without bytes >= 0x80 (scanner.plain) is the same after both steps,
// so it is copied as it is.

// appendRawString appends the JSON string raw (quotes included, checked by
// the scanner), re-escaped. scratch is reused to decode non-plain strings.
func appendRawString(dst, raw []byte, plain bool, scratch *[]byte) []byte {
	if plain {
		return append(dst, raw...)
	}
	*scratch = unquote((*scratch)[:0], raw)
	return appendString(dst, *scratch)
}

// unquote appends the content of the JSON string raw (quotes included,
// checked by the scanner) to dst, decoded exactly as encoding/json does:
// invalid UTF-8 bytes become U+FFFD one by one, a \u surrogate that is not
// the first half of a valid pair becomes U+FFFD and the escape after it is
// read on its own.
func unquote(dst, raw []byte) []byte {
	s := raw[1 : len(raw)-1]
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\':
			e := s[i+1]
			if e != 'u' {
				dst = append(dst, unescapeByte(e))
				i += 2
				continue
			}
			r := getu4(s[i:])
			i += 6
			if utf16.IsSurrogate(r) {
				if pair := utf16.DecodeRune(r, getu4(s[i:])); pair != utf8.RuneError {
					dst = utf8.AppendRune(dst, pair)
					i += 6
					continue
				}
				r = utf8.RuneError
			}
			dst = utf8.AppendRune(dst, r)
		case c < utf8.RuneSelf:
			j := i + 1
			for j < len(s) && s[j] != '\\' && s[j] < utf8.RuneSelf {
				j++
			}
			dst = append(dst, s[i:j]...)
			i = j
		default:
			r, n := utf8.DecodeRune(s[i:])
			if r == utf8.RuneError && n == 1 {
				dst = append(dst, "\uFFFD"...)
			} else {
				dst = append(dst, s[i:i+n]...)
			}
			i += n
		}
	}
	return dst
}

func unescapeByte(e byte) byte {
	switch e {
	case 'b':
		return '\b'
	case 'f':
		return '\f'
	case 'n':
		return '\n'
	case 'r':
		return '\r'
	case 't':
		return '\t'
	}
	return e // '"', '\\', '/'
}

// getu4 decodes the \uXXXX escape at the start of s, or returns -1.
func getu4(s []byte) rune {
	if len(s) < 6 || s[0] != '\\' || s[1] != 'u' {
		return -1
	}
	r := unhex(s[2])<<12 | unhex(s[3])<<8 | unhex(s[4])<<4 | unhex(s[5])
	if r > 0xffff { // a byte that is not a hex digit
		return -1
	}
	return rune(r)
}

// unhex returns the value of the hex digit c, or 1<<16 if it is not one:
// shifted by up to twelve bits and or-ed with three others, that still
// shows.
func unhex(c byte) uint32 {
	if d := uint32(c - '0'); d < 10 {
		return d
	}
	if l := uint32(c|0x20) - 'a'; l < 6 {
		return l + 10
	}
	return 1 << 16
}

const hexDigits = "0123456789abcdef"

// appendString writes s as a JSON string. Control characters are escaped,
// invalid UTF-8 becomes U+FFFD (as encoding/json does), U+2028 and U+2029
// are escaped, and HTML characters are left alone.
func appendString(dst, s []byte) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c < utf8.RuneSelf {
			i++
			continue
		}
		if c < utf8.RuneSelf {
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, w := utf8.DecodeRune(s[i:])
		if r == utf8.RuneError && w == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += w
			start = i
			continue
		}
		i += w
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// requoteString is scanString and appendRawString in one pass, for the
// fast path: it checks the string that starts at buf[pos] and writes to
// dst[:0] what appendRawString would write for it, byte for byte. It
// returns dst and the end of the string, or -1 (dst then holds nothing
// useful) for a string the slow path must take: invalid, cut by the end
// of the window or over the token limit. The string map finds the bytes
// it must look at; the text between them is copied as it is.
func (sc *scanner) requoteString(dst []byte, pos int) ([]byte, int) {
	buf := sc.buf
	limit := sc.tokLimit(pos)
	dst = append(dst[:0], '"')
	lit := pos + 1 // buf[lit:] up to the next stop is copied as it is
	for i := lit; ; {
		j := sc.stopNear(i, limit)
		if j == -2 {
			j = sc.nextStop(i, limit)
		}
		if j < 0 {
			return dst, -1
		}
		switch c := buf[j]; {
		case c == '"':
			dst = append(dst, buf[lit:j]...)
			return append(dst, '"'), j + 1
		case c < 0x20:
			return dst, -1
		case c >= utf8.RuneSelf:
			if len(buf)-j < utf8.UTFMax {
				return dst, -1 // the window may cut the sequence
			}
			if n := textRune(buf, j); n > 0 {
				i = j + n
				continue // copied with the text around it
			}
			r, n := utf8.DecodeRune(buf[j:])
			i = j + n
			switch {
			case r == utf8.RuneError && n == 1:
				dst = append(dst, buf[lit:j]...)
				dst = append(dst, "\uFFFD"...)
			case r == '\u2028' || r == '\u2029':
				dst = append(dst, buf[lit:j]...)
				dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			default:
				continue // copied with the text around it
			}
		default: // a backslash
			if j+1 < limit {
				// These come out of unquote and appendString as they
				// went in: copied with the text around them.
				if e := buf[j+1]; e == '"' || e == '\\' || e == 'n' || e == 'r' || e == 't' {
					i = j + 2
					continue
				}
			}
			dst = append(dst, buf[lit:j]...)
			if i = requoteEscape(&dst, buf, j, limit); i < 0 {
				return dst, -1
			}
		}
		lit = i
	}
}

// textRune returns the length of the UTF-8 sequence of two or three
// bytes at buf[j] (three more bytes follow j) if it is valid and
// appendString writes it as it is (not U+2028 or U+2029), else 0: the
// common cases of utf8.DecodeRune, without its call.
func textRune(buf []byte, j int) int {
	c, b1, b2 := buf[j], buf[j+1], buf[j+2]
	switch {
	case c < 0xc2 || b1&0xc0 != 0x80:
		return 0
	case c < 0xe0:
		return 2
	case c >= 0xf0 || b2&0xc0 != 0x80,
		c == 0xe0 && b1 < 0xa0,                   // overlong
		c == 0xed && b1 > 0x9f,                   // a surrogate
		c == 0xe2 && b1 == 0x80 && b2&^1 == 0xa8: // U+2028, U+2029
		return 0
	}
	return 3
}

// requoteEscape writes to *dst what unquote and appendString make of the
// escape at buf[j] and returns the position after it, or -1 if it is
// invalid or may be cut by limit.
func requoteEscape(dst *[]byte, buf []byte, j, limit int) int {
	if j+1 >= limit {
		return -1
	}
	switch e := buf[j+1]; e {
	case 'u':
		if j+6 > limit {
			return -1
		}
		r := getu4(buf[j:])
		if r < 0 {
			return -1
		}
		n := 6
		if utf16.IsSurrogate(r) {
			// unquote reads the escape after it only to pair them (the
			// string's own bytes: a closing quote cannot look like one).
			if j+12 > len(buf) {
				return -1
			}
			if pair := utf16.DecodeRune(r, getu4(buf[j+6:])); pair != utf8.RuneError {
				r, n = pair, 12
			} else {
				r = utf8.RuneError
			}
		}
		*dst = appendRune(*dst, r)
		return j + n
	case '"', '\\':
		*dst = append(*dst, '\\', e)
	case '/':
		*dst = append(*dst, '/')
	case 'b', 'f', 'n', 'r', 't':
		*dst = appendRune(*dst, rune(unescapeByte(e)))
	default:
		return -1
	}
	return j + 2
}

// appendRune writes r, decoded from an escape, as appendString writes it.
func appendRune(dst []byte, r rune) []byte {
	switch {
	case r == '\n':
		return append(dst, '\\', 'n')
	case r == '\r':
		return append(dst, '\\', 'r')
	case r == '\t':
		return append(dst, '\\', 't')
	case r < 0x20:
		return append(dst, '\\', 'u', '0', '0', hexDigits[r>>4], hexDigits[r&0xf])
	case r == '"' || r == '\\':
		return append(dst, '\\', byte(r))
	case r < utf8.RuneSelf:
		return append(dst, byte(r))
	case r == '\u2028' || r == '\u2029':
		return append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
	}
	return utf8.AppendRune(dst, r)
}
