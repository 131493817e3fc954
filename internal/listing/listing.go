package listing

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Result is one page of a ListObjects (V1) or ListObjectsV2 answer, as S3
// sends it in its ListBucketResult XML document.
//
// Every string field holds the decoded value, whatever the encoding-type of
// the request: keys, prefixes, delimiter, markers and StartAfter travel
// URL-encoded only on the wire, when EncodingType is "url". List filters
// therefore always see real keys.
type Result struct {
	// V2 selects the ListObjectsV2 form (KeyCount, ContinuationToken,
	// NextContinuationToken, StartAfter) over the V1 form (Marker, NextMarker).
	V2 bool

	Name      string
	Prefix    string
	Delimiter string
	MaxKeys   int
	// EncodingType is "url" when the caller asked for URL-encoded keys.
	EncodingType string
	// IsTruncated reports that more entries follow this page.
	IsTruncated bool

	// V1 only. NextMarker is where the next page starts.
	Marker     string
	NextMarker string

	// V2 only. NextContinuationToken is S3's opaque token for the next page.
	ContinuationToken     string
	NextContinuationToken string
	StartAfter            string
	// KeyCount is the number of Contents plus CommonPrefixes. It is
	// recomputed whenever the listing is written.
	KeyCount int

	Contents       []Entry
	CommonPrefixes []CommonPrefix
}

// Entry is one object of a listing (a Contents element).
type Entry struct {
	Key          string
	LastModified time.Time // zero when S3 did not send it
	ETag         string
	Size         int64
	StorageClass string
	// ChecksumAlgorithm lists the algorithms of the object's checksums.
	ChecksumAlgorithm []string
	ChecksumType      string
	Owner             *Owner         // only with fetch-owner (V2) or for V1
	RestoreStatus     *RestoreStatus // only when requested with x-amz-optional-object-attributes
}

// Owner is the owner of a listed object.
type Owner struct {
	ID          string
	DisplayName string
}

// RestoreStatus is the restore state of an archived object.
type RestoreStatus struct {
	IsRestoreInProgress bool
	RestoreExpiryDate   time.Time
}

// CommonPrefix is a key prefix that the delimiter rolled up.
type CommonPrefix struct {
	Prefix string
}

// ErrInvalid is wrapped by the errors of [Parse] and of
// writing a listing that S3 clients could not read.
var ErrInvalid = errors.New("invalid ListBucketResult")

// Limits of Parse.
const (
	// MaxBytes is the largest listing document accepted. A page of
	// 1,000 keys of the longest S3 allows, fully escaped, stays below it.
	MaxBytes = 16 << 20
	// maxListEntries bounds Contents plus CommonPrefixes (S3 sends at most 1,000).
	maxListEntries = 10_000
	// maxListDepth bounds element nesting (S3 needs 3).
	maxListDepth = 16
)

const s3Namespace = "http://s3.amazonaws.com/doc/2006-03-01/"

// wire forms for encoding/xml.
type wireList struct {
	XMLName               xml.Name
	Name                  string       `xml:"Name"`
	Prefix                string       `xml:"Prefix"`
	Delimiter             string       `xml:"Delimiter"`
	MaxKeys               int          `xml:"MaxKeys"`
	EncodingType          string       `xml:"EncodingType"`
	IsTruncated           bool         `xml:"IsTruncated"`
	Marker                string       `xml:"Marker"`
	NextMarker            string       `xml:"NextMarker"`
	ContinuationToken     *string      `xml:"ContinuationToken"`
	NextContinuationToken string       `xml:"NextContinuationToken"`
	StartAfter            string       `xml:"StartAfter"`
	KeyCount              *int         `xml:"KeyCount"`
	Contents              []wireEntry  `xml:"Contents"`
	CommonPrefixes        []wirePrefix `xml:"CommonPrefixes"`
}

