package redact

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/objectlambda/sdk-go/transform"
	"github.com/objectlambda/sdk-go/transform/internal/transformtest"
)

func redactString(t *testing.T, r *Redactor, in string) string {
	t.Helper()
	res := transformtest.Apply(r, transformtest.Input{Body: []byte(in), ContentType: "text/plain"}, nil, nil)
	require.NoError(t, res.Err)
	return string(res.Body)
}

func TestDetectors(t *testing.T) {
	tests := []struct {
		name     string
		detector string
		in, want string
	}{
		{"email plain", DetectorEmail, "write to ana@example.com today", "write to [X] today"},
		{"email subdomain plus", DetectorEmail, "<j.doe+tag@mail.corp.example.co.uk>", "<[X]>"},
		{"email trailing dot", DetectorEmail, "mail a@b.io.", "mail [X]."},
		{"email no tld", DetectorEmail, "user@localhost and @home", "user@localhost and @home"},
		{"email numeric tld", DetectorEmail, "x@1.2.3.4", "x@1.2.3.4"},
		{"email two", DetectorEmail, "a@b.cd,e@f.gh", "[X],[X]"},
		{"email leading dots", DetectorEmail, "..x@y.org", "..[X]"},
		{"card visa", DetectorCard, "card 4111111111111111 ok", "card [X] ok"},
		{"card spaced", DetectorCard, "4111 1111 1111 1111", "[X]"},
		{"card dashed amex", DetectorCard, "amex 3782-822463-10005.", "amex [X]."},
		{"card bad luhn", DetectorCard, "4111111111111112", "4111111111111112"},
		{"card too long", DetectorCard, "41111111111111110000", "41111111111111110000"},
		{"card inside digits", DetectorCard, "9 4111111111111111", "9 4111111111111111"},
		{"card too short", DetectorCard, "411111111111", "411111111111"},
		{"card double sep", DetectorCard, "4111  1111 1111 1111", "4111  1111 1111 1111"},
		{"ssn", DetectorSSN, "ssn: 123-45-6789.", "ssn: [X]."},
		{"ssn area 000", DetectorSSN, "000-12-3456", "000-12-3456"},
		{"ssn area 666", DetectorSSN, "666-12-3456", "666-12-3456"},
		{"ssn 9xx", DetectorSSN, "912-12-3456", "912-12-3456"},
		{"ssn group 00", DetectorSSN, "123-00-3456", "123-00-3456"},
		{"ssn longer", DetectorSSN, "123-45-6789-1", "123-45-6789-1"},
		{"ssn prefixed", DetectorSSN, "1123-45-6789", "1123-45-6789"},
		{"phone e164", DetectorPhone, "call +14155552671 now", "call [X] now"},
		{"phone e164 grouped", DetectorPhone, "+44 20 7946 0958", "[X]"},
		{"phone nanp parens", DetectorPhone, "(415) 555-2671", "[X]"},
		{"phone nanp dashes", DetectorPhone, "tel:415-555-2671;", "tel:[X];"},
		{"phone nanp dots", DetectorPhone, "415.555.2671", "[X]"},
		{"phone nanp country", DetectorPhone, "1-800-555-0199", "[X]"},
		{"phone bare digits", DetectorPhone, "4155552671", "4155552671"},
		{"phone area starts 1", DetectorPhone, "115-555-2671", "115-555-2671"},
		{"phone too short intl", DetectorPhone, "+1234567", "+1234567"},
		{"phone followed by digits", DetectorPhone, "415-555-26712", "415-555-26712"},
		{"iban compact", DetectorIBAN, "IBAN DE89370400440532013000.", "IBAN [X]."},
		{"iban grouped", DetectorIBAN, "GB82 WEST 1234 5698 7654 32 is mine", "[X] is mine"},
		{"iban grouped trailing word", DetectorIBAN, "DE89 3704 0044 0532 0130 00 OK", "[X] OK"},
		{"iban bad check", DetectorIBAN, "DE89370400440532013001", "DE89370400440532013001"},
		{"iban unknown country", DetectorIBAN, "QQ89370400440532013000", "QQ89370400440532013000"},
		{"aws key id", DetectorAWSAccessKeyID, "id=AKIAIOSFODNN7EXAMPLE\n", "id=[X]\n"},
		{"aws temp key id", DetectorAWSAccessKeyID, `"ASIAY34FZKBOKMUTVV7A"`, `"[X]"`},
		{"aws key id too long", DetectorAWSAccessKeyID, "AKIAIOSFODNN7EXAMPLEX", "AKIAIOSFODNN7EXAMPLEX"},
		{"aws key id lower", DetectorAWSAccessKeyID, "AKIAIOSFODNN7EXAMPLe", "AKIAIOSFODNN7EXAMPLe"},
		{"aws secret ini", DetectorAWSSecretKey, "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n", "aws_secret_access_key = [X]\n"},
		{"aws secret json", DetectorAWSSecretKey, `{"SecretAccessKey": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}`, `{"SecretAccessKey": "[X]"}`},
		{"aws secret env", DetectorAWSSecretKey, "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "AWS_SECRET_ACCESS_KEY=[X]"},
		{"aws secret wrong length", DetectorAWSSecretKey, "secret_key=abc", "secret_key=abc"},
		{"entropy token", DetectorHighEntropyToken, "token ghp_R4nd0mT0k3nW1thM1x3dCa5eAndD1g1ts99 end", "token [X] end"},
		{"entropy words", DetectorHighEntropyToken, "internationalization_and_localization_frameworks", "internationalization_and_localization_frameworks"},
		{"entropy hex digest", DetectorHighEntropyToken, "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "sha 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"},
		{"entropy padded", DetectorHighEntropyToken, "k=Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg== x", "k=[X] x"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(withDetectors(tt.detector), WithFixed("[X]"))
			require.NoError(t, err)
			assert.Equal(t, tt.want, redactString(t, r, tt.in))
		})
	}
}

func TestDefaultSetOnMixedText(t *testing.T) {
	r := MustNew(withDetectors("default"))
	in := "From: ana@example.com\nCard: 5500-0000-0000-0004\nSSN 078-05-1120, phone (212) 555-0100.\n" +
		"key AKIAIOSFODNN7EXAMPLE secret_access_key: wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\nIBAN FR14 2004 1010 0505 0001 3M02 606\n"
	want := "From: [REDACTED]\nCard: [REDACTED]\nSSN [REDACTED], phone [REDACTED].\n" +
		"key [REDACTED] secret_access_key: [REDACTED]\nIBAN [REDACTED]\n"
	assert.Equal(t, want, redactString(t, r, in))
}

func TestMaskStyles(t *testing.T) {
	key := []byte("0123456789abcdef0123456789abcdef")
	in := "a@b.io and c@d.io and a@b.io"
	tests := []struct {
		name   string
		opts   []Option
		want   string
		length bool
	}{
		{"fixed default", nil, "[REDACTED] and [REDACTED] and [REDACTED]", false},
		{"fixed custom", []Option{WithFixed("<email>")}, "<email> and <email> and <email>", false},
		{"same length", []Option{WithSameLength('#')}, "###### and ###### and ######", true},
		{"hash", []Option{WithHash(key, "h:", 8)}, "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(append([]Option{Emails()}, tt.opts...)...)
			require.NoError(t, err)
			assert.Equal(t, tt.length, transform.Describe(r).LengthPreserving)
			assert.False(t, transform.Describe(r).RangeSafe)
			res := transformtest.Apply(r, transformtest.Input{Body: []byte(in)}, nil, nil)
			require.NoError(t, res.Err)
			if tt.length {
				assert.Equal(t, int64(len(in)), res.Object.Length)
			} else {
				assert.Equal(t, int64(-1), res.Object.Length)
			}
			if tt.want != "" {
				assert.Equal(t, tt.want, string(res.Body))
				return
			}
			parts := strings.Split(string(res.Body), " and ")
			require.Len(t, parts, 3)
			assert.Equal(t, parts[0], parts[2], "same value, same token")
			assert.NotEqual(t, parts[0], parts[1])
			assert.Regexp(t, `^h:[0-9a-f]{8}$`, parts[0])
			assert.NotContains(t, string(res.Body), "a@b.io")
		})
	}
}

