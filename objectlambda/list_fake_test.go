package objectlambda

import (
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// fakeLister answers ListObjects and ListObjectsV2 like S3 (prefix,
// delimiter, max-keys, marker, start-after, continuation-token,
// encoding-type) over a fixed set of keys.
type fakeLister struct {
	keys []string
	// ignoreEncoding answers encoding-type=url with raw keys and no
	// EncodingType element, as versitygw does.
	ignoreEncoding bool

	mu       sync.Mutex
	requests []url.Values
}

func newFakeLister(keys ...string) *fakeLister {
	k := append([]string(nil), keys...)
	sort.Strings(k)
	return &fakeLister{keys: k}
}

func (f *fakeLister) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f.mu.Lock()
	f.requests = append(f.requests, q)
	f.mu.Unlock()
	v2 := q.Get("list-type") == "2"
	prefix, delim := q.Get("prefix"), q.Get("delimiter")
	maxKeys := 1000
	if s := q.Get("max-keys"); s != "" {
		maxKeys, _ = strconv.Atoi(s)
	}
	after := q.Get("marker")
	if v2 {
		after = q.Get("start-after")
		if tok := q.Get("continuation-token"); tok != "" {
			b, err := hex.DecodeString(strings.TrimPrefix(tok, "tok-"))
			if err != nil {
				w.WriteHeader(400)
				fmt.Fprint(w, `<Error><Code>InvalidArgument</Code><Message>The continuation token provided is incorrect</Message></Error>`)
				return
			}
			after = string(b)
		}
	}
	encode := q.Get("encoding-type") == "url" && !f.ignoreEncoding
	enc := func(s string) string {
		if encode {
			return url.QueryEscape(s) // S3 style: spaces as '+'
		}
		return s
	}
	type item struct {
		key    string
		prefix bool
	}
	var items []item
	truncated := false
	last := ""
	for _, k := range f.keys {
		if k <= after || !strings.HasPrefix(k, prefix) {
			continue
		}
		it := item{key: k}
		if delim != "" {
			if i := strings.Index(k[len(prefix):], delim); i >= 0 {
				cp := k[:len(prefix)+i+len(delim)]
				if cp <= after || len(items) > 0 && items[len(items)-1].key == cp {
					continue
				}
				it = item{key: cp, prefix: true}
			}
		}
		if len(items) == maxKeys {
			truncated = true
			break
		}
		items = append(items, it)
		last = it.key
	}
	var b strings.Builder
	esc := func(s string) string {
		var sb strings.Builder
		_ = xml.EscapeText(&sb, []byte(s))
		return sb.String()
	}
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`)
	fmt.Fprintf(&b, "<Name>bucket</Name><Prefix>%s</Prefix>", esc(enc(prefix)))
	if v2 {
		if tok := q.Get("continuation-token"); tok != "" {
			fmt.Fprintf(&b, "<ContinuationToken>%s</ContinuationToken>", esc(tok))
		}
		if truncated {
			fmt.Fprintf(&b, "<NextContinuationToken>tok-%s</NextContinuationToken>", hex.EncodeToString([]byte(last)))
		}
		fmt.Fprintf(&b, "<KeyCount>%d</KeyCount>", len(items))
	} else {
		fmt.Fprintf(&b, "<Marker>%s</Marker>", esc(enc(q.Get("marker"))))
		if truncated && delim != "" {
			fmt.Fprintf(&b, "<NextMarker>%s</NextMarker>", esc(enc(last)))
		}
	}
	fmt.Fprintf(&b, "<MaxKeys>%d</MaxKeys>", maxKeys)
	if delim != "" {
		fmt.Fprintf(&b, "<Delimiter>%s</Delimiter>", esc(enc(delim)))
	}
	if encode {
		b.WriteString("<EncodingType>url</EncodingType>")
	}
	fmt.Fprintf(&b, "<IsTruncated>%t</IsTruncated>", truncated)
	if s := q.Get("start-after"); v2 && s != "" {
		fmt.Fprintf(&b, "<StartAfter>%s</StartAfter>", esc(enc(s)))
	}
	for _, it := range items {
		if !it.prefix {
			fmt.Fprintf(&b, `<Contents><Key>%s</Key><LastModified>2024-01-02T03:04:05.000Z</LastModified><ETag>&quot;e%d&quot;</ETag><ChecksumAlgorithm>CRC32</ChecksumAlgorithm><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>`,
				esc(enc(it.key)), len(it.key), len(it.key))
		}
	}
	for _, it := range items {
		if it.prefix {
			fmt.Fprintf(&b, "<CommonPrefixes><Prefix>%s</Prefix></CommonPrefixes>", esc(enc(it.key)))
		}
	}
	b.WriteString("</ListBucketResult>")
	w.Header().Set("Content-Type", "application/xml")
	fmt.Fprint(w, b.String())
}

// clientList is an independent decoding of a listing, as an S3 client
// would read it (encoding/xml, URL-decoding when EncodingType is url).
type clientList struct {
	Name                  string
	Prefix                string
	Delimiter             string
	EncodingType          string
	IsTruncated           bool
	Marker                string
	NextMarker            string
	ContinuationToken     string
	NextContinuationToken string
	KeyCount              *int
	MaxKeys               int
	Contents              []struct {
		Key          string
		Size         int64
		ETag         string
		LastModified string
	}
	CommonPrefixes []struct{ Prefix string }
}

func decodeClientList(t testing.TB, doc string) clientList {
	t.Helper()
	var l clientList
	require.NoError(t, xml.Unmarshal([]byte(doc), &l), doc)
	if l.EncodingType == "url" {
		dec := func(s *string) {
			v, err := url.QueryUnescape(*s)
			require.NoError(t, err)
			*s = v
		}
		dec(&l.Prefix)
		dec(&l.Delimiter)
		dec(&l.Marker)
		dec(&l.NextMarker)
		for i := range l.Contents {
			dec(&l.Contents[i].Key)
		}
		for i := range l.CommonPrefixes {
			dec(&l.CommonPrefixes[i].Prefix)
		}
	}
	return l
}

// pageAll lists through the handler page by page, as a paginator does, and
// returns every key and common prefix seen.
func pageAll(t testing.TB, hs *harness, h *Handler, op Operation, query string, maxPages int) (keys, prefixes []string, pages []clientList) {
	t.Helper()
	next := ""
	for i := 0; ; i++ {
		require.Less(t, i, maxPages, "paging does not end")
		q := query
		if next != "" {
			if op == OpListObjectsV2 {
				q = join(q, "continuation-token="+url.QueryEscape(next))
			} else {
				q = join(q, "marker="+url.QueryEscape(next))
			}
		}
		r := listInvoke(t, h, eventFor(hs, op, q))
		require.Equal(t, 200, r.StatusCode, "%s: %s", r.ErrorCode, r.ErrorMessage)
		require.NotNil(t, r.ListResultXML)
		l := decodeClientList(t, *r.ListResultXML)
		pages = append(pages, l)
		for _, c := range l.Contents {
			keys = append(keys, c.Key)
		}
		for _, p := range l.CommonPrefixes {
			prefixes = append(prefixes, p.Prefix)
		}
		if op == OpListObjectsV2 {
			require.NotNil(t, l.KeyCount)
			require.Equal(t, len(l.Contents)+len(l.CommonPrefixes), *l.KeyCount, "KeyCount counts what is returned")
		}
		if !l.IsTruncated {
			return keys, prefixes, pages
		}
		if op == OpListObjectsV2 {
			next = l.NextContinuationToken
		} else {
			next = l.NextMarker
			if next == "" && len(l.Contents) > 0 {
				next = l.Contents[len(l.Contents)-1].Key
			}
		}
		require.NotEmpty(t, next, "a truncated page names where the next one starts")
	}
}