type wireEntry struct {
	Key               string   `xml:"Key"`
	LastModified      string   `xml:"LastModified"`
	ETag              string   `xml:"ETag"`
	Size              int64    `xml:"Size"`
	StorageClass      string   `xml:"StorageClass"`
	ChecksumAlgorithm []string `xml:"ChecksumAlgorithm"`
	ChecksumType      string   `xml:"ChecksumType"`
	Owner             *Owner   `xml:"Owner"`
	RestoreStatus     *struct {
		IsRestoreInProgress bool   `xml:"IsRestoreInProgress"`
		RestoreExpiryDate   string `xml:"RestoreExpiryDate"`
	} `xml:"RestoreStatus"`
}

type wirePrefix struct {
	Prefix string `xml:"Prefix"`
}

// Parse parses a ListBucketResult document strictly and
// safely: at most [MaxBytes], well-formed UTF-8 XML, no DTD, entity
// declaration or processing instruction (other than the XML declaration), one
// root element named ListBucketResult, nesting and entry counts bounded,
// numbers and timestamps that parse. Unknown elements are ignored, so new S3
// fields do not break it (they are not re-emitted).
//
// V2 is set when the document has a KeyCount or ContinuationToken element.
// With EncodingType "url" the encoded fields are decoded.
func Parse(data []byte) (*Result, error) {
	if len(data) > MaxBytes {
		return nil, fmt.Errorf("%w: %d bytes is larger than %d", ErrInvalid, len(data), MaxBytes)
	}
	raw := xml.NewDecoder(bytes.NewReader(data))
	raw.Strict = true
	st := &safeTokens{d: raw}
	d := xml.NewTokenDecoder(st)

	var root *xml.StartElement
	for root == nil {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				return nil, fmt.Errorf("%w: no root element", ErrInvalid)
			}
			return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			root = &t
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text before the root element", ErrInvalid)
			}
		}
	}
	if root.Name.Local != "ListBucketResult" || (root.Name.Space != "" && root.Name.Space != s3Namespace) {
		return nil, fmt.Errorf("%w: root element is %q, not ListBucketResult", ErrInvalid, root.Name.Local)
	}
	var w wireList
	if err := d.DecodeElement(&w, root); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	for {
		tok, err := d.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
		}
		switch t := tok.(type) {
		case xml.CharData:
			if len(bytes.TrimSpace(t)) > 0 {
				return nil, fmt.Errorf("%w: text after the root element", ErrInvalid)
			}
		case xml.Comment:
		default:
			return nil, fmt.Errorf("%w: content after the root element", ErrInvalid)
		}
	}
	return w.result()
}

