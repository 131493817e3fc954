package jsonmask

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// ErrInvalidPath marks a field path that cannot be parsed.
var ErrInvalidPath = errors.New("jsonmask: invalid path")

type segKind uint8

const (
	segKey      segKind = iota // .name or ["name"]
	segAnyKey                  // .*
	segIndex                   // [3]
	segAnyIndex                // [*]
	segDeep                    // .** : zero or more levels, keys or indexes
)

type seg struct {
	kind segKind
	key  string
	idx  int
}

// parsePath parses a field path:
//
//	user.email        key "user", then key "email"
//	items[*].card     every element of the array "items", its key "card"
//	[0].id            element 0 of a top-level array
//	*.password        "password" one object level below the root
//	**.password       "password" at any depth (objects and arrays)
//	meta["a.b"]       a key containing '.', '[' or other special characters
//	a\.b              the same with a backslash escape
func parsePath(s string) ([]seg, error) {
	bad := func(msg string) error { return fmt.Errorf("%w %q: %s", ErrInvalidPath, s, msg) }
	if s == "" {
		return nil, bad("empty")
	}
	var segs []seg
	i := 0
	first := true
	for i < len(s) {
		switch {
		case s[i] == '[':
			end := strings.IndexByte(s[i:], ']')
			if end < 0 {
				return nil, bad("unclosed [")
			}
			inner := s[i+1 : i+end]
			switch {
			case inner == "*":
				segs = append(segs, seg{kind: segAnyIndex})
			case strings.HasPrefix(inner, `"`):
				// A quoted key may itself contain ']': find the closing quote.
				var key string
				dec := json.NewDecoder(strings.NewReader(s[i+1:]))
				if err := dec.Decode(&key); err != nil {
					return nil, bad("bad quoted key")
				}
				k := i + 1 + int(dec.InputOffset())
				if k >= len(s) || s[k] != ']' {
					return nil, bad("quoted key must be followed by ]")
				}
				segs = append(segs, seg{kind: segKey, key: key})
				i = k + 1
				first = false
				if i < len(s) && s[i] != '.' && s[i] != '[' {
					return nil, bad("expected . or [ after ]")
				}
				continue
			default:
				n, err := strconv.Atoi(inner)
				if err != nil || n < 0 || inner != strconv.Itoa(n) {
					return nil, bad("index must be *, a non-negative integer or a quoted key")
				}
				segs = append(segs, seg{kind: segIndex, idx: n})
			}
			i += end + 1
			if i < len(s) && s[i] != '.' && s[i] != '[' {
				return nil, bad("expected . or [ after ]")
			}
		case s[i] == '.' && !first:
			i++
			fallthrough
		default:
			var b strings.Builder
			for i < len(s) && s[i] != '.' && s[i] != '[' {
				if s[i] == '\\' {
					if i+1 >= len(s) {
						return nil, bad("trailing backslash")
					}
					i++
				}
				b.WriteByte(s[i])
				i++
			}
			name := b.String()
			raw := name
			switch {
			case raw == "" && (i >= len(s) || s[i] == '.'):
				return nil, bad("empty segment")
			case raw == "":
				continue // "a.[0]" style: let the bracket follow
			case raw == "*":
				segs = append(segs, seg{kind: segAnyKey})
			case raw == "**":
				segs = append(segs, seg{kind: segDeep})
			default:
				segs = append(segs, seg{kind: segKey, key: name})
			}
		}
		first = false
	}
	deepOnly := true
	for _, sg := range segs {
		deepOnly = deepOnly && sg.kind == segDeep
	}
	if deepOnly {
		return nil, bad("a path must name something besides **")
	}
	return segs, nil
}

// pathSet matches paths incrementally: a state is (pattern, position).
type pathSet struct {
	pats    [][]seg
	actions []action
}

type action uint8

const (
	actNone action = iota
	actMask
	actRemove
)

type state = uint32

func mkState(p, i int) state { return state(p)<<16 | state(i) }
func (ps *pathSet) split(s state) (int, int) {
	return int(s >> 16), int(s & 0xffff)
}

func addState(set []state, s state) []state {
	for _, x := range set {
		if x == s {
			return set
		}
	}
	return append(set, s)
}

// closure adds, for every state at a "**", the state after it (zero levels).
func (ps *pathSet) closure(set []state) []state {
	for k := 0; k < len(set); k++ {
		p, i := ps.split(set[k])
		if i < len(ps.pats[p]) && ps.pats[p][i].kind == segDeep {
			set = addState(set, mkState(p, i+1))
		}
	}
	return set
}

func (ps *pathSet) root() []state {
	set := make([]state, 0, len(ps.pats))
	for p := range ps.pats {
		set = addState(set, mkState(p, 0))
	}
	return ps.closure(set)
}

// step returns the states after descending into key (isKey) or index idx,
// appended to dst[:0].
func (ps *pathSet) step(dst, set []state, isKey bool, key string, idx int) []state {
	return ps.stepKey(dst, set, isKey, []byte(key), idx)
}

// stepKey is step with the key as bytes, as the scanner has it.
func (ps *pathSet) stepKey(dst, set []state, isKey bool, key []byte, idx int) []state {
	dst = dst[:0]
	for _, s := range set {
		p, i := ps.split(s)
		if i >= len(ps.pats[p]) {
			continue
		}
		sg := ps.pats[p][i]
		switch sg.kind {
		case segDeep:
			dst = addState(dst, s)
		case segKey:
			if isKey && sg.key == string(key) {
				dst = addState(dst, mkState(p, i+1))
			}
		case segAnyKey:
			if isKey {
				dst = addState(dst, mkState(p, i+1))
			}
		case segIndex:
			if !isKey && sg.idx == idx {
				dst = addState(dst, mkState(p, i+1))
			}
		case segAnyIndex:
			if !isKey {
				dst = addState(dst, mkState(p, i+1))
			}
		}
	}
	return ps.closure(dst)
}

// action reports what to do with a value whose path led to set. Remove wins
// over mask.
func (ps *pathSet) action(set []state) action {
	a := actNone
	for _, s := range set {
		p, i := ps.split(s)
		if i == len(ps.pats[p]) {
			a = max(a, ps.actions[p])
		}
	}
	return a
}
