package config

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"go.yaml.in/yaml/v3"
)

// SecretRef says where a secret is: in an environment variable or in a
// file (a mounted Kubernetes Secret, for instance). A secret written inline
// is a configuration error: configuration files are read, copied and
// committed by many more people than should see a secret.
//
//	SecretAccessKey: {Env: STORE_SECRET_ACCESS_KEY}
//	SecretAccessKey: {File: /var/run/secrets/store/secret-access-key}
type SecretRef struct {
	Env  string
	File string
	Line int // where it was written (0 when built in Go)
}

// StringRef is a value that is not secret but may come from the same
// places: inline, an environment variable or a file (an access key id).
//
//	AccessKeyId: AKIAIOSFODNN7EXAMPLE
//	AccessKeyId: {Env: STORE_ACCESS_KEY_ID}
type StringRef struct {
	Value string
	Env   string
	File  string
	Line  int
}

// errInline is the one answer to a secret written in the configuration.
var errInline = errors.New("an inline secret is not allowed here: write {Env: NAME} or {File: /path/to/file}")

// UnmarshalYAML accepts only {Env: NAME} or {File: PATH}.
func (r *SecretRef) UnmarshalYAML(n *yaml.Node) error {
	r.Line = n.Line
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		// The value itself is never repeated: it is the secret.
		return fmt.Errorf("line %d: %w", n.Line, errInline)
	}
	return decodeRef(n, &r.Env, &r.File)
}

// UnmarshalYAML accepts a plain string, {Env: NAME} or {File: PATH}.
func (r *StringRef) UnmarshalYAML(n *yaml.Node) error {
	r.Line = n.Line
	if n.Kind == yaml.ScalarNode && n.Tag != "!!null" {
		if n.Tag != "!!str" {
			return fmt.Errorf("line %d: expected a string, {Env: NAME} or {File: PATH}", n.Line)
		}
		r.Value = n.Value
		return nil
	}
	return decodeRef(n, &r.Env, &r.File)
}

// decodeRef reads {Env: NAME} or {File: PATH}, strictly: node.Decode would
// forget the decoder's KnownFields, so the mapping is walked by hand.
func decodeRef(n *yaml.Node, env, file *string) error {
	if n.Kind == yaml.ScalarNode { // null
		return nil
	}
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("line %d: expected {Env: NAME} or {File: PATH}", n.Line)
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.ScalarNode || v.Tag != "!!str" {
			return fmt.Errorf("line %d: %s must be a string", v.Line, k.Value)
		}
		switch k.Value {
		case "Env":
			*env = v.Value
		case "File":
			*file = v.Value
		default:
			return fmt.Errorf("line %d: field %s not found: expected {Env: NAME} or {File: PATH}", k.Line, k.Value)
		}
	}
	return nil
}

// IsZero reports a reference that was not written.
func (r SecretRef) IsZero() bool { return r.Env == "" && r.File == "" }

// IsZero reports a value that was not written.
func (r StringRef) IsZero() bool { return r.Value == "" && r.Env == "" && r.File == "" }

// check reports a reference that names both or neither place.
func checkRef(env, file string) string {
	switch {
	case env != "" && file != "":
		return "give Env or File, not both"
	case env == "" && file == "":
		return "give Env or File"
	case env != "" && !envNameRE.MatchString(env):
		return "Env must be an environment variable name ([A-Za-z_][A-Za-z0-9_]*)"
	}
	return ""
}

// Source reads secrets. The zero value reads the process environment and
// the file system.
type Source struct {
	LookupEnv func(name string) (string, bool)
	ReadFile  func(path string) ([]byte, error)
}

// maxSecretFile bounds what is read from a secret file.
const maxSecretFile = 1 << 20

func (s Source) lookupEnv(name string) (string, bool) {
	if s.LookupEnv != nil {
		return s.LookupEnv(name)
	}
	return os.LookupEnv(name)
}

func (s Source) readFile(path string) ([]byte, error) {
	if s.ReadFile != nil {
		return s.ReadFile(path)
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretFile+1))
	if err != nil {
		return nil, err
	}
	if len(b) > maxSecretFile {
		return nil, fmt.Errorf("larger than %d bytes", maxSecretFile)
	}
	return b, nil
}