func TestHashDependsOnKey(t *testing.T) {
	a := MustNew(Emails(), WithHash([]byte("key-one-0123456789"), "", 16))
	b := MustNew(Emails(), WithHash([]byte("key-two-0123456789"), "", 16))
	assert.NotEqual(t, redactString(t, a, "x@y.io"), redactString(t, b, "x@y.io"))
	assert.Equal(t, redactString(t, a, "x@y.io"), redactString(t, a, "x@y.io"))
}

func TestPatterns(t *testing.T) {
	tests := []struct {
		name     string
		patterns []string
		in, want string
	}{
		{"literal", []string{`secret`}, "a secret here", "a [X] here"},
		{"word boundary", []string{`\bcat\b`}, "cat concat cat.", "[X] concat [X]."},
		{"multiline caret", []string{`(?m)^pw: [a-z]{1,20}`}, "pw: abc\nxpw: def\npw: ghi", "[X]\nxpw: def\n[X]"},
		{"alternation", []string{`ID-[0-9]{4}|REF[A-Z]{2}`}, "ID-1234 REFAB ID-12", "[X] [X] ID-12"},
		{"two patterns overlap longest wins", []string{`abc`, `abcdef`}, "xabcdefx", "x[X]x"},
		{"unicode", []string{`日本[語人]`}, "これは日本語です", "これは[X]です"},
		{"case fold", []string{`(?i)password=[^ ]{1,32}`}, "PassWord=hunter2 ok", "[X] ok"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := New(WithPattern(tt.patterns...), WithFixed("[X]"))
			require.NoError(t, err)
			assert.Equal(t, tt.want, redactString(t, r, tt.in))
		})
	}
}

