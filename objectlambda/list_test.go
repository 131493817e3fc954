package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/objectlambda/sdk-go/s3err"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testKeys mixes tenants, instruction files, folders and special characters.
func testKeys() []string {
	var keys []string
	for i := range 12 {
		keys = append(keys, fmt.Sprintf("tenants/alice/doc-%02d.txt", i))
		keys = append(keys, fmt.Sprintf("tenants/bob/doc-%02d.txt", i))
	}
	keys = append(keys,
		"tenants/alice/secret.bin", "tenants/alice/secret.bin.instruction",
		"tenants/alice/sub/a b+c&d<e>.txt", "tenants/alice/sub/ünï 😀.txt", "tenants/alice/sub/100%.txt",
		"tenants/bob/sub/x.txt", "top.txt", "top.txt.instruction",
	)
	return keys
}

func filterKeys(keys []string, keep func(string) bool) []string {
	var out []string
	for _, k := range keys {
		if keep(k) {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// tenantFromAttribute is a TenantFunc of one's own: the tenant named by a
// session attribute, which AWS's events do not carry but other emitters may.
func tenantFromAttribute(name, format string) TenantFunc {
	return func(_ context.Context, r *Request) (string, error) {
		return tenantPrefix(format, r.Caller.SessionAttributes[name])
	}
}

func TestListPaging(t *testing.T) {
	all := testKeys()
	noInstr := func(k string) bool { return !strings.HasSuffix(k, ".instruction") }
	alice := func(k string) bool { return strings.HasPrefix(k, "tenants/alice/") }
	tenant := WithTenantPrefix(tenantFromAttribute("tenant", "tenants/%s/"))
	decrypting := WithDecryption(aesKeyring(t, 1, "a")) // hides instruction files
	tests := []struct {
		name         string
		op           Operation
		opts         []Option
		query        string
		ignoreEnc    bool
		wantKeys     []string
		wantPrefixes []string
	}{
		{name: "v2 no filter", op: OpListObjectsV2, query: "max-keys=5", wantKeys: filterKeys(all, func(string) bool { return true })},
		{name: "v2 hide instruction files", op: OpListObjectsV2, opts: []Option{decrypting}, query: "max-keys=3", wantKeys: filterKeys(all, noInstr)},
		{name: "v2 rewrapping hides instruction files", op: OpListObjectsV2, opts: []Option{WithRewrap(aesKeyring(t, 1, "a"), aesKeyring(t, 2, "b"))}, query: "max-keys=3", wantKeys: filterKeys(all, noInstr)},
		{name: "v2 tenant from parent prefix", op: OpListObjectsV2, opts: []Option{tenant}, query: "max-keys=4", wantKeys: filterKeys(all, alice)},
		{name: "v2 tenant inside prefix with delimiter", op: OpListObjectsV2, opts: []Option{tenant, decrypting}, query: "prefix=tenants%2Falice%2F&delimiter=%2F&max-keys=4",
			wantKeys: filterKeys(all, func(k string) bool { return alice(k) && noInstr(k) && !strings.Contains(k, "/sub/") }), wantPrefixes: []string{"tenants/alice/sub/"}},
		{name: "v2 tenant at the root with delimiter", op: OpListObjectsV2, opts: []Option{tenant}, query: "delimiter=%2F", wantPrefixes: []string{"tenants/"}},
		{name: "v2 tenant one level down", op: OpListObjectsV2, opts: []Option{tenant}, query: "prefix=tenants%2F&delimiter=%2F&max-keys=1", wantPrefixes: []string{"tenants/alice/"}},
		{name: "v2 url encoding from S3", op: OpListObjectsV2, opts: []Option{decrypting}, query: "encoding-type=url&prefix=tenants%2Falice%2Fsub%2F&max-keys=1",
			wantKeys: filterKeys(all, func(k string) bool { return strings.HasPrefix(k, "tenants/alice/sub/") })},
		{name: "v2 url encoding from a server that ignores it", op: OpListObjectsV2, ignoreEnc: true, query: "encoding-type=url&prefix=tenants%2Falice%2Fsub%2F&max-keys=2",
			wantKeys: filterKeys(all, func(k string) bool { return strings.HasPrefix(k, "tenants/alice/sub/") })},
		{name: "v1 no delimiter, hidden page ends", op: OpListObjects, opts: []Option{decrypting}, query: "max-keys=1", wantKeys: filterKeys(all, noInstr)},
		{name: "v1 tenant inside prefix", op: OpListObjects, opts: []Option{tenant}, query: "prefix=tenants%2Falice%2F&max-keys=5", wantKeys: filterKeys(all, alice)},
		{name: "v1 delimiter", op: OpListObjects, query: "delimiter=%2F&max-keys=1", wantKeys: []string{"top.txt", "top.txt.instruction"}, wantPrefixes: []string{"tenants/"}},
		{name: "v1 url encoding", op: OpListObjects, query: "encoding-type=url&prefix=tenants%2Falice%2Fsub&max-keys=2",
			wantKeys: filterKeys(all, func(k string) bool { return strings.HasPrefix(k, "tenants/alice/sub/") })},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opts...)
			fl := newFakeLister(all...)
			fl.ignoreEncoding = tt.ignoreEnc
			hs.upstreamFn = fl.ServeHTTP
			keys, prefixes, pages := pageAll(t, hs, h, tt.op, tt.query, 100)
			assert.Equal(t, tt.wantKeys, keys)
			assert.Equal(t, tt.wantPrefixes, prefixes)
			for _, p := range pages {
				assert.Equal(t, "bucket", p.Name)
				if strings.Contains(tt.query, "encoding-type=url") {
					assert.Equal(t, "url", p.EncodingType)
				}
			}
		})
	}
}

