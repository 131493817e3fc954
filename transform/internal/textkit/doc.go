// Package textkit holds small helpers shared by the text transforms
// (redact, lines, jsonmask): media-type allow-lists, caller matching and
// payload decoding. It is internal so that the helpers can change freely.
package textkit
