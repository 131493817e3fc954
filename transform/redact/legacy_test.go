package redact

// This file keeps the matchers and the reader this package used before the
// candidate index (index.go) replaced their byte-at-a-time scans, renamed,
// so that FuzzLegacy can check that the new code writes the same bytes. It
// is a verbatim copy apart from the names and legacyRedactor; do not "fix"
// it: it is the reference.

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"math"
	"net/http"
	"unicode/utf8"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/textkit"
)

// legacyRedactor runs a Redactor's configuration through the old matchers
// and reader.
type legacyRedactor struct{ r *Redactor }

func (l legacyRedactor) Apply(_ context.Context, in *transform.Object) (*transform.Object, error) {
	r := l.r
	if r.exempt != nil && r.exempt(in.Request) {
		return in, nil
	}
	if ct := in.Header.Get("Content-Type"); !textkit.MediaTypeMatches(ct, r.contentTypes) {
		return nil, s3err.New(http.StatusUnsupportedMediaType, s3err.CodeUnsupportedMediaType,
			"redaction is not configured for this object's content type")
	}
	mk := legacyNewMasker(r.style, r.replacement, r.maskChar, r.key, r.hashLen)
	in.Body = legacyNewReader(in.Body, legacyMatchers(r.matchers), mk, r.block)
	if r.style != styleSameLength {
		in.Length = -1
	}
	return in, nil
}

func (l legacyRedactor) Properties() transform.Properties { return l.r.Properties() }

// legacyMatchers maps the matchers of a Redactor to the old ones. A
// detector that is two matchers now (phone) was one.
func legacyMatchers(ms []matcher) []legacyMatcher {
	var out []legacyMatcher
	for _, m := range ms {
		switch m := m.(type) {
		case emailMatcher:
			out = append(out, legacyEmailMatcher{})
		case cardMatcher:
			out = append(out, legacyCardMatcher{})
		case ssnMatcher:
			out = append(out, legacySsnMatcher{})
		case phoneNANPMatcher:
			out = append(out, legacyPhoneMatcher{})
		case phoneIntlMatcher:
		case ibanMatcher:
			out = append(out, legacyIbanMatcher{})
		case awsKeyIDMatcher:
			out = append(out, legacyAwsKeyIDMatcher{})
		case awsSecretMatcher:
			out = append(out, legacyAwsSecretMatcher{})
		case entropyMatcher:
			out = append(out, legacyEntropyMatcher(m))
		case *regexMatcher:
			out = append(out, legacyRegex{m})
		default:
			panic(fmt.Sprintf("legacyMatchers: no legacy twin for %T", m))
		}
	}
	return out
}

// legacyRegex runs a pattern as the old reader did (patterns did not change).
type legacyRegex struct{ m *regexMatcher }

func (l legacyRegex) find(t []byte, from int) (span, bool) { return l.m.search(t, from) }
func (l legacyRegex) lookahead() int                       { return l.m.lookahead() }

// A legacyMatcher finds sensitive spans in text.
//
// find returns the first match whose start is >= from. text[:from] is left
// context (already processed bytes, at least legacyCtxBytes of them when
// available); matchers may look at it but never return a match starting in
// it. text may end before the object does.
//
// Contract that makes streaming exact (see the legacyReader): whether a match
// starts at s, and where it ends, depends only on text[s-legacyCtxBytes : s+lookahead()].
// And find is monotone: if find(text, c0) finds nothing starting before x,
// then find(text, c1) finds nothing starting before x for c0 <= c1 <= x.
type legacyMatcher interface {
	find(text []byte, from int) (span, bool)
	// lookahead bounds the bytes a decision at s may read past s.
	lookahead() int
}

const legacyCtxBytes = 8 // left context kept before the cursor

func legacyIsDigit(c byte) bool { return c-'0' < 10 }
func legacyIsUpper(c byte) bool { return c-'A' < 26 }
func legacyIsLower(c byte) bool { return c-'a' < 26 }
func legacyIsAlpha(c byte) bool { return legacyIsLower(c | 0x20) }
func legacyIsAlnum(c byte) bool { return legacyIsDigit(c) || legacyIsAlpha(c) }

// ---- e-mail ----

type legacyEmailMatcher struct{}

const (
	legacyEmailMaxLocal  = 64
	legacyEmailMaxDomain = 253
)

