package csvfilter

import (
	"bytes"
	"math/bits"
)

// The fast path: the common record is parsed into its field ends alone
// (s.ends), one int per field, and its fields are only made into []field
// when something needs them (fieldList): a row the writer must change, the
// header, a record longer than MaxFieldBytes. The writer copies runs of
// kept columns straight from the ends, and predicates read their columns
// from them (valueAt).

// fastRecord parses the common record at s.pos, if it is one, and
// reports whether it did; parse takes any other record rule by rule. A
// common record is one line ending in LF or CRLF, in the mapped buffer,
// with nfields fields (ends has room for them from the first record on)
// and at most maxRow bytes, whose fields are unquoted without CR or
// quote, or quoted without quote, CR or LF inside and closed by the
// delimiter or the line end. It stores where each field ends (its
// delimiter, or the LF or CR ending the line) in s.ends[1:], with
// s.ends[0] the offset before the record, and moves pos and line past it.
// Otherwise it changes nothing that parse reads.
//
// It walks the two maps a word at a time: the delimiters before the next
// quote, CR or LF end fields, and are taken bit by bit from the word in a
// register; only at a quote, CR or LF does it read the byte, and a quoted
// field's delimiters are cleared from the word. There is no call in the
// loop, so its variables stay in registers.
func (s *scanner) fastRecord() bool {
	if s.mapped != s.end {
		return false
	}
	b, i := s.buf[:s.end], s.pos
	dmap := s.dwords
	xmap := s.xwords[:len(dmap)]
	ends, w := s.ends, i>>6
	if uint(w) >= uint(len(dmap)) || len(ends) == 0 || uint(i) >= uint(len(b)) || b[i] == '\n' || b[i] == '\r' {
		return false // no room, or an empty line (parse skips it)
	}
	ends[0] = i - 1
	k, plain, lf := 1, s.plainAt[b[i]]&1, uint8(0)
	low := uint64(1)<<uint(i&63) - 1
	d, x := dmap[w]&^low, xmap[w]&^low
	for {
		// The delimiters before the next quote, CR or LF end fields.
		below, base := x&-x-1, w<<6 // below: all bits when x is 0
		for e := d & below; e != 0; e &= e - 1 {
			j := base | bits.TrailingZeros64(e)
			if uint(k) >= uint(len(ends)) || uint(j+1) >= uint(len(b)) {
				return false
			}
			ends[k] = j
			k++
			plain &= s.plainAt[b[j+1]]
		}
		if x == 0 {
			if w++; uint(w) >= uint(len(dmap)) {
				return false
			}
			d, x = dmap[w], xmap[w]
			continue
		}
		d &^= below
		j := w<<6 | bits.TrailingZeros64(x)
		x &= x - 1
		if uint(j) >= uint(len(b)) || uint(k-1) >= uint(len(ends)) {
			return false
		}
		if c := b[j]; c == '"' {
			// An opening quote, if the field starts with it. The value
			// runs to the next quote, CR or LF, which must be a quote
			// followed by the delimiter or a line end; delimiters inside
			// are data (and make the field plain: a writer quotes it
			// again as it is).
			if j != ends[k-1]+1 {
				return false
			}
			inside := uint64(0)
			for x == 0 {
				inside |= d
				if w++; uint(w) >= uint(len(dmap)) {
					return false
				}
				d, x = dmap[w], xmap[w]
			}
			below = x&-x - 1
			inside |= d & below
			d &^= below
			q := w<<6 | bits.TrailingZeros64(x)
			x &= x - 1
			if uint(q+1) >= uint(len(b)) || b[q] != '"' {
				return false
			}
			if c = b[q+1]; c != s.comma && c != '\n' && c != '\r' {
				return false
			}
			if inside == 0 {
				plain = 0
			}
			continue
		}
		// The line must end here, after the last field.
		if k != len(ends)-1 {
			return false
		}
		ends[k] = j
		if b[j] == '\n' {
			i = j + 1
			lf = 1
			break
		}
		if b[j] != '\r' || j+1 >= len(b) || b[j+1] != '\n' {
			return false
		}
		i = j + 2 // the record ends: the LF's bit needs no clearing
		break
	}
	start := ends[0] + 1
	if i-start > s.maxRow {
		return false
	}
	s.pos, s.line, s.recLen = i, s.line+1, i-start
	s.compact, s.plain = true, plain != 0
	s.verbatim = plain&lf != 0 && i-start <= s.verbatimMax
	return true
}

// plainAtTable marks the bytes a field fastRecord takes may start with and
// still be written as its raw bytes: plainStart's, and the bytes that make
// it empty (the delimiter, CR, LF) or quoted ('"', checked apart).
func plainAtTable(comma byte) (t [256]uint8) {
	for c := range t {
		if plainStart[c] {
			t[c] = 1
		}
	}
	t[comma], t['\n'], t['\r'], t['"'] = 1, 1, 1, 1
	return t
}

// fieldList returns the fields of the current record, making them from
// the ends fastRecord stored when it parsed it.
func (s *scanner) fieldList() []field {
	if !s.compact {
		return s.fields
	}
	fields := s.fields[:0]
	rs := s.ends[0] + 1
	for _, e := range s.ends[1:] {
		f := field{vs: rs, ve: e, rs: rs, re: e}
		if s.buf[rs] == '"' {
			f.vs, f.ve, f.flags = rs+1, e-1, fQuoted
			if bytes.IndexByte(s.buf[rs+1:e-1], s.comma) >= 0 {
				f.flags |= fSpecial
			}
		}
		fields = append(fields, f)
		rs = e + 1
	}
	s.fields, s.compact = fields, false
	return fields
}

// valueAt returns the value of field k of the current record.
func (s *scanner) valueAt(k int) []byte {
	if !s.compact {
		return s.value(&s.fields[k])
	}
	rs, re := s.ends[k]+1, s.ends[k+1]
	if rs < re && s.buf[rs] == '"' {
		rs, re = rs+1, re-1
	}
	return s.buf[rs:re]
}