func TestListEncodingOnTheWire(t *testing.T) {
	hs, h := newHarness(t)
	hs.upstreamFn = newFakeLister("a b+c%&<>.txt", "ctl\x01key").ServeHTTP

	r := listInvoke(t, h, eventFor(hs, OpListObjectsV2, "encoding-type=url"))
	require.Equal(t, 200, r.StatusCode, r.ErrorMessage)
	assert.Contains(t, *r.ListResultXML, "<Key>a%20b%2Bc%25%26%3C%3E.txt</Key>")
	assert.Contains(t, *r.ListResultXML, "<Key>ctl%01key</Key>")
	assert.Contains(t, *r.ListResultXML, "<EncodingType>url</EncodingType>")

	// Without encoding-type a control character cannot travel in XML: an
	// upstream document that carries one anyway is refused, cleanly.
	hs.upstreamFn = func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("<ListBucketResult><Contents><Key>ctl\x01key</Key><Size>1</Size></Contents></ListBucketResult>"))
	}
	r = listInvoke(t, h, eventFor(hs, OpListObjectsV2, ""))
	assert.Equal(t, 500, r.StatusCode)
	assert.Equal(t, "InternalError", r.ErrorCode)

	r = listInvoke(t, h, eventFor(hs, OpListObjectsV2, "encoding-type=base64"))
	assert.Equal(t, 400, r.StatusCode)
	assert.Equal(t, "InvalidArgument", r.ErrorCode)
}

func TestListFilterRenameAndAnnotate(t *testing.T) {
	hs, h := newHarness(t,
		WithListFilter(func(_ context.Context, r *Request, e *ListEntry) (bool, error) {
			e.Key = strings.ToUpper(e.Key)
			e.Size *= 2
			e.StorageClass = "GLACIER"
			e.Owner = &Owner{ID: "id-1", DisplayName: r.Caller.PrincipalID}
			return true, nil
		}),
		WithCommonPrefixFilter(func(_ context.Context, _ *Request, p *CommonPrefix) (bool, error) {
			p.Prefix = "renamed-" + p.Prefix
			return true, nil
		}))
	hs.upstreamFn = newFakeLister("a.txt", "b.txt", "dir/c.txt").ServeHTTP
	r := listInvoke(t, h, eventFor(hs, OpListObjects, "delimiter=%2F&max-keys=2"))
	require.Equal(t, 200, r.StatusCode, r.ErrorMessage)
	l := decodeClientList(t, *r.ListResultXML)
	require.Len(t, l.Contents, 2)
	assert.Equal(t, "A.TXT", l.Contents[0].Key)
	assert.Equal(t, int64(10), l.Contents[0].Size)
	assert.Contains(t, *r.ListResultXML, "<StorageClass>GLACIER</StorageClass>")
	assert.Contains(t, *r.ListResultXML, "<Owner><ID>id-1</ID><DisplayName>AROAEXAMPLE:alice</DisplayName></Owner>")
	assert.True(t, l.IsTruncated)
	assert.Equal(t, "b.txt", l.NextMarker, "V1 pages resume from the S3 key, not the renamed one")

	r = listInvoke(t, h, eventFor(hs, OpListObjects, "delimiter=%2F&marker=b.txt"))
	l = decodeClientList(t, *r.ListResultXML)
	require.Len(t, l.CommonPrefixes, 1)
	assert.Equal(t, "renamed-dir/", l.CommonPrefixes[0].Prefix)
	assert.False(t, l.IsTruncated)
	assert.Empty(t, l.NextMarker)
}