func (legacyEmailMatcher) lookahead() int { return legacyEmailMaxLocal + 1 + legacyEmailMaxDomain + 2 }

func legacyIsEmailLocal(c byte) bool {
	if legacyIsAlnum(c) {
		return true
	}
	switch c {
	case '.', '!', '#', '$', '%', '&', '\'', '*', '+', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~', '-':
		return true
	}
	return false
}

func (legacyEmailMatcher) find(t []byte, from int) (span, bool) {
	i := from
	for i < len(t) {
		k := bytes.IndexByte(t[i:], '@')
		if k < 0 {
			return span{}, false
		}
		at := i + k
		s := at
		for s > from && at-s < legacyEmailMaxLocal && legacyIsEmailLocal(t[s-1]) {
			s--
		}
		for s < at && t[s] == '.' {
			s++
		}
		if s < at && t[at-1] != '.' {
			if e, ok := legacyEmailDomain(t, at+1); ok {
				return span{s, s, e}, true
			}
		}
		i = at + 1
	}
	return span{}, false
}

// legacyEmailDomain parses a domain name starting at d and returns its end.
func legacyEmailDomain(t []byte, d int) (int, bool) {
	j := d
	for j < len(t) && j-d < legacyEmailMaxDomain && (legacyIsAlnum(t[j]) || t[j] == '-' || t[j] == '.') {
		j++
	}
	for j > d && (t[j-1] == '.' || t[j-1] == '-') {
		j--
	}
	if j == d {
		return 0, false
	}
	labels, labelStart := 0, d
	for p := d; p <= j; p++ {
		if p < j && t[p] != '.' {
			continue
		}
		if p == labelStart || t[labelStart] == '-' || t[p-1] == '-' {
			return 0, false
		}
		labels++
		if p == j { // top-level label: letters only, at least two
			if p-labelStart < 2 {
				return 0, false
			}
			for q := labelStart; q < p; q++ {
				if !legacyIsAlpha(t[q]) {
					return 0, false
				}
			}
		}
		labelStart = p + 1
	}
	return j, labels >= 2
}

// ---- payment cards ----

type legacyCardMatcher struct{}

const legacyCardMaxDigits = 19

func (legacyCardMatcher) lookahead() int { return 2*legacyCardMaxDigits + 2 }

func legacyIsCardSep(c byte) bool { return c == ' ' || c == '-' }

// legacyNumberStart reports whether a digit run may start at i: it is not
// preceded by a digit, nor by a separator that follows a digit.
func legacyNumberStart(t []byte, i int, sep func(byte) bool) bool {
	if i == 0 {
		return true
	}
	p := t[i-1]
	if legacyIsDigit(p) {
		return false
	}
	return !(sep(p) && i >= 2 && legacyIsDigit(t[i-2]))
}

func (legacyCardMatcher) find(t []byte, from int) (span, bool) {
	for i := from; i < len(t); i++ {
		if !legacyIsDigit(t[i]) || !legacyNumberStart(t, i, legacyIsCardSep) {
			continue
		}
		j, digits := i, 0
		for {
			for j < len(t) && legacyIsDigit(t[j]) && digits <= legacyCardMaxDigits {
				j++
				digits++
			}
			if digits > legacyCardMaxDigits {
				break
			}
			if j+1 < len(t) && legacyIsCardSep(t[j]) && legacyIsDigit(t[j+1]) {
				j++
				continue
			}
			break
		}
		if digits >= 13 && digits <= legacyCardMaxDigits && legacyLuhn(t[i:j]) {
			return span{i, i, j}, true
		}
		i = j // positions inside the run cannot start a number
	}
	return span{}, false
}

