package objectlambda

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/objectlambda/sdk-go/encryption"
	"github.com/objectlambda/sdk-go/internal/listing"
	"github.com/objectlambda/sdk-go/s3err"
)

// headListConfig holds the HEAD and LIST settings (one field of config).
type headListConfig struct {
	prefixFilters []CommonPrefixFilter
	unknownLength headLengthMode
	// test hooks; 0 means the default
	listingLimit int64
	replyLimit   int64
}

func (c *headListConfig) maxListing() int64 {
	if c.listingLimit > 0 {
		return c.listingLimit
	}
	return listing.MaxBytes
}

func (c *headListConfig) maxReply() int64 {
	if c.replyLimit > 0 {
		return c.replyLimit
	}
	return maxReplyBytes
}

// withListLimits lowers the listing and reply size limits, for tests.
func withListLimits(listing, reply int64) Option {
	return func(c *config) error {
		c.headList.listingLimit, c.headList.replyLimit = listing, reply
		return nil
	}
}

// hideInstructionFiles hides client-side encryption instruction files (keys
// ending in ".instruction") from listings. They hold wrapped data keys and
// mean nothing to callers who read decrypted objects; WithDecryption and
// WithRewrap refuse them on GET and install this filter, so that a listing
// does not show them by another door.
func hideInstructionFiles(_ context.Context, _ *Request, e *ListEntry) (bool, error) {
	return !strings.HasSuffix(e.Key, encryption.InstructionFileSuffix), nil
}

// TenantFunc returns the key prefix the caller of r may use, for example
// "tenants/alice/". An empty prefix or an error denies the request.
type TenantFunc func(ctx context.Context, r *Request) (prefix string, err error)

// ErrNoTenant is the cause of the 403 answered when a TenantFunc finds no
// tenant for the caller.
var ErrNoTenant = errors.New("objectlambda: the caller has no tenant")

// WithTenantPrefix confines every caller to the key prefix tenant returns:
//
//   - GetObject and HeadObject of a key outside it are denied (403 AccessDenied);
//   - a listing whose prefix lies inside it passes, and is filtered anyway;
//   - a ListObjectsV2 whose prefix is a parent of it ("" or "tenants/") is
//     filtered: objects outside the tenant prefix are hidden, and so are
//     common prefixes that neither contain it nor lie inside it;
//   - any other listing, and a ListObjects (V1) that is not inside the
//     prefix, is denied, since a V1 page's NextMarker could name a hidden key.
//
// tenant is called once per request (and the answer reused for its
// entries). Keys are compared as the bytes S3 stores: the prefix should end with the
// delimiter ("tenants/alice/", not "tenants/alice").
func WithTenantPrefix(tenant TenantFunc) Option {
	return func(c *config) error {
		if tenant == nil {
			return errors.New("objectlambda: WithTenantPrefix: nil TenantFunc")
		}
		// The filters ask once per entry: remember the last request's
		// answer (holding the pointer keeps its address from being reused).
		var mu sync.Mutex
		var lastReq *Request
		var lastPrefix string
		prefixOf := func(ctx context.Context, r *Request) (string, error) {
			mu.Lock()
			if r == lastReq {
				p := lastPrefix
				mu.Unlock()
				return p, nil
			}
			mu.Unlock()
			p, err := tenant(ctx, r)
			if err != nil {
				return "", denyErr(err)
			}
			if p == "" {
				return "", s3err.Wrap(ErrNoTenant, http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
			}
			mu.Lock()
			lastReq, lastPrefix = r, p
			mu.Unlock()
			return p, nil
		}
		c.authorizers = append(c.authorizers, func(ctx context.Context, r *Request) error {
			t, err := prefixOf(ctx, r)
			if err != nil {
				return err
			}
			deny := s3err.New(http.StatusForbidden, s3err.CodeAccessDenied, "Access Denied")
			switch Operation(r.Operation) {
			case OpGetObject, OpHeadObject:
				if !strings.HasPrefix(r.Key, t) {
					return deny
				}
			case OpListObjects, OpListObjectsV2:
				p := listParamsOf(r.event, r)
				switch {
				case strings.HasPrefix(p.prefix, t):
				case p.v2 && strings.HasPrefix(t, p.prefix):
				default:
					return deny
				}
			}
			return nil
		})
		if err := WithListFilter(func(ctx context.Context, r *Request, e *ListEntry) (bool, error) {
			t, err := prefixOf(ctx, r)
			if err != nil {
				return false, err
			}
			return strings.HasPrefix(e.Key, t), nil
		})(c); err != nil {
			return err
		}
		return WithCommonPrefixFilter(func(ctx context.Context, r *Request, cp *CommonPrefix) (bool, error) {
			t, err := prefixOf(ctx, r)
			if err != nil {
				return false, err
			}
			return strings.HasPrefix(cp.Prefix, t) || strings.HasPrefix(t, cp.Prefix), nil
		})(c)
	}
}

// TenantFromCaller derives the tenant prefix from the caller's name:
// the IAM user name, or for an assumed role the session name (the last part
// of the ARN), formatted with format, which holds one %s: TenantFromCaller("home/%s/").
//
// Security: the session name of an assumed role is chosen by whoever calls
// sts:AssumeRole. Use this only when the role's trust policy pins it (for
// example a condition on sts:RoleSessionName equal to ${aws:username}, or a
// federation that sets it from the identity provider); otherwise any caller
// allowed to assume the role can name any tenant.
func TenantFromCaller(format string) TenantFunc {
	return func(_ context.Context, r *Request) (string, error) {
		name := ""
		switch r.Caller.Type {
		case "AssumedRole":
			if i := strings.LastIndexByte(r.Caller.ARN, '/'); i >= 0 {
				name = r.Caller.ARN[i+1:]
			}
		default:
			name = r.Caller.UserName
			if name == "" {
				if i := strings.LastIndexByte(r.Caller.ARN, '/'); i >= 0 {
					name = r.Caller.ARN[i+1:]
				}
			}
		}
		return tenantPrefix(format, name)
	}
}

func tenantPrefix(format, v string) (string, error) {
	if v == "" || v == "." || v == ".." || strings.ContainsFunc(v, func(r rune) bool { return r == '/' || r < 0x20 || r == 0x7f }) {
		return "", ErrNoTenant
	}
	return fmt.Sprintf(format, v), nil
}

// WithHeadOriginalLength makes HEAD answer with the original object's
// Content-Length when the transform chain changes the length and cannot
// state it. The answer is then wrong for the transformed object: use it only
// when the callers ignore the length (they read to the end of the body and
// never plan ranged downloads from it).
func WithHeadOriginalLength() Option {
	return func(c *config) error {
		c.headList.unknownLength = headLengthOriginal
		return nil
	}
}

// headLengthMode is what HEAD does when the transformed length is unknown.
type headLengthMode int

const (
	headLengthFail     headLengthMode = iota // 500, naming the cause
	headLengthOriginal                       // the original object's length
)
