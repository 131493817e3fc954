package xray

import (
	"encoding/hex"
	"strings"
)

// Header is the part of an X-Ray trace header the module uses. Other fields
// (Lineage, Self, …) are ignored.
type Header struct {
	// Root is the trace id as the header wrote it:
	// "1-" + 8 hex digits (epoch seconds) + "-" + 24 hex digits.
	Root string
	// TraceID is Root's 32 hex digits as bytes: the OpenTelemetry trace id
	// of the same trace. Never all zero.
	TraceID [16]byte
	// Parent is the id of the calling segment, valid when HasParent is set.
	// Never all zero.
	Parent    [8]byte
	HasParent bool
	// Sampled is true when the header says Sampled=1. "0", "?" and a
	// missing field all read as not sampled.
	Sampled bool
}

// Parse reads an X-Ray trace header. ok reports whether it holds a
// well-formed Root; h.HasParent whether it also holds a well-formed Parent.
//
// Fields are separated by ';' and written key=value; spaces around fields,
// keys and values are ignored, and keys match case-insensitively. When a key
// appears more than once, the first occurrence counts, malformed or not, so
// a later field cannot override what the header first said.
func Parse(header string) (h Header, ok bool) {
	var seenRoot, seenParent, seenSampled bool
	for rest := header; rest != ""; {
		var field string
		field, rest, _ = strings.Cut(rest, ";")
		k, v, found := strings.Cut(field, "=")
		if !found {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch {
		case strings.EqualFold(k, "Root") && !seenRoot:
			seenRoot = true
			h.TraceID, ok = parseRoot(v)
			if ok {
				h.Root = v
			}
		case strings.EqualFold(k, "Parent") && !seenParent:
			seenParent = true
			h.Parent, h.HasParent = parseParent(v)
		case strings.EqualFold(k, "Sampled") && !seenSampled:
			seenSampled = true
			h.Sampled = v == "1"
		}
	}
	if !ok {
		return Header{}, false
	}
	return h, true
}

// parseRoot decodes "1-xxxxxxxx-xxxxxxxxxxxxxxxxxxxxxxxx".
func parseRoot(v string) (id [16]byte, ok bool) {
	if len(v) != 35 || v[0] != '1' || v[1] != '-' || v[10] != '-' {
		return id, false
	}
	if _, err := hex.Decode(id[:4], []byte(v[2:10])); err != nil {
		return id, false
	}
	if _, err := hex.Decode(id[4:], []byte(v[11:])); err != nil {
		return id, false
	}
	return id, id != [16]byte{}
}

// parseParent decodes 16 hex digits.
func parseParent(v string) (id [8]byte, ok bool) {
	if len(v) != 16 {
		return id, false
	}
	if _, err := hex.Decode(id[:], []byte(v)); err != nil {
		return id, false
	}
	return id, id != [8]byte{}
}

// FormatTraceID writes a trace id in X-Ray's form,
// "1-5759e988-bd862e3fe1be46a994272793" (lower-case hex).
func FormatTraceID(id [16]byte) string {
	var b [35]byte
	b[0], b[1], b[10] = '1', '-', '-'
	hex.Encode(b[2:10], id[:4])
	hex.Encode(b[11:], id[4:])
	return string(b[:])
}

// Format writes a trace header with Root, Parent and Sampled, the fields
// Parse reads back.
func Format(traceID [16]byte, parent [8]byte, sampled bool) string {
	s := "0"
	if sampled {
		s = "1"
	}
	return "Root=" + FormatTraceID(traceID) + ";Parent=" + hex.EncodeToString(parent[:]) + ";Sampled=" + s
}
