package jsonmask

import (
	"errors"
	"fmt"

	"github.com/objectlambda/sdk-go/transform/internal/bitscan"
)

// scanner is a streaming JSON tokenizer that also checks the grammar (the
// job encoding/json's Decoder.Token did before). It works on a window of
// the input, buf, that its owner refills: next returns errNeedMore when a
// token does not end inside the window, and the owner reads more after
// dropping buf[:keep()]. Only the token being scanned is kept across
// refills; whitespace and punctuation are consumed at once, so memory is
// bounded by the largest string or number (maxTok) and by maxDepth.
//
// Tokens are returned as kinds; the bytes of a string, number or literal
// are buf[start:end] (quotes included), valid until the next refill.
type scanner struct {
	buf []byte
	pos int  // next byte to look at
	eof bool // buf holds the rest of the input
	off int64

	maxDepth int
	maxTok   int // bytes of one string or number; 0 means no limit

	state expect
	stack []byte // '{' or '[' for every open container

	// The current string, number or literal is buf[start:end]. When the
	// window ends inside one, part says which and resume how many of its
	// bytes are already checked, so that a refill does not rescan them.
	start, end int
	part       part
	resume     int
	num        numState
	plain      bool // the string has no escape and no byte >= 0x80

	// smap is the map (bitscan) of the bytes of buf[sbase:sbase+slen] that end
	// or interrupt a plain string: '"', '\\', control bytes, bytes >=
	// 0x80. fastString finds the end of a string in it with a shift and
	// a count of trailing zeros. It is built a piece at a time as the fast
	// path gets there; sbase is a multiple of 64.
	smap        []uint64
	sbase, slen int
	// ahead, when longer than buf, is the window buf is the start of:
	// several NDJSON lines, mapped at once. The map may go past the end
	// of buf there, but never past a line's end without a bit: a '\n' is
	// a control byte.
	ahead []byte
}

// smapWords is the size of the string map: 4 KiB of input per call of
// the kernel.
const smapWords = 64

// errNeedMore asks the owner of the scanner for more input.
var errNeedMore = errors.New("jsonmask: need more input")

type tokKind uint8

const (
	tokEOF         tokKind = iota // the input ended after complete top-level values
	tokObjectStart                // {
	tokObjectEnd                  // }
	tokArrayStart                 // [
	tokArrayEnd                   // ]
	tokKey                        // an object key, a raw string
	tokString                     // a string value, raw
	tokNumber                     // a number, exactly as written
	tokLiteral                    // true, false or null
)

// expect is the grammar state: what may come next.
type expect uint8

const (
	expValue      expect = iota // a value: document start, after ':', after ',' in an array
	expFirstValue               // after '[': a value or ']'
	expFirstKey                 // after '{': a key or '}'
	expKey                      // after ',' in an object: a key
	expColon                    // after a key: ':'
	expNext                     // after a value in a container: ',' or its closer
	expTopNext                  // after a top-level value: another value or the end
	expTopSep                   // after a top-level number or literal: whitespace or the end
)

// part is the kind of token the window ended in.
type part uint8

const (
	partNone part = iota
	partKey
	partString
	partNumber
	partLiteral
)

// numState follows the JSON number grammar
// -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? one byte at a time.
type numState uint8

const (
	numStart   numState = iota
	numMinus            // after '-'
	numZero             // after a leading 0: no more integer digits
	numInt              // in the integer part
	numDot              // after '.': a digit must follow
	numFrac             // in the fraction
	numExpMark          // after 'e' or 'E'
	numExpSign          // after the exponent's sign: a digit must follow
	numExp              // in the exponent
)

// reset prepares the scanner for a new document (or NDJSON line) held in
// buf; eof says whether more input may follow.
func (sc *scanner) reset(buf []byte, eof bool) {
	sc.buf, sc.pos, sc.eof, sc.off = buf, 0, eof, 0
	sc.state, sc.stack = expValue, sc.stack[:0]
	sc.part = partNone
	sc.ahead = nil
	sc.slen = 0
}

