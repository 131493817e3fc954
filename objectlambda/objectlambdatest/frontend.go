package objectlambdatest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/objectlambda/sdk-go/objectlambda"
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

// serveAccessPoint serves a caller: authentication, then the operation as
// an Object Lambda access point handles it (see dispositionOf).
func (ap *AccessPoint) serveAccessPoint(w http.ResponseWriter, r *http.Request) {
	reqID := strings.ToUpper(randomHex(8))
	w.Header().Set("X-Amz-Request-Id", reqID)
	caller, aerr := ap.authenticate(r, time.Now())
	if aerr != nil {
		writeS3Reply(w, r, aerr, reqID)
		return
	}
	t := targetOf(r)
	op := operationOf(r, t)
	switch {
	case op == "":
		writeError(w, r, http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.", reqID)
		return
	case op == "ListBuckets":
		ap.serveListBuckets(w, r, reqID)
		return
	case t.bucket != ap.cfg.bucket:
		writeS3Reply(w, r, newS3Reply(http.StatusNotFound, "NoSuchBucket",
			"The specified bucket does not exist (this access point serves bucket "+ap.cfg.bucket+")", xmlElem{"BucketName", t.bucket}), reqID)
		return
	}
	switch dispositionOf(op) {
	case answered: // GetBucketLocation
		ap.serveLocation(w, r, reqID)
	case passThrough:
		ap.passThrough(w, r, t, reqID)
	case transformed:
		ap.serveTransformed(w, r, caller, t, actionOps[op], reqID)
	default:
		writeError(w, r, http.StatusNotImplemented, "NotImplemented", op+" is not supported through an Object Lambda access point", reqID)
	}
}

// serveTransformed serves GetObject, HeadObject and the listings: through
// the function the action is routed to, else from the store unchanged.
func (ap *AccessPoint) serveTransformed(w http.ResponseWriter, r *http.Request, caller *Caller, t target, op operation, reqID string) {
	q := r.URL.Query()
	if op == opGetObject || op == opHeadObject {
		// Object Lambda checks these before it looks at the routing.
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
	rt := ap.routes[op]
	if rt == nil {
		ap.passThrough(w, r, t, reqID)
		return
	}
	ev := objectlambda.Event{
		XAmzRequestID: reqID,
		Configuration: objectlambda.Configuration{
			AccessPointARN:           "arn:aws:s3-object-lambda:" + ap.cfg.region + ":" + ap.cfg.account + ":accesspoint/" + ap.cfg.apName,
			SupportingAccessPointARN: "arn:aws:s3:" + ap.cfg.region + ":" + ap.cfg.account + ":accesspoint/" + ap.cfg.apName + "-supporting",
			Payload:                  objectlambda.Payload(rt.payload),
		},
		UserRequest:     objectlambda.UserRequest{URL: ap.userRequestURL(r, op, t.key), Headers: objectlambda.Headers(ap.userRequestHeaders(r))},
		UserIdentity:    caller.identity(),
		ProtocolVersion: ProtocolVersion,
	}
	input, err := ap.presign(r.Context(), r, op, t.key)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalError", "objectlambdatest: cannot presign inputS3Url", reqID)
		return
	}
	switch op {
	case opGetObject:
		route, token := "io-"+regionCode(ap.cfg.region)+"-"+randomHex(2), randomToken()
		ev.GetObjectContext = &objectlambda.GetObjectContext{InputS3URL: input, OutputRoute: route, OutputToken: token}
		ap.serveGet(w, r, rt, ev, reqID)
	case opHeadObject:
		ev.HeadObjectContext = &objectlambda.InputContext{InputS3URL: input}
		ap.serveReply(w, r, rt, ev, op, reqID)
	case opListObjects:
		ev.ListObjectsContext = &objectlambda.InputContext{InputS3URL: input}
		ap.serveReply(w, r, rt, ev, op, reqID)
	case opListObjectsV2:
		ev.ListObjectsV2Context = &objectlambda.InputContext{InputS3URL: input}
		ap.serveReply(w, r, rt, ev, op, reqID)
	}
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
func (ap *AccessPoint) serveReply(w http.ResponseWriter, r *http.Request, rt *route, ev objectlambda.Event, op operation, reqID string) {
	payload, err := ap.encodeEvent(ev)
	if err != nil {
		writeError(w, r, http.StatusInternalServerError, "InternalError", err.Error(), reqID)
		return
	}
	deadline := time.Now().Add(ap.cfg.timeLimit)
	ctx, res := ap.invoke(rt, payload, reqID, deadline)
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
