// Package textkit holds small helpers shared by the text transforms
// (redact, lines, jsonmask): media-type allow-lists. It is internal so that
// the helpers can change freely. Callers are matched with
// transform.Caller.Matches and payloads decoded by transform.Configure.
package textkit
