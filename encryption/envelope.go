package encryption

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Format is the S3 Encryption Client message format of an object. It is not
// the client version: the Go and Java v3 clients write FormatV2, the v4
// clients write FormatV3.
type Format uint8

// Message formats.
const (
	FormatUnknown Format = iota
	FormatV1             // x-amz-key: legacy, read only with WithLegacyWrapping
	FormatV2             // x-amz-key-v2: AES-GCM without key commitment
	FormatV3             // x-amz-3: suite 115, AES-GCM with HKDF and key commitment
)

func (f Format) String() string {
	switch f {
	case FormatV1:
		return "V1"
	case FormatV2:
		return "V2"
	case FormatV3:
		return "V3"
	}
	return "unknown"
}

// ContentAlg is the content encryption algorithm as stored in the envelope.
type ContentAlg string

// Content algorithms.
const (
	ContentAESGCM     ContentAlg = "AES/GCM/NoPadding"    // format V2 (suite 0x72)
	ContentCommitting ContentAlg = "115"                  // format V3 (suite 0x73: HKDF-SHA512 + key commitment)
	ContentAESCBC     ContentAlg = "AES/CBC/PKCS5Padding" // legacy, unauthenticated
)

// WrapAlg is the key wrapping algorithm that protects the data key.
type WrapAlg string

// Key wrapping algorithms. The first three are current; the rest are legacy
// and can only be unwrapped with WithLegacyWrapping.
const (
	WrapKMSContext    WrapAlg = "kms+context"
	WrapAESGCM        WrapAlg = "AES/GCM"
	WrapRSAOAEPSHA1   WrapAlg = "RSA-OAEP-SHA1"
	WrapKMS           WrapAlg = "kms"
	WrapAESWrap       WrapAlg = "AESWrap"
	WrapAESECB        WrapAlg = "AES"
	WrapRSAOAEPSHA256 WrapAlg = "RSA/ECB/OAEPWithSHA-256AndMGF1Padding"
	WrapRSAPKCS1      WrapAlg = "RSA"
)

// isLegacy reports whether w is a legacy (read-only, opt-in) wrap algorithm.
func (w WrapAlg) isLegacy() bool {
	switch w {
	case WrapKMSContext, WrapAESGCM, WrapRSAOAEPSHA1:
		return false
	}
	return true
}

// Envelope entries: user metadata names, without the "x-amz-meta-" prefix S3
// adds on the wire.
const (
	keyV1Key          = "x-amz-key"
	keyV2Key          = "x-amz-key-v2"
	keyIV             = "x-amz-iv"
	keyCEKAlg         = "x-amz-cek-alg"
	keyWrapAlg        = "x-amz-wrap-alg"
	keyMatDesc        = "x-amz-matdesc"
	keyTagLen         = "x-amz-tag-len"
	keyPlaintextLen   = "x-amz-unencrypted-content-length"
	keyV3Key          = "x-amz-3"
	keyV3Content      = "x-amz-c"
	keyV3Commitment   = "x-amz-d"
	keyV3MessageID    = "x-amz-i"
	keyV3Wrap         = "x-amz-w"
	keyV3MatDesc      = "x-amz-m"
	keyV3Context      = "x-amz-t"
	keyInstructionTag = "x-amz-crypto-instr-file"
)

// metaPrefix is the prefix S3 puts in front of user metadata names.
const metaPrefix = "x-amz-meta-"

// ReservedContextKey is the KMS encryption context entry that binds a
// kms+context data key to its content algorithm. A [Keyring] that wraps with
// KMS adds it to [WrapRequest.EncryptionContext] and checks it on unwrap;
// callers must not set it themselves.
const ReservedContextKey = "aws:x-amz-cek-alg"

// InstructionFileSuffix is the suffix the S3 Encryption Client gives the
// instruction file it writes next to an object ("<key>.instruction").
const InstructionFileSuffix = ".instruction"

// Sizes fixed by the formats.
const (
	// DataKeySize is the length of a data key (AES-256): what
	// [Keyring.UnwrapKey] returns and [WrapRequest.DataKey] holds.
	DataKeySize = 32
	// TagSize is the length of the GCM tag at the end of every V2 and V3
	// ciphertext: the stored object is the plaintext plus TagSize bytes.
	TagSize = 16

	gcmIVSize      = 12
	cbcIVSize      = 16
	messageIDSize  = 28
	commitmentSize = 28
)

