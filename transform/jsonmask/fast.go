package jsonmask

import (
	"encoding/binary"
	"math/bits"
)

// fastTokens is the common case of scanner.next and machine.token, fused
// into one loop over the window that keeps its state in local variables:
// it consumes the tokens that lie wholly inside the window and need
// nothing unusual, until the output reaches target (checked between
// tokens, as step does) or until the next token is one it leaves to
// scanner.next: cut by the end of the window, a string with an escape, a
// control character or a byte >= 0x80, a key not followed by its ':',
// anything at the top level but the first value, anything malformed, or
// anything at a limit. The slow path then takes that token from the same
// state, so every error and every limit stays exactly what it was;
// FuzzDifferential compares the result with the encoding/json version byte
// for byte.
//
// Output that equals the input is not copied token by token: the loop
// keeps a span of input, buf[span:pos], that goes out as it is, and copies
// it only where the output differs (whitespace, a removed member, a mask,
// a comma that must go) and when it stops.
//
// With oneValue (NDJSON) it also stops once a top-level value is complete.
func (r *reader) fastTokens(target int, oneValue bool) {
	sc, mc := &r.sc, &r.mach
	if sc.part != partNone {
		return
	}
	buf, pos, state := sc.buf, sc.pos, sc.state
	frames, skip, skipNext, next := mc.stack, mc.skip, mc.skipNext, mc.next
	span := pos // buf[span:pos] is output not copied yet
	comma := -1 // the ',' consumed before the member that comes next, if >= span
	out := mc.out
loop:
	for {
		if n := len(out) + pos - span; n >= target && (comma < span || n > target) {
			break
		}
		if pos < len(buf) && buf[pos] <= ' ' && isSpace(buf[pos]) {
			// Whitespace goes; so does, for now, a ',' just before it.
			to := pos
			if comma >= span {
				to = comma
			}
			out = append(out, buf[span:to]...)
			for pos < len(buf) && isSpace(buf[pos]) {
				pos++
			}
			span = pos
			if state == expTopSep {
				state = expTopNext
			}
			continue
		}
		if pos == len(buf) {
			break
		}
		c := buf[pos]
		start := pos
		var kind tokKind
		switch state {
		case expColon: // after a key the slow path wrote with its ':' (or removed)
			if c != ':' {
				break loop
			}
			pos++
			span = pos
			state = expValue
			continue
		case expNext:
			if c == ',' {
				comma = pos
				pos++
				state = expValue
				if sc.stack[len(sc.stack)-1] == '{' {
					state = expKey
				}
				if skip > 0 {
					span = pos
				}
				continue
			}
		case expFirstKey, expKey:
			if c == '"' {
				end := sc.fastString(pos)
				if end < 0 || end == len(buf) || buf[end] != ':' {
					break loop
				}
				pos, state, kind = end+1, expValue, tokKey
			} else if c != '}' || state != expFirstKey {
				break loop
			}
		case expFirstValue, expValue:
			if c == ']' && state == expFirstValue {
				break
			}
			switch {
			case c == '{' || c == '[':
				if len(sc.stack) >= sc.maxDepth {
					break loop
				}
				sc.stack = append(sc.stack, c)
				pos++
				if state, kind = expFirstValue, tokArrayStart; c == '{' {
					state, kind = expFirstKey, tokObjectStart
				}
			case c == '"':
				end := sc.fastString(pos)
				if end < 0 {
					break loop
				}
				pos, kind = end, tokString
			case c == '-' || c-'0' < 10:
				end := sc.fastNumber(pos)
				if end < 0 {
					break loop
				}
				pos, kind = end, tokNumber
			case c == 't' || c == 'f' || c == 'n':
				end := sc.fastLiteral(pos)
				if end < 0 {
					break loop
				}
				pos, kind = end, tokLiteral
			default:
				break loop
			}
			switch { // as valueEnd
			case kind < tokString:
			case len(sc.stack) > 0:
				state = expNext
			case kind == tokString:
				state = expTopNext
			default: // a top-level number or literal
				state = expTopSep
			}
		default: // between top-level values, where the grammar is the slow path's
			break loop
		}
		if kind == tokEOF { // '}' or ']' where the grammar allows one
			n := len(sc.stack)
			if n == 0 || c != sc.stack[n-1]+2 { // '{'+2 == '}', '['+2 == ']'
				break loop
			}
			sc.stack = sc.stack[:n-1]
			pos++
			kind = tokObjectEnd
			if c == ']' {
				kind = tokArrayEnd
			}
			state = expNext
			if n == 1 {
				state = expTopNext
			}
		}

		// The machine (machine.token) for the token buf[start:pos].
		isOpen := kind == tokObjectStart || kind == tokArrayStart
		if skip > 0 { // inside a removed or masked value: all goes
			if isOpen {
				skip++
			} else if kind == tokObjectEnd || kind == tokArrayEnd {
				if skip--; skip == 0 {
					frames = mc.fastValueDone(frames)
				}
			}
			span = pos
			continue
		}
		var top *frame
		if len(frames) > 0 {
			top = &frames[len(frames)-1]
		} else if mc.values > 0 {
			break loop // never here: the slow path writes top-level separators
		}
		if top != nil && !top.array && top.wantKey {
			if kind == tokObjectEnd {
				frames = mc.fastValueDone(frames[:len(frames)-1])
				continue
			}
			// A plain key and its ':'.
			child := mc.dfa.key(top.d, buf[start+1:pos-2])
			top.wantKey = false
			if child.act == actRemove {
				// The member goes, and its comma.
				to := start
				if comma >= span {
					to = comma
				}
				out = append(out, buf[span:to]...)
				comma = -1
				span = pos
				skipNext = true
				continue
			}
			out, span = top.comma(out, buf, span, start, comma)
			comma = -1
			if child.act == actMask {
				out = append(out, buf[span:pos]...)
				out = append(out, mc.mask...)
				span = pos
				skipNext = true
				continue
			}
			next = child
			continue
		}
		if top != nil && top.array && !skipNext {
			if kind == tokArrayEnd {
				frames = mc.fastValueDone(frames[:len(frames)-1])
				continue
			}
			child := mc.dfa.index(top.d, top.idx)
			top.idx++
			if child.act == actRemove {
				// The member goes, and its comma.
				to := start
				if comma >= span {
					to = comma
				}
				out = append(out, buf[span:to]...)
				comma = -1
				skipNext = true
			} else {
				out, span = top.comma(out, buf, span, start, comma)
				comma = -1
				if child.act == actMask {
					out = append(out, buf[span:start]...)
					out = append(out, mc.mask...)
					skipNext = true
				} else {
					next = child
				}
			}
		}
		if skipNext { // the value of a removed or masked member goes
			skipNext = false
			span = pos
			if isOpen {
				skip = 1
			} else {
				frames = mc.fastValueDone(frames)
			}
			continue
		}
		d := next
		next = nil
		if top == nil {
			d = mc.root
		}
		if isOpen {
			frames = append(frames, frame{array: c == '[', wantKey: c == '{', d: d})
		} else {
			frames = mc.fastValueDone(frames)
		}
		if oneValue && len(sc.stack) == 0 {
			break
		}
	}
	// A pending comma is the slow path's to write, or not, with its member.
	to := pos
	if comma >= span {
		to = comma
	}
	mc.out = append(out, buf[span:to]...)
	sc.pos, sc.state = pos, state
	mc.stack, mc.skip, mc.skipNext, mc.next = frames, skip, skipNext, next
}

