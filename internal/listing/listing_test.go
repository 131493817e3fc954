package listing

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const s3V2Page = `<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>bucket</Name><Prefix>photos%2F</Prefix><ContinuationToken>1ueGcxLPRx1Tr</ContinuationToken>
  <NextContinuationToken>2xyz</NextContinuationToken><KeyCount>3</KeyCount><MaxKeys>2</MaxKeys>
  <Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>
  <StartAfter>photos%2Fa</StartAfter>
  <Contents>
    <Key>photos%2Fa+b%26c.jpg</Key><LastModified>2009-10-12T17:50:30.123Z</LastModified>
    <ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>
    <ChecksumAlgorithm>CRC32</ChecksumAlgorithm><ChecksumAlgorithm>SHA256</ChecksumAlgorithm><ChecksumType>FULL_OBJECT</ChecksumType>
    <Size>434234</Size><Owner><ID>75aa57f0</ID><DisplayName>mtd</DisplayName></Owner><StorageClass>GLACIER</StorageClass>
    <RestoreStatus><IsRestoreInProgress>false</IsRestoreInProgress><RestoreExpiryDate>2012-12-21T00:00:00.000Z</RestoreExpiryDate></RestoreStatus>
    <FutureField><Nested>ignored</Nested></FutureField>
  </Contents>
  <Contents><Key>photos%2F%F0%9F%98%80</Key><Size>0</Size></Contents>
  <CommonPrefixes><Prefix>photos%2F2006%2F</Prefix></CommonPrefixes>
</ListBucketResult>`

func TestParse(t *testing.T) {
	l, err := Parse([]byte(s3V2Page))
	require.NoError(t, err)
	want := &Result{
		V2: true, Name: "bucket", Prefix: "photos/", Delimiter: "/", MaxKeys: 2, EncodingType: "url", IsTruncated: true,
		ContinuationToken: "1ueGcxLPRx1Tr", NextContinuationToken: "2xyz", StartAfter: "photos/a", KeyCount: 3,
		Contents: []Entry{
			{
				Key: "photos/a b&c.jpg", LastModified: time.Date(2009, 10, 12, 17, 50, 30, 123e6, time.UTC),
				ETag: `"fba9dede5f27731c9771645a39863328"`, Size: 434234, StorageClass: "GLACIER",
				ChecksumAlgorithm: []string{"CRC32", "SHA256"}, ChecksumType: "FULL_OBJECT",
				Owner:         &Owner{ID: "75aa57f0", DisplayName: "mtd"},
				RestoreStatus: &RestoreStatus{RestoreExpiryDate: time.Date(2012, 12, 21, 0, 0, 0, 0, time.UTC)},
			},
			{Key: "photos/😀"},
		},
		CommonPrefixes: []CommonPrefix{{Prefix: "photos/2006/"}},
	}
	assert.Equal(t, want, l)

	out, err := l.AppendXML(nil)
	require.NoError(t, err)
	assert.Contains(t, string(out), "<Key>photos%2Fa%20b%26c.jpg</Key>")
	assert.Contains(t, string(out), "<KeyCount>3</KeyCount>")
	assert.Contains(t, string(out), "<LastModified>2009-10-12T17:50:30.123Z</LastModified>")
	assert.Contains(t, string(out), "<ETag>&quot;fba9dede5f27731c9771645a39863328&quot;</ETag>")
	assert.NotContains(t, string(out), "FutureField")
	again, err := Parse(out)
	require.NoError(t, err)
	assert.Equal(t, want, again, "emit and parse round-trip")
}

func TestWrite(t *testing.T) {
	tests := []struct {
		name    string
		l       Result
		want    []string
		wantErr bool
	}{
		{name: "v1 keeps Marker and counts nothing", l: Result{Name: "b", KeyCount: 99, Contents: []Entry{{Key: "a<&>\"'\r\n\tz"}}},
			want: []string{"<Marker></Marker>", "<Key>a&lt;&amp;&gt;&quot;'&#13;\n\tz</Key>"}},
		{name: "v2 KeyCount recomputed", l: Result{V2: true, KeyCount: 99, Contents: []Entry{{Key: "a"}}, CommonPrefixes: []CommonPrefix{{Prefix: "p/"}}},
			want: []string{"<KeyCount>2</KeyCount>"}},
		{name: "control character without encoding", l: Result{Contents: []Entry{{Key: "a\x01"}}}, wantErr: true},
		{name: "invalid UTF-8", l: Result{CommonPrefixes: []CommonPrefix{{Prefix: "\xff"}}}, wantErr: true},
		{name: "control character encoded", l: Result{EncodingType: "url", Contents: []Entry{{Key: "a\x01 +"}}}, want: []string{"<Key>a%01%20%2B</Key>"}},
		{name: "unknown encoding", l: Result{EncodingType: "base64"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.l.AppendXML([]byte("prefix:"))
			_, jerr := json.Marshal(&tt.l)
			if tt.wantErr {
				require.Error(t, err)
				assert.True(t, errors.Is(err, ErrInvalid))
				assert.Equal(t, "prefix:", string(out), "nothing appended on error")
				require.Error(t, jerr, "the JSON form refuses the same values")
				return
			}
			require.NoError(t, err)
			require.NoError(t, jerr)
			for _, w := range tt.want {
				assert.Contains(t, string(out), w)
			}
			_, err = Parse(out[len("prefix:"):])
			require.NoError(t, err)
		})
	}
}

