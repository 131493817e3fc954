package xray

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	lambdaHeader = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1;Lineage=a87bd80c:1|68fd508a:5"
	root         = "1-5759e988-bd862e3fe1be46a994272793"
	traceHex     = "5759e988bd862e3fe1be46a994272793"
	parentHex    = "53995c3f42cd8ad8"
)

func TestParse(t *testing.T) {
	tests := []struct {
		name, header string
		ok           bool   // a valid Root
		root         string // as written
		parent       bool   // a valid Parent
		sampled      bool
	}{
		{name: "lambda header", header: lambdaHeader, ok: true, root: root, parent: true, sampled: true},
		{name: "root only", header: "Root=" + root, ok: true, root: root},
		{name: "spaces around fields", header: " Root = " + root + " ; Parent = " + parentHex + " ; Sampled = 1 ", ok: true, root: root, parent: true, sampled: true},
		{name: "keys in any case, upper-case hex kept", header: "root=1-5759E988-BD862E3FE1BE46A994272793;PARENT=53995C3F42CD8AD8", ok: true, root: "1-5759E988-BD862E3FE1BE46A994272793", parent: true},
		{name: "empty fields", header: ";;Root=" + root + ";;", ok: true, root: root},
		{name: "parent first", header: "Parent=" + parentHex + ";Root=" + root, ok: true, root: root, parent: true},
		{name: "sampled 0", header: "Root=" + root + ";Parent=" + parentHex + ";Sampled=0", ok: true, root: root, parent: true},
		{name: "sampled ?", header: "Root=" + root + ";Parent=" + parentHex + ";Sampled=?", ok: true, root: root, parent: true},
		{name: "first root counts", header: "Root=" + root + ";Root=1-00000000-000", ok: true, root: root},
		{name: "a malformed first root is not overridden", header: ";;=;Root=;root=" + root},
		{name: "first parent counts", header: "Root=" + root + ";Parent=zz;Parent=" + parentHex, ok: true, root: root},
		{name: "first sampled counts", header: "Root=" + root + ";Sampled=0;Sampled=1", ok: true, root: root},
		{name: "bad parent keeps the root", header: "Root=" + root + ";Parent=53995c3f42cd8ad", ok: true, root: root},
		{name: "zero parent", header: "Root=" + root + ";Parent=0000000000000000", ok: true, root: root},
		{name: "short root", header: "Root=1-5759e988-bd862e3fe1be46a99427279"},
		{name: "version 2", header: "Root=2-5759e988-bd862e3fe1be46a994272793"},
		{name: "not hex", header: "Root=1-5759e98g-bd862e3fe1be46a994272793"},
		{name: "wrong separator", header: "Root=1_5759e988-bd862e3fe1be46a994272793"},
		{name: "zero trace id", header: "Root=1-00000000-000000000000000000000000;Parent=" + parentHex},
		{name: "parent only", header: "Parent=" + parentHex},
		{name: "empty", header: ""},
		{name: "no equals", header: "Root" + root},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, ok := Parse(tt.header)
			require.Equal(t, tt.ok, ok)
			if !ok {
				assert.Equal(t, Header{}, h)
				return
			}
			assert.Equal(t, tt.root, h.Root)
			assert.Equal(t, strings.ToLower(strings.ReplaceAll(tt.root[2:], "-", "")), hex.EncodeToString(h.TraceID[:]))
			assert.Equal(t, tt.parent, h.HasParent)
			if tt.parent {
				assert.Equal(t, parentHex, strings.ToLower(hex.EncodeToString(h.Parent[:])))
			}
			assert.Equal(t, tt.sampled, h.Sampled)
		})
	}
}

func TestFormat(t *testing.T) {
	var id [16]byte
	var parent [8]byte
	_, err := hex.Decode(id[:], []byte(traceHex))
	require.NoError(t, err)
	_, err = hex.Decode(parent[:], []byte(parentHex))
	require.NoError(t, err)

	assert.Equal(t, root, FormatTraceID(id))
	assert.Equal(t, "Root="+root+";Parent="+parentHex+";Sampled=1", Format(id, parent, true))
	assert.Equal(t, "Root="+root+";Parent="+parentHex+";Sampled=0", Format(id, parent, false))

	h, ok := Parse(Format(id, parent, true))
	require.True(t, ok)
	assert.Equal(t, Header{Root: root, TraceID: id, Parent: parent, HasParent: true, Sampled: true}, h)
}

func TestParseAllocations(t *testing.T) {
	allocs := testing.AllocsPerRun(100, func() { _, _ = Parse(lambdaHeader) })
	assert.Zero(t, allocs, "parsing the header of every invocation allocates nothing")
}

// FuzzParse checks, for any header: Parse does not panic; what it accepts
// is a well-formed, non-zero trace id taken from the header, whose bytes
// are the id's hex digits; and Format writes a header that Parse reads back
// to the same trace context.
func FuzzParse(f *testing.F) {
	f.Add(lambdaHeader)
	f.Add("Root=1-;Parent=;")
	f.Add(";;=;Root=;root=1-00000000-000000000000000000000000")
	f.Fuzz(func(t *testing.T, header string) {
		h, ok := Parse(header)
		if !ok {
			require.Equal(t, Header{}, h)
			return
		}
		require.Len(t, h.Root, 35)
		require.True(t, strings.HasPrefix(h.Root, "1-"))
		require.Contains(t, header, h.Root)
		require.NotEqual(t, [16]byte{}, h.TraceID)
		require.Equal(t, strings.ToLower(h.Root), FormatTraceID(h.TraceID))
		if h.HasParent {
			require.NotEqual(t, [8]byte{}, h.Parent)
		}
		back, ok := Parse(Format(h.TraceID, h.Parent, h.Sampled))
		require.True(t, ok)
		require.Equal(t, h.TraceID, back.TraceID)
		require.Equal(t, h.Sampled, back.Sampled)
		if h.HasParent {
			require.True(t, back.HasParent)
			require.Equal(t, h.Parent, back.Parent)
		}
	})
}