// maxInstructionFile bounds the instruction file body ParseInstructionFile
// accepts; real ones are a few hundred bytes.
const maxInstructionFile = 64 << 10

// isEnvelopeKey reports whether k (lower case, without "x-amz-meta-") is an
// entry of an S3 Encryption Client envelope, in any format.
func isEnvelopeKey(k string) bool {
	switch k {
	case keyV1Key, keyV2Key, keyIV, keyCEKAlg, keyWrapAlg, keyMatDesc, keyTagLen, keyPlaintextLen,
		keyV3Key, keyV3Content, keyV3Commitment, keyV3MessageID, keyV3Wrap, keyV3MatDesc, keyV3Context,
		keyInstructionTag:
		return true
	}
	return false
}

// StripEnvelope deletes every envelope header (X-Amz-Meta-X-Amz-Key-V2, ...)
// from h, in any letter case, and returns h.
func StripEnvelope(h http.Header) http.Header {
	for name := range h {
		l := strings.ToLower(name)
		if strings.HasPrefix(l, metaPrefix) && isEnvelopeKey(l[len(metaPrefix):]) {
			delete(h, name)
		}
	}
	return h
}

// stripEnvelopeMetadata returns a copy of the user metadata md (names with or
// without the "x-amz-meta-" prefix) without the envelope entries.
func stripEnvelopeMetadata(md map[string]string) map[string]string {
	out := make(map[string]string, len(md))
	for k, v := range md {
		l := strings.TrimPrefix(strings.ToLower(k), metaPrefix)
		if !isEnvelopeKey(l) {
			out[k] = v
		}
	}
	return out
}

// Metadata is S3 user metadata normalised for parsing: lower-case names
// without the "x-amz-meta-" prefix. Build it with [MetadataFromHeader] from
// an HTTP response, or convert the SDK's map (GetObjectOutput.Metadata):
// every function that takes Metadata normalises it again (letter case, an
// "x-amz-meta-" prefix).
type Metadata map[string]string

// MetadataFromHeader extracts the user metadata from an HTTP response header
// (X-Amz-Meta-* fields; the first value of each wins).
func MetadataFromHeader(h http.Header) Metadata {
	md := make(Metadata)
	for name, vs := range h {
		l := strings.ToLower(name)
		if !strings.HasPrefix(l, metaPrefix) || len(vs) == 0 {
			continue
		}
		md[l[len(metaPrefix):]] = vs[0]
	}
	return md
}

// fromMap normalises a user metadata map as the SDK returns it
// (GetObjectOutput.Metadata: names without prefix) or as raw header names
// with the "x-amz-meta-" prefix.
func fromMap(m map[string]string) Metadata {
	md := make(Metadata, len(m))
	for k, v := range m {
		md[strings.TrimPrefix(strings.ToLower(k), metaPrefix)] = v
	}
	return md
}

func (md Metadata) normalized() Metadata {
	for k := range md {
		if k != strings.ToLower(k) || strings.HasPrefix(k, metaPrefix) {
			return fromMap(md)
		}
	}
	return md
}

func (md Metadata) has(k string) bool { _, ok := md[k]; return ok }

// IsEncrypted reports whether md carries an S3 Encryption Client envelope
// (complete, or pointing at a V3 instruction file). Objects whose whole V1/V2
// envelope lives in an instruction file cannot be recognised from their
// metadata alone.
func IsEncrypted(md Metadata) bool {
	md = md.normalized()
	return md.has(keyV1Key) || md.has(keyV2Key) || md.has(keyV3Key) ||
		(md.has(keyV3Content) && md.has(keyV3Commitment) && md.has(keyV3MessageID))
}

// IsInstructionFile reports whether md belongs to an instruction-file object
// (marker x-amz-crypto-instr-file). Such objects are key material, not data.
func IsInstructionFile(md Metadata) bool { return md.normalized().has(keyInstructionTag) }

