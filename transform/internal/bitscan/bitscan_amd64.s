//go:build amd64 && !purego

#include "textflag.h"

// Each kernel loads the bytes it compares with from its arguments (eight
// copies in a uint64), spreads them to all sixteen bytes of an XMM
// register, and then for every 64-byte word of src computes four 16-bit
// masks with PMOVMSKB and stores them as one uint64.

// SPLAT sets X to sixteen copies of the byte repeated in arg.
#define SPLAT(arg, X) \
	MOVQ arg, X \
	PUNPCKLQDQ X, X

// STORE4(r0, r1, r2, r3) writes the four 16-bit masks to (DI) as one word.
#define STORE4(r0, r1, r2, r3) \
	SHLQ $16, r1 \
	SHLQ $32, r2 \
	SHLQ $48, r3 \
	ORQ r1, r0 \
	ORQ r3, r2 \
	ORQ r2, r0 \
	MOVQ r0, (DI)

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
	STORE4(AX, BX, DX, R8)
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
	STORE4(AX, BX, DX, R8)
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
	STORE4(AX, BX, DX, R8)
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
	STORE4(AX, BX, DX, R8)
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
	STORE4(AX, BX, DX, R8)
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
	STORE4(AX, BX, DX, R8)
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE pairfoldloop

pairfolddone:
	RET