func TestParseLimits(t *testing.T) {
	tooMany := "<ListBucketResult>" + strings.Repeat("<CommonPrefixes><Prefix>p</Prefix></CommonPrefixes>", maxListEntries+1) + "</ListBucketResult>"
	_, err := Parse([]byte(tooMany))
	require.ErrorIs(t, err, ErrInvalid)
	assert.ErrorContains(t, err, "entries")

	huge := make([]byte, MaxBytes+1)
	_, err = Parse(huge)
	require.ErrorIs(t, err, ErrInvalid)

	for _, doc := range []string{"", "   ", "text", "<ListBucketResult>", `<Other xmlns="x"/>`, `<ListBucketResult xmlns="urn:other"/>`,
		"<ListBucketResult><MaxKeys>-1</MaxKeys></ListBucketResult>", "<ListBucketResult><EncodingType>zip</EncodingType></ListBucketResult>",
		"<ListBucketResult><EncodingType>url</EncodingType><Prefix>%zz</Prefix></ListBucketResult>", "<ListBucketResult/>trailing"} {
		_, err := Parse([]byte(doc))
		assert.ErrorIs(t, err, ErrInvalid, "%q", doc)
	}
	l, err := Parse([]byte("<!-- hi --><ListBucketResult/><!-- bye -->\n"))
	require.NoError(t, err)
	assert.False(t, l.V2)
}

// FuzzParse checks that the parser never panics and that
// what it accepts is written back as XML it parses again to the same value.
func FuzzParse(f *testing.F) {
	f.Add([]byte(s3V2Page))
	f.Add([]byte(`<ListBucketResult><Name>b</Name><Marker></Marker><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b</Key><Size>1</Size></Contents></ListBucketResult>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><ListBucketResult><Name>&a;</Name></ListBucketResult>`))
	f.Add([]byte(`<ListBucketResult><Contents><Key>&#13;&#x1F600;</Key><LastModified>2024-01-02T03:04:05.999999999+02:00</LastModified></Contents></ListBucketResult>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := Parse(data)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		out, err := l.AppendXML(nil)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("write error does not wrap ErrInvalid: %v", err)
			}
			return
		}
		l2, err := Parse(out)
		if err != nil {
			t.Fatalf("written listing does not parse: %v\n%s", err, out)
		}
		out2, err := l2.AppendXML(nil)
		if err != nil {
			t.Fatalf("second write: %v", err)
		}
		if string(out) != string(out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
		if _, err := json.Marshal(l2); err != nil && !errors.Is(err, ErrInvalid) {
			t.Fatalf("JSON: %v", err)
		}
	})
}

// BenchmarkParse compares the strict parser with encoding/xml alone
// decoding the same page into a plain struct (the scale it is measured
// against).
func BenchmarkParse(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><KeyCount>1000</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>`)
	for i := range 1000 {
		fmt.Fprintf(&sb, `<Contents><Key>logs/2026/%06d.json</Key><LastModified>2026-01-02T03:04:05.000Z</LastModified><ETag>"e%d"</ETag><Size>%d</Size><StorageClass>STANDARD</StorageClass></Contents>`, i, i, i)
	}
	sb.WriteString(`</ListBucketResult>`)
	page := []byte(sb.String())
	var base float64
	b.Run("stdlib-xml-unmarshal", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			var w wireList
			if err := xml.Unmarshal(page, &w); err != nil {
				b.Fatal(err)
			}
		}
		base = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(page)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := Parse(page); err != nil {
				b.Fatal(err)
			}
		}
		if base > 0 {
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/base, "x-stdlib")
		}
	})
}