// Envelope is the parsed content metadata of a client-side encrypted object.
// It holds only wrapped (encrypted) keys, so it is safe to keep around; its
// String method prints no key bytes.
type Envelope struct {
	Format  Format
	Content ContentAlg
	Wrap    WrapAlg

	EncryptedKey  []byte // wrapped data key
	IV            []byte // V1/V2: 12 bytes (GCM) or 16 bytes (CBC)
	MessageID     []byte // V3: 28 bytes, HKDF salt
	KeyCommitment []byte // V3: 28 bytes

	// MatDesc is the material description: x-amz-matdesc (V1/V2) or x-amz-m
	// (V3). For kms and kms+context wraps in V1/V2 it is the KMS encryption
	// context.
	MatDesc map[string]string
	// KMSContext is the V3 KMS encryption context (x-amz-t).
	KMSContext map[string]string

	TagLenBits int // 128 for GCM, 0 for CBC
	// PlaintextLen is x-amz-unencrypted-content-length, -1 if absent. It is
	// not authenticated (anyone who can change the object's metadata can
	// change it), so it is a hint: the Decryptor never announces it alone.
	PlaintextLen int64

	// FromInstructionFile is set when (part of) the envelope was read from an
	// instruction file.
	FromInstructionFile bool
}

// EncryptionContext returns the KMS encryption context stored with the
// object: x-amz-t for V3, the material description for V1/V2.
func (e *Envelope) EncryptionContext() map[string]string {
	if e.Format == FormatV3 {
		return e.KMSContext
	}
	return e.MatDesc
}

// String describes the envelope without any key material.
func (e *Envelope) String() string {
	return fmt.Sprintf("encryption.Envelope{Format:%s Content:%s Wrap:%s}", e.Format, e.Content, e.Wrap)
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedEnvelope, fmt.Sprintf(format, args...))
}

var v3WrapCodes = map[string]WrapAlg{"02": WrapAESGCM, "12": WrapKMSContext, "22": WrapRSAOAEPSHA1}

func v3WrapCode(w WrapAlg) (string, bool) {
	for c, a := range v3WrapCodes {
		if a == w {
			return c, true
		}
	}
	return "", false
}

var v2OnlyKeys = []string{keyIV, keyCEKAlg, keyWrapAlg, keyMatDesc, keyTagLen}
var v3OnlyKeys = []string{keyV3Content, keyV3Commitment, keyV3MessageID, keyV3Wrap, keyV3MatDesc, keyV3Context}

// parseEnvelope reads the envelope from object metadata. It returns
// ErrNotEncrypted when there is none, ErrNeedInstructionFile when the object
// points at an instruction file, and an error wrapping ErrMalformedEnvelope
// or ErrUnsupportedFormat when the envelope is broken. Legacy formats are
// parsed here; decryption refuses them unless the matching opt-in is given.
func parseEnvelope(md Metadata) (*Envelope, error) {
	md = md.normalized()
	hasV1, hasV2, hasV3 := md.has(keyV1Key), md.has(keyV2Key), md.has(keyV3Key)
	n := 0
	for _, b := range []bool{hasV1, hasV2, hasV3} {
		if b {
			n++
		}
	}
	if n > 1 {
		return nil, malformed("conflicting format keys (more than one of %s, %s, %s)", keyV1Key, keyV2Key, keyV3Key)
	}
	if n == 0 {
		if md.has(keyV3Content) && md.has(keyV3Commitment) && md.has(keyV3MessageID) {
			return nil, fmt.Errorf("%w: V3 object without %s", ErrNeedInstructionFile, keyV3Key)
		}
		return nil, ErrNotEncrypted
	}
	return parseNormalized(md, false)
}

// RequireEnvelope reads the envelope from object metadata, for readers that
// must not serve what was not encrypted: metadata without an envelope gives
// [ErrEncryptionRequired], or [ErrNotEncrypted] (serve the object as it is)
// only when opts contain [WithUnencryptedObjects]. An object that points at
// an instruction file gives [ErrNeedInstructionFile] (read it with
// [ParseInstructionFile]); a broken envelope an error wrapping
// [ErrMalformedEnvelope] or [ErrUnsupportedFormat]. Legacy formats are
// parsed; decryption refuses them unless the matching opt-in is given.
func RequireEnvelope(md Metadata, opts ...Option) (*Envelope, error) {
	e, err := parseEnvelope(md)
	if errors.Is(err, ErrNotEncrypted) && !newConfig(opts).allowPlain {
		return nil, fmt.Errorf("%w: the object metadata holds no envelope", ErrEncryptionRequired)
	}
	return e, err
}