// legacyLuhn checks the Luhn checksum of the digits in b (other bytes skipped).
func legacyLuhn(b []byte) bool {
	sum, double := 0, false
	for k := len(b) - 1; k >= 0; k-- {
		c := b[k]
		if !legacyIsDigit(c) {
			continue
		}
		d := int(c - '0')
		if double {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
		double = !double
	}
	return sum%10 == 0
}

// ---- US social security numbers ----

type legacySsnMatcher struct{}

func (legacySsnMatcher) lookahead() int { return 16 }

func legacyIsDash(c byte) bool { return c == '-' }

func (legacySsnMatcher) find(t []byte, from int) (span, bool) {
	for i := from; i+11 <= len(t); i++ {
		if !legacyIsDigit(t[i]) || !legacyNumberStart(t, i, legacyIsDash) {
			continue
		}
		b := t[i : i+11]
		if !(legacyIsDigit(b[1]) && legacyIsDigit(b[2]) && b[3] == '-' && legacyIsDigit(b[4]) && legacyIsDigit(b[5]) && b[6] == '-' &&
			legacyIsDigit(b[7]) && legacyIsDigit(b[8]) && legacyIsDigit(b[9]) && legacyIsDigit(b[10])) {
			continue
		}
		e := i + 11
		if e < len(t) && (legacyIsDigit(t[e]) || (t[e] == '-' && e+1 < len(t) && legacyIsDigit(t[e+1]))) {
			continue
		}
		area := string(b[0:3])
		if area == "000" || area == "666" || b[0] == '9' || string(b[4:6]) == "00" || string(b[7:11]) == "0000" {
			continue
		}
		return span{i, i, e}, true
	}
	return span{}, false
}

// ---- phone numbers ----

type legacyPhoneMatcher struct{}

func (legacyPhoneMatcher) lookahead() int { return 48 }

func legacyIsPhoneSep(c byte) bool { return c == ' ' || c == '-' || c == '.' }

func (legacyPhoneMatcher) find(t []byte, from int) (span, bool) {
	for i := from; i < len(t); i++ {
		c := t[i]
		var e int
		var ok bool
		switch {
		case c == '+':
			if i > 0 && (legacyIsAlnum(t[i-1]) || t[i-1] == '+') {
				continue
			}
			e, ok = legacyPhoneIntl(t, i)
		case c == '(' || legacyIsDigit(c):
			if !legacyNumberStart(t, i, legacyIsPhoneSep) || (i > 0 && (t[i-1] == '+' || t[i-1] == '(')) {
				continue
			}
			e, ok = legacyPhoneNANP(t, i)
		default:
			continue
		}
		if ok && legacyPhoneEnd(t, e) {
			return span{i, i, e}, true
		}
	}
	return span{}, false
}

// legacyPhoneEnd reports whether a number may end at e.
func legacyPhoneEnd(t []byte, e int) bool {
	if e >= len(t) {
		return true
	}
	if legacyIsDigit(t[e]) {
		return false
	}
	return !(legacyIsPhoneSep(t[e]) && e+1 < len(t) && legacyIsDigit(t[e+1]))
}

// legacyPhoneIntl parses an E.164 number: '+', then 8 to 15 digits (the first not
// 0), optionally grouped with single spaces, dashes or dots.
func legacyPhoneIntl(t []byte, i int) (int, bool) {
	j := i + 1
	if j >= len(t) || !legacyIsDigit(t[j]) || t[j] == '0' {
		return 0, false
	}
	digits := 0
	for j < len(t) {
		if legacyIsDigit(t[j]) {
			digits++
			j++
			if digits > 15 {
				return 0, false
			}
			continue
		}
		if legacyIsPhoneSep(t[j]) && j+1 < len(t) && legacyIsDigit(t[j+1]) {
			j++
			continue
		}
		break
	}
	return j, digits >= 8
}

// legacyPhoneNANP parses North American numbers: an optional "1" country code
// and separator, then "(NXX) NXX-XXXX", "NXX-NXX-XXXX", "NXX.NXX.XXXX" or
// "NXX NXX XXXX" (N is 2-9). Bare ten-digit runs are not matched.
func legacyPhoneNANP(t []byte, i int) (int, bool) {
	j := i
	if j+1 < len(t) && t[j] == '1' && (legacyIsPhoneSep(t[j+1])) {
		j += 2
	}
	digitsAt := func(p, n int) bool {
		if p+n > len(t) {
			return false
		}
		for q := p; q < p+n; q++ {
			if !legacyIsDigit(t[q]) {
				return false
			}
		}
		return t[p] >= '2'
	}
	var sep byte
	switch {
	case j < len(t) && t[j] == '(':
		if !digitsAt(j+1, 3) || j+4 >= len(t) || t[j+4] != ')' {
			return 0, false
		}
		j += 5
		if j < len(t) && (t[j] == ' ' || t[j] == '-') {
			j++
		}
		sep = '-'
	case digitsAt(j, 3):
		if j+3 >= len(t) || !legacyIsPhoneSep(t[j+3]) {
			return 0, false
		}
		sep = t[j+3]
		j += 4
	default:
		return 0, false
	}
	if !digitsAt(j, 3) || j+3 >= len(t) {
		return 0, false
	}
	if s := t[j+3]; s != sep && !(sep == '-' && s == ' ') {
		return 0, false
	}
	j += 4
	for q := j; q < j+4; q++ {
		if q >= len(t) || !legacyIsDigit(t[q]) {
			return 0, false
		}
	}
	return j + 4, true
}

// ---- IBAN ----

type legacyIbanMatcher struct{}

const legacyIbanMax = 34

func (legacyIbanMatcher) lookahead() int { return legacyIbanMax + 9 + 2 }

// legacyIbanCountries lists ISO 3166 codes of countries that issue IBANs, two
// letters each.
const legacyIbanCountries = "ADAEALATAZBABEBGBHBIBRBYCHCRCYCZDEDJDKDOEEEGESFIFKFOFRGBGEGIGLGRGTHNHRHUIEILIQISITJOKWKZLBLCLILTLULVLYMCMDMEMKMNMRMTMUNINLNOOMPKPLPSPTQARORSRUSASCSDSESISKSMSOSTSVTLTNTRUAVAVGXKYE"

func legacyIbanCountry(a, b byte) bool {
	for k := 0; k+1 < len(legacyIbanCountries); k += 2 {
		if legacyIbanCountries[k] == a && legacyIbanCountries[k+1] == b {
			return true
		}
	}
	return false
}

func legacyIsIBANChar(c byte) bool { return legacyIsUpper(c) || legacyIsDigit(c) }

func (legacyIbanMatcher) find(t []byte, from int) (span, bool) {
	for i := from; i+4 < len(t); i++ {
		if !legacyIsUpper(t[i]) || !legacyIsUpper(t[i+1]) || !legacyIsDigit(t[i+2]) || !legacyIsDigit(t[i+3]) {
			continue
		}
		if i > 0 && legacyIsAlnum(t[i-1]) {
			continue
		}
		if !legacyIbanCountry(t[i], t[i+1]) {
			continue
		}
		if e, ok := legacyIbanAt(t, i); ok {
			return span{i, i, e}, true
		}
	}
	return span{}, false
}

func legacyIbanAt(t []byte, i int) (int, bool) {
	j := i + 4
	if j < len(t) && legacyIsIBANChar(t[j]) { // compact form
		for j < len(t) && legacyIsIBANChar(t[j]) && j-i <= legacyIbanMax {
			j++
		}
		n := j - i
		if n < 15 || n > legacyIbanMax || (j < len(t) && legacyIsAlnum(t[j])) {
			return 0, false
		}
		return j, legacyMod97(t[i:j])
	}
	// Grouped form: "CCkk BBBB BBBB ... B", groups of four separated by
	// single spaces, the last group 1-4 characters. Try the longest candidate
	// first, then drop trailing groups (they may be an unrelated word).
	var ends [9]int
	nEnds, chars := 0, 4
	for nEnds < len(ends) && j+1 < len(t) && t[j] == ' ' && legacyIsIBANChar(t[j+1]) {
		k := j + 1
		for k < len(t) && legacyIsIBANChar(t[k]) && k-j <= 4 {
			k++
		}
		g := k - j - 1
		if g > 4 || (k < len(t) && legacyIsAlnum(t[k])) || chars+g > legacyIbanMax {
			break
		}
		chars += g
		ends[nEnds] = k
		nEnds++
		j = k
		if g < 4 {
			break
		}
	}
	for n := nEnds - 1; n >= 0; n-- {
		e := ends[n]
		if legacyCountIBAN(t[i:e]) >= 15 && legacyMod97(t[i:e]) {
			return e, true
		}
	}
	return 0, false
}

func legacyCountIBAN(b []byte) int {
	n := 0
	for _, c := range b {
		if c != ' ' {
			n++
		}
	}
	return n
}

// legacyMod97 checks the ISO 7064 MOD 97-10 checksum of an IBAN (spaces skipped).
func legacyMod97(b []byte) bool {
	r := 0
	add := func(c byte) {
		switch {
		case legacyIsDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case legacyIsUpper(c):
			r = (r*100 + int(c-'A') + 10) % 97
		}
	}
	for _, c := range b[4:] {
		add(c)
	}
	for _, c := range b[:4] {
		add(c)
	}
	return r == 1
}

// ---- AWS access key ids ----

type legacyAwsKeyIDMatcher struct{}

func (legacyAwsKeyIDMatcher) lookahead() int { return 24 }

func (legacyAwsKeyIDMatcher) find(t []byte, from int) (span, bool) {
	i := from
	for i+20 <= len(t) {
		k := bytes.IndexByte(t[i:len(t)-19], 'A')
		if k < 0 {
			return span{}, false
		}
		i += k
		if (i == 0 || !legacyIsAlnum(t[i-1])) && legacyAwsKeyPrefix(t[i+1], t[i+2], t[i+3]) &&
			legacyAllKeyChars(t[i+4:i+20]) && (i+20 == len(t) || !legacyIsAlnum(t[i+20])) {
			return span{i, i, i + 20}, true
		}
		i++
	}
	return span{}, false
}

// legacyAwsKeyPrefix accepts AKIA (long-term), ASIA (temporary), ABIA and ACCA.
func legacyAwsKeyPrefix(a, b, c byte) bool {
	switch {
	case a == 'K' && b == 'I' && c == 'A', a == 'S' && b == 'I' && c == 'A', a == 'B' && b == 'I' && c == 'A':
		return true
	case a == 'C' && b == 'C' && c == 'A':
		return true
	}
	return false
}

func legacyAllKeyChars(b []byte) bool {
	for _, c := range b {
		if !legacyIsUpper(c) && !legacyIsDigit(c) {
			return false
		}
	}
	return true
}

// ---- AWS secret access keys (keyword anchored) ----

type legacyAwsSecretMatcher struct{}

const legacyAwsSecretLen = 40

func (legacyAwsSecretMatcher) lookahead() int { return 96 }

func legacyIsB64(c byte) bool { return legacyIsAlnum(c) || c == '+' || c == '/' || c == '=' }

// legacyLowerIs compares t[i:] with lower-case word w, ignoring ASCII case.
func legacyLowerIs(t []byte, i int, w string) bool {
	if i+len(w) > len(t) {
		return false
	}
	for k := 0; k < len(w); k++ {
		if t[i+k]|0x20 != w[k] {
			return false
		}
	}
	return true
}

func (legacyAwsSecretMatcher) find(t []byte, from int) (span, bool) {
	for i := from; i+6 < len(t); i++ {
		if t[i]|0x20 != 's' || !legacyLowerIs(t, i, "secret") {
			continue
		}
		if i > 0 && legacyIsAlnum(t[i-1]) {
			continue
		}
		if sp, ok := legacyAwsSecretAt(t, i); ok {
			return sp, true
		}
	}
	return span{}, false
}

// legacyAwsSecretAt parses `secret[_-]?(access[_-]?)?key` then optional quote,
// blanks, ':' or '=', blanks, optional quote, and exactly 40 base64
// characters.
func legacyAwsSecretAt(t []byte, i int) (span, bool) {
	j := i + len("secret")
	skipSep := func() {
		if j < len(t) && (t[j] == '_' || t[j] == '-') {
			j++
		}
	}
	skipSep()
	if legacyLowerIs(t, j, "access") {
		j += len("access")
		skipSep()
	}
	if !legacyLowerIs(t, j, "key") {
		return span{}, false
	}
	j += len("key")
	if j < len(t) && (t[j] == '"' || t[j] == '\'') {
		j++
	}
	blanks := func() {
		for n := 0; n < 4 && j < len(t) && (t[j] == ' ' || t[j] == '\t'); n++ {
			j++
		}
	}
	blanks()
	if j >= len(t) || (t[j] != ':' && t[j] != '=') {
		return span{}, false
	}
	j++
	blanks()
	if j < len(t) && (t[j] == '"' || t[j] == '\'') {
		j++
	}
	v := j
	for j < len(t) && legacyIsB64(t[j]) && j-v <= legacyAwsSecretLen {
		j++
	}
	if j-v != legacyAwsSecretLen {
		return span{}, false
	}
	return span{i, v, j}, true
}

// ---- generic high-entropy tokens ----

// legacyEntropyMatcher flags tokens that look machine-generated. The heuristic:
// a maximal run of 32 to 256 characters from the base64 / base64url
// alphabet [A-Za-z0-9+/_-], optionally followed by up to two '=' padding
// characters, not adjacent to another such character, that contains at
// least one upper-case letter, one lower-case letter and one digit, and
// whose Shannon entropy per character is at least minBits (4.0 by default;
// English words and hex digests stay below it, random base64 of that length
// is around 4.5-5).
type legacyEntropyMatcher struct {
	minLen  int
	minBits float64
}

const legacyEntropyMaxLen = 256

func (legacyEntropyMatcher) lookahead() int { return legacyEntropyMaxLen + 4 }

func legacyIsTokenChar(c byte) bool {
	return legacyIsAlnum(c) || c == '+' || c == '/' || c == '_' || c == '-'
}

func (m legacyEntropyMatcher) find(t []byte, from int) (span, bool) {
	i := from
	for i < len(t) {
		if !legacyIsTokenChar(t[i]) {
			i++
			continue
		}
		if i > 0 && legacyIsTokenChar(t[i-1]) { // inside a run that began earlier
			for i < len(t) && legacyIsTokenChar(t[i]) {
				i++
			}
			continue
		}
		j := i
		for j < len(t) && legacyIsTokenChar(t[j]) && j-i <= legacyEntropyMaxLen {
			j++
		}
		n := j - i
		if n > legacyEntropyMaxLen {
			for j < len(t) && legacyIsTokenChar(t[j]) {
				j++
			}
			i = j
			continue
		}
		e := j
		for e < len(t) && t[e] == '=' && e-j < 2 {
			e++
		}
		if n >= m.minLen && (e == len(t) || (!legacyIsTokenChar(t[e]) && t[e] != '=')) && m.looksRandom(t[i:j]) {
			return span{i, i, e}, true
		}
		i = j
	}
	return span{}, false
}

func (m legacyEntropyMatcher) looksRandom(b []byte) bool {
	var up, lo, dg bool
	var counts [128]uint16
	for _, c := range b {
		counts[c&0x7f]++
		switch {
		case legacyIsUpper(c):
			up = true
		case legacyIsLower(c):
			lo = true
		case legacyIsDigit(c):
			dg = true
		}
	}
	if !up || !lo || !dg {
		return false
	}
	n := float64(len(b))
	h := 0.0
	for _, k := range counts {
		if k != 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
		}
	}
	return h >= m.minBits
}

