package redact

import (
	"bytes"
	"math"
)

// A matcher finds sensitive spans in text.
//
// find returns the first match whose start is >= from. tx.b[:from] is left
// context (already processed bytes, at least ctxBytes of them when
// available); matchers may look at it but never return a match starting in
// it. tx.b may end before the object does.
//
// Contract that makes streaming exact (see reader.go): whether a match
// starts at s, and where it ends, depends only on b[s-ctxBytes : s+lookahead()].
// And find is monotone: if find(tx, c0) finds nothing starting before x,
// then find(tx, c1) finds nothing starting before x for c0 <= c1 <= x.
//
// The built-in matchers look only at candidate positions: bytes that every
// match must contain at a known distance from its start (an '@', a 'k' of
// "key", a digit run of the right shape in the text's bitmaps), and run
// their exact test there. The exact tests are the byte-at-a-time matchers
// this package used before (legacy_test.go keeps them, and FuzzLegacy
// checks that the output is the same, byte for byte).
type matcher interface {
	find(tx *text, from int) (span, bool)
	// lookahead bounds the bytes a decision at s may read past s.
	lookahead() int
}

// span is a match: [start, end) is consumed, [maskStart, end) is masked, and
// [start, maskStart) is copied verbatim (a keyword that anchors a secret).
type span struct{ start, maskStart, end int }

const ctxBytes = 8 // left context kept before the cursor

func isDigit(c byte) bool { return c-'0' < 10 }
func isUpper(c byte) bool { return c-'A' < 26 }
func isLower(c byte) bool { return c-'a' < 26 }
func isAlpha(c byte) bool { return isLower(c | 0x20) }
func isAlnum(c byte) bool { return isDigit(c) || isAlpha(c) }

// ---- e-mail ----

type emailMatcher struct{}

const (
	emailMaxLocal  = 64
	emailMaxDomain = 253
)

func (emailMatcher) lookahead() int { return emailMaxLocal + 1 + emailMaxDomain + 2 }

func isEmailLocal(c byte) bool {
	if isAlnum(c) {
		return true
	}
	switch c {
	case '.', '!', '#', '$', '%', '&', '\'', '*', '+', '/', '=', '?', '^', '_', '`', '{', '|', '}', '~', '-':
		return true
	}
	return false
}

func (emailMatcher) find(tx *text, from int) (span, bool) {
	t := tx.b
	i := from
	for i < len(t) {
		k := bytes.IndexByte(t[i:], '@')
		if k < 0 {
			return span{}, false
		}
		at := i + k
		s := at
		for s > from && at-s < emailMaxLocal && isEmailLocal(t[s-1]) {
			s--
		}
		for s < at && t[s] == '.' {
			s++
		}
		if s < at && t[at-1] != '.' {
			if e, ok := emailDomain(t, at+1); ok {
				return span{s, s, e}, true
			}
		}
		i = at + 1
	}
	return span{}, false
}

// emailDomain parses a domain name starting at d and returns its end.
func emailDomain(t []byte, d int) (int, bool) {
	j := d
	for j < len(t) && j-d < emailMaxDomain && (isAlnum(t[j]) || t[j] == '-' || t[j] == '.') {
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
				if !isAlpha(t[q]) {
					return 0, false
				}
			}
		}
		labelStart = p + 1
	}
	return j, labels >= 2
}

// ---- payment cards ----

type cardMatcher struct{}

const cardMaxDigits = 19

func (cardMatcher) lookahead() int { return 2*cardMaxDigits + 2 }

func isCardSep(c byte) bool { return c == ' ' || c == '-' }

// numberStart reports whether a digit run may start at i: it is not
// preceded by a digit, nor by a separator that follows a digit.
func numberStart(t []byte, i int, sep func(byte) bool) bool {
	if i == 0 {
		return true
	}
	p := t[i-1]
	if isDigit(p) {
		return false
	}
	return !(sep(p) && i >= 2 && isDigit(t[i-2]))
}

