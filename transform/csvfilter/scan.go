package csvfilter

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"math/bits"

	"github.com/objectlambda/sdk-go/transform/internal/bitscan"
)

// scanner splits CSV records exactly as encoding/csv's Reader does with
// FieldsPerRecord 0, no comment character and TrimLeadingSpace off (the
// configuration this package used it with, and still tests against in
// FuzzLegacy), but without allocating per record: a record is a list of
// offsets into the scanner's buffer. Only a quoted field whose value is
// not its raw bytes (an escaped quote, a CRLF inside it that encoding/csv
// turns into LF) is copied, to a scratch buffer reused for every record.
//
// Rules of encoding/csv that the scanner follows, byte for byte:
//   - a line ends at LF; CRLF counts as LF, and a CR just before the end
//     of the input is dropped; other CRs are data;
//   - empty lines are skipped (and counted in line numbers);
//   - a field starting with '"' is quoted: it ends at a '"' followed by
//     the delimiter or the end of the line, "" is a quote, and it may span
//     lines; any other '"' in it is an error (ErrQuote), or data with
//     LazyQuotes, as is a missing closing quote at the end of the input;
//   - a '"' in an unquoted field is an error (ErrBareQuote), or data with
//     LazyQuotes;
//   - every record has as many fields as the first (ErrFieldCount).
type scanner struct {
	src    io.Reader
	comma  byte
	lazy   bool
	maxRow int

	buf      []byte
	pos, end int // buf[pos:end] is not consumed yet
	eof      bool
	srcErr   error // an upstream error, returned once buf runs out
	line     int   // lines consumed before pos

	nfields int // fields per record, from the first record
	recLen  int // raw bytes of the last record next returned
	// plain: every field of that record is written as its raw bytes
	// (writer.allVerbatim holds for any run of them): unquoted and
	// starting with a byte that needs no quotes, or quoted and holding
	// the delimiter and nothing else special.
	plain bool
	// verbatim: fastRecord parsed that record, it is plain, ends in LF
	// and has at most verbatimMax bytes (the reader's condition for
	// copying it in spans; -1 turns it off).
	verbatim    bool
	verbatimMax int
	// compact: fastRecord parsed that record, into ends[1:] (where each
	// field ends: its delimiter, or the LF or CR ending the line; ends[0]
	// is start-1); fieldList makes fields from them. Otherwise the fields
	// are in fields. len(ends) is nfields+1 once the first record is read.
	compact bool
	ends    []int
	fields  []field
	scratch []byte
	class   [256]uint8 // classDelim, classQuote, classCR, classLF, or 0
	plainAt [256]uint8 // plainAtTable

	// delims and others map buf[:mapped], one bit per byte (bitscan):
	// delims the delimiter, others '"', CR and LF. The bits of the last
	// word past mapped are zero; the words after it are stale and never
	// read (skip stops at end).
	delims, others []uint64
	mapped         int
	// dwords and xwords are delims and others cut to the words of
	// buf[:mapped], for fastRecord.
	dwords, xwords []uint64
}

// field is one field of the current record.
type field struct {
	vs, ve int // the value: buf[vs:ve], or scratch[vs:ve] when copied
	rs, re int // the raw bytes in buf, quotes included
	flags  uint8
}

// Field flags.
const (
	fQuoted  = 1 << iota
	fSpecial // the value holds the delimiter, '"', CR or LF (a writer quotes it)
	fLine    // the value holds CR or LF
	fCopied  // the value is in scratch
	fBare    // a quoted field with a bare '"' kept by LazyQuotes
	fOpen    // a quoted field without its closing quote (LazyQuotes)
)

const (
	classDelim = 1 + iota
	classQuote
	classCR
	classLF
)

// readChunk is how much the scanner asks the upstream for at a time.
const readChunk = 64 << 10

// maxEmptyReads is how many reads in a row may return no bytes and no
// error before the upstream is declared stuck (as bufio does).
const maxEmptyReads = 100

// errNeedMore asks next for more input; it never leaves the scanner.
var errNeedMore = errors.New("csvfilter: need more input")

func newScanner(src io.Reader, comma byte, lazy bool, maxRow int) *scanner {
	s := &scanner{src: src, comma: comma, lazy: lazy, maxRow: maxRow, buf: make([]byte, readChunk), verbatimMax: -1}
	s.class[comma] = classDelim
	s.class['"'] = classQuote
	s.class['\r'] = classCR
	s.class['\n'] = classLF
	s.plainAt = plainAtTable(comma)
	return s
}

