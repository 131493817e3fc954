package objectlambda

import (
	"encoding/json"
	"errors"
	"strconv"

	"github.com/objectlambda/sdk-go/s3err"
)

func jsonUnmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }

func itoa(n int) string { return strconv.Itoa(n) }

func asS3(err error) (*s3err.Error, bool) { return errors.AsType[*s3err.Error](err) }
