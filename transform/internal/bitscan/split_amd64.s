//go:build amd64 && !purego

#include "textflag.h"
#include "macros_amd64.h"

// The kernels of Eq4Split. For each 64-byte word of src they compare every
// byte with a (X8 or Y8) for the first map and with b, c and d (X9..X11 or
// Y9..Y11) for the rest map, from one load of the bytes.

// SPLIT16(off, RF, RR) sets RF to the 16-bit mask of the bytes at off(SI)
// equal to X8 and RR to that of the bytes equal to X9, X10 or X11.
#define SPLIT16(off, RF, RR) \
	MOVOU off(SI), X0 \
	MOVO X8, X1 \
	PCMPEQB X0, X1 \
	PMOVMSKB X1, RF \
	MOVO X9, X1 \
	PCMPEQB X0, X1 \
	MOVO X10, X2 \
	PCMPEQB X0, X2 \
	POR X2, X1 \
	PCMPEQB X11, X0 \
	POR X1, X0 \
	PMOVMSKB X0, RR

// func eq4SplitWordsSSE2(first, rest *uint64, src *byte, words int, a, b, c, d uint64)
TEXT ·eq4SplitWordsSSE2(SB), NOSPLIT, $0-64
	MOVQ first+0(FP), DI
	MOVQ rest+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ words+24(FP), CX
	SPLAT(a+32(FP), X8)
	SPLAT(b+40(FP), X9)
	SPLAT(c+48(FP), X10)
	SPLAT(d+56(FP), X11)
	TESTQ CX, CX
	JEQ splitdone

splitloop:
	SPLIT16(0, AX, R10)
	SPLIT16(16, BX, R11)
	SPLIT16(32, DX, R12)
	SPLIT16(48, R8, R13)
	JOIN4(AX, BX, DX, R8, (DI))
	JOIN4(R10, R11, R12, R13, (R9))
	ADDQ $8, DI
	ADDQ $8, R9
	ADDQ $64, SI
	DECQ CX
	JNE splitloop

splitdone:
	RET

// SPLIT32(off, RF, RR) is SPLIT16 on 32 bytes with AVX2 (Y8..Y11).
#define SPLIT32(off, RF, RR) \
	VMOVDQU off(SI), Y0 \
	VPCMPEQB Y8, Y0, Y1 \
	VPMOVMSKB Y1, RF \
	VPCMPEQB Y9, Y0, Y1 \
	VPCMPEQB Y10, Y0, Y2 \
	VPCMPEQB Y11, Y0, Y0 \
	VPOR Y2, Y1, Y1 \
	VPOR Y1, Y0, Y0 \
	VPMOVMSKB Y0, RR

// func eq4SplitWordsAVX2(first, rest *uint64, src *byte, words int, a, b, c, d uint64)
TEXT ·eq4SplitWordsAVX2(SB), NOSPLIT, $0-64
	MOVQ first+0(FP), DI
	MOVQ rest+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ words+24(FP), CX
	BCAST(a+32(FP), Y8)
	BCAST(b+40(FP), Y9)
	BCAST(c+48(FP), Y10)
	BCAST(d+56(FP), Y11)
	TESTQ CX, CX
	JEQ splitydone

splityloop:
	SPLIT32(0, AX, R10)
	SPLIT32(32, BX, R11)
	SHLQ $32, BX
	SHLQ $32, R11
	ORQ BX, AX
	ORQ R11, R10
	MOVQ AX, (DI)
	MOVQ R10, (R9)
	ADDQ $8, DI
	ADDQ $8, R9
	ADDQ $64, SI
	DECQ CX
	JNE splityloop

splitydone:
	VZEROUPPER
	RET