func (w *wireList) result() (*Result, error) {
	l := &Result{
		V2:                    w.KeyCount != nil || w.ContinuationToken != nil,
		Name:                  w.Name,
		Prefix:                w.Prefix,
		Delimiter:             w.Delimiter,
		MaxKeys:               w.MaxKeys,
		EncodingType:          w.EncodingType,
		IsTruncated:           w.IsTruncated,
		Marker:                w.Marker,
		NextMarker:            w.NextMarker,
		NextContinuationToken: w.NextContinuationToken,
		StartAfter:            w.StartAfter,
	}
	if w.ContinuationToken != nil {
		l.ContinuationToken = *w.ContinuationToken
	}
	if w.KeyCount != nil {
		l.KeyCount = *w.KeyCount
	}
	if l.MaxKeys < 0 || l.KeyCount < 0 {
		return nil, fmt.Errorf("%w: negative MaxKeys or KeyCount", ErrInvalid)
	}
	var dec func(string) (string, error)
	switch w.EncodingType {
	case "":
		dec = func(s string) (string, error) { return s, nil }
	case "url":
		dec = url.QueryUnescape
	default:
		return nil, fmt.Errorf("%w: unknown EncodingType %q", ErrInvalid, w.EncodingType)
	}
	var err error
	for _, f := range []*string{&l.Prefix, &l.Delimiter, &l.Marker, &l.NextMarker, &l.StartAfter} {
		if *f, err = dec(*f); err != nil {
			return nil, fmt.Errorf("%w: bad URL encoding: %w", ErrInvalid, err)
		}
	}
	if len(w.Contents) > 0 {
		l.Contents = make([]Entry, len(w.Contents))
	}
	for i, we := range w.Contents {
		e := &l.Contents[i]
		if e.Key, err = dec(we.Key); err != nil {
			return nil, fmt.Errorf("%w: bad URL encoding in Contents[%d].Key: %w", ErrInvalid, i, err)
		}
		if e.LastModified, err = parseListTime(we.LastModified); err != nil {
			return nil, fmt.Errorf("%w: Contents[%d].LastModified: %w", ErrInvalid, i, err)
		}
		if we.Size < 0 {
			return nil, fmt.Errorf("%w: Contents[%d].Size is negative", ErrInvalid, i)
		}
		e.ETag, e.Size, e.StorageClass, e.ChecksumType, e.Owner = we.ETag, we.Size, we.StorageClass, we.ChecksumType, we.Owner
		if len(we.ChecksumAlgorithm) > 0 {
			e.ChecksumAlgorithm = we.ChecksumAlgorithm
		}
		if rs := we.RestoreStatus; rs != nil {
			e.RestoreStatus = &RestoreStatus{IsRestoreInProgress: rs.IsRestoreInProgress}
			if e.RestoreStatus.RestoreExpiryDate, err = parseListTime(rs.RestoreExpiryDate); err != nil {
				return nil, fmt.Errorf("%w: Contents[%d].RestoreStatus: %w", ErrInvalid, i, err)
			}
		}
	}
	if len(w.CommonPrefixes) > 0 {
		l.CommonPrefixes = make([]CommonPrefix, len(w.CommonPrefixes))
	}
	for i, p := range w.CommonPrefixes {
		if l.CommonPrefixes[i].Prefix, err = dec(p.Prefix); err != nil {
			return nil, fmt.Errorf("%w: bad URL encoding in CommonPrefixes[%d]: %w", ErrInvalid, i, err)
		}
	}
	return l, nil
}

func parseListTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}, nil
	}
	return time.Parse(time.RFC3339Nano, s)
}

// safeTokens feeds a Decoder the raw tokens of another, refusing what a
// listing never contains: DTDs and other directives (so no entity can be
// declared), processing instructions other than a leading XML declaration,
// deep nesting and too many entries.
type safeTokens struct {
	d       *xml.Decoder
	n       int
	depth   int
	entries int
}

var (
	errListDirective = errors.New("DTD, entity declaration or other directive")
	errListProcInst  = errors.New("processing instruction")
	errListDepth     = fmt.Errorf("elements nested deeper than %d", maxListDepth)
	errListEntries   = fmt.Errorf("more than %d entries", maxListEntries)
)

func (s *safeTokens) Token() (xml.Token, error) {
	tok, err := s.d.RawToken()
	if err != nil {
		return nil, err
	}
	s.n++
	switch t := tok.(type) {
	case xml.Directive:
		return nil, errListDirective
	case xml.ProcInst:
		if t.Target != "xml" || s.n != 1 {
			return nil, errListProcInst
		}
	case xml.StartElement:
		s.depth++
		if s.depth > maxListDepth {
			return nil, errListDepth
		}
		if s.depth == 2 && (t.Name.Local == "Contents" || t.Name.Local == "CommonPrefixes") {
			s.entries++
			if s.entries > maxListEntries {
				return nil, errListEntries
			}
		}
	case xml.EndElement:
		s.depth--
	}
	return tok, nil
}

// listTimeFormat is how S3 writes timestamps in listings.
const listTimeFormat = "2006-01-02T15:04:05.000Z"

