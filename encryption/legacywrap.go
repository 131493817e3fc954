package encryption

import (
	"crypto"
	"crypto/cipher"
	"crypto/subtle"
	"encoding/binary"
	"errors"
)

const (
	cryptoSHA1   = crypto.SHA1
	cryptoSHA256 = crypto.SHA256
)

var errUnwrap = errors.New("unwrap failed")

// aesKeyUnwrap is RFC 3394 key unwrap with the default IV A6A6A6A6A6A6A6A6.
func aesKeyUnwrap(block cipher.Block, c []byte) ([]byte, error) {
	if len(c)%8 != 0 || len(c) < 24 {
		return nil, errUnwrap
	}
	n := len(c)/8 - 1
	var a [8]byte
	copy(a[:], c[:8])
	r := make([]byte, n*8)
	copy(r, c[8:])
	var b [16]byte
	for j := 5; j >= 0; j-- {
		for i := n; i >= 1; i-- {
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(b[:8], binary.BigEndian.Uint64(a[:])^t)
			copy(b[8:], r[(i-1)*8:i*8])
			block.Decrypt(b[:], b[:])
			copy(a[:], b[:8])
			copy(r[(i-1)*8:i*8], b[8:])
		}
	}
	iv := [8]byte{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6}
	if subtle.ConstantTimeCompare(a[:], iv[:]) != 1 {
		clear(r)
		return nil, errUnwrap
	}
	return r, nil
}

// aesKeyWrap is RFC 3394 key wrap (used by tests to build legacy objects).
func aesKeyWrap(block cipher.Block, p []byte) []byte {
	n := len(p) / 8
	a := [8]byte{0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6, 0xA6}
	r := append([]byte(nil), p...)
	var b [16]byte
	for j := 0; j <= 5; j++ {
		for i := 1; i <= n; i++ {
			copy(b[:8], a[:])
			copy(b[8:], r[(i-1)*8:i*8])
			block.Encrypt(b[:], b[:])
			t := uint64(n*j + i)
			binary.BigEndian.PutUint64(a[:], binary.BigEndian.Uint64(b[:8])^t)
			copy(r[(i-1)*8:i*8], b[8:])
		}
	}
	return append(a[:], r...)
}

// ecbUnwrap decrypts Java's "AES" (AES/ECB/PKCS5Padding) wrapped key.
func ecbUnwrap(block cipher.Block, c []byte) ([]byte, error) {
	if len(c) == 0 || len(c)%16 != 0 {
		return nil, errUnwrap
	}
	out := make([]byte, len(c))
	for i := 0; i < len(c); i += 16 {
		block.Decrypt(out[i:i+16], c[i:i+16])
	}
	p, err := pkcs7Unpad(out)
	if err != nil {
		clear(out)
		return nil, errUnwrap
	}
	return p, nil
}

// pkcs7Unpad removes PKCS#7 padding from a block-aligned buffer.
func pkcs7Unpad(b []byte) ([]byte, error) {
	if len(b) == 0 || len(b)%16 != 0 {
		return nil, errUnwrap
	}
	p := int(b[len(b)-1])
	if p == 0 || p > 16 {
		return nil, errUnwrap
	}
	for _, c := range b[len(b)-p:] {
		if int(c) != p {
			return nil, errUnwrap
		}
	}
	return b[:len(b)-p], nil
}
