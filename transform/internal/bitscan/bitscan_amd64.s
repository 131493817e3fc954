//go:build amd64 && !purego

#include "textflag.h"
#include "macros_amd64.h"

// Each kernel loads the bytes it compares with from its arguments (eight
// copies in a uint64), spreads them to all sixteen bytes of an XMM
// register, and then for every 64-byte word of src computes four 16-bit
// masks with PMOVMSKB and stores them as one uint64.

// func eqWordsSSE2(dst *uint64, src *byte, words int, c uint64)
TEXT ·eqWordsSSE2(SB), NOSPLIT, $0-32
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	SPLAT(c+24(FP), X8)
	TESTQ CX, CX
	JEQ eqdone

eqloop:
	MOVOU 0(SI), X0
	MOVOU 16(SI), X1
	MOVOU 32(SI), X2
	MOVOU 48(SI), X3
	PCMPEQB X8, X0
	PCMPEQB X8, X1
	PCMPEQB X8, X2
	PCMPEQB X8, X3
	PMOVMSKB X0, AX
	PMOVMSKB X1, BX
	PMOVMSKB X2, DX
	PMOVMSKB X3, R8
	JOIN4(AX, BX, DX, R8, (DI))
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE eqloop

eqdone:
	RET

// EQ4(off, R) sets R to the mask of the 16 bytes at off(SI) equal to any
// of X8..X11.
#define EQ4(off, R) \
	MOVOU off(SI), X0 \
	MOVO X8, X1 \
	PCMPEQB X0, X1 \
	MOVO X9, X2 \
	PCMPEQB X0, X2 \
	POR X2, X1 \
	MOVO X10, X2 \
	PCMPEQB X0, X2 \
	POR X2, X1 \
	PCMPEQB X11, X0 \
	POR X1, X0 \
	PMOVMSKB X0, R

// func eq4WordsSSE2(dst *uint64, src *byte, words int, a, b, c, d uint64)
TEXT ·eq4WordsSSE2(SB), NOSPLIT, $0-56
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	SPLAT(a+24(FP), X8)
	SPLAT(b+32(FP), X9)
	SPLAT(c+40(FP), X10)
	SPLAT(d+48(FP), X11)
	TESTQ CX, CX
	JEQ eq4done

eq4loop:
	EQ4(0, AX)
	EQ4(16, BX)
	EQ4(32, DX)
	EQ4(48, R8)
	JOIN4(AX, BX, DX, R8, (DI))
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE eq4loop

eq4done:
	RET

// EQ2NT(off, R) sets R to the mask of the 16 bytes at off(SI) equal to X8
// or X9 or, as signed bytes, below 0x20 (X10): control bytes and bytes
// from 0x80, which are negative.
#define EQ2NT(off, R) \
	MOVOU off(SI), X0 \
	MOVO X8, X1 \
	PCMPEQB X0, X1 \
	MOVO X10, X2 \
	PCMPGTB X0, X2 \
	POR X2, X1 \
	PCMPEQB X9, X0 \
	POR X1, X0 \
	PMOVMSKB X0, R

// func eq2NonTextWordsSSE2(dst *uint64, src *byte, words int, a, b uint64)
TEXT ·eq2NonTextWordsSSE2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	SPLAT(a+24(FP), X8)
	SPLAT(b+32(FP), X9)
	MOVQ $0x2020202020202020, AX
	SPLAT(AX, X10)
	TESTQ CX, CX
	JEQ eq2ntdone

eq2ntloop:
	EQ2NT(0, AX)
	EQ2NT(16, BX)
	EQ2NT(32, DX)
	EQ2NT(48, R8)
	JOIN4(AX, BX, DX, R8, (DI))
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE eq2ntloop

eq2ntdone:
	RET

// RANGE(off, R) sets R to the mask of the 16 bytes at off(SI) from X9 to
// X8: a byte is in the range when clamping it to the range leaves it
// unchanged.
#define RANGE(off, R) \
	MOVOU off(SI), X0 \
	MOVO X0, X1 \
	PMINUB X8, X1 \
	PMAXUB X9, X1 \
	PCMPEQB X0, X1 \
	PMOVMSKB X1, R

