package function_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-lambda-go/lambda"
	"github.com/objectlambda/sdk-go/gateway/function"
)

func ExampleInProcess() {
	fn := function.InProcess(lambda.NewHandler(func(ctx context.Context, ev map[string]any) (map[string]any, error) {
		if ev["fail"] == true {
			return nil, errors.New("refused")
		}
		return map[string]any{"statusCode": 200}, nil
	}))

	out, err := fn.Invoke(context.Background(), []byte(`{}`))
	fmt.Println(string(out), err)

	_, err = fn.Invoke(context.Background(), []byte(`{"fail": true}`))
	e := function.S3Error(err)
	fmt.Println(err)
	fmt.Println(e.StatusCode, e.Code)
	// Output:
	// {"statusCode":200} <nil>
	// function error (Unhandled) errorString: refused
	// 500 LambdaRuntimeError
}
