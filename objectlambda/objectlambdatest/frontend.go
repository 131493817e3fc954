package objectlambdatest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
	"github.com/objectlambda/sdk-go/objectlambda/objectlambdatest/internal/sigv4"
)

// serveHTTP routes the single front end: WriteGetObjectResponse, presigned
// requests for the store, and everything else to the access point.
func (ap *AccessPoint) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if !ap.inflight.enter(false) {
		writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", errClosed.Error(), "")
		return
	}
	defer ap.inflight.leave()
	if ap.ctx.Err() != nil {
		writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", errClosed.Error(), "")
		return
	}
	switch {
	case r.URL.Path == "/WriteGetObjectResponse" && r.Method == http.MethodPost:
		ap.serveWGOR(w, r)
	case ap.isStorePresigned(r):
		ap.proxy.ServeHTTP(w, r)
	default:
		ap.serveAccessPoint(w, r)
	}
}

// isStorePresigned reports a URL that the access point presigned for the
// store (inputS3Url): query authentication with the store's access key.
func (ap *AccessPoint) isStorePresigned(r *http.Request) bool {
	q := r.URL.Query()
	return q.Get("X-Amz-Signature") != "" && strings.HasPrefix(q.Get("X-Amz-Credential"), ap.store.accessKey+"/")
}

func (ap *AccessPoint) secretOfCaller(ak string) (string, bool) {
	ap.mu.Lock()
	defer ap.mu.Unlock()
	if c, ok := ap.callers[ak]; ok {
		return c.SecretAccessKey, true
	}
	return "", false
}

func (ap *AccessPoint) serveAccessPoint(w http.ResponseWriter, r *http.Request) {
	reqID := strings.ToUpper(randomHex(8))
	w.Header().Set("X-Amz-Request-Id", reqID)
	if r.URL.Query().Has("X-Amz-Signature") {
		writeError(w, r, http.StatusForbidden, "AccessDenied", "Access Denied (objectlambdatest supports header authentication only)", reqID)
		return
	}
	auth, err := sigv4.Verify(r, ap.secretOfCaller, "s3", ap.cfg.region, time.Now())
	if err != nil {
		ap.log.Info("objectlambdatest: client request denied", "err", err, "method", r.Method)
		writeError(w, r, http.StatusForbidden, "AccessDenied", "Access Denied", reqID)
		return
	}
	ap.mu.Lock()
	caller := *ap.callers[auth.AccessKeyID]
	ap.mu.Unlock()

	bucket, key, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/"), "/")
	if bucket != ap.cfg.bucket {
		writeError(w, r, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", reqID)
		return
	}
	q := r.URL.Query()
	var op operation
	switch {
	case r.Method == http.MethodGet && key != "":
		op = opGetObject
	case r.Method == http.MethodHead && key != "":
		op = opHeadObject
	case r.Method == http.MethodGet && key == "" && onlyListParams(q):
		op = opListObjects
		if q.Get("list-type") == "2" {
			op = opListObjectsV2
		}
	default:
		writeError(w, r, http.StatusNotImplemented, "NotImplemented",
			"objectlambdatest serves GetObject, HeadObject, ListObjects and ListObjectsV2 only", reqID)
		return
	}
	if op == opGetObject || op == opHeadObject {
		hasRange := r.Header.Get("Range") != "" || queryHasFold(q, "range")
		hasPart := queryHasFold(q, "partNumber")
		if hasRange && !ap.cfg.features[op.String()+"-Range"] || hasPart && !ap.cfg.features[op.String()+"-PartNumber"] {
			writeError(w, r, http.StatusNotImplemented, "NotImplemented",
				"A header you provided implies functionality that is not implemented", reqID)
			return
		}
		if r.Header.Get("X-Amz-Server-Side-Encryption-Customer-Algorithm") != "" {
			writeError(w, r, http.StatusBadRequest, "InvalidRequest",
				"SSE-C requests are not supported by S3 Object Lambda", reqID)
			return
		}
	}

	ev := objectlambda.Event{
		XAmzRequestID: reqID,
		Configuration: objectlambda.Configuration{
			AccessPointARN:           "arn:aws:s3-object-lambda:" + ap.cfg.region + ":" + ap.cfg.account + ":accesspoint/" + ap.cfg.apName,
			SupportingAccessPointARN: "arn:aws:s3:" + ap.cfg.region + ":" + ap.cfg.account + ":accesspoint/" + ap.cfg.apName + "-supporting",
			Payload:                  objectlambda.Payload(ap.cfg.payload),
		},
		UserRequest:     objectlambda.UserRequest{URL: ap.userRequestURL(r, op, key), Headers: objectlambda.Headers(ap.userRequestHeaders(r))},
		UserIdentity:    caller.identity(),
		ProtocolVersion: ProtocolVersion,
	}
	ev.UserIdentity.AccessKeyID = auth.AccessKeyID
	input, err := ap.presign(r.Context(), r, op, key)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalError", "objectlambdatest: cannot presign inputS3Url", reqID)
		return
	}
	switch op {
	case opGetObject:
		route, token := "io-"+regionCode(ap.cfg.region)+"-"+randomHex(2), randomToken()
		ev.GetObjectContext = &objectlambda.GetObjectContext{InputS3URL: input, OutputRoute: route, OutputToken: token}
		ap.serveGet(w, r, ev, reqID)
	case opHeadObject:
		ev.HeadObjectContext = &objectlambda.InputContext{InputS3URL: input}
		ap.serveReply(w, r, ev, op, reqID)
	case opListObjects:
		ev.ListObjectsContext = &objectlambda.InputContext{InputS3URL: input}
		ap.serveReply(w, r, ev, op, reqID)
	case opListObjectsV2:
		ev.ListObjectsV2Context = &objectlambda.InputContext{InputS3URL: input}
		ap.serveReply(w, r, ev, op, reqID)
	}
}