// func rangeWordsSSE2(dst *uint64, src *byte, words int, lo, hi uint64)
TEXT ·rangeWordsSSE2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	SPLAT(lo+24(FP), X9)
	SPLAT(hi+32(FP), X8)
	TESTQ CX, CX
	JEQ rangedone

rangeloop:
	RANGE(0, AX)
	RANGE(16, BX)
	RANGE(32, DX)
	RANGE(48, R8)
	JOIN4(AX, BX, DX, R8, (DI))
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE rangeloop

rangedone:
	RET

// PAIR(off, R) sets R to the mask of the positions of the 16 bytes at
// off(SI) equal to X8 and followed by a byte equal to X9.
#define PAIR(off, R) \
	MOVOU off(SI), X0 \
	MOVOU off+1(SI), X1 \
	PCMPEQB X8, X0 \
	PCMPEQB X9, X1 \
	PAND X1, X0 \
	PMOVMSKB X0, R

// func pairWordsSSE2(dst *uint64, src *byte, words int, a, b uint64)
TEXT ·pairWordsSSE2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	SPLAT(a+24(FP), X8)
	SPLAT(b+32(FP), X9)
	TESTQ CX, CX
	JEQ pairdone

pairloop:
	PAIR(0, AX)
	PAIR(16, BX)
	PAIR(32, DX)
	PAIR(48, R8)
	JOIN4(AX, BX, DX, R8, (DI))
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE pairloop

pairdone:
	RET

// PAIRFOLD(off, R) is PAIR on the bytes with 0x20 set (ASCII letters in
// lower case) in X7.
#define PAIRFOLD(off, R) \
	MOVOU off(SI), X0 \
	MOVOU off+1(SI), X1 \
	POR X7, X0 \
	POR X7, X1 \
	PCMPEQB X8, X0 \
	PCMPEQB X9, X1 \
	PAND X1, X0 \
	PMOVMSKB X0, R

// func pairFoldWordsSSE2(dst *uint64, src *byte, words int, a, b uint64)
TEXT ·pairFoldWordsSSE2(SB), NOSPLIT, $0-40
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	SPLAT(a+24(FP), X8)
	SPLAT(b+32(FP), X9)
	MOVQ $0x2020202020202020, AX
	MOVQ AX, X7
	PUNPCKLQDQ X7, X7
	TESTQ CX, CX
	JEQ pairfolddone

pairfoldloop:
	PAIRFOLD(0, AX)
	PAIRFOLD(16, BX)
	PAIRFOLD(32, DX)
	PAIRFOLD(48, R8)
	JOIN4(AX, BX, DX, R8, (DI))
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE pairfoldloop

pairfolddone:
	RET

// The line-and-prefix kernels map the line feeds of src into nl and the
// places where a prefix of up to four bytes starts into dst, in one pass:
// the bytes at offsets 0 to 3 from each position are compared with the
// prefix's bytes (a byte the prefix lacks compares as equal through an
// all-ones ignore mask) and ANDed. They read three bytes past their words.

// LPX(off, RN, RC) sets RN to the line-feed mask and RC to the prefix
// mask of the 16 bytes at off(SI): X7 holds line feeds, X8..X11 the
// prefix bytes, X12..X14 the ignore masks of bytes 1 to 3.
#define LPX(off, RN, RC) \
	MOVOU off(SI), X0 \
	MOVOU off+1(SI), X1 \
	MOVOU off+2(SI), X2 \
	MOVOU off+3(SI), X3 \
	MOVO X0, X4 \
	PCMPEQB X7, X4 \
	PMOVMSKB X4, RN \
	PCMPEQB X8, X0 \
	PCMPEQB X9, X1 \
	PCMPEQB X10, X2 \
	PCMPEQB X11, X3 \
	POR X12, X1 \
	POR X13, X2 \
	POR X14, X3 \
	PAND X1, X0 \
	PAND X3, X2 \
	PAND X2, X0 \
	PMOVMSKB X0, RC

