package jsonmask

import "math/bits"

// fastTokens is the common case of scanner.next and machine.token, fused
// into one loop over the window: it consumes the tokens that lie wholly
// inside the window and need nothing unusual, until the output reaches
// target (checked between tokens, as step does) or until the next token
// is one it leaves to scanner.next: cut by the end of the window, a key
// with an escape or a byte >= 0x80, a string with a control character or
// a bad escape, a key not followed by its ':', anything at the top level
// but the first value, anything malformed, or anything at a limit. The
// slow path then takes that token from the same state, so every error and
// every limit stays exactly what it was; FuzzDifferential compares the
// result with the encoding/json version byte for byte.
//
// Design, from profiles (pprof, and cachegrind for instruction counts):
// the time goes to the work per token (grammar, path automaton, frames,
// output), not to finding bytes, so there is no full structural index:
// the benchmark records have no whitespace, every token is next to the
// last, and a map of structural characters would find nothing the loop
// does not already stand on.
//
//   - The loop is a few labelled blocks joined by goto, one per grammar
//     state (a value, a key, what follows a value, a close), as in
//     simdjson's second stage: each state's branches are predicted on
//     their own, where one switch on the state for every token was not.
//   - Only the window, the position, the span, the pending comma and the
//     grammar state are local variables; the stacks, the output and the
//     machine's state stay in memory. With them all in locals the compiler
//     shuffled registers to and from the stack at every join: a third of
//     the instructions.
//   - Strings, the only tokens that are long, are skipped with a map
//     (bitscan.Eq2NonText, SSE2) of the bytes that end or interrupt them:
//     a shift and a trailing-zero count find the end (stringEnd, inlined),
//     where a loop over eight-byte words ended in a mispredicted exit.
//     Strings with escapes or non-ASCII bytes are rewritten in one pass
//     (requoteString) that jumps between the bytes the map flags, and
//     keeps with the text the escapes that come out as they went in and
//     valid UTF-8 (textRune).
//   - The members of an object, key, ':', scalar value, ',', are the bulk
//     of a record: the key block hands them to members (members.go), a
//     loop of their own where a kept member only counts.
//   - A key the automaton has met before is looked up without a call
//     (dstate.knownNear): by its length when no pattern's key has it,
//     else as one word; an array element's state likewise
//     (dstate.indexNear).
//
// Per 4 MiB run (cachegrind) the instructions went from 169M to 107M
// (json), 176M to 112M (ndjson), 252M to 158M (ndjson-small-lines) and
// 293M to 143M (json-escapes) with the blocks, the string map and
// requoteString, then to 88M, 93M, 131M and 120M with members, the
// inline lookups, intEnd, the kept escapes and textRune (BenchmarkMask's
// cases, read straight from the Masker, GOGC off: counts that repeat to
// 0.1%). What is left is spread thin: per member of a record about 200
// instructions, a sixth each in finding the ends of strings and in the
// key lookup, much of the rest in moving values to and from the stack
// around the calls that remain (append, fastString).
//
// Output that equals the input is not copied token by token: the loop
// keeps a span of input, buf[span:pos], that goes out as it is, and copies
// it only where the output differs (whitespace, a removed member, a mask,
// a comma that must go, a rewritten string) and when it stops.
//
// It stops once a top-level value is complete: what may follow is the
// slow path's to check (another value, the end of an NDJSON line).
func (r *reader) fastTokens(target int) {
	sc, mc := &r.sc, &r.mach
	if sc.part != partNone {
		return
	}
	// Only these are local variables (see above).
	buf, pos, state := sc.buf, sc.pos, sc.state
	span := pos // buf[span:pos] is output not copied yet
	comma := -1 // the ',' consumed before the member that comes next, if >= span
	var (
		c     byte
		start int  // the first byte of the current token
		open  bool // the current value token opens a container
		sep   bool // the current value is a number or literal
		// The current value is a string that is not written as it is
		// but as mc.scratch holds it.
		requoted bool
		top      *frame
		d        *dstate
	)
	switch state {
	case expValue, expFirstValue:
		goto value
	case expFirstKey, expKey:
		goto key
	case expNext:
		goto after
	case expColon: // after a key the slow path wrote with its ':' (or removed)
		if pos < len(buf) && isSpace(buf[pos]) {
			mc.out, pos, span = skipSpace(mc.out, buf, pos, span, comma)
		}
		if pos == len(buf) || buf[pos] != ':' {
			goto done
		}
		pos++
		span = pos
		state = expValue
		goto value
	}
	goto done // between top-level values, where the grammar is the slow path's

value: // state is expValue or expFirstValue
	if n := len(mc.out) + pos - span; n >= target && (comma < span || n > target) {
		goto done
	}
	if pos == len(buf) {
		goto done
	}
	c, start, sep, requoted = buf[pos], pos, false, false
	switch {
	case c == '"':
		end := sc.stringEnd(pos)
		if end == -2 {
			end = sc.fastString(pos)
		}
		if end < 0 {
			// An escape or a byte >= 0x80: the string as it will be
			// written goes to scratch, in case it is.
			if mc.scratch, end = sc.requoteString(mc.scratch, pos); end < 0 {
				goto done
			}
			requoted = true
		}
		pos, open = end, false
	case c == '{' || c == '[':
		if len(sc.stack) >= sc.maxDepth {
			goto done
		}
		sc.stack = append(sc.stack, c)
		pos++
		open = true
	case c == '-' || c-'0' < 10:
		end := sc.fastNumber(pos)
		if end < 0 {
			goto done
		}
		pos, open, sep = end, false, true
	case c == 't' || c == 'f' || c == 'n':
		end := sc.fastLiteral(pos)
		if end < 0 {
			goto done
		}
		pos, open, sep = end, false, true
	case c == ']' && state == expFirstValue:
		goto closer
	case c <= ' ' && isSpace(c):
		mc.out, pos, span = skipSpace(mc.out, buf, pos, span, comma)
		goto value
	default:
		goto done
	}

	// The machine (machine.token) for the value token buf[start:pos].
	if mc.skip > 0 { // inside a removed or masked value: all goes
		span = pos
		if open {
			mc.skip++
			goto opened
		}
		goto valueEnd
	}
	if len(mc.stack) == 0 {
		// A top-level value: the fast path takes only the first (the
		// slow path writes the separators between them).
		d = mc.root
	} else if top = &mc.stack[len(mc.stack)-1]; !top.array {
		d, mc.next = mc.next, nil // the value of a key the loop has seen
	} else if !mc.skipNext {
		child := top.d.indexNear()
		if child == nil {
			child = mc.dfa.index(top.d, top.idx)
		}
		top.idx++
		switch child.act {
		case actRemove:
			// The element goes, and its comma.
			mc.out = flushBefore(mc.out, buf, span, start, comma)
			comma = -1
			mc.skipNext = true
		case actMask:
			mc.out, span = top.comma(mc.out, buf, span, start, comma)
			comma = -1
			mc.out = append(mc.out, buf[span:start]...)
			mc.out = append(mc.out, mc.mask...)
			mc.skipNext = true
		default:
			mc.out, span = top.comma(mc.out, buf, span, start, comma)
			comma = -1
			d = child
		}
	}
	if mc.skipNext { // the value of a removed or masked member goes
		mc.skipNext = false
		span = pos
		if open {
			mc.skip = 1
			goto opened
		}
		mc.valueDone()
		goto valueEnd
	}
	if open {
		mc.stack = pushFrame(mc.stack, c, d)
		goto opened
	}
	if requoted {
		mc.out = append(mc.out, buf[span:start]...)
		mc.out = append(mc.out, mc.scratch...)
		span = pos
	}
	mc.valueDone()
	goto valueEnd

opened: // c has opened a container
	if c == '{' {
		state = expFirstKey
		goto key
	}
	state = expFirstValue
	goto value

valueEnd: // a scalar is complete
	if len(sc.stack) > 0 {
		state = expNext
		goto after
	}
	state = expTopNext
	if sep { // a top-level number or literal
		state = expTopSep
	}
	goto done

key: // state is expFirstKey or expKey
	if mc.skip == 0 {
		from := pos
		var exit runExit
		switch pos, span, comma, exit = r.members(target, pos, span, comma); {
		case exit == atValue:
			state = expValue
			goto value
		case exit == atAfter:
			state = expNext
			goto after
		case pos != from:
			state = expKey
		}
	}
	if n := len(mc.out) + pos - span; n >= target && (comma < span || n > target) {
		goto done
	}
	if pos == len(buf) {
		goto done
	}
	c, start = buf[pos], pos
	switch {
	case c == '"':
		end := sc.stringEnd(pos)
		if end == -2 {
			end = sc.fastString(pos)
		}
		if end < 0 || end == len(buf) || buf[end] != ':' {
			goto done
		}
		pos, state = end+1, expValue
	case c == '}' && state == expFirstKey:
		goto closer
	case c <= ' ' && isSpace(c):
		mc.out, pos, span = skipSpace(mc.out, buf, pos, span, comma)
		goto key
	default:
		goto done
	}
	// The machine (machine.key) for the key buf[start:pos-1] and its ':'.
	if mc.skip > 0 {
		span = pos
		goto value
	}
	top = &mc.stack[len(mc.stack)-1]
	top.wantKey = false
	if d = top.d.knownNear(buf, start+1, pos-2); d == nil {
		d = mc.dfa.key(top.d, buf[start+1:pos-2])
	}
	switch d.act {
	case actRemove:
		// The member goes, and its comma.
		mc.out = flushBefore(mc.out, buf, span, start, comma)
		comma = -1
		span = pos
		mc.skipNext = true
	case actMask:
		mc.out, span = top.comma(mc.out, buf, span, start, comma)
		comma = -1
		mc.out = append(mc.out, buf[span:pos]...)
		mc.out = append(mc.out, mc.mask...)
		span = pos
		mc.skipNext = true
	default:
		mc.out, span = top.comma(mc.out, buf, span, start, comma)
		comma = -1
		mc.next = d
	}
	goto value

after: // state is expNext: a ',' or the container's close
	if n := len(mc.out) + pos - span; n >= target && (comma < span || n > target) {
		goto done
	}
	if pos == len(buf) {
		goto done
	}
	switch c = buf[pos]; {
	case c == ',':
		comma = pos
		pos++
		if mc.skip > 0 {
			span = pos
		}
		if sc.stack[len(sc.stack)-1] == '{' {
			state = expKey
			goto key
		}
		state = expValue
		goto value
	case c == '}' || c == ']':
		goto closer
	case c <= ' ' && isSpace(c):
		mc.out, pos, span = skipSpace(mc.out, buf, pos, span, comma)
		goto after
	}
	goto done

closer: // c, at pos, is '}' or ']' where the grammar allows a close
	if n := len(sc.stack); n == 0 || c != sc.stack[n-1]+2 { // '{'+2 == '}', '['+2 == ']'
		goto done
	}
	sc.stack = sc.stack[:len(sc.stack)-1]
	pos++
	open, sep = false, false
	if mc.skip > 0 {
		if mc.skip--; mc.skip == 0 {
			mc.valueDone()
		}
		span = pos
	} else {
		mc.pop()
		mc.valueDone()
	}
	if len(sc.stack) > 0 {
		state = expNext
		goto after
	}
	state = expTopNext

done:
	// A pending comma is the slow path's to write, or not, with its member.
	mc.out = flushBefore(mc.out, buf, span, pos, comma)
	sc.pos, sc.state = pos, state
}