// mapSpecials extends the map of special bytes to buf[:end]. Bytes are
// only ever appended to buf[:end] between moves (fill resets mapped when it
// moves them), so only the word that held the old end is mapped again.
func (s *scanner) mapSpecials() {
	if n := bitscan.Words(len(s.buf)); len(s.delims) < n {
		s.delims, s.others = make([]uint64, n), make([]uint64, n)
		s.mapped = 0
	}
	w := s.mapped / 64
	bitscan.Eq4Split(s.delims[w:], s.others[w:], s.buf[w*64:s.end], s.comma, '"', '\r', '\n')
	s.mapped = s.end
	s.dwords, s.xwords = s.delims[:bitscan.Words(s.end)], s.others[:bitscan.Words(s.end)]
}

// skip returns the position of the first byte of buf[i:end] that is the
// delimiter, '"', CR or LF, or end: the next bit of the map.
func (s *scanner) skip(i int) int {
	if i >= s.end {
		return s.end
	}
	w := i / 64
	m := (s.delims[w] | s.others[w]) >> uint(i%64) << uint(i%64)
	for m == 0 {
		if w++; w*64 >= s.end {
			return s.end
		}
		m = s.delims[w] | s.others[w]
	}
	return min(w*64+bits.TrailingZeros64(m), s.end)
}

// value returns the bytes of f.
func (s *scanner) value(f *field) []byte {
	if f.flags&fCopied != 0 {
		return s.scratch[f.vs:f.ve]
	}
	return s.buf[f.vs:f.ve]
}

// next parses the next record (fieldList, valueAt and plain describe it
// until the next call), or returns io.EOF after the last. Malformed
// records fail with an error wrapping ErrMalformed, a record longer than
// maxRow bytes with ErrTooLarge.
func (s *scanner) next() error {
	if s.fastRecord() {
		return nil
	}
	for {
		n, err := s.parse()
		if err == nil {
			s.pos = n
			return nil
		}
		if err != errNeedMore {
			return err
		}
		if err := s.fill(); err != nil {
			return err
		}
	}
}

// fill keeps the unconsumed bytes (the record being parsed) and reads
// more, growing the buffer up to maxRow plus a read.
func (s *scanner) fill() error {
	if s.srcErr != nil {
		return fmt.Errorf("csvfilter: reading object: %w", s.srcErr)
	}
	if s.end-s.pos > s.maxRow {
		return s.tooLarge()
	}
	if s.pos > 0 {
		s.end = copy(s.buf, s.buf[s.pos:s.end])
		s.pos = 0
		s.mapped = 0
	}
	if len(s.buf)-s.end < readChunk/2 {
		grown := make([]byte, min(2*len(s.buf), s.maxRow+readChunk))
		s.end = copy(grown, s.buf[:s.end])
		s.buf = grown
	}
	for empty := 0; ; empty++ {
		if empty == maxEmptyReads {
			return fmt.Errorf("csvfilter: reading object: %w", io.ErrNoProgress)
		}
		k, err := s.src.Read(s.buf[s.end:])
		s.end += k
		switch {
		case errors.Is(err, io.EOF):
			s.eof = true
			return nil
		case err != nil:
			// Parse what came with the error first, as bufio did.
			s.srcErr = err
			return nil
		case k > 0:
			return nil
		}
	}
}

// more reports errNeedMore when the input may continue, nil at its end.
func (s *scanner) more() error {
	if s.eof || s.srcErr != nil {
		if s.srcErr != nil {
			return errNeedMore // fill reports the upstream error
		}
		return nil
	}
	return errNeedMore
}

func (s *scanner) tooLarge() error {
	return fmt.Errorf("%w: a row exceeds %d bytes", ErrTooLarge, s.maxRow)
}

func (s *scanner) malformed(line int, err error) error {
	return fmt.Errorf("%w: line %d: %w", ErrMalformed, line, err)
}

