package gateway

import (
	"net/http"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/gateway/config"
	"github.com/objectlambda/sdk-go/gateway/internal/s3op"
	"github.com/objectlambda/sdk-go/gateway/internal/s3xml"
)

// serveAccessPoint serves a caller: authentication, then the operation as
// an Object Lambda access point handles it (s3op.DispositionOf).
func (g *Gateway) serveAccessPoint(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	o := &observed{ResponseWriter: w, start: time.Now()}
	aborted := true
	defer func() { g.finish(o, reqID, aborted) }()
	o.Header().Set("X-Amz-Request-Id", reqID)
	g.serveCaller(o, r, reqID)
	aborted = false
}

func (g *Gateway) serveCaller(o *observed, r *http.Request, reqID string) {
	if g.ctx.Err() != nil {
		writeError(o, r, http.StatusServiceUnavailable, "ServiceUnavailable", msgClosed, reqID)
		return
	}
	caller, refused := g.authenticate(r, time.Now(), reqID)
	if refused != nil {
		refused.write(o, r, reqID)
		return
	}
	t := g.addressing.TargetOf(r)
	op := s3op.Of(r, t)
	o.operation = op
	switch {
	case op == "":
		writeError(o, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", reqID)
		return
	case op == s3op.ListBuckets:
		g.serveListBuckets(o, r, caller, reqID)
		return
	}
	ap, ok := g.cfg.AccessPoint(t.Bucket)
	if !ok {
		refuse(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", s3xml.Elem{Name: "BucketName", Value: t.Bucket}).write(o, r, reqID)
		return
	}
	o.accessPoint = ap.Name
	if !ap.Allows(caller) || !ap.AllowsAction(op) || !inPrefix(ap, op, t, r) {
		g.log.Info("objectlambda-gateway: caller not allowed", "requestId", reqID, "accessPoint", ap.Name, "principal", caller.ARN, "operation", op)
		writeError(o, r, http.StatusForbidden, "AccessDenied", msgAccessDenied, reqID)
		return
	}
	switch s3op.DispositionOf(op) {
	case s3op.Answered: // GetBucketLocation
		s3xml.WriteDocument(o, r, s3xml.Location(g.cfg.Region), reqID)
	case s3op.PassThrough:
		o.proxied = true
		g.passThrough(o, r, ap, t, reqID)
	case s3op.Transformed:
		g.serveTransformed(o, r, caller, ap, t, op, reqID)
	default:
		writeError(o, r, http.StatusNotImplemented, "NotImplemented", op+" is not supported through an Object Lambda access point", reqID)
	}
}

// inPrefix reports whether the operation stays within the access point's
// SupportingAccessPoint.Prefix: its key, or the prefix of a listing. With
// a Prefix, DeleteObjects (whose keys are in its body) is refused.
func inPrefix(ap *config.AccessPoint, op string, t s3op.Target, r *http.Request) bool {
	prefix := ap.ObjectLambdaConfiguration.SupportingAccessPoint.Prefix
	if prefix == "" {
		return true
	}
	if t.Key != "" {
		return strings.HasPrefix(t.Key, prefix)
	}
	switch op {
	case s3op.ListObjects, s3op.ListObjectsV2, "ListObjectVersions", "ListMultipartUploads":
		return strings.HasPrefix(r.URL.Query().Get("prefix"), prefix)
	case "DeleteObjects":
		return false
	}
	return true
}

// serveListBuckets answers ListBuckets with the access points the caller
// may use, by the name they use as a bucket, so that clients that start
// with it (aws s3 ls, s3cmd ls, rclone lsd) find them. On AWS the access
// point is addressed by its ARN or alias and ListBuckets is not an Object
// Lambda operation.
func (g *Gateway) serveListBuckets(w http.ResponseWriter, r *http.Request, caller *config.Caller, reqID string) {
	res := s3xml.ListAllMyBucketsResult{Owner: s3xml.Owner{ID: g.cfg.AccountID, DisplayName: caller.UserName}}
	for i := range g.cfg.AccessPoints {
		ap := &g.cfg.AccessPoints[i]
		if !ap.Allows(caller) {
			continue
		}
		name := ap.Name
		if ap.Alias != "" {
			name = ap.Alias
		}
		res.Buckets = append(res.Buckets, s3xml.Bucket{Name: name, CreationDate: g.started.UTC().Format(time.RFC3339), BucketRegion: g.cfg.Region})
	}
	s3xml.WriteDocument(w, r, res, reqID)
}