// onlyListParams reports a bucket GET that is a listing, not a sub-resource
// such as ?acl, ?location or ?versions.
func onlyListParams(q map[string][]string) bool {
	for k := range q {
		switch k {
		case "list-type", "prefix", "delimiter", "marker", "max-keys", "encoding-type", "continuation-token",
			"start-after", "fetch-owner", "x-id":
		default:
			return false
		}
	}
	return true
}

func queryHasFold(q map[string][]string, name string) bool {
	for k := range q {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// regionCode shortens a region for route names: us-east-1 → use1.
func regionCode(region string) string {
	parts := strings.Split(region, "-")
	if len(parts) != 3 {
		return "loc1"
	}
	dir := parts[1]
	if len(dir) > 1 {
		dir = dir[:1]
	}
	return parts[0] + dir + parts[2]
}

func randomToken() string { return randomHex(32) }

// encodeEvent marshals ev, records it, and returns the JSON.
func (ap *AccessPoint) encodeEvent(ev objectlambda.Event) ([]byte, error) {
	b, err := json.Marshal(ev)
	if err != nil {
		return nil, err
	}
	var parsed Event
	if err := json.Unmarshal(b, &parsed.S3ObjectLambdaEvent); err != nil {
		return nil, err
	}
	parsed.JSON = b
	ap.mu.Lock()
	ap.events = append(ap.events, parsed)
	ap.mu.Unlock()
	return b, nil
}

// serveReply handles HEAD and LIST: the function's return value is the answer.
func (ap *AccessPoint) serveReply(w http.ResponseWriter, r *http.Request, ev objectlambda.Event, op operation, reqID string) {
	payload, err := ap.encodeEvent(ev)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalError", err.Error(), reqID)
		return
	}
	deadline := time.Now().Add(ap.cfg.timeLimit)
	ctx, res := ap.invoke(payload, reqID, deadline)
	var ir invokeResult
	select {
	case ir = <-res:
	case <-ctx.Done():
		select { // the function may have returned just as the context ended
		case ir = <-res:
		default:
			ap.failInvocation(ctx, w, r, nil, reqID)
			return
		}
	}
	if ir.err != nil {
		ap.failInvocation(ctx, w, r, ir.err, reqID)
		return
	}
	rp, err := parseReply(ir.out)
	if err != nil {
		ap.log.Info("objectlambdatest: invalid function reply", "op", op.String(), "err", err)
		writeError(w, r, http.StatusBadRequest, "LambdaInvalidResponse", err.Error(), reqID)
		return
	}
	if rp.ErrorCode != "" {
		for k, v := range rp.Headers {
			w.Header()[k] = v
		}
		writeError(w, r, rp.StatusCode, rp.ErrorCode, rp.ErrorMessage, reqID)
		return
	}
	var body []byte
	if op != opHeadObject {
		switch {
		case rp.ListResultXML != nil:
			body = []byte(*rp.ListResultXML)
		case rp.ListBucketResult != nil:
			body, err = listXML(rp.ListBucketResult, op == opListObjectsV2)
			if err != nil {
				writeError(w, r, http.StatusBadRequest, "LambdaInvalidResponse", err.Error(), reqID)
				return
			}
		default:
			writeError(w, r, http.StatusBadRequest, "LambdaInvalidResponse", "the reply has neither listResultXml nor listBucketResult", reqID)
			return
		}
		w.Header().Set("Content-Type", "application/xml")
	}
	for k, v := range rp.Headers {
		w.Header()[k] = v
	}
	if op != opHeadObject {
		w.Header().Del("Content-Length")
	}
	w.WriteHeader(rp.StatusCode)
	_, _ = w.Write(body)
}

// failInvocation answers the client when the function did not produce an
// answer: a function error, the time limit, or shutdown.
func (ap *AccessPoint) failInvocation(ctx context.Context, w http.ResponseWriter, r *http.Request, fnErr error, reqID string) {
	switch {
	case ap.ctx.Err() != nil:
		writeError(w, r, http.StatusServiceUnavailable, "ServiceUnavailable", errClosed.Error(), reqID)
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		ap.log.Info("objectlambdatest: function timed out")
		writeError(w, r, http.StatusInternalServerError, "LambdaTimeout", "The Lambda function did not respond in the allowed time.", reqID)
	case fnErr != nil:
		ap.log.Info("objectlambdatest: function failed", "err", fnErr)
		writeError(w, r, http.StatusInternalServerError, "LambdaRuntimeError", "Lambda function failed during execution.", reqID)
	default:
		writeError(w, r, http.StatusInternalServerError, "LambdaResponseNotReceived",
			"The Lambda exited without successfully calling WriteGetObjectResponse.", reqID)
	}
}

var errClientGone = errors.New("objectlambdatest: client went away")