// fastValueDone is valueDone on the frames the fast loop holds; it returns
// them.
func (mc *machine) fastValueDone(frames []frame) []frame {
	if len(frames) == 0 {
		mc.values++
	} else if top := &frames[len(frames)-1]; !top.array {
		top.wantKey = true
	}
	return frames
}

// fastLiteral returns the end of the literal true, false or null at pos if
// it lies inside the window; otherwise -1.
func (sc *scanner) fastLiteral(pos int) int {
	lit := "null"
	switch sc.buf[pos] {
	case 't':
		lit = "true"
	case 'f':
		lit = "false"
	}
	if pos+len(lit) > len(sc.buf) || string(sc.buf[pos:pos+len(lit)]) != lit {
		return -1
	}
	return pos + len(lit)
}

// fastString returns the end (after the closing quote) of the string that
// starts at pos if it is plain (no escape, no byte below 0x20 or above
// 0x7f), ends inside the window and fits the token limit; otherwise -1.
// It looks at eight bytes at a time.
func (sc *scanner) fastString(pos int) int {
	buf := sc.buf
	limit := len(buf)
	if sc.maxTok > 0 {
		limit = min(limit, pos+sc.maxTok)
	}
	i := pos + 1
	for i+8 <= limit {
		x := binary.LittleEndian.Uint64(buf[i:])
		// The lowest flagged byte is exact (false flags only follow a
		// true one): a quote, a backslash, a byte below 0x20 or above
		// 0x7f.
		m := hasZero(x^quotes) | hasZero(x^backslashes) | (x-spaces)&^x | x
		if m &= highBits; m != 0 {
			i += bits.TrailingZeros64(m) >> 3
			if buf[i] == '"' {
				return i + 1
			}
			return -1
		}
		i += 8
	}
	for ; i < limit; i++ {
		switch c := buf[i]; {
		case c == '"':
			return i + 1
		case c < 0x20 || c >= 0x80 || c == '\\':
			return -1
		}
	}
	return -1
}

