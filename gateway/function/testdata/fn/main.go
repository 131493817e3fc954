// Command fn is a Lambda bootstrap for the Invoke runner's tests: what it
// does is chosen by the event.
package main

import (
	"context"
	"errors"
	"os"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/lambda"
)

type event struct {
	Reply  map[string]any `json:"reply"`  // returned as is
	Fail   string         `json:"fail"`   // returned as an error
	Panic  string         `json:"panic"`  // panicked
	Sleep  string         `json:"sleep"`  // slept, then {"slept": true}
	Exit   bool           `json:"exit"`   // the process exits mid-invocation
	Repeat int            `json:"repeat"` // a reply of this many bytes
}

func handle(ctx context.Context, ev event) (any, error) {
	switch {
	case ev.Fail != "":
		return nil, errors.New(ev.Fail)
	case ev.Panic != "":
		panic(ev.Panic)
	case ev.Exit:
		os.Exit(3)
	case ev.Sleep != "":
		d, err := time.ParseDuration(ev.Sleep)
		if err != nil {
			return nil, err
		}
		// It ignores ctx on purpose: a function that overruns its deadline
		// is what the emulator must time out (Sandbox.Timedout). Returning
		// ctx.Err() at the same instant would race the emulator's timer.
		time.Sleep(d)
		return map[string]bool{"slept": true}, nil
	case ev.Repeat > 0:
		return map[string]string{"data": strings.Repeat("x", ev.Repeat)}, nil
	}
	return ev.Reply, nil
}

func main() {
	if os.Getenv("FN_EXIT_AT_INIT") != "" {
		os.Exit(2) // a function that fails before it takes an invocation
	}
	lambda.Start(handle)
}