// func linesPrefixWordsSSE2(dst, nl *uint64, src *byte, words int, a, b, c, d, ign1, ign2, ign3 uint64)
TEXT ·linesPrefixWordsSSE2(SB), NOSPLIT, $0-88
	MOVQ dst+0(FP), DI
	MOVQ nl+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ words+24(FP), CX
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	SPLAT(AX, X7)
	SPLAT(a+32(FP), X8)
	SPLAT(b+40(FP), X9)
	SPLAT(c+48(FP), X10)
	SPLAT(d+56(FP), X11)
	SPLAT(ign1+64(FP), X12)
	SPLAT(ign2+72(FP), X13)
	SPLAT(ign3+80(FP), X14)
	TESTQ CX, CX
	JEQ lpxdone

lpxloop:
	LPX(0, AX, BX)
	LPX(16, DX, R8)
	SHLQ $16, DX
	SHLQ $16, R8
	ORQ DX, AX
	ORQ R8, BX
	LPX(32, DX, R8)
	SHLQ $32, DX
	SHLQ $32, R8
	ORQ DX, AX
	ORQ R8, BX
	LPX(48, DX, R8)
	SHLQ $48, DX
	SHLQ $48, R8
	ORQ DX, AX
	ORQ R8, BX
	MOVQ AX, (R9)
	MOVQ BX, (DI)
	ADDQ $8, DI
	ADDQ $8, R9
	ADDQ $64, SI
	DECQ CX
	JNE lpxloop

lpxdone:
	RET

// LPY is LPX on 32 bytes with AVX2: Y7 holds line feeds, Y8..Y11 the
// prefix bytes, Y12..Y14 the ignore masks.
#define LPY(off, RN, RC) \
	VMOVDQU off(SI), Y0 \
	VMOVDQU off+1(SI), Y1 \
	VMOVDQU off+2(SI), Y2 \
	VMOVDQU off+3(SI), Y3 \
	VPCMPEQB Y7, Y0, Y4 \
	VPMOVMSKB Y4, RN \
	VPCMPEQB Y8, Y0, Y0 \
	VPCMPEQB Y9, Y1, Y1 \
	VPCMPEQB Y10, Y2, Y2 \
	VPCMPEQB Y11, Y3, Y3 \
	VPOR Y12, Y1, Y1 \
	VPOR Y13, Y2, Y2 \
	VPOR Y14, Y3, Y3 \
	VPAND Y1, Y0, Y0 \
	VPAND Y3, Y2, Y2 \
	VPAND Y2, Y0, Y0 \
	VPMOVMSKB Y0, RC

// func linesPrefixWordsAVX2(dst, nl *uint64, src *byte, words int, a, b, c, d, ign1, ign2, ign3 uint64)
TEXT ·linesPrefixWordsAVX2(SB), NOSPLIT, $0-88
	MOVQ dst+0(FP), DI
	MOVQ nl+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ words+24(FP), CX
	MOVQ $0x0a0a0a0a0a0a0a0a, AX
	BCAST(AX, Y7)
	BCAST(a+32(FP), Y8)
	BCAST(b+40(FP), Y9)
	BCAST(c+48(FP), Y10)
	BCAST(d+56(FP), Y11)
	BCAST(ign1+64(FP), Y12)
	BCAST(ign2+72(FP), Y13)
	BCAST(ign3+80(FP), Y14)
	TESTQ CX, CX
	JEQ lpydone

lpyloop:
	LPY(0, AX, BX)
	LPY(32, DX, R8)
	SHLQ $32, DX
	SHLQ $32, R8
	ORQ DX, AX
	ORQ R8, BX
	MOVQ AX, (R9)
	MOVQ BX, (DI)
	ADDQ $8, DI
	ADDQ $8, R9
	ADDQ $64, SI
	DECQ CX
	JNE lpyloop

lpydone:
	VZEROUPPER
	RET