// resetLine prepares the scanner for the NDJSON line win[start:end]: the
// input as far as the scanner knows ends there, and offsets in errors
// count from start. The string map is kept (see ahead): the caller
// clears it with clearMap when win changes.
func (sc *scanner) resetLine(win []byte, start, end int) {
	sc.buf, sc.pos, sc.eof, sc.off = win[:end], start, true, -int64(start)
	sc.state, sc.stack = expValue, sc.stack[:0]
	sc.part = partNone
	sc.ahead = win
}

// clearMap forgets the string map.
func (sc *scanner) clearMap() { sc.slen = 0 }

// keep returns how many leading bytes of buf the scanner no longer needs.
func (sc *scanner) keep() int {
	if sc.part != partNone {
		return sc.start
	}
	return sc.pos
}

// shift tells the scanner that the owner dropped the first n bytes of buf.
func (sc *scanner) shift(n int) {
	sc.pos -= n
	sc.start -= n
	sc.end -= n
	sc.off += int64(n)
	sc.slen = 0
}

// mapStrings builds the string map of the piece of buf at i.
func (sc *scanner) mapStrings(i int) {
	if sc.smap == nil {
		sc.smap = make([]uint64, smapWords)
	}
	src := sc.buf
	if len(sc.ahead) > len(src) {
		src = sc.ahead
	}
	sc.sbase = i &^ 63
	sc.slen = min(len(src)-sc.sbase, 64*smapWords)
	bitscan.Eq2NonText(sc.smap, src[sc.sbase:sc.sbase+sc.slen], '"', '\\')
}

// complete reports whether next would return tokEOF at once: the window
// holds the rest of the input and ends right after complete top-level
// values, where the fast path leaves an NDJSON line.
func (sc *scanner) complete() bool {
	return sc.eof && sc.part == partNone && sc.pos == len(sc.buf) && len(sc.stack) == 0 &&
		(sc.state == expTopNext || sc.state == expTopSep)
}

// token returns the raw bytes of the last string, number or literal.
func (sc *scanner) token() []byte { return sc.buf[sc.start:sc.end] }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func (sc *scanner) syntax(at int, what string) error {
	return fmt.Errorf("%w: %s at offset %d", ErrSyntax, what, sc.off+int64(at))
}

// next returns the next token, errNeedMore, or an error wrapping ErrSyntax
// or ErrTooLarge.
func (sc *scanner) next() (tokKind, error) {
	switch sc.part {
	case partKey, partString:
		return sc.scanString()
	case partNumber:
		return sc.scanNumber()
	case partLiteral:
		return sc.scanLiteral()
	}
	for {
		i := sc.pos
		for i < len(sc.buf) && isSpace(sc.buf[i]) {
			i++
		}
		if i > sc.pos {
			sc.pos = i
			if sc.state == expTopSep {
				sc.state = expTopNext
			}
		}
		if i == len(sc.buf) {
			if !sc.eof {
				return 0, errNeedMore
			}
			if len(sc.stack) == 0 && (sc.state == expTopNext || sc.state == expTopSep) {
				return tokEOF, nil
			}
			return 0, sc.syntax(i, "unexpected end of input")
		}
		c := sc.buf[i]
		switch sc.state {
		case expColon:
			if c != ':' {
				return 0, sc.syntax(i, "missing ':' after object key")
			}
			sc.pos++
			sc.state = expValue
			continue
		case expNext:
			if c != ',' {
				return sc.close(c)
			}
			sc.pos++
			sc.state = expValue
			if sc.stack[len(sc.stack)-1] == '{' {
				sc.state = expKey
			}
			continue
		case expFirstKey, expKey:
			if c == '"' {
				return sc.beginString(partKey)
			}
			if c == '}' && sc.state == expFirstKey {
				return sc.close(c)
			}
			return 0, sc.syntax(i, "expected an object key")
		case expFirstValue:
			if c == ']' {
				return sc.close(c)
			}
		case expTopSep:
			// encoding/json read "01" or "truefalse" as two values; a
			// number or literal must be followed by whitespace.
			return 0, sc.syntax(i, "top-level values must be separated by whitespace")
		}
		return sc.beginValue(c)
	}
}

