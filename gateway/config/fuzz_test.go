package config

import (
	"errors"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// FuzzParse: any document either parses into a configuration whose
// invariants hold, or fails with an *Error; never a panic, never a quoted
// secret.
func FuzzParse(f *testing.F) {
	f.Add([]byte(valid))
	f.Add([]byte("Region: [x\n"))
	f.Add([]byte("a: &a [*a, *a]\n"))
	f.Add([]byte("Stores: [{Name: s, Credentials: {AccessKeyId: K, SecretAccessKey: plaintext-secret}}]\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		c, err := Parse("fuzz.yaml", data)
		if err != nil {
			var ce *Error
			if !errors.As(err, &ce) || len(ce.Problems) == 0 {
				t.Fatalf("error of type %T without problems: %v", err, err)
			}
			for _, s := range secretValues(data) {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("the error quotes a secret value %q: %v", s, err)
				}
			}
			return
		}
		checkInvariants(t, c)
	})
}

// checkInvariants is what Validate promises to the gateway.
func checkInvariants(t *testing.T, c *Config) {
	t.Helper()
	if len(c.AccessPoints) == 0 || len(c.Stores) == 0 {
		t.Fatal("a valid configuration has access points and stores")
	}
	for i := range c.AccessPoints {
		ap := &c.AccessPoints[i]
		if len(ap.AllowedPrincipals) == 0 {
			t.Fatalf("access point %s allows nobody yet is valid", ap.Name)
		}
		if got, ok := c.AccessPoint(ap.Name); !ok || got != ap {
			t.Fatalf("access point %s is not indexed", ap.Name)
		}
		if _, ok := c.Store(ap.ObjectLambdaConfiguration.SupportingAccessPoint.Store); !ok {
			t.Fatalf("access point %s names a missing store", ap.Name)
		}
		if ap.MaxConcurrentInvocations < 1 {
			t.Fatalf("access point %s has no invocation limit", ap.Name)
		}
		for _, a := range allActions {
			if r, ok := ap.Route(a); ok {
				if _, ok := c.Function(r.Function); !ok {
					t.Fatalf("access point %s routes %s to a missing function", ap.Name, a)
				}
			}
		}
	}
	for _, s := range c.Stores {
		if s.Credentials != nil && (s.Credentials.SecretAccessKey.IsZero()) {
			t.Fatalf("store %s has credentials without a secret reference", s.Name)
		}
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("a valid configuration fails Validate again: %v", err)
	}
}

// FuzzParseCallers: a callers file parses, or fails without quoting any
// secret key it holds.
func FuzzParseCallers(f *testing.F) {
	f.Add([]byte(callersDoc))
	f.Add([]byte("Callers:\n  - AccessKeyId: AKIA0000000000000000\n    SecretAccessKey: [zzzzzzzzzzzzzzzz]\n"))
	f.Add([]byte("Callers:\n  - {AccessKeyId: AKIA0000000000000000, SecretAccessKey: zzzzzzzzzzzzzzzz, Arn: 'arn:aws:s3:::b'}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cs, err := ParseCallers("fuzz.yaml", data)
		if err != nil {
			for _, s := range secretValues(data) {
				if strings.Contains(err.Error(), s) {
					t.Fatalf("the error quotes a secret value %q: %v", s, err)
				}
			}
			return
		}
		if cs.Len() == 0 {
			t.Fatal("a valid callers file has callers")
		}
		for _, c := range cs.byKey {
			if len(c.SecretAccessKey.Reveal()) < 16 || !accountRE.MatchString(c.AccountID) {
				t.Fatalf("caller %s passed validation incomplete", c.AccessKeyID)
			}
			if got, _ := cs.SecretOf(c.AccessKeyID); got != c.SecretAccessKey.Reveal() {
				t.Fatal("SecretOf disagrees with the caller")
			}
		}
	})
}

// secretValues returns the scalars written under a SecretAccessKey or
// SessionToken key (at any depth) that are long enough to be recognised.
// A value that is also written in a mapping key is left out: unknown keys
// are named in errors (that is how a typo is found), and a key is not a
// place anyone writes a secret.
func secretValues(data []byte) []string {
	var root yaml.Node
	if yaml.Unmarshal(data, &root) != nil {
		return nil
	}
	keys := map[string]bool{}
	var out []string
	var walk func(n *yaml.Node, underSecret bool)
	walk = func(n *yaml.Node, underSecret bool) {
		if n == nil {
			return
		}
		if n.Kind == yaml.ScalarNode && underSecret && len(n.Value) >= 8 {
			out = append(out, n.Value)
		}
		if n.Kind == yaml.MappingNode {
			for i := 0; i+1 < len(n.Content); i += 2 {
				k := n.Content[i].Value
				keys[k] = true
				walk(n.Content[i+1], underSecret || k == "SecretAccessKey" || k == "SessionToken")
			}
			return
		}
		if n.Kind == yaml.AliasNode {
			return // aliases point back into the tree: walked once already
		}
		for _, c := range n.Content {
			walk(c, underSecret)
		}
	}
	walk(&root, false)
	kept := out[:0]
	for _, v := range out {
		inKey := false
		for k := range keys {
			inKey = inKey || strings.Contains(k, v)
		}
		if !inKey {
			kept = append(kept, v)
		}
	}
	return kept
}
