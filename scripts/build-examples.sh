#!/usr/bin/env bash
# build-examples.sh builds every example function under examples/ as a Lambda
# "provided.al2023" bootstrap for arm64 and x86_64, zips each one for
# deployment, and prints a size table:
#
#   dist/examples/<example>-<arch>.zip   (one file, "bootstrap", mode 0755)
#
# Builds are static (CGO_ENABLED=0), use -tags lambda.norpc (no net/rpc
# server in the binary) and grpcnotrace (see below), -trimpath, and -ldflags
# "-s -w" (no symbol table or DWARF). Zips carry a fixed timestamp, so
# identical code gives identical zips and `sam deploy` / `aws lambda
# update-function-code` see no change.
#
# grpcnotrace: the OTLP exporter of examples/observability links gRPC, whose
# default build imports golang.org/x/net/trace, which imports html/template.
# Templates call methods by name through reflection, so the linker then keeps
# every exported method of every reachable type (the S3 client keeps 113
# methods instead of the 2 it uses). With the tag gRPC leaves x/net/trace
# out: 21.4 MB -> 13.3 MB stripped on arm64. The tag changes nothing in
# examples that do not link gRPC, so every example is built with it, in one
# go build per architecture. docs/binary-size.md has the numbers.
#
# Usage: scripts/build-examples.sh [example ...]   # default: all of them
#
# Environment:
#   ARCHS  GOARCH values to build, space-separated (default "arm64 amd64")
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "${repo}"
out="${repo}/dist/examples"

if [[ $# -gt 0 ]]; then
	names=("$@")
else
	names=()
	for main in examples/*/main.go; do
		names+=("$(basename "$(dirname "${main}")")")
	done
fi
pkgs=()
for n in "${names[@]}"; do
	[[ -f "examples/${n}/main.go" ]] || { echo "build-examples: no example named ${n}" >&2; exit 1; }
	pkgs+=("./examples/${n}")
done

zipone() { # zipone <dir containing bootstrap> <zip path>
	local dir="$1" zip="$2"
	chmod 0755 "${dir}/bootstrap"
	TZ=UTC touch -t 198001010000 "${dir}/bootstrap"
	rm -f "${zip}"
	if command -v zip >/dev/null; then
		(cd "${dir}" && zip -q -X -9 "${zip}" bootstrap)
	else
		(cd "${dir}" && python3 -m zipfile -c "${zip}" bootstrap)
	fi
}

rm -rf "${out}/.bin"
mkdir -p "${out}"
read -ra archs <<<"${ARCHS:-arm64 amd64}"
for arch in "${archs[@]}"; do
	[[ "${arch}" == arm64 || "${arch}" == amd64 ]] || { echo "build-examples: unknown ARCHS entry ${arch}" >&2; exit 1; }
	label="${arch/amd64/x86_64}"
	bin="${out}/.bin/${label}"
	mkdir -p "${bin}"
	# One go build for all examples of an architecture: packages build in
	# parallel and share the compiled library.
	CGO_ENABLED=0 GOOS=linux GOARCH="${arch}" \
		go build -tags lambda.norpc,grpcnotrace -trimpath -ldflags="-s -w" -o "${bin}/" "${pkgs[@]}"
	for n in "${names[@]}"; do
		mkdir -p "${bin}/${n}.d"
		mv "${bin}/${n}" "${bin}/${n}.d/bootstrap"
		zipone "${bin}/${n}.d" "${out}/${n}-${label}.zip"
	done
done

mib() { awk -v b="$1" 'BEGIN { printf "%.1f MiB", b / 1048576 }'; }
size() { stat -c %s "$1"; }
header='| example |' rule='|---|'
for arch in "${archs[@]}"; do
	label="${arch/amd64/x86_64}"
	header+=" ${label} binary | ${label} zip |"
	rule+='---:|---:|'
done
printf '%s\n%s\n' "${header}" "${rule}"
for n in "${names[@]}"; do
	row="| ${n} |"
	for arch in "${archs[@]}"; do
		label="${arch/amd64/x86_64}"
		row+=" $(mib "$(size "${out}/.bin/${label}/${n}.d/bootstrap")") | $(mib "$(size "${out}/${n}-${label}.zip")") |"
	done
	printf '%s\n' "${row}"
done
echo
echo "build-examples: zips in ${out#"${repo}/"}/"
