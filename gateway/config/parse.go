package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// MaxSize bounds a configuration document.
const MaxSize = 1 << 20

// Error is every problem found in a configuration document, each with its
// line when known. Its text never quotes a value from the document.
type Error struct {
	File     string
	Problems []Problem
}

// Problem is one thing wrong in a document.
type Problem struct {
	Line int    // 1-based; 0 when unknown
	Path string // e.g. AccessPoints[0].Name; "" for the document
	Msg  string
}

func (p Problem) String() string {
	var b strings.Builder
	if p.Line > 0 {
		fmt.Fprintf(&b, "line %d: ", p.Line)
	}
	if p.Path != "" {
		b.WriteString(p.Path + ": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if e.File != "" {
			b.WriteString(e.File + ": ")
		}
		b.WriteString(p.String())
	}
	return b.String()
}

// ErrInvalid is matched by every *Error (errors.Is(err, ErrInvalid)).
var ErrInvalid = errors.New("invalid configuration")

// Is makes errors.Is(err, ErrInvalid) true.
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// Load reads, parses and validates the configuration file at path.
// Relative file names in it (Callers, TLS, secret files) are taken
// relative to the directory of path.
func Load(path string) (*Config, error) {
	data, err := readLimited(path)
	if err != nil {
		return nil, err
	}
	c, err := Parse(path, data)
	if err != nil {
		return nil, err
	}
	c.resolvePaths(filepath.Dir(path))
	return c, nil
}

func readLimited(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, MaxSize+1))
	if err != nil {
		return nil, fmt.Errorf("config: read %s: %w", path, err)
	}
	if len(data) > MaxSize {
		return nil, &Error{File: path, Problems: []Problem{{Msg: fmt.Sprintf("larger than %d bytes", MaxSize)}}}
	}
	return data, nil
}

// Parse decodes a gateway.yaml document strictly (unknown fields, duplicate
// keys and wrong types are errors), fills in defaults and validates it.
// name labels the errors (a file name). Errors are *Error.
func Parse(name string, data []byte) (*Config, error) {
	root, err := parseNode(name, data)
	if err != nil {
		return nil, err
	}
	var c Config
	if err := decodeStrict(name, data, &c); err != nil {
		return nil, err
	}
	if err := c.validate(); err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			ce.File = name
			for i := range ce.Problems {
				if ce.Problems[i].Line == 0 {
					ce.Problems[i].Line = lineOf(root, ce.Problems[i].Path)
				}
			}
		}
		return nil, err
	}
	return &c, nil
}

// parseNode parses the document into a node tree: syntax errors, an empty
// document and more than one document are refused here.
func parseNode(name string, data []byte) (*yaml.Node, error) {
	if len(data) > MaxSize {
		return nil, problem(name, 0, fmt.Sprintf("larger than %d bytes", MaxSize))
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var root yaml.Node
	if err := dec.Decode(&root); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, problem(name, 0, "the document is empty")
		}
		return nil, yamlError(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, problem(name, extra.Line, "more than one YAML document: give exactly one")
	}
	if len(root.Content) == 0 || root.Content[0].Kind != yaml.MappingNode {
		return nil, problem(name, root.Line, "the document must be a mapping (Region:, Listener:, ...)")
	}
	return &root, nil
}

// decodeStrict decodes data into v, refusing unknown fields.
func decodeStrict(name string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return yamlError(name, err)
	}
	return nil
}

func problem(name string, line int, msg string) *Error {
	return &Error{File: name, Problems: []Problem{{Line: line, Msg: msg}}}
}

var (
	// yaml.v3 quotes up to ten characters of a mistyped value: they may be
	// a secret, so they are cut from every message.
	quotedValueRE = regexp.MustCompile(" `[^`]*`")
	lineRE        = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)
	goTypeRE      = regexp.MustCompile(`\b(?:config\.|\[\]config\.|map\[string\])`)
)

// yamlError turns a yaml.v3 error into an *Error with one problem per
// line, without the values yaml.v3 quotes.
func yamlError(name string, err error) *Error {
	var msgs []string
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	} else {
		msgs = []string{err.Error()}
	}
	e := &Error{File: name}
	for _, m := range msgs {
		m = strings.TrimPrefix(m, "yaml: unmarshal errors:\n")
		m = quotedValueRE.ReplaceAllString(m, "")
		m = goTypeRE.ReplaceAllString(m, "")
		p := Problem{Msg: strings.TrimPrefix(m, "yaml: ")}
		if sm := lineRE.FindStringSubmatch(m); sm != nil {
			p.Line, _ = strconv.Atoi(sm[1])
			p.Msg = sm[2]
		}
		e.Problems = append(e.Problems, p)
	}
	return e
}

// lineOf finds the line of the node at path (AccessPoints[0].Name), or of
// its deepest ancestor present in the document.
func lineOf(root *yaml.Node, path string) int {
	if root == nil || len(root.Content) == 0 {
		return 0
	}
	n := root.Content[0]
	line := n.Line
	for _, step := range splitPath(path) {
		next, at := child(n, step)
		if next == nil {
			break
		}
		n, line = next, at
	}
	return line
}

// child is the value under key (mapping) or at index (sequence), and the
// line that names it: the key's line, or the item's.
func child(n *yaml.Node, step string) (*yaml.Node, int) {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == step {
				return n.Content[i+1], n.Content[i].Line
			}
		}
	case yaml.SequenceNode:
		if i, err := strconv.Atoi(step); err == nil && i >= 0 && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
	}
	return nil, 0
}

// splitPath turns "A[0].B" into ["A", "0", "B"].
func splitPath(path string) []string {
	var out []string
	for _, part := range strings.Split(path, ".") {
		for part != "" {
			i := strings.IndexByte(part, '[')
			if i < 0 {
				out = append(out, part)
				break
			}
			if i > 0 {
				out = append(out, part[:i])
			}
			j := strings.IndexByte(part[i:], ']')
			if j < 0 {
				break
			}
			out = append(out, part[i+1:i+j])
			part = part[i+j+1:]
		}
	}
	return out
}