// skipSpace drops the whitespace at buf[pos], and a pending ',' before
// it (the member after it writes its own): it copies the span before
// them and returns out, the position after the whitespace and the new
// span.
func skipSpace(out, buf []byte, pos, span, comma int) ([]byte, int, int) {
	out = flushBefore(out, buf, span, pos, comma)
	for pos < len(buf) && isSpace(buf[pos]) {
		pos++
	}
	return out, pos, pos
}

// flushBefore appends the output not copied yet, buf[span:at], to out. A
// ',' pending at comma (when comma >= span) is left out with what follows
// it: what comes next decides whether it is written.
func flushBefore(out, buf []byte, span, at, comma int) []byte {
	if comma >= span {
		at = comma
	}
	return append(out, buf[span:at]...)
}

// pushFrame appends the frame of a container that c opens, field by
// field: a composite literal is built on the stack and copied, and the
// wide load of its small stores stalled the loop (a tenth of its time).
func pushFrame(frames []frame, c byte, d *dstate) []frame {
	if len(frames) == cap(frames) {
		frames = append(frames, frame{})
	} else {
		frames = frames[:len(frames)+1]
	}
	f := &frames[len(frames)-1]
	f.array, f.wantKey, f.n, f.idx, f.d = c == '[', c == '{', 0, 0, d
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

// stringEnd is fastString where the string ends in the map word of its
// first byte (nearly always), small enough to be inlined: a call would
// cost more than the search. It returns -2 when the caller must ask
// fastString.
func (sc *scanner) stringEnd(pos int) int {
	// k is the offset of pos+1 in the map; sbase is a multiple of 64.
	if k := uint(pos + 1 - sc.sbase); k < uint(sc.slen) {
		if m := sc.smap[k>>6] >> (k & 63); m != 0 {
			// The limit as fastString's: maxTok-1 wraps to the largest
			// uint when maxTok is 0 (no limit).
			j := pos + 1 + bits.TrailingZeros64(m)
			if j < len(sc.buf) && sc.buf[j] == '"' && uint(j-pos-1) < uint(sc.maxTok-1) {
				return j + 1
			}
			return -1
		}
	}
	return -2
}

// fastString returns the end (after the closing quote) of the string that
// starts at pos if it is plain (no escape, no byte below 0x20 or above
// 0x7f), ends inside the window and fits the token limit; otherwise -1.
// The string map (scanner.smap) gives the first byte that ends or
// interrupts it, usually with one shift: no loop over the bytes, whose
// exit the processor cannot predict.
func (sc *scanner) fastString(pos int) int {
	if j := sc.nextStop(pos+1, sc.tokLimit(pos)); j >= 0 && sc.buf[j] == '"' {
		return j + 1
	}
	return -1
}

// tokLimit returns the end of the part of the window a token that starts
// at pos may use in the fast path: its last byte must come before it.
func (sc *scanner) tokLimit(pos int) int {
	if sc.maxTok > 0 {
		return min(len(sc.buf), pos+sc.maxTok)
	}
	return len(sc.buf)
}

// stopNear is nextStop where the stop is in the map word of i (nearly
// always), small enough to be inlined; it returns -2 when the caller must
// ask nextStop.
func (sc *scanner) stopNear(i, limit int) int {
	if k := uint(i - sc.sbase); k < uint(sc.slen) {
		if m := sc.smap[k>>6] >> (k & 63); m != 0 {
			if j := i + bits.TrailingZeros64(m); j < limit {
				return j
			}
			return -1
		}
	}
	return -2
}

// nextStop returns the first position from i on, before limit (at most
// len(buf)), that the string map flags, or -1.
func (sc *scanner) nextStop(i, limit int) int {
	for ; i < limit; i = (i | 63) + 1 {
		if uint(i-sc.sbase) >= uint(sc.slen) {
			sc.mapStrings(i)
		}
		if m := sc.smap[(i-sc.sbase)>>6] >> (i & 63); m != 0 {
			if j := i + bits.TrailingZeros64(m); j < limit {
				return j
			}
			return -1
		}
	}
	return -1
}

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