// ParseInstructionFile builds the envelope of an object whose envelope is
// stored in an instruction file. objectMD is the metadata of the object
// itself (format V3 keeps x-amz-c, x-amz-d and x-amz-i there); body is the
// instruction file's content (a JSON object, at most 64 KiB).
//
// Both must be of one format generation, since the instruction file is a
// separate object that may have been replaced: object metadata with V3
// entries needs a V3 instruction file (a V2 one would silently drop the key
// commitment), an instruction file holds exactly one of x-amz-key,
// x-amz-key-v2 and x-amz-3, and any mix is ErrMalformedEnvelope.
func ParseInstructionFile(objectMD Metadata, body []byte) (*Envelope, error) {
	if len(body) > maxInstructionFile {
		return nil, malformed("instruction file larger than %d bytes", maxInstructionFile)
	}
	var raw map[string]json.RawMessage
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, malformed("instruction file is not a JSON object")
	}
	if dec.More() {
		return nil, malformed("trailing data after instruction file JSON")
	}
	md := make(Metadata, len(raw))
	for k, v := range raw {
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			var num json.Number
			if err := json.Unmarshal(v, &num); err != nil {
				return nil, malformed("instruction file value for %q is neither string nor number", k)
			}
			s = num.String()
		}
		md[strings.ToLower(k)] = s
	}
	objectMD = objectMD.normalized()
	if err := checkGenerations(objectMD, md); err != nil {
		return nil, err
	}
	if md.has(keyV3Key) {
		for _, k := range []string{keyV3Content, keyV3Commitment, keyV3MessageID} {
			if md.has(k) {
				return nil, malformed("instruction file must not contain %s (possible tampering)", k)
			}
			v, ok := objectMD[k]
			if !ok {
				return nil, malformed("V3 instruction file but object metadata lacks %s", k)
			}
			md[k] = v
		}
	}
	return parseNormalized(md, true)
}

// checkGenerations refuses an instruction file and object metadata of
// different format generations. The instruction file is a separate object:
// if it could pair V3 object metadata (the key commitment) with a V2
// envelope, whoever can write it would silently drop the commitment.
func checkGenerations(objectMD, instr Metadata) error {
	var gen Format
	for _, g := range []struct {
		key string
		f   Format
	}{{keyV1Key, FormatV1}, {keyV2Key, FormatV2}, {keyV3Key, FormatV3}} {
		if !instr.has(g.key) {
			continue
		}
		if gen != FormatUnknown {
			return malformed("instruction file holds wrapped keys of formats %s and %s", gen, g.f)
		}
		gen = g.f
	}
	if gen == FormatUnknown {
		return malformed("instruction file holds no wrapped key")
	}
	other := slices.Concat([]string{keyV3Key}, v3OnlyKeys)
	switch gen {
	case FormatV1:
		other = append(other, keyV2Key)
	case FormatV2:
		other = append(other, keyV1Key)
	case FormatV3:
		other = slices.Concat([]string{keyV1Key, keyV2Key}, v2OnlyKeys)
	}
	for _, k := range other {
		if objectMD.has(k) {
			return malformed("%s instruction file for an object whose metadata holds %s", gen, k)
		}
	}
	return nil
}

func parseNormalized(md Metadata, fromInstr bool) (*Envelope, error) {
	e := &Envelope{PlaintextLen: -1, FromInstructionFile: fromInstr}
	var err error
	switch {
	case md.has(keyV3Key):
		e.Format = FormatV3
		err = parseV3(md, e)
	case md.has(keyV2Key):
		e.Format = FormatV2
		err = parseV12(md, e, keyV2Key)
	default:
		e.Format = FormatV1
		err = parseV12(md, e, keyV1Key)
	}
	if err != nil {
		return nil, err
	}
	if v := strings.TrimSpace(md[keyPlaintextLen]); v != "" {
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n < 0 {
			return nil, malformed("%s is not a non-negative integer", keyPlaintextLen)
		}
		e.PlaintextLen = n
	}
	return e, nil
}