func TestPatternRejected(t *testing.T) {
	for _, p := range []string{`[0-9]+`, `a*`, `x?`, `^abc`, `abc$`, `\Aabc`, `(`, `[a-z]{1000}[a-z]{1000}`, `\b`} {
		t.Run(p, func(t *testing.T) {
			_, err := New(WithPattern(p))
			require.Error(t, err)
			assert.ErrorIs(t, err, ErrConfig)
			assert.ErrorIs(t, err, ErrInvalidPattern)
		})
	}
	_, err := New(WithPattern(`[a-z]{1000}[a-z]{1000}`), WithMaxMatch(10000))
	assert.NoError(t, err, "a larger max match admits the pattern")
}

// TestConfigErrors builds Redactors from payloads as transform.Configure
// does: target nil means the strict decoder refuses the payload before
// FromConfig sees it.
func TestConfigErrors(t *testing.T) {
	t.Setenv("REDACT_TEST_KEY", "0123456789abcdef0123")
	tests := []struct {
		name    string
		payload string
		target  error
	}{
		{"empty", ``, ErrNoRules},
		{"empty object", `{}`, ErrNoRules},
		{"unknown detector", `{"detectors":["emial"]}`, ErrConfig},
		{"unknown field", `{"detector":["email"]}`, nil},
		{"bad json", `{"detectors":`, nil},
		{"snake case key", `{"detectors":["email"],"content_types":["text/*"]}`, nil},
		{"unknown mask", `{"detectors":["email"],"mask":"blur"}`, ErrConfig},
		{"hash without key", `{"detectors":["email"],"mask":"hash"}`, ErrConfig},
		{"hash env missing", `{"detectors":["email"],"mask":"hash","hashKeyEnv":"NOPE_NOT_SET_X"}`, ErrConfig},
		{"hash length", `{"detectors":["email"],"mask":"hash","hashKeyEnv":"REDACT_TEST_KEY","hashLength":4}`, ErrConfig},
		{"mask char", `{"detectors":["email"],"mask":"same_length","maskChar":"ab"}`, ErrConfig},
		{"bad pattern", `{"patterns":["[0-9]+"]}`, ErrInvalidPattern},
		{"max match", `{"patterns":["a"],"maxMatch":-1}`, ErrConfig},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := transformtest.FromPayload([]byte(tt.payload), FromConfig)
			require.Error(t, err)
			if tt.target == nil {
				assert.NotErrorIs(t, err, ErrConfig)
			} else {
				assert.ErrorIs(t, err, tt.target)
			}
			assert.NotContains(t, err.Error(), "0123456789abcdef0123", "never echo the key")
		})
	}
}