const (
	lowBits     = 0x0101010101010101
	highBits    = 0x8080808080808080
	quotes      = '"' * lowBits
	backslashes = '\\' * lowBits
	spaces      = ' ' * lowBits
)

// hasZero sets the top bit of the lowest zero byte of x (and maybe of
// bytes above it).
func hasZero(x uint64) uint64 { return (x - lowBits) &^ x & highBits }

// fastNumber returns the end of the number that starts at pos if a byte
// that cannot continue it follows inside the window and it fits the token
// limit; otherwise -1. The grammar is scanNumber's.
func (sc *scanner) fastNumber(pos int) int {
	buf := sc.buf
	i := pos
	if buf[i] == '-' {
		i++
	}
	switch {
	case i < len(buf) && buf[i] == '0':
		i++
	case i < len(buf) && buf[i]-'1' < 9:
		for i++; i < len(buf) && buf[i]-'0' < 10; i++ {
		}
	default:
		return -1
	}
	if i < len(buf) && buf[i] == '.' {
		j := i + 1
		for i = j; i < len(buf) && buf[i]-'0' < 10; i++ {
		}
		if i == j {
			return -1
		}
	}
	if i < len(buf) && buf[i]|0x20 == 'e' {
		i++
		if i < len(buf) && (buf[i] == '+' || buf[i] == '-') {
			i++
		}
		j := i
		for ; i < len(buf) && buf[i]-'0' < 10; i++ {
		}
		if i == j {
			return -1
		}
	}
	if i == len(buf) || (sc.maxTok > 0 && i-pos > sc.maxTok) {
		return -1 // more may follow, or over the limit: the slow path decides
	}
	return i
}

// comma writes what goes before a kept member at start of the container
// top: the input's comma (at comma, -1 for none) for its first member when
// the comma lies in the span not yet written, else a ',' of its own for a
// later member whose input comma was dropped. It returns out and the new
// start of the unwritten span.
func (top *frame) comma(out, buf []byte, span, start, comma int) ([]byte, int) {
	top.n++
	switch {
	case top.n == 1 && comma >= span:
		return append(out, buf[span:comma]...), comma + 1
	case top.n > 1 && comma < span:
		out = append(out, buf[span:start]...)
		return append(out, ','), start
	}
	return out, span
}