func parseV12(md Metadata, e *Envelope, keyName string) error {
	for _, k := range append([]string{keyV3Key}, v3OnlyKeys...) {
		if md.has(k) {
			return malformed("conflicting format keys (%s together with %s)", keyName, k)
		}
	}
	var err error
	if e.EncryptedKey, err = b64(md, keyName); err != nil {
		return err
	}
	if !md.has(keyIV) {
		return malformed("missing %s", keyIV)
	}
	if e.IV, err = b64(md, keyIV); err != nil {
		return err
	}
	if e.MatDesc, err = jsonMap(md, keyMatDesc); err != nil {
		return err
	}
	e.Wrap = WrapAlg(md[keyWrapAlg])
	if e.Format == FormatV2 && e.Wrap == "" {
		return malformed("missing %s", keyWrapAlg)
	}
	if e.Wrap == "" {
		// V1 without a wrap algorithm: Java's rule, AES (ECB) for short keys.
		if len(e.EncryptedKey) <= 48 {
			e.Wrap = WrapAESECB
		} else {
			e.Wrap = WrapRSAPKCS1
		}
	}
	switch e.Wrap {
	case WrapKMSContext, WrapAESGCM, WrapRSAOAEPSHA1, WrapKMS, WrapAESWrap, WrapAESECB, WrapRSAOAEPSHA256, WrapRSAPKCS1:
	default:
		return fmt.Errorf("%w: wrap algorithm %q", ErrUnsupportedFormat, clip(string(e.Wrap)))
	}
	cek, ok := md[keyCEKAlg]
	if !ok {
		if e.Format == FormatV2 {
			return malformed("missing %s", keyCEKAlg)
		}
		cek = string(ContentAESCBC)
	}
	e.Content = ContentAlg(cek)
	switch e.Content {
	case ContentAESGCM:
		if len(e.IV) != gcmIVSize {
			return malformed("%s must be %d bytes for %s, got %d", keyIV, gcmIVSize, ContentAESGCM, len(e.IV))
		}
		e.TagLenBits = 128
		if v, ok := md[keyTagLen]; ok && strings.TrimSpace(v) != "128" {
			return fmt.Errorf("%w: tag length %q (only 128 is supported)", ErrUnsupportedFormat, clip(v))
		}
	case ContentAESCBC:
		if len(e.IV) != cbcIVSize {
			return malformed("%s must be %d bytes for %s, got %d", keyIV, cbcIVSize, ContentAESCBC, len(e.IV))
		}
		if md.has(keyTagLen) {
			return malformed("%s present for %s", keyTagLen, ContentAESCBC)
		}
	default:
		return fmt.Errorf("%w: content algorithm %q", ErrUnsupportedFormat, clip(cek))
	}
	if allZero(e.IV) {
		return malformed("%s is all zero", keyIV)
	}
	return nil
}

func parseV3(md Metadata, e *Envelope) error {
	for _, k := range append([]string{keyV1Key, keyV2Key}, v2OnlyKeys...) {
		if md.has(k) {
			return malformed("conflicting format keys (%s together with %s)", keyV3Key, k)
		}
	}
	for _, k := range []string{keyV3Content, keyV3Commitment, keyV3MessageID, keyV3Wrap} {
		if !md.has(k) {
			return malformed("missing %s", k)
		}
	}
	var err error
	if e.EncryptedKey, err = b64(md, keyV3Key); err != nil {
		return err
	}
	if c := strings.TrimSpace(md[keyV3Content]); c != string(ContentCommitting) {
		return fmt.Errorf("%w: V3 content suite %q", ErrUnsupportedFormat, clip(c))
	}
	e.Content = ContentCommitting
	e.TagLenBits = 128
	w, ok := v3WrapCodes[strings.TrimSpace(md[keyV3Wrap])]
	if !ok {
		return fmt.Errorf("%w: V3 wrap code %q", ErrUnsupportedFormat, clip(md[keyV3Wrap]))
	}
	e.Wrap = w
	if e.MessageID, err = b64(md, keyV3MessageID); err != nil {
		return err
	}
	if len(e.MessageID) != messageIDSize {
		return malformed("%s must be %d bytes, got %d", keyV3MessageID, messageIDSize, len(e.MessageID))
	}
	if allZero(e.MessageID) {
		return malformed("%s is all zero", keyV3MessageID)
	}
	if e.KeyCommitment, err = b64(md, keyV3Commitment); err != nil {
		return err
	}
	if len(e.KeyCommitment) != commitmentSize {
		return malformed("%s must be %d bytes, got %d", keyV3Commitment, commitmentSize, len(e.KeyCommitment))
	}
	if e.MatDesc, err = jsonMap(md, keyV3MatDesc); err != nil {
		return err
	}
	if e.KMSContext, err = jsonMap(md, keyV3Context); err != nil {
		return err
	}
	return nil
}

