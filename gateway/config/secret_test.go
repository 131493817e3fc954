package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

func TestSecretRefRead(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	withNewline := write("nl", "s3cr3t-value\n")
	withCRLF := write("crlf", "s3cr3t-value\r\n")
	empty := write("empty", "\n")
	big := write("big", string(make([]byte, maxSecretFile+1)))
	env := map[string]string{"SET": "from-env", "EMPTY": ""}
	src := Source{LookupEnv: func(k string) (string, bool) { v, ok := env[k]; return v, ok }}

	tests := []struct {
		name string
		ref  SecretRef
		want string
		err  string
	}{
		{name: "env", ref: SecretRef{Env: "SET"}, want: "from-env"},
		{name: "env unset", ref: SecretRef{Env: "UNSET"}, err: "environment variable UNSET is not set"},
		{name: "env empty", ref: SecretRef{Env: "EMPTY"}, err: "the secret is empty"},
		{name: "file, trailing newline dropped", ref: SecretRef{File: withNewline}, want: "s3cr3t-value"},
		{name: "file, CRLF dropped", ref: SecretRef{File: withCRLF}, want: "s3cr3t-value"},
		{name: "file empty", ref: SecretRef{File: empty}, err: "the secret is empty"},
		{name: "file missing", ref: SecretRef{File: filepath.Join(dir, "nope")}, err: "read " + filepath.Join(dir, "nope") + ": no such file or directory"},
		{name: "file too big", ref: SecretRef{File: big}, err: "larger than"},
		{name: "neither", ref: SecretRef{}, err: "give Env or File"},
		{name: "both", ref: SecretRef{Env: "SET", File: withNewline}, err: "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ref.Read(src)
			if tt.err != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.err)
				assert.NotContains(t, err.Error(), "s3cr3t")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Reveal())
		})
	}
}

func TestStringRefRead(t *testing.T) {
	t.Setenv("OBJECTLAMBDA_GATEWAY_TEST_AK", "AKIAFROMENV00000")
	tests := []struct {
		name string
		ref  StringRef
		want string
		err  string
	}{
		{name: "inline", ref: StringRef{Value: "AKIAINLINE000000"}, want: "AKIAINLINE000000"},
		{name: "env (the process environment)", ref: StringRef{Env: "OBJECTLAMBDA_GATEWAY_TEST_AK"}, want: "AKIAFROMENV00000"},
		{name: "inline and env", ref: StringRef{Value: "x", Env: "Y"}, err: "not several"},
		{name: "nothing", ref: StringRef{}, err: "give Env or File"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ref.Read(Source{})
			if tt.err != "" {
				assert.ErrorContains(t, err, tt.err)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

func TestCredentialsRead(t *testing.T) {
	src := Source{LookupEnv: func(k string) (string, bool) {
		v, ok := map[string]string{"SK": "secret-key-value", "TOK": "token-value"}[k]
		return v, ok
	}}
	c := Credentials{AccessKeyID: StringRef{Value: "AKIA0000000000000000"}, SecretAccessKey: SecretRef{Env: "SK"}, SessionToken: SecretRef{Env: "TOK"}}
	k, err := c.Read("Stores[0].Credentials", src)
	require.NoError(t, err)
	assert.Equal(t, "AKIA0000000000000000", k.AccessKeyID)
	assert.Equal(t, "secret-key-value", k.SecretAccessKey.Reveal())
	assert.Equal(t, "token-value", k.SessionToken.Reveal())

	c.SecretAccessKey = SecretRef{Env: "MISSING", Line: 12}
	c.SessionToken = SecretRef{}
	_, err = c.Read("Stores[0].Credentials", src)
	assert.EqualError(t, err, "line 12: Stores[0].Credentials.SecretAccessKey: environment variable MISSING is not set")
}

// TestSecretNeverPrinted: every way a Secret can be printed or encoded
// shows REDACTED.
func TestSecretNeverPrinted(t *testing.T) {
	s := NewSecret("hunter2-the-secret")
	k := Keys{AccessKeyID: "AKIA", SecretAccessKey: s}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("keys", "secret", s, "keys", k)
	j, err := json.Marshal(k)
	require.NoError(t, err)
	y, err := yaml.Marshal(k)
	require.NoError(t, err)
	forms := []string{
		fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q %x", s, s, s, s, s, s),
		fmt.Sprintf("%v %+v %#v", k, k, k), string(j), string(y), logged.String(),
	}
	for _, f := range forms {
		assert.NotContains(t, f, "hunter2", f)
		assert.Contains(t, f, "REDACTED", f)
	}
	assert.Equal(t, "hunter2-the-secret", s.Reveal())
	assert.True(t, Secret{}.IsZero())
}
