// Macros shared by the amd64 kernels (bitscan_amd64.s, split_amd64.s).

// SPLAT sets X to sixteen copies of the byte repeated in arg.
#define SPLAT(arg, X) \
	MOVQ arg, X \
	PUNPCKLQDQ X, X

// BCAST sets Y to 32 copies of the byte repeated in the uint64 arg.
#define BCAST(arg, Y) \
	MOVQ arg, X0 \
	VPBROADCASTQ X0, Y

// JOIN4(r0, r1, r2, r3, dst) writes four 16-bit masks to dst as one word.
#define JOIN4(r0, r1, r2, r3, dst) \
	SHLQ $16, r1 \
	SHLQ $32, r2 \
	SHLQ $48, r3 \
	ORQ r1, r0 \
	ORQ r3, r2 \
	ORQ r2, r0 \
	MOVQ r0, dst