func TestListBadUpstream(t *testing.T) {
	valid := `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Name>b</Name><KeyCount>0</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated></ListBucketResult>`
	huge := strings.Repeat("<Contents><Key>k</Key><Size>1</Size></Contents>", 3000)
	tests := []struct {
		name       string
		status     int
		body       string
		opts       []Option
		wantStatus int
		wantCode   string
	}{
		{name: "valid", body: valid, wantStatus: 200},
		{name: "malformed", body: `<ListBucketResult><Name>b</Nam></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "truncated document", body: valid[:len(valid)-10], wantStatus: 500, wantCode: "InternalError"},
		{name: "doctype with entities", body: `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]><ListBucketResult><Name>&lol2;</Name></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "external entity", body: `<!DOCTYPE x [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ListBucketResult><Name>&xxe;</Name></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "undeclared entity", body: `<ListBucketResult><Name>&xxe;</Name></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "processing instruction", body: `<ListBucketResult><?php echo 1 ?><Name>b</Name></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "wrong root", body: `<Error><Code>x</Code></Error>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "two roots", body: valid + `<ListBucketResult/>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "negative size", body: `<ListBucketResult><Contents><Key>k</Key><Size>-1</Size></Contents></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "bad timestamp", body: `<ListBucketResult><Contents><Key>k</Key><LastModified>yesterday</LastModified></Contents></ListBucketResult>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "not UTF-8", body: "<ListBucketResult><Name>\xff</Name></ListBucketResult>", wantStatus: 500, wantCode: "InternalError"},
		{name: "foreign encoding", body: `<?xml version="1.0" encoding="ISO-8859-1"?><ListBucketResult/>`, wantStatus: 500, wantCode: "InternalError"},
		{name: "deep nesting", body: "<ListBucketResult>" + strings.Repeat("<a>", 100) + strings.Repeat("</a>", 100) + "</ListBucketResult>", wantStatus: 500, wantCode: "InternalError"},
		{name: "too large", body: "<ListBucketResult>" + huge + "</ListBucketResult>", opts: []Option{withListLimits(64<<10, 0)}, wantStatus: 500, wantCode: "InternalError"},
		{name: "reply over the Lambda limit", body: "<ListBucketResult>" + huge + "</ListBucketResult>", opts: []Option{withListLimits(0, 64<<10)}, wantStatus: 500, wantCode: "InternalError"},
		{name: "upstream NoSuchBucket", status: 404, body: `<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist</Message></Error>`, wantStatus: 404, wantCode: "NoSuchBucket"},
		{name: "upstream AccessDenied", status: 403, body: `<Error><Code>AccessDenied</Code><Message>Access Denied</Message></Error>`, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "upstream 501", status: 501, body: `<Error><Code>NotImplemented</Code><Message>no</Message></Error>`, wantStatus: 500, wantCode: "NotImplemented"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opts...)
			hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
				if tt.status != 0 {
					w.WriteHeader(tt.status)
				}
				_, _ = w.Write([]byte(tt.body))
			}
			r := listInvoke(t, h, eventFor(hs, OpListObjectsV2, ""))
			assert.Equal(t, tt.wantStatus, r.StatusCode, r.ErrorMessage)
			assert.Equal(t, tt.wantCode, r.ErrorCode)
			if tt.wantCode != "" {
				assert.NotEmpty(t, r.ErrorMessage)
				assert.Nil(t, r.ListResultXML)
				assert.Zero(t, len(r.ListBucketResult))
				assert.NotContains(t, r.ErrorMessage, "lol")
			}
			if strings.Contains(tt.name, "Lambda limit") {
				assert.Contains(t, r.ErrorMessage, "max-keys")
			}
		})
	}
}

func TestListDenied(t *testing.T) {
	tenant := WithTenantPrefix(tenantFromAttribute("tenant", "tenants/%s/"))
	tests := []struct {
		name       string
		opts       []Option
		op         Operation
		query      string
		evOpts     []eventOpt
		wantStatus int
		wantCode   string
	}{
		{name: "authorizer", opts: []Option{WithAuthorizer(func(context.Context, *Request) error { return errors.New("no") })}, op: OpListObjectsV2, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "filter error denies", opts: []Option{WithListFilter(func(context.Context, *Request, *ListEntry) (bool, error) { return false, errors.New("no") })}, op: OpListObjectsV2, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "prefix filter error denies", opts: []Option{WithCommonPrefixFilter(func(context.Context, *Request, *CommonPrefix) (bool, error) { return false, errors.New("no") })}, op: OpListObjectsV2, query: "delimiter=%2F", wantStatus: 403, wantCode: "AccessDenied"},
		{name: "filter S3 error", opts: []Option{WithListFilter(func(context.Context, *Request, *ListEntry) (bool, error) {
			return false, s3err.New(http.StatusServiceUnavailable, "SlowDown", "later")
		})}, op: OpListObjectsV2, wantStatus: 503, wantCode: "SlowDown"},
		{name: "filter status outside WGOR's set", opts: []Option{WithListFilter(func(context.Context, *Request, *ListEntry) (bool, error) {
			return false, s3err.New(451, "Unavailable", "legal")
		})}, op: OpListObjectsV2, wantStatus: 400, wantCode: "Unavailable"},
		{name: "filter panic", opts: []Option{WithListFilter(func(context.Context, *Request, *ListEntry) (bool, error) { panic("boom") })}, op: OpListObjectsV2, wantStatus: 500, wantCode: "InternalError"},
		{name: "tenant: other tenant's prefix", opts: []Option{tenant}, op: OpListObjectsV2, query: "prefix=tenants%2Fbob%2F", wantStatus: 403, wantCode: "AccessDenied"},
		{name: "tenant: sibling prefix", opts: []Option{tenant}, op: OpListObjectsV2, query: "prefix=tenants%2Fali", wantStatus: 200},
		{name: "tenant: V1 from the root", opts: []Option{tenant}, op: OpListObjects, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "tenant: no attribute", opts: []Option{tenant}, op: OpListObjectsV2, evOpts: []eventOpt{withIdentity("IAMUser", "arn:aws:iam::111122223333:user/carol", "carol", nil)}, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "tenant: path in attribute", opts: []Option{tenant}, op: OpListObjectsV2, evOpts: []eventOpt{withIdentity("AssumedRole", "arn:aws:sts::1:assumed-role/r/s", "", map[string]any{"tenant": "../bob"})}, wantStatus: 403, wantCode: "AccessDenied"},
		{name: "tenant from caller", opts: []Option{WithTenantPrefix(TenantFromCaller("tenants/%s/"))}, op: OpListObjectsV2, query: "prefix=tenants%2Falice%2F", wantStatus: 200},
		{name: "tenant from caller: IAM user", opts: []Option{WithTenantPrefix(TenantFromCaller("tenants/%s/"))}, op: OpListObjectsV2, query: "prefix=tenants%2Falice%2F",
			evOpts: []eventOpt{withIdentity("IAMUser", "arn:aws:iam::111122223333:user/bob", "bob", nil)}, wantStatus: 403, wantCode: "AccessDenied"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hs, h := newHarness(t, tt.opts...)
			hs.upstreamFn = newFakeLister(testKeys()...).ServeHTTP
			r := listInvoke(t, h, eventFor(hs, tt.op, tt.query, tt.evOpts...))
			assert.Equal(t, tt.wantStatus, r.StatusCode, r.ErrorMessage)
			assert.Equal(t, tt.wantCode, r.ErrorCode)
			if tt.wantStatus == 403 && strings.HasPrefix(tt.name, "tenant") {
				assert.Zero(t, hs.upstreamHits(), "a denied listing is never fetched")
			}
		})
	}
}

func TestTenantPrefixGetAndHead(t *testing.T) {
	hs, h := newHarness(t, WithTenantPrefix(tenantFromAttribute("tenant", "tenants/%s/")))
	hs.put("tenants/alice/a.txt", "a", nil)
	hs.put("tenants/bob/b.txt", "b", nil)

	r := headInvoke(t, h, eventFor(hs, OpHeadObject, "tenants/alice/a.txt"))
	assert.Equal(t, 200, r.StatusCode)
	r = headInvoke(t, h, eventFor(hs, OpHeadObject, "tenants/bob/b.txt"))
	assert.Equal(t, 403, r.StatusCode)
	assert.Equal(t, "AccessDenied", r.ErrorCode)

	res, err := invoke(t, h, hs.event("tenants/bob/b.txt", withHeaders("Accept-Encoding", "identity")))
	require.NoError(t, err)
	assert.Equal(t, 403, res.StatusCode, "GET through the same authorizer")
}

func TestListDeadline(t *testing.T) {
	release := make(chan struct{})
	defer close(release)
	hs, h := newHarness(t, WithTimeLimit(400*time.Millisecond), WithDeadlineMargin(100*time.Millisecond))
	hs.upstreamFn = func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(200)
		_, _ = w.Write([]byte("<ListBucketResult>"))
		w.(http.Flusher).Flush()
		select { // a body that stalls after the first bytes
		case <-release:
		case <-r.Context().Done():
		}
	}
	r := listInvoke(t, h, eventFor(hs, OpListObjectsV2, ""))
	assert.Equal(t, 500, r.StatusCode)
	assert.Contains(t, []string{"LambdaTimeout", "ServiceUnavailable"}, r.ErrorCode, r.ErrorMessage)
}

func TestListOptionsValidate(t *testing.T) {
	for name, o := range map[string]Option{
		"nil list filter":   WithListFilter(nil),
		"nil prefix filter": WithCommonPrefixFilter(nil),
		"nil tenant":        WithTenantPrefix(nil),
	} {
		_, err := New(o, WithS3Client(nopWGOR{}))
		assert.Error(t, err, name)
	}
}
