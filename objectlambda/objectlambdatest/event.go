package objectlambdatest

import (
	"context"
	"encoding/json"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/objectlambda/sdk-go/gateway"
	"github.com/objectlambda/sdk-go/gateway/function"
)

// protocolVersion is the event protocolVersion the access point sends.
const protocolVersion = gateway.ProtocolVersion

// Event is one event sent to the function: the parsed aws-lambda-go form for
// assertions, and the exact JSON.
type Event struct {
	events.S3ObjectLambdaEvent
	JSON []byte
}

// WGORCall records one WriteGetObjectResponse request that reached the
// access point. It holds no token and no body bytes.
type WGORCall = gateway.WGORCall

// recorder keeps the events the functions got and the WriteGetObjectResponse
// calls the gateway answered, for Events and WGORCalls.
type recorder struct {
	mu     sync.Mutex
	events []Event
	calls  []*callRecord
}

// callRecord is a WGOR call, complete when done is closed.
type callRecord struct {
	call WGORCall
	done chan struct{}
}

// wrap records every event before the function gets it.
func (rec *recorder) wrap(_ string, r function.Runner) function.Runner {
	return recording{rec: rec, next: r}
}

type recording struct {
	rec  *recorder
	next function.Runner
}

func (r recording) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	var ev Event
	if err := json.Unmarshal(payload, &ev.S3ObjectLambdaEvent); err == nil {
		ev.JSON = append([]byte(nil), payload...)
		r.rec.mu.Lock()
		r.rec.events = append(r.rec.events, ev)
		r.rec.mu.Unlock()
	}
	return r.next.Invoke(ctx, payload)
}

// observe records a call as it starts; the returned function completes it.
func (rec *recorder) observe(c WGORCall) func(WGORCall) {
	r := &callRecord{call: c, done: make(chan struct{})}
	rec.mu.Lock()
	rec.calls = append(rec.calls, r)
	rec.mu.Unlock()
	var once sync.Once
	return func(final WGORCall) {
		once.Do(func() {
			rec.mu.Lock()
			r.call = final
			rec.mu.Unlock()
			close(r.done)
		})
	}
}

// Events returns the events sent to the function so far, oldest first.
func (ap *AccessPoint) Events() []Event {
	ap.rec.mu.Lock()
	defer ap.rec.mu.Unlock()
	return append([]Event(nil), ap.rec.events...)
}

// WGORCalls returns the WriteGetObjectResponse calls received so far, oldest
// first. A call whose body is still being relayed is waited for (the client
// may have read the whole body a moment before the relay finishes).
func (ap *AccessPoint) WGORCalls() []WGORCall {
	ap.rec.mu.Lock()
	recs := append([]*callRecord(nil), ap.rec.calls...)
	ap.rec.mu.Unlock()
	out := make([]WGORCall, 0, len(recs))
	timeout := time.After(10 * time.Second)
	for _, r := range recs {
		select {
		case <-r.done:
		case <-timeout:
		}
		ap.rec.mu.Lock()
		out = append(out, r.call)
		ap.rec.mu.Unlock()
	}
	return out
}
