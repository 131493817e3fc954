package strictjson

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDecode(t *testing.T) {
	type cfg struct {
		A int    `json:"a"`
		B string `json:"b"`
	}
	tests := []struct {
		in   string
		want cfg
		bad  bool
	}{
		{in: ``, want: cfg{A: 7}},
		{in: `  null `, want: cfg{A: 7}},
		{in: `{}`, want: cfg{A: 7}},
		{in: `{"a":1,"b":"x"}`, want: cfg{A: 1, B: "x"}},
		{in: `{"c":1}`, bad: true},
		{in: `{"a":1} {"a":2}`, bad: true},
		{in: `{"a":"secret-value"`, bad: true},
		{in: `[1]`, bad: true},
	}
	for _, tt := range tests {
		got := cfg{A: 7}
		err := Decode([]byte(tt.in), &got)
		if tt.bad {
			require.Error(t, err, tt.in)
			assert.NotContains(t, err.Error(), "secret-value")
			continue
		}
		require.NoError(t, err, tt.in)
		assert.Equal(t, tt.want, got, tt.in)
	}
}