func (sc *scanner) beginValue(c byte) (tokKind, error) {
	switch {
	case c == '{' || c == '[':
		if len(sc.stack) >= sc.maxDepth {
			return 0, fmt.Errorf("%w: nesting deeper than %d", ErrTooLarge, sc.maxDepth)
		}
		sc.stack = append(sc.stack, c)
		sc.pos++
		if c == '{' {
			sc.state = expFirstKey
			return tokObjectStart, nil
		}
		sc.state = expFirstValue
		return tokArrayStart, nil
	case c == '"':
		return sc.beginString(partString)
	case c == '-' || ('0' <= c && c <= '9'):
		sc.start, sc.resume, sc.num, sc.part = sc.pos, 0, numStart, partNumber
		return sc.scanNumber()
	case c == 't' || c == 'f' || c == 'n':
		sc.start, sc.part = sc.pos, partLiteral
		return sc.scanLiteral()
	}
	return 0, sc.syntax(sc.pos, "invalid character looking for a value")
}

// close handles '}' or ']' where a value has just ended or a container has
// just begun.
func (sc *scanner) close(c byte) (tokKind, error) {
	n := len(sc.stack)
	if n == 0 || c != sc.stack[n-1]+2 { // '{'+2 == '}', '['+2 == ']'
		return 0, sc.syntax(sc.pos, "unexpected character after value")
	}
	sc.stack = sc.stack[:n-1]
	sc.pos++
	sc.valueEnd(false)
	if c == '}' {
		return tokObjectEnd, nil
	}
	return tokArrayEnd, nil
}

// valueEnd moves the grammar past a complete value.
func (sc *scanner) valueEnd(scalar bool) {
	switch {
	case len(sc.stack) > 0:
		sc.state = expNext
	case scalar:
		sc.state = expTopSep
	default:
		sc.state = expTopNext
	}
}

// limit returns the end of the part of buf the current token may use: a
// token whose first maxTok+1 bytes are valid but not complete is too
// large, whatever follows.
func (sc *scanner) limit() int {
	if sc.maxTok > 0 && sc.start+sc.maxTok+1 < len(sc.buf) {
		return sc.start + sc.maxTok + 1
	}
	return len(sc.buf)
}

// stall ends a scan that needs byte j of buf to go on; a refill resumes it
// at from.
func (sc *scanner) stall(j, from int) (tokKind, error) {
	if sc.maxTok > 0 && j-sc.start > sc.maxTok {
		return 0, fmt.Errorf("%w: a JSON value is larger than %d bytes", ErrTooLarge, sc.maxTok)
	}
	if sc.eof {
		return 0, sc.syntax(j, "unexpected end of input")
	}
	sc.resume = from - sc.start
	return 0, errNeedMore
}

func (sc *scanner) beginString(p part) (tokKind, error) {
	sc.start, sc.resume, sc.part, sc.plain = sc.pos, 1, p, true
	return sc.scanString()
}

// scanString finds the closing quote of the string at sc.start, checking
// escapes and rejecting control characters as encoding/json does. It does
// not decode: the machine does that only for strings it writes or
// matches, and only when plain is false.
func (sc *scanner) scanString() (tokKind, error) {
	buf := sc.buf
	limit := sc.limit()
	i := sc.start + sc.resume
	for i < limit {
		c := buf[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			if c >= 0x80 {
				sc.plain = false
			}
			i++
			continue
		}
		switch c {
		case '"':
			sc.end = i + 1
			if sc.maxTok > 0 && sc.end-sc.start > sc.maxTok {
				return sc.stall(sc.end, i)
			}
			sc.pos = sc.end
			if sc.part == partKey {
				sc.part = partNone
				sc.state = expColon
				return tokKey, nil
			}
			sc.part = partNone
			sc.valueEnd(false)
			return tokString, nil
		case '\\':
			sc.plain = false
			n, err := sc.escape(i, limit)
			if err != nil {
				return 0, err
			}
			i += n
		default:
			return 0, sc.syntax(i, "control character in string")
		}
	}
	return sc.stall(i, i)
}

