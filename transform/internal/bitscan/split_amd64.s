//go:build amd64 && !purego

#include "textflag.h"

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

// JOIN4(r0, r1, r2, r3, dst) writes four 16-bit masks to dst as one word.
#define JOIN4(r0, r1, r2, r3, dst) \
	SHLQ $16, r1 \
	SHLQ $32, r2 \
	SHLQ $48, r3 \
	ORQ r1, r0 \
	ORQ r3, r2 \
	ORQ r2, r0 \
	MOVQ r0, dst

// SPLATQ sets X to sixteen copies of the byte repeated in arg.
#define SPLATQ(arg, X) \
	MOVQ arg, X \
	PUNPCKLQDQ X, X

// func eq4SplitWordsSSE2(first, rest *uint64, src *byte, words int, a, b, c, d uint64)
TEXT ·eq4SplitWordsSSE2(SB), NOSPLIT, $0-64
	MOVQ first+0(FP), DI
	MOVQ rest+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ words+24(FP), CX
	SPLATQ(a+32(FP), X8)
	SPLATQ(b+40(FP), X9)
	SPLATQ(c+48(FP), X10)
	SPLATQ(d+56(FP), X11)
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

// BCASTQ sets Y to 32 copies of the byte repeated in the uint64 arg.
#define BCASTQ(arg, Y) \
	MOVQ arg, X0 \
	VPBROADCASTQ X0, Y

// func eq4SplitWordsAVX2(first, rest *uint64, src *byte, words int, a, b, c, d uint64)
TEXT ·eq4SplitWordsAVX2(SB), NOSPLIT, $0-64
	MOVQ first+0(FP), DI
	MOVQ rest+8(FP), R9
	MOVQ src+16(FP), SI
	MOVQ words+24(FP), CX
	BCASTQ(a+32(FP), Y8)
	BCASTQ(b+40(FP), Y9)
	BCASTQ(c+48(FP), Y10)
	BCASTQ(d+56(FP), Y11)
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
