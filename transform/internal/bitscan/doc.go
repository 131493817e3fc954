// Package bitscan turns bytes into bitmaps, one bit per byte, 64 bytes per
// uint64 word: bit i%64 of word i/64 says whether src[i] is in a set. The
// text transforms build such maps of a whole buffer once (digits, line
// ends, delimiters, quotes, the first bytes of a literal) and then find
// their work with shifts and ANDs of the words instead of looking at each
// byte in a loop.
//
// On amd64 the maps come from SSE2, which every amd64 processor has:
// sixteen bytes per instruction. Elsewhere they come from the same
// computation eight bytes at a time in a 64-bit register (SWAR). The tests
// check the two against a byte-by-byte reference.
package bitscan
