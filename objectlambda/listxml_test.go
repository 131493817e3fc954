package objectlambda

import (
	"encoding/json"
	"errors"
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

func TestParseListBucketResult(t *testing.T) {
	l, err := ParseListBucketResult([]byte(s3V2Page))
	require.NoError(t, err)
	want := &ListBucketResult{
		V2: true, Name: "bucket", Prefix: "photos/", Delimiter: "/", MaxKeys: 2, EncodingType: "url", IsTruncated: true,
		ContinuationToken: "1ueGcxLPRx1Tr", NextContinuationToken: "2xyz", StartAfter: "photos/a", KeyCount: 3,
		Contents: []ListEntry{
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
	again, err := ParseListBucketResult(out)
	require.NoError(t, err)
	assert.Equal(t, want, again, "emit and parse round-trip")
}

func TestListBucketResultWrite(t *testing.T) {
	tests := []struct {
		name    string
		l       ListBucketResult
		want    []string
		wantErr bool
	}{
		{name: "v1 keeps Marker and counts nothing", l: ListBucketResult{Name: "b", KeyCount: 99, Contents: []ListEntry{{Key: "a<&>\"'\r\n\tz"}}},
			want: []string{"<Marker></Marker>", "<Key>a&lt;&amp;&gt;&quot;'&#13;\n\tz</Key>"}},
		{name: "v2 KeyCount recomputed", l: ListBucketResult{V2: true, KeyCount: 99, Contents: []ListEntry{{Key: "a"}}, CommonPrefixes: []CommonPrefix{{Prefix: "p/"}}},
			want: []string{"<KeyCount>2</KeyCount>"}},
		{name: "control character without encoding", l: ListBucketResult{Contents: []ListEntry{{Key: "a\x01"}}}, wantErr: true},
		{name: "invalid UTF-8", l: ListBucketResult{CommonPrefixes: []CommonPrefix{{Prefix: "\xff"}}}, wantErr: true},
		{name: "control character encoded", l: ListBucketResult{EncodingType: "url", Contents: []ListEntry{{Key: "a\x01 +"}}}, want: []string{"<Key>a%01%20%2B</Key>"}},
		{name: "unknown encoding", l: ListBucketResult{EncodingType: "base64"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := tt.l.AppendXML([]byte("prefix:"))
			_, jerr := json.Marshal(&tt.l)
			if tt.wantErr {
				require.Error(t, err)
				assert.True(t, errors.Is(err, ErrInvalidListing))
				assert.Equal(t, "prefix:", string(out), "nothing appended on error")
				require.Error(t, jerr, "the JSON form refuses the same values")
				return
			}
			require.NoError(t, err)
			require.NoError(t, jerr)
			for _, w := range tt.want {
				assert.Contains(t, string(out), w)
			}
			_, err = ParseListBucketResult(out[len("prefix:"):])
			require.NoError(t, err)
		})
	}
}

func TestParseListBucketResultLimits(t *testing.T) {
	tooMany := "<ListBucketResult>" + strings.Repeat("<CommonPrefixes><Prefix>p</Prefix></CommonPrefixes>", maxListEntries+1) + "</ListBucketResult>"
	_, err := ParseListBucketResult([]byte(tooMany))
	require.ErrorIs(t, err, ErrInvalidListing)
	assert.ErrorContains(t, err, "entries")

	huge := make([]byte, MaxListingBytes+1)
	_, err = ParseListBucketResult(huge)
	require.ErrorIs(t, err, ErrInvalidListing)

	for _, doc := range []string{"", "   ", "text", "<ListBucketResult>", `<Other xmlns="x"/>`, `<ListBucketResult xmlns="urn:other"/>`,
		"<ListBucketResult><MaxKeys>-1</MaxKeys></ListBucketResult>", "<ListBucketResult><EncodingType>zip</EncodingType></ListBucketResult>",
		"<ListBucketResult><EncodingType>url</EncodingType><Prefix>%zz</Prefix></ListBucketResult>", "<ListBucketResult/>trailing"} {
		_, err := ParseListBucketResult([]byte(doc))
		assert.ErrorIs(t, err, ErrInvalidListing, "%q", doc)
	}
	l, err := ParseListBucketResult([]byte("<!-- hi --><ListBucketResult/><!-- bye -->\n"))
	require.NoError(t, err)
	assert.False(t, l.V2)
}

// FuzzParseListBucketResult checks that the parser never panics and that
// what it accepts is written back as XML it parses again to the same value.
func FuzzParseListBucketResult(f *testing.F) {
	f.Add([]byte(s3V2Page))
	f.Add([]byte(`<ListBucketResult><Name>b</Name><Marker></Marker><IsTruncated>true</IsTruncated><Contents><Key>a&amp;b</Key><Size>1</Size></Contents></ListBucketResult>`))
	f.Add([]byte(`<!DOCTYPE x [<!ENTITY a "b">]><ListBucketResult><Name>&a;</Name></ListBucketResult>`))
	f.Add([]byte(`<ListBucketResult><Contents><Key>&#13;&#x1F600;</Key><LastModified>2024-01-02T03:04:05.999999999+02:00</LastModified></Contents></ListBucketResult>`))
	f.Fuzz(func(t *testing.T, data []byte) {
		l, err := ParseListBucketResult(data)
		if err != nil {
			if !errors.Is(err, ErrInvalidListing) {
				t.Fatalf("error does not wrap ErrInvalidListing: %v", err)
			}
			return
		}
		out, err := l.AppendXML(nil)
		if err != nil {
			if !errors.Is(err, ErrInvalidListing) {
				t.Fatalf("write error does not wrap ErrInvalidListing: %v", err)
			}
			return
		}
		l2, err := ParseListBucketResult(out)
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
		if _, err := json.Marshal(l2); err != nil && !errors.Is(err, ErrInvalidListing) {
			t.Fatalf("JSON: %v", err)
		}
	})
}
