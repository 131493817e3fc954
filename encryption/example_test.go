package encryption_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/objectlambda/sdk-go/encryption"
)

func Example() {
	ctx := context.Background()
	key := bytes.Repeat([]byte{0x42}, 32) // in production: from Secrets Manager, loaded once
	kr, err := encryption.NewAESKeyring(key, map[string]string{"kid": "demo"})
	if err != nil {
		panic(err)
	}

	// Encrypt on the way out: ciphertext stream plus metadata to set.
	plain := []byte("hello, object lambda")
	x, err := encryption.NewEncryptor(ctx, bytes.NewReader(plain), kr, encryption.WithPlaintextLength(int64(len(plain))))
	if err != nil {
		panic(err)
	}
	body, _ := io.ReadAll(x)
	header := http.Header{}
	for k, v := range x.Metadata() {
		header.Set("X-Amz-Meta-"+k, v)
	}

	// Decrypt on the way in, from the response header and body.
	md := encryption.MetadataFromHeader(header)
	fmt.Println("encrypted:", encryption.IsEncrypted(md))
	env, err := encryption.RequireEnvelope(md)
	if err != nil {
		panic(err)
	}
	d, err := encryption.NewDecryptor(ctx, bytes.NewReader(body), env, kr, encryption.WithCiphertextLength(int64(len(body))))
	if err != nil {
		panic(err)
	}
	defer d.Close()
	n, _ := d.PlaintextLength()
	out, err := io.ReadAll(d)
	if err != nil {
		panic(err)
	}
	fmt.Println(n, string(out))
	fmt.Println("envelope headers left:", len(encryption.StripEnvelope(header)))
	// Output:
	// encrypted: true
	// 20 hello, object lambda
	// envelope headers left: 0
}

func ExampleRequireEnvelope_notEncrypted() {
	md := encryption.Metadata{"owner": "ana"}
	_, err := encryption.RequireEnvelope(md)
	fmt.Println(errors.Is(err, encryption.ErrEncryptionRequired))
	// Only with the opt-in is plaintext "serve it as stored".
	_, err = encryption.RequireEnvelope(md, encryption.WithUnencryptedObjects())
	fmt.Println(errors.Is(err, encryption.ErrNotEncrypted))
	// Output:
	// true
	// true
}
