// Package transformtest runs transforms the way the pipeline does, for the
// tests of the built-in transforms: through transform.Run, with the body read
// in one piece, one byte at a time, or in uneven chunks.
package transformtest