// parse parses the record at s.pos and returns the offset after it, or
// errNeedMore when the buffer ends before the record does.
func (s *scanner) parse() (int, error) {
	if s.mapped < s.end {
		s.mapSpecials()
	}
	b := s.buf[:s.end]
	i := s.pos
	// Skip empty lines; they are consumed at once, so they never count
	// toward the size of a record.
	for i < len(b) {
		if b[i] == '\n' {
			i++
		} else if b[i] == '\r' && i+1 < len(b) && b[i+1] == '\n' {
			i += 2
		} else if b[i] == '\r' && i+1 == len(b) && s.eof {
			i++ // a CR at the very end is dropped
			continue
		} else {
			break
		}
		s.pos = i
		s.line++
	}
	if i == len(b) {
		if err := s.more(); err != nil {
			return 0, err
		}
		return 0, io.EOF
	}
	if s.fastRecord() {
		return s.pos, nil
	}
	return s.record(b, i)
}

// record parses the record at b[i:], which starts a line, rule by rule:
// any record, the common ones too (the tests compare it with fastRecord).
func (s *scanner) record(b []byte, i int) (int, error) {
	start, recLine, line := i, s.line+1, s.line
	s.scratch = s.scratch[:0]
	fields := s.fields[:0]
	plain := true // see scanner.plain
	for end := false; !end; {
		fields = append(fields, field{})
		f := &fields[len(fields)-1]
		if i < len(b) && b[i] == '"' {
			if j, e, ok := s.quotedFast(f, b, i); ok {
				// Quoted with a delimiter inside: a writer quotes it the
				// same way.
				plain = plain && f.flags&fSpecial != 0
				i, end = j, e
				if end {
					line++
				}
				continue
			}
			plain = false
			var err error
			if i, end, err = s.quoted(f, b, i, &line, recLine); err != nil {
				return 0, err
			}
			continue
		}
		// Fast path: an unquoted field that ends at a delimiter or LF.
		if j := s.skip(i); j < len(b) {
			switch b[j] {
			case s.comma:
				plain = plain && (j == i || plainStart[b[i]])
				f.vs, f.ve, f.rs, f.re = i, j, i, j
				i = j + 1
				continue
			case '\n':
				plain = plain && (j == i || plainStart[b[i]])
				f.vs, f.ve, f.rs, f.re = i, j, i, j
				i, end = j+1, true
				line++
				continue
			}
		}
		plain = false
		var err error
		if i, end, err = s.unquoted(f, b, i, &line, recLine); err != nil {
			return 0, err
		}
	}
	s.plain, s.compact = plain, false
	s.fields = fields
	return s.endRecord(i, start, recLine, line)
}

// endRecord checks the record just parsed, s.fields from buf[start:i],
// against the limits and the field count, and returns i.
func (s *scanner) endRecord(i, start, recLine, line int) (int, error) {
	if i-start > s.maxRow {
		return 0, s.tooLarge()
	}
	if s.nfields == 0 {
		s.nfields = len(s.fields)
		s.ends = make([]int, s.nfields+1)
	} else if len(s.fields) != s.nfields {
		return 0, s.malformed(recLine, csv.ErrFieldCount)
	}
	s.line, s.recLen = line, i-start
	return i, nil
}

// unquoted scans the unquoted field at b[i:]. It returns the field, the
// offset after it and its delimiter, and whether the record ended.
func (s *scanner) unquoted(f *field, b []byte, i int, line *int, recLine int) (int, bool, error) {
	f.vs, f.rs = i, i
	for {
		i = s.skip(i)
		if i == len(b) {
			if err := s.more(); err != nil {
				return 0, false, err
			}
			f.ve, f.re = i, i
			return i, true, nil
		}
		switch s.class[b[i]] {
		case classDelim:
			f.ve, f.re = i, i
			return i + 1, false, nil
		case classLF:
			f.ve, f.re = i, i
			*line++
			return i + 1, true, nil
		case classCR:
			switch {
			case i+1 < len(b) && b[i+1] == '\n':
				f.ve, f.re = i, i
				*line++
				return i + 2, true, nil
			case i+1 < len(b):
				f.flags |= fSpecial | fLine // a CR inside a line is data
				i++
			default:
				if err := s.more(); err != nil {
					return 0, false, err
				}
				f.ve, f.re = i, i // the CR before the end is dropped
				return i + 1, true, nil
			}
		case classQuote:
			if !s.lazy {
				return 0, false, s.malformed(recLine, csv.ErrBareQuote)
			}
			f.flags |= fSpecial
			i++
		}
	}
}