// legacyReader streams src with matches masked.
//
// Exactness across read boundaries: the legacyReader only decides about a start
// position s once it holds text up to s+lookahead (or the end of the
// object). Every legacyMatcher's decision depends on no more than that, so the
// output is the same whatever sizes the upstream reads have. Bytes before
// the cursor that are still needed as left context stay in the buffer.
type legacyReader struct {
	src      io.Reader
	matchers []legacyMatcher
	masker   *legacyMasker
	look     int // max lookahead of all matchers, plus one

	buf    []byte // buf[:n] holds data; buf[cur:n] is undecided
	n, cur int
	eof    bool
	err    error // sticky upstream or internal error

	out    []byte // masked output waiting to be read
	outPos int

	// per-block scratch, one entry per matcher
	next  []span
	state []uint8 // 0 unknown, 1 has match in next, 2 no match
}

func legacyNewReader(src io.Reader, ms []legacyMatcher, mk *legacyMasker, block int) *legacyReader {
	look := 0
	for _, m := range ms {
		look = max(look, m.lookahead())
	}
	look++
	return &legacyReader{
		src:      src,
		matchers: ms,
		masker:   mk,
		look:     look,
		buf:      make([]byte, legacyCtxBytes+block+2*look),
		next:     make([]span, len(ms)),
		state:    make([]uint8, len(ms)),
	}
}