// escape checks the escape sequence at buf[i] byte by byte (so that a
// sequence cut by the window or by the size limit is handled like any
// other byte) and returns its length, or 0 and the result of stall.
func (sc *scanner) escape(i, limit int) (int, error) {
	n := 2
	for j := i + 1; j < i+n; j++ {
		if j >= limit {
			_, err := sc.stall(j, i)
			return 0, err
		}
		c := sc.buf[j]
		switch {
		case j > i+1:
			if !isHex(c) {
				return 0, sc.syntax(j, `invalid \u escape`)
			}
		case c == 'u':
			n = 6
		case c == '"', c == '\\', c == '/', c == 'b', c == 'f', c == 'n', c == 'r', c == 't':
		default:
			return 0, sc.syntax(j, "invalid escape")
		}
	}
	return n, nil
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

// scanNumber follows the number grammar from sc.num. A number ends at the
// first byte that cannot continue it (not consumed), as in encoding/json.
func (sc *scanner) scanNumber() (tokKind, error) {
	buf := sc.buf
	limit := sc.limit()
	i := sc.start + sc.resume
	st := sc.num
	for ; i < limit; i++ {
		c := buf[i]
		switch st {
		case numStart:
			st = numInt
			if c == '-' {
				st = numMinus
			} else if c == '0' {
				st = numZero
			}
			continue
		case numMinus:
			if c == '0' {
				st = numZero
				continue
			}
			if isDigit(c) {
				st = numInt
				continue
			}
		case numInt, numFrac:
			for i < limit && isDigit(buf[i]) {
				i++
			}
			if i == limit {
				i--
				continue
			}
			c = buf[i]
			fallthrough
		case numZero:
			if c == '.' && st != numFrac {
				st = numDot
				continue
			}
			if c == 'e' || c == 'E' {
				st = numExpMark
				continue
			}
			return sc.numberEnd(i)
		case numDot:
			if isDigit(c) {
				st = numFrac
				continue
			}
		case numExpMark:
			if c == '+' || c == '-' {
				st = numExpSign
				continue
			}
			if isDigit(c) {
				st = numExp
				continue
			}
		case numExpSign:
			if isDigit(c) {
				st = numExp
				continue
			}
		case numExp:
			if isDigit(c) {
				continue
			}
			return sc.numberEnd(i)
		}
		return 0, sc.syntax(i, "invalid number")
	}
	sc.num = st
	if sc.eof && i == len(buf) && (sc.maxTok == 0 || i-sc.start <= sc.maxTok) {
		switch st {
		case numZero, numInt, numFrac, numExp:
			return sc.numberEnd(i)
		}
	}
	return sc.stall(i, i)
}

func (sc *scanner) numberEnd(i int) (tokKind, error) {
	sc.end, sc.pos, sc.part = i, i, partNone
	sc.valueEnd(true)
	return tokNumber, nil
}

// scanLiteral matches true, false or null. They are short, so a literal
// cut by the window is simply scanned again after the refill.
func (sc *scanner) scanLiteral() (tokKind, error) {
	lit := "null"
	switch sc.buf[sc.start] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	}
	for k := 1; k < len(lit); k++ {
		j := sc.start + k
		if j == len(sc.buf) {
			return sc.stall(j, sc.start)
		}
		if sc.buf[j] != lit[k] {
			return 0, sc.syntax(j, "invalid literal")
		}
	}
	sc.end = sc.start + len(lit)
	sc.pos, sc.part = sc.end, partNone
	sc.valueEnd(true)
	return tokLiteral, nil
}
