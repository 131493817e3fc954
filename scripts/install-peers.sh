#!/usr/bin/env bash
# install-peers.sh installs the external test peers used by objectlambda/objectlambdatest
# (versitygw, the S3 server, and aws-lambda-rie, AWS's Lambda Runtime Interface Emulator)
# into <repo>/.peers/bin at pinned versions.
#
# It is idempotent: a peer is (re)installed only when its binary is missing or its version
# stamp (.peers/bin/<name>.version) does not match the pinned version. It prints what it did.
#
# Usage: scripts/install-peers.sh          # from anywhere inside the repository
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${repo}/.peers/bin"
mkdir -p "${bin}"

# name|module path of the main package|version
peers=(
	"versitygw|github.com/versity/versitygw/cmd/versitygw|v1.8.0"
	"aws-lambda-rie|github.com/aws/aws-lambda-runtime-interface-emulator/cmd/aws-lambda-rie|v0.0.0-20261030222936-bef5c4ba774d"
)

for peer in "${peers[@]}"; do
	IFS='|' read -r name pkg version <<<"${peer}"
	stamp="${bin}/${name}.version"
	if [[ -x "${bin}/${name}" && -f "${stamp}" && "$(cat "${stamp}")" == "${version}" ]]; then
		echo "install-peers: ${name} ${version} already installed in ${bin}"
		continue
	fi
	echo "install-peers: installing ${name} ${version} into ${bin} (versitygw takes about 2 minutes on a cold cache)"
	rm -f "${stamp}"
	start=$(date +%s)
	# Build outside the repository so its go.mod does not interfere with the peer's own.
	(cd "${TMPDIR:-/tmp}" && GOBIN="${bin}" GOFLAGS=-mod=mod go install "${pkg}@${version}")
	echo "${version}" >"${stamp}"
	echo "install-peers: installed ${name} ${version} in $(($(date +%s) - start))s"
done
