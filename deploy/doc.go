// Package deploy holds the gateway's deployment files: the Dockerfile at
// the repository root and the Kubernetes manifests in deploy/kubernetes.
// Its test parses every manifest and checks what must agree between them,
// the configuration they carry and the binary (there is no cluster in the
// test environment).
package deploy