// AppendXML appends the listing as an S3 ListBucketResult document to b.
// KeyCount is written as the number of entries (V2). With EncodingType "url"
// keys, prefixes, delimiter, markers and StartAfter are URL-encoded (spaces as
// %20, so both query and path decoders read them back). Strings XML 1.0
// cannot carry (control characters, invalid UTF-8) fail with
// ErrInvalid unless they are URL-encoded.
func (l *Result) AppendXML(b []byte) ([]byte, error) {
	enc, err := l.encoder()
	if err != nil {
		return b, err
	}
	x := &xmlWriter{b: b, enc: enc}
	x.raw(xml.Header)
	x.raw(`<ListBucketResult xmlns="` + s3Namespace + `">`)
	x.elem("Name", l.Name, false)
	x.elem("Prefix", l.Prefix, true)
	if l.V2 {
		if l.ContinuationToken != "" {
			x.elem("ContinuationToken", l.ContinuationToken, false)
		}
		if l.NextContinuationToken != "" {
			x.elem("NextContinuationToken", l.NextContinuationToken, false)
		}
		x.raw("<KeyCount>")
		x.b = strconv.AppendInt(x.b, int64(len(l.Contents)+len(l.CommonPrefixes)), 10)
		x.raw("</KeyCount>")
	} else {
		x.elem("Marker", l.Marker, true)
		if l.NextMarker != "" {
			x.elem("NextMarker", l.NextMarker, true)
		}
	}
	x.raw("<MaxKeys>")
	x.b = strconv.AppendInt(x.b, int64(l.MaxKeys), 10)
	x.raw("</MaxKeys>")
	if l.Delimiter != "" {
		x.elem("Delimiter", l.Delimiter, true)
	}
	if l.EncodingType != "" {
		x.elem("EncodingType", l.EncodingType, false)
	}
	x.raw("<IsTruncated>")
	x.b = strconv.AppendBool(x.b, l.IsTruncated)
	x.raw("</IsTruncated>")
	if l.V2 && l.StartAfter != "" {
		x.elem("StartAfter", l.StartAfter, true)
	}
	for i := range l.Contents {
		e := &l.Contents[i]
		x.raw("<Contents>")
		x.elem("Key", e.Key, true)
		if !e.LastModified.IsZero() {
			x.raw("<LastModified>")
			x.b = e.LastModified.UTC().AppendFormat(x.b, listTimeFormat)
			x.raw("</LastModified>")
		}
		if e.ETag != "" {
			x.elem("ETag", e.ETag, false)
		}
		for _, a := range e.ChecksumAlgorithm {
			x.elem("ChecksumAlgorithm", a, false)
		}
		if e.ChecksumType != "" {
			x.elem("ChecksumType", e.ChecksumType, false)
		}
		x.raw("<Size>")
		x.b = strconv.AppendInt(x.b, e.Size, 10)
		x.raw("</Size>")
		if e.Owner != nil {
			x.raw("<Owner>")
			x.elem("ID", e.Owner.ID, false)
			x.elem("DisplayName", e.Owner.DisplayName, false)
			x.raw("</Owner>")
		}
		if e.StorageClass != "" {
			x.elem("StorageClass", e.StorageClass, false)
		}
		if rs := e.RestoreStatus; rs != nil {
			x.raw("<RestoreStatus><IsRestoreInProgress>")
			x.b = strconv.AppendBool(x.b, rs.IsRestoreInProgress)
			x.raw("</IsRestoreInProgress>")
			if !rs.RestoreExpiryDate.IsZero() {
				x.raw("<RestoreExpiryDate>")
				x.b = rs.RestoreExpiryDate.UTC().AppendFormat(x.b, listTimeFormat)
				x.raw("</RestoreExpiryDate>")
			}
			x.raw("</RestoreStatus>")
		}
		x.raw("</Contents>")
	}
	for _, p := range l.CommonPrefixes {
		x.raw("<CommonPrefixes>")
		x.elem("Prefix", p.Prefix, true)
		x.raw("</CommonPrefixes>")
	}
	x.raw("</ListBucketResult>")
	if x.err != nil {
		return b, x.err
	}
	return x.b, nil
}

