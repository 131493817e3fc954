#include "textflag.h"

// The bytes '9' and '0', sixteen of each.
DATA digitBounds<>+0x00(SB)/8, $0x3939393939393939
DATA digitBounds<>+0x08(SB)/8, $0x3939393939393939
DATA digitBounds<>+0x10(SB)/8, $0x3030303030303030
DATA digitBounds<>+0x18(SB)/8, $0x3030303030303030
GLOBL digitBounds<>(SB), RODATA|NOPTR, $0x20

// DIGITS16 ORs into R10, shifted left by sh, the 16 digit bits of the
// bytes at off(SI): a byte is a digit when clamping it to '0'..'9' leaves
// it unchanged.
#define DIGITS16(off, sh) \
	MOVOU off(SI), X0 \
	MOVO X0, X1 \
	PMINUB X8, X1 \
	PMAXUB X9, X1 \
	PCMPEQB X0, X1 \
	PMOVMSKB X1, AX \
	SHLQ $sh, AX \
	ORQ AX, R10

// func digitWords(dst *uint64, src *byte, words int)
//
// SSE2 only, which every amd64 processor has.
TEXT ·digitWords(SB), NOSPLIT, $0-24
	MOVQ dst+0(FP), DI
	MOVQ src+8(FP), SI
	MOVQ words+16(FP), CX
	MOVOU digitBounds<>+0x00(SB), X8
	MOVOU digitBounds<>+0x10(SB), X9
	TESTQ CX, CX
	JEQ done

loop:
	XORQ R10, R10
	DIGITS16(0, 0)
	DIGITS16(16, 16)
	DIGITS16(32, 32)
	DIGITS16(48, 48)
	MOVQ R10, (DI)
	ADDQ $8, DI
	ADDQ $64, SI
	DECQ CX
	JNE loop

done:
	RET
