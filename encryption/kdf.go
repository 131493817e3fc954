package encryption

import (
	"crypto/hkdf"
	"crypto/sha512"
	"crypto/subtle"
	"fmt"
)

// deriveV3 derives the suite-115 content key from the data key and message
// ID, after checking the stored key commitment in constant time. The
// commitment is checked before the content key is derived.
func deriveV3(dk, messageID, commitment []byte) ([]byte, error) {
	ck, dek, err := deriveV3Keys(dk, messageID)
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(ck, commitment) != 1 {
		clear(dek)
		return nil, fmt.Errorf("%w: key commitment does not match (wrong key or altered envelope)", ErrAuthentication)
	}
	return dek, nil
}

// deriveV3Keys returns (commitment, content key) for suite 115.
func deriveV3Keys(dk, messageID []byte) ([]byte, []byte, error) {
	if len(dk) != DataKeySize || len(messageID) != messageIDSize {
		return nil, nil, fmt.Errorf("%w: suite 115 needs a %d-byte data key and %d-byte message ID", ErrInvalidKey, DataKeySize, messageIDSize)
	}
	prk, err := hkdf.Extract(sha512.New, dk, messageID)
	if err != nil {
		return nil, nil, fmt.Errorf("encryption: hkdf: %w", err)
	}
	defer clear(prk)
	ck, err := hkdf.Expand(sha512.New, prk, "\x00\x73COMMITKEY", commitmentSize)
	if err != nil {
		return nil, nil, fmt.Errorf("encryption: hkdf: %w", err)
	}
	dek, err := hkdf.Expand(sha512.New, prk, "\x00\x73DERIVEKEY", DataKeySize)
	if err != nil {
		return nil, nil, fmt.Errorf("encryption: hkdf: %w", err)
	}
	return ck, dek, nil
}