// quotedFast scans the common quoted field: one whose value has no quote,
// CR or LF, and whose closing quote the delimiter or LF follows. It walks
// the map of special bytes to the closing quote, noting delimiters (a
// writer must quote them again), and returns false for anything else,
// leaving f for quoted to fill.
func (s *scanner) quotedFast(f *field, b []byte, i int) (next int, end, ok bool) {
	flags := uint8(fQuoted)
	c := s.skip(i + 1)
	for c < len(b) && b[c] == s.comma {
		flags |= fSpecial
		c = s.skip(c + 1)
	}
	// c is the closing quote if the value had neither CR nor LF.
	if c+1 >= len(b) || b[c] != '"' || (b[c+1] != s.comma && b[c+1] != '\n') {
		return 0, false, false
	}
	f.flags, f.vs, f.ve, f.rs, f.re = flags, i+1, c, i, c+1
	return c + 2, b[c+1] == '\n', true
}

// quoted scans the quoted field whose opening quote is b[i].
func (s *scanner) quoted(f *field, b []byte, i int, line *int, recLine int) (int, bool, error) {
	f.flags, f.rs = fQuoted, i
	i++
	f.vs = i
	seg := i // start of the bytes not copied yet, once copying
	for {
		i = s.skip(i)
		if i == len(b) {
			if err := s.more(); err != nil {
				return 0, false, err
			}
			// The input ends inside the field.
			if !s.lazy {
				return 0, false, s.malformed(recLine, csv.ErrQuote)
			}
			f.flags |= fOpen
			s.endQuoted(f, b, seg, i, i)
			return i, true, nil
		}
		switch s.class[b[i]] {
		case classDelim:
			f.flags |= fSpecial
			i++
		case classLF:
			f.flags |= fSpecial | fLine
			*line++
			i++
		case classCR:
			switch {
			case i+1 < len(b) && b[i+1] == '\n':
				// A line ends inside the field: CRLF becomes LF.
				f.flags |= fSpecial | fLine
				s.copyValue(f, b, seg, i)
				seg = i + 1
				*line++
				i += 2
			case i+1 < len(b):
				f.flags |= fSpecial | fLine
				i++
			default:
				if err := s.more(); err != nil {
					return 0, false, err
				}
				// The CR before the end of the input is dropped (and the
				// field then lacks its closing quote).
				s.copyValue(f, b, seg, i)
				seg = i + 1
				i++
			}
		case classQuote:
			if i+1 == len(b) {
				if err := s.more(); err != nil {
					return 0, false, err
				}
				s.endQuoted(f, b, seg, i, i+1)
				return i + 1, true, nil
			}
			switch c := b[i+1]; {
			case c == '"':
				f.flags |= fSpecial
				s.copyValue(f, b, seg, i+1) // keep one quote of the two
				seg = i + 2
				i += 2
			case c == s.comma:
				s.endQuoted(f, b, seg, i, i+1)
				return i + 2, false, nil
			case c == '\n':
				*line++
				s.endQuoted(f, b, seg, i, i+1)
				return i + 2, true, nil
			case c == '\r' && i+2 < len(b) && b[i+2] == '\n':
				*line++
				s.endQuoted(f, b, seg, i, i+1)
				return i + 3, true, nil
			case c == '\r' && i+2 == len(b):
				if err := s.more(); err != nil {
					return 0, false, err
				}
				// The CR before the end of the input is dropped.
				s.endQuoted(f, b, seg, i, i+1)
				return i + 2, true, nil
			case s.lazy:
				f.flags |= fSpecial | fBare
				i++
			default:
				return 0, false, s.malformed(recLine, csv.ErrQuote)
			}
		}
	}
}

// copyValue moves the value of f to scratch (at its first change) and
// appends b[seg:j] to it.
func (s *scanner) copyValue(f *field, b []byte, seg, j int) {
	if f.flags&fCopied == 0 {
		f.flags |= fCopied
		f.vs = len(s.scratch)
	}
	s.scratch = append(s.scratch, b[seg:j]...)
}

// endQuoted ends the value of f at b[j] (the closing quote, or the end of
// the input) and its raw bytes at b[rawEnd].
func (s *scanner) endQuoted(f *field, b []byte, seg, j, rawEnd int) {
	if f.flags&fCopied != 0 {
		s.copyValue(f, b, seg, j)
		f.ve = len(s.scratch)
	} else {
		f.ve = j
	}
	f.re = rawEnd
}