func b64(md Metadata, k string) ([]byte, error) {
	v := strings.TrimSpace(md[k])
	if v == "" {
		return nil, malformed("%s is empty", k)
	}
	b, err := base64.StdEncoding.DecodeString(v)
	if err != nil {
		return nil, malformed("%s is not valid base64", k)
	}
	return b, nil
}

// jsonMap parses a material description or encryption context. Absent means
// the empty map. S3 returns non-ASCII metadata as RFC 2047 encoded-words
// whose content is UTF-8 encoded twice; both layers are undone first.
func jsonMap(md Metadata, k string) (map[string]string, error) {
	v, ok := md[k]
	if !ok || strings.TrimSpace(v) == "" {
		return map[string]string{}, nil
	}
	v = decodeS3Value(v)
	var m map[string]string
	dec := json.NewDecoder(strings.NewReader(v))
	if err := dec.Decode(&m); err != nil || m == nil || dec.More() {
		return nil, malformed("%s is not a JSON object of strings", k)
	}
	return m, nil
}

func decodeS3Value(v string) string {
	if !strings.Contains(v, "=?") {
		return v
	}
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		return v
	}
	// Undo the double UTF-8 encoding: every rune is then a byte.
	buf := make([]byte, 0, len(d))
	for _, r := range d {
		if r > 0xFF {
			return d
		}
		buf = append(buf, byte(r))
	}
	if utf8.Valid(buf) {
		return string(buf)
	}
	return d
}

func allZero(b []byte) bool {
	for _, c := range b {
		if c != 0 {
			return false
		}
	}
	return true
}

// clip bounds attacker-controlled values quoted in error messages.
func clip(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

// Metadata returns the envelope as user metadata to store with the object or
// send in WriteGetObjectResponse (names without the "x-amz-meta-" prefix).
func (e *Envelope) Metadata() map[string]string {
	enc := base64.StdEncoding.EncodeToString
	m := map[string]string{}
	switch e.Format {
	case FormatV3:
		m[keyV3Key] = enc(e.EncryptedKey)
		m[keyV3Content] = string(ContentCommitting)
		if c, ok := v3WrapCode(e.Wrap); ok {
			m[keyV3Wrap] = c
		}
		m[keyV3MessageID] = enc(e.MessageID)
		m[keyV3Commitment] = enc(e.KeyCommitment)
		if e.Wrap == WrapKMSContext {
			m[keyV3Context] = asciiJSON(e.KMSContext)
			if len(e.MatDesc) > 0 {
				m[keyV3MatDesc] = asciiJSON(e.MatDesc)
			}
		} else {
			m[keyV3MatDesc] = asciiJSON(e.MatDesc)
			if len(e.KMSContext) > 0 {
				m[keyV3Context] = asciiJSON(e.KMSContext)
			}
		}
	default:
		if e.Format == FormatV1 {
			m[keyV1Key] = enc(e.EncryptedKey)
		} else {
			m[keyV2Key] = enc(e.EncryptedKey)
		}
		m[keyIV] = enc(e.IV)
		m[keyMatDesc] = asciiJSON(e.MatDesc)
		m[keyWrapAlg] = string(e.Wrap)
		m[keyCEKAlg] = string(e.Content)
		if e.Content == ContentAESGCM {
			m[keyTagLen] = "128"
		}
	}
	if e.PlaintextLen >= 0 {
		m[keyPlaintextLen] = strconv.FormatInt(e.PlaintextLen, 10)
	}
	return m
}

// asciiJSON encodes a string map as JSON using \u escapes for non-ASCII
// characters, so the value survives as an HTTP header unchanged.
func asciiJSON(m map[string]string) string {
	if m == nil {
		m = map[string]string{}
	}
	b, _ := json.Marshal(m) // a map[string]string always marshals
	var sb strings.Builder
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case r <= 0xFFFF:
			fmt.Fprintf(&sb, `\u%04x`, r)
		default:
			r -= 0x10000
			fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
		}
	}
	return sb.String()
}