// encoder returns the function that encodes key-like fields.
func (l *Result) encoder() (func(string) string, error) {
	switch l.EncodingType {
	case "":
		return nil, nil
	case "url":
		return encodeListKey, nil
	}
	return nil, fmt.Errorf("%w: unknown EncodingType %q", ErrInvalid, l.EncodingType)
}

// encodeListKey URL-encodes s as S3 does for encoding-type=url, but with
// spaces as %20 rather than '+', which path and query decoders both read.
func encodeListKey(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}

type xmlWriter struct {
	b   []byte
	enc func(string) string
	err error
}

func (x *xmlWriter) raw(s string) { x.b = append(x.b, s...) }

// elem writes <name>text</name>; encoded fields are URL-encoded first when
// the listing asks for it.
func (x *xmlWriter) elem(name, text string, encoded bool) {
	if encoded && x.enc != nil {
		text = x.enc(text)
	}
	x.b = append(x.b, '<')
	x.b = append(x.b, name...)
	x.b = append(x.b, '>')
	x.text(name, text)
	x.b = append(x.b, "</"...)
	x.b = append(x.b, name...)
	x.b = append(x.b, '>')
}

func (x *xmlWriter) text(name, s string) {
	last := 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		var esc string
		switch {
		case r == utf8.RuneError && size == 1:
			x.fail(name, "invalid UTF-8")
			return
		case r == '&':
			esc = "&amp;"
		case r == '<':
			esc = "&lt;"
		case r == '>':
			esc = "&gt;"
		case r == '"':
			esc = "&quot;"
		case r == '\r':
			esc = "&#13;"
		case !xmlChar(r):
			x.fail(name, "a character XML 1.0 cannot carry (list with encoding-type=url)")
			return
		}
		if esc != "" {
			x.b = append(x.b, s[last:i]...)
			x.b = append(x.b, esc...)
			last = i + size
		}
		i += size
	}
	x.b = append(x.b, s[last:]...)
}

func (x *xmlWriter) fail(name, why string) {
	if x.err == nil {
		x.err = fmt.Errorf("%w: %s holds %s", ErrInvalid, name, why)
	}
}

// xmlChar reports whether r is a Char of the XML 1.0 grammar.
func xmlChar(r rune) bool {
	return r == 0x09 || r == 0x0A || r == 0x0D ||
		r >= 0x20 && r <= 0xD7FF ||
		r >= 0xE000 && r <= 0xFFFD ||
		r >= 0x10000 && r <= 0x10FFFF
}

// JSON form: the listBucketResult object of an S3 Object Lambda LIST reply,
// lowerCamelCase, with the fields AWS documents.
type jsonList struct {
	Name                  string       `json:"name"`
	Prefix                string       `json:"prefix"`
	Marker                *string      `json:"marker,omitempty"`
	NextMarker            string       `json:"nextMarker,omitempty"`
	StartAfter            string       `json:"startAfter,omitempty"`
	ContinuationToken     string       `json:"continuationToken,omitempty"`
	NextContinuationToken string       `json:"nextContinuationToken,omitempty"`
	KeyCount              *int         `json:"keyCount,omitempty"`
	MaxKeys               int          `json:"maxKeys"`
	Delimiter             string       `json:"delimiter,omitempty"`
	EncodingType          string       `json:"encodingType,omitempty"`
	IsTruncated           bool         `json:"isTruncated"`
	Contents              []jsonEntry  `json:"contents,omitempty"`
	CommonPrefixes        []jsonPrefix `json:"commonPrefixes,omitempty"`
}

type jsonEntry struct {
	Key               string     `json:"key"`
	LastModified      string     `json:"lastModified,omitempty"`
	ETag              string     `json:"eTag,omitempty"`
	ChecksumAlgorithm string     `json:"checksumAlgorithm,omitempty"`
	Size              int64      `json:"size"`
	Owner             *jsonOwner `json:"owner,omitempty"`
	StorageClass      string     `json:"storageClass,omitempty"`
}

type jsonOwner struct {
	DisplayName string `json:"displayName"`
	ID          string `json:"id"`
}

