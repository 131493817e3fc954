// Package bitscan turns bytes into bitmaps, one bit per byte, 64 bytes per
// uint64 word: bit i%64 of word i/64 says whether src[i] is in a set. The
// text transforms build such maps of a whole buffer once (digits, line
// ends, delimiters, quotes, the first bytes of a literal) and then find
// their work with shifts and ANDs of the words instead of looking at each
// byte in a loop.
//
// On amd64 the maps come from SSE2, which every amd64 processor has:
// sixteen bytes per instruction. Elsewhere (and with the purego build tag)
// they come from the same computation eight bytes at a time in a 64-bit
// register (SWAR). LinesPrefix, which compares four offsets per byte,
// uses AVX2 (32 bytes per instruction) when the processor and the
// operating system support it (CPUID and XGETBV, checked once), SSE2
// otherwise. The tests check every kernel against a byte-by-byte reference
// and against each other. The assembly earns its place: on the machine of
// BENCHMARKS.md, BenchmarkMaps maps 15 to 26 GB/s with SSE2 and 1.2 to 4
// GB/s with SWAR; lines-prefix makes both its maps at about 16 GB/s with
// AVX2, half the time of the Eq and two Pair calls it replaces.
package bitscan