func (r *legacyReader) Read(p []byte) (int, error) {
	for r.outPos == len(r.out) {
		if r.err != nil {
			return 0, r.err
		}
		if r.eof && r.cur == r.n {
			return 0, io.EOF
		}
		r.out, r.outPos = r.out[:0], 0
		r.step()
	}
	k := copy(p, r.out[r.outPos:])
	r.outPos += k
	return k, nil
}

// Close closes the upstream body when it is an io.Closer.
func (r *legacyReader) Close() error {
	if c, ok := r.src.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// fill reads until the buffer holds a full block past the cursor, or EOF.
func (r *legacyReader) fill() {
	// Keep legacyCtxBytes of left context before the cursor; drop the rest. What
	// moves is the undecided tail, at most a look-ahead's worth.
	if drop := r.cur - legacyCtxBytes; drop > 0 {
		r.n = copy(r.buf, r.buf[drop:r.n])
		r.cur -= drop
	}
	stalls := 0
	for !r.eof && r.n < len(r.buf) {
		k, err := r.src.Read(r.buf[r.n:])
		r.n += k
		switch {
		case errors.Is(err, io.EOF):
			r.eof = true
		case err != nil:
			r.err = err // upstream errors are passed on unchanged
			return
		case k == 0:
			if stalls++; stalls > 100 {
				r.err = fmt.Errorf("redact: %w", io.ErrNoProgress)
				return
			}
		}
	}
}

func (r *legacyReader) step() {
	r.fill()
	if r.err != nil {
		return
	}
	text := r.buf[:r.n]
	safe := r.n // positions < safe are decided
	if !r.eof {
		safe = legacyRuneStart(text, r.n-r.look)
	}
	if safe <= r.cur {
		// Only when a match ended beyond the decided region and the buffer
		// is still short; fill again next time.
		if r.n == len(r.buf) {
			r.err = errors.New("redact: internal error: no progress in a full buffer")
		}
		return
	}
	from := r.cur
	for i := range r.state {
		r.state[i] = 0
	}
	for {
		best := -1
		for i, m := range r.matchers {
			if r.state[i] == 1 && r.next[i].start < from {
				r.state[i] = 0
			}
			if r.state[i] == 0 {
				if sp, ok := m.find(text, from); ok {
					r.next[i], r.state[i] = sp, 1
				} else {
					r.state[i] = 2
				}
			}
			if r.state[i] != 1 {
				continue
			}
			if best < 0 || r.next[i].start < r.next[best].start ||
				(r.next[i].start == r.next[best].start && r.next[i].end > r.next[best].end) {
				best = i
			}
		}
		if best < 0 || r.next[best].start >= safe {
			break
		}
		sp := r.next[best]
		r.out = append(r.out, text[from:sp.maskStart]...)
		r.out = r.masker.mask(r.out, text[sp.maskStart:sp.end])
		from = sp.end
	}
	if from < safe {
		r.out = append(r.out, text[from:safe]...)
		from = safe
	}
	r.cur = from
}

// legacyRuneStart moves i back to the start of the UTF-8 sequence it falls in, so
// that block boundaries never split a valid rune (regular expressions step
// over whole runes).
func legacyRuneStart(t []byte, i int) int {
	if i <= 0 {
		return 0
	}
	for k := 1; k < utf8.UTFMax && i-k >= 0; k++ {
		if utf8.RuneStart(t[i-k]) {
			if _, w := utf8.DecodeRune(t[i-k:]); w > k {
				return i - k
			}
			break
		}
	}
	return i
}

// legacyMasker renders the replacement for a matched value.
type legacyMasker struct {
	style       maskStyle
	replacement []byte
	char        byte
	mac         hash.Hash
	hashLen     int
	sum         []byte
}

func legacyNewMasker(style maskStyle, replacement string, char byte, key []byte, hashLen int) *legacyMasker {
	mk := &legacyMasker{style: style, replacement: []byte(replacement), char: char, hashLen: hashLen}
	if style == styleHash {
		mk.mac = hmac.New(sha256.New, key)
		mk.sum = make([]byte, 0, sha256.Size)
	}
	return mk
}

func (mk *legacyMasker) mask(dst, value []byte) []byte {
	switch mk.style {
	case styleSameLength:
		for range value {
			dst = append(dst, mk.char)
		}
		return dst
	case styleHash:
		mk.mac.Reset()
		mk.mac.Write(value)
		mk.sum = mk.mac.Sum(mk.sum[:0])
		var hx [2 * sha256.Size]byte
		hex.Encode(hx[:], mk.sum)
		dst = append(dst, mk.replacement...)
		return append(dst, hx[:mk.hashLen]...)
	}
	return append(dst, mk.replacement...)
}