type jsonPrefix struct {
	Prefix string `json:"prefix"`
}

// MarshalJSON writes the listing as the listBucketResult object of an S3
// Object Lambda reply (lowerCamelCase fields, the V1 or V2 set), with
// KeyCount recomputed and key-like fields URL-encoded when EncodingType is
// "url". The JSON form has room for one checksum algorithm per entry and no
// ChecksumType or RestoreStatus; those are left out.
func (l *Result) MarshalJSON() ([]byte, error) {
	enc, err := l.encoder()
	if err != nil {
		return nil, err
	}
	if enc == nil {
		enc = func(s string) string { return s }
	}
	var bad error
	check := func(name, s string) string {
		if bad == nil {
			if err := checkXMLText(s); err != nil {
				bad = fmt.Errorf("%w: %s holds %v", ErrInvalid, name, err)
			}
		}
		return s
	}
	j := jsonList{
		Name:         check("Name", l.Name),
		Prefix:       check("Prefix", enc(l.Prefix)),
		MaxKeys:      l.MaxKeys,
		Delimiter:    check("Delimiter", enc(l.Delimiter)),
		EncodingType: l.EncodingType,
		IsTruncated:  l.IsTruncated,
	}
	if l.V2 {
		n := len(l.Contents) + len(l.CommonPrefixes)
		j.KeyCount = &n
		j.StartAfter = check("StartAfter", enc(l.StartAfter))
		j.ContinuationToken = check("ContinuationToken", l.ContinuationToken)
		j.NextContinuationToken = check("NextContinuationToken", l.NextContinuationToken)
	} else {
		m := check("Marker", enc(l.Marker))
		j.Marker = &m
		j.NextMarker = check("NextMarker", enc(l.NextMarker))
	}
	if len(l.Contents) > 0 {
		j.Contents = make([]jsonEntry, len(l.Contents))
	}
	for i := range l.Contents {
		e := &l.Contents[i]
		je := &j.Contents[i]
		je.Key = check("Key", enc(e.Key))
		if !e.LastModified.IsZero() {
			je.LastModified = e.LastModified.UTC().Format(listTimeFormat)
		}
		je.ETag = check("ETag", e.ETag)
		if len(e.ChecksumAlgorithm) > 0 {
			je.ChecksumAlgorithm = check("ChecksumAlgorithm", e.ChecksumAlgorithm[0])
		}
		je.Size = e.Size
		if e.Owner != nil {
			je.Owner = &jsonOwner{DisplayName: check("DisplayName", e.Owner.DisplayName), ID: check("ID", e.Owner.ID)}
		}
		je.StorageClass = check("StorageClass", e.StorageClass)
	}
	if len(l.CommonPrefixes) > 0 {
		j.CommonPrefixes = make([]jsonPrefix, len(l.CommonPrefixes))
	}
	for i, p := range l.CommonPrefixes {
		j.CommonPrefixes[i].Prefix = check("Prefix", enc(p.Prefix))
	}
	if bad != nil {
		return nil, bad
	}
	return json.Marshal(j)
}

func checkXMLText(s string) error {
	for i, r := range s {
		if r == utf8.RuneError {
			if _, size := utf8.DecodeRuneInString(s[i:]); size == 1 {
				return errors.New("invalid UTF-8")
			}
		}
		if !xmlChar(r) {
			return errors.New("a character XML 1.0 cannot carry (list with encoding-type=url)")
		}
	}
	return nil
}

// jsonListIn is the JSON form as read: pointers tell a missing required
// field from a zero one.
type jsonListIn struct {
	Name                  *string        `json:"name"`
	Prefix                string         `json:"prefix"`
	Marker                string         `json:"marker"`
	NextMarker            string         `json:"nextMarker"`
	StartAfter            string         `json:"startAfter"`
	ContinuationToken     *string        `json:"continuationToken"`
	NextContinuationToken string         `json:"nextContinuationToken"`
	KeyCount              *int           `json:"keyCount"`
	MaxKeys               *int           `json:"maxKeys"`
	Delimiter             string         `json:"delimiter"`
	EncodingType          string         `json:"encodingType"`
	IsTruncated           *bool          `json:"isTruncated"`
	Contents              []jsonEntryIn  `json:"contents"`
	CommonPrefixes        []jsonPrefixIn `json:"commonPrefixes"`
}