func TestFromConfig(t *testing.T) {
	t.Setenv("REDACT_TEST_KEY", "0123456789abcdef0123")
	tests := []struct {
		name, payload, in, want string
	}{
		{"brief example", `{"detectors":["email","card"],"mask":"fixed","replacement":"[REDACTED]"}`,
			"ana@example.com 4111111111111111", "[REDACTED] [REDACTED]"},
		{"same length", `{"detectors":["ssn"],"mask":"same_length","maskChar":"X"}`, "123-45-6789", "XXXXXXXXXXX"},
		{"patterns", `{"patterns":["EMP-[0-9]{6}"],"replacement":"","maxMatch":64}`, "id EMP-123456.", "id ."},
		{"hash", `{"detectors":["email"],"mask":"hash","hashKeyEnv":"REDACT_TEST_KEY","hashLength":8,"replacement":"#"}`, "a@b.io", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := transformtest.FromPayload([]byte(tt.payload), FromConfig)
			require.NoError(t, err)
			got := redactString(t, r, tt.in)
			if tt.want == "" && tt.name == "hash" {
				assert.Regexp(t, `^#[0-9a-f]{8}$`, got)
				return
			}
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestContentTypeAndExempt(t *testing.T) {
	r, err := transformtest.FromPayload([]byte(`{"detectors":["email"],"contentTypes":["text/*","+json"],
		"exemptPrincipals":["arn:aws:iam::111122223333:role/Auditor"]}`), FromConfig)
	require.NoError(t, err)

	res := transformtest.Apply(r, transformtest.Input{Body: []byte("a@b.io"), ContentType: "image/png"}, nil, nil)
	require.Error(t, res.Err)
	e, ok := errors.AsType[*s3err.Error](res.Err)
	require.True(t, ok)
	assert.Equal(t, http.StatusUnsupportedMediaType, e.StatusCode)
	assert.Equal(t, s3err.CodeUnsupportedMediaType, e.Code)

	res = transformtest.Apply(r, transformtest.Input{Body: []byte("a@b.io"), ContentType: "application/ld+json; charset=utf-8"}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, "[REDACTED]", string(res.Body))

	auditor := transform.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/Auditor/jane",
		SessionIssuerARN: "arn:aws:iam::111122223333:role/Auditor"}
	res = transformtest.Apply(r, transformtest.Input{Body: []byte("a@b.io"), ContentType: "text/plain", Caller: auditor}, nil, nil)
	require.NoError(t, res.Err)
	assert.Equal(t, "a@b.io", string(res.Body))
}

// TestExemptPrincipals: Config.ExemptPrincipals matches callers as
// transform.Caller.Matches does (IAM's ARN rules, principal or session
// issuer), like csvfilter's Access and objectlambda.AllowPrincipals.
func TestExemptPrincipals(t *testing.T) {
	for _, tt := range transformtest.ExemptCases() {
		t.Run(tt.Name, func(t *testing.T) {
			r, err := FromConfig(Config{Detectors: []string{DetectorEmail}, ExemptPrincipals: tt.Patterns})
			require.NoError(t, err)
			res := transformtest.Apply(r, transformtest.Input{Body: []byte("a@b.io"), ContentType: "text/plain", Caller: tt.Caller}, nil, nil)
			require.NoError(t, res.Err)
			want := "[REDACTED]"
			if tt.Exempt {
				want = "a@b.io"
			}
			assert.Equal(t, want, string(res.Body))
		})
	}
}

// corpus builds text with sensitive values scattered at random positions,
// plus some multi-byte UTF-8 and a little binary.
func corpus(seed uint64, n int) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	pieces := []string{
		"ana@example.com", "4111 1111 1111 1111", "5500-0000-0000-0004", "078-05-1120", "(212) 555-0100",
		"+44 20 7946 0958", "DE89 3704 0044 0532 0130 00", "GB82WEST12345698765432", "AKIAIOSFODNN7EXAMPLE",
		"aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "Zm9vYmFyQmF6UXV4MTIzNDU2Nzg5MGFiY2RlZg==",
		"the quick brown fox ", "jumps over the lazy dog. ", "日本語のテキスト ", "\n", "1234 ", "@@ ", "x.y@", " EMP-123456 ",
		"\xff\xfe\x00", "cat concat ",
	}
	var b bytes.Buffer
	for b.Len() < n {
		b.WriteString(pieces[rng.IntN(len(pieces))])
		if rng.IntN(4) == 0 {
			b.WriteByte(" -.\n"[rng.IntN(4)])
		}
	}
	return b.Bytes()
}

func allRules() []Option {
	return []Option{withDetectors("default", DetectorHighEntropyToken), WithPattern(`\bcat\b`, `EMP-[0-9]{6}`, `(?m)^jumps`)}
}

func TestStreamingMatchesOneShot(t *testing.T) {
	in := corpus(42, 120_000)
	ref, err := New(append(allRules(), withBlock(len(in)+1))...)
	require.NoError(t, err)
	want := transformtest.Apply(ref, transformtest.Input{Body: in}, nil, nil)
	require.NoError(t, want.Err)
	require.Less(t, len(want.Body), len(in), "the corpus has matches")

	for _, block := range []int{1, 3, 17, 300, defaultBlock} {
		r, err := New(append(allRules(), withBlock(block))...)
		require.NoError(t, err)
		for _, m := range transformtest.Modes() {
			got := transformtest.Apply(r, transformtest.Input{Body: in}, m.Wrap, m.Read)
			require.NoError(t, got.Err, "block %d mode %s", block, m.Name)
			require.True(t, bytes.Equal(want.Body, got.Body), "block %d mode %s: output differs", block, m.Name)
		}
	}
}

func TestSameLengthKeepsNonMatchingBytes(t *testing.T) {
	in := corpus(7, 50_000)
	r := MustNew(append(allRules(), WithSameLength('*'))...)
	res := transformtest.Apply(r, transformtest.Input{Body: in}, iotest.OneByteReader, nil)
	require.NoError(t, res.Err)
	require.Len(t, res.Body, len(in))
	for i := range in {
		if res.Body[i] != in[i] {
			require.Equal(t, byte('*'), res.Body[i], "byte %d changed to something other than the mask", i)
		}
	}
	assert.Greater(t, bytes.Count(res.Body, []byte("*")), len(in)/20, "the corpus is dense with matches")
	assert.False(t, bytes.Contains(res.Body, []byte(" AKIAIOSFODNN7EXAMPLE ")), "a delimited key id must be masked")
}

func TestBinaryPassesThrough(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 3))
	in := make([]byte, 100_000)
	for i := range in {
		in[i] = byte(rng.UintN(256))
	}
	r := MustNew(Emails(), AWSAccessKeyIDs(), SSNs())
	res := transformtest.Apply(r, transformtest.Input{Body: in}, transformtest.Chunky(1), nil)
	require.NoError(t, res.Err)
	assert.True(t, bytes.Equal(in, res.Body), "random bytes contain no matches and must come out unchanged")
}