func (cardMatcher) kind() kind { return kindCard }

func (cardMatcher) find(tx *text, from int) (span, bool) {
	for _, p := range tx.candidates(kindCard, from) {
		if sp, ok := cardAt(tx.b, int(p)); ok {
			return sp, true
		}
	}
	return span{}, false
}

// cardAt is the exact test for a card number starting at i.
func cardAt(t []byte, i int) (span, bool) {
	if !isDigit(t[i]) || !numberStart(t, i, isCardSep) {
		return span{}, false
	}
	j, digits := i, 0
	for {
		for j < len(t) && isDigit(t[j]) && digits <= cardMaxDigits {
			j++
			digits++
		}
		if digits > cardMaxDigits {
			break
		}
		if j+1 < len(t) && isCardSep(t[j]) && isDigit(t[j+1]) {
			j++
			continue
		}
		break
	}
	if digits >= 13 && digits <= cardMaxDigits && luhn(t[i:j]) {
		return span{i, i, j}, true
	}
	return span{}, false
}

// luhn checks the Luhn checksum of the digits in b (other bytes skipped).
func luhn(b []byte) bool {
	sum, double := 0, false
	for k := len(b) - 1; k >= 0; k-- {
		c := b[k]
		if !isDigit(c) {
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

type ssnMatcher struct{}

func (ssnMatcher) lookahead() int { return 16 }

func isDash(c byte) bool { return c == '-' }

func (ssnMatcher) kind() kind { return kindSSN }

func (ssnMatcher) find(tx *text, from int) (span, bool) {
	for _, p := range tx.candidates(kindSSN, from) {
		if sp, ok := ssnAt(tx.b, int(p)); ok {
			return sp, true
		}
	}
	return span{}, false
}

// ssnAt is the exact test for a social security number starting at i.
func ssnAt(t []byte, i int) (span, bool) {
	if i+11 > len(t) || !isDigit(t[i]) || !numberStart(t, i, isDash) {
		return span{}, false
	}
	b := t[i : i+11]
	if !(isDigit(b[1]) && isDigit(b[2]) && b[3] == '-' && isDigit(b[4]) && isDigit(b[5]) && b[6] == '-' &&
		isDigit(b[7]) && isDigit(b[8]) && isDigit(b[9]) && isDigit(b[10])) {
		return span{}, false
	}
	e := i + 11
	if e < len(t) && (isDigit(t[e]) || (t[e] == '-' && e+1 < len(t) && isDigit(t[e+1]))) {
		return span{}, false
	}
	area := string(b[0:3])
	if area == "000" || area == "666" || b[0] == '9' || string(b[4:6]) == "00" || string(b[7:11]) == "0000" {
		return span{}, false
	}
	return span{i, i, e}, true
}

// ---- phone numbers ----

// The phone detector is two matchers: numbers that start with '+' and
// North American ones, which start with a digit or '('. A start position
// is one or the other, so the reader picks the same matches as it would
// from one matcher.
type (
	phoneNANPMatcher struct{}
	phoneIntlMatcher struct{}
)

const phoneLookahead = 48

func (phoneNANPMatcher) lookahead() int { return phoneLookahead }
func (phoneIntlMatcher) lookahead() int { return phoneLookahead }

func isPhoneSep(c byte) bool { return c == ' ' || c == '-' || c == '.' }

func (phoneNANPMatcher) kind() kind { return kindPhone }

func (phoneNANPMatcher) find(tx *text, from int) (span, bool) {
	t := tx.b
	for _, c := range tx.candidates(kindPhone, from) {
		p := int(c)
		if p > from && t[p-1] == '(' {
			if sp, ok := phoneNANPAt(t, p-1); ok {
				return sp, true
			}
		}
		if sp, ok := phoneNANPAt(t, p); ok {
			return sp, true
		}
	}
	return span{}, false
}

// phoneNANPAt is the exact test for a North American number starting at i.
func phoneNANPAt(t []byte, i int) (span, bool) {
	if c := t[i]; c != '(' && !isDigit(c) {
		return span{}, false
	}
	if !numberStart(t, i, isPhoneSep) || (i > 0 && (t[i-1] == '+' || t[i-1] == '(')) {
		return span{}, false
	}
	if e, ok := phoneNANP(t, i); ok && phoneEnd(t, e) {
		return span{i, i, e}, true
	}
	return span{}, false
}

func (phoneIntlMatcher) find(tx *text, from int) (span, bool) {
	t := tx.b
	for i := from; i < len(t); i++ {
		k := bytes.IndexByte(t[i:], '+')
		if k < 0 {
			break
		}
		i += k
		if i > 0 && (isAlnum(t[i-1]) || t[i-1] == '+') {
			continue
		}
		if e, ok := phoneIntl(t, i); ok && phoneEnd(t, e) {
			return span{i, i, e}, true
		}
	}
	return span{}, false
}

// phoneEnd reports whether a number may end at e.
func phoneEnd(t []byte, e int) bool {
	if e >= len(t) {
		return true
	}
	if isDigit(t[e]) {
		return false
	}
	return !(isPhoneSep(t[e]) && e+1 < len(t) && isDigit(t[e+1]))
}

// phoneIntl parses an E.164 number: '+', then 8 to 15 digits (the first not
// 0), optionally grouped with single spaces, dashes or dots.
func phoneIntl(t []byte, i int) (int, bool) {
	j := i + 1
	if j >= len(t) || !isDigit(t[j]) || t[j] == '0' {
		return 0, false
	}
	digits := 0
	for j < len(t) {
		if isDigit(t[j]) {
			digits++
			j++
			if digits > 15 {
				return 0, false
			}
			continue
		}
		if isPhoneSep(t[j]) && j+1 < len(t) && isDigit(t[j+1]) {
			j++
			continue
		}
		break
	}
	return j, digits >= 8
}

// phoneNANP parses North American numbers: an optional "1" country code
// and separator, then "(NXX) NXX-XXXX", "NXX-NXX-XXXX", "NXX.NXX.XXXX" or
// "NXX NXX XXXX" (N is 2-9). Bare ten-digit runs are not matched.
func phoneNANP(t []byte, i int) (int, bool) {
	j := i
	if j+1 < len(t) && t[j] == '1' && (isPhoneSep(t[j+1])) {
		j += 2
	}
	digitsAt := func(p, n int) bool {
		if p+n > len(t) {
			return false
		}
		for q := p; q < p+n; q++ {
			if !isDigit(t[q]) {
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
		if j+3 >= len(t) || !isPhoneSep(t[j+3]) {
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
		if q >= len(t) || !isDigit(t[q]) {
			return 0, false
		}
	}
	return j + 4, true
}

// ---- IBAN ----

type ibanMatcher struct{}

const ibanMax = 34

func (ibanMatcher) lookahead() int { return ibanMax + 9 + 2 }

// ibanCountries lists ISO 3166 codes of countries that issue IBANs, two
// letters each.
const ibanCountries = "ADAEALATAZBABEBGBHBIBRBYCHCRCYCZDEDJDKDOEEEGESFIFKFOFRGBGEGIGLGRGTHNHRHUIEILIQISITJOKWKZLBLCLILTLULVLYMCMDMEMKMNMRMTMUNINLNOOMPKPLPSPTQARORSRUSASCSDSESISKSMSOSTSVTLTNTRUAVAVGXKYE"

func ibanCountry(a, b byte) bool {
	for k := 0; k+1 < len(ibanCountries); k += 2 {
		if ibanCountries[k] == a && ibanCountries[k+1] == b {
			return true
		}
	}
	return false
}

func isIBANChar(c byte) bool { return isUpper(c) || isDigit(c) }

func (ibanMatcher) kind() kind { return kindIBAN }

func (ibanMatcher) find(tx *text, from int) (span, bool) {
	for _, p := range tx.candidates(kindIBAN, from+2) {
		if sp, ok := ibanStart(tx.b, int(p)-2); ok {
			return sp, true
		}
	}
	return span{}, false
}

// ibanStart is the exact test for an IBAN starting at i.
func ibanStart(t []byte, i int) (span, bool) {
	if i+4 >= len(t) || !isUpper(t[i]) || !isUpper(t[i+1]) || !isDigit(t[i+2]) || !isDigit(t[i+3]) {
		return span{}, false
	}
	if i > 0 && isAlnum(t[i-1]) {
		return span{}, false
	}
	if !ibanCountry(t[i], t[i+1]) {
		return span{}, false
	}
	if e, ok := ibanAt(t, i); ok {
		return span{i, i, e}, true
	}
	return span{}, false
}

func ibanAt(t []byte, i int) (int, bool) {
	j := i + 4
	if j < len(t) && isIBANChar(t[j]) { // compact form
		for j < len(t) && isIBANChar(t[j]) && j-i <= ibanMax {
			j++
		}
		n := j - i
		if n < 15 || n > ibanMax || (j < len(t) && isAlnum(t[j])) {
			return 0, false
		}
		return j, mod97(t[i:j])
	}
	// Grouped form: "CCkk BBBB BBBB ... B", groups of four separated by
	// single spaces, the last group 1-4 characters. Try the longest candidate
	// first, then drop trailing groups (they may be an unrelated word).
	var ends [9]int
	nEnds, chars := 0, 4
	for nEnds < len(ends) && j+1 < len(t) && t[j] == ' ' && isIBANChar(t[j+1]) {
		k := j + 1
		for k < len(t) && isIBANChar(t[k]) && k-j <= 4 {
			k++
		}
		g := k - j - 1
		if g > 4 || (k < len(t) && isAlnum(t[k])) || chars+g > ibanMax {
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
		if countIBAN(t[i:e]) >= 15 && mod97(t[i:e]) {
			return e, true
		}
	}
	return 0, false
}

func countIBAN(b []byte) int {
	n := 0
	for _, c := range b {
		if c != ' ' {
			n++
		}
	}
	return n
}

// mod97 checks the ISO 7064 MOD 97-10 checksum of an IBAN (spaces skipped).
func mod97(b []byte) bool {
	r := 0
	add := func(c byte) {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case isUpper(c):
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

type awsKeyIDMatcher struct{}

func (awsKeyIDMatcher) lookahead() int { return 24 }

func (awsKeyIDMatcher) find(tx *text, from int) (span, bool) {
	t := tx.b
	i := from
	for i+20 <= len(t) {
		k := bytes.IndexByte(t[i:len(t)-19], 'A')
		if k < 0 {
			return span{}, false
		}
		i += k
		if (i == 0 || !isAlnum(t[i-1])) && awsKeyPrefix(t[i+1], t[i+2], t[i+3]) &&
			allKeyChars(t[i+4:i+20]) && (i+20 == len(t) || !isAlnum(t[i+20])) {
			return span{i, i, i + 20}, true
		}
		i++
	}
	return span{}, false
}

// awsKeyPrefix accepts AKIA (long-term), ASIA (temporary), ABIA and ACCA.
func awsKeyPrefix(a, b, c byte) bool {
	switch {
	case a == 'K' && b == 'I' && c == 'A', a == 'S' && b == 'I' && c == 'A', a == 'B' && b == 'I' && c == 'A':
		return true
	case a == 'C' && b == 'C' && c == 'A':
		return true
	}
	return false
}

func allKeyChars(b []byte) bool {
	for _, c := range b {
		if !isUpper(c) && !isDigit(c) {
			return false
		}
	}
	return true
}

// ---- AWS secret access keys (keyword anchored) ----

// awsSecretMatcher finds secret keys from their keyword: every match
// starts with "secret" in some case, whose "cr" the index finds sixteen
// bytes per instruction; the exact test runs only at those places. The
// value is exactly 40 base64 characters followed by a byte that is not
// one.
type awsSecretMatcher struct{}

const awsSecretLen = 40

func (awsSecretMatcher) lookahead() int { return 96 }

func isB64(c byte) bool { return isAlnum(c) || c == '+' || c == '/' || c == '=' }

// lowerIs compares t[i:] with lower-case word w, ignoring ASCII case.
func lowerIs(t []byte, i int, w string) bool {
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

func (awsSecretMatcher) kind() kind { return kindSecret }

func (awsSecretMatcher) find(tx *text, from int) (span, bool) {
	for _, s := range tx.candidates(kindSecret, from) {
		if sp, ok := awsSecretStart(tx.b, int(s)); ok {
			return sp, true
		}
	}
	return span{}, false
}

// awsSecretStart is the exact test for a secret key assignment starting at i.
func awsSecretStart(t []byte, i int) (span, bool) {
	if i+6 >= len(t) || t[i]|0x20 != 's' || !lowerIs(t, i, "secret") {
		return span{}, false
	}
	if i > 0 && isAlnum(t[i-1]) {
		return span{}, false
	}
	return awsSecretAt(t, i)
}

// awsSecretAt parses `secret[_-]?(access[_-]?)?key` then optional quote,
// blanks, ':' or '=', blanks, optional quote, and exactly 40 base64
// characters.
func awsSecretAt(t []byte, i int) (span, bool) {
	j := i + len("secret")
	skipSep := func() {
		if j < len(t) && (t[j] == '_' || t[j] == '-') {
			j++
		}
	}
	skipSep()
	if lowerIs(t, j, "access") {
		j += len("access")
		skipSep()
	}
	if !lowerIs(t, j, "key") {
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
	for j < len(t) && isB64(t[j]) && j-v <= awsSecretLen {
		j++
	}
	if j-v != awsSecretLen {
		return span{}, false
	}
	return span{i, v, j}, true
}

// ---- generic high-entropy tokens ----

// entropyMatcher flags tokens that look machine-generated. The heuristic:
// a maximal run of 32 to 256 characters from the base64 / base64url
// alphabet [A-Za-z0-9+/_-], optionally followed by up to two '=' padding
// characters, not adjacent to another such character, that contains at
// least one upper-case letter, one lower-case letter and one digit, and
// whose Shannon entropy per character is at least minBits (4.0 by default;
// English words and hex digests stay below it, random base64 of that length
// is around 4.5-5).
type entropyMatcher struct {
	minLen  int
	minBits float64
}

const entropyMaxLen = 256

func (entropyMatcher) lookahead() int { return entropyMaxLen + 4 }

func isTokenChar(c byte) bool { return isAlnum(c) || c == '+' || c == '/' || c == '_' || c == '-' }

func (m entropyMatcher) find(tx *text, from int) (span, bool) {
	t := tx.b
	filter := tokenRun()
	for p := from; ; {
		i, j, ok := nextLongRun(t, p, m.minLen, &filter)
		if !ok {
			return span{}, false
		}
		p = j + 1
		if i > 0 && isTokenChar(t[i-1]) { // a run that began before from
			continue
		}
		if j-i > entropyMaxLen {
			continue
		}
		e := j
		for e < len(t) && t[e] == '=' && e-j < 2 {
			e++
		}
		if e == len(t) || (!isTokenChar(t[e]) && t[e] != '=') {
			if m.looksRandom(t[i:j]) {
				return span{i, i, e}, true
			}
		}
	}
}

func (m entropyMatcher) looksRandom(b []byte) bool {
	var up, lo, dg bool
	var counts [128]uint16
	for _, c := range b {
		counts[c&0x7f]++
		switch {
		case isUpper(c):
			up = true
		case isLower(c):
			lo = true
		case isDigit(c):
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
