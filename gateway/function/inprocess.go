package function

import (
	"context"
	"errors"
	"fmt"
	"reflect"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/aws/aws-lambda-go/lambda/messages"
)

// InProcess runs h in the gateway's own process: an *objectlambda.Handler,
// or any lambda.Handler (lambda.NewHandler wraps a plain Go function). A
// returned error or a panic becomes an *Error the way aws-lambda-go reports
// them from a deployed function: kind Unhandled, errorType the Go type's
// name, errorMessage its text. A context error is returned as is.
func InProcess(h lambda.Handler) Runner { return inProcess{h} }

type inProcess struct{ h lambda.Handler }

func (p inProcess) Invoke(ctx context.Context, event []byte) (out []byte, err error) {
	defer func() {
		if v := recover(); v != nil {
			out, err = nil, newError(Unhandled, typeName(v), fmt.Sprint(v))
		}
	}()
	out, err = p.h.Invoke(ctx, event)
	if err == nil {
		return out, nil
	}
	if ctx.Err() != nil && errors.Is(err, ctx.Err()) {
		return nil, err
	}
	var ire messages.InvokeResponse_Error
	if errors.As(err, &ire) {
		return nil, newError(Unhandled, ire.Type, ire.Message)
	}
	var pire *messages.InvokeResponse_Error
	if errors.As(err, &pire) && pire != nil {
		return nil, newError(Unhandled, pire.Type, pire.Message)
	}
	return nil, newError(Unhandled, typeName(err), err.Error())
}

// typeName is the errorType aws-lambda-go reports for v.
func typeName(v any) string {
	t := reflect.TypeOf(v)
	if t == nil {
		return ""
	}
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return t.Name()
}