// read returns the bytes a reference points at. Errors name the variable
// or file, never the content.
func (s Source) read(env, file string) ([]byte, error) {
	if env != "" {
		v, ok := s.lookupEnv(env)
		if !ok {
			return nil, fmt.Errorf("environment variable %s is not set", env)
		}
		return []byte(v), nil
	}
	b, err := s.readFile(file)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is said once, below
		}
		return nil, fmt.Errorf("read %s: %w", file, err)
	}
	return b, nil
}

// Read returns the secret. A file's trailing line break is dropped (echo
// adds one; no AWS secret ends in white space).
func (r SecretRef) Read(s Source) (Secret, error) {
	if msg := checkRef(r.Env, r.File); msg != "" {
		return Secret{}, errors.New(msg)
	}
	b, err := s.read(r.Env, r.File)
	if err != nil {
		return Secret{}, err
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return Secret{}, errors.New("the secret is empty")
	}
	return Secret{v: v}, nil
}

// ReadBytes returns the referenced document as is (a callers file).
func (r SecretRef) ReadBytes(s Source) ([]byte, error) {
	if msg := checkRef(r.Env, r.File); msg != "" {
		return nil, errors.New(msg)
	}
	return s.read(r.Env, r.File)
}

// Read returns the value.
func (r StringRef) Read(s Source) (string, error) {
	if r.Value != "" {
		if r.Env != "" || r.File != "" {
			return "", errors.New("give a value, Env or File, not several")
		}
		return r.Value, nil
	}
	if msg := checkRef(r.Env, r.File); msg != "" {
		return "", errors.New(msg)
	}
	b, err := s.read(r.Env, r.File)
	if err != nil {
		return "", err
	}
	v := strings.TrimRight(string(b), "\r\n")
	if v == "" {
		return "", errors.New("the value is empty")
	}
	return v, nil
}

// Secret holds a secret value. Every printed or encoded form of it is
// "REDACTED"; only Reveal returns the value.
type Secret struct{ v string }

// NewSecret wraps v.
func NewSecret(v string) Secret { return Secret{v: v} }

// Reveal returns the secret value, for the one place that needs it (a
// signer).
func (s Secret) Reveal() string { return s.v }

// IsZero reports an empty secret.
func (s Secret) IsZero() bool { return s.v == "" }

const redacted = "REDACTED"

// String, GoString, MarshalText, MarshalJSON and MarshalYAML never show the
// value.
func (s Secret) String() string                { return redacted }
func (s Secret) GoString() string              { return redacted }
func (s Secret) MarshalText() ([]byte, error)  { return []byte(redacted), nil }
func (s Secret) MarshalJSON() ([]byte, error)  { return []byte(`"` + redacted + `"`), nil }
func (s Secret) MarshalYAML() (any, error)     { return redacted, nil }
func (s Secret) Format(f fmt.State, verb rune) { _, _ = io.WriteString(f, redacted) }
func (s Secret) LogValue() slog.Value          { return slog.StringValue(redacted) }

// UnmarshalYAML reads an inline secret: only the callers file, itself a
// secret, holds them.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode || n.Tag != "!!str" {
		return fmt.Errorf("line %d: expected a string", n.Line)
	}
	s.v = n.Value
	return nil
}

// Keys are Credentials read from their sources.
type Keys struct {
	AccessKeyID     string
	SecretAccessKey Secret
	SessionToken    Secret // zero when none
}

// Read reads the key pair (and session token). path names the
// Credentials in errors, e.g. Stores[0].Credentials.
func (c *Credentials) Read(path string, src Source) (Keys, error) {
	var k Keys
	var err error
	var probs []Problem
	fail := func(field string, line int, e error) {
		probs = append(probs, Problem{Line: line, Path: path + "." + field, Msg: e.Error()})
	}
	if k.AccessKeyID, err = c.AccessKeyID.Read(src); err != nil {
		fail("AccessKeyId", c.AccessKeyID.Line, err)
	}
	if k.SecretAccessKey, err = c.SecretAccessKey.Read(src); err != nil {
		fail("SecretAccessKey", c.SecretAccessKey.Line, err)
	}
	if !c.SessionToken.IsZero() {
		if k.SessionToken, err = c.SessionToken.Read(src); err != nil {
			fail("SessionToken", c.SessionToken.Line, err)
		}
	}
	if len(probs) > 0 {
		return Keys{}, &Error{Problems: probs}
	}
	return k, nil
}
