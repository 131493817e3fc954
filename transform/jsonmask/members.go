package jsonmask

import (
	"encoding/binary"
	"math/bits"
)

// runExit says where members stopped.
type runExit uint8

const (
	// atKey: at the start of a member (a key, or whatever stands there),
	// none of it consumed.
	atKey runExit = iota
	// atValue: after a member's key and ':', its fate decided as the key
	// block of fastTokens decides it (mc.next or mc.skipNext set).
	atValue
	// atAfter: after a member's value.
	atAfter
)

// members is the innermost stage of fastTokens: the members of the
// object on top of the stack whose key is plain and known to the
// automaton and whose value is a plain scalar, one after another, as
// long as they lie inside the window and the output stays below target.
// Records are mostly such members, and each costs less here than in the
// token-by-token blocks of fastTokens (about 200 instructions against
// 300): the grammar inside a member is fixed (key, ':', value, then ','
// or the end), the member's path state is needed only to know its
// action, and a kept member changes nothing but the count of members
// written (top.n).
//
// It starts at a member's key (state expFirstKey or expKey, nothing
// skipped) and stops at one of the points runExit names, leaving the
// scanner and the machine as fastTokens' blocks would have left them
// there; anything unusual (whitespace, a container value, an escape, a
// key the automaton has not met yet) stops it before or after the key,
// and fastTokens carries on. It checks the output target wherever
// fastTokens does, conservatively: it stops where the output could have
// reached target and fastTokens makes the exact decision.
func (r *reader) members(target, pos, span, comma int) (int, int, int, runExit) {
	sc, mc := &r.sc, &r.mach
	buf := sc.buf
	top := &mc.stack[len(mc.stack)-1]
	d, n := top.d, top.n
	// pos may reach lim without the output reaching target; past it, it
	// may not.
	lim := runLimit(target, len(mc.out), span, len(buf))
	for pos < lim && buf[pos] == '"' {
		kend := sc.stringEnd(pos)
		if kend == -2 {
			kend = sc.fastString(pos)
		}
		if kend < 0 || kend >= len(buf) || buf[kend] != ':' {
			break
		}
		child := d.knownNear(buf, pos+1, kend-1)
		if child == nil {
			break
		}
		// The key and its ':' are consumed: the member is decided as
		// fastTokens' key block decides it.
		start, vpos := pos, kend+1
		act := child.act
		if act != actNone || (n > 0) != (comma >= span) {
			n, span = r.decideMember(act, n, buf, span, start, vpos, comma)
			lim = runLimit(target, len(mc.out), span, len(buf))
		} else {
			n++ // a kept member whose comma stays: nothing to write
		}
		comma = -1
		vend := -1
		if vpos < lim {
			switch c := buf[vpos]; {
			case c == '"':
				if vend = sc.stringEnd(vpos); vend == -2 {
					vend = sc.fastString(vpos)
				}
			case c-'1' < 9:
				if vend = sc.intEnd(vpos); vend < 0 {
					vend = sc.fastNumber(vpos)
				}
			case c == '{' || c == '[': // fastTokens' value block opens it
			default:
				vend = sc.scalarEnd(vpos)
			}
		}
		if vend < 0 {
			top.n, top.wantKey = n, false
			if act == actNone {
				mc.next = child
			} else {
				mc.skipNext = true
			}
			return vpos, span, comma, atValue
		}
		if act != actNone { // the value goes
			span = vend
			lim = runLimit(target, len(mc.out), span, len(buf))
		}
		if vend >= lim || buf[vend] != ',' {
			top.n = n
			return vend, span, comma, atAfter
		}
		comma, pos = vend, vend+1
	}
	top.n = n
	return pos, span, comma, atKey
}

// decideMember writes what goes out before the value of the member whose
// key is buf[start:vpos] (its ':' included) with action act, as
// fastTokens' key block writes it: nothing but the span before it for a
// removed member (and not its comma), the key and the mask for a masked
// one, the comma the member needs (frame.comma) for a kept or masked
// one. It returns the new count of members written and span.
func (r *reader) decideMember(act action, n int, buf []byte, span, start, vpos, comma int) (int, int) {
	mc := &r.mach
	if act == actRemove {
		mc.out = flushBefore(mc.out, buf, span, start, comma)
		return n, vpos
	}
	if n++; n == 1 && comma >= span || n > 1 && comma < span {
		mc.out, span = memberComma(mc.out, buf, span, start, comma)
	}
	if act == actMask {
		mc.out = append(mc.out, buf[span:vpos]...)
		mc.out = append(mc.out, mc.mask...)
		span = vpos
	}
	return n, span
}

// runLimit returns the position at which the output (out bytes written
// and the span from span on) reaches target, or end if that comes first.
func runLimit(target, out, span, end int) int {
	return min(end, target-out+span)
}

// memberComma is frame.comma's rule for the two cases where the input's
// comma is not simply kept: the first member written drops the pending
// comma, a later one whose comma was dropped writes its own.
func memberComma(out, buf []byte, span, start, comma int) ([]byte, int) {
	if comma >= span {
		return append(out, buf[span:comma]...), comma + 1
	}
	out = append(out, buf[span:start]...)
	return append(out, ','), start
}

// scalarEnd returns the end of the plain scalar value (a string without
// escapes or bytes >= 0x80, a number, a literal) at pos when fastTokens'
// value block would take it without a rewrite; otherwise -1.
func (sc *scanner) scalarEnd(pos int) int {
	switch c := sc.buf[pos]; {
	case c == '"':
		end := sc.stringEnd(pos)
		if end == -2 {
			end = sc.fastString(pos)
		}
		return end
	case c == '-' || c-'0' < 10:
		return sc.fastNumber(pos)
	case c == 't' || c == 'f' || c == 'n':
		return sc.fastLiteral(pos)
	}
	return -1
}

// intEnd returns the end of the positive integer without a leading zero
// at pos if it has at most nine digits and a ',' or '}' follows it;
// otherwise -1 (fastNumber then decides). The digits are found eight
// bytes at a time, not in a loop whose exit the processor cannot
// predict.
func (sc *scanner) intEnd(pos int) int {
	if buf := sc.buf; pos+9 < len(buf) {
		// Followed by what ends a member, it is the whole number.
		if i := pos + 1 + nonDigit(binary.LittleEndian.Uint64(buf[pos+1:])); buf[i] == ',' || buf[i] == '}' {
			return i
		}
	}
	return -1
}

// nonDigit returns the index of the first byte of x (eight bytes,
// little-endian) that is not an ASCII digit, or 8.
func nonDigit(x uint64) int {
	const lsbs, msbs = 0x0101010101010101, 0x8080808080808080
	y := x &^ msbs
	// y+0x50 sets the top bit of bytes from 0x30, y+0x46 of bytes above
	// 0x39 (no byte carries into the next); x's own top bit marks bytes
	// from 0x80.
	m := (^(y + 0x50*lsbs) | (y + 0x46*lsbs) | x) & msbs
	return bits.TrailingZeros64(m) >> 3
}