type jsonEntryIn struct {
	Key               *string `json:"key"`
	LastModified      string  `json:"lastModified"`
	ETag              string  `json:"eTag"`
	ChecksumAlgorithm string  `json:"checksumAlgorithm"`
	Size              *int64  `json:"size"`
	Owner             *struct {
		DisplayName *string `json:"displayName"`
		ID          *string `json:"id"`
	} `json:"owner"`
	StorageClass string `json:"storageClass"`
}

type jsonPrefixIn struct {
	Prefix *string `json:"prefix"`
}

// UnmarshalJSON reads the listBucketResult object of an S3 Object Lambda
// LIST reply, the form MarshalJSON writes, as strictly as S3 Object Lambda
// does: an unknown field; a missing name, maxKeys or isTruncated; an entry
// without key or size; an owner without id and displayName; a common
// prefix without prefix; a negative number, a timestamp that does not
// parse, more than MaxBytes or too many entries are errors wrapping
// ErrInvalid. V2 is set when keyCount or continuationToken is
// present (a ListObjectsV2 reply must have keyCount). With encodingType
// "url" the encoded fields are decoded, as Parse does.
func (l *Result) UnmarshalJSON(data []byte) error {
	if len(data) > MaxBytes {
		return fmt.Errorf("%w: %d bytes is larger than %d", ErrInvalid, len(data), MaxBytes)
	}
	var j jsonListIn
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&j); err != nil {
		return fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if dec.More() {
		return fmt.Errorf("%w: content after the listing", ErrInvalid)
	}
	if j.Name == nil || j.MaxKeys == nil || j.IsTruncated == nil {
		return fmt.Errorf("%w: name, maxKeys and isTruncated are required", ErrInvalid)
	}
	if len(j.Contents)+len(j.CommonPrefixes) > maxListEntries {
		return fmt.Errorf("%w: %w", ErrInvalid, errListEntries)
	}
	w := wireList{
		Name: *j.Name, Prefix: j.Prefix, Delimiter: j.Delimiter, MaxKeys: *j.MaxKeys, EncodingType: j.EncodingType,
		IsTruncated: *j.IsTruncated, Marker: j.Marker, NextMarker: j.NextMarker, ContinuationToken: j.ContinuationToken,
		NextContinuationToken: j.NextContinuationToken, StartAfter: j.StartAfter, KeyCount: j.KeyCount,
	}
	for i, e := range j.Contents {
		if e.Key == nil || e.Size == nil {
			return fmt.Errorf("%w: contents[%d] needs key and size", ErrInvalid, i)
		}
		we := wireEntry{Key: *e.Key, LastModified: e.LastModified, ETag: e.ETag, Size: *e.Size, StorageClass: e.StorageClass}
		if e.ChecksumAlgorithm != "" {
			we.ChecksumAlgorithm = []string{e.ChecksumAlgorithm}
		}
		if o := e.Owner; o != nil {
			if o.ID == nil || o.DisplayName == nil {
				return fmt.Errorf("%w: contents[%d].owner needs id and displayName", ErrInvalid, i)
			}
			we.Owner = &Owner{ID: *o.ID, DisplayName: *o.DisplayName}
		}
		w.Contents = append(w.Contents, we)
	}
	for i, p := range j.CommonPrefixes {
		if p.Prefix == nil {
			return fmt.Errorf("%w: commonPrefixes[%d] needs prefix", ErrInvalid, i)
		}
		w.CommonPrefixes = append(w.CommonPrefixes, wirePrefix{Prefix: *p.Prefix})
	}
	r, err := w.result()
	if err != nil {
		return err
	}
	*l = *r
	return nil
}
