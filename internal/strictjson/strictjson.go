// Package strictjson decodes configuration JSON strictly: unknown fields and
// trailing data are errors, so that a typo in an access point payload is
// caught at once instead of silently weakening a function.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
)

// Decode decodes data into v. Empty (or all-whitespace) data and "null"
// leave v unchanged. Errors never quote data.
func Decode(data []byte, v any) error {
	data = bytes.TrimSpace(data)
	if len(data) == 0 || string(data) == "null" {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("decode payload: %w", err)
	}
	if dec.More() {
		return errors.New("decode payload: trailing data after the JSON value")
	}
	return nil
}