type errAfter struct {
	data []byte
	err  error
}

func (e *errAfter) Read(p []byte) (int, error) {
	if len(e.data) == 0 {
		return 0, e.err
	}
	n := copy(p, e.data)
	e.data = e.data[n:]
	return n, nil
}

func TestUpstreamErrorPassedOn(t *testing.T) {
	boom := errors.New("connection reset")
	r := MustNew(Emails())
	obj := transformtest.Input{}.Object(nil)
	obj.Body = &errAfter{data: []byte("hello a@b.io"), err: boom}
	out, err := transform.Run(t.Context(), r, obj)
	require.NoError(t, err)
	_, err = io.ReadAll(out.Body)
	assert.ErrorIs(t, err, boom)
}

func TestMatchAtEveryOffset(t *testing.T) {
	// The secret sits across every possible block boundary.
	r := MustNew(AWSAccessKeyIDs(), withBlock(16))
	for pad := range 80 {
		in := strings.Repeat(".", pad) + "AKIAIOSFODNN7EXAMPLE" + strings.Repeat(".", 40)
		want := strings.Repeat(".", pad) + "[REDACTED]" + strings.Repeat(".", 40)
		res := transformtest.Apply(r, transformtest.Input{Body: []byte(in)}, iotest.OneByteReader, nil)
		require.NoError(t, res.Err)
		require.Equal(t, want, string(res.Body), "pad %d", pad)
	}
}

// TestSameLengthIsNotRangeSafe shows why the same-length style declares
// LengthPreserving but not RangeSafe: redacting a byte range of the input is
// not the same as taking that range of the redacted output when a match
// straddles the range's edge. Ranges far from any match agree.
func TestSameLengthIsNotRangeSafe(t *testing.T) {
	r := MustNew(Emails(), WithSameLength('*'))
	in := "hello ana@example.com, plain text follows here"
	full := redactString(t, r, in)
	require.Len(t, full, len(in))

	tests := []struct {
		name  string
		start int
		end   int
		same  bool
	}{
		{"straddles the match", 0, 12, false},
		{"cuts the domain", 15, 30, false},
		{"away from matches", 23, len(in), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sliced := redactString(t, r, in[tt.start:tt.end])
			assert.Equal(t, tt.same, sliced == full[tt.start:tt.end], "pushdown %q vs slice %q", sliced, full[tt.start:tt.end])
		})
	}
	assert.False(t, transform.Describe(r).RangeSafe)
}

// TestClosePassesThrough: closing the redacted body closes the upstream
// body, whether it was read to the end or not.
func TestClosePassesThrough(t *testing.T) {
	r := MustNew(withDetectors("default"))
	for _, n := range []int64{0, 10, 1 << 20} {
		closes, err := transformtest.CloseOutput(r, transformtest.Input{Body: transformtest.Text(64<<10, true)}, n)
		require.NoError(t, err)
		assert.Equal(t, 1, closes, "after reading %d bytes", n)
	}
}
