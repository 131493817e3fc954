// Package kmstest is a local AWS KMS test double, as net/http/httptest is a
// local HTTP server: [New] starts a [Server] that speaks the KMS JSON 1.1
// protocol (Decrypt, GenerateDataKey, Encrypt) to the real aws-sdk-go-v2 KMS
// client ([Server.Client]), with in-memory symmetric keys
// ([Server.CreateKey]). Encryption contexts are authenticated like in KMS:
// Decrypt fails unless the context matches the one used to wrap.
// [Server.Calls] counts the calls of each operation, so a test can check
// that a keyring was (or was not) asked.
//
//	kms := kmstest.New()
//	defer kms.Close()
//	kr, err := kmskeyring.New(kms.Client(), kms.CreateKey())
//
// It is for tests only.
package kmstest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
)

// Server is a running KMS double. Close it when done.
type Server struct {
	*httptest.Server
	mu    sync.Mutex
	keys  map[string][]byte
	calls map[string]int
	next  int
}

// New starts a server.
func New() *Server {
	s := &Server{keys: map[string][]byte{}, calls: map[string]int{}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// CreateKey adds a symmetric key and returns its ARN.
func (s *Server) CreateKey() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	arn := fmt.Sprintf("arn:aws:kms:us-east-1:111122223333:key/%08d-0000-4000-8000-000000000000", s.next)
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	s.keys[arn] = k
	return arn
}

// Calls returns how many times an operation (e.g. "Decrypt") was called.
func (s *Server) Calls(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls[op]
}

// Client returns a real *kms.Client pointed at the server.
func (s *Server) Client() *kms.Client {
	return kms.New(kms.Options{
		Region:           "us-east-1",
		BaseEndpoint:     aws.String(s.URL),
		Credentials:      credentials.NewStaticCredentialsProvider("AKIDTEST", "SECRET", ""),
		HTTPClient:       s.Server.Client(),
		RetryMaxAttempts: 1,
	})
}

type request struct {
	KeyID             string            `json:"KeyId"`
	CiphertextBlob    []byte            `json:"CiphertextBlob"`
	Plaintext         []byte            `json:"Plaintext"`
	EncryptionContext map[string]string `json:"EncryptionContext"`
	KeySpec           string            `json:"KeySpec"`
	NumberOfBytes     int               `json:"NumberOfBytes"`
}

func fail(w http.ResponseWriter, typ, msg string) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.WriteHeader(http.StatusBadRequest)
	_ = json.NewEncoder(w).Encode(map[string]string{"__type": typ, "message": msg})
}

func ok(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_ = json.NewEncoder(w).Encode(v)
}

func aad(ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b bytes.Buffer
	for _, k := range keys {
		fmt.Fprintf(&b, "%d:%s%d:%s", len(k), k, len(ec[k]), ec[k])
	}
	return b.Bytes()
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), "TrentService.")
	var req request
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		fail(w, "ValidationException", "bad JSON")
		return
	}
	if !strings.HasPrefix(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256") {
		fail(w, "UnrecognizedClientException", "unsigned request")
		return
	}
	s.mu.Lock()
	s.calls[op]++
	s.mu.Unlock()
	switch op {
	case "GenerateDataKey":
		if req.KeySpec != "AES_256" {
			fail(w, "ValidationException", "only AES_256")
			return
		}
		pt := make([]byte, 32)
		_, _ = rand.Read(pt)
		blob, err := s.wrap(req.KeyID, pt, req.EncryptionContext)
		if err != nil {
			fail(w, "NotFoundException", err.Error())
			return
		}
		ok(w, map[string]any{"KeyId": req.KeyID, "Plaintext": pt, "CiphertextBlob": blob})
	case "Encrypt":
		blob, err := s.wrap(req.KeyID, req.Plaintext, req.EncryptionContext)
		if err != nil {
			fail(w, "NotFoundException", err.Error())
			return
		}
		ok(w, map[string]any{"KeyId": req.KeyID, "CiphertextBlob": blob})
	case "Decrypt":
		arn, pt, err := s.unwrap(req.CiphertextBlob, req.EncryptionContext)
		if err != nil {
			fail(w, "InvalidCiphertextException", "invalid ciphertext")
			return
		}
		if req.KeyID != "" && req.KeyID != arn {
			fail(w, "IncorrectKeyException", "the key ID in the request does not identify the key that encrypted the ciphertext")
			return
		}
		ok(w, map[string]any{"KeyId": arn, "Plaintext": pt, "EncryptionAlgorithm": "SYMMETRIC_DEFAULT"})
	default:
		fail(w, "UnsupportedOperationException", op)
	}
}

func (s *Server) gcm(arn string) (cipher.AEAD, error) {
	s.mu.Lock()
	k, found := s.keys[arn]
	s.mu.Unlock()
	if !found {
		return nil, fmt.Errorf("key %s not found", arn)
	}
	b, _ := aes.NewCipher(k)
	return cipher.NewGCM(b)
}

// blob = len(arn) u16 || arn || nonce || GCM(dk, aad = context)
func (s *Server) wrap(arn string, pt []byte, ec map[string]string) ([]byte, error) {
	g, err := s.gcm(arn)
	if err != nil {
		return nil, err
	}
	blob := binary.BigEndian.AppendUint16(nil, uint16(len(arn)))
	blob = append(blob, arn...)
	nonce := make([]byte, 12)
	_, _ = rand.Read(nonce)
	blob = append(blob, nonce...)
	return g.Seal(blob, nonce, pt, aad(ec)), nil
}

func (s *Server) unwrap(blob []byte, ec map[string]string) (string, []byte, error) {
	if len(blob) < 2 {
		return "", nil, fmt.Errorf("short")
	}
	n := int(binary.BigEndian.Uint16(blob))
	if len(blob) < 2+n+12 {
		return "", nil, fmt.Errorf("short")
	}
	arn := string(blob[2 : 2+n])
	g, err := s.gcm(arn)
	if err != nil {
		return "", nil, err
	}
	pt, err := g.Open(nil, blob[2+n:2+n+12], blob[2+n+12:], aad(ec))
	return arn, pt, err
}
